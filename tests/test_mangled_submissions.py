"""Broken, odd and hostile submissions graded in one batch with correct ones.

The corpus (``tests/mangled_submissions.py``) goes through
``course.grader.parallel`` with two workers, isolated (learner code as
unprivileged sandbox users) when the tests run as root, as in CI. For every
case: the batch completes, each learner gets the score their work deserves
(nothing for tampering), the instructor gets a one-line note, the gradebook
holds one consistent row set per learner, and grading again changes nothing.

A second test shows why isolation matters: the same attack, graded without
it, reads the hidden tests and zeroes another learner's grades.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.grader import cell_limit, nbgrader_api as grading, parallel as pa, report as grade_report, sandbox
from course.paths import MODULES_DIR

import mangled_submissions as corpus

ISOLATED = sandbox.can_isolate()
CELL_TIMEOUT = 15  # s per cell for the corpus, stored as the assignment's own limit (8 s cut off the
# correct setup cell of lesson 05, 4-5 s of imports, on a loaded 2-core machine)


@pytest.fixture(scope="module", autouse=True)
def _system_users_one_file_at_a_time(system_users_to_myself):
    """This file creates or uses the test system users: no other such file runs meanwhile (conftest.py)."""



def _course(root: Path):
    modules = root.parent / (root.name + "-modules") / corpus.ASSIGNMENT
    modules.mkdir(parents=True)
    for lesson in corpus.LESSONS:
        shutil.copy(MODULES_DIR / corpus.ASSIGNMENT / lesson, modules / lesson)
    config = grading.make_course(root, modules.parent)
    release = grading.generate(config, corpus.ASSIGNMENT)
    cell_limit.set_override(config, corpus.ASSIGNMENT, CELL_TIMEOUT)  # as `cell_limit set A 8` does
    return config, release


def _notebooks(folder: Path) -> dict:
    return {name[:-len(".ipynb")]: nbformat.read(folder / name, as_version=4) for name in corpus.LESSONS}


def _hand_in(config, cases):
    cd = config.CourseDirectory
    for case in cases:
        folder = Path(cd.root) / cd.submitted_directory / case.student / corpus.ASSIGNMENT
        folder.mkdir(parents=True)
        for name, content in case.files.items():
            if isinstance(content, bytes):
                (folder / name).write_bytes(content)
            else:
                (folder / name).write_text(content, encoding="utf-8")


def _dump(config):
    """Every gradebook field of every submission, keyed by names."""
    out = {}
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for sub in gb.find_assignment(corpus.ASSIGNMENT).submissions:
            out[sub.student.id] = {nb.name: {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                                             for g in nb.grades} for nb in sub.notebooks}
    return out


def _code_scores(config):
    with Gradebook(config.CourseDirectory.db_url) as gb:
        return {sub.student.id: {nb.name: nb.code_score for nb in sub.notebooks}
                for sub in gb.find_assignment(corpus.ASSIGNMENT).submissions}


def _sandbox_processes() -> list[int]:
    import pwd

    uids = {u.pw_uid for u in pwd.getpwall() if u.pw_name.startswith(sandbox.SANDBOX_USER_PREFIX + "-")}
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and _owner(p) in uids]


def _owner(pid: str):
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except FileNotFoundError:
        return None


@pytest.fixture(scope="module")
def graded_corpus():
    # A course folder other users can enter, like a real one in /srv or /home: isolation must close it itself.
    root = Path(tempfile.mkdtemp(prefix="course-corpus-")) / "course"
    os.chmod(root.parent, 0o755)
    try:
        config, release_dir = _course(root)
        release = _notebooks(release_dir)
        source = _notebooks(MODULES_DIR / corpus.ASSIGNMENT)
        cd = config.CourseDirectory
        paths = {"gradebook_dir": str(Path(cd.root) / "grading"),
                 "source": str(Path(cd.root) / "modules" / corpus.ASSIGNMENT / corpus.LESSONS[0])}
        cases = corpus.build(release, source, paths)
        if not ISOLATED:
            cases = [c for c in cases if c.student != "attacker"]
        _hand_in(config, cases)
        said = []
        results = pa.parallel_autograde(config, corpus.ASSIGNMENT, workers=2, isolate=ISOLATED, say=said.append)
        yield {"config": config, "cases": cases, "results": {r.student: r for r in results}, "said": said,
               "root": root}
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def test_every_learner_gets_the_score_their_work_deserves(graded_corpus):
    scores = _code_scores(graded_corpus["config"])
    wrong = {}
    for case in graded_corpus["cases"]:
        got = scores.get(case.student)
        if got != case.expected:
            wrong[case.student] = (case.what, "expected", case.expected, "got", got)
    assert not wrong, wrong


def test_the_batch_completes_and_only_the_unreadable_submission_fails(graded_corpus):
    results = graded_corpus["results"]
    assert set(results) == {c.student for c in graded_corpus["cases"]}
    failed = sorted(s for s, r in results.items() if r.status == "failed")
    assert failed == ["all-broken"], {s: results[s].message for s in failed}
    assert "not valid JSON" in results["all-broken"].message


def test_each_case_has_a_one_line_reason_and_tampering_is_flagged(graded_corpus):
    results = graded_corpus["results"]
    for case in graded_corpus["cases"]:
        r = results[case.student]
        lines = [n.message for n in r.notes] + ([r.message] if r.message else [])
        assert all("\n" not in line and len(line) < 400 for line in lines), lines
        if case.reason:
            assert any(case.reason.lower() in line.lower() for line in lines), (case.student, case.reason, lines)
        flagged = [n for n in r.notes if n.tampering]
        assert bool(flagged) == case.tampering, (case.student, r.notes)
    for clean in ("ok-ana", "ok-bo", "partial", "untouched"):
        assert results[clean].notes == [], results[clean].notes


def test_endless_loops_stop_at_the_assignments_stored_limit(graded_corpus):
    """The limit stored with the release (not nbgrader_config.py's 120 s) is the one grading and the report use."""
    assert graded_corpus["config"].Execute.timeout == 120
    assert any(f"{CELL_TIMEOUT} s per cell, set by the instructor" in line for line in graded_corpus["said"])
    for student in ("loop", "loop-stubborn"):
        lines = [n.message for n in graded_corpus["results"][student].notes]
        assert any(f"ran past the time limit per cell ({CELL_TIMEOUT} s)" in line for line in lines), lines
    # A loop that Ctrl+C stops is interrupted in its kernel; one that swallows the interrupt costs a new kernel.
    loop = [n.message for n in graded_corpus["results"]["loop"].notes]
    stubborn = [n.message for n in graded_corpus["results"]["loop-stubborn"].notes]
    assert any("stopped there, the rest was graded" in line for line in loop), loop
    assert any("skipped, the rest was graded" in line for line in stubborn), stubborn


def test_the_instructor_report_lists_the_reasons(graded_corpus):
    data = grade_report.collect(graded_corpus["config"], corpus.ASSIGNMENT)
    by_student = {}
    for student, notebook, message, tampering in data.notes:
        by_student.setdefault(student, []).append((notebook, message, tampering))
    assert any(t for _nb, _m, t in by_student["patch-sneaky"])
    assert any("not valid JSON" in m for _nb, m, _t in by_student["bad-json"])
    assert any("graded as" in m for _nb, m, _t in by_student["renamed"])
    problems = {(s, w): r for s, w, r in data.problems}
    assert "not valid JSON" in problems[("bad-json", f"{corpus.L1}.ipynb")]
    follow = grade_report.follow_up_table(data, 60)
    reasons = dict(zip(follow.student_id, follow.reasons))
    assert any("tampering" in x for x in reasons["patch-helpers"])
    html = grade_report.render_html(data, 60)
    assert "Possible tampering" in html and "Autograding notes" in html


def test_feedback_on_a_skipped_cell_and_on_tampering_is_plain(graded_corpus):
    cd = graded_corpus["config"].CourseDirectory
    folder = Path(cd.root) / cd.autograded_directory
    killer = nbformat.read(folder / "killer" / corpus.ASSIGNMENT / corpus.LESSONS[0], as_version=4)
    texts = [o.get("evalue", "") for c in killer.cells if c.cell_type == "code" for o in c.outputs
             if o.get("output_type") == "error"]
    assert any("Grading skipped this cell" in t for t in texts), texts
    patched = nbformat.read(folder / "patch-helpers" / corpus.ASSIGNMENT / corpus.LESSONS[0], as_version=4)
    tests = [c for c in patched.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
             and not c.metadata["nbgrader"].get("solution")]
    assert tests and all(o.get("ename") == "NotGraded" for c in tests for o in c.outputs)
    # The grader's own integrity cell never reaches the learner's notebook.
    ok = nbformat.read(folder / "ok-ana" / corpus.ASSIGNMENT / corpus.LESSONS[0], as_version=4)
    assert not any("course's grader" in c.source for c in ok.cells)


def test_output_floods_are_cut(graded_corpus):
    cd = graded_corpus["config"].CourseDirectory
    path = Path(cd.root) / cd.autograded_directory / "flood" / corpus.ASSIGNMENT / corpus.LESSONS[0]
    assert path.stat().st_size < 2_000_000


@pytest.mark.skipif(not ISOLATED, reason="isolated grading needs root (CI runs as root)")
def test_learner_code_cannot_read_hidden_tests_or_rewrite_the_gradebook(graded_corpus):
    cd = graded_corpus["config"].CourseDirectory
    # The attacker's own cell was blocked with a permission error, and printed no hidden tests ...
    nb = nbformat.read(Path(cd.root) / cd.autograded_directory / "attacker" / corpus.ASSIGNMENT
                       / corpus.LESSONS[0], as_version=4)
    cell = next(c for c in nb.cells if "attack_helper" in c.source)
    printed = " ".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    errors = [o.get("ename") for o in cell.outputs if o.get("output_type") == "error"]
    assert errors == ["PermissionError"] and "HIDDEN" not in printed and "rewrote" not in printed
    # ... every grade is what it should be (test_every_learner_... checks all of them) ...
    assert _code_scores(graded_corpus["config"])["ok-ana"] == corpus.FULL
    # ... isolation closed the course's private folders itself, and no learner process outlived its grading.
    root = graded_corpus["root"]
    for name in ("grading", "modules"):
        assert not stat.S_IMODE(os.stat(root / name).st_mode) & 0o007, name
    assert any("private" in line for line in graded_corpus["said"])
    assert _sandbox_processes() == []


def test_grading_again_is_idempotent(graded_corpus):
    config = graded_corpus["config"]
    before = _dump(config)
    again = ["ok-ana", "killer", "bad-json", "renamed", "patch-sneaky", "all-broken", "no-test-cell"]
    results = pa.parallel_autograde(config, corpus.ASSIGNMENT, again, workers=2, force=True, isolate=ISOLATED,
                                    say=lambda _line: None)
    assert {r.student: r.status for r in results}["ok-ana"] == "graded"
    assert _dump(config) == before
    first = graded_corpus["results"]
    for r in results:
        assert [n.message for n in r.notes] == [n.message for n in first[r.student].notes], r.student
    skipped = pa.parallel_autograde(config, corpus.ASSIGNMENT, ["ok-bo", "loop"], workers=2, isolate=ISOLATED,
                                    say=lambda _line: None)
    assert [r.status for r in skipped] == ["skipped", "skipped"]
    assert _dump(config) == before


def test_without_isolation_the_attack_works(tmp_path):
    """Why the isolated path exists: graded with the grader's own rights, learner code reads the hidden
    tests and rewrites other learners' grades (here through nbgrader's own API, as ``nbgrader autograde``)."""
    config, release_dir = _course(tmp_path / "course")
    release = _notebooks(release_dir)
    source = _notebooks(MODULES_DIR / corpus.ASSIGNMENT)
    cd = config.CourseDirectory
    paths = {"gradebook_dir": str(Path(cd.root) / "grading"),
             "source": str(Path(cd.root) / "modules" / corpus.ASSIGNMENT / corpus.LESSONS[0])}
    cases = {c.student: c for c in corpus.build(release, source, paths)}
    _hand_in(config, [cases["ok-ana"], cases["attacker"]])
    api = grading.api(config)
    assert api.autograde(corpus.ASSIGNMENT, "ok-ana", force=True, create=True)["success"]
    assert _code_scores(config)["ok-ana"] == corpus.FULL
    assert api.autograde(corpus.ASSIGNMENT, "attacker", force=True, create=True)["success"]
    assert _code_scores(config)["ok-ana"] != corpus.FULL  # the victim's grades were rewritten
    nb = nbformat.read(Path(cd.root) / cd.autograded_directory / "attacker" / corpus.ASSIGNMENT
                       / corpus.LESSONS[0], as_version=4)
    cell = next(c for c in nb.cells if "attack_helper" in c.source)
    printed = " ".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    assert "HIDDEN" in printed and "rewrote" in printed


def test_learners_read_the_reason_in_their_feedback(graded_corpus):
    config = graded_corpus["config"]
    api = grading.api(config)
    cd = config.CourseDirectory
    for student, text in (("killer", "Grading skipped this cell"), ("patch-helpers", "changes how answers are checked")):
        result = api.generate_feedback(corpus.ASSIGNMENT, student, force=True)
        assert result["success"], result.get("log")
        html = (Path(cd.root) / cd.feedback_directory / student / corpus.ASSIGNMENT
                / corpus.LESSONS[0].replace(".ipynb", ".html")).read_text(encoding="utf-8")
        assert text in html, student
        assert "BEGIN HIDDEN TESTS" not in html
        if student == "killer":  # its test cell failed with a NameError: no traceback lines from the tests
            assert "check_against" not in html and "NameError: name 'pnn50' is not defined" in html


def test_the_gradebook_is_consistent(graded_corpus):
    """One submission per learner, both notebooks, every test cell scored, written answers awaiting a grader."""
    with Gradebook(graded_corpus["config"].CourseDirectory.db_url) as gb:
        assignment = gb.find_assignment(corpus.ASSIGNMENT)
        cells = {nb.name: {c.name: c.cell_type for c in nb.grade_cells} for nb in assignment.notebooks}
        subs = {s.student.id: s for s in assignment.submissions}
        assert set(subs) == {c.student for c in graded_corpus["cases"]}
        for student, sub in subs.items():
            assert {nb.name: {g.name for g in nb.grades} for nb in sub.notebooks} == \
                {name: set(ids) for name, ids in cells.items()}, student
            for nb in sub.notebooks:
                for g in nb.grades:
                    if cells[nb.name][g.name] == "code":
                        assert g.auto_score is not None, (student, g.name)
