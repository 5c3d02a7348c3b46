"""Generate the bokmål notebooks from the English source and the catalogues.

``python -m course.i18n build --out build/nb`` writes ``build/nb/modules/``: a
copy of ``modules/`` whose markdown cells are replaced by their translations.
Code cells, cell ids and nbgrader metadata are copied unchanged, so the
bokmål edition grades exactly like the English one; stored outputs (printed in
English) are dropped. Each generated folder
gets a ``.course-lang`` file, which makes kernels started there speak bokmål
(:func:`course.i18n.language`). The generated notebooks are never edited by
hand; they are rebuilt whenever the source or a catalogue changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from ..paths import MODULES_DIR
from ..references import HEADING as REFERENCES_HEADING
from . import LANGUAGE_NAMES, MARKER
from .catalogues import CELL_CONTEXT, cell_translations, is_references_cell, notebooks

#: How a generated References cell is headed in each language.
REFERENCES_HEADINGS = {"nb": "## Referanser"}
#: What an HTML page in each language declares (<html lang>).
HTML_LANG = {"en": "en", "nb": "nb"}


class MissingTranslation(ValueError):
    """A cell has no finished translation (strict builds only)."""


def translate_notebook(notebook: Path, lang: str = "nb", modules_dir: Path = MODULES_DIR,
                       strict: bool = False):
    """The notebook in ``lang``: translated markdown, everything else as in the English source.

    A cell without a finished translation stays in English (``strict=True``
    raises :class:`MissingTranslation` instead); ``course.i18n check`` lists them.
    """
    nb = nbformat.read(str(notebook), as_version=4)
    entries = cell_translations(notebook, lang, modules_dir)
    for cell in nb.cells:
        if cell.cell_type == "code":
            _drop_english_outputs(cell)
            continue
        if cell.cell_type != "markdown":
            continue
        if is_references_cell(cell):
            cell.source = cell.source.replace(REFERENCES_HEADING, REFERENCES_HEADINGS[lang], 1)
            continue
        entry = entries.get(cell.id)
        finished = (entry is not None and entry.id == cell.source and entry.string
                    and "fuzzy" not in entry.flags)
        if finished:
            cell.source = entry.string
        elif strict and cell.source.strip():
            raise MissingTranslation(f"{Path(notebook).name}: {CELL_CONTEXT}{cell.id} has no finished translation")
    nb.metadata["course"] = {**nb.metadata.get("course", {}), "language": lang}
    nb.metadata["language_name"] = LANGUAGE_NAMES[lang]
    return nb


#: nbval's tag for a cell whose stored output is compared when the notebook is run.
CHECK_OUTPUT_TAG = "nbval-check-output"


def _drop_english_outputs(cell) -> None:
    """Remove a code cell's stored output: it was printed in English, and the cell prints bokmål.

    The English source keeps the outputs nbval compares; in the bokmål edition
    the same code prints the same numbers in other words, so nbval only checks
    that every cell runs, and the output comparison stays with the English.
    """
    cell.outputs = []
    cell.execution_count = None
    tags = [t for t in cell.metadata.get("tags", []) if t != CHECK_OUTPUT_TAG]
    if "tags" in cell.metadata:
        if tags:
            cell.metadata["tags"] = tags
        else:
            del cell.metadata["tags"]


def build(out_modules: Path, lang: str = "nb", modules_dir: Path = MODULES_DIR,
          strict: bool = False) -> list[Path]:
    """Write every notebook of ``modules_dir`` in ``lang`` under ``out_modules``; return the paths written.

    Files that are not notebooks (none today) are copied as they are, and a
    ``.course-lang`` marker goes in the top folder and in every module folder
    (nbgrader releases a module folder on its own).
    """
    modules_dir, out_modules = Path(modules_dir), Path(out_modules)
    written = []
    for notebook in notebooks(modules_dir):
        target = out_modules / notebook.relative_to(modules_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(translate_notebook(notebook, lang, modules_dir, strict), str(target))
        written.append(target)
    for other in modules_dir.rglob("*"):
        if other.is_file() and other.suffix != ".ipynb" and ".ipynb_checkpoints" not in other.parts \
                and other.name != MARKER:
            target = out_modules / other.relative_to(modules_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(other, target)
    for folder in {out_modules, *(p.parent for p in written)}:
        (folder / MARKER).write_text(lang + "\n", encoding="utf-8")
    return written
