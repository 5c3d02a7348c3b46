"""Instructor report for one assignment: score spread, item statistics, follow-up, LMS export.

Run from the course root (where ``nbgrader_config.py`` is), after ``nbgrader autograde``::

    python -m course.grader.report 01-nervous-system [--out grading/reports] [--follow-up-below 50]

It reads the gradebook through nbgrader's :class:`~nbgrader.api.Gradebook` and
the autograded notebooks, and writes ``<out>/<assignment>/report.html`` (one
self-contained page, figures embedded as PNG with alt text) and
``<out>/<assignment>/lms.csv`` (one row per learner in the gradebook).

Definitions (the pure functions below compute them; tests check them by hand):

* **exercise**: one graded cell of the assignment: an autograded test cell or a
  manually graded answer (written reflection);
* **score of an exercise**: the manual score if an instructor gave one, else the
  autograded score, plus any extra credit; a written answer still waiting for
  manual grading has no score yet (it is left out of the exercise's statistics
  and counts 0 in totals, as in nbgrader's gradebook);
* **total %**: 100 × sum of a learner's scores / the assignment's maximum;
* **difficulty** (the classical *p* value): mean score of the learners who have a
  score for the exercise / its maximum points, 0 (nobody scored) to 1 (everybody
  got full marks);
* **discrimination** (item–rest correlation): Pearson correlation, across learners,
  of the exercise's score with the learner's total minus that exercise, so the
  exercise is not correlated with itself; "not computable" when fewer than three
  learners have a score (two points always correlate perfectly) or either series
  has no variance.

Statistics use the learners with at least one autograded notebook; learners
with no submission appear in the follow-up list and the CSV only.

**Time on task** per lesson comes from the cell-run timestamps in the learners'
*submitted* notebooks (autograding re-runs every cell and replaces them in its
own copies): the active time of each notebook is the sum of the gaps between
consecutive cell runs, leaving out gaps longer than 10 minutes, and the report
gives the cohort's median and interquartile range beside the lesson's stated
time (see :mod:`course.grader.timing`, which holds the rule).
"""

from __future__ import annotations

import argparse
import csv
import json
import datetime as _dt
import html
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import CourseError, explained_on_the_command_line
from . import gradebook
from . import notes as grading_notes
from . import timing

DEFAULT_THRESHOLD = 50.0
CSV_COLUMNS = ["student_id", "last_name", "first_name", "email", "score", "max_score", "percent", "status"]

#: Exception names that mean "the learner's answer does not pass a check yet".
FAILED_CHECK_NAMES = {"CheckFailed", "AssertionError"}
#: Exception names (or first traceback words) that mean "the answer still holds its stub".
NOT_ATTEMPTED_NAMES = {"NotAttempted", "StubStillThere", "NotImplementedError"}
NOT_ATTEMPTED_HEADING = "Not answered yet"
DEFAULT_CODE_STUB = "feedback.not_answered()"
DEFAULT_TEXT_STUB = "YOUR ANSWER HERE"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class ReportError(CourseError):
    """A report that cannot be made (no gradebook, no such assignment, nothing graded)."""


# ---------------------------------------------------------------------------
# Pure statistics
# ---------------------------------------------------------------------------

def exercise_score(auto_score: float | None, manual_score: float | None,
                   extra_credit: float | None = None) -> float:
    """An exercise's score as nbgrader counts it; NaN while it has neither a manual nor an autograded score."""
    base = manual_score if manual_score is not None else auto_score
    if base is None:
        return math.nan
    return float(base) + float(extra_credit or 0.0)


def totals(scores: pd.DataFrame) -> pd.Series:
    """Each learner's total points (rows: learners, columns: exercises); missing scores count 0."""
    return scores.fillna(0.0).sum(axis=1)


def total_percent(scores: pd.DataFrame, max_score: float) -> pd.Series:
    """Each learner's total as a percentage of ``max_score`` (the assignment's maximum)."""
    if max_score <= 0:
        raise ValueError("The assignment has no points to score.")
    return 100.0 * totals(scores) / float(max_score)


def difficulty(scores: pd.DataFrame, max_points: Mapping[str, float]) -> pd.Series:
    """Mean score / maximum points per exercise (column), over the learners who have a score.

    NaN for an exercise nobody has a score for yet (e.g. written answers not graded).
    """
    out = {}
    for item in scores.columns:
        values = scores[item].dropna()
        top = float(max_points[item])
        out[item] = float(values.mean()) / top if len(values) and top > 0 else math.nan
    return pd.Series(out, dtype=float)


