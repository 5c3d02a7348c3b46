"""The lesson checks for issue #13's formats: written answers with model answers, client vignettes, partial credit.

A small fixture lesson written to the formats (docs/AUTHORING.md, "Graded
exercises") passes every lesson check; each rule is then broken on a copy to
show that it fails, with a message naming the notebook, the cell's grade_id
and what is missing.
"""

from __future__ import annotations

import copy

import nbformat
import pytest

from course import references
from course.publish import lesson_checks as checks, lesson_time

SCHEMA = 3

TITLE = """# A fixture lesson

Module 0. A lesson written to the course's formats, for the tests.

**Time:** about 40 minutes: 20 of reading and demos, 20 of exercises.

Prerequisites: none."""

BODY = """## Learning objectives

1. Judge a claim against its source.

> **Education, not clinical advice.** Stay within your scope of practice.

## 1. A claim

Prolonged exposure beat control conditions in randomised trials [@powers2010]."""

PROMPT = """### Reflection (4 points)

A client asks whether exposure therapy is safe. In about 40-80 words, write what you would say.

Write your answer in the cell below this one."""

MODEL = ("I would say that it is normal to worry, and that in trials most people finish the treatment. On average "
         "people who had it did clearly better than people who waited (Powers 2010). Side effects have not been "
         "measured well, so nobody can promise it is harmless. I would suggest asking the therapist how sessions "
         "work and what to do if it gets too much.")

ANSWER = f"""**Mark scheme** (instructor's version; learners see an empty answer cell). Award up to 4 points:
- **1 point:** takes the worry seriously.
- **1 point:** states the benefit with its source (Powers 2010).
- **1 point:** says that harms are poorly measured.
- **1 point:** leaves the decision with the client and their therapist.
- Deduct only for claims that are wrong (contradicted by good evidence). A correct point from outside the lesson earns credit like any other; ask for its source in feedback.

**Model answer** (full marks, 4 of 4 points; about 65 words):
> {MODEL}

**Borderline answer** (2 of 4 points):
> Your worry is understandable. Studies show that exposure therapy works better than waiting (Powers 2010), so I think you should say yes.

*Why 2:* it meets the first two bullets; it misses the harms and pushes the client towards a decision."""

VIGNETTE = """### Client vignette: "Is it safe?"
*Fictional: a made-up client, written for teaching; any likeness to a real person is chance.*

**Presentation.** Ola, 41, a nurse, takes no medication. He asks: "Will exposure make me worse?"

**What the evidence supports.** Prolonged exposure beat control conditions [@powers2010].

**What it does not support.** That harms are known to be rare: most trials did not report them [@cusack2016].

**What you might say (within your scope).** "It makes sense to ask. Let us bring your questions to the therapist."

**When to refer.** Thoughts of suicide: the same day, to his GP or emergency services (113)."""

VERDICT_ANSWER = """### BEGIN SOLUTION
verdicts = {"a": "right", "b": "wrong"}
### END SOLUTION"""

VERDICT_TEST = """# Visible test: complete, and only the allowed verdicts.
answers = feedback.answer("verdicts", globals())
KEY.check_format(answers)
print("Every item has an allowed verdict. Your score is worked out when the lesson is graded.")
### BEGIN HIDDEN TESTS
KEY.points_earned(answers, 3)
### END HIDDEN TESTS"""


def _graded(cell, grade_id, *, grade=False, solution=False, locked=False, points=None):
    cell.metadata["nbgrader"] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                                 "schema_version": SCHEMA, "solution": solution, "task": False}
    if points is not None:
        cell.metadata["nbgrader"]["points"] = points
    return cell


