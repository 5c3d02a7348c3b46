"""Start a grading kernel with limits, optionally as an unprivileged OS user.

A kernel that runs a learner's notebook is started through this launcher:

    python -m course.grader.sandbox [--memory-mb M] [--cpu-seconds S] [--uid U --gid G --workdir D] -- KERNEL ARGV...

1. It sets resource limits on itself (inherited by the kernel it becomes):
   address space (``--memory-mb``), CPU seconds (``--cpu-seconds``; the kernel
   is stopped when it has used them), size of any file it writes, and, for a
   sandbox user, the number of processes.
2. With ``--uid`` (only possible when started as root) it copies the kernel's
   connection file into ``--workdir``, hands that folder to the sandbox user,
   drops every privilege (groups, gid, uid), clears the environment down to a
   short allow-list and moves into the folder. The learner's code then cannot
   open anything that user cannot: the course's ``grading/`` folder and
   gradebook, the source notebooks with hidden tests, other learners' work
   (:func:`course.grader.isolation.readable_by` checks this before grading).
3. It replaces itself with the kernel (``os.execv``), so the process the
   kernel manager started, and may kill, is the kernel.

Limits rely on POSIX ``setrlimit`` (Linux); see grading/README.md for the
trust boundary that remains.
"""

from __future__ import annotations

import argparse
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

# Environment variables a grading kernel keeps (everything else is dropped for a sandbox user).
KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TZ", "NBGRADER_EXECUTION", "COURSE_HEADLESS", "COURSE_LANG",
                    "PYTHONHASHSEED", "MPLBACKEND")
# One thread per numerical library: parallel workers already use every core, and
# thread pools inflate the address space that the memory limit counts.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
SANDBOX_USER_PREFIX = "course-grader"


@dataclass(frozen=True)
class Limits:
    """Per-kernel limits. ``None`` (or 0) leaves a limit unset."""

    memory_mb: int | None = 2048
    cpu_seconds: int | None = 600
    file_mb: int | None = 200
    processes: int | None = 256  # applied only with a sandbox user (RLIMIT_NPROC counts per user)

    def arguments(self) -> list[str]:
        out = []
        if self.memory_mb:
            out += ["--memory-mb", str(int(self.memory_mb))]
        if self.cpu_seconds:
            out += ["--cpu-seconds", str(int(self.cpu_seconds))]
        if self.file_mb:
            out += ["--file-mb", str(int(self.file_mb))]
        if self.processes:
            out += ["--processes", str(int(self.processes))]
        return out


@dataclass(frozen=True)
class SandboxUser:
    name: str
    uid: int
    gid: int


def launcher_command(kernel_argv: list[str], limits: Limits, user: SandboxUser | None = None,
                     workdir: str | None = None, quiet: bool = False) -> list[str]:
    """The command that starts ``kernel_argv`` through this launcher (``quiet``: discard its console output)."""
    cmd = [sys.executable, "-m", __spec__.name, *limits.arguments()]
    if quiet:
        cmd.append("--quiet")
    if user is not None:
        if not workdir:
            raise ValueError("a sandbox user needs a working folder")
        cmd += ["--uid", str(user.uid), "--gid", str(user.gid), "--workdir", str(workdir)]
    return cmd + ["--", *kernel_argv]


# --------------------------------------------------------------------------- launcher (child side)

def _set_limit(which: int, soft: int, hard: int | None = None) -> None:
    hard = soft if hard is None else hard
    cur_soft, cur_hard = resource.getrlimit(which)
    if cur_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, cur_hard), min(hard, cur_hard)
    resource.setrlimit(which, (soft, hard))


def apply_limits(memory_mb: int | None, cpu_seconds: int | None, file_mb: int | None,
                 processes: int | None) -> None:
    """Set this process's resource limits (inherited across ``exec`` and ``fork``)."""
    mib = 1024 * 1024
    if memory_mb:
        _set_limit(resource.RLIMIT_AS, memory_mb * mib)
    if cpu_seconds:  # SIGXCPU at the soft limit stops the kernel; SIGKILL 5 s later if it ignores it
        _set_limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 5)
    if file_mb:
        _set_limit(resource.RLIMIT_FSIZE, file_mb * mib)
    if processes:
        _set_limit(resource.RLIMIT_NPROC, processes)
    _set_limit(resource.RLIMIT_CORE, 0)


def _connection_file_index(argv: list[str]) -> int | None:
    for i, arg in enumerate(argv[:-1]):
        if arg in ("-f", "--f", "--ConnectionFileMixin.connection_file"):
            return i + 1
    return None


