"""Units of the robust grading path: output caps, the integrity check, submission triage and repair.

The whole path, with real kernels, is tested on a corpus in test_mangled_submissions.py.
"""

from __future__ import annotations

import json
import types

import nbformat
import pytest

from course import feedback
from course.grader import notes, preprocessors as rg, triage as st


def _cell(outputs):
    cell = nbformat.v4.new_code_cell("x", metadata={"nbgrader": {"grade_id": "c"}})
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def test_long_outputs_are_cut_and_noted():
    limiter = rg.LimitOutputSize(max_chars=1000, max_data_bytes=5000, max_lines=-1)
    cell = _cell([
        {"output_type": "stream", "name": "stdout", "text": "x" * 50_000},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
         "data": {"text/plain": "y" * 3000, "text/html": "<p>" + "z" * 9000 + "</p>", "image/png": "a" * 100}},
    ])
    resources = {}
    cell, resources = limiter.preprocess_cell(cell, resources, 0)
    stream, result = cell.outputs
    assert len(stream.text) < 1100 and "cut by the grader (50,000 characters)" in stream.text
    assert len(result.data["text/plain"]) < 1100
    assert "text/html" not in result.data and result.data["image/png"] == "a" * 100
    assert [n["kind"] for n in resources[notes.KEY]] == ["runtime"] * 3


def test_a_figure_with_alt_text_is_kept():
    limiter = rg.LimitOutputSize()
    html = '<img alt="' + "a" * 40 + '" src="data:image/png;base64,' + "b" * 300_000 + '">'
    cell = _cell([{"output_type": "display_data", "metadata": {}, "data": {"text/html": html}}])
    cell, _ = limiter.preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].data["text/html"] == html


def _report(nonce, modules, names=None):
    return nonce + json.dumps({"modules": modules, "names": names or {}}) + "\n"


def test_the_integrity_check_passes_the_course_s_own_helpers():
    digests = {"course.feedback": [feedback.__file__, rg.fingerprint(feedback)]}
    names = {"feedback": ["course.feedback", feedback.__file__]}
    assert rg.integrity_problems(_report("N0", digests, names), ["N0"], "N0") == []


def test_the_integrity_check_finds_changed_helpers_and_hidden_errors():
    changed = dict(rg.fingerprint(feedback), check_value="0" * 16)
    digests = {"course.feedback": [feedback.__file__, changed]}
    problems = rg.integrity_problems(_report("N1", digests), ["N1"], "N1")
    assert problems == ["course.feedback.check_value was changed"]
    assert "not reported" in rg.integrity_problems(_report("N1", {}), [], "N1")[0]
    assert "printed nothing" in rg.integrity_problems("", ["N1"], "N1")[0]
    elsewhere = {"course.feedback": ["/tmp/feedback.py", rg.fingerprint(feedback)]}
    assert "loaded from /tmp/feedback.py" in rg.integrity_problems(_report("N1", elsewhere), ["N1"], "N1")[0]
    names = {"feedback": ["course.feedback", "/tmp/feedback.py"]}
    assert "`feedback` was loaded from" in rg.integrity_problems(_report("N1", {}, names), ["N1"], "N1")[0]


def test_a_helper_changed_on_disk_during_grading_is_named_as_such(tmp_path, monkeypatch):
    """A course update in the middle of a batch: the message says so instead of 'was changed'."""
    import importlib
    import sys

    (tmp_path / "course_update_demo.py").write_text("def f():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "course_update_demo", raising=False)
    graded_with = rg._expected_module("course_update_demo")  # grading imports it once
    old = rg.fingerprint(graded_with)
    (tmp_path / "course_update_demo.py").write_text("def f():\n    return 2\n")  # the update lands
    spec = importlib.util.spec_from_file_location("fresh", tmp_path / "course_update_demo.py")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)  # what a kernel started after the update loads
    new = rg.fingerprint(fresh)
    assert new != old
    report = _report("N2", {"course_update_demo": [graded_with.__file__, new]})
    problems = rg.integrity_problems(report, ["N2"], "N2")
    assert len(problems) == 1 and "course_update_demo changed on disk while grading ran" in problems[0], problems
    # the same digests with the file unchanged since grading loaded it: an in-memory change, as before
    (tmp_path / "course_update_demo.py").write_text("def f():\n    return 1\n")
    assert rg.integrity_problems(report, ["N2"], "N2") == ["course_update_demo.f was changed"]
    monkeypatch.delitem(rg._FILE_AT_IMPORT, "course_update_demo")


def test_fingerprint_sees_a_replaced_function():
    module = types.ModuleType("demo")
    exec("def f(x):\n    return x + 1\nclass K:\n    def m(self):\n        return 1", module.__dict__)
    before = rg.fingerprint(module)
    module.f = lambda x: x + 1
    assert rg.fingerprint(module)["f"] != before["f"]
    module.K.m = lambda self: 2
    assert rg.fingerprint(module)["K"] != before["K"]


def test_failed_tests_score_zero_with_a_message():
    nb = nbformat.v4.new_notebook()
    test = nbformat.v4.new_code_cell("check()", metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1}})
    answer = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade": True, "solution": True,
                                                                       "grade_id": "a", "points": 1}})
    nb.cells = [answer, test]
    rg.fail_autograded_tests(nb, "Not graded: why")
    assert test.outputs[0]["ename"] == rg.NOT_GRADED and answer.outputs == []


