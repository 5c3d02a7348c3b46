"""Shared fixtures (one throw-away nbgrader course per test session), and the session's hooks.

``./course.sh test`` runs the suite in two pytest-xdist processes, a test file
at a time each (``--dist loadfile``: a notebook's nbval cells share a kernel):
session fixtures are built once per process, files that create or use system
users take turns (:func:`system_users_to_myself`), and the accessibility
audit's pages are merged from both processes at the end.
"""

from __future__ import annotations

import fcntl
import os
import tempfile

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


@pytest.fixture(scope="module")
def system_users_to_myself():
    """Hold the machine's test system users (sandbox users, hub users) for one test file at a time.

    Files that create OS users, or run kernels as the sandbox users and kill those users'
    processes afterwards, must not overlap when pytest-xdist runs two files at once.
    """
    path = os.path.join(tempfile.gettempdir(), "clinician-course-tests-system-users.lock")
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    if not _is_worker(session.config):
        from browser import axe_audit
        axe_audit.clear_parts()


def pytest_sessionfinish(session, exitstatus):
    """The accessibility audit's report (build/accessibility/), written even when tests failed."""
    from browser import axe_audit

    if _is_worker(session.config):
        axe_audit.save_part(session.config.workerinput["workerid"])
    elif axe_audit.merge_parts():
        axe_audit.write_report(axe_audit.RESULTS)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """JupyterLab's own accessibility violations (reported upstream, not failed on), and any allowed ones."""
    from browser import axe_audit

    results = axe_audit.RESULTS
    if _is_worker(config) or not results:
        return
    write = terminalreporter.write_line
    terminalreporter.section("accessibility audit (axe-core)")
    course = sum(r.count("course") for r in results)
    failing = sum(len(r.failing()) for r in results)
    write(f"{len(results)} page(s) audited with axe-core {results[0].axe_version} "
          f"({min(r.rules_checked for r in results)}-{max(r.rules_checked for r in results)} rules each): "
          f"{course} violation(s) in the course's content (allowed ones left out), "
          f"{failing} of them serious or critical; "
          f"report: {(axe_audit.REPORT_DIR / 'axe-report.json').relative_to(axe_audit.REPO_ROOT)}")
    lines = axe_audit.jupyterlab_summary(results)
    if lines:
        write("JupyterLab's own interface (not the course's content; for upstream reports):")
        for line in lines:
            write(f"  {line}")
    for line in axe_audit.allowed_summary(results):
        write(f"  allowed: {line}")
