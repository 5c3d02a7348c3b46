"""``python -m course.grader.parallel`` gives exactly what stock ``nbgrader autograde`` gives.

Two identical throw-away courses (one short lesson) receive the same six
submissions: correct, half-done, untouched, and one that is not valid JSON.
One course is graded by stock nbgrader, the other by the parallel command with
two workers; scores, gradebook rows and the executed test cells must match,
the mangled submission must fail alone, and grading again changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.grader import gradebook, nbgrader_api as grading, parallel as pa
from course.paths import MODULES_DIR

ASSIGNMENT = "01-nervous-system"
LESSON = "01-hrv-basics.ipynb"
NOTEBOOK = LESSON[:-len(".ipynb")]


def _answer_ids(source):
    return [c.metadata["nbgrader"]["grade_id"] for c in source.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def _submissions(source, student):
    """learner -> notebook text (or raw bytes for the mangled one), plus a timestamp or None."""
    ids = _answer_ids(source)
    assert len(ids) >= 2
    fill = lambda which: nbformat.writes(grading.fill_answers(student, source, which))  # noqa: E731
    return {
        "ana": (fill(None), "2025-03-01 10:00:00.000000 UTC"),
        "bo": (fill(None), None),
        "cy": (fill({ids[0]}), "2025-03-02 09:30:00.000000 UTC"),
        "di": (fill(set(ids[1:])), None),
        "ed": (fill(set()), None),
        "fay": ('{"cells": [ {"cell_type": "code", "source": "x = ', None),  # truncated upload
    }


def _make(root: Path, modules: Path):
    config = grading.make_course(root, modules)
    grading.generate(config, ASSIGNMENT)
    return config


def _submit(config, submissions):
    cd = config.CourseDirectory
    for learner, (text, timestamp) in submissions.items():
        folder = Path(cd.root) / cd.submitted_directory / learner / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / LESSON).write_text(text, encoding="utf-8")
        if timestamp:
            (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")


def _dump(db_url):
    """Every gradebook field a grader sees, keyed by names (database ids are random)."""
    out = {}
    with Gradebook(db_url) as gb:
        out["students"] = sorted(s.id for s in gb.students)
        for sub in gb.find_assignment(ASSIGNMENT).submissions:
            out[sub.student.id] = {
                "timestamp": sub.timestamp, "score": sub.score, "max_score": sub.max_score,
                "needs_manual_grade": sub.needs_manual_grade,
                "notebooks": {nb.name: {
                    "late": nb.late_submission_penalty, "flagged": nb.flagged,
                    "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                               for g in nb.grades},
                    "comments": {c.name: (c.auto_comment, c.manual_comment) for c in nb.comments},
                } for nb in sub.notebooks},
            }
    return out


def _merged(outputs):
    """Outputs as displayed: consecutive prints to one stream joined (the kernel may send
    ``"text"`` and ``"\\n"`` as one message or two, depending on timing, in any run)."""
    merged = []
    for out in outputs:
        if out.output_type == "stream" and merged and merged[-1].get("output_type") == "stream" \
                and merged[-1]["name"] == out.name:
            merged[-1]["text"] += out.text
        else:
            merged.append(dict(out))
    return merged


def _test_outputs(config, learner):
    cd = config.CourseDirectory
    path = Path(cd.root) / cd.autograded_directory / learner / ASSIGNMENT / LESSON
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: (c.source, c.get("execution_count"), _merged(c.outputs))
            for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}


def one_lesson_modules(base: Path) -> Path:
    """``base/modules/<ASSIGNMENT>/`` holding LESSON only (a small assignment for grading tests)."""
    modules = base / "modules" / ASSIGNMENT
    modules.mkdir(parents=True)
    shutil.copy2(MODULES_DIR / ASSIGNMENT / LESSON, modules / LESSON)
    return modules


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("parallel")
    modules = one_lesson_modules(base)
    source = nbformat.read(modules / LESSON, as_version=4)

    stock = _make(base / "stock", base / "modules")
    parallel = _make(base / "parallel", base / "modules")
    student = nbformat.read(grading.release_dir(stock, ASSIGNMENT) / LESSON, as_version=4)
    submissions = _submissions(source, student)
    for config in (stock, parallel):
        _submit(config, submissions)

    result = grading.api(stock).autograde(ASSIGNMENT, "*", force=False)  # what `nbgrader autograde` runs
    assert not result["success"]  # the mangled submission makes stock nbgrader report failure
    results = pa.parallel_autograde(parallel, ASSIGNMENT, workers=2)
    return {"stock": stock, "parallel": parallel, "results": results, "source": source,
            "learners": sorted(submissions)}


def test_every_learner_reported_and_only_the_mangled_one_failed(graded):
    status = {r.student: r for r in graded["results"]}
    assert sorted(status) == graded["learners"]
    assert status["fay"].status == "failed"
    assert "JSON" in status["fay"].message, status["fay"].message
    assert {s for s, r in status.items() if r.status == "graded"} == set(graded["learners"]) - {"fay"}


def test_scores_and_gradebook_rows_identical_to_stock(graded):
    stock = _dump(graded["stock"].CourseDirectory.db_url)
    mine = _dump(graded["parallel"].CourseDirectory.db_url)
    # One deliberate difference: nothing in fay's submission can be read, so the course's command
    # records 0 for each exercise (as nbgrader does for a missing notebook); stock nbgrader leaves blanks.
    fay = mine["fay"]["notebooks"][NOTEBOOK]["grades"]
    assert all(auto == 0 and not needs for auto, _manual, _extra, needs in fay.values()), fay
    assert all(auto is None for auto, *_rest in stock["fay"]["notebooks"][NOTEBOOK]["grades"].values())
    for dump in (mine, stock):
        dump["fay"]["notebooks"][NOTEBOOK]["grades"] = {}
        dump["fay"]["score"] = dump["fay"]["needs_manual_grade"] = None
    assert mine == stock
    # nbgrader records a submission even for the learner whose notebook it cannot read
    assert set(stock) - {"students"} == set(graded["learners"])
    full = grading.autograded_points(graded["source"])
    assert stock["ana"]["score"] == stock["bo"]["score"] == pytest.approx(full)
    assert stock["ed"]["score"] == 0
    assert 0 < stock["cy"]["score"] < full and 0 < stock["di"]["score"] < full
    assert stock["ana"]["timestamp"] is not None and stock["bo"]["timestamp"] is None
    for learner in graded["learners"]:  # per-cell auto scores
        for name, nb in stock[learner]["notebooks"].items():
            for grade_id, cell in nb["grades"].items():
                assert mine[learner]["notebooks"][name]["grades"][grade_id][0] == cell[0], (learner, grade_id)


def test_autograded_test_cells_identical_to_stock(graded):
    for learner in graded["learners"]:
        cds = [c.CourseDirectory for c in (graded["stock"], graded["parallel"])]
        folders = [Path(cd.root) / cd.autograded_directory / learner / ASSIGNMENT for cd in cds]
        if learner == "fay":
            assert not any(f.exists() for f in folders)  # nbgrader removes a failed learner's folder
            continue
        assert _test_outputs(graded["parallel"], learner) == _test_outputs(graded["stock"], learner), learner
        assert sorted(p.name for p in folders[1].iterdir()) == sorted(p.name for p in folders[0].iterdir())


def test_row_copy_snapshot_matches_the_database(graded, tmp_path):
    """The path used for PostgreSQL gradebooks, exercised on SQLite."""
    url = graded["stock"].CourseDirectory.db_url
    gradebook.snapshot(url, tmp_path / "copy.db", "clinician-course", row_copy=True)
    assert _dump(f"sqlite:///{tmp_path / 'copy.db'}") == _dump(url)


def test_grading_again_is_idempotent(graded, monkeypatch, capsys):
    config = graded["parallel"]
    before = _dump(config.CourseDirectory.db_url)
    outputs = {s: _test_outputs(config, s) for s in graded["learners"] if s != "fay"}

    monkeypatch.chdir(config.CourseDirectory.root)  # the command line, as an instructor runs it
    assert pa.main([ASSIGNMENT, "--workers", "2"]) == 1  # the mangled one still fails
    printed = capsys.readouterr().out
    assert "FAILED   fay" in printed and "5 skipped, 1 failed" in printed
    assert _dump(config.CourseDirectory.db_url) == before

    results = pa.parallel_autograde(config, ASSIGNMENT, workers=2, force=True)
    assert {r.student: r.status for r in results} == {s: ("failed" if s == "fay" else "graded")
                                                      for s in graded["learners"]}
    assert _dump(config.CourseDirectory.db_url) == before
    assert {s: _test_outputs(config, s) for s in outputs} == outputs


def test_selected_learners_only(graded):
    config = graded["parallel"]
    before = _dump(config.CourseDirectory.db_url)
    results = pa.parallel_autograde(config, ASSIGNMENT, students=["cy", "nobody"], workers=1, force=True)
    assert [(r.student, r.status) for r in results] == [("cy", "graded"), ("nobody", "failed")]
    assert "No notebooks were matched" in results[1].message
    after = _dump(config.CourseDirectory.db_url)
    assert after == before and "nobody" not in after["students"]


def test_a_failed_gradebook_write_loses_no_other_learner(graded, monkeypatch):
    """One learner's write fails inside a batch: the batch is written learner by learner, only that one fails."""
    config = graded["parallel"]
    before = _dump(config.CourseDirectory.db_url)
    with Gradebook(config.CourseDirectory.db_url) as gb:  # blank both: only a real write brings scores back
        for learner in ("cy", "di"):
            for nb in gb.find_submission(ASSIGNMENT, learner).notebooks:
                for g in nb.grades:
                    g.auto_score = None
        gb.db.commit()
    real_write = gradebook.write_state

    def failing_for_cy(gb, assignment, student, state, commit=True):
        real_write(gb, assignment, student, state, commit)
        if student == "cy":
            raise RuntimeError("disk full")

    monkeypatch.setattr(pa.gradebook, "write_state", failing_for_cy)
    monkeypatch.setattr(pa, "BATCH_SECONDS", 600.0)  # both learners in one batch, written at the end
    reported = []
    results = pa.parallel_autograde(config, ASSIGNMENT, students=["cy", "di"], workers=2, force=True,
                                    report=reported.append)
    status = {r.student: r for r in results}
    assert status["di"].status == "graded" and status["cy"].status == "failed"
    assert "gradebook write failed: RuntimeError: disk full" in status["cy"].message
    assert [r.status for r in reported if r.student == "cy"] == ["graded", "failed"]  # told as it finished, then
    after = _dump(config.CourseDirectory.db_url)
    assert after["di"] == before["di"]
    cy = after["cy"]["notebooks"][NOTEBOOK]["grades"]  # cy's staged write was rolled back, not committed
    assert cy and all(auto is None for auto, *_rest in cy.values()), cy
    cd = config.CourseDirectory
    assert not (Path(cd.root) / cd.autograded_directory / "cy" / ASSIGNMENT).exists()


