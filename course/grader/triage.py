"""Look over a submission before autograding: repair what can be repaired, say what was wrong.

Stock nbgrader fails a learner's whole submission when one notebook is not
valid JSON, and silently scores 0 for a notebook saved under another name.
:func:`triage` works on a private copy of one learner's submission folder:

- a notebook that cannot be read (truncated, empty file, not a notebook,
  too large) is set aside, so it scores 0 while the others are graded;
- a missing notebook is matched with an unknown one holding the same graded
  cells ("Copy1", "(1)", a renamed file) and graded under the right name;
- a notebook that is still missing scores 0 (nbgrader does this);
- changes nbgrader undoes (deleted or edited locked cells, changed cell
  types, duplicated graded cells, an empty notebook) are noted, so the
  instructor knows why the learner's copy differs from what was graded.

Every finding becomes one line for the instructor's report. The learner's
original files in ``submitted/`` are never changed.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .notes import Note

MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class ExpectedCell:
    name: str
    cell_type: str
    locked: bool
    checksum: str | None
    graded: bool  # a grade or answer cell (as opposed to locked text)


def expected_cells(gb, assignment: str, release_dir: str | os.PathLike | None = None) -> dict[str, list[ExpectedCell]]:
    """Notebook name -> the cells nbgrader knows for it, from the gradebook.

    Locked cells are compared with the student version in ``release_dir``
    when it is there (the gradebook's copy of a test cell includes the hidden
    tests, which learners never had).
    """
    import nbformat
    from nbgrader.utils import compute_checksum

    out = {}
    record = gb.find_assignment(assignment)
    for nb in record.notebooks:
        released = {}
        path = Path(release_dir) / f"{nb.name}.ipynb" if release_dir else None
        if path is not None and path.exists():
            for cell in nbformat.read(path, as_version=4).cells:
                gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if gid:
                    released[gid] = compute_checksum(cell)
        graded = {c.name for c in nb.grade_cells} | {c.name for c in nb.solution_cells}
        out[nb.name] = [ExpectedCell(c.name, c.cell_type, bool(c.locked), released.get(c.name, c.checksum),
                                     c.name in graded)
                        for c in nb.source_cells]
    return out


def _read(path: Path):
    """``(notebook, None)`` or ``(None, reason)``."""
    import nbformat

    size = path.stat().st_size
    if size == 0:
        return None, "is an empty file (0 bytes)"
    if size > MAX_NOTEBOOK_BYTES:
        return None, f"is too large to grade ({size / 1e6:.0f} MB)"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, "is not a text file (perhaps another file renamed to .ipynb)"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"is not valid JSON (damaged at line {exc.lineno}, column {exc.colno})"
    if not isinstance(data, dict) or "cells" not in data:
        return None, "is JSON but not a notebook (no cells)"
    try:
        return nbformat.reads(text, as_version=4), None
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        return None, f"is not a notebook nbgrader can read ({type(exc).__name__})"


def _grade_ids(nb) -> list[str]:
    return [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")]


def release_notebooks(release_dir: str | os.PathLike | None, names) -> dict:
    """Notebook name -> the student version (``nbformat`` node) found in ``release_dir``."""
    import nbformat

    out = {}
    for name in names:
        path = Path(release_dir) / f"{name}.ipynb" if release_dir else None
        if path is not None and path.exists():
            out[name] = nbformat.read(path, as_version=4)
    return out


def repair_cells(nb, release) -> bool:
    """Fix in place what nbgrader's own repair trips over; return whether ``nb`` changed.

    - duplicated graded cells: only the last copy keeps its nbgrader metadata
      (as nbgrader decides), the earlier copies become ordinary cells;
    - deleted graded or locked cells: put back from the student version, after
      the nearest earlier cell that is still there (nbgrader's
      ``add_missing_cells`` fails when an answer cell and its test are both gone).
    """
    import copy

    import nbformat

    changed = False
    seen = set()
    for cell in reversed(nb.cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not gid:
            continue
        if gid in seen:
            del cell.metadata["nbgrader"]
            changed = True
        seen.add(gid)
    if release is None:
        return changed
    position = {gid: i for i, gid in enumerate(
        c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells) if gid}
    insert_at = 0
    for cell in release.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not gid:
            continue
        if gid in position:
            insert_at = position[gid] + 1
            continue
        restored = copy.deepcopy(cell)
        restored["id"] = nbformat.v4.new_code_cell().id
        nb.cells.insert(insert_at, restored)
        position = {g: (i + 1 if i >= insert_at else i) for g, i in position.items()}
        position[gid] = insert_at
        insert_at += 1
        changed = True
    return changed


def cell_notes(name: str, nb, expected: list[ExpectedCell]) -> list[Note]:
    """What is different from the student version in one readable notebook (before repair)."""
    from nbgrader.utils import compute_checksum

    file = f"{name}.ipynb"
    if not nb.cells:
        return [Note("empty", f"{file} has no cells: graded as an unanswered copy (0)", file)]
    notes = []
    counts = Counter(_grade_ids(nb))
    by_id = {}
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            by_id[gid] = cell  # nbgrader grades the last copy
    for exp in expected:
        if exp.name not in counts:
            if exp.locked or exp.graded:
                what = "answer cell" if exp.graded and not exp.locked else "locked cell"
                notes.append(Note("restored", f"{what} {exp.name!r} was deleted; the course's copy was put back", file))
            continue
        if counts[exp.name] > 1:
            notes.append(Note("restored", f"cell {exp.name!r} appears {counts[exp.name]} times; the last copy was graded", file))
        cell = by_id[exp.name]
        if cell.cell_type != exp.cell_type:
            notes.append(Note("restored", f"cell {exp.name!r} was changed to {cell.cell_type}; changed back to {exp.cell_type}", file))
        elif exp.locked and exp.checksum:
            try:
                edited = compute_checksum(cell) != exp.checksum
            except Exception:
                edited = True
            if edited:
                notes.append(Note("restored", f"locked cell {exp.name!r} was edited; the course's version was graded", file))
    return notes


def triage(folder: str | os.PathLike, expected: dict[str, list[ExpectedCell]],
           set_aside: str | os.PathLike | None = None, release: dict | None = None) -> list[Note]:
    """Inspect and repair the submission in ``folder`` (a private copy) before nbgrader runs.

    Unreadable notebooks are moved to ``set_aside`` (or deleted); a renamed
    notebook is renamed back; duplicated or deleted graded cells are repaired
    against ``release`` (name -> student version). Returns the notes.
    """
    import nbformat

    release = release or {}
    folder = Path(folder)
    notes: list[Note] = []
    readable = {}
    for path in sorted(folder.glob("*.ipynb")):
        nb, why = _read(path)
        if nb is None:
            notes.append(Note("unreadable", f"{path.name} {why}: scored 0, the rest was graded", path.name))
            if set_aside:
                Path(set_aside).mkdir(parents=True, exist_ok=True)
                path.replace(Path(set_aside) / path.name)
            else:
                path.unlink()
        else:
            readable[path.stem] = (path, nb)

    unknown = {stem: v for stem, v in readable.items() if stem not in expected}
    for name in sorted(expected):
        if name in readable:
            continue
        wanted = {c.name for c in expected[name] if c.graded}
        best, best_key = None, (0, 0.0)
        for stem, (path, nb) in unknown.items():
            overlap = len(wanted & set(_grade_ids(nb)))
            key = (overlap, path.stat().st_mtime)
            if overlap * 2 >= max(1, len(wanted)) and key > best_key:
                best, best_key = stem, key
        if best is None:
            if not any(n.notebook == f"{name}.ipynb" for n in notes):
                notes.append(Note("missing", f"{name}.ipynb is not in the submission: scored 0", f"{name}.ipynb"))
            continue
        path, nb = unknown.pop(best)
        target = folder / f"{name}.ipynb"
        path.replace(target)
        readable[name] = (target, nb)
        notes.append(Note("renamed", f"{path.name} holds this notebook's exercises: graded as {name}.ipynb", f"{name}.ipynb"))
    for stem, (path, _nb) in sorted(unknown.items()):
        notes.append(Note("ignored", f"{path.name} is not part of the assignment: not graded", path.name))
    for name in sorted(expected):
        if name in readable:
            path, nb = readable[name]
            notes.extend(cell_notes(name, nb, expected[name]))
            if repair_cells(nb, release.get(name)):
                nbformat.write(nb, path)
    return notes
