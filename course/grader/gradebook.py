"""The gradebook state autograding writes: take a private snapshot, read one learner's state, write it back.

Parallel autograding (:mod:`course.grader.parallel`) grades every learner
against a private SQLite copy of the gradebook (:func:`snapshot`) and the
parent process alone writes the real one. These functions move exactly the
fields ``nbgrader autograde`` sets (submission timestamp, late penalty, each
grade's ``auto_score`` and ``needs_manual_grade``, each comment's
``auto_comment``); manual scores and comments are never written. With
``commit=False`` the caller commits a whole batch of learners at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import CourseError


class GradebookUnavailable(CourseError, RuntimeError):
    """The gradebook database cannot be opened: wrong address or password, server down, driver missing."""


def check_connection(db_url: str) -> None:
    """Raise :class:`GradebookUnavailable` with one sentence if the database at ``db_url`` cannot be reached.

    A SQLite file is left to the caller (a missing file means "nothing graded yet").
    The sentence shows the address without its password.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    where = "COURSE_GRADEBOOK_URL" if os.environ.get("COURSE_GRADEBOOK_URL") == db_url else "CourseDirectory.db_url"
    try:
        url = make_url(db_url)
    except ArgumentError:
        raise GradebookUnavailable(f"The gradebook address in {where} is not a database URL; "
                                   "it should look like postgresql://user:password@host:5432/database.") from None
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        return
    try:
        engine = create_engine(url)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise GradebookUnavailable(f"Cannot open the gradebook at {shown} ({where}): the database driver it "
                                   f"needs is not installed ({exc}).") from None
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        # the driver's first line says what failed (later lines are hints, e.g. "Is the server running ...?")
        lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
        reason = " ".join((lines[0] if lines else type(exc.orig).__name__).split())
        reason = reason.removeprefix("connection failed: ")
        raise GradebookUnavailable(f"Cannot open the gradebook at {shown} ({where}): {reason.rstrip('.')}. "
                                   "Check the address, user name and password "
                                   "(deploy/README.md, PostgreSQL gradebook).") from None
    finally:
        engine.dispose()


def snapshot(db_url: str, dest: Path, course_id: str, row_copy: bool | None = None) -> None:
    """Copy the gradebook at ``db_url`` into a new SQLite file ``dest``.

    SQLite gradebooks are copied with SQLite's online backup (consistent even
    while the Formgrader writes); any other database (PostgreSQL, MySQL) is
    copied table by table through SQLAlchemy. ``row_copy=True`` forces the latter.
    The copy holds every row, the course's (``course_id``) included.
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

    from nbgrader.api import Base
    from sqlalchemy import inspect, text

    source, target = create_engine(db_url, future=True), create_engine(f"sqlite:///{dest}", future=True)
    try:
        with source.connect() as s, target.begin() as t:
            # nbgrader's schema and the source's alembic stamp, without nbgrader's Gradebook(), which
            # runs the `alembic` command (seconds) for every new file.
            Base.metadata.create_all(t)
            t.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
            t.execute(text("DELETE FROM alembic_version"))
            version = None
            if inspect(s).has_table("alembic_version"):
                version = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if version:
                t.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
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


def ensure_submission(gb, assignment: str, student: str):
    """The learner's submission row, created (with its notebooks, grades and comments) if missing.

    Unlike nbgrader's ``update_or_create_submission`` it commits only when it
    creates rows, so writes staged for other learners stay one transaction.
    """
    from nbgrader.api import MissingEntry

    try:
        return gb.find_submission(assignment, student)
    except MissingEntry:
        return gb.add_submission(assignment, student)


def write_state(gb, assignment: str, student: str, state: dict, commit: bool = True) -> None:
    """Write ``state`` (from :func:`read_state`) into gradebook ``gb``; manual fields are left alone.

    ``commit=False`` leaves the commit to the caller (one transaction for a batch of learners).
    """
    sub = ensure_submission(gb, assignment, student)
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
    if commit:
        gb.db.commit()


def zero_autograded(gb, assignment: str, student: str, commit: bool = True) -> None:
    """Score 0 on every grade of a submission nothing could be read from (as for missing notebooks)."""
    sub = ensure_submission(gb, assignment, student)
    for nb in sub.notebooks:
        for g in nb.grades:
            g.auto_score, g.needs_manual_grade = 0, False
    if commit:
        gb.db.commit()

