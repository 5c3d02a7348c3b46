"""Shared fixtures: one throw-away nbgrader course per test session."""

from __future__ import annotations

import pytest

from course.grader import nbgrader_api as grading


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory):
    """A copy of the course with every assignment's student version generated.

    Returns ``(root, config)``; nothing is written to the real grading/ folder.
    """
    root = tmp_path_factory.mktemp("course")
    config = grading.make_course(root)
    for name in grading.assignments():
        grading.generate(config, name)
    return root, config


@pytest.fixture(scope="session")
def bokmal_modules(tmp_path_factory):
    """The bokmål edition of modules/, generated once per session from the English source and the catalogues."""
    from course.i18n.build import build

    out = tmp_path_factory.mktemp("bokmal") / "modules"
    build(out, "nb")
    return out


@pytest.fixture(scope="session")
def bokmal_course(tmp_path_factory, bokmal_modules):
    """A throw-away nbgrader course whose source is the bokmål edition; returns ``(root, config)``."""
    root = tmp_path_factory.mktemp("course-nb")
    config = grading.make_course(root, bokmal_modules, lang="nb")
    for name in grading.assignments(bokmal_modules):
        grading.generate(config, name)
    return root, config


@pytest.fixture(scope="session")
def postgres_server():
    """One throw-away PostgreSQL server per session (tests/postgres_server.py), stopped and removed at the end.

    Tests call ``postgres_server.create_database(name)`` for a fresh database of their own.
    """
    from postgres_server import PostgresServer, why_not_runnable

    reason = why_not_runnable()
    if reason:
        pytest.skip(f"The PostgreSQL gradebook tests cannot run because {reason}.")
    with PostgresServer() as server:
        yield server
