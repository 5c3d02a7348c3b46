"""The per-cell time limit derived from the instructor's run of an assignment (course.grader.cell_limit).

Pure rules first (multiple, floor, override, the stored file and its
fallbacks), then one real course: the source lesson is measured with a kernel,
and stock nbgrader autograde (with the course's nbgrader_config.py) stops a
learner's endless loop at the stored limit and still grades the cells after it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from traitlets.config import Config

from course.grader import cell_limit, nbgrader_api as grading
from course.grader import report as grade_report

from test_parallel_autograde import ASSIGNMENT, LESSON, one_lesson_modules


def _config(root: Path, timeout: int = 120) -> Config:
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.release_directory = "grading/release"
    c.CourseDirectory.source_directory = "modules"
    c.Execute.timeout = timeout
    return c


def _got(config):
    got = cell_limit.resolve(config, ASSIGNMENT)
    return got.seconds, got.origin


# --------------------------------------------------------------------------- the rule

def test_limit_is_the_multiple_of_the_slowest_cell_with_a_floor():
    assert cell_limit.derive(2.0) == 40  # 20 x 2 s
    assert cell_limit.derive(0.05) == 10  # 20 x 0.05 s = 1 s: the 10 s floor wins
    assert cell_limit.derive(1.01) == 21  # rounded up to whole seconds, never down
    assert cell_limit.derive(0.3, multiple=5, floor_s=3) == 3
    assert cell_limit.derive(3.0, multiple=5, floor_s=3) == 15
    with pytest.raises(ValueError):
        cell_limit.derive(1.0, floor_s=0)


def test_override_wins_over_the_measurement_and_config_wins_over_both(tmp_path):
    config = _config(tmp_path)
    path = cell_limit.limit_file(config, ASSIGNMENT)
    assert path == tmp_path / "grading" / "release" / ".cell-limits" / f"{ASSIGNMENT}.json"
    cell_limit.write(path, {"limit_s": 14, "slowest_cell": "l/x", "slowest_s": 0.7, "multiple": 20, "floor_s": 10,
                            "measured_at": "2026-01-01 10:00 UTC"})
    got = cell_limit.resolve(config, ASSIGNMENT)
    assert (got.seconds, got.origin) == (14, "measured") and "l/x" in got.why and "0.70 s" in got.why
    cell_limit.set_override(config, ASSIGNMENT, 60)
    assert _got(config) == (60, "override")
    assert json.loads(path.read_text())["limit_s"] == 14  # the measurement is kept beside the override
    config.SandboxedExecute.cell_limit = 5
    assert _got(config) == (5, "config")
    del config.SandboxedExecute["cell_limit"]
    cell_limit.set_override(config, ASSIGNMENT, None)
    assert _got(config) == (14, "measured")
    with pytest.raises(cell_limit.CellLimitError):
        cell_limit.set_override(config, ASSIGNMENT, 0)


@pytest.mark.parametrize("content, sentence", [
    (None, "no limit measured"),
    ("{not json", "is not valid JSON"),
    ('["a list"]', "does not hold a record"),
    ('{"limit_s": "fast"}', "must be a number of seconds"),
    ('{"limit_s": -3}', "must be a number of seconds"),
    ('{"assignment": "x"}', "neither a measured limit nor an override"),
])
def test_a_missing_or_malformed_file_falls_back_to_the_configured_limit_with_a_sentence(tmp_path, content, sentence):
    config = _config(tmp_path)
    path = cell_limit.limit_file(config, ASSIGNMENT)
    if content is not None:
        path.parent.mkdir(parents=True)
        path.write_text(content)
    got = cell_limit.resolve(config, ASSIGNMENT)
    assert (got.seconds, got.origin) == (120, "fallback")
    assert sentence in got.why and "\n" not in got.why and "Traceback" not in got.why


def test_the_command_line_sets_shows_and_refuses_bad_input(tmp_path, monkeypatch, capsys):
    shutil.copy2(Path(grading.REPO_ROOT) / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    monkeypatch.chdir(tmp_path)
    assert cell_limit.main(["set", ASSIGNMENT, "45"]) == 0
    assert "45 s per cell, set by the instructor" in capsys.readouterr().out
    assert (tmp_path / "grading" / "release" / ".cell-limits" / f"{ASSIGNMENT}.json").exists()
    assert cell_limit.main(["set", ASSIGNMENT, "--clear"]) == 0
    assert "120 s per cell (the configured default)" in capsys.readouterr().out
    assert cell_limit.main(["measure", "99-no-such-assignment"]) == 1
    assert "no source notebooks" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cell_limit.main(["set", ASSIGNMENT])  # neither seconds nor --clear: argparse's one-line error


def test_each_cell_counts_with_its_fastest_run(tmp_path):
    config = _config(tmp_path)
    (tmp_path / "modules" / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "modules" / ASSIGNMENT / "lesson.ipynb").write_text("{}")
    runs = iter([[("a", 0.2), ("b", 3.0)], [("a", 0.9), ("b", 1.5)]])  # b was slowed down once
    record = cell_limit.measure(config, ASSIGNMENT, timer=lambda _path: next(runs), say=lambda _line: None)
    assert (record["slowest_cell"], record["slowest_s"], record["limit_s"]) == ("lesson/b", 1.5, 30)
    assert record["runs"] == 2 and record["source_digest"]
    (tmp_path / "modules" / ASSIGNMENT / "lesson.ipynb").write_text('{"changed": 1}')
    assert "the source notebooks changed since" in cell_limit.resolve(config, ASSIGNMENT).why


def test_the_report_names_the_stored_limit():
    output = {"output_type": "error", "ename": "CellTimeoutError", "evalue": "", "traceback": []}
    assert "(25 s per cell)" in grade_report.classify_error(output, 25)[1]


# --------------------------------------------------------------------------- a real measurement and grading

def _prepend(nb, grade_id: str, code: str):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = code + "\n" + cell.source
            return nb
    raise AssertionError(f"no cell {grade_id}")


@pytest.fixture(scope="module")
def measured_course(tmp_path_factory):
    base = tmp_path_factory.mktemp("cell-limit")
    modules = one_lesson_modules(base)
    config = grading.make_course(base / "course", base / "modules")
    release = grading.generate(config, ASSIGNMENT)
    # multiple 2, floor 3 s: a short limit, so the loop below costs the test seconds, not minutes
    record = cell_limit.measure(config, ASSIGNMENT, multiple=2, floor_s=3, repeats=1, say=lambda _line: None)
    return {"config": config, "record": record, "release": release,
            "source": nbformat.read(modules / LESSON, as_version=4)}


def test_measuring_runs_the_source_and_stores_how(measured_course):
    record = measured_course["record"]
    assert record["slowest_cell"].startswith(LESSON[:-len(".ipynb")] + "/") and record["slowest_s"] > 0
    assert record["limit_s"] == cell_limit.derive(record["slowest_s"], 2, 3)
    assert (record["multiple"], record["floor_s"], record["runs"]) == (2, 3, 1)
    assert record["measured_at"].endswith("UTC")
    stored = json.loads(cell_limit.limit_file(measured_course["config"], ASSIGNMENT).read_text())
    assert stored == record
    # the limit lives outside the assignment's release folder, so release_assignment never hands it out
    assert not list(measured_course["release"].glob("*cell-limit*"))


def test_an_endless_loop_stops_at_the_stored_limit_and_later_cells_are_graded(measured_course):
    config, source = measured_course["config"], measured_course["source"]
    limit = measured_course["record"]["limit_s"]
    assert limit < config.Execute.timeout  # otherwise this test would prove nothing
    student = nbformat.read(measured_course["release"] / LESSON, as_version=4)
    answers = [c.metadata["nbgrader"]["grade_id"] for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    submission = _prepend(grading.fill_answers(student, source, None), answers[0], "while True:\n    pass")
    cd = config.CourseDirectory
    folder = Path(cd.root) / cd.submitted_directory / "looper" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(submission, folder / LESSON)

    grading.api(config).autograde(ASSIGNMENT, "looper", force=True, create=True)  # what `nbgrader autograde` runs

    graded = nbformat.read(Path(cd.root) / cd.autograded_directory / "looper" / ASSIGNMENT / LESSON, as_version=4)
    stopped = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == answers[0])
    texts = [o.get("evalue", "") for o in stopped.outputs if o.get("output_type") == "error"]
    assert any(f"ran past the time limit per cell ({limit} s)" in t for t in texts), texts
    assert any(t.startswith("Grading stopped this cell") for t in texts), texts  # interrupted, same kernel
    with Gradebook(cd.db_url) as gb:
        nb = gb.find_submission_notebook(LESSON[:-len(".ipynb")], ASSIGNMENT, "looper")
        scores = {g.name: g.auto_score for g in nb.grades if g.auto_score is not None}
    full = grading.autograded_points(source)
    # the looping exercise loses its points, every exercise after it keeps them
    assert 0 < sum(scores.values()) < full, scores