# --------------------------------------------------------------------------- triage

def _release(prefix=""):
    nb = nbformat.v4.new_notebook()
    meta = lambda gid, **kw: {"nbgrader": dict(grade_id=prefix + gid, **kw)}  # noqa: E731
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Lesson"),
        nbformat.v4.new_code_cell("raise NotImplementedError()", metadata=meta("a", solution=True, grade=False)),
        nbformat.v4.new_code_cell("check(a)", metadata=meta("t", grade=True, locked=True, points=1)),
        nbformat.v4.new_code_cell("raise NotImplementedError()", metadata=meta("b", solution=True, grade=False)),
    ]
    return nb


def _expected(nb):
    from nbgrader.utils import compute_checksum

    return [st.ExpectedCell(c.metadata["nbgrader"]["grade_id"], c.cell_type,
                            bool(c.metadata["nbgrader"].get("locked")), compute_checksum(c), True)
            for c in nb.cells if "nbgrader" in c.metadata]


def test_triage_sets_aside_unreadable_notebooks_and_renames_copies(tmp_path):
    release = {name: _release(name) for name in ("one", "two", "three")}
    (tmp_path / "one.ipynb").write_text('{"cells": [', encoding="utf-8")
    nbformat.write(release["two"], tmp_path / "two (1).ipynb")
    (tmp_path / "notes.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()), encoding="utf-8")
    expected = {name: _expected(nb) for name, nb in release.items()}
    notes = st.triage(tmp_path, expected, set_aside=tmp_path / "aside", release=release)
    kinds = {(n.notebook, n.kind) for n in notes}
    assert kinds == {("one.ipynb", "unreadable"), ("two.ipynb", "renamed"), ("three.ipynb", "missing"),
                     ("notes.ipynb", "ignored")}
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == ["notes.ipynb", "two.ipynb"]
    assert (tmp_path / "aside" / "one.ipynb").exists()


@pytest.mark.parametrize("content, why", [
    (b"", "empty file"), (b"\xff\xfe\x00", "not a text file"), (b"[1, 2]", "not a notebook"),
    (b'{"cells": [1', "not valid JSON"),
])
def test_unreadable_notebooks_get_a_plain_reason(tmp_path, content, why):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    nb, reason = st._read(path)
    assert nb is None and why in reason


def test_repair_puts_back_deleted_cells_in_place_and_keeps_the_last_duplicate():
    release = _release()
    nb = nbformat.v4.new_notebook()
    mine = nbformat.v4.new_code_cell("a = 1", metadata={"nbgrader": {"grade_id": "b", "solution": True}})
    first = nbformat.v4.new_code_cell("a = 0", metadata={"nbgrader": {"grade_id": "b", "solution": True}})
    nb.cells = [first, mine]  # "a" and its test "t" deleted, "b" duplicated
    notes = st.cell_notes("x", nb, _expected(release))
    assert {n.message.split(" was")[0].split(" appears")[0] for n in notes} >= {"answer cell 'a'", "locked cell 't'"}
    assert st.repair_cells(nb, release)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids == ["a", "t", None, "b"] and nb.cells[3].source == "a = 1"
    assert not st.repair_cells(nb, release)  # nothing left to repair


def test_feedback_keeps_plain_check_messages_and_cuts_python_tracebacks():
    plain = {"output_type": "error", "ename": "CheckFailed", "evalue": "x",
             "traceback": ["Not yet: `f(1)` gave 2, but the expected value is 3.", "Hint: add one."]}
    python = {"output_type": "error", "ename": "NameError", "evalue": "name 'f' is not defined",
              "traceback": ["\x1b[0;31m---------\x1b[0m", "Cell \x1b[0;32mIn[5], line 3\x1b[0m",
                            "      4 ### BEGIN HIDDEN TESTS", "NameError: name 'f' is not defined"]}
    cell = nbformat.v4.new_code_cell("f(1)", metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 1}})
    cell.outputs = [nbformat.from_dict(plain), nbformat.from_dict(python)]
    cell, _ = rg.ShortTestTracebacks().preprocess_cell(cell, {}, 0)
    assert cell.outputs[0].traceback == plain["traceback"]
    assert cell.outputs[1].traceback == ["NameError: name 'f' is not defined"]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_background_processes_do_not_outlive_grading(tmp_path):
    """Without isolation too: the kernel's process group is killed after the notebook."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        # A child that ignores the polite signals (ignored signals survive exec): only SIGKILL stops it.
        "import signal, subprocess\n"
        "p = subprocess.Popen(['sleep', '300'], preexec_fn=lambda: [signal.signal(s, signal.SIG_IGN) "
        "for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)])\nprint(p.pid)")]
    executor = rg.SandboxedExecute(timeout=60)
    nb, _ = executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    pid = int(nb.cells[0].outputs[0]["text"].strip())
    deadline = __import__("time").monotonic() + 10
    while _alive(pid) and __import__("time").monotonic() < deadline:
        __import__("time").sleep(0.1)
    assert not _alive(pid)
