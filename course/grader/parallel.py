"""Autograde an assignment in several processes, with the same results as ``nbgrader autograde``.

    python -m course.grader.parallel ASSIGNMENT                  # every submission, one worker per CPU
    python -m course.grader.parallel ASSIGNMENT --workers 2
    python -m course.grader.parallel ASSIGNMENT --student ana bo --force

Run it from the course root, like nbgrader: the configuration is read the way
nbgrader reads it (``nbgrader_config.py`` in the current folder, plus the
Jupyter configuration folders).

How it stays identical to stock nbgrader and safe for the gradebook:

1. The parent checks that the assignment exists in the gradebook (as
   ``nbgrader autograde`` does) and creates the students, then takes a
   snapshot of the gradebook into a private SQLite file (SQLite's backup API
   for a SQLite gradebook, a row-by-row copy for any other database).
2. Each worker process builds a private temporary course: the same
   configuration, a copy of the assignment's source folder and its own copy of
   the snapshot as gradebook. For every learner it is given, it copies the
   submission in and runs stock nbgrader autograde in-process
   (``NbGraderAPI.autograde``): same preprocessors, same timeouts, same
   late-penalty plugin.
3. As each learner finishes, the parent (the only process that writes the
   real gradebook) copies ``autograded/<learner>/<assignment>`` back and
   reports the learner; it writes the fields autograding sets (submission
   timestamp, late penalty, each grade's ``auto_score`` and
   ``needs_manual_grade``, each comment's ``auto_comment``) from the worker's
   gradebook into the real one in one transaction per batch (10 learners or
   5 seconds, and at the end). Manual scores and comments are never written;
   if a batch cannot be written, its learners are written one by one and only
   the one that fails is reported (again) as failed.

The per-cell time limit is the assignment's own (:mod:`course.grader.cell_limit`):
the parent reads it once, says it, and hands it to the workers.

A failure in one submission (bad JSON, kernel death) is reported with
nbgrader's own message and does not stop the others; as in stock nbgrader the
failed learner's autograded folder is removed. Exit status 1 if any learner
failed, as ``nbgrader autograde``.

With PostgreSQL (``COURSE_GRADEBOOK_URL=postgresql://...``, see grading/README.md)
nothing changes: workers still grade against private SQLite snapshots, and only the
parent process writes to the shared database, so several graders can use the
Formgrader while this runs.
"""

from __future__ import annotations

import argparse
import copy
import glob
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import cell_limit, gradebook, isolation, notes, sandbox
from .nbgrader_api import coursedir, load_config, put_environment_on_path
from .notes import Note

SKIPPED_MARK = "Skipping existing assignment"
#: The parent commits finished learners to the gradebook every BATCH_SIZE learners or BATCH_SECONDS, and at the end.
BATCH_SIZE = 10
BATCH_SECONDS = 5.0
# Names the worker's private course uses for nbgrader's folders.
_WORKER_DIRS = {"source_directory": "source", "submitted_directory": "submitted",
                "autograded_directory": "autograded"}


@dataclass
class StudentResult:
    """Outcome for one learner: ``status`` is ``graded``, ``skipped`` or ``failed``."""

    student: str
    status: str
    message: str = ""
    log: str = ""
    seconds: float = 0.0
    autograded: str | None = field(default=None, repr=False)
    state: dict | None = field(default=None, repr=False)
    notes: list[Note] = field(default_factory=list)  # one-line findings for the instructor

    @property
    def success(self) -> bool:
        return self.status != "failed"


# --------------------------------------------------------------------------- learners and workers

def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def submitted_students(config, assignment: str) -> list[str]:
    """Learners with a submission folder holding at least one notebook, as nbgrader finds them."""
    cd = coursedir(config)
    pattern = cd.format_path(cd.submitted_directory, "*", assignment)
    regexp = cd.format_path(cd.submitted_directory, "(?P<student_id>.*)", re.escape(assignment), escape=True)
    found = []
    for folder in sorted(glob.glob(pattern)):
        m = re.fullmatch(regexp, folder)
        if m and glob.glob(os.path.join(folder, cd.notebook_id + ".ipynb")):
            found.append(m.group("student_id"))
    return found