def test_a_kernel_that_dies_before_the_first_cell_is_replaced(monkeypatch):
    """The likely cause of a rare 'failed' learner under load: two workers' kernels drew the same free port,
    one kernel died at start-up, and nbgrader failed the whole notebook. Now another kernel is started."""
    from course.grader.preprocessors import SandboxedExecute

    ex = SandboxedExecute()
    calls = []

    def run_once(nb, resources, km, fail_before_cell=1):
        calls.append(1)
        if len(calls) <= fail_before_cell:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(ex, "_run_once", run_once)
    ex._run_started(None, {}, None)
    assert len(calls) == 2

    def dies_in_a_cell(nb, resources, km):  # learner code ran: never run it again behind nbgrader's back
        calls.append(1)
        ex._current_index = 3
        raise RuntimeError("boom")

    calls.clear()
    monkeypatch.setattr(ex, "_run_once", dies_in_a_cell)
    with pytest.raises(RuntimeError):
        ex._run_started(None, {}, None)
    assert len(calls) == 1
    calls.clear()
    monkeypatch.setattr(ex, "_run_once", lambda *a: run_once(*a, fail_before_cell=99))
    with pytest.raises(RuntimeError):
        ex._run_started(None, {}, None)
    assert len(calls) == 1 + ex.kernel_start_retries


def test_a_batch_of_learners_is_one_commit(graded):
    """The parent's writes for a batch of learners already in the gradebook are one transaction."""
    config = graded["parallel"]
    before = _dump(config.CourseDirectory.db_url)
    with Gradebook(config.CourseDirectory.db_url) as gb:
        results = [pa.StudentResult(s, "graded", state=gradebook.read_state(gb, ASSIGNMENT, s)) for s in ("ana", "bo")]
        for nb in gb.find_submission(ASSIGNMENT, "bo").notebooks:
            for g in nb.grades:
                g.auto_score = None
        gb.db.commit()
        commits = []
        real_commit = gb.db.commit
        gb.db.commit = lambda: (commits.append(1), real_commit())
        writer = pa._BatchWriter(gb, ASSIGNMENT, size=2, seconds=600)
        for r in results:
            writer.add(r)
            assert writer.due() == (r.student == "bo")
        assert writer.flush() == []
        assert len(commits) == 1
    assert _dump(config.CourseDirectory.db_url) == before
