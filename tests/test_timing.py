"""Active time on task from cell-run timestamps (course.grader.timing), and the setting that records them.

The fixture learners have hand-made timestamps, so every expected number is
worked out in the comments. Each cell run stores four timestamps: busy and
execute_input at the start, execute_reply and idle half a minute later.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import sys
from pathlib import Path

import nbformat
import pytest

from course.grader import timing
from course.paths import MODULES_DIR, REPO_ROOT

T0 = _dt.datetime(2025, 3, 4, 9, 0, tzinfo=_dt.timezone.utc)


def _iso(minutes: float) -> str:
    return (T0 + _dt.timedelta(minutes=minutes)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _run(minutes: float) -> dict:
    """What JupyterLab stores for one cell run starting ``minutes`` after T0 and lasting half a minute."""
    return {"iopub.status.busy": _iso(minutes), "iopub.execute_input": _iso(minutes),
            "shell.execute_reply": _iso(minutes + 0.5), "iopub.status.idle": _iso(minutes + 0.5)}


def submission(*executions) -> nbformat.NotebookNode:
    """A notebook with a Markdown cell and one code cell per item (its metadata.execution; None = not run)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Lesson"))
    for execution in executions:
        cell = nbformat.v4.new_code_cell("x = 1")
        if execution is not None:
            cell.metadata["execution"] = execution
        nb.cells.append(cell)
    return nb


# Learner A: runs at 0, 3, 8, 15 min: no idle gap; active = 15.5 - 0 = 15.5 min.
A = submission(_run(0), _run(3), _run(8), _run(15))
# Learner B: runs at 0, 5, 30, 36, 44: the gap 5.5 -> 30 (24.5 min) is over the cut-off; 44.5 - 24.5 = 20.0 min.
B = submission(_run(0), _run(5), _run(30), _run(36), _run(44))
# Learner C: runs at 0, 4, 9; one mangled timestamp, one cell whose timing is not a mapping: 9.5 min, 2 skipped.
C = submission(_run(0), {**_run(4), "shell.execute_reply": "04/03/2025 09:04"}, _run(9), "yesterday")
# Learner D: never ran a cell with timing on.
D = submission(None, None)


def test_parse_timestamp_reads_jupyterlab_times_and_refuses_junk():
    assert timing.parse_timestamp("2025-03-04T09:15:02.120Z") == T0 + _dt.timedelta(minutes=15, seconds=2.12)
    assert timing.parse_timestamp("2025-03-04T11:00:00+02:00") == T0          # another zone, same moment
    assert timing.parse_timestamp("2025-03-04T09:00:00") == T0               # no zone: taken as UTC
    for junk in ("", "04/03/2025 09:04", "2025-13-40T99:00:00Z", None, 12, ["2025-03-04T09:00:00Z"], {}):
        assert timing.parse_timestamp(junk) is None, junk


def test_learner_with_no_idle_gap():
    found = timing.notebook_timing(A)
    assert found == timing.NotebookTiming(minutes=pytest.approx(15.5), timestamps=16, skipped=0, idle_gaps=0)


def test_a_gap_over_the_cut_off_is_left_out():
    found = timing.notebook_timing(B)
    assert found.minutes == pytest.approx(20.0)
    assert (found.timestamps, found.skipped, found.idle_gaps) == (20, 0, 1)
    # With a longer cut-off the 24.5-minute gap counts: the whole span, 44.5 min.
    assert timing.notebook_timing(B, idle_cutoff=30).minutes == pytest.approx(44.5)


def test_mangled_timestamps_are_skipped_and_counted():
    found = timing.notebook_timing(C)
    assert found.minutes == pytest.approx(9.5)
    assert (found.timestamps, found.skipped, found.idle_gaps) == (11, 2, 0)


def test_a_learner_without_timing_has_none():
    assert timing.notebook_timing(D) == timing.NotebookTiming(None, 0, 0, 0)
    assert timing.notebook_timing(submission({"iopub.execute_input": _iso(0)})).minutes is None  # one timestamp


def test_a_gap_of_exactly_the_cut_off_counts_and_a_longer_one_does_not():
    times = [T0, T0 + _dt.timedelta(minutes=10), T0 + _dt.timedelta(minutes=20, seconds=1)]
    assert timing.active_minutes(times) == (pytest.approx(10.0), 1)
    assert timing.active_minutes(list(reversed(times))) == (pytest.approx(10.0), 1)  # order does not matter
    assert timing.IDLE_CUTOFF_MINUTES == 10.0


@pytest.mark.parametrize("broken", [
    {}, {"cells": "not a list"}, {"cells": ["not a cell", 3]}, {"cells": [{"metadata": "odd"}]},
    {"cells": [{"metadata": {"execution": ["2025-03-04T09:00:00Z"]}}]},
])
def test_odd_notebooks_give_no_timing_and_no_traceback(broken):
    assert timing.notebook_timing(broken).minutes is None


