"""Module 01 through a real JupyterHub with one instructor and three learners as separate OS users.

A hub on loopback (``tests/hub_harness.py``): dummy authenticator, local
process spawner, ``configurable-http-proxy`` from npm, nbgrader's exchange
in a shared folder. Everything goes through the hub's REST API and the
single-user servers' APIs, as the JupyterLab front end would:

instructor generates and releases module 01 (formgrader API) -> each learner
fetches it (assignment-list API), answers it (contents API: all correct,
one exercise, nothing) and submits -> instructor collects, autogrades,
generates and releases feedback -> each learner fetches their feedback.

Asserts on the grades in the instructor's gradebook (via the formgrader API)
and on the feedback each learner received; and that a learner cannot list
the exchange's inbox or read another learner's files.

Skipped, with the reason, where the host cannot create users (not root) or
lacks configurable-http-proxy; ``./course.sh test`` as root (CI) runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import hub_harness as hh
from course.grader import nbgrader_api as grading
from course.paths import MODULES_DIR, REPO_ROOT

ASSIGNMENT = "01-nervous-system"
INSTRUCTOR = "cc-instructor"
LEARNERS = {"cc-learner-1": "all", "cc-learner-2": "first", "cc-learner-3": "none"}

REASON = hh.why_not_runnable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"multi-user hub test skipped: {REASON}")


@pytest.fixture(scope="module", autouse=True)
def _system_users_one_file_at_a_time(system_users_to_myself):
    """This file creates or uses the test system users: no other such file runs meanwhile (conftest.py)."""



def _lessons():
    return sorted(p.name for p in (MODULES_DIR / ASSIGNMENT).glob("*.ipynb"))


def _answered(student_nb, source_nb, plan):
    """The learner's notebook: every answer, only the first exercise's, or none."""
    if plan == "none":
        return student_nb
    ids = [c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
           if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    return grading.fill_answers(student_nb, source_nb, None if plan == "all" else set(ids[:1]))


def _expected_points(plan) -> float:
    total = 0.0
    for lesson in _lessons():
        source = nbformat.read(MODULES_DIR / ASSIGNMENT / lesson, as_version=4)
        if plan == "all":
            total += grading.autograded_points(source)
        elif plan == "first":
            tests = [c for c in source.cells if c.cell_type == "code"
                     and c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
            total += float(tests[0].metadata["nbgrader"]["points"])
    return total


@pytest.fixture(scope="module")
def hub():
    base = hh.make_base()
    homes = base / "home"
    exchange = base / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)  # nbgrader's shared exchange: everyone writes, nbgrader sets finer modes inside
    names = [INSTRUCTOR, *LEARNERS]
    for name in names:
        hh.delete_user(name)  # left over from an interrupted run
    hub = None
    try:
        for name in names:
            entry = hh.create_user(name, homes / name)
            jupyter = homes / name / ".jupyter"
            jupyter.mkdir()
            # What an admin puts in each learner's (or a global) nbgrader_config.py on a hub.
            (jupyter / "nbgrader_config.py").write_text(
                f"c = get_config()\nc.CourseDirectory.course_id = {hh.COURSE_ID!r}\n"
                f"c.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")
            hh.chown_tree(homes / name, entry.pw_uid, entry.pw_gid)
        # The instructor's home is the course: nbgrader_config.py and module 01 (the server starts there).
        course = homes / INSTRUCTOR
        shutil.copy2(REPO_ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
        (course / "modules").mkdir()
        shutil.copytree(MODULES_DIR / ASSIGNMENT, course / "modules" / ASSIGNMENT,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        (course / "grading").mkdir()
        entry = hh.pwd.getpwnam(INSTRUCTOR)
        hh.chown_tree(course, entry.pw_uid, entry.pw_gid)
        scripts = str(Path(sys.executable).parent)
        environment = {"COURSE_EXCHANGE_ROOT": str(exchange), "COURSE_HEADLESS": "1",
                       "PATH": f"{scripts}:/usr/local/bin:/usr/bin:/bin"}
        hub = hh.start_hub(base, names, environment)
        hub.start_servers(names)
        yield {"hub": hub, "base": base, "exchange": exchange, "course": course, "homes": homes}
    finally:
        if hub is not None:
            hub.stop()
        for name in names:
            hh.delete_user(name)
        shutil.rmtree(base, ignore_errors=True)


def _ok(result, step):
    assert result and result.get("success", True) is not False, f"{step}: {result}"
    return result


@pytest.fixture(scope="module")
def cycle(hub):
    h = hub["hub"]
    fg = "/formgrader/api/assignment/" + ASSIGNMENT
    _ok(h.server(INSTRUCTOR, "POST", fg + "/assign"), "generate")
    _ok(h.server(INSTRUCTOR, "POST", fg + "/release"), "release")
    form = {"course_id": hh.COURSE_ID, "assignment_id": ASSIGNMENT}
    for learner, plan in LEARNERS.items():
        _ok(h.server(learner, "POST", "/assignments/fetch", form=form), f"fetch {learner}")
        for lesson in _lessons():
            path = f"/api/contents/{ASSIGNMENT}/{lesson}"
            got = h.server(learner, "GET", path + "?content=1")
            student_nb = nbformat.from_dict(got["content"])
            source_nb = nbformat.read(MODULES_DIR / ASSIGNMENT / lesson, as_version=4)
            answered = _answered(student_nb, source_nb, plan)
            h.server(learner, "PUT", path, data={"type": "notebook", "format": "json",
                                                 "content": nbformat.from_dict(answered)})
        _ok(h.server(learner, "POST", "/assignments/submit", form=form), f"submit {learner}")
    _ok(h.server(INSTRUCTOR, "POST", fg + "/collect"), "collect")
    for learner in LEARNERS:
        _ok(h.server(INSTRUCTOR, "POST", f"/formgrader/api/submission/{ASSIGNMENT}/{learner}/autograde"),
            f"autograde {learner}")
    _ok(h.server(INSTRUCTOR, "POST", fg + "/generate_feedback"), "generate feedback")
    _ok(h.server(INSTRUCTOR, "POST", fg + "/release_feedback"), "release feedback")
    for learner in LEARNERS:
        _ok(h.server(learner, "POST", "/assignments/fetch_feedback", form=form), f"fetch feedback {learner}")
    submissions = h.server(INSTRUCTOR, "GET", f"/formgrader/api/submissions/{ASSIGNMENT}")
    return {**hub, "submissions": {s["student"]: s for s in submissions}}


def test_each_learner_gets_the_grade_their_work_earns(cycle):
    subs = cycle["submissions"]
    assert set(subs) == set(LEARNERS)
    for learner, plan in LEARNERS.items():
        assert subs[learner]["autograded"] is True and subs[learner]["submitted"] is True, subs[learner]
        assert subs[learner]["code_score"] == pytest.approx(_expected_points(plan)), (learner, subs[learner])
    assert subs["cc-learner-1"]["code_score"] > subs["cc-learner-2"]["code_score"] > 0
    assert subs["cc-learner-3"]["code_score"] == 0


def test_each_learner_fetched_their_own_feedback(cycle):
    h = cycle["hub"]
    for learner, plan in LEARNERS.items():
        folders = h.server(learner, "GET", f"/api/contents/{ASSIGNMENT}/feedback")["content"]
        assert len(folders) == 1, folders
        pages = h.server(learner, "GET", f"/api/contents/{folders[0]['path']}")["content"]
        assert sorted(p["name"] for p in pages) == sorted(x.replace(".ipynb", ".html") for x in _lessons())
        page = h.server(learner, "GET", f"/api/contents/{folders[0]['path']}/01-hrv-basics.html?content=1&format=text")
        text = page["content"]
        assert "BEGIN HIDDEN TESTS" not in text and "check_against" not in text
        if plan == "none":
            assert "Not answered yet" in text


def test_files_belong_to_their_users(cycle):
    homes = cycle["homes"]
    for learner in LEARNERS:
        fetched = homes / learner / ASSIGNMENT / "01-hrv-basics.ipynb"
        assert fetched.stat().st_uid == hh.pwd.getpwnam(learner).pw_uid
    gradebook = cycle["course"] / "grading" / "gradebook.db"
    assert gradebook.stat().st_uid == hh.pwd.getpwnam(INSTRUCTOR).pw_uid


def test_a_learner_cannot_read_another_learners_submission(cycle):
    inbound = cycle["exchange"] / hh.COURSE_ID / "inbound"
    assert sorted(os.listdir(inbound))  # the submissions are there (root can see them) ...
    other_home = cycle["homes"] / "cc-learner-2" / ASSIGNMENT / "01-hrv-basics.ipynb"
    probe = ("import os, sys\n"
             "for p in sys.argv[1:]:\n"
             "    try:\n"
             "        os.listdir(p) if os.path.isdir(p) else open(p).read(1)\n"
             "        print('READ', p)\n"
             "    except PermissionError:\n"
             "        print('DENIED', p)\n")
    done = subprocess.run(["runuser", "-u", "cc-learner-1", "--", sys.executable, "-c", probe,
                           str(inbound), str(other_home), str(cycle["course"] / "grading" / "gradebook.db"),
                           str(cycle["course"] / "modules" / ASSIGNMENT / "01-hrv-basics.ipynb")],
                          capture_output=True, text=True, timeout=60)
    lines = done.stdout.split("\n")
    assert done.returncode == 0, done.stderr
    assert all(line.startswith("DENIED") for line in lines if line), done.stdout
    assert len([line for line in lines if line]) == 4