def item_rest_correlation(item: Sequence[float], total: Sequence[float], min_learners: int = 3) -> float:
    """Pearson correlation of an exercise's scores with the totals minus that exercise.

    ``item`` and ``total`` are per learner, in the same order; learners with a
    missing value (NaN) in either are left out. Returns NaN ("not computable")
    when fewer than ``min_learners`` remain (with two, r is always +1 or -1)
    or when the exercise or the rest has no variance (everybody scored the same).
    """
    x = np.asarray(item, dtype=float)
    t = np.asarray(total, dtype=float)
    if x.shape != t.shape:
        raise ValueError("item and total need one value per learner each.")
    keep = ~(np.isnan(x) | np.isnan(t))
    x, rest = x[keep], (t - x)[keep]
    if x.size < max(2, min_learners):
        return math.nan
    scale = max(1.0, float(np.max(np.abs(x))), float(np.max(np.abs(rest))))
    if np.ptp(x) <= 1e-9 * scale or np.ptp(rest) <= 1e-9 * scale:  # no variance (up to rounding)
        return math.nan
    dx, dr = x - x.mean(), rest - rest.mean()
    return float(np.sum(dx * dr) / math.sqrt(float(np.sum(dx * dx)) * float(np.sum(dr * dr))))


def discrimination(scores: pd.DataFrame) -> pd.Series:
    """Item–rest correlation of every exercise (column) of ``scores``; NaN where not computable."""
    total = totals(scores)
    return pd.Series({item: item_rest_correlation(scores[item].to_numpy(float), total.to_numpy(float))
                      for item in scores.columns}, dtype=float)


def follow_up_reasons(*, submitted: bool, percent: float | None, threshold: float,
                      not_attempted: Iterable[str] = (), missing_notebooks: Iterable[str] = (),
                      tampering: Iterable[str] = ()) -> list[str]:
    """Why a learner needs follow-up (an empty list when they do not).

    Rules: no submission; code that changed the checks; a notebook of the
    submission missing or not graded; a total below ``threshold`` percent;
    any exercise not attempted.
    """
    missing_notebooks = list(missing_notebooks)
    not_attempted = list(not_attempted)
    if not submitted:
        return ["No submission."]
    reasons = [f"Possible tampering (scored 0): {t}" for t in tampering]
    if missing_notebooks:
        reasons.append("Not graded: " + ", ".join(missing_notebooks) + " (see Failed to grade).")
    if percent is not None and not math.isnan(percent) and percent < threshold:
        reasons.append(f"Total {percent:.1f} % is below {threshold:g} %.")
    if not_attempted:
        reasons.append("Not answered yet: " + "; ".join(not_attempted) + ".")
    return reasons


# ---------------------------------------------------------------------------
# Reading autograded notebooks
# ---------------------------------------------------------------------------

