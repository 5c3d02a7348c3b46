"""Every assignment survives nbgrader end to end.

Student versions fail every test (stubs) and hold no solutions, hidden
tests, mark schemes, model or borderline answers; autograding correct, empty and partial submissions gives
the expected scores in the gradebook. Where an assignment has verdict
exercises, two more learners (all verdicts but one right; about half right)
get the partial credit ``floor(points * right / total)`` per exercise, and
their feedback names the items to look at again without their right verdict.
"""

from __future__ import annotations

import ast
import copy
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from course import feedback
from course.grader import nbgrader_api as grading
from course.grader.parallel import parallel_autograde
from course.paths import MODULES_DIR
from course.verdicts import VerdictKey, verdict_digest

LESSONS = [(name, nb.name) for name in grading.assignments() for nb in sorted((MODULES_DIR / name).glob("*.ipynb"))]


def _ids(params):
    return [f"{a}/{n}" for a, n in params]


def test_there_are_lessons_to_check():
    assert LESSONS, "no lesson notebooks found under modules/"


# The instructor's source passing its own tests is checked twice elsewhere, so it is not run a
# third time here: nbval executes every source notebook under modules/ (an assertion that fails
# is an error there), and test_autograde_gives_expected_scores gives full marks to a learner whose
# answers are the source's.


@pytest.mark.parametrize("assignment,notebook", LESSONS, ids=_ids(LESSONS))
def test_student_version_fails_every_test(generated_course, assignment, notebook):
    root, config = generated_course
    student = grading.release_dir(config, assignment) / notebook
    assert Validator(invert=True).validate(str(student)) == {}


#: Words that appear only in the instructor's version (format 1 of written answers, nbgrader's markers).
INSTRUCTOR_ONLY = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION", "Mark scheme",
                   "Model answer", "Borderline answer", "Deduct only for claims", "points_earned(")


def _secret_lines(source_nb) -> set:
    """Lines of solutions, hidden tests and written-answer cells that appear nowhere else in the source."""
    secret, public = set(), set()
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        hidden = cell.cell_type == "markdown" and meta.get("solution")
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
                hidden = True
            (secret if hidden else public).add(stripped)
            if stripped in ("### END SOLUTION", "### END HIDDEN TESTS"):
                hidden = cell.cell_type == "markdown" and meta.get("solution")
    return {line for line in secret - public if len(line) >= 12 and not line.startswith("#")}


def leaks(released_nb, source_nb) -> list:
    """What of the instructor's version a released notebook shows: marker words and secret lines."""
    text = "\n".join(cell.source for cell in released_nb.cells)
    found = [word for word in INSTRUCTOR_ONLY if word in text]
    lines = {line.strip() for line in text.splitlines()}
    return found + sorted(_secret_lines(source_nb) & lines)


@pytest.mark.parametrize("assignment,notebook", LESSONS, ids=_ids(LESSONS))
def test_student_version_hides_answers(generated_course, assignment, notebook):
    root, config = generated_course
    released = nbformat.read(grading.release_dir(config, assignment) / notebook, as_version=4)
    assert leaks(released, nbformat.read(root / "modules" / assignment / notebook, as_version=4)) == []
    stubs = config.ClearSolutions
    answers = [c for c in released.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers, "a lesson with nothing to answer"
    for cell in answers:  # each answer cell holds the configured stub, nothing else of the instructor's
        if cell.cell_type == "code":
            assert stubs.code_stub["python"].splitlines()[-1].strip() in cell.source
        else:
            assert cell.source.strip() == stubs.text_stub


def test_the_leak_search_would_find_a_leak():
    source = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("**Mark scheme** Award up to 2 points.\n\n**Model answer** (full marks)\n"
                                      "> Exposure beat control conditions clearly."),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nverdicts = {'a': 'right'}\n### END SOLUTION"),
        nbformat.v4.new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nKEY.points_earned(verdicts, 2)\n"
                                  "### END HIDDEN TESTS")])
    source.cells[0].metadata["nbgrader"] = {"grade": True, "solution": True, "points": 2, "grade_id": "r"}
    assert leaks(source, source) == ["BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION",
                                     "Mark scheme", "Model answer", "points_earned(",
                                     "**Mark scheme** Award up to 2 points.", "**Model answer** (full marks)",
                                     "> Exposure beat control conditions clearly.",
                                     "KEY.points_earned(verdicts, 2)", "verdicts = {'a': 'right'}"]
    student = copy.deepcopy(source)
    student.cells[0].source = "YOUR ANSWER HERE"
    student.cells[1].source = feedback.CODE_STUB
    student.cells[2].source = "x = 1"
    assert leaks(student, source) == []


