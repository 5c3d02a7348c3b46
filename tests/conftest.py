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