def _first_line(text: str) -> str:
    for line in _ANSI.sub("", text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def classify_error(output: Mapping[str, Any], timeout: float | None = None) -> tuple[str, str]:
    """Sort one error output of a test cell: ``("failed check" | "not attempted" | "grading error", reason)``.

    A failed check is the learner's answer being wrong (it is graded as such);
    a grading error is anything else that stopped the test cell (a time-out,
    a dead kernel, a name that does not exist...), explained in one line.
    """
    ename = str(output.get("ename", "") or "")
    evalue = str(output.get("evalue", "") or "")
    traceback = [_ANSI.sub("", str(line)) for line in output.get("traceback", []) or []]
    rendered = _first_line("\n".join(traceback))
    if ename in NOT_ATTEMPTED_NAMES or rendered.startswith(NOT_ATTEMPTED_HEADING):
        return "not attempted", _first_line(evalue) or rendered or "The answer still holds its stub."
    if ename in FAILED_CHECK_NAMES:
        return "failed check", _first_line(evalue) or rendered or "A check failed."
    limit = f" ({timeout:g} s per cell)" if timeout else ""
    if ename in {"CellTimeoutError", "TimeoutError"}:
        return "grading error", f"Stopped at the time limit{limit}: probably an endless loop or a very slow answer."
    if ename == "KeyboardInterrupt":
        return "grading error", f"Interrupted, usually because a cell reached the time limit{limit}."
    if ename in {"NotGraded", "GradingStopped"}:
        return "grading error", _first_line(evalue) or ename
    if ename == "DeadKernelError" or "kernel died" in (evalue + rendered).lower():
        return "grading error", "The Python kernel died while grading (often the answer used too much memory)."
    detail = _first_line(evalue) or rendered
    reason = f"{ename}: {detail}" if ename and detail else (ename or detail or "An unknown error.")
    return "grading error", reason if len(reason) <= 200 else reason[:197] + "..."


def is_stub(source: str, code_stub: str = DEFAULT_CODE_STUB, text_stub: str = DEFAULT_TEXT_STUB) -> bool:
    """Whether an answer cell still holds nbgrader's stub (or nothing)."""
    text = (source or "").strip()
    return not text or text == text_stub.strip() or code_stub.strip() in text


@dataclass
class NotebookOutcome:
    """What the autograded notebook says beyond the scores."""

    not_attempted: list[str] = field(default_factory=list)   # grade ids
    problems: list[tuple[str, str]] = field(default_factory=list)  # (grade id, one-line reason)


def read_outcome(nb, manual_ids: Iterable[str] = (), timeout: float | None = None,
                 code_stub: str = DEFAULT_CODE_STUB, text_stub: str = DEFAULT_TEXT_STUB) -> NotebookOutcome:
    """Exercises not attempted and grading errors in one autograded notebook (an ``nbformat`` node or dict).

    An autograded exercise is not attempted when its test cell stopped with
    "Not answered yet" (the stub is still there); a manually graded answer when
    its cell still holds the stub.
    """
    manual_ids = set(manual_ids)
    outcome = NotebookOutcome()
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not meta.get("grade") or not gid:
            continue
        if gid in manual_ids or meta.get("solution"):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if is_stub(source, code_stub, text_stub):
                outcome.not_attempted.append(gid)
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        # A time-out leaves a KeyboardInterrupt (the kernel was interrupted) and then a CellTimeoutError: name the cause.
        errors.sort(key=lambda o: o.get("ename") != "CellTimeoutError")
        kinds = [classify_error(o, timeout) for o in errors]
        if any(kind == "grading error" for kind, _ in kinds):
            outcome.problems.append((gid, next(reason for kind, reason in kinds if kind == "grading error")))
        elif any(kind == "not attempted" for kind, _ in kinds):
            outcome.not_attempted.append(gid)
    return outcome


def missing_notebook_reason(submitted_file: Path) -> str:
    """One line on why a notebook has no autograded copy."""
    folder = submitted_file.parent
    if not folder.is_dir():
        return "No autograded copy: the submission folder is missing, so there was nothing to grade."
    if not submitted_file.exists():
        found = sorted(p.name for p in folder.glob("*.ipynb"))
        also = f" (the submission holds {', '.join(found)})" if found else " (the submission holds no notebook)"
        return f"No autograded copy: {submitted_file.name} is not in the submission{also}."
    return ("No autograded copy although the notebook was submitted: autograding did not finish "
            "(e.g. the kernel died); read nbgrader's log and autograde this learner again.")


# ---------------------------------------------------------------------------
# Collecting the data
# ---------------------------------------------------------------------------

@dataclass
class Exercise:
    key: str           # "<notebook>/<grade id>"
    notebook: str
    grade_id: str
    label: str
    kind: str          # "autograded" or "manual"
    max_points: float


@dataclass
class Learner:
    student_id: str
    last_name: str = ""
    first_name: str = ""
    email: str = ""
    submitted: bool = False
    graded_notebooks: list[str] = field(default_factory=list)
    missing_notebooks: list[str] = field(default_factory=list)
    not_attempted: list[str] = field(default_factory=list)   # exercise keys
    pending_manual: int = 0
    score: float = 0.0
    tampering: list[str] = field(default_factory=list)      # one line per notebook flagged

    @property
    def in_statistics(self) -> bool:
        return bool(self.graded_notebooks)


@dataclass
class AssignmentData:
    assignment: str
    max_score: float
    exercises: list[Exercise]
    learners: list[Learner]
    scores: pd.DataFrame                       # learners in the statistics x exercise keys
    problems: list[tuple[str, str, str]]       # (student id, where, reason)
    notes: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (student, notebook, note, tampering)
    timing: list[timing.LessonTiming] = field(default_factory=list)         # one per notebook of the assignment

    def learner(self, student_id: str) -> Learner:
        return next(le for le in self.learners if le.student_id == student_id)


def _heading_labels(nb) -> dict[str, str]:
    """Exercise titles from the notebook's headings ("### Exercise 2 (2 points): RMSSD" -> "Exercise 2: RMSSD")."""
    labels, heading = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.lstrip().startswith("#"):
                    heading = re.sub(r"\s*\([^)]*\bpoints?\b[^)]*\)", "", line.lstrip("# ").strip())
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid and cell.metadata["nbgrader"].get("grade") and heading:
            labels[gid] = heading
    return labels


def submitted_timing(path: Path) -> timing.NotebookTiming | None:
    """Active time of one submitted notebook; None when the file cannot be read as JSON."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return timing.notebook_timing(nb) if isinstance(nb, dict) else None


def _sqlite_path(db_url: str) -> Path | None:
    if db_url.startswith("sqlite:///"):
        return Path(db_url[len("sqlite:///"):])
    return None


def collect(config, assignment: str) -> AssignmentData:
    """Read the gradebook and the autograded notebooks of ``assignment`` for the course in ``config``."""
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    db_url = coursedir.db_url
    db_file = _sqlite_path(db_url)
    if db_file is not None and not db_file.exists():
        raise ReportError(f"There is no gradebook yet at {db_file}: run nbgrader generate_assignment and "
                          "nbgrader autograde first.")
    gradebook.check_connection(db_url)  # a PostgreSQL gradebook that cannot be reached: one sentence
    from .cell_limit import resolve as cell_limit  # the limit grading used for this assignment

    timeout = cell_limit(config, assignment).seconds
    code_stub = str(config.ClearSolutions.get("code_stub", {}).get("python", DEFAULT_CODE_STUB)
                    if "ClearSolutions" in config else DEFAULT_CODE_STUB)
    code_stub = code_stub.strip().splitlines()[-1] if code_stub.strip() else DEFAULT_CODE_STUB
    text_stub = str(config.ClearSolutions.get("text_stub", DEFAULT_TEXT_STUB)
                    if "ClearSolutions" in config else DEFAULT_TEXT_STUB)

    with Gradebook(db_url, course_id=coursedir.course_id) as gb:
        try:
            record = gb.find_assignment(assignment)
        except MissingEntry:
            known = ", ".join(sorted(a.name for a in gb.assignments)) or "none yet"
            raise ReportError(f"There is no assignment called {assignment!r} in the gradebook "
                              f"(assignments there: {known}).") from None
        students = sorted(gb.students, key=lambda s: s.id)
        if not students or not record.submissions:
            raise ReportError(f"The gradebook has no submissions of {assignment} yet: "
                              f"collect and autograde them first (nbgrader autograde {assignment}).")
        max_score = float(record.max_score)

        exercises: list[Exercise] = []
        notebooks = sorted(record.notebooks, key=lambda n: n.name)
        stated: dict[str, int | None] = {}
        timings: dict[str, list[timing.NotebookTiming | None]] = {n.name: [] for n in notebooks}
        for notebook in notebooks:
            source = Path(coursedir.format_path(coursedir.source_directory, ".", assignment)) / f"{notebook.name}.ipynb"
            order, labels = {}, {}
            if source.exists():
                src = nbformat.read(source, as_version=4)
                order = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(src.cells)}
                labels = _heading_labels(src)
            stated[notebook.name] = timing.stated_minutes(src) if source.exists() else None
            solution_ids = {c.name for c in notebook.solution_cells}
            cells = sorted(notebook.grade_cells, key=lambda c: (order.get(c.name, math.inf), c.name))
            for cell in cells:
                manual = cell.name in solution_ids or cell.cell_type != "code"
                exercises.append(Exercise(
                    key=f"{notebook.name}/{cell.name}", notebook=notebook.name, grade_id=cell.name,
                    label=labels.get(cell.name, cell.name), kind="manual" if manual else "autograded",
                    max_points=float(cell.max_score)))
        manual_ids = {e.notebook: {x.grade_id for x in exercises if x.notebook == e.notebook and x.kind == "manual"}
                      for e in exercises}
        label_of = {e.key: e.label for e in exercises}

        learners: list[Learner] = []
        rows: dict[str, dict[str, float]] = {}
        problems: list[tuple[str, str, str]] = []
        notes: list[tuple[str, str, str, bool]] = []
        last_run = grading_notes.read_run(config, assignment)  # from python -m course.grader.parallel
        for student in students:
            learner = Learner(student.id, student.last_name or "", student.first_name or "", student.email or "")
            learners.append(learner)
            try:
                submission = gb.find_submission(assignment, student.id)
            except MissingEntry:
                continue
            learner.submitted = True
            row: dict[str, float] = {}
            triaged = [n for n in (last_run[student.id].notes if student.id in last_run else []) if n.before_grading]
            notes += [(student.id, n.notebook, n.message, False) for n in triaged]
            before = {n.notebook: n for n in triaged}
            for sub_nb in submission.notebooks:
                nb_name = sub_nb.notebook.name
                graded = Path(coursedir.format_path(coursedir.autograded_directory, student.id,
                                                    assignment)) / f"{nb_name}.ipynb"
                submitted_file = Path(coursedir.format_path(coursedir.submitted_directory, student.id,
                                                            assignment)) / f"{nb_name}.ipynb"
                if submitted_file.exists():  # timing from the learner's own file, not the re-run graded copy
                    timings.setdefault(nb_name, []).append(submitted_timing(submitted_file))
                if not graded.exists():
                    learner.missing_notebooks.append(f"{nb_name}.ipynb")
                    known = before.get(f"{nb_name}.ipynb")
                    reason = known.message if known and known.kind in ("unreadable", "missing") \
                        else missing_notebook_reason(submitted_file)
                    problems.append((student.id, f"{nb_name}.ipynb", reason))
                    continue
                learner.graded_notebooks.append(nb_name)
                for grade in sub_nb.grades:
                    key = f"{nb_name}/{grade.name}"
                    value = exercise_score(grade.auto_score, grade.manual_score, grade.extra_credit)
                    row[key] = value
                    if math.isnan(value) and grade.needs_manual_grade:
                        learner.pending_manual += 1
                graded_nb = nbformat.read(graded, as_version=4)
                for n in grading_notes.in_notebook(graded_nb, f"{nb_name}.ipynb"):
                    notes.append((student.id, n.notebook, n.message, n.tampering))
                    if n.tampering:
                        learner.tampering.append(f"{n.notebook}: {n.message}")
                outcome = read_outcome(graded_nb, manual_ids.get(nb_name, ()), timeout, code_stub, text_stub)
                learner.not_attempted += [f"{nb_name}/{gid}" for gid in outcome.not_attempted]
                problems += [(student.id, f"{nb_name}.ipynb · {label_of.get(f'{nb_name}/{gid}', gid)}", reason)
                             for gid, reason in outcome.problems]
            learner.score = float(sum(v for v in row.values() if not math.isnan(v)))
            if learner.in_statistics:
                rows[student.id] = row

    keys = [e.key for e in exercises]
    scores = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=keys).astype(float)
    scores.index.name = "student_id"
    notes.sort(key=lambda n: (not n[3], n[0], n[1]))
    lesson_timing = [timing.summarise(name, found, stated.get(name)) for name, found in timings.items()]
    return AssignmentData(assignment, max_score, exercises, learners, scores, problems, notes, lesson_timing)


# ---------------------------------------------------------------------------
# Tables built from the data
# ---------------------------------------------------------------------------

def status(learner: Learner, problem_ids: set[str]) -> str:
    """A learner's line status for the LMS: missing, grading failed, awaiting manual grading or graded."""
    if not learner.in_statistics:
        return "missing"
    if learner.missing_notebooks or learner.student_id in problem_ids:
        return "grading failed"
    if learner.pending_manual:
        return "awaiting manual grading"
    return "graded"


def lms_table(data: AssignmentData) -> pd.DataFrame:
    """One row per learner in the gradebook, with the columns of :data:`CSV_COLUMNS`."""
    problem_ids = {sid for sid, _, _ in data.problems}
    rows = []
    for le in data.learners:
        percent = 100.0 * le.score / data.max_score if data.max_score > 0 else 0.0
        rows.append({"student_id": le.student_id, "last_name": le.last_name, "first_name": le.first_name,
                     "email": le.email, "score": round(le.score, 2), "max_score": round(data.max_score, 2),
                     "percent": round(percent, 1), "status": status(le, problem_ids)})
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def exercise_table(data: AssignmentData) -> pd.DataFrame:
    """Per exercise: label, kind, max points, learners scored, mean score, difficulty, item–rest r."""
    max_points = {e.key: e.max_points for e in data.exercises}
    diff = difficulty(data.scores, max_points)
    disc = discrimination(data.scores)
    return pd.DataFrame([{
        "exercise": e.key, "label": e.label, "notebook": e.notebook, "kind": e.kind, "max_points": e.max_points,
        "n_scored": int(data.scores[e.key].notna().sum()),
        "mean_score": float(data.scores[e.key].mean()) if data.scores[e.key].notna().any() else math.nan,
        "difficulty": float(diff[e.key]), "item_rest_r": float(disc[e.key]),
    } for e in data.exercises]).set_index("exercise")


def follow_up_table(data: AssignmentData, threshold: float) -> pd.DataFrame:
    """Learners needing follow-up with their total % and reasons, lowest total first."""
    label_of = {e.key: e.label for e in data.exercises}
    rows = []
    for le in data.learners:
        percent = 100.0 * le.score / data.max_score if data.max_score > 0 else 0.0
        reasons = follow_up_reasons(
            submitted=le.submitted, percent=percent if le.in_statistics else None, threshold=threshold,
            not_attempted=[label_of.get(k, k) for k in le.not_attempted], missing_notebooks=le.missing_notebooks,
            tampering=le.tampering)
        if reasons:
            rows.append({"student_id": le.student_id, "name": f"{le.first_name} {le.last_name}".strip(),
                         "email": le.email, "percent": round(percent, 1) if le.in_statistics else math.nan,
                         "submitted": le.submitted, "reasons": reasons})
    table = pd.DataFrame(rows, columns=["student_id", "name", "email", "percent", "submitted", "reasons"])
    return table.sort_values(["percent", "student_id"], na_position="first").reset_index(drop=True)


def write_lms_csv(table: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for row in table[CSV_COLUMNS].itertuples(index=False):
            writer.writerow(["" if v is None else v for v in row])
    return path


# ---------------------------------------------------------------------------
# Figures and HTML
# ---------------------------------------------------------------------------

def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _fmt(value: float, digits: int = 2, missing: str = "not computable") -> str:
    return missing if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def score_histogram(percent: pd.Series, threshold: float):
    """Histogram of total % per learner, with the follow-up threshold; returns an AltFigure."""
    import matplotlib.pyplot as plt

    from ..plotting import PALETTE, render, use_course_style

    use_course_style()
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    bins = np.arange(0, 110, 10)
    ax.hist(np.clip(percent.to_numpy(float), 0, 100), bins=bins, color=PALETTE["blue"], edgecolor="white")
    ax.axvline(threshold, color=PALETTE["vermillion"], linestyle="--", label=f"follow-up below {threshold:g} %")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Total score (%)")
    ax.set_ylabel("Learners")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    below = int((percent < threshold).sum())
    alt = (f"Histogram of the total score of {_count(len(percent), 'learner')} in 10-point bins from 0 to 100 %. "
           f"Median {percent.median():.1f} %, lowest {percent.min():.1f} %, highest {percent.max():.1f} %; "
           f"{below} below the follow-up line at {threshold:g} %.")
    return render(fig, alt)


def exercise_plot(table: pd.DataFrame):
    """Difficulty and item–rest correlation per exercise as two bar charts; returns an AltFigure."""
    import matplotlib.pyplot as plt

    from ..plotting import PALETTE, render, use_course_style

    use_course_style()
    n = len(table)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 1.0 + 0.45 * n), sharey=True)
    y = np.arange(n)[::-1]
    names = [f"{row.label} ({row.kind})" for row in table.itertuples()]
    diff = table["difficulty"].to_numpy(float)
    disc = table["item_rest_r"].to_numpy(float)
    left.barh(y, np.nan_to_num(diff), color=PALETTE["blue"])
    left.set_xlim(0, 1)
    left.set_yticks(y, names)
    left.set_xlabel("Difficulty (mean / max)")
    right.barh(y, np.nan_to_num(disc), color=PALETTE["orange"])
    right.axvline(0, color=PALETTE["black"], linewidth=0.8)
    right.set_xlim(-1, 1)
    right.set_xlabel("Item–rest correlation")
    for yi, d, r in zip(y, diff, disc):
        if math.isnan(d):
            left.text(0.02, yi, "no scores yet", va="center", fontsize=9)
        if math.isnan(r):
            right.text(0.03, yi, "not computable", va="center", fontsize=9)
    parts = [f"{name}: difficulty {_fmt(d, missing='not available')}, item–rest r {_fmt(r)}"
             for name, d, r in zip(names, diff, disc)]
    alt = ("Two bar charts, one bar per exercise: on the left the difficulty (mean score divided by the "
           "maximum, 0 to 1), on the right the item–rest correlation (-1 to 1). " + "; ".join(parts) + ".")
    fig.tight_layout()
    return render(fig, alt)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#000;line-height:1.45}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem}th,td{border:1px solid #bbb;padding:0.25rem 0.5rem;
