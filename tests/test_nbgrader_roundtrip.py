"""Every assignment survives nbgrader end to end.

Source notebooks pass their own tests; student versions fail every test
(stubs); autograding correct, empty and partial submissions gives the
expected scores in the gradebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from course.grader import nbgrader_api as grading
from course.paths import MODULES_DIR

LESSONS = [(name, nb.name) for name in grading.assignments() for nb in sorted((MODULES_DIR / name).glob("*.ipynb"))]


def _ids(params):
    return [f"{a}/{n}" for a, n in params]


def test_there_are_lessons_to_check():
    assert LESSONS, "no lesson notebooks found under modules/"


@pytest.mark.parametrize("assignment,notebook", LESSONS, ids=_ids(LESSONS))
def test_source_passes_its_tests(generated_course, assignment, notebook):
    root, _ = generated_course
    assert Validator().validate(str(root / "modules" / assignment / notebook)) == {}


@pytest.mark.parametrize("assignment,notebook", LESSONS, ids=_ids(LESSONS))
def test_student_version_fails_every_test(generated_course, assignment, notebook):
    root, config = generated_course
    student = grading.release_dir(config, assignment) / notebook
    assert Validator(invert=True).validate(str(student)) == {}


@pytest.mark.parametrize("assignment,notebook", LESSONS, ids=_ids(LESSONS))
def test_student_version_hides_answers(generated_course, assignment, notebook):
    root, config = generated_course
    text = (grading.release_dir(config, assignment) / notebook).read_text(encoding="utf-8")
    for secret in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "Mark scheme"):
        assert secret not in text
    assert "raise NotImplementedError()" in text or "YOUR ANSWER HERE" in text


def _first_answer_id(nb):
    return next(c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))


def _first_test_points(nb):
    return next(c.metadata["nbgrader"]["points"] for c in nb.cells
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


@pytest.fixture(scope="module", params=grading.assignments())
def autograded(request, generated_course):
    """Autograde three fixture learners per assignment: all correct, untouched stubs, first exercise only.

    Returns ``(assignment, config, sources, expected)`` with the expected autograded score per learner.
    """
    assignment = request.param
    root, config = generated_course
    release = grading.release_dir(config, assignment)
    notebooks = sorted(p.name for p in release.glob("*.ipynb"))
    sources = {n: nbformat.read(root / "modules" / assignment / n, as_version=4) for n in notebooks}
    students = {n: nbformat.read(release / n, as_version=4) for n in notebooks}
    plans = {  # learner -> (which answers to fill, expected autograded score)
        "correct": (lambda n: None, sum(grading.autograded_points(sources[n]) for n in notebooks)),
        "stubs": (lambda n: set(), 0.0),
        "partial": (lambda n: {_first_answer_id(sources[n])}, sum(_first_test_points(sources[n]) for n in notebooks)),
    }
    api = grading.api(config)
    submitted = Path(config.CourseDirectory.root) / config.CourseDirectory.submitted_directory
    for learner, (which, _) in plans.items():
        folder = submitted / learner / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for n in notebooks:
            nbformat.write(grading.fill_answers(students[n], sources[n], which(n)), folder / n)
        result = api.autograde(assignment, learner)
        assert result["success"], result.get("error") or result.get("log")
    return assignment, config, sources, {learner: score for learner, (_, score) in plans.items()}


def test_autograde_gives_expected_scores(autograded):
    assignment, config, sources, expected = autograded
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for learner, score in expected.items():
            submission = gb.find_submission(assignment, learner)
            auto = sum(g.auto_score or 0 for nb in submission.notebooks for g in nb.grades)
            assert auto == pytest.approx(score), learner
        all_points = sum(c.metadata["nbgrader"]["points"] for nb in sources.values() for c in nb.cells
                         if c.metadata.get("nbgrader", {}).get("grade"))
        assert gb.find_submission(assignment, "correct").max_score == pytest.approx(all_points)
    assert expected["correct"] > expected["partial"] > expected["stubs"] == 0


def test_graded_notebooks_show_figures_with_alt_text_and_no_errors(autograded):
    """The correct submission, as executed by the autograder: no errors, every image has alt text."""
    assignment, config, sources, _ = autograded
    cd = config.CourseDirectory
    folder = Path(cd.root) / cd.autograded_directory / "correct" / assignment
    images = 0
    for name in sources:
        nb = nbformat.read(folder / name, as_version=4)
        for i, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                assert output.output_type != "error", f"{name} cell {i}: {output.get('evalue')}"
                bundle = output.get("data", {})
                if "image/png" in bundle:
                    images += 1
                    assert re.search(r'alt="[^"]{20,}"', bundle.get("text/html", "")), f"{name} cell {i}"
    assert images > 0
