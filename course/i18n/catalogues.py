"""Translation catalogues: where they live, what they should hold, and keeping them current.

Each catalogue is a gettext ``.po`` file read and written with Babel. The
*template* of a catalogue is what the English source holds now (extracted
here); ``update`` merges a template into its catalogue the usual gettext way:
a translation whose English is unchanged is kept, one whose English changed
keeps its old translation but is marked *fuzzy* with the previous English
beside it (a translator must look at it again), and entries the source no
longer has are dropped.

Markdown cells are keyed by cell id (``msgctxt "cell <id>"``) with the English
text as ``msgid`` and a short hash of it in a comment; strings in code (the
course's Python code and notebook code cells) are keyed by their English text.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, unescape, write_po

from ..paths import MODULES_DIR, REPO_ROOT
from . import LOCALE_DIR

PACKAGE_DIR = REPO_ROOT / "course"
#: Keywords that mark a translatable string in Python code: ``_("..")``, ``tr("..", n=1)``, ``ntr(one, many, n)``.
KEYWORDS = {"_": None, "N_": None, "tr": None, "ntr": (1, 2)}
CELL_CONTEXT = "cell "


@dataclass
class Entry:
    """One message a catalogue should hold."""

    msgid: str
    context: str | None = None
    comments: list[str] = field(default_factory=list)
    locations: list[tuple[str, int]] = field(default_factory=list)


def text_hash(text: str) -> str:
    """A short fingerprint of an English text (shown beside each cell's entry)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def is_references_cell(cell) -> bool:
    from ..references import REFERENCES_TAG

    return REFERENCES_TAG in cell.metadata.get("tags", [])


# --- where catalogues live ---------------------------------------------------------------

def notebooks(modules_dir: Path = MODULES_DIR) -> list[Path]:
    """Every English notebook of the course: the start page and the lessons."""
    modules_dir = Path(modules_dir)
    found = sorted(modules_dir.glob("*.ipynb")) + sorted(modules_dir.glob("[0-9]*/*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def notebook_catalogue(notebook: Path, lang: str = "nb", modules_dir: Path = MODULES_DIR) -> Path:
    """The catalogue of one notebook, e.g. ``course/locale/nb/notebooks/02-x/01-y.po``."""
    rel = Path(notebook).resolve().relative_to(Path(modules_dir).resolve()).with_suffix(".po")
    return LOCALE_DIR / lang / "notebooks" / rel


def python_catalogue(module_file: Path, lang: str = "nb") -> Path:
    """The catalogue of one package module, e.g. ``course/locale/nb/python/course.feedback.po``."""
    rel = Path(module_file).resolve().relative_to(REPO_ROOT).with_suffix("")
    return LOCALE_DIR / lang / "python" / (".".join(rel.parts) + ".po")


def content_catalogue(content_file: str, lang: str = "nb") -> Path:
    return LOCALE_DIR / lang / "content" / (Path(content_file).stem + ".po")


# --- templates: what the English source holds now -----------------------------------------

def strings_in_code(source: str, where: str) -> list[Entry]:
    """Strings marked with ``_``, ``N_``, ``tr`` or ``ntr`` in Python source."""
    entries = []
    for lineno, _funcname, message, comments in extract_python(
            io.BytesIO(source.encode("utf-8")), KEYWORDS, [], {}):
        texts = message if isinstance(message, tuple) else (message,)
        for text in texts:
            if text:
                entries.append(Entry(text, None, list(comments), [(where, lineno)]))
    return entries


def notebook_template(notebook: Path) -> list[Entry]:
    """A notebook's markdown cells (by cell id) and the strings its code cells mark for translation."""
    nb = nbformat.read(str(notebook), as_version=4)
    name = Path(notebook).name
    entries: list[Entry] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            if not cell.source.strip() or is_references_cell(cell):
                continue
            entries.append(Entry(cell.source, CELL_CONTEXT + cell.id,
                                 [f"markdown cell {index + 1}, sha256 {text_hash(cell.source)}"]))
        elif cell.cell_type == "code":
            entries += strings_in_code(cell.source, f"{name} cell {index + 1}")
    return entries


def package_modules() -> list[Path]:
    """Every module of the package; those with strings marked for translation get a catalogue."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def python_template(module_file: Path) -> list[Entry]:
    rel = Path(module_file).resolve().relative_to(REPO_ROOT).as_posix()
    return strings_in_code(Path(module_file).read_text(encoding="utf-8"), rel)


def templates(lang: str = "nb", modules_dir: Path = MODULES_DIR) -> dict[Path, list[Entry]]:
    """Every catalogue the course needs in ``lang``, with the entries it should hold."""
    from .content import content_templates

    found: dict[Path, list[Entry]] = {}
    for notebook in notebooks(modules_dir):
        found[notebook_catalogue(notebook, lang, modules_dir)] = notebook_template(notebook)
    for module in package_modules():
        entries = python_template(module)
        if entries:
            found[python_catalogue(module, lang)] = entries
    for content_file, entries in content_templates().items():
        if entries:
            found[content_catalogue(content_file, lang)] = entries
    return {path: _dedupe(entries) for path, entries in found.items()}


def _dedupe(entries: list[Entry]) -> list[Entry]:
    merged: dict[tuple, Entry] = {}
    for entry in entries:
        key = (entry.context, entry.msgid)
        if key in merged:
            merged[key].locations += entry.locations
        else:
            merged[key] = entry
    return list(merged.values())


# --- reading, writing, merging ---------------------------------------------------------------

_PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _restore_previous(message) -> None:
    """Give back a fuzzy entry's previous English that Babel turned into comments.

    Babel writes a long previous ``msgid`` on ``#|`` lines wrapped like prose,
    cutting its quoted strings, and cannot read those lines back: they arrive as
    translator comments starting with ``|``, and the next save wraps them again
    (the catalogues hold no translator comments of their own). Joined again,
    the quoted strings give the previous English back.
    """
    comments = [c.strip() for c in message.user_comments]
    if not comments or not comments[0].startswith("| msgid"):
        return
    text = " ".join(c[1:].strip() if c.startswith("|") else c for c in comments)
    msgid = text[len("msgid"):].split("msgid_plural", 1)[0]
    message.previous_id = ["".join(unescape(f'"{part}"') for part in _PO_STRING.findall(msgid))]
    message.user_comments = []


def load(path: Path) -> Catalog:
    """Read one catalogue (an empty one if the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return Catalog(locale="nb", project="clinician-course")
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="nb", abort_invalid=True)
    for message in catalog:
        if message.id:
            _restore_previous(message)
    return catalog


def save(catalog: Catalog, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, include_previous=True,
             include_lineno=False, ignore_obsolete=True)
    data = buffer.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def merge(template: list[Entry], old: Catalog, lang: str = "nb") -> Catalog:
    """A catalogue holding exactly ``template``, with the translations ``old`` already has."""
    new = Catalog(locale=lang, project="clinician-course", fuzzy=False,
                  header_comment="# Norwegian bokmål translation of the clinician course.\n"
                                 "# English is the source; update with `python -m course.i18n update`.")
    if any(m.id for m in old):  # an unchanged catalogue stays byte-for-byte the same
        new.creation_date = old.creation_date
    by_key = {(m.context, m.id): m for m in old if m.id}
    by_context = {m.context: m for m in old if m.id and m.context}
    for entry in template:
        previous = by_key.get((entry.context, entry.msgid))
        string, flags, previous_id = "", set(), []
        if previous is not None:
            string, flags = previous.string, set(previous.flags)
            previous_id = list(previous.previous_id or []) if "fuzzy" in flags else []
        elif entry.context and entry.context in by_context:
            earlier = by_context[entry.context]
            string, flags = earlier.string, {"fuzzy"}
            previous_id = [earlier.id] if "fuzzy" not in earlier.flags else list(earlier.previous_id or [earlier.id])
        new.add(entry.msgid, string=string, context=entry.context, auto_comments=entry.comments,
                locations=[(w, None) for w, _ in entry.locations][:3], flags=flags,
                previous_id=previous_id or ())
        added = new.get(entry.msgid, context=entry.context)
        added.user_comments = list(previous.user_comments) if previous is not None else []
        if entry.context and not entry.context.startswith("code"):
            added.flags.discard("python-format")  # Babel guesses it from a "%" in prose
    return new


def update(lang: str = "nb", modules_dir: Path = MODULES_DIR, only: str | None = None) -> list[str]:
    """Bring every catalogue (or those whose path contains ``only``) in step with the English source."""
    log = []
    for path, template in templates(lang, modules_dir).items():
        if only and only not in path.as_posix():
            continue
        before = path.read_bytes() if path.exists() else b""
        save(merge(template, load(path), lang), path)
        if path.read_bytes() != before:
            log.append(f"updated {path.relative_to(REPO_ROOT)}")
    return log


# --- what a running kernel uses ----------------------------------------------------------------

def _usable(message) -> bool:
    return bool(message.id and message.string and "fuzzy" not in message.flags
                and not (message.context or "").startswith(CELL_CONTEXT))


@lru_cache(maxsize=4)
def runtime_messages(lang: str) -> dict[tuple[str | None, str], str]:
    """Every finished translation a kernel may need: {(context, English): translation}."""
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted((LOCALE_DIR / lang).rglob("*.po")):
        for message in load(path):
            if _usable(message):
                found.setdefault((message.context, message.id), message.string)
    return found


def cell_translations(notebook: Path, lang: str = "nb", modules_dir: Path = MODULES_DIR) -> dict[str, object]:
    """The catalogue entries of a notebook's markdown cells, by cell id."""
    catalog = load(notebook_catalogue(notebook, lang, modules_dir))
    return {m.context[len(CELL_CONTEXT):]: m for m in catalog
            if m.id and (m.context or "").startswith(CELL_CONTEXT)}
