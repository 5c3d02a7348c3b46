"""One-time set-up for isolated grading (run as root):

    sudo .venv/bin/python -m course.grader.sandbox_setup [--users N] [--check]

Isolated grading (``python -m course.grader.parallel A --isolate``) starts
each learner's kernel as an unprivileged user ``course-grader-N``. That user
must be able to *run* the course's Python and read the ``course`` package and
``datasets/``, and nothing private. This command:

1. creates the sandbox users (no home, no login shell, no password);
2. finds folders on the way to Python, the environment and the course that
   other users cannot pass through (e.g. ``/root`` when Python was installed
   there with pyenv) and gives them *traverse-only* permission (``o+x``: others
   may open a known path inside, not list the folder);
3. checks, by running as a sandbox user, that Python starts and the course imports.

``--check`` reports what it would change without changing anything.
"""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys

from . import sandbox
from .isolation import closed_folders, kernel_needs
from .parallel import default_workers


_CHECK = "import ipykernel, numpy, course.feedback; print('ok')"


def check_as(user: sandbox.SandboxUser) -> str:
    """Run Python as ``user`` and import the kernel and the course; return '' or the error."""
    import shutil
    import tempfile

    workdir = tempfile.mkdtemp(prefix="course-sandbox-check-")
    try:
        cmd = sandbox.launcher_command([sys.executable, "-c", _CHECK], sandbox.Limits(cpu_seconds=60),
                                       user, workdir)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return "" if done.returncode == 0 and "ok" in done.stdout else (done.stderr.strip()[-400:] or "failed")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grader.sandbox_setup",
                                     description="Prepare this machine for isolated grading (run as root).")
    parser.add_argument("--users", type=int, default=default_workers(),
                        help="sandbox users to create (one per parallel worker; default: number of CPUs)")
    parser.add_argument("--check", action="store_true", help="only report; change nothing")
    args = parser.parse_args(argv)
    if not sandbox.can_isolate():
        print("Isolated grading needs root: run this with sudo.", file=sys.stderr)
        return 1
    closed = closed_folders(kernel_needs())
    if args.check:
        for folder in closed:
            print(f"would allow other users to traverse {folder} (chmod o+x)")
        return 0
    users = sandbox.sandbox_users(max(1, args.users))
    print("sandbox users: " + ", ".join(u.name for u in users))
    for folder in closed:
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IXOTH)
        print(f"allowed other users to traverse {folder} (chmod o+x; they still cannot list it)")
    problem = check_as(users[0])
    if problem:
        print(f"A sandbox user still cannot run the course's Python: {problem}", file=sys.stderr)
        return 1
    print("ready: a sandbox user can run the course's Python and import the course")
    return 0


if __name__ == "__main__":
    sys.exit(main())