def lesson() -> nbformat.NotebookNode:
    """A lesson that follows every format: one reflection, one vignette, one verdict exercise."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    vignette = md(VIGNETTE)
    vignette.metadata["tags"] = [checks.VIGNETTE_TAG]
    cells = [
        md(TITLE), md(BODY), vignette,
        code("from course import feedback"),
        _graded(md("### Exercise 1 (3 points)\n\nGive each item a verdict."), "ex1-verdicts-prompt", locked=True),
        _graded(code(VERDICT_ANSWER), "ex1-verdicts-answer", solution=True),
        _graded(code(VERDICT_TEST), "ex1-verdicts-tests", grade=True, locked=True, points=3),
        _graded(md(PROMPT), "reflection-safe-prompt", locked=True),
        _graded(md(ANSWER), "reflection-safe", grade=True, solution=True, points=4),
        md("## Key points\n\n- Check the source."),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    refs = md("## References")
    refs.metadata["tags"] = [references.REFERENCES_TAG]
    nb.cells.append(refs)
    references.sync_notebook(nb)  # citations as author-year links, References cell filled in
    title = lesson_time._title_cell(nb)
    title.source = lesson_time._TIME_LINE.sub(lesson_time.estimate(nb).time_line(), title.source, count=1)
    return nb


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _vignette(nb):
    return next(c for c in nb.cells if checks.VIGNETTE_TAG in c.metadata.get("tags", []))


@pytest.fixture
def good():
    return lesson()


def _write(nb, folder, name="09-fixture.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)
    return folder / name


# --------------------------------------------------------------------------- a lesson written to the formats passes

def test_a_lesson_written_to_the_formats_passes_every_check(good, tmp_path):
    assert checks.check_lesson(_write(good, tmp_path / "09-fixture")) == []
    assert checks.check_module(tmp_path / "09-fixture") == []
    assert MODEL.count(" ") + 1 == len(checks._WORD.findall(MODEL))  # the fixture's model answer is 40-80 words
    assert 40 <= len(checks._WORD.findall(MODEL)) <= 80


def test_the_checks_are_among_the_lesson_checks():
    for check in (checks.check_written_answers, checks.check_vignettes, checks.check_verdict_exercises):
        assert check in checks.LESSON_CHECKS


def test_a_message_names_the_notebook_and_the_grade_id(good, tmp_path):
    _cell(good, "reflection-safe").source = _cell(good, "reflection-safe").source.replace("**Model answer**",
                                                                                          "**Model**")
    problems = checks.check_lesson(_write(good, tmp_path / "09-fixture"))
    assert problems and all(p.startswith("09-fixture.ipynb: cell 8 (reflection-safe): ") for p in problems)
    assert any("lacks the part **Model answer**" in p for p in problems)


# --------------------------------------------------------------------------- format 1: written answers

@pytest.mark.parametrize("old,new,words", [
    ("**Mark scheme** (instructor", "**Marking** (instructor", "lacks the part **Mark scheme**"),
    ("**Mark scheme** (instructor's version; learners see an empty answer cell).",
     "**Mark scheme (instructor's version; learners see an empty answer cell).**",
     "found \"**Mark scheme (instructor's version; learners see an empty answer cell).**\"; "
     "the label is exactly **Mark scheme**"),
    ("**Model answer** (full", "Model answer (full", "lacks the part **Model answer**"),
    ("**Borderline answer** (2", "A weaker answer (2", "lacks the part **Borderline answer**"),
    ("**Borderline answer** (2 of 4 points):", "**Borderline answer**:", "needs its mark right after the label"),
    ("(2 of 4 points)", "(2 of 5 points)", "marked out of 5 points, but the cell is worth 4"),
    ("(2 of 4 points)", "(0 of 4 points)", "more than 0 and fewer than all points, not 0 of 4"),
    ("(2 of 4 points)", "(4 of 4 points)", "not 4 of 4"),
    ("*Why 2:*", "Because:", "needs a line starting '*Why 2:*'"),
    ("(full marks, 4 of 4 points;", "(full marks;", "should read '**Model answer** (full marks, 4 of 4 points"),
    ("(full marks, 4 of 4 points;", "(full marks, 3 of 4 points;", "marked 3 of 4 points; it should be full marks"),
    ("- Deduct only for claims that are wrong (contradicted by good evidence).", "",
     "lacks the rule 'Deduct only for claims that are wrong"),
    ("- Deduct only", "- Deduct a point for any claim the lesson's sources do not support.\n- Deduct only",
     "takes points off for claims outside the lesson's sources"),
    ("- Deduct only", "- Subtract one point for claims not covered in the lesson.\n- Deduct only",
     "takes points off for claims outside the lesson's sources"),
    ("> I would say that it is normal", "> I would say, at very great length and " + "much " * 80 + "that it is normal",
     "outside the 40-80 words the question asks for"),
])
def test_a_written_answer_off_the_format_is_caught(good, old, new, words):
    cell = _cell(good, "reflection-safe")
    assert old in cell.source
    cell.source = cell.source.replace(old, new, 1)
    problems = checks.check_written_answers(good)
    assert any(p.startswith("cell 8 (reflection-safe): ") and words in p for p in problems), problems


def test_the_parts_must_come_in_order(good):
    cell = _cell(good, "reflection-safe")
    scheme, rest = cell.source.split("**Model answer**")
    cell.source = "**Model answer**" + rest + "\n\n" + scheme
    assert any("in the order" in p for p in checks.check_written_answers(good))


def test_the_question_must_state_a_word_range_and_not_penalise_outside_knowledge(good):
    prompt = _cell(good, "reflection-safe-prompt")
    prompt.source = prompt.source.replace("In about 40-80 words, write", "Write") + \
        "\n\nYou lose a point for each claim that is not in the lesson."
    problems = checks.check_written_answers(good)
    assert any("should state the length as a range" in p for p in problems)
    assert any("the question takes points off" in p for p in problems)


def test_an_answer_with_the_labels_on_one_line_is_caught(good):
    cell = _cell(good, "reflection-safe")
    cell.source = cell.source.replace("\n\n**Model answer**", " **Model answer**")
    assert any("lacks the part **Model answer**, written at the start of a line" in p
               for p in checks.check_written_answers(good))


@pytest.mark.parametrize("sentence,caught", [
    ("Deduct a point for any claim the lesson's sources do not support.", True),
    ("Take off one point per claim not supported by the lesson.", True),
    ("Learners lose marks for statements from outside the course.", True),
    ("Penalise claims beyond the lesson.", True),
    ("Deduct only for claims that are wrong (contradicted by good evidence).", False),
    ("A correct point from outside the lesson earns credit like any other.", False),
    ("Deduct one point for a wrong number.", False),
    ("Do not deduct for correct claims from outside the lesson's sources.", False),
    ("Never take off points for a right claim beyond the lesson.", False),
])
def test_the_outside_knowledge_penalty_is_recognised(sentence, caught):
    assert bool(checks.penalises_outside_knowledge(sentence)) is caught


def test_an_autograded_code_cell_is_not_a_written_answer(good):
    """Only Markdown answer cells with grade and solution are held to format 1."""
    _cell(good, "ex1-verdicts-answer").source += "\n# no mark scheme here"
    assert checks.check_written_answers(good) == []


# --------------------------------------------------------------------------- format 2: vignettes

@pytest.mark.parametrize("old,new,words", [
    ('### Client vignette: "Is it safe?"', "### A client", "starts with the heading '### Client vignette:"),
    ('### Client vignette: "Is it safe?"', "### Client vignette:", "starts with the heading"),
    ("*Fictional: a made-up client", "*A made-up client", "says it is fictional"),
    ("**Presentation.**", "Presentation:", "lacks the part **Presentation.**"),
    ("**What the evidence supports.**", "**What the evidence shows.**",
     "lacks the part **What the evidence supports.**"),
    ("**What it does not support.**", "**What it does not show.**", "lacks the part **What it does not support.**"),
    ("**What you might say (within your scope).**", "**What to say.**",
     "lacks the part **What you might say (within your scope).**"),
    ("**When to refer.**", "**Referral.**", "lacks the part **When to refer.**"),
    ("control conditions ([Powers et al. 2010](#ref-powers2010)).", "control conditions.", "the part **What the evidence supports.** cites no"),
    ("them ([Cusack et al. 2016](#ref-cusack2016)).", "them.", "the part **What it does not support.** cites no source"),
])
def test_a_vignette_off_the_format_is_caught(good, old, new, words):
    cell = _vignette(good)
    assert old in cell.source
    cell.source = cell.source.replace(old, new, 1)
    problems = checks.check_vignettes(good)
    assert any(p.startswith("cell 2 (vignette): ") and words in p for p in problems), problems


def test_vignette_parts_must_come_in_order(good):
    cell = _vignette(good)
    head, refer = cell.source.split("\n\n**When to refer.**")
    cell.source = head.replace("**Presentation.**", "**When to refer.**" + refer + "\n\n**Presentation.**")
    assert any("in the order" in p for p in checks.check_vignettes(good))


def test_a_vignette_must_be_plain_markdown(good):
    _graded(_vignette(good), "vignette-cell", locked=True)
    assert any("plain Markdown cell" in p for p in checks.check_vignettes(good))


def test_every_module_needs_a_vignette(good, tmp_path):
    folder = tmp_path / "09-fixture"
    _write(good, folder)
    plain = copy.deepcopy(good)
    plain.cells = [c for c in plain.cells if checks.VIGNETTE_TAG not in c.metadata.get("tags", [])]
    _write(plain, folder, "10-other.ipynb")
    assert checks.check_module(folder) == []  # one vignette in the module is enough
    _write(plain, folder)
    assert checks.check_module(folder) == [
        "09-fixture: no lesson in this module has a client vignette (a Markdown cell tagged 'vignette', "
        "in the shape given in docs/AUTHORING.md)"]
    untagged = copy.deepcopy(good)
    untagged.cells[2].metadata["tags"] = []
    _write(untagged, folder)
    assert checks.check_module(folder) != []


# --------------------------------------------------------------------------- format 3: verdict exercises

@pytest.mark.parametrize("old,new,words", [
    ("KEY.points_earned(answers, 3)", "KEY.points_earned(answers, 2)",
     "points_earned(answers, 2) should give the cell's 3 points"),
    ("KEY.points_earned(answers, 3)", "KEY.require_all_correct(answers)\nfeedback.passed('done')",
     "replace require_all_correct with points_earned(answers, 3)"),
    ("KEY.points_earned(answers, 3)", "KEY.points_earned(answers, 3);", "no semicolon"),
    ("KEY.points_earned(answers, 3)", "score = KEY.points_earned(answers, 3)", "no assignment"),
    ("KEY.points_earned(answers, 3)\n### END HIDDEN TESTS",
     "KEY.points_earned(answers, 3)\n### END HIDDEN TESTS\nfeedback.passed('done')", "must end with"),
    ("### BEGIN HIDDEN TESTS\nKEY.points_earned(answers, 3)\n", "### BEGIN HIDDEN TESTS\n", "must end with"),
])
def test_a_verdict_exercise_without_partial_credit_is_caught(good, old, new, words):
    cell = _cell(good, "ex1-verdicts-tests")
    assert old in cell.source
    cell.source = cell.source.replace(old, new, 1)
    problems = checks.check_verdict_exercises(good)
    assert any(p.startswith("cell 6 (ex1-verdicts-tests): ") and words in p for p in problems), problems


def test_the_points_in_the_call_follow_the_cell(good):
    _cell(good, "ex1-verdicts-tests").metadata["nbgrader"]["points"] = 4
    assert checks.check_verdict_exercises(good) == [
        "cell 6 (ex1-verdicts-tests): points_earned(answers, 3) should give the cell's 4 points"]


def test_other_test_cells_are_not_verdict_exercises(good):
    cell = _cell(good, "ex1-verdicts-tests")
    cell.source = "feedback.check_value(x, 3)\n### BEGIN HIDDEN TESTS\nassert x == 3\n### END HIDDEN TESTS\n" \
                  "feedback.passed('ok')"
    assert checks.check_verdict_exercises(good) == []


def test_the_repository_check_includes_the_module_rule(monkeypatch, tmp_path, capsys, good):
    plain = copy.deepcopy(good)
    plain.cells = [c for c in plain.cells if checks.VIGNETTE_TAG not in c.metadata.get("tags", [])]
    _write(plain, tmp_path / "09-fixture")
    monkeypatch.setattr(checks, "lesson_paths", lambda: [tmp_path / "09-fixture" / "09-fixture.ipynb"])
    monkeypatch.setattr(checks, "module_paths", lambda: [tmp_path / "09-fixture"])
    monkeypatch.setattr(checks, "check_datasheets", lambda: [])
    assert checks.main(["check"]) == 1
    assert "09-fixture: no lesson in this module has a client vignette" in capsys.readouterr().out
    _write(good, tmp_path / "09-fixture")
    assert checks.main(["check"]) == 0
