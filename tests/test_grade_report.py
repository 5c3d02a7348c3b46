"""Instructor report (course.grader.report): statistics by hand, then end to end in a temp course.

The end-to-end fixture grades one lesson (01-nervous-system/01-hrv-basics) for
four learners who submitted (correct, half-done, untouched, notebook missing)
plus one on the roster who never submitted, and also checks what nbgrader's
feedback HTML shows for a failed visible test. The submitted notebooks of two
learners carry cell-run timestamps with known gaps, for the time-on-task section.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import math
import re
import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest

from course.grader import report as gr
from course.grader import nbgrader_api as grading
from course.paths import MODULES_DIR

# ---------------------------------------------------------------------------
# Pure statistics on hand-made tables
# ---------------------------------------------------------------------------

# Learners A-D, exercises a (max 1), b (max 2), c (max 2).
HAND = pd.DataFrame({"a": [1.0, 1.0, 0.0, 0.0], "b": [2.0, 1.0, 1.0, 0.0], "c": [2.0, 0.0, 1.0, 0.0]},
                    index=list("ABCD"))
HAND_MAX = {"a": 1.0, "b": 2.0, "c": 2.0}


def test_difficulty_is_mean_over_max():
    d = gr.difficulty(HAND, HAND_MAX)
    assert d["a"] == pytest.approx(0.5)          # (1 + 1 + 0 + 0) / 4 / 1
    assert d["b"] == pytest.approx(0.5)          # (2 + 1 + 1 + 0) / 4 / 2
    assert d["c"] == pytest.approx(0.375)        # (2 + 0 + 1 + 0) / 4 / 2


def test_difficulty_skips_ungraded_and_is_nan_without_scores():
    scores = pd.DataFrame({"w": [3.0, np.nan, 0.0], "v": [np.nan] * 3})
    d = gr.difficulty(scores, {"w": 3.0, "v": 3.0})
    assert d["w"] == pytest.approx(0.5)          # (3 + 0) / 2 learners scored / 3
    assert math.isnan(d["v"])


def test_item_rest_correlation_by_hand():
    # Exercise a: x = [1, 1, 0, 0]; totals [5, 2, 2, 0], so rest = [4, 1, 2, 0].
    # Deviations: dx = [.5, .5, -.5, -.5], dr = [2.25, -.75, .25, -1.75];
    # sum(dx*dr) = 1.5, sum(dx^2) = 1, sum(dr^2) = 8.75  ->  r = 1.5 / sqrt(8.75).
    total = HAND.sum(axis=1)
    assert total.tolist() == [5.0, 2.0, 2.0, 0.0]
    r = gr.item_rest_correlation(HAND["a"], total)
    assert r == pytest.approx(1.5 / math.sqrt(8.75))
    assert r == pytest.approx(0.507093, abs=1e-6)


def test_item_rest_correlation_matches_pandas():
    rng = np.random.default_rng(7)
    scores = pd.DataFrame(rng.integers(0, 3, size=(25, 5)).astype(float), columns=list("pqrst"))
    scores.iloc[3, 2] = np.nan
    total = gr.totals(scores)
    disc = gr.discrimination(scores)
    for item in scores.columns:
        expected = scores[item].corr(total - scores[item])  # pandas drops the NaN pair
        assert disc[item] == pytest.approx(expected), item
        assert gr.item_rest_correlation(scores[item], total) == pytest.approx(expected)


@pytest.mark.parametrize("item,total", [
    ([1.0, 1.0, 1.0], [3.0, 2.0, 1.0]),      # everybody got the exercise: no variance
    ([1.0, 0.0, 1.0], [3.0, 2.0, 3.0]),      # the rest is the same for everybody
    ([1.0, np.nan, np.nan], [3.0, 2.0, 1.0]),  # one learner scored
    ([1.0, 0.0, np.nan], [3.0, 1.0, 1.0]),     # two learners: r would always be +1 or -1
    ([0.1, 0.2, 0.3], [0.3, 0.4, 0.5]),       # rest 0.2 for all, up to rounding
])
def test_item_rest_correlation_not_computable(item, total):
    assert math.isnan(gr.item_rest_correlation(item, total))


def test_totals_and_percent_count_missing_as_zero():
    scores = pd.DataFrame({"x": [1.0, np.nan], "y": [2.0, 3.0]}, index=["p", "q"])
    assert gr.totals(scores).tolist() == [3.0, 3.0]
    assert gr.total_percent(scores, 6.0).tolist() == [50.0, 50.0]


def test_exercise_score_follows_nbgrader():
    assert gr.exercise_score(1.0, None) == 1.0
    assert gr.exercise_score(0.0, 2.5) == 2.5            # manual score wins
    assert gr.exercise_score(1.0, None, 0.5) == 1.5      # extra credit added
    assert math.isnan(gr.exercise_score(None, None))     # waiting for manual grading


def test_follow_up_rules():
    ok = dict(submitted=True, percent=80.0, threshold=50.0)
    assert gr.follow_up_reasons(**ok) == []
    assert gr.follow_up_reasons(**{**ok, "percent": 50.0}) == []          # "below" is strict
    assert gr.follow_up_reasons(**{**ok, "percent": 49.9}) == ["Total 49.9 % is below 50 %."]
    assert gr.follow_up_reasons(submitted=False, percent=None, threshold=50.0) == ["No submission."]
    reasons = gr.follow_up_reasons(**ok, not_attempted=["Exercise 3: pNN50"])
    assert reasons == ["Not answered yet: Exercise 3: pNN50."]
    reasons = gr.follow_up_reasons(submitted=True, percent=None, threshold=50.0, missing_notebooks=["a.ipynb"])
    assert len(reasons) == 1 and "a.ipynb" in reasons[0]


@pytest.mark.parametrize("output,kind,reason", [
    ({"ename": "CheckFailed", "evalue": "`f(1)` gave 2.\nHint: x", "traceback": ["Not yet: `f(1)` gave 2."]},
     "failed check", "`f(1)` gave 2."),
    ({"ename": "AssertionError", "evalue": "", "traceback": ["\x1b[0;31mAssertionError\x1b[0m"]},
     "failed check", "AssertionError"),
    ({"ename": "NotAttempted", "evalue": "You have not written `f` yet.\nHint: y",
      "traceback": ["Not answered yet: You have not written `f` yet."]},
     "not attempted", "You have not written `f` yet."),
    ({"ename": "CellTimeoutError", "evalue": "",
      "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"]},
     "grading error", "Stopped at the time limit (120 s per cell): probably an endless loop or a very slow answer."),
    ({"ename": "KeyboardInterrupt", "evalue": "", "traceback": []}, "grading error", "Interrupted"),
    ({"ename": "DeadKernelError", "evalue": "Kernel died", "traceback": []}, "grading error", "kernel died"),
    ({"ename": "NameError", "evalue": "name 'rmssd' is not defined", "traceback": ["..."]},
     "grading error", "NameError: name 'rmssd' is not defined"),
])
def test_classify_error(output, kind, reason):
    got_kind, got_reason = gr.classify_error({"output_type": "error", **output}, timeout=120)
    assert got_kind == kind
    assert reason in got_reason and "\n" not in got_reason


def _graded_nb(test_outputs, reflection="YOUR ANSWER HERE"):
    nb = nbformat.v4.new_notebook()
    for i, outputs in enumerate(test_outputs):
        cell = nbformat.v4.new_code_cell("check()", outputs=[nbformat.v4.new_output("error", **o) for o in outputs])
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": f"t{i}", "points": 1}
        nb.cells.append(cell)
    cell = nbformat.v4.new_markdown_cell(reflection)
    cell.metadata["nbgrader"] = {"grade": True, "solution": True, "grade_id": "essay", "points": 3}
    nb.cells.append(cell)
    return nb


def test_read_outcome_sorts_errors():
    nb = _graded_nb([
        [],                                                                             # passed
        [{"ename": "CheckFailed", "evalue": "wrong", "traceback": ["Not yet: wrong"]}],  # failed check
        [{"ename": "NotAttempted", "evalue": "stub", "traceback": ["Not answered yet: stub"]}],
        # what nbgrader 0.9 records for a test cell that hit the time limit (seen with a learner's endless loop)
        [{"ename": "KeyboardInterrupt", "evalue": "", "traceback": [
            "\x1b[31mKeyboardInterrupt\x1b[39m                         Traceback (most recent call last)"]},
         {"ename": "CellTimeoutError", "evalue": "",
          "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"]}],
    ])
    outcome = gr.read_outcome(nb, timeout=120)
    assert outcome.not_attempted == ["t2", "essay"]
    assert outcome.problems == [("t3", "Stopped at the time limit (120 s per cell): probably an endless loop "
                                       "or a very slow answer.")]
    assert gr.read_outcome(_graded_nb([], reflection="My answer.")).not_attempted == []


def test_missing_notebook_reason(tmp_path):
    target = tmp_path / "learner" / "01-x" / "lesson.ipynb"
    assert "folder is missing" in gr.missing_notebook_reason(target)
    target.parent.mkdir(parents=True)
    (target.parent / "lesson (1).ipynb").write_text("{}")
    assert "lesson (1).ipynb" in gr.missing_notebook_reason(target)
    target.write_text("{}")
    assert "did not finish" in gr.missing_notebook_reason(target)


# ---------------------------------------------------------------------------
# End to end: a temp course with one lesson and five learners
# ---------------------------------------------------------------------------

ASSIGNMENT = "01-nervous-system"
LESSON = "01-hrv-basics"
EX = {  # grade ids in this lesson: answer cell -> test cell
    "ex1": ("ex1-mean-heart-rate-answer", "ex1-mean-heart-rate-tests"),
    "ex2": ("ex2-rmssd-answer", "ex2-rmssd-tests"),
    "ex3": ("ex3-pnn50-answer", "ex3-pnn50-tests"),
}
REFLECTION = "reflection-hrv-limits"
# Half-done: exercise 1 right, exercise 2 wrong (SD of the differences instead of RMS), exercise 3 untouched,
# reflection written but not yet graded by hand.
WRONG_RMSSD = "def rmssd(nn_ms):\n    return float(np.std(np.diff(nn_ms)))\n"
ROSTER = {  # id -> (first, last, email); non-ASCII names check the CSV's encoding
    "correct": ("Bjørg", "Ås", "bjorg@example.org"),
    "half": ("Ola", "Nordmann", "ola@example.org"),
    "untouched": ("Kari", "Øvrebø", "kari@example.org"),
    "lost": ("Per", "Lund", "per@example.org"),
    "absent": ("Siri", "Hagen", "siri@example.org"),
}
# Time on task: the copied lesson states 40 minutes; cells run at these minutes (each run lasts half a minute).
STATED_LINE = "**Time:** about 40 minutes: 15 of reading and demos, 25 of exercises."
RUNS = {
    "correct": [0, 6, 12, 18, 24, 30, 35.5],                     # one stretch: 36.0 active minutes
    # 45.5 min, then 59.5 min away (over the 10-minute cut-off), then 105 -> 143.5: 38.5 min; 84.0 in all.
    "half": [0, 9, 18, 27, 36, 45, 105, 114, 123, 132, 138, 143],
}
T0 = _dt.datetime(2025, 3, 4, 9, 0, tzinfo=_dt.timezone.utc)


def _with_timing(nb, runs, mangled=False):
    """A copy of ``nb`` whose first code cells carry JupyterLab's execution timestamps for ``runs``."""
    nb = nbformat.from_dict(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= len(runs)

    def iso(minutes):
        return (T0 + _dt.timedelta(minutes=minutes)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for cell, start in zip(code, runs):
        cell.metadata["execution"] = {"iopub.execute_input": iso(start), "iopub.status.busy": iso(start),
                                      "iopub.status.idle": iso(start + 0.5), "shell.execute_reply": iso(start + 0.5)}
    if mangled:
        code[0].metadata["execution"]["shell.execute_reply.started"] = "not a time"
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Temp course graded for the roster; returns ``(root, config)`` after the CLI has written the report."""
    from nbgrader.api import Gradebook

    base = tmp_path_factory.mktemp("grade-report")
    modules = base / "modules" / ASSIGNMENT
    modules.mkdir(parents=True)
    lesson = nbformat.read(MODULES_DIR / ASSIGNMENT / f"{LESSON}.ipynb", as_version=4)
    title = next(c for c in lesson.cells if "**Time:**" in c.source)
    title.source = re.sub(r"^\*\*Time:\*\*.*$", STATED_LINE, title.source, count=1, flags=re.M)
    nbformat.write(lesson, modules / f"{LESSON}.ipynb")
    root = base / "course-root"
    config = grading.make_course(root, modules.parent)
    release = grading.generate(config, ASSIGNMENT)

    with Gradebook(config.CourseDirectory.db_url, course_id=config.CourseDirectory.course_id) as gb:
        for sid, (first, last, email) in ROSTER.items():
            gb.update_or_create_student(sid, first_name=first, last_name=last, email=email)

    source = nbformat.read(modules / f"{LESSON}.ipynb", as_version=4)
    student = nbformat.read(release / f"{LESSON}.ipynb", as_version=4)
    half = grading.fill_answers(student, source, {EX["ex1"][0], EX["ex2"][0], REFLECTION})
    next(c for c in half.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EX["ex2"][0]).source = WRONG_RMSSD
    submissions = {"correct": (LESSON, _with_timing(grading.fill_answers(student, source), RUNS["correct"])),
                   "half": (LESSON, _with_timing(half, RUNS["half"], mangled=True)),
                   "untouched": (LESSON, student),
                   "lost": (f"{LESSON} (1)", student)}  # saved under another name: the lesson is missing
    submitted = root / "grading" / "submitted"
    api = grading.api(config)
    for sid, (name, nb) in submissions.items():
        folder = submitted / sid / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
        result = api.autograde(ASSIGNMENT, sid)
        assert result["success"] == (sid != "lost"), result.get("log")

    with Gradebook(config.CourseDirectory.db_url, course_id=config.CourseDirectory.course_id) as gb:
        gb.find_grade(REFLECTION, LESSON, ASSIGNMENT, "correct").manual_score = 3.0
        gb.db.commit()
    result = api.generate_feedback(ASSIGNMENT, "half")
    assert result["success"], result.get("log")

    with contextlib.chdir(root):
        assert gr.main([ASSIGNMENT]) == 0
    return root, config


# Scores of the learners with graded work (rows) per exercise, as they should come out.
EXPECTED = pd.DataFrame({"ex1": [1.0, 1.0, 0.0], "ex2": [2.0, 0.0, 0.0], "ex3": [2.0, 0.0, 0.0],
                         "reflection": [3.0, np.nan, 0.0]}, index=["correct", "half", "untouched"])


def test_report_numbers(course):
    root, config = course
    data = gr.collect(config, ASSIGNMENT)
    keys = [f"{LESSON}/{EX[k][1]}" for k in ("ex1", "ex2", "ex3")] + [f"{LESSON}/{REFLECTION}"]
    assert [e.key for e in data.exercises] == keys
    assert [e.kind for e in data.exercises] == ["autograded"] * 3 + ["manual"]
    assert data.max_score == 8.0
    got = data.scores.loc[EXPECTED.index, keys]
    np.testing.assert_allclose(got.to_numpy(), EXPECTED.to_numpy())

    items = gr.exercise_table(data)
    np.testing.assert_allclose(items["difficulty"], [2 / 3, 1 / 3, 1 / 3, 0.5])
    assert items["n_scored"].tolist() == [3, 3, 3, 2]
    total = EXPECTED.fillna(0).sum(axis=1)
    assert total.tolist() == [8.0, 1.0, 0.0]
    expected_r = [EXPECTED[c].corr(total - EXPECTED[c]) for c in EXPECTED.columns]
    np.testing.assert_allclose(items["item_rest_r"].iloc[:3], expected_r[:3])
    assert math.isnan(items["item_rest_r"].iloc[3])  # reflection: only two learners have a score yet
    # exercise 1 by hand: x = [1, 1, 0], rest = [7, 0, 0]: sum(dx*dr) = 7/3, sum(dx^2) = 2/3, sum(dr^2) = 98/3
    assert items["item_rest_r"].iloc[0] == pytest.approx((7 / 3) / math.sqrt(2 / 3 * 98 / 3))

    page = (root / "grading" / "reports" / ASSIGNMENT / "report.html").read_text(encoding="utf-8")
    row = re.search(r"<tr><td>Exercise 2: RMSSD</td>.*?</tr>", page).group(0)
    assert f">{expected_r[1]:.2f}<" in row and ">0.33<" in row
    assert "1 written answer(s) still await manual grading" in page
    assert re.search(r"<tr><td>Reflection</td>.*?>not computable</td></tr>", page)


def test_report_is_self_contained_with_alt_text(course):
    root, _ = course
    page = (root / "grading" / "reports" / ASSIGNMENT / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]{20,})"', page)
    assert len(images) == 2 == page.count("<img ")
    assert "Histogram of the total score of 3 learners" in images[0]
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_follow_up_and_failed_to_grade(course):
    _, config = course
    data = gr.collect(config, ASSIGNMENT)
    follow = gr.follow_up_table(data, 50.0).set_index("student_id")
    assert set(follow.index) == {"half", "untouched", "lost", "absent"}
    half = " ".join(follow.loc["half", "reasons"])
    assert "Total 12.5 % is below 50 %" in half
    assert "Exercise 3: pNN50" in half and "Exercise 2" not in half and "Reflection" not in half
    untouched = " ".join(follow.loc["untouched", "reasons"])
    assert all(x in untouched for x in ("Exercise 1", "Exercise 2", "Exercise 3", "Reflection"))
    assert follow.loc["absent", "reasons"] == ["No submission."]
    assert "Not graded" in follow.loc["lost", "reasons"][0]
    assert gr.follow_up_table(data, 10.0).student_id.tolist().count("half") == 1  # still: exercise 3 not answered
    assert [(sid, where) for sid, where, _ in data.problems] == [("lost", f"{LESSON}.ipynb")]
    assert f"{LESSON} (1).ipynb" in data.problems[0][2]


def test_lms_csv(course):
    root, _ = course
    path = root / "grading" / "reports" / ASSIGNMENT / "lms.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == gr.CSV_COLUMNS
    by_id = {r["student_id"]: r for r in rows}
    assert set(by_id) == set(ROSTER)
    assert by_id["correct"]["last_name"] == "Ås" and by_id["untouched"]["last_name"] == "Øvrebø"
    expected = {"correct": ("8.0", "100.0", "graded"), "half": ("1.0", "12.5", "awaiting manual grading"),
                "untouched": ("0.0", "0.0", "graded"), "lost": ("0.0", "0.0", "missing"),
                "absent": ("0.0", "0.0", "missing")}
    for sid, (score, percent, status) in expected.items():
        assert (by_id[sid]["score"], by_id[sid]["max_score"], by_id[sid]["percent"], by_id[sid]["status"]) == \
            (score, "8.0", percent, status), sid
        assert by_id[sid]["email"] == ROSTER[sid][2]


def test_cli_errors_are_one_sentence(course, tmp_path, capsys):
    root, _ = course
    run = subprocess.run([sys.executable, "-m", "course.grader.report", "99-no-such"], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "no assignment called '99-no-such'" in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1

    empty = tmp_path / "empty"
    config = grading.make_course(empty, root / "modules")
    with contextlib.chdir(empty):
        assert gr.main([ASSIGNMENT]) == 1                  # no gradebook at all
        assert not (empty / "grading" / "gradebook.db").exists()
        grading.generate(config, ASSIGNMENT)               # a gradebook, but nothing submitted
        assert gr.main([ASSIGNMENT]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no gradebook yet" in err[0] and "no submissions" in err[1]


def test_feedback_html_shows_the_hint_of_the_failed_exercise(course):
    """nbgrader's feedback shows the output of the failed visible check: one line plus the hint, no traceback."""
    root, _ = course
    source = nbformat.read(root / "modules" / ASSIGNMENT / f"{LESSON}.ipynb", as_version=4)
    tests = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == EX["ex2"][1])
    hint = re.search(r'hint=(?:tr\()?"([^"]+)"', tests).group(1)   # the first visible check's hint
    page = (root / "grading" / "feedback" / "half" / ASSIGNMENT / f"{LESSON}.html").read_text(encoding="utf-8")
    # The source of the test cell also holds the hint (as hint="..."); the output holds "Hint: ...".
    errors = re.findall(r'<div class="output_subarea output_text output_error">\s*<pre>(.*?)</pre>', page, re.S)
    shown = next((e for e in errors if f"Hint: {hint}" in e), None)
    assert shown, f"the hint is not in any error output of the feedback: {errors}"
    assert re.match(r"\s*Not yet: `rmssd\(\[800, 810, 790\]\)` gave 15 ms", shown)
    assert not any("Traceback" in e or "File \"" in e for e in errors)


def test_feedback_html_does_not_reveal_hidden_tests(course):
    """nbgrader_config.py clears hidden tests from feedback (nbgrader's default shows them)."""
    root, _ = course
    page = (root / "grading" / "feedback" / "half" / ASSIGNMENT / f"{LESSON}.html").read_text(encoding="utf-8")
    # Code is syntax-highlighted, so look for single names rather than whole calls.
    assert "HIDDEN TESTS" not in page
    assert "check_against" not in page and "check_own_work" not in page
    assert "check_value" in page  # the visible checks are still shown


def test_time_on_task_from_the_submitted_notebooks(course):
    root, config = course
    data = gr.collect(config, ASSIGNMENT)
    assert len(data.timing) == 1
    lesson = data.timing[0]
    # Submitted files of this lesson: correct, half, untouched ("lost" saved it under another name).
    # Active minutes 36.0 and 84.0: median 60.0, q1 = 36 + 0.25 x 48 = 48.0, q3 = 72.0; 60 > 1.25 x 40 = 50.
    assert (lesson.lesson, lesson.stated, lesson.submissions, lesson.with_timing, lesson.skipped) == \
        (LESSON, 40, 3, 2, 1)
    assert (lesson.median, lesson.q1, lesson.q3) == (pytest.approx(60.0), pytest.approx(48.0), pytest.approx(72.0))
    assert lesson.over_stated is True
    # The autograded copies were re-run by nbgrader: their timestamps are the grader's, not the learner's.
    graded = nbformat.read(root / "grading" / "autograded" / "correct" / ASSIGNMENT / f"{LESSON}.ipynb", as_version=4)
    assert gr.timing.notebook_timing(graded).minutes < 5  # seconds of grading, not the learner's 36 minutes

    page = (root / "grading" / "reports" / ASSIGNMENT / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Time on task</h2>", 1)[1].split("<h2>", 1)[0]
    assert "every gap longer than 10 minutes" in section
    assert "reading before the first run" in section and "after the last one" in section
    row = re.search(rf"<tr><td>{LESSON}</td>.*?</tr>", section).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[:6] == [LESSON, "40", "2 of 3", "60.0", "48.0 to 72.0", "1"]
    assert cells[6].startswith("Longer than stated: the median is 50 % above the stated time")
