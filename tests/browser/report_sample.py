"""A small instructor report (course.grader.report) made from hand-made data, for the accessibility audit.

Every section of the page has something in it: a score histogram and the
exercise chart (figures with alt text), written answers waiting for manual
grading, the time-on-task table, learners needing follow-up, a submission
that failed to grade and an autograding note flagging possible tampering.
Making it takes a fraction of a second; grading a course would take a minute.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

import pandas as pd

from course.grader import report, timing

ASSIGNMENT = "01-nervous-system"


def sample_data() -> report.AssignmentData:
    exercises = [
        report.Exercise("01-hrv-basics/ex1", "01-hrv-basics", "ex1", "Exercise 1: Heart rate", "autograded", 1.0),
        report.Exercise("01-hrv-basics/ex2", "01-hrv-basics", "ex2", "Exercise 2: RMSSD", "autograded", 2.0),
        report.Exercise("01-hrv-basics/reflection", "01-hrv-basics", "reflection", "Reflection", "manual", 3.0),
    ]
    learners = [
        report.Learner("ada", "Lovelace", "Ada", "ada@example.org", True, ["01-hrv-basics"], score=6.0),
        report.Learner("bo", "Berg", "Bo", "bo@example.org", True, ["01-hrv-basics"], pending_manual=1,
                       score=1.0, not_attempted=["01-hrv-basics/ex2"]),
        report.Learner("cy", "Dahl", "Cy", "cy@example.org", True, ["01-hrv-basics"], score=3.0,
                       tampering=["01-hrv-basics: a test cell was changed"]),
        report.Learner("di", "Eide", "Di", "di@example.org", True, missing_notebooks=["01-hrv-basics"]),
        report.Learner("ed", "Foss", "Ed", "ed@example.org"),
    ]
    scores = pd.DataFrame({"01-hrv-basics/ex1": [1.0, 1.0, 0.0], "01-hrv-basics/ex2": [2.0, 0.0, 1.0],
                           "01-hrv-basics/reflection": [3.0, math.nan, 2.0]}, index=["ada", "bo", "cy"])
    return report.AssignmentData(
        assignment=ASSIGNMENT, max_score=6.0, exercises=exercises, learners=learners, scores=scores,
        problems=[("di", "01-hrv-basics", "No autograded copy: 01-hrv-basics.ipynb is not in the submission.")],
        notes=[("cy", "01-hrv-basics", "A test cell was changed; its autograded tests score 0.", True),
               ("bo", "01-hrv-basics", "Output cut to 10 000 characters.", False)],
        timing=[timing.LessonTiming("01-hrv-basics", submissions=4, with_timing=3, median=41.0, q1=30.0,
                                    q3=52.0, stated=30, skipped=1)])


def write_sample_report(folder: Path) -> Path:
    """Write the sample report as ``folder/report.html``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "report.html"
    page.write_text(report.render_html(sample_data(), report.DEFAULT_THRESHOLD,
                                       now=_dt.datetime(2026, 12, 6, 9, 0)), encoding="utf-8")
    return page
