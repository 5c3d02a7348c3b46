"""The course's one way into nbgrader: its configuration, its API, and helpers shared by tools and tests.

nbgrader reads ``nbgrader_config.py`` from the folder a command starts in,
after the Jupyter configuration folders, and its command line spends seconds
on imports per call. Course tooling therefore loads the configuration the
same way in-process (:func:`load_config`) and calls nbgrader's Python API
(:func:`api`).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sys
from pathlib import Path

from ..paths import MODULES_DIR, REPO_ROOT

ASSIGNMENT_NAME = re.compile(r"^\d\d-[a-z0-9-]+$")


def assignments(modules_dir: Path = MODULES_DIR) -> list[str]:
    """Names of the assignments: folders ``NN-name`` in ``modules/`` holding notebooks."""
    return sorted(
        p.name for p in Path(modules_dir).iterdir()
        if p.is_dir() and ASSIGNMENT_NAME.match(p.name) and any(p.glob("*.ipynb"))
    )


def load_config(root: str | os.PathLike | None = None):
    """The configuration ``nbgrader`` would use when started in ``root`` (default: the current folder).

    Like nbgrader: the Jupyter configuration folders first, then
    ``nbgrader_config.py`` in ``root``, which has the last word.
    """
    from nbgrader.apps.baseapp import NbGrader

    here = os.getcwd()
    if root is not None:
        os.chdir(root)
    try:
        app = NbGrader()
        app.load_config_file()
        return copy.deepcopy(app.config)
    finally:
        os.chdir(here)


def coursedir(config):
    """nbgrader's ``CourseDirectory`` for ``config`` (folder names, course id, gradebook URL)."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config)


def make_course(root: Path, modules_dir: Path = MODULES_DIR, lang: str | None = None) -> "object":
    """Create a throw-away copy of the course at ``root`` and return its config.

    The copy has the repository's own ``nbgrader_config.py`` and ``modules/``,
    so anything done there (generate, autograde, gradebook) behaves as in the
    real course without touching the real ``grading/`` folder. ``modules_dir``
    may be a generated edition (e.g. bokmål); ``lang`` then gives its written
    answers the stub of that language.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(modules_dir, root / "modules", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (root / "grading").mkdir(exist_ok=True)
    config = load_config(root)
    config.CourseDirectory.source_directory = "modules"  # the copy, whatever COURSE_LANG says
    if lang is not None:
        from ..i18n import TEXT_STUBS

        config.ClearSolutions.text_stub = TEXT_STUBS[lang]
    return config


def put_environment_on_path() -> None:
    """nbgrader runs ``alembic`` as a command: make this environment's scripts findable."""
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def api(config):
    """An ``NbGraderAPI`` bound to ``config``."""
    put_environment_on_path()
    from nbgrader.apps import NbGraderAPI

    return NbGraderAPI(coursedir=coursedir(config), config=config)


def release_dir(config, assignment: str) -> Path:
    """Folder where ``generate_assignment`` writes the student version."""
    cd = config.CourseDirectory
    return Path(cd.root) / cd.release_directory / assignment


def generate(config, assignment: str) -> Path:
    """Generate the student version of ``assignment``; raise with nbgrader's log if it fails."""
    result = api(config).generate_assignment(assignment, force=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader could not generate {assignment}:\n{result.get('error') or result.get('log')}")
    return release_dir(config, assignment)


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solution_text(source: str) -> str:
    """The instructor's code with the solution markers removed (what a correct learner writes)."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def fill_answers(student_nb, source_nb, grade_ids=None, written_answer="A written answer."):
    """Return a copy of a student notebook answered with the instructor's solutions.

    Only answer cells whose ``grade_id`` is in ``grade_ids`` are filled (all when
    ``None``); the rest keep their stubs. Used to make fixture submissions.
    """
    import copy

    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source_nb.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    answered = copy.deepcopy(student_nb)
    for cell in answered.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if not meta.get("solution") or (grade_ids is not None and gid not in grade_ids):
            continue
        cell.source = solution_text(solutions[gid]) if cell.cell_type == "code" else written_answer
    return answered


def autograded_points(nb) -> float:
    """Points available from autograded test cells of a notebook."""
    return float(sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells
                     if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
                     and not c.metadata["nbgrader"].get("solution")))
