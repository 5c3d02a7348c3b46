"""The whole nbgrader lifecycle, end to end, in-process (``course.grader.lifecycle``).

One temporary course holding only ``01-nervous-system/01-hrv-basics.ipynb``,
a shared exchange folder (as on JupyterHub) and three learners, each with a
home folder of their own:

generate -> release -> fetch (each learner) -> answer (all correct, half
done, untouched) -> submit -> collect -> autograde -> manual grade of the
written reflection -> generate feedback -> release feedback -> fetch
feedback (each learner) -> export CSV.

The tests check what each step left behind (files, gradebook, feedback
HTML, CSV), not only nbgrader's success flags.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbgrader.api import Gradebook

from course import feedback
from course.grader import lifecycle, nbgrader_api as grading
from course.paths import MODULES_DIR

ASSIGNMENT = "01-nervous-system"
NOTEBOOK = "01-hrv-basics"
NOT_ANSWERED = "Not answered yet"  # heading of course.errors.NotAttempted, shown in feedback
CSV_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
               "email", "raw_score", "late_submission_penalty", "score", "max_score"]


def _cells(nb, **flags):
    """Cells whose nbgrader metadata has all of ``flags``."""
    return [c for c in nb.cells
            if all(c.metadata.get("nbgrader", {}).get(k) == v for k, v in flags.items())]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Run the full lifecycle once; return what the tests need to inspect it."""
    return run_lifecycle(tmp_path_factory.mktemp("lifecycle"))