def test_the_learners_build_shows_vignettes_but_no_instructor_text(generated_course, tmp_path, monkeypatch):
    """``python -m course.publish.student`` (what learners open): no marking text, every vignette kept as written."""
    from course.publish import student

    root, config = generated_course
    # Reuse the session's generated course instead of generating every assignment again.
    monkeypatch.setattr(student.grading, "make_course", lambda folder, modules_dir, lang=None: config)
    monkeypatch.setattr(student.grading, "generate", lambda cfg, name: grading.release_dir(cfg, name))
    student.build(tmp_path)
    built = sorted(tmp_path.rglob("*.ipynb"))
    assert {f"{a}/{n}" for a, n in LESSONS} <= {str(p.relative_to(tmp_path)) for p in built}
    for assignment, notebook in LESSONS:
        source = nbformat.read(root / "modules" / assignment / notebook, as_version=4)
        released = nbformat.read(tmp_path / assignment / notebook, as_version=4)
        assert leaks(released, source) == [], notebook
        vignettes = [c.source for c in source.cells if "vignette" in c.metadata.get("tags", [])]
        assert vignettes == [c.source for c in released.cells if "vignette" in c.metadata.get("tags", [])]
    start = (tmp_path / "START-HERE.ipynb").read_text(encoding="utf-8")
    assert not any(word in start for word in INSTRUCTOR_ONLY)


def _first_answer_id(nb):
    return next(c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))


