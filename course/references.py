"""The course's single reference list (``references.json``, CSL-JSON) and citations by key.

Lessons cite in Markdown as ``[@nunan2010]`` or ``[@taskforce1996; @nunan2010]``.
Each lesson ends with a Markdown cell tagged ``references`` whose text is
generated from the keys the lesson cites, so it reads well without a kernel
and cannot drift from the list:

    python -m course.references sync modules/*/*.ipynb     # rewrite the cells
    python -m course.references check modules/*/*.ipynb    # report drift (used by tests)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from .paths import REFERENCES_FILE

CITATION = re.compile(r"\[(?:[^\[\]]*?)@[^\[\]]*\]")
KEY = re.compile(r"@([A-Za-z][\w-]*)")
REFERENCES_TAG = "references"
HEADING = "## References"


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


def cited_keys(text: str) -> list[str]:
    """Keys cited as ``[@key]`` in ``text``, in order of first appearance."""
    keys: list[str] = []
    for bracket in CITATION.findall(text):
        for key in KEY.findall(bracket):
            if key not in keys:
                keys.append(key)
    return keys


def _authors(entry: dict) -> str:
    names = []
    for person in entry.get("author", []):
        if "literal" in person:
            names.append(person["literal"])
        else:
            names.append(f"{person.get('family', '')} {person.get('given', '')}".strip())
    if len(names) > 6:
        names = names[:6] + ["et al."]
    return ", ".join(names)


def format_entry(entry: dict) -> str:
    """One reference as a Markdown line (Vancouver-like, with DOI or URL)."""
    year = entry.get("issued", {}).get("date-parts", [[""]])[0][0]
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


def bibliography(keys: list[str], table: dict[str, dict] | None = None) -> str:
    """The Markdown of a References cell for ``keys`` (unknown keys raise KeyError)."""
    table = table if table is not None else load()
    missing = [k for k in keys if k not in table]
    if missing:
        raise KeyError(f"not in references.json: {', '.join(missing)}")
    lines = [HEADING, ""]
    lines += [f"- **[{key}]** {format_entry(table[key])}" for key in sorted(keys)]
    return "\n".join(lines)


def _notebook_keys(nb) -> list[str]:
    keys: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and REFERENCES_TAG not in cell.metadata.get("tags", []):
            for key in cited_keys(cell.source):
                if key not in keys:
                    keys.append(key)
    return keys


def sync(path: Path, write: bool = True) -> bool:
    """Regenerate the References cell of one notebook; return True if it was already current."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if REFERENCES_TAG in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"{path}: expected one Markdown cell tagged '{REFERENCES_TAG}', found {len(cells)}")
    wanted = bibliography(_notebook_keys(nb))
    current = cells[0].source == wanted
    if write and not current:
        cells[0].source = wanted
        nbformat.write(nb, path)
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check or rewrite lessons' References cells.")
    parser.add_argument("action", choices=["sync", "check"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    stale = [p for p in args.notebooks if not sync(p, write=args.action == "sync")]
    for path in stale:
        print(f"{'updated' if args.action == 'sync' else 'out of date'}: {path}")
    return 1 if (stale and args.action == "check") else 0


if __name__ == "__main__":
    sys.exit(main())
