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
   real gradebook) copies ``autograded/<learner>/<assignment>`` back and writes
   the fields autograding sets (submission timestamp, late penalty, each
   grade's ``auto_score`` and ``needs_manual_grade``, each comment's
   ``auto_comment``) from the worker's gradebook into the real one. Manual
   scores and comments are never written.

A failure in one submission (bad JSON, kernel death) is reported with
nbgrader's own message and does not stop the others; as in stock nbgrader the
failed learner's autograded folder is removed. Exit status 1 if any learner
failed, as ``nbgrader autograde``.

With PostgreSQL (``c.CourseDirectory.db_url = "postgresql://..."``) nothing
changes: workers still grade against private SQLite snapshots, and only the
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
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

SKIPPED_MARK = "Skipping existing assignment"
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
    notes: list = field(default_factory=list)  # one-line findings: {"notebook", "kind", "message", "tampering"}

    @property
    def success(self) -> bool:
        return self.status != "failed"


# --------------------------------------------------------------------------- configuration

def load_nbgrader_config(root: str | os.PathLike | None = None):
    """The configuration ``nbgrader`` would use when started in ``root`` (default: the current folder)."""
    from nbgrader.apps.baseapp import NbGrader

    here = os.getcwd()
    if root is not None:
        os.chdir(root)
    try:
        app = NbGrader()
        app.load_config_file()
        return copy.deepcopy(app.config)
    finally:
        os.chdir(here)


def _coursedir(config):
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config)


def _put_environment_on_path() -> None:
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def submitted_students(config, assignment: str) -> list[str]:
    """Learners with a submission folder holding at least one notebook, as nbgrader finds them."""
    cd = _coursedir(config)
    pattern = cd.format_path(cd.submitted_directory, "*", assignment)
    regexp = cd.format_path(cd.submitted_directory, "(?P<student_id>.*)", re.escape(assignment), escape=True)
    found = []
    for folder in sorted(glob.glob(pattern)):
        m = re.fullmatch(regexp, folder)
        if m and glob.glob(os.path.join(folder, cd.notebook_id + ".ipynb")):
            found.append(m.group("student_id"))
    return found


# --------------------------------------------------------------------------- gradebook

def snapshot_gradebook(db_url: str, dest: Path, course_id: str, row_copy: bool | None = None) -> None:
    """Copy the gradebook at ``db_url`` into a new SQLite file ``dest``.

    SQLite gradebooks are copied with SQLite's online backup (consistent even
    while the Formgrader writes); any other database (PostgreSQL, MySQL) is
    copied table by table through SQLAlchemy. ``row_copy=True`` forces the latter.
    """
    import sqlite3

    from sqlalchemy import create_engine, select
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    is_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if row_copy is None:
        row_copy = not is_file
    if not row_copy:
        src = sqlite3.connect(Path(url.database).resolve().as_uri() + "?mode=ro", uri=True)
        dst = sqlite3.connect(str(dest))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return

    from nbgrader.api import Base, Gradebook

    _put_environment_on_path()
    Gradebook(f"sqlite:///{dest}", course_id).close()  # schema, alembic stamp, course row
    source, target = create_engine(db_url, future=True), create_engine(f"sqlite:///{dest}", future=True)
    try:
        with source.connect() as s, target.begin() as t:
            for table in reversed(Base.metadata.sorted_tables):
                t.execute(table.delete())
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in s.execute(select(table))]
                if rows:
                    t.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()


def read_state(gb, assignment: str, student: str) -> dict | None:
    """The gradebook fields ``nbgrader autograde`` writes for one submission (``None``: no submission)."""
    from nbgrader.api import MissingEntry

    try:
        sub = gb.find_submission(assignment, student)
    except MissingEntry:
        return None
    return {
        "timestamp": sub.timestamp,
        "notebooks": {
            nb.name: {
                "late_submission_penalty": nb.late_submission_penalty,
                "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
            }
            for nb in sub.notebooks
        },
    }


def write_state(gb, assignment: str, student: str, state: dict) -> None:
    """Write ``state`` (from :func:`read_state`) into gradebook ``gb``; manual fields are left alone."""
    sub = gb.update_or_create_submission(assignment, student)
    sub.timestamp = state["timestamp"]
    for nb in sub.notebooks:
        saved = state["notebooks"].get(nb.name)
        if saved is None:
            continue
        nb.late_submission_penalty = saved["late_submission_penalty"]
        for g in nb.grades:
            if g.name in saved["grades"]:
                g.auto_score, g.needs_manual_grade = saved["grades"][g.name]
        for c in nb.comments:
            if c.name in saved["comments"]:
                c.auto_comment = saved["comments"][c.name]
    gb.db.commit()


