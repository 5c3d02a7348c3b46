"""The stated-time rule (course.publish.lesson_time) on a fixture lesson with hand-counted minutes.

The fixture holds one of everything the rule counts; the comments work out
its minutes from the constants, and a test pins the constants so that a
change to the rule is a deliberate one (update this file and docs/AUTHORING.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from course.errors import DataError
from course.grader import timing
from course.paths import MODULES_DIR
from course.publish import lesson_time as lt

OLD_TIME = "**Time:** about 10 minutes of reading and demos, plus 5–10 minutes of exercises."


def _graded(cell, grade_id, *, solution, grade, points=0):
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": not solution,
                                 "points": points, "schema_version": 3}
    return cell


def fixture_lesson(time_line: str = OLD_TIME, word_range: str = "250–350 words") -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        md(f"# Fixture lesson\n\n{time_line}\n"),                                        # 2 words (not the Time line)
        md(" ".join(["word"] * 1200) + " [@taskforce1996] [a link](https://example.org/x) <b>bold</b>"),  # 1203
        md("**Think!** One two three? **Think!** Four five."),                          # 7 words, 2 prompts
        md("**Think!** Six."),                                                           # 2 words, 1 prompt
        code("from course import widgets"),                                              # code cell
        code("print(1)"),                                                                # code cell
        code("demo = widgets.window_length_demo(nn)"),                                   # demo
        _graded(md("### Exercise 1 (2 points)\n\nWrite f."), "ex1-prompt", solution=False, grade=False),  # 6 words
        _graded(code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"), "ex1-answer",
                solution=True, grade=False),                                             # code exercise
        _graded(code("feedback.check(f)\n### BEGIN HIDDEN TESTS\nassert f() == 1\n### END HIDDEN TESTS"),
                "ex1-tests", solution=False, grade=True, points=2),
        _graded(md("### Exercise 2 (3 points)\n\nGive verdicts."), "ex2-prompt", solution=False, grade=False),  # 6
        _graded(code('### BEGIN SOLUTION\nverdicts = {\n    "a": "verified",\n    "b": "not found",\n'
                     '    "c": "mixed up",\n}\n### END SOLUTION'), "ex2-answer", solution=True, grade=False),
        _graded(code('answers = feedback.answer("verdicts", globals())\nX.check_format(answers)\n'
                     "### BEGIN HIDDEN TESTS\nX.points_earned(answers, 3)\n### END HIDDEN TESTS"),
                "ex2-tests", solution=False, grade=True, points=3),                     # verdicts, 3 items
        _graded(md(f"### Exercise 3 (4 points)\n\nWrite {word_range}."), "ex3-prompt", solution=False,
                grade=False),                                                            # 8 words (range: 2)
        _graded(md("**Mark scheme** " + "secret " * 400), "ex3-answer", solution=True, grade=True, points=4),
        md("## References\n\n" + "ref " * 500),
    ]
    nb.cells[-1].metadata["tags"] = ["references"]
    return nb


# Words 2 + 1203 + 7 + 2 + 6 + 6 + 8 = 1234 -> 1234 / 130 = 9.49 min; two code cells 2 x 0.5 = 1;
# one demo 3  ->  R = 13.49, rounded up to 15.
# One code exercise 10; one verdict exercise 3 + 3 items x 1 = 6; three Think! 3 x 2 = 6;
# a 250-350-word reflection 3.5 x 7 = 24.5  ->  E = 46.5, rounded up to 50.  T = 65.
EXPECTED_LINE = "**Time:** about 65 minutes: 15 of reading and demos, 50 of exercises."


def test_the_constants_are_the_documented_ones():
    assert (lt.READING_WORDS_PER_MINUTE, lt.DEMO_MINUTES, lt.CODE_CELL_MINUTES, lt.CODE_EXERCISE_MINUTES,
            lt.VERDICT_EXERCISE_MINUTES, lt.VERDICT_ITEM_MINUTES, lt.THINK_MINUTES,
            lt.REFLECTION_MINUTES_PER_100_WORDS, lt.DEFAULT_REFLECTION_WORDS, lt.ROUND_TO_MINUTES) == \
        (130, 3.0, 0.5, 10.0, 3.0, 1.0, 2.0, 7.0, 250, 5)


def test_estimate_counts_what_learners_see_and_do():
    est = lt.estimate(fixture_lesson())
    assert est.words == 1234
    assert (est.demos, est.code_cells, est.code_exercises) == (1, 2, 1)
    assert (est.verdict_exercises, est.verdict_items, est.think_prompts) == (1, 3, 3)
    assert est.reflection_words == [350]
    assert (est.reading, est.exercises, est.total) == (15, 50, 65)
    assert est.time_line() == EXPECTED_LINE
    assert est.problems == []


def test_a_350_word_reflection_alone_counts_about_25_minutes():
    assert 350 / 100 * lt.REFLECTION_MINUTES_PER_100_WORDS == pytest.approx(24.5)


def test_rounding_is_up_to_five_minutes():
    assert [lt._round_up(x) for x in (0, 0.1, 5, 5.0000001, 13.49, 46.5)] == [0, 5, 5, 5, 15, 50]


def test_prose_words_leave_out_citations_links_and_markup():
    text = "HRV [@taskforce1996; @nunan2010] is *variable*. See [the guide](https://x.org/a) <br> or https://y.org."
    assert lt.prose_words(text) == len("HRV is variable See the guide or".split())
    assert lt.prose_words("<!-- a hidden note -->Two words") == 2


def test_the_time_line_itself_does_not_change_the_estimate():
    old = lt.estimate(fixture_lesson(OLD_TIME))
    new = lt.estimate(fixture_lesson(EXPECTED_LINE))
    assert (old.words, old.reading, old.exercises) == (new.words, new.reading, new.exercises)


def test_a_reflection_without_a_word_range_is_counted_and_reported():
    est = lt.estimate(fixture_lesson(word_range="a short answer"))
    assert est.reflection_words == [lt.DEFAULT_REFLECTION_WORDS]
    assert len(est.problems) == 1 and "'ex3-answer' states no word range" in est.problems[0]
    # 10 + 6 + 6 + 2.5 x 7 = 39.5 -> 40
    assert est.exercises == 40


def test_problems_name_the_line_the_rule_gives():
    found = lt.problems(fixture_lesson())
    assert len(found) == 1
    assert OLD_TIME in found[0] and EXPECTED_LINE in found[0]
    assert lt.problems(fixture_lesson(EXPECTED_LINE)) == []
    untimed = fixture_lesson()
    untimed.cells[0].source = "# Fixture lesson\n"
    assert "no '**Time:**' line" in lt.problems(untimed)[0]


def test_update_rewrites_only_the_time_line(tmp_path):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(fixture_lesson(), path)
    before = path.read_text(encoding="utf-8")
    assert lt.update(path) is True
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(before.splitlines()) == len(after.splitlines()) and len(changed) == 1
    assert EXPECTED_LINE in changed[0][1]
    assert lt.problems(path) == []
    assert lt.update(path) is False and path.read_text(encoding="utf-8") == after


def test_update_refuses_a_notebook_without_a_time_line_in_a_sentence(tmp_path):
    nb = fixture_lesson()
    nb.cells[0].source = "# Fixture lesson\n"
    path = tmp_path / "lesson.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(DataError, match="has no '\\*\\*Time:\\*\\*' line"):
        lt.update(path)
    (tmp_path / "broken.ipynb").write_text("{ not json", encoding="utf-8")
    with pytest.raises(DataError, match="could not be read as a notebook"):
        lt.problems(tmp_path / "broken.ipynb")


def test_the_stated_time_parser_reads_what_update_writes():
    assert timing.stated_minutes(EXPECTED_LINE) == 65


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "course.publish.lesson_time", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def test_update_then_check_passes_on_a_copy_of_a_real_lesson(tmp_path):
    real = MODULES_DIR / "01-nervous-system" / "01-hrv-basics.ipynb"
    copy = tmp_path / real.name
    shutil.copy2(real, copy)
    nbformat.write(_with_time_line(copy, OLD_TIME), copy)   # a stated time the rule does not give
    before = nbformat.read(copy, as_version=4)
    check = _cli("check", copy)
    assert check.returncode == 1 and "differs from the rule" in check.stdout
    assert _cli("update", copy).returncode == 0
    check = _cli("check", copy)
    assert check.returncode == 0, check.stdout + check.stderr
    after = nbformat.read(copy, as_version=4)
    assert [c.source for c in after.cells[1:]] == [c.source for c in before.cells[1:]]
    assert [c.metadata for c in after.cells] == [c.metadata for c in before.cells]
    assert lt.estimate(after).time_line() in after.cells[0].source
    shown = _cli("show", copy)
    assert shown.returncode == 0 and copy.stem in shown.stdout


def _with_time_line(path, line):
    nb = nbformat.read(path, as_version=4)
    cell = lt._title_cell(nb)
    cell.source = lt._TIME_LINE.sub(line, cell.source, count=1)
    return nb


def test_cli_errors_are_one_sentence(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{ not json", encoding="utf-8")
    run = _cli("check", tmp_path / "broken.ipynb")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().startswith("Data problem:") and len(run.stderr.strip().splitlines()) == 1


def test_every_real_lesson_gets_a_plausible_estimate():
    """A sanity band, not the calibration: lessons far outside it mean the rule or the lesson needs a look."""
    for path in sorted(MODULES_DIR.glob("[0-9][0-9]-*/*.ipynb")):
        est = lt.estimate(nbformat.read(path, as_version=4))
        assert 40 <= est.total <= 120, (path.name, est)
        assert est.reading > 0 and est.exercises > 0, path.name


def test_the_start_page_states_the_times_the_rule_gives():
    assert lt.start_page_problems(MODULES_DIR / "START-HERE.ipynb") == []


def test_start_page_times_are_rewritten_from_the_lessons(tmp_path):
    """A lesson's (about N min) is its estimate; a module's Time line is their sum to the nearest half hour."""
    shutil.copytree(MODULES_DIR, tmp_path / "modules", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    page = tmp_path / "modules" / "START-HERE.ipynb"
    text = page.read_text(encoding="utf-8")
    module1 = [lt.estimate(nbformat.read(p, as_version=4)).total
               for p in sorted((MODULES_DIR / "01-nervous-system").glob("*.ipynb"))]
    first = f"(about {module1[0]} min)"
    hours = f"**Time:** {lt._hours(sum(module1))}."
    assert first in text and hours in text
    page.write_text(text.replace(first, "(about 5 min)", 1).replace(hours, "**Time:** about 2–3 hours.", 1),
                    encoding="utf-8")
    found = lt.start_page_problems(page)
    assert len(found) == 2 and "(about 5 min)" in found[0] and "2–3 hours" in found[1]
    check = _cli("start-page", "--check", page)
    assert check.returncode == 1 and "should read" in check.stdout
    assert _cli("start-page", page).returncode == 0
    assert page.read_text(encoding="utf-8") == text


def test_hours_are_rounded_to_the_nearest_half_hour():
    assert [lt._hours(m) for m in (10, 60, 75, 100, 390)] == [
        "about 0.5 hours", "about 1 hour", "about 1.5 hours", "about 1.5 hours", "about 6.5 hours"]
