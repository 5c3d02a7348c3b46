"""The gradebook on a real PostgreSQL server, reached only through ``COURSE_GRADEBOOK_URL``.

One throw-away server per session (``postgres_server`` in conftest.py, built by
tests/postgres_server.py); each fixture below gets a fresh database of its own.
The URL is put in the environment and the course's own ``nbgrader_config.py``
turns it into the gradebook address, as on a hub (deploy/README.md, "PostgreSQL
gradebook"). Against that server:

- the whole lifecycle (test_lifecycle.py's tests, re-run on PostgreSQL);
- ``parallel_autograde`` gives the same gradebook, cell by cell, as the same
  submissions graded against SQLite, and the instructor report the same numbers;
- two instructors at once: one puts manual scores and comments for the written
  reflection through the Formgrader's REST API while the other re-autogrades
  the assignment with ``python -m course.grader.parallel --force``: nothing lost,
  and the manual scores given before the ``--force`` run are still there;
- a backup with ``pg_dump`` restores the same grades;
- a wrong password gives one sentence from the course's commands, not a traceback.

Checked by hand that these can fail: with ``gradebook.write_state`` made to clear
``manual_score`` the two-instructor tests fail; without ``gradebook.check_connection``
both commands print SQLAlchemy's traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from sqlalchemy import create_engine, text

import test_lifecycle
import test_parallel_autograde as tpa
from course.grader import lifecycle, nbgrader_api as grading, parallel as pa, report as gr
# The lifecycle's checks, collected here again and run against the PostgreSQL fixture `cycle` below.
from test_lifecycle import (  # noqa: F401
    test_each_learner_fetched_the_student_version_into_their_own_home,
    test_each_learner_gets_their_own_feedback_with_score_and_plain_messages,
    test_export_has_one_row_per_learner_with_the_gradebook_scores, test_feedback_does_not_reveal_hidden_tests,
    test_gradebook_total_is_autograded_plus_manual, test_submissions_reach_the_exchange_and_are_collected)

ASSIGNMENT, LESSON, NOTEBOOK = tpa.ASSIGNMENT, tpa.LESSON, tpa.NOTEBOOK
REFLECTION = "reflection-hrv-limits"
LEARNERS = ("ana", "ed", "fay")  # correct, untouched (stubs), not valid JSON
GRADED = ("ana", "ed")


@contextlib.contextmanager
def gradebook_url(url: str | None):
    """``COURSE_GRADEBOOK_URL`` set to ``url`` (or unset: the SQLite file) while the block runs."""
    with pytest.MonkeyPatch.context() as mp:
        if url is None:
            mp.delenv("COURSE_GRADEBOOK_URL", raising=False)
        else:
            mp.setenv("COURSE_GRADEBOOK_URL", url)
        yield


def _rows(url: str, sql: str) -> list[tuple]:
    """Rows straight from the database, without nbgrader."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _env(url: str) -> dict:
    return {**os.environ, "COURSE_GRADEBOOK_URL": url}


# --------------------------------------------------------------------------- the whole lifecycle

@pytest.fixture(scope="module")
def cycle(tmp_path_factory, postgres_server):
    """test_lifecycle's full run, with the gradebook in PostgreSQL."""
    url = postgres_server.create_database("lifecycle")
    with gradebook_url(url):
        run = test_lifecycle.run_lifecycle(tmp_path_factory.mktemp("pg-lifecycle"))
    run.url = url
    return run


def test_lifecycle_gradebook_is_in_postgresql(cycle):
    assert cycle.config.CourseDirectory.db_url == cycle.url  # nbgrader_config.py took COURSE_GRADEBOOK_URL
    assert not (Path(cycle.root) / "grading" / "gradebook.db").exists()  # no SQLite file on the side
    rows = _rows(cycle.url, f"""
        SELECT s.id, g.manual_score, c.manual_comment
        FROM grade g JOIN base_cell gcell ON g.cell_id = gcell.id
        JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN student s ON sa.student_id = s.id
        JOIN comment c ON c.notebook_id = sn.id JOIN base_cell ccell ON c.cell_id = ccell.id
        WHERE gcell.name = '{cycle.reflection["grade_id"]}' AND ccell.name = gcell.name ORDER BY s.id""")
    assert rows == [(name, manual, f"Reflection comment for {name}.")
                    for name, (_, _, manual, _) in sorted(cycle.plans.items())]


