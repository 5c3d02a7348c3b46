"""``course.grader.sandbox``: limits on grading kernels, and (as root) a separate unprivileged user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import shutil
import tempfile
from pathlib import Path

import pytest

from course.grader import isolation, sandbox

ROOT = sandbox.can_isolate()
needs_root = pytest.mark.skipif(not ROOT, reason="starting processes as another user needs root (CI runs as root)")


@pytest.fixture(scope="module", autouse=True)
def _system_users_one_file_at_a_time(system_users_to_myself):
    """This file creates or uses the test system users: no other such file runs meanwhile (conftest.py)."""



@pytest.fixture
def open_dir():
    """A folder other users can enter (pytest's own temporary folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="course-sandbox-test-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _run(code: str, limits: sandbox.Limits, user=None, workdir=None):
    cmd = sandbox.launcher_command([sys.executable, "-c", code], limits, user, workdir)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_limits_reach_the_kernel_process():
    code = ("import resource, json; print(json.dumps([resource.getrlimit(r)[0] for r in "
            "(resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE)]))")
    done = _run(code, sandbox.Limits(memory_mb=1500, cpu_seconds=42, file_mb=7))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [1500 * 1024 ** 2, 42, 7 * 1024 ** 2]


def test_memory_limit_turns_a_huge_allocation_into_memory_error():
    done = _run("b = bytearray(3 * 1024 ** 3)", sandbox.Limits(memory_mb=1024))
    assert done.returncode != 0 and "MemoryError" in done.stderr


def test_cpu_limit_stops_a_busy_loop():
    start = time.monotonic()
    done = _run("while True: pass", sandbox.Limits(cpu_seconds=1))
    assert done.returncode != 0 and time.monotonic() - start < 30


def test_launcher_refuses_bad_use():
    done = subprocess.run([sys.executable, "-m", "course.grader.sandbox", "--uid", "0", "--", "true"],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "non-root uid" in done.stderr
    done = subprocess.run([sys.executable, "-m", "course.grader.sandbox", "--", ], capture_output=True, text=True)
    assert done.returncode != 0


def test_a_kernel_needs_traversable_folders():
    assert isolation.closed_folders(["/usr/bin/env"]) == []
    assert all(p.startswith("/") for p in isolation.kernel_needs())


@needs_root
def test_code_runs_as_the_sandbox_user_with_a_clean_environment(open_dir):
    tmp_path = open_dir
    user = sandbox.sandbox_users(1)[0]
    workdir = tmp_path / "work"
    os.environ["COURSE_SECRET_FOR_TEST"] = "do not pass on"
    try:
        code = "import os, json; print(json.dumps([os.getuid(), os.getgid(), os.getcwd(), os.getgroups(), " \
               "'COURSE_SECRET_FOR_TEST' in os.environ, os.environ['HOME']]))"
        done = _run(code, sandbox.Limits(), user, str(workdir))
    finally:
        del os.environ["COURSE_SECRET_FOR_TEST"]
    assert done.returncode == 0, done.stderr
    uid, gid, cwd, groups, leaked, home = json.loads(done.stdout)
    assert (uid, gid, cwd, groups, leaked, home) == (user.uid, user.gid, str(workdir), [], False, str(workdir))


@needs_root
def test_private_files_are_unreadable_and_probe_says_so(open_dir):
    tmp_path = open_dir
    user = sandbox.sandbox_users(1)[0]
    public, private = tmp_path / "public.txt", tmp_path / "private.txt"
    public.write_text("x")
    private.write_text("secret")
    os.chmod(public, 0o644)
    os.chmod(private, 0o600)
    assert isolation.readable_by(user, [str(public), str(private)]) == [str(public)]


@needs_root
def test_leftover_processes_of_a_sandbox_user_are_killed(open_dir):
    tmp_path = open_dir
    user = sandbox.sandbox_users(1)[0]
    code = ("import subprocess; subprocess.Popen(['sleep', '300'], start_new_session=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)")
    assert _run(code, sandbox.Limits(), user, str(tmp_path / "w")).returncode == 0
    assert sandbox.kill_user_processes(user.uid) >= 1
    assert sandbox.kill_user_processes(user.uid) == 0
    with pytest.raises(ValueError):
        sandbox.kill_user_processes(0)
