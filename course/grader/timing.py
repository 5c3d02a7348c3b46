"""Active time on task, estimated from the cell-run timestamps in learners' submitted notebooks.

With JupyterLab's notebook setting ``recordTiming`` on (the course turns it on
in ``jupyterlab-overrides.json``), every cell a learner runs keeps the times of
its execution messages in ``cell.metadata["execution"]``, for example::

    {"iopub.status.busy": "2025-03-04T10:15:02.114Z",
     "iopub.execute_input": "2025-03-04T10:15:02.120Z",
     "shell.execute_reply.started": "2025-03-04T10:15:02.121Z",
     "shell.execute_reply": "2025-03-04T10:15:03.402Z",
     "iopub.status.idle": "2025-03-04T10:15:03.405Z"}

These are times only: no code, no keystrokes, nothing about the person beyond
the submission they are in.

The rule (the course's own, not taken from a published source):

1. Collect every parseable timestamp from every cell of one notebook and sort
   them. A timestamp that is not a string in ISO 8601 form is skipped and
   counted; it never stops the report.
2. **Active time** is the sum of the gaps between consecutive timestamps,
   leaving out every gap longer than :data:`IDLE_CUTOFF_MINUTES` (10 minutes):
   a learner who ran nothing for that long is assumed to have been away.
3. A notebook with fewer than two usable timestamps has **no timing**.

What this misses: reading before the first cell run and after the last one;
any reading or writing stretch longer than the cut-off without a cell run (a
long reflection is written in a Markdown cell, which records no timing); and
earlier runs of a cell that was run again, because JupyterLab overwrites a
cell's times on each run (only the latest run is kept). The measure is a lower
bound on time on task.

A lesson's cohort summary gives the learners with timing, the median and
interquartile range of their active minutes (numpy's default linear
percentiles), the lesson's stated time and a flag when the median exceeds the
stated time by more than :data:`OVER_STATED_FRACTION` (25 %).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

#: Gaps between two cell-run timestamps longer than this (minutes) are idle time and are not counted.
IDLE_CUTOFF_MINUTES = 10.0
#: A lesson is flagged when the cohort's median active time exceeds its stated time by more than this fraction.
OVER_STATED_FRACTION = 0.25
#: Fewest usable timestamps a notebook needs before it has a timing.
MIN_TIMESTAMPS = 2

_NEW_TIME = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes?\s*:", re.I)
_OLD_TIME = re.compile(
    r"\*\*Time:\*\*\s*about\s+(\d+)(?:\s*[-–]\s*(\d+))?\s+minutes?\s+of\s+reading[^,]*,\s*plus\s+"
    r"(\d+)(?:\s*[-–]\s*(\d+))?\s+minutes?\s+of\s+exercises", re.I)


@dataclass(frozen=True)
class NotebookTiming:
    """Timing of one submitted notebook.

    Attributes
    ----------
    minutes : float or None
        Active minutes (None when the notebook has fewer than :data:`MIN_TIMESTAMPS` usable timestamps).
    timestamps : int
        Usable timestamps found.
    skipped : int
        Timestamps that could not be read (mangled or not text).
    idle_gaps : int
        Gaps longer than the idle cut-off, left out of ``minutes``.
    """

    minutes: float | None
    timestamps: int
    skipped: int
    idle_gaps: int


@dataclass(frozen=True)
class LessonTiming:
    """A cohort's active time on one lesson, beside the lesson's stated time.

    Attributes
    ----------
    lesson : str
        Notebook name without ``.ipynb``.
    submissions : int
        Submitted notebooks looked at.
    with_timing : int
        Of those, notebooks that had a timing.
    median, q1, q3 : float
        Median, 25th and 75th percentile of active minutes (NaN without timing).
    stated : int or None
        Minutes the lesson's title cell states (None when it states none).
    skipped : int
        Unreadable timestamps over all submissions (they were left out).
    """

    lesson: str
    submissions: int
    with_timing: int
    median: float
    q1: float
    q3: float
    stated: int | None
    skipped: int = 0

    @property
    def over_stated(self) -> bool | None:
        """True when the median exceeds the stated time by more than 25 %; None when either is unknown."""
        if self.stated is None or math.isnan(self.median):
            return None
        return self.median > self.stated * (1.0 + OVER_STATED_FRACTION)

    def flag_text(self) -> str:
        """The flag in words, for the instructor report."""
        if self.with_timing == 0:
            return "No timing data."
        if self.stated is None:
            return "The lesson states no time."
        percent = 100.0 * (self.median - self.stated) / self.stated
        if self.over_stated:
            return (f"Longer than stated: the median is {percent:.0f} % above the stated time "
                    f"(flag above {100 * OVER_STATED_FRACTION:.0f} %).")
        if percent > 0:
            return (f"Not flagged: the median is {percent:.0f} % above the stated time "
                    f"(within the {100 * OVER_STATED_FRACTION:.0f} % margin).")
        return "Not flagged: the median is within the stated time."


def parse_timestamp(value: Any) -> _dt.datetime | None:
    """Read one ISO 8601 timestamp; None when it cannot be read.

    Parameters
    ----------
    value : object
        Usually a string such as ``"2025-03-04T10:15:02.120Z"``. A time without
        a zone is taken as UTC.

    Returns
    -------
    datetime or None
        A timezone-aware datetime, or None for anything else (not text, mangled).
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.timezone.utc)
    return moment


