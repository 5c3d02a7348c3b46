"""Is every translation present, current and faithful? One sentence per problem.

A translation is *missing* when its catalogue has no finished text, *stale*
when the English changed after it was written (gettext's fuzzy flag, or a
cell whose English no longer matches), and *unfaithful* when it lost or
changed something that must be identical in every language: citation keys,
numbers, links and code (``code spans``, ``{fields}`` of a message).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..paths import MODULES_DIR, REPO_ROOT
from ..references import cited_keys
from .catalogues import CELL_CONTEXT, load, merge, templates

_FENCE = re.compile(r"```.*?```", re.S)
_CODE = re.compile(r"`[^`\n]+`")
_LINK_TARGET = re.compile(r"\]\(([^)\s]+)[^)]*\)")
_URL = re.compile(r"(?<![(\"'])\bhttps?://[^\s)>\]]+")
_ANCHOR = re.compile(r"<a\s+id=\"([^\"]+)\"")
_TAG = re.compile(r"<[^>]+>")
_FIELD = re.compile(r"(?<!\{)\{([^{}!:]*)(?:[!:][^{}]*)?\}(?!\})")
_EN_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d]|\.\d)")
_NB_THOUSANDS = re.compile(r"(?<![\d,])(\d{1,3})((?:[ \u00a0\u202f]\d{3})+)(?!\d)")
_NB_DECIMAL = re.compile(r"(?<=\d),(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def code_spans(text: str) -> Counter:
    return Counter(_FENCE.findall(text) + _CODE.findall(_FENCE.sub(" ", text)))


def links(text: str) -> Counter:
    return Counter(_LINK_TARGET.findall(text) + _URL.findall(text) + _ANCHOR.findall(text))


def numbers(text: str, lang: str) -> Counter:
    """The numbers a text states, written the same way whatever the language (0,63 -> 0.63, 10 000 -> 10000)."""
    text = _FENCE.sub(" ", text)
    text = _CODE.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    if lang == "nb":
        text = _NB_THOUSANDS.sub(lambda m: m.group(1) + re.sub(r"\D", "", m.group(2)), text)
        text = _NB_DECIMAL.sub(".", text)
    else:
        text = _EN_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(",", ""), text)
    return Counter(_NUMBER.findall(text))


def fields(text: str) -> Counter:
    return Counter(_FIELD.findall(text))


def _difference(english: Counter, translated: Counter) -> str:
    lost = english - translated
    added = translated - english
    parts = []
    if lost:
        parts.append("missing " + ", ".join(sorted(lost.elements())))
    if added:
        parts.append("extra " + ", ".join(sorted(added.elements())))
    return "; ".join(parts)


def faithfulness(english: str, translated: str, lang: str = "nb", is_cell: bool = True) -> list[str]:
    """What a translation changed that must stay the same (empty when faithful)."""
    found = []
    checks = [("citation keys", Counter(cited_keys(english)), Counter(cited_keys(translated))),
              ("links", links(english), links(translated)),
              ("code", code_spans(english), code_spans(translated)),
              ("numbers", numbers(english, "en"), numbers(translated, lang))]
    if not is_cell:
        checks.append(("{fields}", fields(english), fields(translated)))
    for what, en, tr in checks:
        if en != tr:
            found.append(f"{what} differ from the English ({_difference(en, tr)})")
    return found


def _label(message) -> str:
    if (message.context or "").startswith(CELL_CONTEXT):
        first = " ".join(message.id.split())[:60]
        return f"{message.context} (\"{first}...\")"
    return f"message \"{' '.join(message.id.split())[:70]}\""


def problems(lang: str = "nb", only: str | None = None, modules_dir: Path = MODULES_DIR) -> list[str]:
    """Every missing, stale or unfaithful translation, one sentence each; empty when all is in order."""
    found = []
    for path, template in templates(lang, modules_dir).items():
        name = path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)
        if only and only not in name:
            continue
        if not path.exists():
            found.append(f"{name}: the catalogue does not exist yet (python -m course.i18n update)")
            continue
        catalog = load(path)
        current = merge(template, catalog, lang)
        present = {(m.context, m.id) for m in catalog if m.id}
        for message in current:
            if not message.id:
                continue
            where = f"{name}: {_label(message)}"
            if (message.context, message.id) not in present:
                if "fuzzy" in message.flags:
                    found.append(f"{where} is stale: its English changed after it was translated "
                                 "(python -m course.i18n update, then revise the translation)")
                else:
                    found.append(f"{where} has no translation (python -m course.i18n update adds it)")
                continue
            if "fuzzy" in message.flags:
                found.append(f"{where} is stale: its English changed after it was translated; "
                             "revise the translation and remove the fuzzy flag")
            elif not message.string.strip():
                found.append(f"{where} has no translation")
            else:
                is_cell = (message.context or "").startswith(CELL_CONTEXT)
                found += [f"{where}: {p}" for p in faithfulness(message.id, message.string, lang, is_cell)]
        extra = present - {(m.context, m.id) for m in current if m.id}
        if extra:
            found.append(f"{name}: {len(extra)} entries no longer in the English source "
                         "(python -m course.i18n update removes them)")
    return found
