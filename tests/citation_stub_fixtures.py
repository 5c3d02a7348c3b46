"""Fixture lessons for the author-year citations and the course's code stub (issue #13).

``stub_shapes_notebook()`` is a small source lesson with every shape of answer
cell the lessons use: a function whose body is the answer, a function with
code before and after the answer (``return problems``), several functions in
one cell, a top-level dict of verdicts; plus citations, single and grouped, and
a References cell. ``fixture_course(root, real_lessons)`` puts it, and
temporary copies of real lessons with their citations synced, in a throw-away
nbgrader course and generates the student versions.

Used by tests/test_student_build.py and tests/browser/test_citations_and_stubs_in_browser.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from course import references
from course.grader import nbgrader_api as grading
from course.paths import MODULES_DIR

FIXTURE_ASSIGNMENT = "99-stub-fixture"
FIXTURE_LESSON = "01-stub-shapes.ipynb"


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def stub_shapes_notebook():
    """The source (instructor's) version of the fixture lesson."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md("# Stub shapes\n\nHRV needs five minutes [@taskforce1996]; norms vary [@nunan2010; @shaffer2017]. "
           "Write `[@key]` to cite (an example in code, left alone)."),
        code("import numpy as np\n\nfrom course import feedback"),
        md("## Exercise 1\n\nWrite `mean_of`.", metadata=_meta("ex1-prompt")),
        code('def mean_of(values):\n    """The mean."""\n    ### BEGIN SOLUTION\n    return float(np.mean(values))\n'
             "    ### END SOLUTION", metadata=_meta("ex1-answer", solution=True)),
        code("feedback.check_value(mean_of, [[1, 2, 3]], 2.0)\n### BEGIN HIDDEN TESTS\n"
             "_ = feedback.check_value(mean_of, [[4]], 4.0)\n### END HIDDEN TESTS",
             metadata=_meta("ex1-tests", grade=True, points=1)),
        md("## Exercise 2\n\nList the problems.", metadata=_meta("ex2-prompt")),
        code('def problems_of(first, second):\n    """Problem words."""\n    first = dict(first)\n    problems = []\n'
             '    ### BEGIN SOLUTION\n    if first.get("posture") != second.get("posture"):\n'
             '        problems.append("different posture")\n    ### END SOLUTION\n    return problems',
             metadata=_meta("ex2-answer", solution=True)),
        code('got = feedback.call(problems_of, {"posture": "lying"}, {"posture": "lying"})\n'
             "assert got == [], got\n"
             'got = feedback.call(problems_of, {"posture": "lying"}, {"posture": "sitting"})\n'
             'assert got == ["different posture"], got',
             metadata=_meta("ex2-tests", grade=True, points=1)),
        md("## Exercise 3\n\nTwo functions.", metadata=_meta("ex3-prompt")),
        code('def risk_difference(a, b):\n    """a - b."""\n    ### BEGIN SOLUTION\n    return a - b\n'
             '    ### END SOLUTION\n\n\ndef risk_ratio(a, b):\n    """a / b."""\n    ### BEGIN SOLUTION\n'
             "    return a / b\n    ### END SOLUTION", metadata=_meta("ex3-answer", solution=True)),
        code("feedback.check_value(risk_difference, [0.3, 0.2], 0.1)\n_ = feedback.check_value(risk_ratio, [0.3, 0.2], 1.5)",
             metadata=_meta("ex3-tests", grade=True, points=2)),
        md("## Exercise 4\n\nA verdict for each source.", metadata=_meta("ex4-prompt")),
        code('### BEGIN SOLUTION\nverdicts = {\n    "taskforce1996": "verified",\n    "nunan2010": "verified",\n}\n'
             "### END SOLUTION", metadata=_meta("ex4-answer", solution=True)),
        code('answers = feedback.answer("verdicts", globals())\n'
             'assert answers == {"taskforce1996": "verified", "nunan2010": "verified"}',
             metadata=_meta("ex4-tests", grade=True, points=1)),
        md("## Try your function\n\nA teaching cell that uses the learner's function [@taskforce1996]."),
        code("print(feedback.call(mean_of, [800, 1000]))"),
        md("", metadata={"tags": [references.REFERENCES_TAG]}),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def answer_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def test_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


def fixture_course(root: Path, real_lessons=()) -> tuple[object, Path]:
    """A throw-away course: the stub fixture plus copies of ``real_lessons`` ("NN-module/NN-lesson.ipynb").

    Every notebook's citations are synced (author-year links) before the
    student versions are generated. Returns ``(config, modules_dir)``.
    """
    modules = Path(root) / "fixture-modules"
    (modules / FIXTURE_ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    nb = stub_shapes_notebook()
    references.sync_notebook(nb)
    nbformat.write(nb, modules / FIXTURE_ASSIGNMENT / FIXTURE_LESSON)
    for lesson in real_lessons:
        target = modules / lesson
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(MODULES_DIR / lesson, target)
        references.sync(target)
    config = grading.make_course(Path(root) / "course", modules)
    for name in grading.assignments(modules):
        grading.generate(config, name)
    return config, modules
