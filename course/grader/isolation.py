"""What a grading kernel must reach and what it must never reach, and how the course makes sure.

Isolated grading (``python -m course.grader.parallel A --isolate``) runs each
learner's kernel as an unprivileged sandbox user (:mod:`course.grader.sandbox`).
That user must be able to run the course's Python and read the ``course``
package and ``datasets/`` (:func:`kernel_needs`), and must not be able to read
the gradebook, the source notebooks with their hidden tests, anyone's
submitted or graded work, or the exchange's inboxes
(:func:`kernel_must_not_reach`). :func:`readable_by` checks both by running as
that user; :func:`prepare` closes what is still open before grading starts.
The same list tells ``python -m course.grader.sandbox_setup`` which folders on
the way to Python need traverse permission (:func:`closed_folders`).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from ..paths import REPO_ROOT
from . import sandbox

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def kernel_needs() -> list[str]:
    """Files and folders a grading kernel must read: Python, its libraries, the course package and its data."""
    paths = {os.path.realpath(sys.executable), os.path.realpath(sys.base_prefix),
             os.path.realpath(sysconfig.get_paths()["stdlib"]), os.path.realpath(sysconfig.get_paths()["purelib"]),
             str(PACKAGE_DIR)}
    datasets = REPO_ROOT / "datasets"
    if datasets.is_dir():
        paths.add(os.path.realpath(datasets))
    return sorted(paths)


def kernel_must_not_reach(config, assignment: str) -> list[str]:
    """What learner code must not read: gradebook, hidden tests, everyone's work, the exchange's inboxes."""
    from sqlalchemy.engine import make_url

    from .nbgrader_api import coursedir

    cd = coursedir(config)
    paths = [cd.format_path(cd.source_directory, ".", assignment),
             cd.format_path(cd.submitted_directory, ".", "."), cd.format_path(cd.autograded_directory, ".", "."),
             cd.format_path(cd.feedback_directory, ".", "."), cd.format_path(cd.solution_directory, ".", ".")]
    url = make_url(cd.db_url)
    if url.get_backend_name() == "sqlite" and url.database:
        paths.append(url.database)
    exchange = config.Exchange.get("root") if "Exchange" in config else None
    if exchange:
        course = cd.course_id or ""
        paths += [os.path.join(exchange, course, "inbound"), os.path.join(exchange, course, "feedback")]
    return list(dict.fromkeys(os.path.realpath(p) for p in paths))


def closed_folders(paths: list[str]) -> list[str]:
    """Folders on the way to ``paths`` that other users cannot traverse (no ``o+x``)."""
    closed = []
    for path in paths:
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        parts = []
        while True:
            parts.append(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        for folder in reversed(parts):
            try:
                mode = os.stat(folder).st_mode
            except OSError:
                continue
            if not mode & stat.S_IXOTH and folder not in closed:
                closed.append(folder)
    return closed


_PROBE = r"""
import json, os, sys
out = []
for p in json.loads(sys.argv[1]):
    try:
        if os.path.isdir(p):
            os.listdir(p)
        else:
            with open(p, "rb") as f:
                f.read(1)
        out.append(p)
    except OSError:
        pass
print(json.dumps(out))
"""


def readable_by(user: sandbox.SandboxUser, paths: list[str]) -> list[str]:
    """Which of ``paths`` ``user`` can read (folders: list), tested by running as that user."""
    existing = [str(p) for p in paths if os.path.exists(p)]
    if not existing:
        return []
    workdir = Path("/tmp") / f"course-sandbox-probe-{os.getpid()}-{user.uid}"
    try:
        cmd = sandbox.launcher_command([sys.executable, "-c", _PROBE, json.dumps(existing)],
                                       sandbox.Limits(cpu_seconds=30), user, str(workdir))
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"the sandbox probe failed: {done.stderr.strip()[-300:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


SETUP_ADVICE = "run `python -m course.grader.sandbox_setup` once (as root) to prepare this machine."


def prepare(config, assignment: str, users, say=print) -> None:
    """Make sure the sandbox users can read what a kernel needs and nothing private.

    Folders under the course root that a sandbox user can read are closed to
    other users (``chmod o-rwx`` on the top folder holding them, e.g.
    ``grading/`` or ``modules/``). Raises ``RuntimeError`` when that is not
    enough or the course's environment is not readable by them.
    """
    from .nbgrader_api import coursedir

    user = users[0]
    needed = kernel_needs()
    private = kernel_must_not_reach(config, assignment)
    try:
        readable = set(readable_by(user, needed + private))
    except Exception as exc:
        raise RuntimeError(f"a sandbox user cannot run this course's Python ({sys.executable}): {exc}. "
                           + SETUP_ADVICE[0].upper() + SETUP_ADVICE[1:]) from None
    missing = [p for p in needed if p not in readable]
    if missing:
        raise RuntimeError("the sandbox users cannot read " + ", ".join(missing) + ": " + SETUP_ADVICE)
    exposed = [p for p in private if p in readable]
    if not exposed:
        return
    root = os.path.realpath(coursedir(config).root)
    closed = set()
    for p in exposed:
        rel = os.path.relpath(p, root)
        top = p if rel.startswith("..") else os.path.join(root, rel.split(os.sep)[0])
        if top not in closed:
            os.chmod(top, os.stat(top).st_mode & ~0o007)
            closed.add(top)
            say(f"made {top} private (chmod o-rwx): learner code runs as another user and must not read it")
    still = readable_by(user, private)
    if still:
        raise RuntimeError("learner code could still read " + ", ".join(still) +
                           ": restrict these paths to the instructor (chmod o-rwx) and try again.")


def give_back(path: str, uid: int, gid: int) -> None:
    """Give files written by root (isolated grading) back to the course's owner."""
    if not os.path.exists(path) or os.geteuid() != 0 or uid == 0:
        return
    os.chown(path, uid, gid)
    if os.path.isdir(path):
        for folder, dirs, files in os.walk(path):
            for name in dirs + files:
                os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)
