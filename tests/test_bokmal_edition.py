"""The bokmål edition runs and grades exactly like the English source.

The generated bokmål notebooks pass nbval; autograding their student versions
gives every check 0 points with the stubs left in and full points with the
instructor's answers, cell by cell the points the English source gives (same
grade ids, same points). Kernels speak bokmål
because ``COURSE_LANG=nb`` is set, as on a hub running the course in bokmål.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course import i18n
from course.grader import nbgrader_api as grading
from course.grader.parallel import parallel_autograde
from course.paths import MODULES_DIR

LESSONS = [(name, nb.name) for name in grading.assignments() for nb in sorted((MODULES_DIR / name).glob("*.ipynb"))]
IDS = [f"{a}/{n}" for a, n in LESSONS]


@pytest.mark.parametrize("assignment", grading.assignments())
def test_nbval_passes_on_the_bokmal_notebooks(bokmal_modules, assignment):
    """nbval over every bokmål lesson of one module (one process per module; its output names a failing cell)."""
    folder = bokmal_modules / assignment
    lessons = sorted(str(p) for p in folder.glob("*.ipynb"))
    assert lessons, f"no bokmål lessons in {folder}"
    env = {**os.environ, i18n.ENV: "nb"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
         "--nbval-cell-timeout=300", "--rootdir", str(folder), *lessons],
        cwd=folder, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_start_page_is_in_the_edition_with_its_marker(bokmal_modules):
    assert (bokmal_modules / "START-HERE.ipynb").exists()
    assert (bokmal_modules / i18n.MARKER).read_text().strip() == "nb"


@pytest.mark.parametrize("assignment,notebook", LESSONS, ids=IDS)
def test_bokmal_student_version_holds_bokmal_stubs_and_no_answers(bokmal_course, assignment, notebook):
    """That it fails every test is shown by autograding its untouched stubs (below): every check scores 0."""
    _, config = bokmal_course
    student = grading.release_dir(config, assignment) / notebook
    text = student.read_text(encoding="utf-8")
    for leak in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert leak not in text
    nb = nbformat.read(student, as_version=4)
    written = [c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]
    assert all(c.source.strip() == i18n.TEXT_STUBS["nb"] for c in written)


def _points_by_grade_id(nb) -> dict:
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}


@pytest.fixture(scope="module", params=grading.assignments())
def bokmal_autograded(request, bokmal_course):
    """Autograde, in bokmål, a learner with the instructor's answers and one with untouched stubs."""
    assignment = request.param
    root, config = bokmal_course
    release = grading.release_dir(config, assignment)
    notebooks = sorted(p.name for p in release.glob("*.ipynb"))
    sources = {n: nbformat.read(root / "modules" / assignment / n, as_version=4) for n in notebooks}
    students = {n: nbformat.read(release / n, as_version=4) for n in notebooks}
    submitted = Path(config.CourseDirectory.root) / config.CourseDirectory.submitted_directory
    learners = {"correct": None, "stubs": set()}
    for learner, grade_ids in learners.items():
        folder = submitted / learner / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for n in notebooks:
            nbformat.write(grading.fill_answers(students[n], sources[n], grade_ids,
                                                written_answer="Et skriftlig svar."), folder / n)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(i18n.ENV, "nb")  # reaches the workers' kernels (parallel passes COURSE_* on)
        # both learners at once, by the course's parallel command (same scores as nbgrader autograde)
        results = parallel_autograde(config, assignment, list(learners), workers=2, say=lambda *_: None)
    assert [r.status for r in results] == ["graded", "graded"], [(r.student, r.message, r.log) for r in results]
    return assignment, config, notebooks


def _outputs_of(config, assignment, notebook, got, wanted) -> str:
    """What the autograded cells whose score differs printed (for a clear failure message)."""
    path = (Path(config.CourseDirectory.root) / config.CourseDirectory.autograded_directory / "correct"
            / assignment / notebook)
    nb = nbformat.read(path, as_version=4)
    lines = [f"{notebook}: scores {got} but the English source gives {wanted}"]
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in wanted and got.get(grade_id) != wanted[grade_id]:
            for output in cell.get("outputs", []):
                text = output.get("text") or output.get("evalue") or str(output.get("data", {}).get("text/plain"))
                lines.append(f"  {grade_id} {output.get('output_type')} {output.get('name', '')}: {str(text)[:300]}")
    return "\n".join(lines)


def test_the_same_answers_get_the_same_scores_in_bokmal_as_the_english_source_promises(bokmal_autograded):
    assignment, config, notebooks = bokmal_autograded
    english = {n: _points_by_grade_id(nbformat.read(MODULES_DIR / assignment / n, as_version=4)) for n in notebooks}
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for n in notebooks:
            name = n[:-len(".ipynb")]
            correct = {g.name: g.auto_score for g in gb.find_submission_notebook(name, assignment, "correct").grades
                       if g.name in english[n]}
            stubs = {g.name: g.auto_score for g in gb.find_submission_notebook(name, assignment, "stubs").grades
                     if g.name in english[n]}
            assert correct == pytest.approx(english[n]), _outputs_of(config, assignment, n, correct, english[n])
            assert set(stubs) == set(english[n]) and not any(stubs.values()), n


def test_grading_kernels_speak_bokmal(bokmal_autograded):
    """The untouched stubs' failed checks say so in bokmål: COURSE_LANG reached the grading kernels."""
    assignment, config, notebooks = bokmal_autograded
    folder = Path(config.CourseDirectory.root) / config.CourseDirectory.autograded_directory / "stubs" / assignment
    errors = [str(o.get("evalue", "")) for n in notebooks for c in nbformat.read(folder / n, as_version=4).cells
              if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert any("Bytt ut linjen `feedback.not_answered()`" in e for e in errors), errors[:5]
    english = [e for e in errors if "Replace the line `feedback.not_answered()`" in e]
    assert not english, english[:3]