# --------------------------------------------------------------------------- worker side

_WORKER: dict = {}


def _copy_tree(src: str, dest: str) -> None:
    if os.path.exists(dest):
        _remove_tree(dest)
    shutil.copytree(src, dest, symlinks=True)


def _remove_tree(path: str) -> None:
    from nbgrader.utils import rmtree

    rmtree(path)


def _init_worker(config, assignment: str, base: str, snapshot: str, users=None) -> None:
    """Build this process's private course under ``base`` (and claim a sandbox user from ``users``)."""
    import logging
    import warnings

    from nbgrader.api import Gradebook

    from .triage import expected_cells, release_notebooks

    warnings.filterwarnings("ignore")
    _put_environment_on_path()
    real = _coursedir(config)
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
        wconfig.CourseExecute.sandbox_uid = user.uid
        wconfig.CourseExecute.sandbox_gid = user.gid
    mine = _coursedir(wconfig)
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


def _graded_notes(folder: str) -> list[dict]:
    """The notes ``course.grader.preprocessors`` left in each autograded notebook of ``folder``."""
    import nbformat

    from .preprocessors import notes_of

    out = []
    for path in sorted(glob.glob(os.path.join(folder, "*.ipynb"))):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:
            continue
        out += [dict(n, notebook=os.path.basename(path)) for n in notes_of(nb)]
    return out


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
    notes = [n.as_dict() for n in triage(my_in, w["expected"], set_aside=aside, release=w["release"])]
    shutil.rmtree(aside, ignore_errors=True)
    if not glob.glob(os.path.join(my_in, "*.ipynb")):
        reasons = "; ".join(n["message"] for n in notes) or "no notebook in the submission"
        return StudentResult(student, "failed", f"nothing could be graded: {reasons}",
                             seconds=time.perf_counter() - start, notes=notes)
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
            state = read_state(gb, assignment, student)
    if status == "graded":
        notes += _graded_notes(my_out)
    return StudentResult(student, status, message, log + (result.get("error") or ""),
                         time.perf_counter() - start,
                         my_out if os.path.isdir(my_out) else None, state, notes)


# --------------------------------------------------------------------------- parent side

def _publish(result: StudentResult, real, assignment: str, gb) -> None:
    """Copy one learner's results into the real course (parent process only)."""
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
    if result.state is not None:
        write_state(gb, assignment, result.student, result.state)
    elif result.status == "failed" and result.notes:  # nothing readable: 0 everywhere, as for missing notebooks
        sub = gb.update_or_create_submission(assignment, result.student)
        for nb in sub.notebooks:
            for g in nb.grades:
                g.auto_score, g.needs_manual_grade = 0, False
        gb.db.commit()


def notes_path(config, assignment: str) -> Path:
    """Where the one-line grading notes of ``assignment`` are kept (inside the git-ignored autograded folder)."""
    cd = _coursedir(config)
    return Path(cd.format_path(cd.autograded_directory, ".", ".")).resolve() / f".notes-{assignment}.json"


def read_notes(config, assignment: str) -> dict:
    """Student id -> ``{"status", "message", "notes": [...]}`` from the last run of this command."""
    import json

    path = notes_path(config, assignment)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_notes(config, assignment: str, results: list[StudentResult]) -> None:
    import json

    path = notes_path(config, assignment)
    data = read_notes(config, assignment)
    for r in results:
        if r.status != "skipped":
            data[r.student] = {"status": r.status, "message": r.message, "notes": r.notes}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- isolation

def sensitive_paths(config, assignment: str) -> list[str]:
    """What learner code must not read: gradebook, hidden tests, everyone's work, the exchange's inboxes."""
    from sqlalchemy.engine import make_url

    cd = _coursedir(config)
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
    seen, out = set(), []
    for p in paths:
        p = os.path.realpath(p)
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _needed_paths() -> list[str]:
    """What a grading kernel must read: the Python environment and the course package with its data."""
    from ..paths import REPO_ROOT

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    needed = [os.path.realpath(sys.executable), package]
    datasets = os.path.join(REPO_ROOT, "datasets")
    if os.path.isdir(datasets):
        needed.append(datasets)
    return needed


