"""``course.grader.tamper_scan`` flags code that changes the checks, and nothing in the course's own lessons."""

from __future__ import annotations

import nbformat
import pytest

from course.grader import tamper_scan
from course.grader.nbgrader_api import solution_text
from course.paths import MODULES_DIR

PROTECTED = {"feedback", "hrv", "np"}


def scan(code: str):
    return tamper_scan.scan_source(code, "cell 'x'", PROTECTED)


@pytest.mark.parametrize("code, why", [
    ("feedback.check_value = lambda *a, **k: None", "changes part of `feedback`"),
    ("hrv.rmssd = my_rmssd", "changes part of `hrv`"),
    ("np.isclose = lambda *a, **k: True", "changes part of `np`"),
    ("del feedback.check_against", "deletes part of `feedback`"),
    ("feedback = None", "replaces `feedback`"),
    ("def feedback():\n    pass", "replaces `feedback`"),
    ("from fake_module import feedback", "replaces `feedback`"),
    ("import my_checks as feedback", "replaces `feedback`"),
    ("def f():\n    global hrv\n    hrv = 1", "declares `hrv` global"),
    ("setattr(feedback, 'check_value', print)", "sets attributes by name"),
    ("get_ipython().set_custom_exc((Exception,), None)", "reaches into IPython"),
    ("exec('x = 1')", "runs code built as text"),
    ("import sys\nsys.modules['course.feedback'] = None", "interpreter's internals"),
    ("import builtins\nbuiltins.print = None", "imports `builtins`"),
    ("import sqlite3", "imports `sqlite3`"),
    ("f = rmssd.__globals__", "interpreter's internals"),
    ("path = '/srv/course/grading/gradebook.db'", "mentions 'gradebook'"),
    ("import math\nmath.sqrt = abs", "changes part of `math`"),
])
def test_each_trick_is_found(code, why):
    findings = scan(code)
    assert findings, code
    assert any(why in f.why for f in findings), [f.why for f in findings]
    assert all(f.sentence().startswith("cell 'x', line ") for f in findings)


@pytest.mark.parametrize("code", [
    "def rmssd(nn_ms):\n    d = np.diff(np.asarray(nn_ms, dtype=float))\n    return np.sqrt(np.mean(d ** 2))",
    "import numpy as np\nfrom course import feedback, hrv",
    "import sys\nprint(sys.version)",
    "def f(feedback):\n    feedback = 2\n    return feedback",  # a local name, not the module
    "%matplotlib inline\nx = [1, 2]\nnp.mean(x)",
    "values = {}\nvalues['a'] = 1\nclass Result:\n    pass\nr = Result()\nr.value = 3",
    "results = [hrv.rmssd(x) for x in data]",
    "this is not python (",  # fails when run; not the scanner's business
])
def test_ordinary_answers_are_not_flagged(code):
    assert scan(code) == []


def test_only_unlocked_cells_are_read_and_protected_names_come_from_the_tests():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from course import feedback, hrv\nimport numpy as np"),
        nbformat.v4.new_code_cell("feedback.check_value(rmssd, [[1]], 0)",
                                  metadata={"nbgrader": {"grade_id": "t", "locked": True, "grade": True}}),
        nbformat.v4.new_code_cell("feedback.check_value = print",
                                  metadata={"nbgrader": {"grade_id": "t2", "locked": True}}),
        nbformat.v4.new_code_cell("hrv = 'replaced'\nfeedback = 'replaced'"),
    ]
    assert tamper_scan.protected_names(nb) >= {"feedback"}
    findings = tamper_scan.tamper_findings(nb)
    assert [f.cell for f in findings] == ["cell 4"]  # the locked cell is nbgrader's to restore
    assert "replaces `feedback`" in findings[0].why  # hrv is not used by a test cell: no finding


@pytest.mark.parametrize("path", sorted(MODULES_DIR.glob("*/*.ipynb")), ids=lambda p: p.name)
def test_the_course_s_own_lessons_and_solutions_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solution_text(cell.source)
    assert tamper_scan.tamper_findings(nb) == []