def run_lifecycle(base: Path) -> SimpleNamespace:
    """The whole lifecycle in a new course under ``base``, with the gradebook nbgrader_config.py
    chooses (tests/test_postgres_gradebook.py runs it with COURSE_GRADEBOOK_URL set)."""
    modules = base / "modules"
    (modules / ASSIGNMENT).mkdir(parents=True)
    shutil.copy2(MODULES_DIR / ASSIGNMENT / f"{NOTEBOOK}.ipynb", modules / ASSIGNMENT)
    root = base / "course"
    config = grading.make_course(root, modules_dir=modules)
    config.Exchange.root = str(base / "exchange")  # a shared folder, as on JupyterHub
    cwd = base / "current-folder"  # nothing may land in the folder the steps are run from
    cwd.mkdir()

    source = nbformat.read(root / "modules" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    answers = [c.metadata["nbgrader"]["grade_id"] for c in _cells(source, solution=True) if c.cell_type == "code"]
    tests = _cells(source, grade=True, solution=False)
    written = _cells(source, grade=True, solution=True)
    assert len(answers) == len(tests) == 3 and len(written) == 1, "the lesson's exercises changed: update this test"
    reflection = written[0].metadata["nbgrader"]
    first_answer, first_points = answers[0], tests[0].metadata["nbgrader"]["points"]

    # learner -> (answer cells filled, expected autograded score, manual score, unanswered exercises)
    plans = {
        "ada": (None, grading.autograded_points(source), 2.5, 0),
        "ben": ({first_answer, reflection["grade_id"]}, float(first_points), 1.0, len(answers) - 1),
        "cai": (set(), 0.0, 0.0, len(answers)),
    }
    api = grading.api(config)
    learners = {}
    old_cwd = os.getcwd()
    os.chdir(cwd)
    try:
        grading.generate(config, ASSIGNMENT)
        lifecycle.check(api.release_assignment(ASSIGNMENT), "release_assignment")
        for name, (fill, *_rest) in plans.items():
            home = base / "home" / name
            home.mkdir(parents=True)
            lconf = lifecycle.learner_config(config, home, name)
            folder = lifecycle.fetch_assignment(lconf, ASSIGNMENT)
            path = folder / f"{NOTEBOOK}.ipynb"
            fetched = path.read_bytes()
            nbformat.write(grading.fill_answers(nbformat.read(path, as_version=4), source, fill), path)
            lifecycle.submit(lconf, ASSIGNMENT)
            learners[name] = SimpleNamespace(home=home, config=lconf, fetched=fetched)
        collected = lifecycle.check(api.collect(ASSIGNMENT), "collect")
        for name in plans:
            lifecycle.check(api.autograde(ASSIGNMENT, name), f"autograde {name}")
        for name, (_, _, manual, _) in plans.items():
            lifecycle.grade_manually(config, ASSIGNMENT, NOTEBOOK, name, reflection["grade_id"], manual,
                                     comment=f"Reflection comment for {name}.")
        lifecycle.check(api.generate_feedback(ASSIGNMENT), "generate_feedback")
        lifecycle.check(api.release_feedback(ASSIGNMENT), "release_feedback")
        for learner in learners.values():
            learner.feedback = lifecycle.fetch_feedback(learner.config, ASSIGNMENT)
        exported = lifecycle.export_grades(config)
    finally:
        os.chdir(old_cwd)
    return SimpleNamespace(root=root, config=config, source=source, plans=plans, learners=learners,
                           reflection=reflection, collected=collected, exported=exported, cwd=cwd,
                           max_score=sum(c.metadata["nbgrader"]["points"] for c in tests + written))


def test_each_learner_fetched_the_student_version_into_their_own_home(cycle):
    released = grading.release_dir(cycle.config, ASSIGNMENT) / f"{NOTEBOOK}.ipynb"
    for name, learner in cycle.learners.items():
        assert learner.fetched == released.read_bytes(), name
        text = learner.fetched.decode("utf-8")
        assert feedback.STUB_CALL in text and "BEGIN SOLUTION" not in text
    assert list(cycle.cwd.iterdir()) == [], "a step wrote into the current folder instead of a learner's home"


def test_submissions_reach_the_exchange_and_are_collected(cycle):
    inbound = Path(cycle.config.Exchange.root) / cycle.config.CourseDirectory.course_id / "inbound"
    assert sorted(p.name.split("+")[0] for p in inbound.iterdir()) == sorted(cycle.plans)
    submitted = Path(cycle.root) / cycle.config.CourseDirectory.submitted_directory
    for name in cycle.plans:
        assert f"Collecting submission: {name} {ASSIGNMENT}" in cycle.collected["log"]
        folder = submitted / name / ASSIGNMENT
        assert (folder / f"{NOTEBOOK}.ipynb").is_file() and (folder / "timestamp.txt").is_file()
        # each learner's submission cache (needed to fetch feedback) is in their own home
        cache = Path(cycle.learners[name].config.Exchange.cache) / cycle.config.CourseDirectory.course_id
        assert [p.name.split("+")[0] for p in cache.iterdir()] == [name]


def test_gradebook_total_is_autograded_plus_manual(cycle):
    with Gradebook(cycle.config.CourseDirectory.db_url) as gb:
        assert sorted(s.id for s in gb.students) == sorted(cycle.plans)
        for name, (_, auto, manual, _) in cycle.plans.items():
            submission = gb.find_submission(ASSIGNMENT, name)
            grades = {g.name: g for nb in submission.notebooks for g in nb.grades}
            written = grades.pop(cycle.reflection["grade_id"])
            assert sum(g.score for g in grades.values()) == pytest.approx(auto), name
            assert all(g.manual_score is None for g in grades.values()), name
            assert written.manual_score == pytest.approx(manual) and written.score == pytest.approx(manual), name
            assert written.max_score == cycle.reflection["points"]
            assert submission.score == pytest.approx(auto + manual), name
            assert submission.max_score == pytest.approx(cycle.max_score)
            assert not submission.needs_manual_grade, name
            comment = gb.find_comment(cycle.reflection["grade_id"], NOTEBOOK, ASSIGNMENT, name)
            assert comment.manual_comment == f"Reflection comment for {name}."
    scores = [auto + manual for _, auto, manual, _ in cycle.plans.values()]
    assert scores == sorted(scores, reverse=True) and scores[-1] == 0 < scores[1] < scores[0] < cycle.max_score


def test_each_learner_gets_their_own_feedback_with_score_and_plain_messages(cycle):
    for name, (_, auto, manual, unanswered) in cycle.plans.items():
        learner = cycle.learners[name]
        assert len(learner.feedback) == 1, name
        html_path = learner.feedback[0]
        assert html_path.name == f"{NOTEBOOK}.html"
        assert html_path.is_relative_to(learner.home / ASSIGNMENT / "feedback")
        html = html_path.read_text(encoding="utf-8")
        assert f"{NOTEBOOK} (Score: {float(auto + manual)} / {float(cycle.max_score)})" in html, name
        assert f"Score: {float(manual)} / {float(cycle.reflection['points'])}" in html, name
        assert html.count(NOT_ANSWERED) == unanswered, name
        assert "most recent call last" not in html, name  # plain sentences, no tracebacks
        assert f"Reflection comment for {name}." in html
        for other in set(cycle.plans) - {name}:
            assert f"Reflection comment for {other}." not in html, f"{name} sees {other}'s feedback"
        assert "Mark scheme" not in html, name  # the written answer's marking guide stays with the instructor


def test_feedback_does_not_reveal_hidden_tests(cycle):
    """nbgrader restores hidden tests when grading and shows them in feedback (jupyter/nbgrader#917)
    unless ``GenerateFeedback.preprocessors`` includes ``ClearHiddenTests``, as nbgrader_config.py does."""
    for name, learner in cycle.learners.items():
        html = learner.feedback[0].read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html and "check_against" not in html, name


def test_export_has_one_row_per_learner_with_the_gradebook_scores(cycle):
    cd = cycle.config.CourseDirectory
    assert cycle.exported == Path(cycle.config.ExportPlugin.to) == Path(cd.root) / "grading" / "grades.csv"
    with open(cycle.exported, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = {row["student_id"]: row for row in reader}
        assert reader.fieldnames == CSV_COLUMNS
    assert sorted(rows) == sorted(cycle.plans)
    with Gradebook(cd.db_url) as gb:
        for name, (_, auto, manual, _) in cycle.plans.items():
            row = rows[name]
            assert row["assignment"] == ASSIGNMENT
            assert float(row["raw_score"]) == float(row["score"]) == pytest.approx(auto + manual), name
            assert float(row["max_score"]) == pytest.approx(cycle.max_score)
            assert float(row["late_submission_penalty"]) == 0
            assert row["timestamp"] == str(gb.find_submission(ASSIGNMENT, name).timestamp)


def test_manual_grade_cannot_exceed_the_cells_points(cycle):
    with pytest.raises(ValueError, match="more than"):
        lifecycle.grade_manually(cycle.config, ASSIGNMENT, NOTEBOOK, "ada", cycle.reflection["grade_id"],
                                 cycle.reflection["points"] + 1)


def test_learner_config_holds_only_course_exchange_and_their_home(tmp_path):
    course = grading.load_config(MODULES_DIR.parent)
    conf = lifecycle.learner_config(course, tmp_path, "ada")
    assert conf.CourseDirectory.course_id == course.CourseDirectory.course_id
    assert conf.Exchange.root == course.Exchange.root
    assert conf.CourseDirectory.student_id == "ada"
    assert Path(conf.Exchange.assignment_dir) == Path(conf.CourseDirectory.root) == tmp_path
    assert Path(conf.Exchange.cache).is_relative_to(tmp_path)
    assert "db_url" not in conf.CourseDirectory  # a learner never opens the gradebook


def test_check_reports_nbgraders_log():
    assert lifecycle.check({"success": True}, "x") == {"success": True}
    with pytest.raises(RuntimeError, match="release_assignment failed:\n.*no such folder"):
        lifecycle.check({"success": False, "log": "[ERROR] no such folder"}, "release_assignment")
