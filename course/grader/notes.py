"""Grading notes: one line for the instructor about everything unusual a grading run met.

This module is the one owner of their format. A note is made at one of two
moments and travels to the instructor report:

1. *before nbgrader runs*, by :mod:`course.grader.triage` (a notebook that
   could not be read, was renamed or lost cells): kinds :data:`TRIAGE_KINDS`;
2. *while a notebook is graded*, by the preprocessors in
   :mod:`course.grader.preprocessors` (a cell skipped because it stopped the
   kernel, output cut, code that changes the checks): kinds ``runtime`` and
   ``tampering``. They are collected in the preprocessors' ``resources``
   (:func:`add`) and saved in the autograded notebook's metadata
   (:func:`save_in_notebook`).

``python -m course.grader.parallel`` gathers both kinds per learner into one
run file per assignment (:func:`record_run`), and :mod:`course.grader.report`
reads that file (:func:`read_run`) and the autograded notebooks
(:func:`in_notebook`). Stock ``nbgrader autograde`` leaves only the second kind,
in the notebooks.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

#: Where the preprocessors collect notes in ``resources``, and where they are kept in notebook metadata.
KEY = "course_grading"
#: Kinds written before nbgrader runs (course.grader.triage).
TRIAGE_KINDS = frozenset({"unreadable", "missing", "renamed", "ignored", "restored", "empty"})
#: Kinds written while a notebook is graded (course.grader.preprocessors).
GRADING_KINDS = frozenset({"runtime", "tampering"})


@dataclass(frozen=True)
class Note:
    """One line for the instructor: what happened, in which notebook, and whether it looks like tampering."""

    kind: str
    message: str
    notebook: str = ""
    tampering: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict, notebook: str = "") -> "Note":
        return cls(str(data.get("kind", "")), str(data.get("message", "")),
                   str(data.get("notebook") or notebook), bool(data.get("tampering")))

    @property
    def before_grading(self) -> bool:
        """Whether triage wrote it (before nbgrader ran)."""
        return self.kind in TRIAGE_KINDS


# --------------------------------------------------------------------------- while grading one notebook

def add(resources: dict, kind: str, message: str, tampering: bool = False) -> None:
    """Record a note in a preprocessor run's ``resources`` (a repeated note is kept once)."""
    notes = resources.setdefault(KEY, [])
    entry = {"kind": kind, "message": message, "tampering": tampering}
    if entry not in notes:
        notes.append(entry)


def save_in_notebook(nb, resources: dict) -> None:
    """Keep the notes collected in ``resources`` in the autograded notebook's metadata."""
    nb.metadata[KEY] = {"notes": list(resources.get(KEY, []))}


def in_notebook(nb, notebook: str = "") -> list[Note]:
    """The notes kept in an autograded notebook (``[]`` if none); ``notebook`` names it."""
    return [Note.from_dict(n, notebook) for n in (nb.metadata.get(KEY) or {}).get("notes", [])]


def in_folder(folder: str | os.PathLike) -> list[Note]:
    """The notes of every autograded notebook in ``folder``, each with its file name."""
    import nbformat

    out = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # an unreadable notebook has no notes to give
            continue
        out += in_notebook(nb, path.name)
    return out


# --------------------------------------------------------------------------- one file per assignment and run

def run_file(config, assignment: str) -> Path:
    """Where a parallel run keeps the notes of ``assignment`` (inside the git-ignored autograded folder)."""
    from .nbgrader_api import coursedir

    cd = coursedir(config)
    return Path(cd.format_path(cd.autograded_directory, ".", ".")).resolve() / f".notes-{assignment}.json"


@dataclass
class LearnerRun:
    """One learner's outcome in the last run: ``graded``, ``skipped`` or ``failed``, a message, the notes."""

    status: str
    message: str
    notes: list[Note]


def read_run(config, assignment: str) -> dict[str, LearnerRun]:
    """Student id -> :class:`LearnerRun` from the last parallel run (``{}`` if there was none)."""
    try:
        data = json.loads(run_file(config, assignment).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {student: LearnerRun(str(entry.get("status", "")), str(entry.get("message", "")),
                                [Note.from_dict(n) for n in entry.get("notes", [])])
            for student, entry in data.items() if isinstance(entry, dict)}


def record_run(config, assignment: str, student: str, run: LearnerRun) -> Path:
    """Write one learner's outcome into the run file (others are kept); return the file."""
    path = run_file(config, assignment)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data[student] = {"status": run.status, "message": run.message, "notes": [n.as_dict() for n in run.notes]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path
