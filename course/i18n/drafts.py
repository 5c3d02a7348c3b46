"""A plain-text draft format for translators who do not use a PO editor.

``python -m course.i18n export CATALOGUE > draft.txt`` writes every entry as a
block: a ``##### key`` line (``cell <id>``, ``msg`` or ``content:<file>``), then
``----- en`` and the English, then ``----- nb`` and the translation so far.
Write the bokmål under ``----- nb`` and read it back with
``python -m course.i18n import CATALOGUE draft.txt``: a block whose English no
longer matches the catalogue is refused with a sentence, nothing else changes,
and an imported translation is no longer marked fuzzy.
"""

from __future__ import annotations

import re
from pathlib import Path

from .catalogues import load, save

_KEY = re.compile(r"^##### (cell \S+|msg|content:\S+)$")
_PART = re.compile(r"^----- (en|nb)$")


class DraftError(ValueError):
    """A draft that cannot be read back, explained in a sentence."""


def export(catalogue: Path, untranslated_only: bool = False) -> str:
    blocks = []
    for message in load(catalogue):
        if not message.id:
            continue
        if untranslated_only and message.string and "fuzzy" not in message.flags:
            continue
        key = message.context if message.context else "msg"
        blocks.append(f"##### {key}\n----- en\n{message.id}\n----- nb\n{message.string or ''}")
    return "\n".join(blocks) + "\n"


def parse(text: str) -> list[tuple[str | None, str, str]]:
    """(context, English, bokmål) of every block in a draft."""
    entries = []
    key = part = None
    lines: dict[str, list[str]] = {}

    def finish():
        if key is None:
            return
        if "en" not in lines or "nb" not in lines:
            raise DraftError(f"The block '##### {key}' needs both a '----- en' and a '----- nb' part.")
        context = None if key == "msg" else key
        entries.append((context, "\n".join(lines["en"]).rstrip("\n"), "\n".join(lines["nb"]).strip("\n")))

    for number, line in enumerate(text.splitlines(), 1):
        if _KEY.match(line):
            finish()
            key, part, lines = _KEY.match(line).group(1), None, {}
        elif _PART.match(line) and key is not None:
            part = _PART.match(line).group(1)
            lines[part] = []
        elif part is not None:
            lines[part].append(line)
        elif line.strip():
            raise DraftError(f"Line {number} of the draft is outside any '##### key' block.")
    finish()
    return entries


def import_draft(catalogue: Path, text: str) -> int:
    """Write a draft's translations into ``catalogue``; return how many changed."""
    catalog = load(catalogue)
    changed = 0
    problems = []
    for context, english, bokmal in parse(text):
        message = catalog.get(english, context=context)
        if message is None:  # a draft cannot show a final newline: match the English without it
            message = next((m for m in catalog if m.id and m.context == context
                            and m.id.rstrip("\n") == english), None)
        if message is not None:
            ending = message.id[len(message.id.rstrip("\n")):]
            if bokmal.strip():
                bokmal = bokmal.rstrip("\n") + ending
        if message is None:
            first = " ".join(english.split())[:60]
            problems.append(f"no entry '{context or 'msg'}' with the English \"{first}...\"")
            continue
        if not bokmal.strip():
            continue
        if message.string != bokmal or "fuzzy" in message.flags:
            message.string = bokmal
            message.flags.discard("fuzzy")
            message.previous_id = []
            changed += 1
    if problems:
        raise DraftError(f"{catalogue.name}: " + "; ".join(problems[:5])
                         + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
                         + ". Run `python -m course.i18n export` again to get the current English.")
    save(catalog, catalogue)
    return changed
