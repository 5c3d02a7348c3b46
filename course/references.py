"""The course's single reference list (``references.json``, CSL-JSON) and citations by key.

Authors cite in Markdown as ``[@nunan2010]`` or ``[@taskforce1996; @nunan2010]``.
``sync`` turns each citation into author-year links to the lesson's reference
list, keeping the key in the link target, so learners read
"(Task Force 1996)" or "(Nunan et al. 2010; Shaffer & Ginsberg 2017)" and a
click moves to the entry::

    [@taskforce1996; @nunan2010]
    -> ([Task Force 1996](#ref-taskforce1996); [Nunan et al. 2010](#ref-nunan2010))

Each lesson ends with a Markdown cell tagged ``references`` whose text is
generated from the keys the lesson cites (each entry carries an anchor
``<a id="ref-KEY"></a>``), so it reads well without a kernel and cannot drift
from the list. Running ``sync`` again changes nothing, refreshes a label when
its entry changes, and leaves an unknown key visible as ``[@key]``:

    python -m course.references sync modules/*/*.ipynb     # rewrite citations and References cells
    python -m course.references check modules/*/*.ipynb    # report drift (used by tests)

Labels: one author "Family YEAR", two "A & B YEAR", three or more (or an
author list ending in "et al.") "A et al. YEAR"; an organisation by its name
up to the first comma, bracket or " of the " ("Task Force 1996",
"Institute of Medicine 2008"); no known author: the first words of the title.
Two entries with the same label in one lesson get "2017a", "2017b" (ordered
by title), both in the text and in the reference list.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from .errors import CourseError
from .paths import REFERENCES_FILE

#: A citation as authors write it: ``[@key]`` or ``[@a; @b]`` (not the text of a Markdown link).
CITATION = re.compile(r"\[([^\[\]]*?@[^\[\]]*)\](?!\()")
#: A key inside a citation (``@key``; an e-mail address is not one).
KEY = re.compile(r"(?<![\w.@])@([A-Za-z][\w-]*)")
ANCHOR_PREFIX = "ref-"
#: A citation after ``sync``: a Markdown link to the entry's anchor, ``[Label](#ref-key)``.
CITATION_LINK = re.compile(r"\[([^\[\]]*)\]\(#" + ANCHOR_PREFIX + r"([A-Za-z][\w-]*)\)")
_EITHER = re.compile(f"{CITATION_LINK.pattern}|{CITATION.pattern}")
#: Code in Markdown (fenced blocks, inline spans): citations there are examples, left alone.
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
REFERENCES_TAG = "references"
HEADING = "## References"
SYNC_COMMAND = "python -m course.references sync NOTEBOOK"


class CitationError(CourseError):
    """A citation that cannot be shown (an unknown key, a malformed citation)."""

    heading = "Citation problem"


@lru_cache(maxsize=4)
def load(path: Path = REFERENCES_FILE) -> dict[str, dict]:
    """All references, keyed by id; duplicate or missing ids are an error."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    table: dict[str, dict] = {}
    for entry in entries:
        key = entry.get("id")
        if not key:
            raise ValueError(f"{path}: an entry has no id: {entry.get('title', entry)!r}")
        if key in table:
            raise ValueError(f"{path}: the id {key!r} appears twice")
        table[key] = entry
    return table


def _outside_code(text: str):
    """``(is_code, piece)`` pieces of Markdown text, in order."""
    last = 0
    for match in _CODE.finditer(text):
        yield False, text[last:match.start()]
        yield True, match.group(0)
        last = match.end()
    yield False, text[last:]


def cited_keys(text: str) -> list[str]:
    """Keys cited in ``text``, as ``[@key]`` or as ``[Label](#ref-key)``, in order of first appearance.

    Citations inside Markdown code (``\`[@key]\```) are examples, not citations.
    """
    keys: list[str] = []
    for is_code, piece in _outside_code(text):
        if is_code:
            continue
        for match in _EITHER.finditer(piece):
            found = [match.group(2)] if match.group(2) else KEY.findall(match.group(3))
            keys += [key for key in found if key not in keys]
    return keys


def _family(person: dict) -> str:
    return " ".join(part for part in (person.get("non-dropping-particle"), person.get("family")) if part)


def _short_organisation(name: str) -> str:
    """An organisation's name up to its first comma, bracket or " of the "."""
    short = re.split(r",|\s\(|\s+of the\s+", name, maxsplit=1)[0].strip()
    return short or name.strip()


def _year(entry: dict) -> str:
    return str(entry.get("issued", {}).get("date-parts", [[""]])[0][0])