def _first_test_points(nb):
    return next(c.metadata["nbgrader"]["points"] for c in nb.cells
                if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


# --------------------------------------------------------------------------- verdict exercises, partial credit

_POINTS_EARNED = re.compile(r"^([A-Za-z_][\w.]*)\.points_earned\(\s*\w+\s*,\s*(\d+)\s*\)\s*$", re.M)
_ANSWER_NAME = re.compile(r"""feedback\.answer\(\s*["'](\w+)["']""")


@dataclass
class VerdictExercise:
    """One verdict exercise of a source notebook: its cells, its key and the source's (right) verdicts."""

    notebook: str
    test_id: str
    answer_id: str
    key: VerdictKey
    points: int
    right: dict
    assignment_node: ast.Assign

    def accepted(self, item_id: str) -> list:
        """Every verdict word the key accepts for an item (found through its hashes)."""
        hashes = self.key.answer_hashes[item_id]
        return [w for w in self.key.verdicts if verdict_digest(self.key.name, item_id, w) in hashes]

    def not_accepted(self, item_id: str) -> str:
        """A verdict word the key does not accept for an item."""
        return next(w for w in self.key.verdicts if w not in self.accepted(item_id))

    def learner(self, wrong: int, *, noted_wrong_first: bool) -> tuple:
        """Verdicts with ``wrong`` items changed to a word the key refuses: ``(verdicts, items made wrong)``.

        With ``noted_wrong_first`` the items with a sealed note are made wrong first; otherwise they are
        made wrong last, and kept right with the *other* accepted verdict where there is one.
        """
        ids = list(self.right)
        noted = [i for i in ids if i in self.key.notes]
        order = noted + [i for i in ids if i not in noted] if noted_wrong_first else \
            [i for i in ids if i not in noted] + noted
        made_wrong = order[:wrong]
        answers = dict(self.right)
        for item_id in ids:
            if item_id in made_wrong:
                answers[item_id] = self.not_accepted(item_id)
            elif item_id in noted and not noted_wrong_first:
                others = [w for w in self.accepted(item_id) if w != self.right[item_id].strip().lower()]
                answers[item_id] = others[0] if others else self.right[item_id]
        return answers, made_wrong

    def earned(self, wrong: int) -> int:
        total = len(self.right)
        return self.points * (total - wrong) // total

    def answer_source(self, source: str, answers: dict) -> str:
        """The answer cell's solution with the verdicts dictionary replaced by ``answers``."""
        code = grading.solution_text(source)
        lines = code.splitlines()
        node = self.assignment_node
        before = "\n".join(lines[:node.lineno - 1])
        after = "\n".join(lines[node.end_lineno:])
        body = ",\n".join(f"    {k!r}: {v!r}" for k, v in answers.items())
        return f"{before}\n{node.targets[0].id} = {{\n{body},\n}}\n{after}".strip() + "\n"


def _resolve(expression: str):
    """``evidence_check.SEED_000`` as a lesson imports it (``from course import evidence_check``)."""
    first, *rest = expression.split(".")
    value = importlib.import_module(f"course.{first}")
    for name in rest:
        value = getattr(value, name)
    return value


def verdict_exercises(notebook: str, source_nb) -> list:
    """The verdict exercises of a source notebook (test cells ending with ``KEY.points_earned(answers, P)``)."""
    found = []
    answer_cells = [c for c in source_nb.cells
                    if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        call = _POINTS_EARNED.search(cell.source)
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution") or not call:
            continue
        variable = _ANSWER_NAME.search(cell.source).group(1)
        for answer in answer_cells:
            tree = ast.parse(grading.solution_text(answer.source))
            node = next((n for n in tree.body if isinstance(n, ast.Assign) and len(n.targets) == 1
                         and isinstance(n.targets[0], ast.Name) and n.targets[0].id == variable
                         and isinstance(n.value, ast.Dict)), None)
            if node is not None:
                found.append(VerdictExercise(notebook, meta["grade_id"], answer.metadata["nbgrader"]["grade_id"],
                                             _resolve(call.group(1)), int(call.group(2)), ast.literal_eval(node.value),
                                             node))
                break
        else:
            raise AssertionError(f"{notebook}: no answer cell assigns {variable!r} for {meta['grade_id']}")
    return found


def _answered(student_nb, source_nb, exercises: list, learners: dict) -> "nbformat.NotebookNode":
    """Every answer filled from the source, with each verdict exercise answered as ``learners[test_id]``."""
    answered = grading.fill_answers(student_nb, source_nb)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source_nb.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for ex in exercises:
        cell = next(c for c in answered.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ex.answer_id)
        cell.source = ex.answer_source(sources[ex.answer_id], learners[ex.test_id])
    return answered


def test_the_verdict_learners_are_built_from_the_key():
    """The partial learners' verdicts are wrong exactly where intended (the key decides, not the test)."""
    from course import evidence_check

    source = nbformat.read(MODULES_DIR / "02-exposure-critique" / "01-claims-and-citations.ipynb", as_version=4)
    exercises = {ex.test_id: ex for ex in verdict_exercises("01-claims-and-citations.ipynb", source)}
    ex = exercises["ex1-reference-verdicts-tests"]
    assert ex.key is evidence_check.SEED_000 and ex.points == 3 and len(ex.right) == 9
    assert ex.key.number_correct(ex.right) == 9
    one, wrong = ex.learner(1, noted_wrong_first=True)
    assert ex.key.wrong_items(one) == wrong and len(wrong) == 1
    half, wrong = ex.learner(5, noted_wrong_first=False)
    assert ex.key.wrong_items(half) == [i for i in ex.right if i in wrong] and len(wrong) == 5
    assert (ex.earned(1), ex.earned(5)) == (2, 1)  # floor(3 * 8/9), floor(3 * 4/9)
    code = ex.answer_source(next(c.source for c in source.cells
                                 if c.metadata.get("nbgrader", {}).get("grade_id") == ex.answer_id), half)
    namespace = {}
    exec(code, namespace)  # noqa: S102 (a dictionary literal written by this test)
    assert namespace["verdicts"] == half


@pytest.fixture(scope="module", params=grading.assignments())
def autograded(request, generated_course):
    """Autograde fixture learners per assignment: all correct, untouched stubs, first exercise only,
    and, where the assignment has verdict exercises, "one-wrong" and "half-right" (below).

    "one-wrong" answers everything as the source does but gives one verdict per exercise a word the key
    does not accept (an item with a sealed note, where there is one); "half-right" gets only half of each
    exercise's verdicts right (items with a note stay right, with their other accepted verdict). Both submit
    only the notebooks with verdict exercises (a missing notebook scores 0).

    Returns ``(assignment, config, sources, expected, verdicts)``: the expected autograded score per learner,
    and per learner ``{test_id: (exercise, answers, items made wrong, expected points of the cell)}``.
    """
    assignment = request.param
    root, config = generated_course
    release = grading.release_dir(config, assignment)
    notebooks = sorted(p.name for p in release.glob("*.ipynb"))
    sources = {n: nbformat.read(root / "modules" / assignment / n, as_version=4) for n in notebooks}
    students = {n: nbformat.read(release / n, as_version=4) for n in notebooks}
    exercises = {n: verdict_exercises(n, sources[n]) for n in notebooks}
    plans = {  # learner -> (notebook -> submitted notebook, expected autograded score)
        "correct": (lambda n: grading.fill_answers(students[n], sources[n]),
                    sum(grading.autograded_points(sources[n]) for n in notebooks)),
        "stubs": (lambda n: grading.fill_answers(students[n], sources[n], set()), 0.0),
        "partial": (lambda n: grading.fill_answers(students[n], sources[n], {_first_answer_id(sources[n])}),
                    sum(_first_test_points(sources[n]) for n in notebooks)),
    }
    verdicts = {"correct": {ex.test_id: (ex, ex.right, [], ex.points) for n in notebooks for ex in exercises[n]}}
    with_verdicts = [n for n in notebooks if exercises[n]]
    for learner, wrong_of, noted_first in (("one-wrong", lambda total: 1, True),
                                           ("half-right", lambda total: total - total // 2, False)):
        if not with_verdicts:
            break
        verdicts[learner] = {}
        for n in with_verdicts:
            for ex in exercises[n]:
                answers, made_wrong = ex.learner(wrong_of(len(ex.right)), noted_wrong_first=noted_first)
                verdicts[learner][ex.test_id] = (ex, answers, made_wrong, ex.earned(len(made_wrong)))
        answers_of = {test_id: entry[1] for test_id, entry in verdicts[learner].items()}
        lost = sum(ex.points - earned for ex, _, _, earned in verdicts[learner].values())
        plans[learner] = (lambda n, a=answers_of: _answered(students[n], sources[n], exercises[n], a)
                          if n in with_verdicts else None,
                          sum(grading.autograded_points(sources[n]) for n in with_verdicts) - lost)
    submitted = Path(config.CourseDirectory.root) / config.CourseDirectory.submitted_directory
    for learner, (make, _) in plans.items():
        folder = submitted / learner / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for n in notebooks:
            answered = make(n)
            if answered is not None:
                nbformat.write(answered, folder / n)
    # Graded two at a time by the course's parallel command (the same scores and files as stock
    # nbgrader autograde: tests/test_parallel_autograde.py), which halves this fixture's time.
    results = parallel_autograde(config, assignment, list(plans), workers=2, say=lambda *_: None)
    assert [r.status for r in results] == ["graded"] * len(plans), [(r.student, r.message, r.log) for r in results]
    return assignment, config, sources, {learner: score for learner, (_, score) in plans.items()}, verdicts


def test_autograde_gives_expected_scores(autograded):
    assignment, config, sources, expected, _ = autograded
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for learner, score in expected.items():
            submission = gb.find_submission(assignment, learner)
            auto = sum(g.auto_score or 0 for nb in submission.notebooks for g in nb.grades)
            assert auto == pytest.approx(score), learner
        all_points = sum(c.metadata["nbgrader"]["points"] for nb in sources.values() for c in nb.cells
                         if c.metadata.get("nbgrader", {}).get("grade"))
        assert gb.find_submission(assignment, "correct").max_score == pytest.approx(all_points)
    assert expected["correct"] > expected["partial"] > expected["stubs"] == 0
    if "one-wrong" in expected:
        assert expected["correct"] > expected["one-wrong"] >= expected["half-right"]


def test_verdict_exercises_give_partial_credit_cell_by_cell(autograded):
    """Each verdict test cell scores floor(points * right / total): full, all but one, half, and 0 for stubs."""
    assignment, config, _, _, verdicts = autograded
    if len(verdicts) == 1:
        pytest.skip(f"{assignment} has no verdict exercise")
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for learner, cells in verdicts.items():
            for test_id, (ex, _, made_wrong, earned) in cells.items():
                grade = gb.find_grade(test_id, ex.notebook.removesuffix(".ipynb"), assignment, learner)
                assert (grade.auto_score, grade.max_score) == (earned, ex.points), (learner, test_id, made_wrong)
                assert grade.auto_score == int(grade.auto_score)
        for test_id, (ex, *_) in verdicts["correct"].items():
            stub = gb.find_grade(test_id, ex.notebook.removesuffix(".ipynb"), assignment, "stubs")
            assert stub.auto_score == 0
    one_wrong = [earned for ex, _, _, earned in verdicts["one-wrong"].values()]
    assert any(0 < earned < ex.points for (ex, *_), earned in zip(verdicts["one-wrong"].values(), one_wrong))


def _outputs(config, learner: str, assignment: str, notebook: str, test_id: str) -> str:
    cd = config.CourseDirectory
    nb = nbformat.read(Path(cd.root) / cd.autograded_directory / learner / assignment / notebook, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == test_id)
    return "".join(o.get("text", "") + o.get("evalue", "") + o.get("data", {}).get("text/plain", "")
                   for o in cell.outputs)


def test_verdict_feedback_names_wrong_items_not_their_answers_and_earned_notes_only(autograded):
    assignment, config, _, _, verdicts = autograded
    if len(verdicts) == 1:
        pytest.skip(f"{assignment} has no verdict exercise")
    for learner, cells in verdicts.items():
        for test_id, (ex, answers, made_wrong, earned) in cells.items():
            shown = _outputs(config, learner, assignment, ex.notebook, test_id)
            notes = [line for line in shown.splitlines() if line.startswith("About ")]
            plain = "\n".join(line for line in shown.splitlines() if not line.startswith("About "))
            plain = plain.replace(ex.key.agreement, "").replace(ex.key.hint, "")
            if made_wrong and earned > 0:
                assert f"worth {earned} of {ex.points} points. Look again at: {', '.join(made_wrong)}." in shown
            for item_id in made_wrong:
                assert item_id in shown, (learner, test_id)
                for right in ex.accepted(item_id):
                    assert right not in plain.lower(), (learner, test_id, item_id)
            for item_id in ex.key.notes:
                opened = item_id not in made_wrong and earned > 0
                assert any(line.startswith(f"About {item_id}: ") for line in notes) is opened, (learner, item_id)


def test_verdict_feedback_for_learners_hides_the_tests(autograded):
    """nbgrader's feedback (what learners get back): the score and the items to look at, no hidden tests."""
    assignment, config, _, _, verdicts = autograded
    if len(verdicts) == 1:
        pytest.skip(f"{assignment} has no verdict exercise")
    result = grading.api(config).generate_feedback(assignment, "one-wrong")
    assert result["success"], result.get("error") or result.get("log")
    cd = config.CourseDirectory
    folder = Path(cd.root) / cd.feedback_directory / "one-wrong" / assignment
    for test_id, (ex, _, made_wrong, earned) in verdicts["one-wrong"].items():
        html = (folder / ex.notebook.replace(".ipynb", ".html")).read_text(encoding="utf-8")
        if earned > 0:
            assert "Look again at: " + ", ".join(made_wrong) in html
        for secret in ("BEGIN HIDDEN TESTS", "points_earned"):
            assert secret not in html


def test_graded_notebooks_show_figures_with_alt_text_and_no_errors(autograded):
    """The correct submission, as executed by the autograder: no errors, every image has alt text."""
    assignment, config, sources, _, _ = autograded
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
