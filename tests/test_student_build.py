"""Building the learners' copy: no answers leak, and a learner's work is never overwritten."""

from __future__ import annotations

import json

import pytest

from course.publish import student
from course.paths import MODULES_DIR

PILOT = "01-nervous-system/01-hrv-basics.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    log = student.build(out)
    return out, log


def test_build_writes_start_page_and_student_lessons(built):
    out, log = built
    assert (out / "START-HERE.ipynb").exists()
    lesson = (out / PILOT).read_text(encoding="utf-8")
    assert "raise NotImplementedError()" in lesson
    assert "BEGIN SOLUTION" not in lesson and "BEGIN HIDDEN TESTS" not in lesson
    assert any(PILOT.split("/")[1] in line for line in log)


def test_start_page_links_resolve_in_the_student_copy(built):
    out, _ = built
    start = json.loads((out / "START-HERE.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in start["cells"])
    assert f"({PILOT})" in text
    assert (out / PILOT).exists()


def test_rebuild_keeps_learner_work_and_offers_the_update(built, tmp_path):
    out, _ = built
    learner_copy = out / PILOT
    learner_copy.write_text(learner_copy.read_text(encoding="utf-8").replace(
        "raise NotImplementedError()", "return 42", 1), encoding="utf-8")
    mine = learner_copy.read_text(encoding="utf-8")

    log = student.build(out)
    assert learner_copy.read_text(encoding="utf-8") == mine
    update = learner_copy.with_name("01-hrv-basics.new.ipynb")
    assert update.exists() and "raise NotImplementedError()" in update.read_text(encoding="utf-8")
    assert any("kept your 01-hrv-basics.ipynb" in line for line in log)


def test_unchanged_rebuild_is_silent(tmp_path):
    out = tmp_path / "student"
    student.build(out)
    assert student.build(out) == []
    assert (MODULES_DIR / "START-HERE.ipynb").read_bytes() == (out / "START-HERE.ipynb").read_bytes()