def base_label(entry: dict) -> str:
    """The visible author-year label of one entry, before "2017a/b" is added: "Nunan et al. 2010"."""
    people = entry.get("author", [])
    more = any(p.get("literal", "").strip().lower() in {"et al.", "et al"} for p in people)
    people = [p for p in people if p.get("literal", "").strip().lower() not in {"et al.", "et al"}]
    names = []
    for person in people:
        literal = person.get("literal", "").strip()
        if literal.startswith("[") or not (literal or person.get("family")):
            continue  # "[authors not confirmed]": no author to name
        names.append(_short_organisation(literal) if literal else _family(person))
    if not names:
        title = entry.get("title-short") or entry.get("title", "")
        words = title.split()
        who = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
        who = f"“{who.rstrip('.:,;')}”" if who else "Anonymous"
    elif more or len(names) >= 3:
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = f"{names[0]} & {names[1]}"
    else:
        who = names[0]
    return f"{who} {_year(entry)}"


def labels(keys, table: dict[str, dict] | None = None) -> dict[str, str]:
    """``{key: "Author YEAR"}`` for the known keys among ``keys``; equal labels get "a", "b", ... by title."""
    table = table if table is not None else load()
    known = [k for k in dict.fromkeys(keys) if k in table]
    base = {k: base_label(table[k]) for k in known}
    result = dict(base)
    for label in set(base.values()):
        same = sorted((k for k in known if base[k] == label), key=lambda k: (table[k].get("title", "").lower(), k))
        if len(same) > 1:
            for letter, key in zip("abcdefghijklmnopqrstuvwxyz", same):
                result[key] = label + letter
    return result


def year_suffix(label: str, entry: dict) -> str:
    """The letter ("a", "b", ...) a label adds to the entry's year, or ""."""
    year = _year(entry)
    tail = label.rsplit(" ", 1)[-1]
    return tail[len(year):] if tail.startswith(year) else ""


def render_citations(text: str, shown: dict[str, str]) -> str:
    """``text`` with each citation as author-year links, using ``shown`` (``{key: label}``).

    A citation whose keys are all in ``shown`` becomes
    ``([A 2010](#ref-a); [B 2017](#ref-b))``; a link whose label is stale gets
    the current label; a link to a key not in ``shown`` goes back to ``[@key]``,
    so the unknown key stays visible. Code in the Markdown is left alone.
    """
    def swap(match):
        if match.group(2):  # already a link
            key = match.group(2)
            return f"[{shown[key]}](#{ANCHOR_PREFIX}{key})" if key in shown else f"[@{key}]"
        inner = match.group(3)
        keys = KEY.findall(inner)
        rest = KEY.sub("", inner).replace(";", "").strip()
        if not keys or rest or any(k not in shown for k in keys):
            return match.group(0)  # unknown key or extra words: left as written, and reported
        return "(" + "; ".join(f"[{shown[k]}](#{ANCHOR_PREFIX}{k})" for k in keys) + ")"

    return "".join(piece if is_code else _EITHER.sub(swap, piece) for is_code, piece in _outside_code(text))


def _extra_words(text: str) -> list[str]:
    """Citations with words besides the keys (``[see @a, p. 3]``), which ``sync`` cannot show."""
    found = []
    for is_code, piece in _outside_code(text):
        if not is_code:
            found += [m.group(0) for m in CITATION.finditer(piece)
                      if KEY.findall(m.group(1)) and KEY.sub("", m.group(1)).replace(";", "").strip()]
    return found


def _authors(entry: dict) -> str:
    names = []
    for person in entry.get("author", []):
        if "literal" in person:
            names.append(person["literal"])
        else:
            names.append(f"{_family(person)} {person.get('given', '')}".strip())
    if len(names) > 6:
        names = names[:6] + ["et al."]
    return ", ".join(names)


def format_entry(entry: dict, year_letter: str = "") -> str:
    """One reference as a Markdown line (Vancouver-like, with DOI or URL); ``year_letter`` gives "2017a"."""
    year = f"{_year(entry)}{year_letter}"
    title = entry["title"].rstrip(".")
    parts = [f"{_authors(entry)} ({year}). {title}{'' if title.endswith(('?', '!')) else '.'}"]
    if entry.get("container-title"):
        source = f"*{entry['container-title']}*"
        if entry.get("volume"):
            source += f" {entry['volume']}"
            if entry.get("issue"):
                source += f"({entry['issue']})"
        if entry.get("page"):
            source += f":{entry['page'].replace('-', '–')}"
        parts.append(source + ".")
    elif entry.get("publisher"):
        parts.append(f"{entry['publisher']}.")
    if entry.get("DOI"):
        parts.append(f"[doi:{entry['DOI']}](https://doi.org/{entry['DOI']})")
    elif entry.get("URL"):
        parts.append(f"<{entry['URL']}>")
    return " ".join(parts)


