"""Saving and restoring a learner's answers (course.progress): the Binder safety net."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import nbformat
import pytest

from course import __version__, feedback, progress
from course.grader import nbgrader_api as grading
from course.publish import student
from course.errors import DataError
from course.paths import MODULES_DIR, REPO_ROOT

PILOT = "01-nervous-system/01-hrv-basics.ipynb"
SECOND = "03-mbrp/03-measuring-change.ipynb"
WRITTEN = "My own reflection: RMSSD depends on breathing and on how long the recording is."


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """One fresh build of the student notebooks, copied (not rebuilt) for each test."""
    out = tmp_path_factory.mktemp("pristine") / "student"
    student.build(out)
    return out


@pytest.fixture
def fresh(pristine, tmp_path):
    def make(name):
        target = tmp_path / name
        shutil.copytree(pristine, target)
        return target
    return make


def _answers(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _answer_two_lessons(folder):
    """Write answers as a learner would: the solutions in the pilot, a written answer, one code answer elsewhere."""
    path = folder / PILOT
    answered = grading.fill_answers(nbformat.read(path, as_version=4),
                                    nbformat.read(MODULES_DIR / PILOT, as_version=4),
                                    written_answer=WRITTEN)
    nbformat.write(answered, path)
    other = folder / SECOND
    nb = nbformat.read(other, as_version=4)
    first_code = next(c for c in _answers(nb).values() if c.cell_type == "code")
    first_code.source = "def my_answer():\n    return 42  # ø and é survive too\n"
    nbformat.write(nb, other)
    return {PILOT: {g: c.source for g, c in _answers(answered).items()},
            SECOND: {g: c.source for g, c in _answers(nb).items()}}


def _non_answer_cells(nb):
    return [(c.cell_type, c.source, c.metadata, c.get("outputs")) for c in nb.cells
            if not c.metadata.get("nbgrader", {}).get("solution")]


def test_round_trip_puts_answers_back_and_leaves_other_cells_alone(pristine, fresh, tmp_path):
    worked = fresh("worked")
    expected = _answer_two_lessons(worked)
    report = progress.save(worked, tmp_path / "progress.json")
    assert report.notebooks == 13 and report.answers >= 40 and report.skipped == []

    data = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    assert data["format"] == progress.FORMAT and data["format_version"] == progress.FORMAT_VERSION
    assert data["course_version"] == __version__
    assert datetime.fromisoformat(data["saved_at"]).tzinfo is not None
    assert "START-HERE.ipynb" not in data["notebooks"]  # no answer cells there
    assert data["notebooks"][PILOT]["answers"]["reflection-hrv-limits"] == {"cell_type": "markdown", "source": WRITTEN}

    new = fresh("new")
    before = {key: nbformat.read(new / key, as_version=4) for key in expected}
    result = progress.restore(tmp_path / "progress.json", new)
    assert result.problems == 0 and result.notes == []

    for key, answers in expected.items():
        nb = nbformat.read(new / key, as_version=4)
        assert {g: c.source for g, c in _answers(nb).items()} == answers
        assert _non_answer_cells(nb) == _non_answer_cells(before[key])
        assert [c.cell_type for c in nb.cells] == [c.cell_type for c in before[key].cells]
        backup = (new / key).with_name((new / key).stem + ".before-restore.ipynb")
        assert nbformat.read(backup, as_version=4) == before[key]

    pilot = result.get(PILOT)
    assert sorted(pilot.restored) == sorted(expected[PILOT]) and pilot.backup is not None
    # The second lesson had one answer; its other answer cells still hold the stub, already as saved.
    assert len(result.get(SECOND).restored) == 1 and result.get(SECOND).unchanged
    # Untouched lessons are not rewritten and get no backup.
    untouched = "02-exposure-critique/01-claims-and-citations.ipynb"
    assert result.get(untouched).restored == []
    assert not list(new.rglob("01-claims-and-citations.before-restore*.ipynb"))
    assert (new / untouched).read_bytes() == (pristine / untouched).read_bytes()
    assert "restored" in "\n".join(result.lines())


def test_restoring_twice_keeps_the_first_backup(fresh, tmp_path):
    worked = fresh("worked")
    _answer_two_lessons(worked)
    progress.save(worked, tmp_path / "p.json")
    new = fresh("new")
    progress.restore(tmp_path / "p.json", new)
    second = progress.restore(tmp_path / "p.json", new)
    assert second.restored == 0  # everything already as saved: nothing rewritten
    assert not (new / PILOT).with_name("01-hrv-basics.before-restore-2.ipynb").exists()
    first_backup = (new / PILOT).with_name("01-hrv-basics.before-restore.ipynb")
    assert feedback.STUB_CALL in first_backup.read_text(encoding="utf-8")


def test_save_ignores_updates_backups_and_checkpoints(fresh, tmp_path):
    worked = fresh("worked")
    for extra in ("01-hrv-basics.new.ipynb", "01-hrv-basics.before-restore.ipynb"):
        shutil.copy2(worked / PILOT, (worked / PILOT).with_name(extra))
    (worked / "01-nervous-system" / ".ipynb_checkpoints").mkdir()
    shutil.copy2(worked / PILOT, worked / "01-nervous-system" / ".ipynb_checkpoints" / "01-hrv-basics-checkpoint.ipynb")
    (worked / "03-mbrp" / "broken.ipynb").write_text("{ not a notebook", encoding="utf-8")
    data, report = progress.collect(worked)
    assert all(".new." not in k and "before-restore" not in k and "checkpoint" not in k for k in data["notebooks"])
    assert report.notebooks == 13
    assert report.skipped == ["03-mbrp/broken.ipynb could not be read as a notebook (NotJSONError)."]


def test_restore_reports_what_it_could_not_do(fresh, tmp_path):
    worked = fresh("worked")
    _answer_two_lessons(worked)
    data, _ = progress.collect(worked)
    pilot = data["notebooks"][PILOT]["answers"]
    pilot["ex9-gone-answer"] = {"cell_type": "code", "source": "x = 1"}
    pilot["ex1-mean-heart-rate-answer"]["cell_type"] = "markdown"  # as if the lesson had changed the cell's type
    data["notebooks"]["04-new-module/01-lesson.ipynb"] = {"answers": {"a": {"cell_type": "code", "source": ""}}}
    (tmp_path / "p.json").write_text(progress.dumps(data), encoding="utf-8")

    new = fresh("new")
    result = progress.restore(tmp_path / "p.json", new)
    problems = "\n".join(result.get(PILOT).problems)
    assert "ex9-gone-answer: this lesson has no answer cell with that id" in problems
    assert "ex1-mean-heart-rate-answer: the answer cell is now a code cell" in problems
    assert "ex2-rmssd-answer" in result.get(PILOT).restored  # the rest still comes back
    missing = result.get("04-new-module/01-lesson.ipynb")
    assert missing.restored == [] and "is not in the student folder" in missing.problems[0]
    assert result.problems == 3
    text = "\n".join(result.lines())
    assert "could not restore ex9-gone-answer" in text and "3 could not be restored" in text
    nb = nbformat.read(new / PILOT, as_version=4)
    assert feedback.STUB_CALL in _answers(nb)["ex1-mean-heart-rate-answer"].source


def _good_file(fresh, tmp_path):
    worked = fresh("worked")
    _answer_two_lessons(worked)
    data, _ = progress.collect(worked)
    return data


MANGLED = {
    "not JSON": lambda d: progress.dumps(d)[:200],
    "a list": lambda d: "[1, 2, 3]",
    "another program's JSON": lambda d: json.dumps({"cells": [], "metadata": {}}),
    "no version": lambda d: progress.dumps({k: v for k, v in d.items() if k != "format_version"}),
    "no notebooks": lambda d: progress.dumps({**d, "notebooks": "all of them"}),
    "path outside": lambda d: progress.dumps({**d, "notebooks": {"../../outside.ipynb": {"answers": {}}}}),
    "absolute path": lambda d: progress.dumps({**d, "notebooks": {"/etc/x.ipynb": {"answers": {}}}}),
    "bad answer": lambda d: progress.dumps({**d, "notebooks": {PILOT: {"answers": {"ex1": {"cell_type": "code",
                                                                                          "source": 3}}}}}),
    "bad cell type": lambda d: progress.dumps({**d, "notebooks": {PILOT: {"answers": {"ex1": {"cell_type": "image",
                                                                                             "source": ""}}}}}),
}


@pytest.mark.parametrize("case", MANGLED)
def test_mangled_or_foreign_file_is_refused_in_one_sentence_and_nothing_changes(case, fresh, tmp_path):
    data = _good_file(fresh, tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(MANGLED[case](data), encoding="utf-8")
    new = fresh("new")
    before = (new / PILOT).read_bytes()
    with pytest.raises(DataError) as caught:
        progress.restore(bad, new)
    message = str(caught.value)
    assert "\n" not in message and message.endswith(".") and "bad.json" in message
    assert (new / PILOT).read_bytes() == before
    assert not list(new.rglob("*.before-restore*.ipynb"))


def test_binary_and_missing_files_are_refused(fresh, tmp_path):
    new = fresh("new")
    (tmp_path / "photo.json").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(DataError, match="not text"):
        progress.restore(tmp_path / "photo.json", new)
    with pytest.raises(DataError, match="There is no file"):
        progress.restore(tmp_path / "nowhere.json", new)
    with pytest.raises(DataError, match="too large"):
        progress.parse(b" " * (progress.MAX_BYTES + 1))


def test_newer_format_is_refused_but_another_course_version_restores_with_a_note(fresh, tmp_path):
    data = _good_file(fresh, tmp_path)
    newer = tmp_path / "newer.json"
    newer.write_text(progress.dumps({**data, "format_version": progress.FORMAT_VERSION + 1}), encoding="utf-8")
    with pytest.raises(DataError, match="newer version of the course"):
        progress.restore(newer, fresh("a"))

    older = tmp_path / "older.json"
    older.write_text(progress.dumps({**data, "course_version": "0.0.1"}), encoding="utf-8")
    result = progress.restore(older, fresh("b"))
    assert result.restored > 0
    assert "course version 0.0.1" in result.notes[0] and f"version {__version__}" in result.notes[0]


def test_student_folder_must_exist_and_sources_are_never_touched(tmp_path):
    with pytest.raises(DataError, match="no student folder"):
        progress.save(tmp_path / "missing", tmp_path / "p.json")
    with pytest.raises(DataError, match="instructor's source notebooks"):
        progress.collect(MODULES_DIR)
    with pytest.raises(DataError, match="instructor's source notebooks"):
        progress.restore_data({"notebooks": {}}, MODULES_DIR / "01-nervous-system")


def test_command_line_round_trip_and_plain_errors(fresh, tmp_path):
    worked = fresh("worked")
    expected = _answer_two_lessons(worked)
    assert progress.main(["save", str(tmp_path / "p.json"), "--student-dir", str(worked)]) == 0
    new = fresh("new")
    assert progress.main(["restore", str(tmp_path / "p.json"), "--student-dir", str(new)]) == 0
    nb = nbformat.read(new / PILOT, as_version=4)
    assert {g: c.source for g, c in _answers(nb).items()} == expected[PILOT]

    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "course.progress", "restore", str(tmp_path / "bad.json"),
                          "--student-dir", str(new)], capture_output=True, text=True, cwd=REPO_ROOT)
    assert run.returncode == 1
    assert run.stderr.startswith("Data problem: bad.json is not a progress file")
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_panel_prints_one_line_when_headless(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert progress.panel(tmp_path) is None
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and "Download my progress" in printed


def test_panel_downloads_and_restores(fresh, tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    worked = fresh("worked")
    expected = _answer_two_lessons(worked)
    box = progress.panel(worked)
    assert box.download.description == "Download my progress"
    assert box.upload.description == "Restore from a file" and box.upload.accept == ".json"

    box.download.click()
    status = box.status.value
    name = re.search(r'download="(course-progress-[\d-]+\.json)"', status).group(1)
    encoded = re.search(r'href="data:application/json;base64,([A-Za-z0-9+/=]+)"', status).group(1)
    downloaded = base64.b64decode(encoded)
    assert name in status and "Saved" in status
    assert progress.parse(downloaded)["notebooks"][PILOT]["answers"]["reflection-hrv-limits"]["source"] == WRITTEN
    assert (worked / progress.PANEL_FILE).exists()

    new = fresh("new")
    restore_box = progress.panel(new)

    def upload(content, filename):
        restore_box.upload.value = ({"name": filename, "type": "application/json", "size": len(content),
                                     "content": memoryview(content),
                                     "last_modified": datetime.now(timezone.utc)},)

    upload(downloaded, name)
    assert "restored" in restore_box.status.value and "Reload Notebook from Disk" in restore_box.status.value
    assert restore_box.upload.value == ()
    nb = nbformat.read(new / PILOT, as_version=4)
    assert {g: c.source for g, c in _answers(nb).items()} == expected[PILOT]

    upload(b"{ broken", "notes.json")
    assert "notes.json is not a progress file" in restore_box.status.value
    assert "Traceback" not in restore_box.status.value
