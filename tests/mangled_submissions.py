"""A corpus of broken, odd and hostile submissions, with the score each one deserves.

Used by ``tests/test_mangled_submissions.py``. The assignment is module 01
cut down to two lessons (so "one notebook missing" makes sense):
``01-hrv-basics`` (autograded 1 + 2 + 2 points) and ``05-burnout-evidence``
(3 + 2). Each case is built from the student version by answering with the
instructor's solutions and then breaking one thing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import nbformat

from course.grader import nbgrader_api as grading

ASSIGNMENT = "01-nervous-system"
L1, L2 = "01-hrv-basics", "05-burnout-evidence"
LESSONS = (f"{L1}.ipynb", f"{L2}.ipynb")
FULL = {L1: 5.0, L2: 5.0}
# Autograded points of each exercise of L1, by answer cell.
EX1, EX2, EX3 = "ex1-mean-heart-rate", "ex2-rmssd", "ex3-pnn50"
POINTS = {EX1: 1.0, EX2: 2.0, EX3: 2.0}


@dataclass
class Case:
    student: str
    what: str
    files: dict            # file name -> text (str) or bytes; lessons left out are missing
    expected: dict         # notebook -> autograded points
    reason: str | None = None          # text expected in the instructor's notes for this learner
    tampering: bool = False


def _cells(nb, grade_id):
    return [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]


def _prepend(nb, grade_id, code):
    nb = copy.deepcopy(nb)
    cell = nb.cells[_cells(nb, grade_id)[0]]
    cell.source = code + "\n" + cell.source
    return nb


def _write(nb) -> str:
    return nbformat.writes(nb)


def build(release: dict, source: dict, attack_paths: dict) -> list[Case]:
    """Every case. ``release``/``source``: notebook name -> student/instructor notebook.
    ``attack_paths``: absolute paths an attacker would aim at (gradebook, a source notebook)."""
    correct = {n: grading.fill_answers(release[n], source[n]) for n in (L1, L2)}
    stubs = {n: release[n] for n in (L1, L2)}
    good2 = _write(correct[L2])

    def with_l1(nb, **kw):
        return {f"{L1}.ipynb": _write(nb), f"{L2}.ipynb": good2}

    def minus(*exercises):
        return FULL[L1] - sum(POINTS[e] for e in exercises)

    cases = [
        Case("ok-ana", "both lessons answered correctly", with_l1(correct[L1]), dict(FULL)),
        Case("ok-bo", "both lessons answered correctly", with_l1(correct[L1]), dict(FULL)),
        Case("partial", "only the first exercise of lesson 1 answered",
             with_l1(grading.fill_answers(release[L1], source[L1], {f"{EX1}-answer"})), {L1: 1.0, L2: 5.0}),
        Case("untouched", "nothing answered", {f"{n}.ipynb": _write(stubs[n]) for n in (L1, L2)}, {L1: 0.0, L2: 0.0}),
    ]

    # Runaway code
    cases.append(Case("loop", "an endless loop before the answer to exercise 2",
                      with_l1(_prepend(correct[L1], f"{EX2}-answer", "while True:\n    pass")),
                      {L1: minus(EX2), L2: 5.0}, reason="time limit"))
    cases.append(Case("loop-stubborn", "an endless loop that swallows interrupts",
                      with_l1(_prepend(correct[L1], f"{EX2}-answer",
                                       "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                                       "    except BaseException:\n        pass")),
                      {L1: minus(EX2), L2: 5.0}, reason="time limit"))
    cases.append(Case("exit", "sys.exit() at the top of exercise 1",
                      with_l1(_prepend(correct[L1], f"{EX1}-answer", "import sys\nsys.exit()")),
                      {L1: minus(EX1), L2: 5.0}, reason="sys.exit"))
    cases.append(Case("killer", "os._exit(1) kills the kernel in exercise 3",
                      with_l1(_prepend(correct[L1], f"{EX3}-answer", "import os\nos._exit(1)")),
                      {L1: minus(EX3), L2: 5.0}, reason="stopped the grading kernel"))
    cases.append(Case("memory", "allocates 8 GB in exercise 2",
                      with_l1(_prepend(correct[L1], f"{EX2}-answer", "hog = bytearray(8 * 1024 ** 3)")),
                      {L1: minus(EX2), L2: 5.0}, reason="memory"))
    cases.append(Case("flood", "prints 40 MB in exercise 1 (and answers correctly)",
                      with_l1(_prepend(correct[L1], f"{EX1}-answer", "print('x' * 40_000_000)")),
                      dict(FULL), reason="printed 40,000,001 characters"))
    cases.append(Case("daemon", "leaves a background process behind",
                      with_l1(_prepend(correct[L1], f"{EX1}-answer",
                                       "import subprocess\nsubprocess.Popen(['sleep', '300'])")),
                      dict(FULL)))
    cases.append(Case("input", "asks for keyboard input in exercise 1",
                      with_l1(_prepend(correct[L1], f"{EX1}-answer", "name = input('Your name? ')")),
                      {L1: minus(EX1), L2: 5.0}, reason="keyboard input"))

    # Damaged structure
    nb = copy.deepcopy(correct[L1])
    del nb.cells[_cells(nb, f"{EX2}-tests")[0]]
    cases.append(Case("no-test-cell", "deleted the test cell of exercise 2", with_l1(nb), dict(FULL),
                      reason="was deleted"))
    nb = copy.deepcopy(stubs[L1])
    for gid in (f"{EX1}-answer", f"{EX1}-tests"):
        del nb.cells[_cells(nb, gid)[0]]
    nb.cells.insert(2, nbformat.v4.new_code_cell("def mean_heart_rate(nn_ms):\n    return 60000 / np.mean(nn_ms)"))
    cases.append(Case("no-exercise", "deleted exercise 1's answer and test cells (answer written elsewhere)",
                      with_l1(nb), {L1: 0.0, L2: 5.0}, reason="was deleted"))
    nb = copy.deepcopy(stubs[L1])
    nb.cells[_cells(nb, f"{EX2}-tests")[0]].source = "# tests removed\npass"
    cases.append(Case("edited-test", "replaced a locked test cell with `pass` (answers not written)",
                      with_l1(nb), {L1: 0.0, L2: 5.0}, reason="was edited"))
    nb = copy.deepcopy(correct[L1])
    nb.cells[_cells(nb, f"{EX2}-tests")[0]].cell_type = "markdown"
    cell = nb.cells[_cells(nb, f"{EX2}-tests")[0]]
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    cases.append(Case("cell-type", "turned a test cell into Markdown", with_l1(nb), dict(FULL),
                      reason="changed to markdown"))
    nb = copy.deepcopy(correct[L1])
    i = _cells(nb, f"{EX2}-answer")[0]
    first = copy.deepcopy(nb.cells[i])
    first.source = "def rmssd(nn_ms):\n    return 0.0  # first try"
    first["id"] = "duplicate-copy"
    nb.cells.insert(i, first)
    cases.append(Case("duplicate", "duplicated the answer cell of exercise 2 (first copy wrong)",
                      with_l1(nb), dict(FULL), reason="appears 2 times"))
    nb = copy.deepcopy(correct[L1])
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("My notes: RMSSD reflects vagal tone."))
    nb.cells.insert(_cells(nb, f"{EX2}-answer")[0] + 1, nbformat.v4.new_code_cell("rmssd([800, 810, 790])"))
    nb.cells.append(nbformat.v4.new_code_cell("x = [1, 2, 3]\nsum(x)"))
    cases.append(Case("extra-cells", "added notes and scratch cells", with_l1(nb), dict(FULL)))
    cases.append(Case("bad-json", "lesson 1 is truncated JSON",
                      {f"{L1}.ipynb": _write(correct[L1])[:5000], f"{L2}.ipynb": good2},
                      {L1: 0.0, L2: 5.0}, reason="not valid JSON"))
    cases.append(Case("zero-bytes", "lesson 1 is an empty file", {f"{L1}.ipynb": b"", f"{L2}.ipynb": good2},
                      {L1: 0.0, L2: 5.0}, reason="empty file"))
    cases.append(Case("empty-notebook", "lesson 1 is a notebook with no cells",
                      {f"{L1}.ipynb": _write(nbformat.v4.new_notebook()), f"{L2}.ipynb": good2},
                      {L1: 0.0, L2: 5.0}, reason="has no cells"))
    cases.append(Case("missing", "lesson 1 not handed in", {f"{L2}.ipynb": good2}, {L1: 0.0, L2: 5.0},
                      reason="not in the submission"))
    cases.append(Case("renamed", "lesson 1 handed in as a copy with another name",
                      {f"{L1}-Copy1.ipynb": _write(correct[L1]), f"{L2}.ipynb": good2}, dict(FULL),
                      reason="graded as"))
    cases.append(Case("all-broken", "every notebook is damaged",
                      {f"{L1}.ipynb": "{not json", f"{L2}.ipynb": b"\x00\xff\xfe"}, {L1: 0.0, L2: 0.0},
                      reason="nothing could be graded"))

    # Tampering with the checks (wrong answers everywhere else, so a pass would be visible)
    wrong = copy.deepcopy(stubs[L1])
    for gid, fn in ((f"{EX1}-answer", "mean_heart_rate"), (f"{EX2}-answer", "rmssd"), (f"{EX3}-answer", "pnn50")):
        wrong.cells[_cells(wrong, gid)[0]].source = f"def {fn}(nn_ms):\n    return 0.0"
    cases.append(Case("patch-helpers", "replaces the course's check functions",
                      with_l1(_prepend(wrong, f"{EX1}-answer",
                                       "feedback.check_value = lambda *a, **k: None\n"
                                       "feedback.check_against = lambda *a, **k: None\n"
                                       "feedback.check_own_work = lambda *a, **k: None")),
                      {L1: 0.0, L2: 5.0}, reason="changes part of `feedback`", tampering=True))
    cases.append(Case("patch-sneaky", "replaces the checks in a way a static reading misses",
                      with_l1(_prepend(wrong, f"{EX1}-answer",
                                       "ns = vars(feedback)\nfor key in ('check_value', 'check_against', "
                                       "'check_own_work'):\n    ns[key] = lambda *a, **k: None")),
                      {L1: 0.0, L2: 5.0}, reason="was changed", tampering=True))
    cases.append(Case("patch-numpy", "makes NumPy call every answer close enough",
                      with_l1(_prepend(wrong, f"{EX1}-answer", "np.isclose = lambda *a, **k: True\n"
                                                               "np.allclose = lambda *a, **k: True")),
                      {L1: 0.0, L2: 5.0}, reason="changes part of `np`", tampering=True))
    cases.append(Case("blank-tests", "hooks IPython to skip every later cell",
                      with_l1(_prepend(wrong, f"{EX1}-answer",
                                       "get_ipython().input_transformers_post.append(lambda lines: [])")),
                      {L1: 0.0, L2: 5.0}, reason="IPython", tampering=True))

    # Reaching outside the notebook: works with stock nbgrader, must fail under isolation.
    attack = (
        "import json, pathlib, sys\n"
        f"db = {attack_paths['gradebook_dir']!r} + '/' + 'grade' + 'book.db'\n"
        f"source = {attack_paths['source']!r}\n"
        "helper = pathlib.Path('attack_helper.py')\n"
        "helper.write_text('import sqlite3\\n'\n"
        "    'def run(db):\\n'\n"
        "    '    con = sqlite3.connect(db)\\n'\n"
        "    '    con.execute(\"UPDATE grade SET auto_score = 0\")\\n'\n"
        "    '    con.commit()\\n'\n"
        "    '    return \"rewrote\"\\n')\n"
        "sys.path.insert(0, '.')\n"
        "import attack_helper\n"
        "print('HIDDEN' if 'BEGIN ' + 'HIDDEN' in open(source).read() else 'none')\n"
        "print(attack_helper.run(db))\n"
    )
    cases.append(Case("attacker", "tries to read the hidden tests and zero everyone's grades",
                      with_l1(_prepend(correct[L1], f"{EX1}-answer", attack)),
                      {L1: minus(EX1), L2: 5.0}, reason="may not read"))
    return cases