# --------------------------------------------------------------------------- parallel: PostgreSQL vs SQLite

def _course(base: Path, modules: Path, url: str | None):
    """A course with the assignment generated, its gradebook at ``url`` (None: the SQLite file)."""
    with gradebook_url(url):
        config = grading.make_course(base, modules)
        grading.generate(config, ASSIGNMENT)
    return config


def _grade(config, url: str | None, submissions: dict) -> dict:
    """Hand in ``submissions``, autograde them in parallel, grade ana's reflection by hand."""
    with gradebook_url(url):
        tpa._submit(config, submissions)
        results = pa.parallel_autograde(config, ASSIGNMENT, workers=2, say=lambda *_: None)
        # the same written-answer grade in both, so the report has a manual score too
        lifecycle.grade_manually(config, ASSIGNMENT, NOTEBOOK, "ana", REFLECTION, 1.5, comment="Clear.")
    return {r.student: r.status for r in results}


@pytest.fixture(scope="module")
def pair(tmp_path_factory, postgres_server):
    """The same submissions graded against SQLite and against PostgreSQL; reports from both."""
    base = tmp_path_factory.mktemp("pg-parallel")
    modules = tpa.one_lesson_modules(base)
    source = nbformat.read(modules / LESSON, as_version=4)
    url = postgres_server.create_database("parallel")
    sqlite = _course(base / "sqlite", base / "modules", None)
    pg = _course(base / "postgres", base / "modules", url)
    student = nbformat.read(grading.release_dir(sqlite, ASSIGNMENT) / LESSON, as_version=4)
    submissions = {k: v for k, v in tpa._submissions(source, student).items() if k in LEARNERS}
    status = (_grade(sqlite, None, submissions), _grade(pg, url, submissions))

    # The instructor report: in-process from SQLite; from PostgreSQL with the command an instructor runs.
    with gradebook_url(None):
        sqlite_data = gr.collect(sqlite, ASSIGNMENT)
        sqlite_lms = gr.write_report(sqlite, ASSIGNMENT, base / "sqlite-reports")["lms"]
    with gradebook_url(url), contextlib.chdir(pg.CourseDirectory.root):  # as an instructor runs the command
        assert gr.main([ASSIGNMENT, "--out", str(base / "pg-reports")]) == 0
    with gradebook_url(url):
        pg_data = gr.collect(pg, ASSIGNMENT)
    return dict(url=url, sqlite=sqlite, pg=pg, status=status, source=source,
                sqlite_dump=tpa._dump(sqlite.CourseDirectory.db_url), pg_dump=tpa._dump(url),
                data=(sqlite_data, pg_data), lms=(sqlite_lms, base / "pg-reports" / ASSIGNMENT / "lms.csv"))


def test_parallel_autograde_writes_to_postgresql(pair):
    assert pair["pg"].CourseDirectory.db_url == pair["url"]
    assert pair["sqlite"].CourseDirectory.db_url.startswith("sqlite:///")
    assert pair["status"][1] == {"ana": "graded", "ed": "graded", "fay": "failed"}
    rows = dict(_rows(pair["url"], """
        SELECT s.id, SUM(g.auto_score) FROM grade g JOIN submitted_notebook sn ON g.notebook_id = sn.id
        JOIN submitted_assignment sa ON sn.assignment_id = sa.id JOIN student s ON sa.student_id = s.id
        GROUP BY s.id"""))
    full = grading.autograded_points(pair["source"])
    assert full > 0 and rows["ana"] == pytest.approx(full) and rows["ed"] == 0
    assert rows["fay"] == 0  # unreadable: 0 on every exercise, as for a missing notebook


def test_parallel_scores_identical_to_sqlite_cell_by_cell(pair):
    assert pair["status"][0] == pair["status"][1]
    lite, pg = pair["sqlite_dump"], pair["pg_dump"]
    assert set(lite) == set(pg) == {"students", *LEARNERS}
    cells = 0
    for learner in LEARNERS:
        for name, nb in lite[learner]["notebooks"].items():
            for grade_id, values in nb["grades"].items():
                assert pg[learner]["notebooks"][name]["grades"][grade_id] == values, (learner, grade_id)
                cells += 1
            assert pg[learner]["notebooks"][name]["comments"] == nb["comments"], learner
    assert cells == 4 * len(LEARNERS)  # three exercises and the reflection each
    assert pg == lite  # and every other field (timestamps, late penalties, flags, totals)