# --------------------------------------------------------------------------- worker side

_WORKER: dict = {}


def _copy_tree(src: str, dest: str) -> None:
    if os.path.exists(dest):
        _remove_tree(dest)
    shutil.copytree(src, dest, symlinks=True)


def _remove_tree(path: str) -> None:
    from nbgrader.utils import rmtree

    rmtree(path)


def _course_environment() -> dict[str, str]:
    """The parent's ``COURSE_*`` settings now (e.g. ``COURSE_LANG``), for the workers and their kernels."""
    return {k: v for k, v in os.environ.items() if k.startswith("COURSE_")}


def _init_worker(config, assignment: str, base: str, snapshot: str, users=None,
                 environment: dict[str, str] | None = None) -> None:
    """Build this process's private course under ``base`` (and claim a sandbox user from ``users``).

    ``environment`` replaces the worker's ``COURSE_*`` variables: a fork server started
    earlier in a long-lived parent would otherwise hand workers the settings of that moment.
    """
    import logging
    import warnings

    if environment is not None:
        for key in [k for k in os.environ if k.startswith("COURSE_")]:
            del os.environ[key]
        os.environ.update(environment)

    from nbgrader.api import Gradebook

    from .triage import expected_cells, release_notebooks

    warnings.filterwarnings("ignore")
    put_environment_on_path()
    real = coursedir(config)
    root = tempfile.mkdtemp(prefix=f"worker-{os.getpid()}-", dir=base)
    wconfig = copy.deepcopy(config)
    wconfig.CourseDirectory.root = root
    for trait, name in _WORKER_DIRS.items():
        setattr(wconfig.CourseDirectory, trait, name)
    db = os.path.join(root, "gradebook.db")
    shutil.copy2(snapshot, db)
    wconfig.CourseDirectory.db_url = "sqlite:///" + db
    user = users.get() if users is not None else None
    if user is not None:  # kernels run as this worker's own unprivileged user
        wconfig.SandboxedExecute.sandbox_uid = user.uid
        wconfig.SandboxedExecute.sandbox_gid = user.gid
    mine = coursedir(wconfig)
    src = real.format_path(real.source_directory, ".", assignment)
    if os.path.isdir(src):
        shutil.copytree(src, mine.format_path(mine.source_directory, ".", assignment),
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    from nbgrader.apps import NbGraderAPI

    api = NbGraderAPI(coursedir=mine, config=wconfig)
    api.log.handlers[:] = [logging.NullHandler()]
    api.log.propagate = False
    with Gradebook(wconfig.CourseDirectory.db_url, mine.course_id) as gb:
        released = real.format_path(real.release_directory, ".", assignment)
        expected = expected_cells(gb, assignment, released)
    _WORKER.update(config=wconfig, real=real, mine=mine, api=api, assignment=assignment,
                   expected=expected, release=release_notebooks(released, expected),
                   set_aside=os.path.join(root, "set-aside"))


def _failure_message(result: dict) -> str:
    """nbgrader's most specific message: the exception line of the logged traceback, else its last error."""
    log = result.get("log") or ""
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            tail = [x for x in lines[i + 1:] if not x.startswith("[")]
            excs = [x for x in tail if re.match(r"^[\w.]+(Error|Exception|Interrupt)\b|^[\w.]+: ", x)]
            if excs:
                return excs[-1]
    errors = [line for line in lines if line.startswith("[ERROR]")]
    if errors:
        return errors[0][len("[ERROR] "):]
    return (result.get("error") or "unknown error").strip().splitlines()[-1]


def _grade_one(student: str, force: bool) -> StudentResult:
    from nbgrader.api import Gradebook

    from .triage import triage

    w = _WORKER
    real, mine, assignment = w["real"], w["mine"], w["assignment"]
    start = time.perf_counter()
    my_in = mine.format_path(mine.submitted_directory, student, assignment)
    _copy_tree(real.format_path(real.submitted_directory, student, assignment), my_in)
    real_out = real.format_path(real.autograded_directory, student, assignment)
    my_out = mine.format_path(mine.autograded_directory, student, assignment)
    if os.path.exists(my_out):
        _remove_tree(my_out)
    if not force and os.path.isdir(real_out):  # lets nbgrader decide to skip, exactly as it would
        _copy_tree(real_out, my_out)
    aside = os.path.join(w["set_aside"], student)
    found = list(triage(my_in, w["expected"], set_aside=aside, release=w["release"]))
    shutil.rmtree(aside, ignore_errors=True)
    if not glob.glob(os.path.join(my_in, "*.ipynb")):
        reasons = "; ".join(n.message for n in found) or "no notebook in the submission"
        return StudentResult(student, "failed", f"nothing could be graded: {reasons}",
                             seconds=time.perf_counter() - start, notes=found)
    result = w["api"].autograde(assignment, student, force=force, create=True)
    log = result.get("log") or ""
    if not result["success"]:
        status, message = "failed", _failure_message(result)
    elif SKIPPED_MARK in log:
        status, message = "skipped", "already autograded (use --force to grade again)"
    else:
        status, message = "graded", ""
    state = None
    if status != "skipped":
        with Gradebook(mine.db_url, mine.course_id) as gb:
            state = gradebook.read_state(gb, assignment, student)
    if status == "graded":
        found += notes.in_folder(my_out)
    return StudentResult(student, status, message, log + (result.get("error") or ""),
                         time.perf_counter() - start,
                         my_out if os.path.isdir(my_out) else None, state, found)


# --------------------------------------------------------------------------- parent side

def _publish_files(result: StudentResult, real, assignment: str) -> None:
    """Copy one learner's autograded folder into the real course (parent process only)."""
    if result.status == "skipped":
        return
    dest = real.format_path(real.autograded_directory, result.student, assignment)
    if result.autograded:
        staging = dest.rstrip(os.sep) + ".parallel-tmp"
        if os.path.exists(staging):
            _remove_tree(staging)
        os.makedirs(os.path.dirname(staging), exist_ok=True)
        shutil.copytree(result.autograded, staging, symlinks=True)
        if os.path.exists(dest):
            _remove_tree(dest)
        os.rename(staging, dest)
    elif os.path.exists(dest):  # nbgrader removes a failed learner's autograded folder
        _remove_tree(dest)


def _write_learner(result: StudentResult, assignment: str, gb) -> None:
    """Stage one learner's gradebook fields in ``gb``'s open transaction (no commit)."""
    if result.state is not None:
        gradebook.write_state(gb, assignment, result.student, result.state, commit=False)
    elif result.status == "failed" and result.notes:  # nothing readable: 0 everywhere, as for missing notebooks
        gradebook.zero_autograded(gb, assignment, result.student, commit=False)


class _BatchWriter:
    """The parent's gradebook writes, one transaction per batch of finished learners.

    A commit costs a disk sync (SQLite) or a round trip (PostgreSQL) and takes
    the write lock the Formgrader also needs; batching them is cheaper and
    shorter. (A learner graded for the first time first gets the empty
    submission rows nbgrader creates, committed as nbgrader does.) If a batch
    fails, it is rolled back and its learners are written one by one, so one
    learner's failure never loses the others; :meth:`flush` returns the
    learners whose write failed, with the exception.
    """

    def __init__(self, gb, assignment: str, size: int = 10, seconds: float = 5.0):
        self.gb, self.assignment, self.size, self.seconds = gb, assignment, size, seconds
        self.pending: list[StudentResult] = []
        self.since = time.monotonic()

    def add(self, result: StudentResult) -> None:
        if result.state is None and not (result.status == "failed" and result.notes):
            return  # nothing to write (skipped, or failed with nothing readable)
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(result)

    def due(self) -> bool:
        return len(self.pending) >= self.size or (
            bool(self.pending) and time.monotonic() - self.since >= self.seconds)

    def flush(self) -> list[tuple[StudentResult, Exception]]:
        batch, self.pending = self.pending, []
        if not batch:
            return []
        try:
            for result in batch:  # rows of first-time submissions (nbgrader commits these as it creates them)
                gradebook.ensure_submission(self.gb, self.assignment, result.student)
            for result in batch:  # then every learner's fields in one transaction
                _write_learner(result, self.assignment, self.gb)
            self.gb.db.commit()
            return []
        except Exception:
            self.gb.db.rollback()
        failed = []
        for result in batch:  # one by one: keep everyone who can be written
            try:
                _write_learner(result, self.assignment, self.gb)
                self.gb.db.commit()
            except Exception as exc:
                self.gb.db.rollback()
                failed.append((result, exc))
        return failed


def _context():
    """Workers start from a clean process (never a fork of a parent that may hold kernels or
    database connections): a fork server that has imported nbgrader once, else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["course.grader.lean_imports", "nbgrader.apps", "nbgrader.api",
                                    "nbgrader.converters", "nbclient", "jupyter_client"])
        return ctx
    return multiprocessing.get_context("spawn")


def parallel_autograde(config, assignment: str, students: list[str] | None = None, workers: int | None = None,
                       force: bool = False, report=None, tmp_dir: str | None = None,
                       isolate: bool = False, say=print) -> list[StudentResult]:
    """Autograde ``assignment`` for ``students`` (default: every submission) in ``workers`` processes.

    ``report(result)`` is called in the parent as each learner finishes.
    With ``isolate`` (root only) learner code runs as one unprivileged
    sandbox user per worker (see ``course.grader.sandbox``).
    Returns one :class:`StudentResult` per learner, in the order given.
    Raises ``RuntimeError`` when the assignment is not in the gradebook or
    isolation is asked for and impossible.
    """
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    put_environment_on_path()
    real = coursedir(config)
    if students is None:
        students = submitted_students(config, assignment)
    excluded = set(filter(None, (real.student_id_exclude or "").split(",")))
    results: dict[str, StudentResult] = {}
    todo = []
    for s in dict.fromkeys(students):
        folder = real.format_path(real.submitted_directory, s, assignment)
        if s in excluded:
            results[s] = StudentResult(s, "skipped", "excluded by CourseDirectory.student_id_exclude")
        elif not glob.glob(os.path.join(folder, real.notebook_id + ".ipynb")):
            results[s] = StudentResult(s, "failed", f"No notebooks were matched by '{folder}'")
        else:
            todo.append(s)
    create = config.Autograde.get("create_student", True) if "Autograde" in config else True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(real.db_url, real.course_id) as gb:
            try:
                gb.find_assignment(assignment)
            except MissingEntry:
                raise RuntimeError(f"No assignment with ID '{assignment}' exists in the database "
                                   "(run nbgrader generate_assignment first)") from None
            if create:
                for s in todo:
                    gb.update_or_create_student(s)
    if not todo:
        return [results[s] for s in dict.fromkeys(students)]

    workers = max(1, min(workers or default_workers(), len(todo)))
    ctx = _context()
    users = None
    if isolate:
        if not sandbox.can_isolate():
            raise RuntimeError("--isolate needs root: it starts each learner's kernel as an unprivileged "
                               "user (e.g. sudo .venv/bin/python -m course.grader.parallel ... --isolate)")
        accounts = sandbox.sandbox_users(workers)
        isolation.prepare(config, assignment, accounts, say=say)
        users = ctx.SimpleQueue()
        for account in accounts:
            users.put(account)
    root_stat = os.stat(real.root)
    limit = cell_limit.resolve(config, assignment)
    say(f"Per-cell time limit for {assignment}: {limit.why}")
    wconfig = copy.deepcopy(config)
    wconfig.SandboxedExecute.cell_limit = limit.seconds  # workers' private courses hold no release folder

    def finished(result: StudentResult) -> None:
        results[result.student] = result
        if result.status != "skipped":
            notes.record_run(config, assignment, result.student,
                             notes.LearnerRun(result.status, result.message, result.notes))
        if report:
            report(result)

    def write_failed(failures) -> None:
        for result, exc in failures:
            dest = real.format_path(real.autograded_directory, result.student, assignment)
            if os.path.exists(dest):  # not in the gradebook: not autograded, as nbgrader would leave it
                _remove_tree(dest)
            finished(StudentResult(result.student, "failed",
                                   f"graded, but the gradebook write failed: {type(exc).__name__}: {exc}",
                                   result.log, result.seconds, notes=result.notes))

    base = tempfile.mkdtemp(prefix="nbgrader-parallel-", dir=tmp_dir)
    try:
        snapshot = os.path.join(base, "snapshot.db")
        gradebook.snapshot(real.db_url, Path(snapshot), real.course_id)
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(wconfig, assignment, base, snapshot, users,
                                           _course_environment())) as pool, \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            futures = {pool.submit(_grade_one, s, force): s for s in todo}
            with Gradebook(real.db_url, real.course_id) as gb:
                writer = _BatchWriter(gb, assignment, BATCH_SIZE, BATCH_SECONDS)
                waiting = set(futures)
                try:
                    while waiting:
                        done, waiting = wait(waiting, timeout=writer.seconds, return_when=FIRST_COMPLETED)
                        for future in done:
                            s = futures[future]
                            try:
                                result = future.result()
                                _publish_files(result, real, assignment)
                                isolation.give_back(real.format_path(real.autograded_directory, s, assignment),
                                                    root_stat.st_uid, root_stat.st_gid)
                            except Exception as exc:  # a worker died (e.g. out of memory) or copying back failed
                                result = StudentResult(s, "failed", f"{type(exc).__name__}: {exc}")
                            writer.add(result)
                            finished(result)
                        if writer.due():
                            write_failed(writer.flush())
                finally:  # also on Ctrl-C: every learner reported as graded is in the gradebook
                    write_failed(writer.flush())
    finally:
        shutil.rmtree(base, ignore_errors=True)
    isolation.give_back(str(notes.run_file(config, assignment)), root_stat.st_uid, root_stat.st_gid)
    return [results[s] for s in dict.fromkeys(students)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.grader.parallel",
        description="Autograde an assignment in parallel, with the same results as `nbgrader autograde`.")
    parser.add_argument("assignment", help="assignment id, e.g. 01-nervous-system")
    parser.add_argument("--workers", type=int, default=None,
                        help=f"worker processes (default: number of CPUs, here {default_workers()})")
    parser.add_argument("--student", nargs="+", action="extend", metavar="ID",
                        help="grade only these learners (default: every submission)")
    parser.add_argument("--force", action="store_true",
                        help="grade again learners already autograded (as nbgrader autograde --force)")
    parser.add_argument("--isolate", action="store_true",
                        help="run learner code as unprivileged sandbox users that cannot read the gradebook, "
                             "hidden tests or other learners' work (needs root; see grading/README.md)")
    parser.add_argument("--verbose", action="store_true", help="print nbgrader's full log for failures")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")

    start = time.perf_counter()
    from . import lean_imports  # here, not at the top: only the command's own processes skip the import

    lean_imports.apply()
    if _context().get_start_method() == "forkserver":
        # Start the fork server now: it imports nbgrader on the other core while this process does the same.
        from multiprocessing import forkserver
        forkserver.ensure_running()
    config = load_config()
    reported = set()

    def report(r: StudentResult) -> None:
        reported.add(r.student)
        line = f"{r.status.upper():<8} {r.student:<24} {r.seconds:6.1f}s"
        print(line + (f"  {r.message}" if r.message else ""), flush=True)
        for n in r.notes:
            print(f"         - {'TAMPERING ' if n.tampering else ''}{n.notebook}: {n.message}", flush=True)
        if args.verbose and r.status == "failed" and r.log:
            print(r.log, flush=True)

    try:
        gradebook.check_connection(coursedir(config).db_url)  # a wrong COURSE_GRADEBOOK_URL: one sentence
        results = parallel_autograde(config, args.assignment, args.student, args.workers, args.force, report,
                                     isolate=args.isolate)
    except (RuntimeError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for r in results:  # learners never sent to a worker (excluded, no notebooks)
        if r.student not in reported:
            report(r)
    counts = {k: sum(r.status == k for r in results) for k in ("graded", "skipped", "failed")}
    print(f"{args.assignment}: {counts['graded']} graded, {counts['skipped']} skipped, "
          f"{counts['failed']} failed in {time.perf_counter() - start:.1f}s", flush=True)
    if not results:
        print(f"No submissions found for {args.assignment}.", file=sys.stderr)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