def test_cohort_summary_median_iqr_and_flag():
    found = [timing.notebook_timing(nb) for nb in (A, B, C, D)] + [None]  # None: a file that could not be read
    summary = timing.summarise("01-hrv-basics", found, stated=12)
    # Active minutes 9.5, 15.5, 20.0: median 15.5; numpy's linear percentiles
    # q1 = 9.5 + 0.5 * (15.5 - 9.5) = 12.5 and q3 = 15.5 + 0.5 * (20.0 - 15.5) = 17.75.
    assert (summary.submissions, summary.with_timing, summary.skipped) == (5, 3, 2)
    assert (summary.median, summary.q1, summary.q3) == (pytest.approx(15.5), pytest.approx(12.5),
                                                         pytest.approx(17.75))
    assert summary.over_stated is True                     # 15.5 > 1.25 x 12 = 15
    assert summary.flag_text().startswith("Longer than stated: the median is 29 % above")
    relaxed = timing.summarise("01-hrv-basics", found, stated=13)
    assert relaxed.over_stated is False                    # 15.5 <= 1.25 x 13 = 16.25
    assert "Not flagged" in relaxed.flag_text() and "19 %" in relaxed.flag_text()
    assert "within the stated time" in timing.summarise("x", found, stated=20).flag_text()


def test_flag_boundary_is_strictly_more_than_25_percent():
    def at(median):
        return timing.LessonTiming("x", 3, 3, median, median, median, stated=40)
    assert at(50.0).over_stated is False
    assert at(50.1).over_stated is True


def test_summary_without_timing_or_stated_time():
    empty = timing.summarise("x", [timing.notebook_timing(D)], stated=45)
    assert empty.with_timing == 0 and math.isnan(empty.median) and empty.over_stated is None
    assert empty.flag_text() == "No timing data."
    unstated = timing.summarise("x", [timing.notebook_timing(A)], stated=None)
    assert unstated.over_stated is None and unstated.flag_text() == "The lesson states no time."


@pytest.mark.parametrize("line,minutes", [
    ("**Time:** about 75 minutes: 25 of reading and demos, 50 of exercises.", 75),
    ("**Time:** about 20 minutes of reading and demos, plus 20–25 minutes of exercises.", 45),
    ("**Time:** about 22 minutes of reading and demos, plus 12 minutes of exercises.", 34),
    ("**Time:** about 15 minutes of reading, plus 25 minutes of exercises.", 40),
    ("**Time:** about 18 minutes of reading and demos, plus 12-15 minutes of exercises.", 33),
    ("**Time:** an afternoon.", None),
    ("No time stated here.", None),
])
def test_stated_minutes(line, minutes):
    assert timing.stated_minutes(f"**Module 01**\n\nA hook.\n\n{line}\n") == minutes
    nb = submission()
    nb.cells[0].source = f"# Lesson\n\n{line}"
    assert timing.stated_minutes(nb) == minutes


def test_every_lesson_states_a_time_the_parser_reads():
    lessons = sorted(MODULES_DIR.glob("[0-9][0-9]-*/*.ipynb"))
    assert len(lessons) >= 10
    unread = [p.name for p in lessons if timing.stated_minutes(nbformat.read(p, as_version=4)) is None]
    assert unread == []


# ---------------------------------------------------------------------------
# The setting that records the timestamps, everywhere learners work
# ---------------------------------------------------------------------------

OVERRIDES = json.loads((REPO_ROOT / "jupyterlab-overrides.json").read_text(encoding="utf-8"))
SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


def test_overrides_turn_on_record_timing_for_notebooks():
    assert OVERRIDES["@jupyterlab/notebook-extension:tracker"]["recordTiming"] is True


def test_every_override_names_a_real_setting():
    """A typo in a plugin id or key would be ignored silently by JupyterLab."""
    for plugin, values in OVERRIDES.items():
        package, name = plugin.rsplit(":", 1)
        schema_file = SCHEMAS / package / f"{name}.json"
        assert schema_file.exists(), f"no JupyterLab schema for {plugin}"
        properties = json.loads(schema_file.read_text(encoding="utf-8"))["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            expected = properties[key].get("type")
            if expected == "boolean":
                assert isinstance(value, bool), (plugin, key)


@pytest.mark.parametrize("script,destination", [
    ("course.sh", r'\$overrides/overrides\.json'),                                   # local: ./course.sh open
    ("postBuild", r'\$prefix/share/jupyter/lab/settings/overrides\.json'),           # Binder and the Z2JH image
    ("deploy/tljh/setup.sh", r'\$USER_ENV/share/jupyter/lab/settings/overrides\.json'),  # The Littlest JupyterHub
])
def test_each_way_of_running_the_course_installs_the_overrides(script, destination):
    text = (REPO_ROOT / script).read_text(encoding="utf-8")
    copies = [ln for ln in text.splitlines() if re.match(r"\s*cp\s", ln) and "jupyterlab-overrides.json" in ln]
    assert copies and any(re.search(destination, ln) for ln in copies), copies
    if script == "course.sh":
        assert 'overrides="$VENV/share/jupyter/lab/settings"' in text