def prepare_isolation(config, assignment: str, users, say=print) -> None:
    """Make sure the sandbox users can read what a kernel needs and nothing private.

    Folders under the course root that a sandbox user can read are closed to
    other users (``chmod o-rwx`` on the top folder holding them, e.g.
    ``grading/`` or ``modules/``). Raises ``RuntimeError`` when that is not
    enough or the course's environment is not readable by them.
    """
    from .sandbox import private_paths_readable_by

    user = users[0]
    needed = _needed_paths()
    private = sensitive_paths(config, assignment)
    try:
        readable = set(private_paths_readable_by(user, needed + private))
    except Exception as exc:
        raise RuntimeError(f"a sandbox user cannot run this course's Python ({sys.executable}): {exc}. "
                           "Run `python -m course.grader.sandbox_setup` once (as root) to prepare this machine.") from None
    missing = [p for p in needed if p not in readable]
    if missing:
        raise RuntimeError("the sandbox users cannot read " + ", ".join(missing) +
                           ": run `python -m course.grader.sandbox_setup` once (as root) to prepare this machine.")
    exposed = [p for p in private if p in readable]
    if not exposed:
        return
    root = os.path.realpath(_coursedir(config).root)
    closed = set()
    for p in exposed:
        rel = os.path.relpath(p, root)
        top = p if rel.startswith("..") else os.path.join(root, rel.split(os.sep)[0])
        if top not in closed:
            mode = os.stat(top).st_mode
            os.chmod(top, mode & ~0o007)
            closed.add(top)
            say(f"made {top} private (chmod o-rwx): learner code runs as another user and must not read it")
    still = [p for p in private_paths_readable_by(user, private)]
    if still:
        raise RuntimeError("learner code could still read " + ", ".join(still) +
                           ": restrict these paths to the instructor (chmod o-rwx) and try again.")


def _match_owner(path: str, uid: int, gid: int) -> None:
    """Give files written by root (isolated grading) back to the course's owner."""
    if not os.path.exists(path) or os.geteuid() != 0 or uid == 0:
        return
    os.chown(path, uid, gid)
    if os.path.isdir(path):
        for folder, dirs, files in os.walk(path):
            for name in dirs + files:
                os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def _context():
    """Workers start from a clean process (never a fork of a parent that may hold kernels or
    database connections): a fork server that has imported nbgrader once, else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["nbgrader.apps", "nbgrader.api",
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

    _put_environment_on_path()
    real = _coursedir(config)
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
        from . import sandbox

        if not sandbox.can_isolate():
            raise RuntimeError("--isolate needs root: it starts each learner's kernel as an unprivileged "
                               "user (e.g. sudo .venv/bin/python -m course.grader.parallel ... --isolate)")
        accounts = sandbox.sandbox_users(workers)
        prepare_isolation(config, assignment, accounts, say=say)
        users = ctx.SimpleQueue()
        for account in accounts:
            users.put(account)
    root_stat = os.stat(real.root)
    base = tempfile.mkdtemp(prefix="nbgrader-parallel-", dir=tmp_dir)
    try:
        snapshot = os.path.join(base, "snapshot.db")
        snapshot_gradebook(real.db_url, Path(snapshot), real.course_id)
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(config, assignment, base, snapshot, users)) as pool, \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            futures = {pool.submit(_grade_one, s, force): s for s in todo}
            with Gradebook(real.db_url, real.course_id) as gb:
                for future in as_completed(futures):
                    s = futures[future]
                    try:
                        result = future.result()
                        _publish(result, real, assignment, gb)
                        _match_owner(real.format_path(real.autograded_directory, s, assignment),
                                     root_stat.st_uid, root_stat.st_gid)
                    except Exception as exc:  # a worker died (e.g. out of memory) or copying back failed
                        result = StudentResult(s, "failed", f"{type(exc).__name__}: {exc}")
                    results[s] = result
                    _save_notes(config, assignment, [result])
                    if report:
                        report(result)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    _match_owner(str(notes_path(config, assignment)), root_stat.st_uid, root_stat.st_gid)
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

    config = load_nbgrader_config()
    start = time.perf_counter()
    reported = set()

    def report(r: StudentResult) -> None:
        reported.add(r.student)
        line = f"{r.status.upper():<8} {r.student:<24} {r.seconds:6.1f}s"
        print(line + (f"  {r.message}" if r.message else ""), flush=True)
        for n in r.notes:
            flag = "TAMPERING " if n.get("tampering") else ""
            print(f"         - {flag}{n.get('notebook', '')}: {n['message']}", flush=True)
        if args.verbose and r.status == "failed" and r.log:
            print(r.log, flush=True)

    try:
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