def drop_privileges(uid: int, gid: int, workdir: str, argv: list[str]) -> tuple[list[str], dict]:
    """Become ``uid``/``gid`` in ``workdir``; return the kernel argv and its environment."""
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    argv = list(argv)
    i = _connection_file_index(argv)
    if i is not None:  # the kernel manager wrote it for root only: give the kernel its own copy
        copy = os.path.join(workdir, ".kernel-connection.json")
        shutil.copyfile(argv[i], copy)
        argv[i] = copy
    for folder, _dirs, files in os.walk(workdir):
        os.chown(folder, uid, gid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid)
    os.chmod(workdir, 0o700)
    env = {k: os.environ[k] for k in KEPT_ENVIRONMENT if k in os.environ}
    env.update(SINGLE_THREADED)
    env.update(HOME=workdir, TMPDIR=workdir, USER=f"uid{uid}", LOGNAME=f"uid{uid}",
               MPLCONFIGDIR=os.path.join(workdir, ".matplotlib"),
               IPYTHONDIR=os.path.join(workdir, ".ipython"),
               JUPYTER_RUNTIME_DIR=os.path.join(workdir, ".runtime"),
               PYTHONDONTWRITEBYTECODE="1")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("course.grader.sandbox: could not drop privileges")
    os.chdir(workdir)
    os.umask(0o077)
    return argv, env


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        raise SystemExit("usage: python -m course.grader.sandbox [options] -- KERNEL ARGV...")
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="python -m course.grader.sandbox")
    parser.add_argument("--memory-mb", type=int)
    parser.add_argument("--cpu-seconds", type=int)
    parser.add_argument("--file-mb", type=int)
    parser.add_argument("--processes", type=int)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    parser.add_argument("--workdir")
    parser.add_argument("--quiet", action="store_true", help="send the kernel's console output to /dev/null")
    args = parser.parse_args(argv[:split])
    kernel = argv[split + 1:]
    if not kernel:
        raise SystemExit("course.grader.sandbox: no kernel command given")
    env = dict(os.environ)
    env.update(SINGLE_THREADED)
    if args.uid is not None:
        if args.uid == 0 or args.gid in (None, 0) or not args.workdir:
            raise SystemExit("course.grader.sandbox: --uid needs a non-root uid, --gid and --workdir")
        kernel, env = drop_privileges(args.uid, args.gid, args.workdir, kernel)
    apply_limits(args.memory_mb, args.cpu_seconds, args.file_mb,
                 args.processes if args.uid is not None else None)
    if args.quiet:  # a kernel talks over ZeroMQ; its console is only log noise (or a learner's os.write)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    os.execvpe(kernel[0], kernel, env)


# --------------------------------------------------------------------------- parent side helpers

def can_isolate() -> bool:
    """Whether this process may start kernels as other users (it must be root, on POSIX)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def sandbox_users(count: int, prefix: str = SANDBOX_USER_PREFIX, create: bool = True) -> list[SandboxUser]:
    """``count`` unprivileged system users ``<prefix>-0``, ``<prefix>-1``, ... (created when missing).

    Each parallel worker gets its own user, so two learners' kernels never
    share an account. The users have no home folder, no login shell and no
    password; ``userdel course-grader-N`` removes them.
    """
    users = []
    for i in range(count):
        name = f"{prefix}-{i}"
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            if not create:
                raise
            if not can_isolate():
                raise PermissionError("creating sandbox users needs root") from None
            useradd = shutil.which("useradd") or "/usr/sbin/useradd"
            subprocess.run([useradd, "--system", "--user-group", "--no-create-home",
                            "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
                           check=True, capture_output=True, text=True)
            entry = pwd.getpwnam(name)
        if entry.pw_uid == 0 or entry.pw_gid == 0:
            raise PermissionError(f"sandbox user {name} must not be root")
        users.append(SandboxUser(name, entry.pw_uid, entry.pw_gid))
    return users


def kill_user_processes(uid: int, timeout: float = 5.0) -> int:
    """SIGKILL every process owned by ``uid`` (a sandbox user); return how many were found."""
    if uid == 0 or uid == os.getuid():
        raise ValueError("refusing to kill processes of root or of the grader")
    found = 0
    deadline = time.monotonic() + timeout
    while True:
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        pids.append(int(entry))
                except FileNotFoundError:
                    continue
        if not pids or time.monotonic() > deadline:
            return found
        found = max(found, len(pids))
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


if __name__ == "__main__":
    main()