text-align:left;vertical-align:top}td.num{text-align:right}caption{text-align:left;font-weight:bold;padding:0.25rem 0}
.note{color:#333;font-size:0.95em}
"""


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], caption: str, numeric: Iterable[int] = ()) -> str:
    numeric = set(numeric)
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows)
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _listing(title: str, note: str, headers: Sequence[str], rows: list) -> list[str]:
    """A report section: heading (plain text), explanatory note (HTML), then its table or "None."."""
    body = _table(headers, rows, re.sub(r" \(.*", "", title)) if rows else "<p>None.</p>"
    return [f"<h2>{html.escape(title)}</h2>", f"<p class=\"note\">{note}</p>", body]


def _figure_html(figure) -> str:
    return figure._repr_mimebundle_()["text/html"]


def _minutes(value: float) -> str:
    return "no data" if math.isnan(value) else f"{value:.1f}"


def time_on_task_html(lessons: Sequence[timing.LessonTiming]) -> list[str]:
    """The report's "Time on task" section: per lesson, stated time, median and IQR of active minutes, the flag."""
    e = html.escape
    cutoff = f"{timing.IDLE_CUTOFF_MINUTES:g}"
    note = ("Active time per learner and lesson, from the times JupyterLab stores in a notebook each time a cell "
            "is run (times only: no content, no keystrokes). It adds up the gaps between consecutive cell runs "
            f"in the <em>submitted</em> notebook and leaves out every gap longer than {cutoff} minutes as time "
            "away (the course's own rule). It counts only time between cell runs: reading before the first run "
            "and after the last one, any stretch of reading or writing longer than the cut-off without a "
            "cell run, and earlier runs of a cell run again (JupyterLab keeps only the latest) are missed, so "
            "read it as a lower bound. A lesson is flagged when the median is more than "
            f"{100 * timing.OVER_STATED_FRACTION:.0f} % above the time its title cell states. Learners without "
            "timing (timing switched off, or fewer than two cell runs) are left out of the median and IQR.")
    rows = [[e(t.lesson), "none" if t.stated is None else str(t.stated), f"{t.with_timing} of {t.submissions}",
             _minutes(t.median), "no data" if math.isnan(t.q1) else f"{t.q1:.1f} to {t.q3:.1f}",
             str(t.skipped), e(t.flag_text())] for t in lessons]
    body = _table(["Lesson", "Stated (min)", "Learners with timing", "Median active (min)",
                   "Interquartile range (min)", "Unreadable timestamps skipped", "Flag"], rows,
                  "Active time per lesson", numeric=(1, 2, 3, 4, 5)) if rows else "<p>None.</p>"
    return ["<h2>Time on task</h2>", f"<p class=\"note\">{note}</p>", body]


def render_html(data: AssignmentData, threshold: float, now: _dt.datetime | None = None) -> str:
    """The report as one self-contained HTML page."""
    e = html.escape
    now = now or _dt.datetime.now()
    in_stats = [le for le in data.learners if le.in_statistics]
    percent = total_percent(data.scores, data.max_score) if len(data.scores) else pd.Series(dtype=float)
    items = exercise_table(data)
    follow = follow_up_table(data, threshold)
    pending = sum(le.pending_manual for le in data.learners)
    n_missing = len(data.learners) - len(in_stats)

    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Report: {e(data.assignment)}"
             f"</title><style>{_CSS}</style></head><body><main>",
             f"<h1>Instructor report: {e(data.assignment)}</h1>",
             f"<p class=\"note\">Made {now:%Y-%m-%d %H:%M} from the gradebook and the autograded notebooks. "
             f"{_count(len(data.learners), 'learner')} in the gradebook: {len(in_stats)} with graded work, "
             f"{n_missing} without. Maximum score {data.max_score:g} points.</p>"]
    if pending:
        parts.append(f"<p class=\"note\"><strong>{pending} written answer(s) still await manual grading</strong> "
                     "in the Formgrader: they count 0 in totals and are left out of their exercise's statistics "
                     "until graded.</p>")

    parts.append("<h2>Score distribution</h2>")
    if len(percent):
        parts.append(_figure_html(score_histogram(percent, threshold)))
        parts.append(_table(["Learners", "Mean %", "Median %", "Lowest %", "Highest %"],
                            [[len(percent), f"{percent.mean():.1f}", f"{percent.median():.1f}",
                              f"{percent.min():.1f}", f"{percent.max():.1f}"]],
                            "Total score per learner (learners with graded work)", numeric=range(5)))

    parts.append("<h2>Exercises: difficulty and discrimination</h2>")
    parts.append("<p class=\"note\"><strong>Difficulty</strong> is the mean score divided by the maximum points "
                 "(1 = everybody got full marks). <strong>Discrimination</strong> is the item–rest correlation: "
                 "the Pearson correlation between the exercise's score and each learner's total without that "
                 "exercise; low or negative values point to an exercise that does not measure what the rest "
                 "measures (or to a faulty test). It is <em>not computable</em> when everybody has the same "
                 "score on the exercise (or on the rest), or fewer than three learners have a score. With a small "
                 "group, read both as hints, not verdicts.</p>")
    if len(items):
        parts.append(_figure_html(exercise_plot(items)))
        parts.append(_table(
            ["Exercise", "Notebook", "Graded", "Max points", "Learners scored", "Mean score", "Difficulty",
             "Item–rest r"],
            [[e(row.label), e(row.notebook), e(row.kind), f"{row.max_points:g}", row.n_scored,
              _fmt(row.mean_score, missing="no scores yet"), _fmt(row.difficulty, missing="no scores yet"),
              _fmt(row.item_rest_r)] for row in items.itertuples()],
            "Per-exercise statistics", numeric=(3, 4, 5, 6, 7)))

    parts += time_on_task_html(data.timing)

    parts.append(f"<h2>Learners needing follow-up ({len(follow)})</h2>")
    parts.append(f"<p class=\"note\">Rules: total below {threshold:g} %, any exercise not answered yet (its stub "
                 "is still there), a notebook missing or not graded, possible tampering, or no submission.</p>")
    if len(follow):
        parts.append(_table(["Learner", "Name", "E-mail", "Total %", "Why"],
                            [[e(r.student_id), e(r.name), e(r.email),
                              f"{r.percent:.1f}" if not math.isnan(r.percent)
                              else ("not graded" if r.submitted else "no submission"),
                              "<br>".join(e(x) for x in r.reasons)] for r in follow.itertuples()],
                            "Learners needing follow-up", numeric=(3,)))
    else:
        parts.append("<p>Nobody.</p>")

    parts += _listing(
        f"Submissions that failed to grade ({len(data.problems)})",
        "A notebook without an autograded copy, or a test cell stopped by something other than a failed check "
        "(a time-out, a dead kernel, a missing name). Look at the notebook, then autograde the learner again "
        "(<code>nbgrader autograde ASSIGNMENT --student ID --force</code>).",
        ["Learner", "Where", "Reason"], [[e(s), e(w), e(r)] for s, w, r in data.problems])
    flagged = sum(1 for n in data.notes if n[3])
    parts += _listing(
        f"Autograding notes ({len(data.notes)}; possible tampering: {flagged})",
        "One line for everything unusual the grader met and what it did: a notebook that could not be read or "
        "was renamed, cells nbgrader restored, a cell skipped because it stopped the kernel or ran too long, "
        "output cut, and code that changed how answers are checked (that notebook's autograded tests score 0: "
        "talk to the learner before deciding).",
        ["Learner", "Notebook", "Note"],
        [[e(s), e(w), ("<strong>Possible tampering:</strong> " if t else "") + e(m)] for s, w, m, t in data.notes])
    parts.append("</main></body></html>")  # one main landmark: screen readers jump to the report
    return "\n".join(parts)


