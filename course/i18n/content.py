"""Translating the prose fields of the course's content files (claim cards, reference checks).

Only prose is translated: the fields named in :data:`PROSE_FIELDS` and the
descriptions in a ``[verdicts]`` table. Ids, citation keys, verdict words
(learners type them as answers), numbers and hashes stay as they are, so
grading is the same in every language. A catalogue entry is keyed by the
content file and the English text (``msgctxt "content:<file>"``).
"""

from __future__ import annotations

from ..content import CONTENT_DIR
from . import _lookup, language
from .catalogues import Entry

#: Fields whose text a learner reads, in any table of a content file.
PROSE_FIELDS = frozenset({
    "short", "article_says", "checkable", "why", "finding", "design", "statement",
    "the_article_says", "what_the_check_found", "hint", "unit", "name", "item", "agreement",
})
#: Tables whose values (not keys) are prose: verdict words -> what they mean.
PROSE_TABLES = frozenset({"verdicts"})
#: Fields that are prose only inside one kind of table: (field, table), e.g. a plotted number's label.
PROSE_IN = frozenset({("label", "numbers")})


def _is_prose(key, parent) -> bool:
    return key in PROSE_FIELDS or parent in PROSE_TABLES or (key, parent) in PROSE_IN


def _context(file_name: str) -> str:
    return "content:" + file_name.rsplit(".", 1)[0]


def _walk(value, key: str | None, parent: str | None, found: list[tuple[str, str]], path: str):
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, k, key, found, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, key, parent, found, f"{path}.{i}")
    elif isinstance(value, str) and value.strip():
        if _is_prose(key, parent):
            found.append((path, value))


def prose(data: dict) -> list[tuple[str, str]]:
    """(path, text) of every translatable string in a loaded content file."""
    found: list[tuple[str, str]] = []
    _walk(data, None, None, found, "")
    return found


def content_templates() -> dict[str, list[Entry]]:
    """The entries each content file's catalogue should hold."""
    import tomllib

    found = {}
    for path in sorted(CONTENT_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found[path.name] = [Entry(text, _context(path.name), [where]) for where, text in prose(data)]
    return found


def _translate(value, key, parent, context):
    if isinstance(value, dict):
        return {k: _translate(v, k, key, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_translate(v, key, parent, context) for v in value]
    if isinstance(value, str) and _is_prose(key, parent):
        return _lookup(value, context)
    return value


def translate(file_name: str, data: dict) -> dict:
    """``data`` (a loaded content file) with its prose in the current language."""
    if language() == "en":
        return data
    return _translate(data, None, None, _context(file_name))