def test_instructor_report_same_from_postgresql(pair):
    lite, pg = pair["data"]
    assert [e.key for e in pg.exercises] == [e.key for e in lite.exercises]
    assert pg.max_score == lite.max_score == 8.0
    assert pg.scores.equals(lite.scores)
    assert pg.scores.loc["ana", f"{NOTEBOOK}/{REFLECTION}"] == 1.5
    assert gr.exercise_table(pg).equals(gr.exercise_table(lite))
    assert gr.lms_table(pg).equals(gr.lms_table(lite))
    assert pair["lms"][1].read_text(encoding="utf-8") == pair["lms"][0].read_text(encoding="utf-8")
    assert [(p[0], p[1]) for p in pg.problems] == [(p[0], p[1]) for p in lite.problems]


# --------------------------------------------------------------------------- two instructors at once

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Formgrader:
    """nbgrader's Formgrader in a ``jupyter server`` on 127.0.0.1 (token auth), for one course folder."""

    def __init__(self, root: Path, url: str, scratch: Path):
        self.token, self.port = "pg-test-token", _free_port()
        env = {**_env(url), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"), "HOME": str(scratch)}
        self.log = open(scratch / "formgrader.log", "w")
        args = [sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                f"--IdentityProvider.token={self.token}", "--ServerApp.open_browser=False",
                f"--ServerApp.root_dir={root}",
                # the Formgrader only: JupyterLab and the notebook front end would only slow the start
                "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=True",
                "--ServerApp.jpserver_extensions=jupyterlab=False", "--ServerApp.jpserver_extensions=notebook=False",
                "--ServerApp.jpserver_extensions=jupyter_lsp=False"]
        if os.geteuid() == 0:
            args.append("--allow-root")
        self.proc = subprocess.Popen(args, cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while True:
            try:
                if self.call("GET", "/formgrader/api/status")["status"]:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the Formgrader did not start: " + (scratch / "formgrader.log").read_text()[-2000:])
            time.sleep(0.3)

    def call(self, method: str, path: str, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _autograded_fields(dump: dict) -> dict:
    """What autograding sets, per learner and cell (manual fields and needs_manual_grade left out)."""
    return {learner: {nb: ({g: v[0] for g, v in cells["grades"].items()},
                           {c: v[0] for c, v in cells["comments"].items()}, cells["late"])
                      for nb, cells in sub["notebooks"].items()}
            for learner, sub in dump.items() if learner != "students"}


@pytest.fixture(scope="module")
def two_instructors(pair, tmp_path_factory):
    """Instructor A grades reflections in the Formgrader while instructor B re-autogrades with --force."""
    config, url = pair["pg"], pair["url"]
    root = Path(config.CourseDirectory.root)
    scratch = tmp_path_factory.mktemp("formgrader")
    before = tpa._dump(url)
    server = Formgrader(root, url, scratch)
    try:
        ids = {}
        for sub in server.call("GET", f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{NOTEBOOK}"):
            grades = server.call("GET", f"/formgrader/api/grades?submission_id={sub['id']}")
            comments = server.call("GET", f"/formgrader/api/comments?submission_id={sub['id']}")
            ids[sub["student"]] = (next(g["id"] for g in grades if g["name"] == REFLECTION),
                                   next(c["id"] for c in comments if c["name"] == REFLECTION))
        assert sorted(ids) == list(GRADED)  # fay's unreadable notebook has nothing to grade by hand

        given: dict[str, tuple[float, str]] = {}

        def grade(learner: str, n: int) -> None:
            grade_id, comment_id = ids[learner]
            score = float(n % 4)  # the reflection is worth 3 points
            note = f"Round {n}: feedback for {learner}."
            assert server.call("PUT", f"/formgrader/api/grade/{grade_id}", {"manual_score": score})["manual_score"] == score
            assert server.call("PUT", f"/formgrader/api/comment/{comment_id}", {"manual_comment": note})["manual_comment"] == note
            given[learner] = (score, note)

        for learner in GRADED:  # manual scores exist before the regrade starts
            grade(learner, 2)
        first = dict(given)
        regrade = subprocess.Popen([sys.executable, "-m", "course.grader.parallel", ASSIGNMENT, "--force",
                                    "--workers", "2"], cwd=root, env=_env(url),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        rounds_during = 0
        while regrade.poll() is None:  # instructor A keeps grading ana while B re-autogrades everyone
            rounds_during += 1
            grade("ana", rounds_during)
            time.sleep(0.05)
        out = regrade.communicate(timeout=60)[0]
        listed = server.call("GET", f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{NOTEBOOK}")
    finally:
        server.stop()
    return dict(before=before, after=tpa._dump(url), given=given, first=first, rounds_during=rounds_during,
                regrade=(regrade.returncode, out), listed=listed)


def test_two_instructors_really_overlapped(two_instructors):
    code, out = two_instructors["regrade"]
    assert code == 1 and "2 graded, 0 skipped, 1 failed" in out, out  # fay's notebook is still unreadable
    assert two_instructors["rounds_during"] >= 3, "the Formgrader was not used while autograding ran"
    assert two_instructors["given"]["ana"] != two_instructors["first"]["ana"]


def test_no_manual_score_or_comment_lost_while_autograding(two_instructors):
    dump = two_instructors["after"]
    for learner, (score, note) in two_instructors["given"].items():  # the last ones given, for every learner
        nb = dump[learner]["notebooks"][NOTEBOOK]
        assert nb["grades"][REFLECTION][1] == score, (learner, nb["grades"][REFLECTION])
        assert nb["comments"][REFLECTION][1] == note, learner
    # every autograded score is there, unchanged by grading again
    assert _autograded_fields(dump) == _autograded_fields(two_instructors["before"])
    # the Formgrader's own list shows the new totals: autograded + the last manual score
    listed = {s["student"]: s for s in two_instructors["listed"]}
    for learner in GRADED:
        auto = sum(v[0] or 0 for g, v in dump[learner]["notebooks"][NOTEBOOK]["grades"].items() if g != REFLECTION)
        assert listed[learner]["score"] == pytest.approx(auto + two_instructors["given"][learner][0]), learner


def test_force_regrade_keeps_manual_scores(two_instructors):
    """ed was graded by hand before the --force run and not touched during it: still the same score and comment."""
    nb = two_instructors["after"]["ed"]["notebooks"][NOTEBOOK]
    score, note = two_instructors["first"]["ed"]
    assert score > 0 and nb["grades"][REFLECTION][1] == score and nb["comments"][REFLECTION][1] == note


# --------------------------------------------------------------------------- a wrong address: one sentence

@pytest.mark.parametrize("command", [pa.main, gr.main], ids=["parallel", "report"])
def test_wrong_password_is_one_sentence(pair, postgres_server, command, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", postgres_server.url("parallel", password="not-the-password"))
    monkeypatch.chdir(pair["pg"].CourseDirectory.root)  # the command line, as an instructor runs it
    assert command([ASSIGNMENT]) == 1
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "Cannot open the gradebook at postgresql://grader:***@127.0.0.1" in err, err
    assert "password authentication failed" in err and "COURSE_GRADEBOOK_URL" in err, err
    assert "not-the-password" not in err


# --------------------------------------------------------------------------- backups

def test_pg_dump_backup_restores_the_same_grades(pair, postgres_server, tmp_path):
    """The backup and restore commands of deploy/README.md ("PostgreSQL gradebook"), on a graded gradebook."""
    dump = tmp_path / "gradebook.dump"
    subprocess.run([str(postgres_server.bin / "pg_dump"), "--format=custom", f"--file={dump}", pair["url"]],
                   check=True, capture_output=True, timeout=120)
    restored = postgres_server.create_database("restored")
    subprocess.run([str(postgres_server.bin / "pg_restore"), "--no-owner", f"--dbname={restored}", str(dump)],
                   check=True, capture_output=True, timeout=120)
    copy = tpa._dump(restored)
    assert copy == tpa._dump(pair["url"])
    assert copy["ana"]["notebooks"][NOTEBOOK]["grades"][REFLECTION][1] is not None  # a manual score came along