def anchor(key: str) -> str:
    """The HTML anchor an entry carries, which citation links point at (``#ref-key``)."""
    return f'<a id="{ANCHOR_PREFIX}{key}"></a>'


def bibliography(keys: list[str], table: dict[str, dict] | None = None) -> str:
    """The Markdown of a References cell for ``keys`` (unknown keys raise KeyError).

    Entries are in order of their author-year label; each starts with its
    anchor (:func:`anchor`), so a citation link moves to it.
    """
    table = table if table is not None else load()
    missing = [k for k in keys if k not in table]
    if missing:
        raise KeyError(f"not in references.json: {', '.join(missing)}")
    shown = labels(keys, table)
    lines = [HEADING, ""]
    for key in sorted(shown, key=lambda k: (shown[k].casefold(), k)):
        letter = year_suffix(shown[key], table[key])
        lines.append(f"- {anchor(key)}{format_entry(table[key], letter)}")
    return "\n".join(lines)


def _is_references(cell) -> bool:
    return REFERENCES_TAG in cell.metadata.get("tags", [])


def _notebook_keys(nb) -> list[str]:
    """Keys cited in the notebook's Markdown cells (not the References cell), in order of first appearance."""
    keys: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not _is_references(cell):
            keys += [key for key in cited_keys(cell.source) if key not in keys]
    return keys


def problems(nb, table: dict[str, dict] | None = None) -> list[str]:
    """What is wrong with a notebook's citations, one sentence each (empty when all is in order).

    Unknown keys, citations with extra words, citations not yet shown as
    author-year links or with stale labels, and a missing or stale References
    cell. ``python -m course.references sync`` fixes all but the first two.
    """
    table = table if table is not None else load()
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or _is_references(cell):
            continue
        found += [f"cell {i}: cites [@{key}], which is not in references.json"
                  for key in cited_keys(cell.source) if key not in table]
        found += [f"cell {i}: the citation {text} has words besides the keys; write [@key] or [@a; @b] "
                  "and put other words outside the brackets" for text in _extra_words(cell.source)]
    if found:
        return found
    keys = _notebook_keys(nb)
    shown = labels(keys, table)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and not _is_references(cell) \
                and render_citations(cell.source, shown) != cell.source:
            found.append(f"cell {i} is out of date: its citations are not shown as author-year links "
                         f"({SYNC_COMMAND})")
    refs = [c for c in nb.cells if _is_references(c)]
    if len(refs) != 1:
        found.append(f"needs one Markdown cell tagged '{REFERENCES_TAG}'")
    elif refs[0].source != bibliography(keys, table):
        found.append(f"the References cell is out of date ({SYNC_COMMAND})")
    return found


def sync_notebook(nb, table: dict[str, dict] | None = None) -> bool:
    """Show every citation of ``nb`` as author-year links and regenerate its References cell, in place.

    Returns True if anything changed. Raises :class:`CitationError` (and
    changes nothing) for an unknown key, a citation with extra words, or a
    notebook without exactly one References cell.
    """
    table = table if table is not None else load()
    wrong = [p for p in problems(nb, table) if "out of date" not in p]
    if wrong:
        raise CitationError("; ".join(wrong) + ".",
                            hint="Add the source to references.json, or correct the key, then sync again.")
    shown = labels(_notebook_keys(nb), table)
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        new = bibliography(list(shown), table) if _is_references(cell) else render_citations(cell.source, shown)
        if new != cell.source:
            cell.source, changed = new, True
    return changed


def sync(path: Path, write: bool = True) -> bool:
    """Bring one notebook's citations and References cell up to date; return True if they already were.

    With ``write=False`` nothing is written (the ``check`` command).
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    try:
        changed = sync_notebook(nb)
    except CitationError as exc:
        raise CitationError(f"{path}: {exc.message}", hint=exc.hint) from None
    if write and changed:
        nbformat.write(nb, path)
    return not changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check or rewrite lessons' citations and References cells.")
    parser.add_argument("action", choices=["sync", "check"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        try:
            current = sync(path, write=args.action == "sync")
        except (CitationError, OSError, ValueError) as exc:
            print(f"Citation problem: {exc}", file=sys.stderr)
            status = 1
            continue
        if not current:
            print(f"{'updated' if args.action == 'sync' else 'out of date'}: {path}")
            status = 1 if args.action == "check" else status
    return status


if __name__ == "__main__":
    sys.exit(main())