def write_report(config, assignment: str, out_dir: Path, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Path]:
    """Collect ``assignment`` and write ``report.html`` and ``lms.csv`` under ``out_dir/assignment``."""
    data = collect(config, assignment)
    folder = Path(out_dir) / assignment
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.html"
    report.write_text(render_html(data, threshold), encoding="utf-8")
    lms = write_lms_csv(lms_table(data), folder / "lms.csv")
    return {"report": report, "lms": lms}


@explained_on_the_command_line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.grader.report",
        description="Write an instructor report (report.html) and an LMS grade file (lms.csv) for one assignment. "
                    "Run it from the course root, after nbgrader autograde.")
    parser.add_argument("assignment", help="the assignment, e.g. 01-nervous-system")
    parser.add_argument("--out", type=Path, default=Path("grading") / "reports",
                        help="folder for the reports (default: grading/reports)")
    parser.add_argument("--follow-up-below", type=float, default=DEFAULT_THRESHOLD, metavar="PERCENT",
                        help="list learners whose total is below this percentage (default: 50)")
    args = parser.parse_args(argv)
    if not (Path.cwd() / "nbgrader_config.py").exists():
        raise ReportError("There is no nbgrader_config.py here: run this from the course's root folder.")
    from .nbgrader_api import load_config

    written = write_report(load_config(Path.cwd()), args.assignment, args.out, args.follow_up_below)
    print(f"Report: {written['report']}\nLMS grades: {written['lms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