def notebook_timestamps(nb: Mapping[str, Any]) -> tuple[list[_dt.datetime], int]:
    """Every readable cell-run timestamp of a notebook, sorted, and how many were skipped.

    Parameters
    ----------
    nb : mapping
        A notebook (nbformat node or plain dict with ``cells``).

    Returns
    -------
    (list of datetime, int)
        The sorted timestamps, and the count of values under ``metadata.execution``
        that could not be read.
    """
    found: list[_dt.datetime] = []
    skipped = 0
    cells = nb.get("cells", []) if isinstance(nb, Mapping) else []
    for cell in cells if isinstance(cells, list) else []:
        metadata = cell.get("metadata", {}) if isinstance(cell, Mapping) else {}
        execution = metadata.get("execution") if isinstance(metadata, Mapping) else None
        if execution is None:
            continue
        if not isinstance(execution, Mapping):
            skipped += 1
            continue
        for value in execution.values():
            moment = parse_timestamp(value)
            if moment is None:
                skipped += 1
            else:
                found.append(moment)
    return sorted(found), skipped


def active_minutes(times: Sequence[_dt.datetime], idle_cutoff: float = IDLE_CUTOFF_MINUTES) -> tuple[float, int]:
    """Sum of the gaps between consecutive times, leaving out gaps longer than the idle cut-off.

    Parameters
    ----------
    times : sequence of datetime
        Timestamps (sorted here).
    idle_cutoff : float
        Longest gap that still counts, in minutes (a gap of exactly this length counts).

    Returns
    -------
    (float, int)
        Active minutes, and the number of gaps left out as idle.
    """
    ordered = sorted(times)
    total, idle = 0.0, 0
    for earlier, later in zip(ordered, ordered[1:]):
        gap = (later - earlier).total_seconds() / 60.0
        if gap > idle_cutoff:
            idle += 1
        else:
            total += gap
    return total, idle


def notebook_timing(nb: Mapping[str, Any], idle_cutoff: float = IDLE_CUTOFF_MINUTES) -> NotebookTiming:
    """Active time of one submitted notebook (see the module's rule)."""
    times, skipped = notebook_timestamps(nb)
    if len(times) < MIN_TIMESTAMPS:
        return NotebookTiming(None, len(times), skipped, 0)
    minutes, idle = active_minutes(times, idle_cutoff)
    return NotebookTiming(minutes, len(times), skipped, idle)


def stated_minutes(nb_or_text: Any) -> int | None:
    """The total minutes a lesson states in its title cell; None when it states none.

    Reads ``**Time:** about T minutes: R of reading and demos, E of exercises.``
    (T), and the older ``**Time:** about R minutes of reading and demos, plus
    E minutes of exercises`` or ``... plus E1-E2 minutes ...`` (R + the upper
    bound of E).

    Parameters
    ----------
    nb_or_text : notebook or str
        A notebook (the first cell with a ``**Time:**`` line is read) or text.
    """
    if isinstance(nb_or_text, str):
        texts: Iterable[str] = [nb_or_text]
    else:
        texts = [c.get("source", "") for c in nb_or_text.get("cells", [])
                 if isinstance(c, Mapping) and c.get("cell_type") == "markdown"]
    for text in texts:
        if not isinstance(text, str) or "**Time:**" not in text:
            continue
        new = _NEW_TIME.search(text)
        if new:
            return int(new.group(1))
        old = _OLD_TIME.search(text)
        if old:
            reading = int(old.group(2) or old.group(1))
            exercises = int(old.group(4) or old.group(3))
            return reading + exercises
        return None
    return None


def summarise(lesson: str, timings: Sequence[NotebookTiming | None], stated: int | None) -> LessonTiming:
    """Cohort summary of one lesson.

    Parameters
    ----------
    lesson : str
        The lesson's notebook name.
    timings : sequence of NotebookTiming or None
        One per submitted notebook (None for a notebook that could not be read).
    stated : int or None
        The lesson's stated minutes.

    Returns
    -------
    LessonTiming
        Median and interquartile range use numpy's linear percentiles over the
        learners with timing.
    """
    minutes = np.array([t.minutes for t in timings if t is not None and t.minutes is not None], dtype=float)
    skipped = sum(t.skipped for t in timings if t is not None)
    if len(minutes):
        q1, median, q3 = (float(x) for x in np.percentile(minutes, [25, 50, 75]))
    else:
        q1 = median = q3 = math.nan
    return LessonTiming(lesson, len(timings), int(len(minutes)), median, q1, q3, stated, skipped)
