"""The nbgrader steps that ``NbGraderAPI`` leaves out, run in-process.

``course.grader.nbgrader_api.api(config)`` covers the instructor's generate, release,
collect, autograde and feedback steps. This module adds the rest of the
lifecycle, for tests and scripts (``nbgrader <command>`` does the same on the
command line, a few seconds slower per call):

- the learner's side of the exchange: :func:`learner_config`, then
  :func:`fetch_assignment`, :func:`submit` and :func:`fetch_feedback`;
- grading a written answer without the Formgrader: :func:`grade_manually`;
- the grade export to ``ExportPlugin.to``: :func:`export_grades`;
- the instructor's answer key in ``solution_directory``: :func:`generate_solution`;
- :func:`check`, which turns an API result dict into an exception with
  nbgrader's log, so a failed step cannot pass silently.

nbgrader quirk: a learner's files go to ``Exchange.assignment_dir`` (default
``"."``, the current folder), not to ``CourseDirectory.root``;
:func:`learner_config` sets both to the learner's home.
"""

from __future__ import annotations

import os
from pathlib import Path


def check(result: dict, step: str) -> dict:
    """Return an nbgrader API ``result`` if it succeeded; otherwise raise with its log."""
    if not result or not result.get("success"):
        detail = (result or {}).get("error") or (result or {}).get("log") or "no log"
        raise RuntimeError(f"nbgrader {step} failed:\n{detail}")
    return result


def learner_config(course_config, home: Path, student_id: str):
    """The configuration of one learner working in ``home``.

    Only what a learner's own ``~/.jupyter/nbgrader_config.py`` would hold:
    the course id and exchange folder from ``course_config``, plus their id.
    Fetched assignments and feedback land in ``home``; the submission cache
    (which ``fetch_feedback`` needs to find the learner's feedback) lives in
    ``home/.local/share/jupyter/nbgrader_cache``, never in the real user's.
    """
    from traitlets.config import Config

    home = Path(home)
    c = Config()
    c.CourseDirectory.course_id = course_config.CourseDirectory.course_id
    c.CourseDirectory.root = str(home)
    c.CourseDirectory.student_id = student_id
    c.Exchange.root = course_config.Exchange.root
    c.Exchange.assignment_dir = str(home)
    c.Exchange.cache = str(home / ".local" / "share" / "jupyter" / "nbgrader_cache")
    return c


def _exchange_step(config, step: str, assignment: str) -> dict:
    """Run one exchange step (``FetchAssignment``, ``Submit``, ...) with ``config``."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    factory = ExchangeFactory(config=config)
    app = getattr(factory, step)(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
    return check(capture_log(app), f"{step} {assignment}")


def fetch_assignment(config, assignment: str) -> Path:
    """Copy a released assignment from the exchange into the learner's folder; return that folder."""
    _exchange_step(config, "FetchAssignment", assignment)
    return Path(config.Exchange.assignment_dir) / assignment


def submit(config, assignment: str) -> dict:
    """Hand in the learner's copy of ``assignment`` (a timestamped copy goes to the exchange)."""
    return _exchange_step(config, "Submit", assignment)


def fetch_feedback(config, assignment: str) -> list[Path]:
    """Copy released feedback into ``<assignment>/feedback/<timestamp>/``; return the HTML files."""
    _exchange_step(config, "FetchFeedback", assignment)
    return sorted((Path(config.Exchange.assignment_dir) / assignment / "feedback").glob("*/*.html"))


def grade_manually(config, assignment: str, notebook: str, student_id: str, grade_id: str,
                   score: float, comment: str | None = None) -> None:
    """Record a manual score (and comment) for one cell, as the Formgrader does.

    ``notebook`` is the notebook's name without ``.ipynb``. Raises
    ``nbgrader.api.MissingEntry`` if that submission was never autograded.
    """
    from nbgrader.api import Gradebook

    cd = config.CourseDirectory
    with Gradebook(cd.db_url, cd.course_id) as gb:
        grade = gb.find_grade(grade_id, notebook, assignment, student_id)
        if score > grade.max_score:
            raise ValueError(f"{score} is more than the {grade.max_score} points of {grade_id}")
        grade.manual_score = score
        grade.needs_manual_grade = False
        if comment is not None:
            gb.find_comment(grade_id, notebook, assignment, student_id).manual_comment = comment
        gb.db.commit()


def export_grades(config) -> Path:
    """Write every grade with nbgrader's CSV exporter to ``ExportPlugin.to``; return the file."""
    from nbgrader.apps import ExportApp
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    app = ExportApp(coursedir=CourseDirectory(config=config), config=config)
    check(capture_log(app), "export")
    return Path(config.ExportPlugin.to or "grades.csv")


def generate_solution(config, assignment: str) -> Path:
    """Write the executed instructor's version (answer key) of ``assignment``; return its folder.

    Like ``nbgrader generate_solution``, it runs every notebook. Unlike
    autograde and validate, nbgrader sets no ``NBGRADER_EXECUTION`` for this
    step, so ``COURSE_HEADLESS`` is set while it runs: demos draw once and no
    widget waits for a browser (on the command line:
    ``COURSE_HEADLESS=1 nbgrader generate_solution A``).
    """
    from nbgrader.converters import GenerateSolution
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    before = os.environ.get("COURSE_HEADLESS")  # (nbgrader.utils.setenv would lose it: it looks up the value)
    os.environ["COURSE_HEADLESS"] = "1"
    try:
        result = capture_log(GenerateSolution(coursedir=coursedir, config=config))
    finally:
        if before is None:
            del os.environ["COURSE_HEADLESS"]
        else:
            os.environ["COURSE_HEADLESS"] = before
    check(result, f"generate_solution {assignment}")
    return Path(coursedir.format_path(coursedir.solution_directory, ".", assignment))
