"""Building the learners' copy: no answers leak, and a learner's work is never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nbformat
from nbgrader.validator import Validator

import citation_stub_fixtures as fx
from course import feedback
from course.grader import nbgrader_api as grading
from course.grader import report
from course.publish import edition, student
from course.paths import MODULES_DIR

PILOT = "01-nervous-system/01-hrv-basics.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    log = student.build(out)
    return out, log


def test_build_writes_start_page_and_student_lessons(built):
    out, log = built
    assert (out / "START-HERE.ipynb").exists()
    lesson = (out / PILOT).read_text(encoding="utf-8")
    assert feedback.STUB_CALL in lesson and "raise NotImplementedError()" not in lesson
    assert "BEGIN SOLUTION" not in lesson and "BEGIN HIDDEN TESTS" not in lesson
    assert any(PILOT.split("/")[1] in line for line in log)


def test_start_page_links_resolve_in_the_student_copy(built):
    out, _ = built
    start = json.loads((out / "START-HERE.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in start["cells"])
    assert f"({PILOT})" in text
    assert (out / PILOT).exists()


def test_rebuild_keeps_learner_work_and_offers_the_update(built, tmp_path):
    out, _ = built
    learner_copy = out / PILOT
    learner_copy.write_text(learner_copy.read_text(encoding="utf-8").replace(
        feedback.STUB_CALL, "return 42", 1), encoding="utf-8")
    mine = learner_copy.read_text(encoding="utf-8")

    log = student.build(out)
    assert learner_copy.read_text(encoding="utf-8") == mine
    update = learner_copy.with_name("01-hrv-basics.new.ipynb")
    assert update.exists() and feedback.STUB_CALL in update.read_text(encoding="utf-8")
    assert any("kept your 01-hrv-basics.ipynb" in line for line in log)


def test_unchanged_rebuild_is_silent(tmp_path):
    out = tmp_path / "student"
    student.build(out)
    assert student.build(out) == []
    assert (MODULES_DIR / "START-HERE.ipynb").read_bytes() == (out / "START-HERE.ipynb").read_bytes()


# --------------------------------------------------------------------------- the course's code stub

REAL_LESSONS = [PILOT]  # the pilot lesson; the fixture has every other shape of answer cell
NOT_ANSWERED = ("NotAttempted", "StubStillThere")


@pytest.fixture(scope="module")
def fixture_course(tmp_path_factory):
    """The stub-shapes fixture and copies of real lessons (citations synced), student versions generated."""
    root = tmp_path_factory.mktemp("stub-course")
    config, modules = fx.fixture_course(root, REAL_LESSONS)
    return config, modules


def _student(config, lesson: str):
    assignment, name = lesson.split("/")
    return grading.release_dir(config, assignment) / name


ALL = [f"{fx.FIXTURE_ASSIGNMENT}/{fx.FIXTURE_LESSON}"] + REAL_LESSONS


@pytest.mark.parametrize("lesson", ALL)
def test_source_passes_and_the_student_version_fails_every_test(fixture_course, lesson):
    config, modules = fixture_course
    assert Validator().validate(str(modules / lesson)) == {}
    path = _student(config, lesson)
    text = path.read_text(encoding="utf-8")
    assert feedback.STUB_CALL in text and "NotImplementedError" not in text and "BEGIN SOLUTION" not in text
    assert Validator(invert=True).validate(str(path)) == {}


def _errors(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


@pytest.mark.parametrize("lesson", ALL)
def test_unanswered_student_version_shows_a_line_not_a_traceback(fixture_course, lesson):
    """Run top to bottom, carrying on past errors, as "Run All" and a learner clicking on would."""
    config, _ = fixture_course
    path = _student(config, lesson)
    nb = edition.execute(nbformat.read(path, as_version=4), path.parent)
    answers, tests = fx.answer_cells(nb), fx.test_cells(nb)
    assert answers and tests
    for i in answers:
        cell = nb.cells[i]
        assert _errors(cell) == [], f"answer cell {i} shows an error: {_errors(cell)}"
        top_level = not cell.source.lstrip().startswith(("def ", "import", "from"))
        assert _stdout(cell) == (feedback.STUB_LINE + "\n" if top_level else ""), f"answer cell {i}"
    for i in tests:
        errors = _errors(nb.cells[i])
        assert len(errors) == 1, f"test cell {i}"
        assert errors[0]["ename"] in NOT_ANSWERED, f"test cell {i}: {errors[0]['ename']}: {errors[0]['evalue']}"
        assert errors[0]["traceback"][0].startswith("Not answered yet: "), errors[0]["traceback"]
        assert not any("Traceback" in line for line in errors[0]["traceback"])
    if lesson.startswith(fx.FIXTURE_ASSIGNMENT):
        every_shape = [nb.cells[i].source for i in answers]
        assert any("return problems" in s for s in every_shape) and any(s.count("def ") == 2 for s in every_shape)
        teaching = [c for c in nb.cells if c.cell_type == "code" and "print(feedback.call(mean_of" in c.source][0]
        assert _errors(teaching)[0]["traceback"][0] == "Not answered yet: You have not written `mean_of` yet."


def test_grade_report_and_feedback_see_an_untouched_submission_as_not_answered(fixture_course):
    """Autograde the untouched student version, then read it as the grade report and the feedback page do."""
    config, modules = fixture_course
    assignment, name = PILOT.split("/")
    cd = config.CourseDirectory
    folder = Path(cd.root) / cd.submitted_directory / "untouched" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.read(_student(config, PILOT), as_version=4), folder / name)
    api = grading.api(config)
    result = api.autograde(assignment, "untouched")
    assert result["success"], result.get("log")
    graded = nbformat.read(Path(cd.root) / cd.autograded_directory / "untouched" / assignment / name, as_version=4)
    source = nbformat.read(modules / PILOT, as_version=4)
    stub_line = feedback.CODE_STUB.strip().splitlines()[-1]
    outcome = report.read_outcome(graded, code_stub=stub_line)
    assert outcome.problems == []
    graded_ids = [c.metadata["nbgrader"]["grade_id"] for c in source.cells
                  if c.metadata.get("nbgrader", {}).get("grade")]  # test cells and the written reflection
    assert sorted(outcome.not_attempted) == sorted(graded_ids) and len(graded_ids) > len(fx.test_cells(source))
    result = api.generate_feedback(assignment, "untouched")
    assert result["success"], result.get("log")
    page = (Path(cd.root) / cd.feedback_directory / "untouched" / assignment / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert "Not answered yet" in page and "most recent call last" not in page
    # Citations in the feedback page are links to the entry, which keeps its anchor.
    assert 'href="#ref-taskforce1996"' in page and 'id="ref-taskforce1996"' in page
    assert "[@" not in page
