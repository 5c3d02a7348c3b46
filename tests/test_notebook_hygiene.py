"""Lesson notebooks and datasets follow the authoring conventions (docs/AUTHORING.md).

Each check is run on the real notebooks, and also on a deliberately broken
notebook to show it can fail (the checks of written answers, vignettes and
verdict exercises on a fixture lesson in tests/test_lesson_formats.py).
"""

from __future__ import annotations

import copy
import re

import nbformat
import pytest

from course.publish import lesson_checks as authoring
from course.paths import MODULES_DIR

LESSONS = authoring.lesson_paths()
PILOT = MODULES_DIR / "01-nervous-system" / "01-hrv-basics.ipynb"


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_passes_every_check(path):
    assert authoring.check_lesson(path) == []


MODULES = authoring.module_paths()


@pytest.mark.parametrize("folder", MODULES, ids=[p.name for p in MODULES])
def test_module_has_a_client_vignette(folder):
    """Every module has at least one client vignette (format 2; each one's shape is checked per lesson)."""
    assert authoring.check_module(folder) == []


def test_datasets_have_datasheets():
    assert authoring.check_datasheets() == []


def test_start_page_has_one_title_and_the_key_sections():
    nb = nbformat.read(MODULES_DIR / "START-HERE.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert sum(line.startswith("# ") for line in text.splitlines()) == 1
    for needed in ("Education, not clinical advice", "Content note", "Glossary", "How to cite",
                   "01-nervous-system/01-hrv-basics.ipynb", "sympatikus", "tilbakefall", "frafall", "rustrang"):
        assert needed in text
    assert all(not c.get("outputs") for c in nb.cells)


@pytest.fixture
def pilot():
    return nbformat.read(PILOT, as_version=4)


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_stored_output_is_caught(pilot):
    broken = copy.deepcopy(pilot)
    cell = next(c for c in broken.cells if c.cell_type == "code" and not c.outputs)
    cell.outputs = [nbformat.v4.new_output("stream", text="leftover")]
    assert any("stored output" in p for p in authoring.check_outputs_stripped(broken))


def test_duplicate_grade_id_and_missing_points_are_caught(pilot):
    broken = copy.deepcopy(pilot)
    _cell(broken, "ex2-rmssd-tests").metadata["nbgrader"]["grade_id"] = "ex1-mean-heart-rate-tests"
    _cell(broken, "ex3-pnn50-tests").metadata["nbgrader"]["points"] = 0
    problems = authoring.check_nbgrader_metadata(broken)
    assert any("used 2 times" in p for p in problems)
    assert any("no positive points" in p for p in problems)


def test_unlocked_test_cell_and_missing_prompt_are_caught(pilot):
    broken = copy.deepcopy(pilot)
    _cell(broken, "ex1-mean-heart-rate-tests").metadata["nbgrader"]["locked"] = False
    _cell(broken, "reflection-hrv-limits-prompt").metadata["nbgrader"]["locked"] = False
    problems = authoring.check_nbgrader_metadata(broken)
    assert any("must be locked" in p for p in problems)
    assert any("question in a locked cell" in p for p in problems)


def test_unknown_citation_and_stale_references_are_caught(pilot):
    broken = copy.deepcopy(pilot)
    broken.cells[1].source += "\n\nAs shown before [@nosuchpaper2099]."
    assert any("nosuchpaper2099" in p for p in authoring.check_citations(broken))
    stale = copy.deepcopy(pilot)
    stale.cells[1].source += "\n\nSee also [@shaffer2017; @okabe2008]."
    assert any("out of date" in p for p in authoring.check_citations(stale))


def test_structure_problems_are_caught(pilot):
    broken = copy.deepcopy(pilot)
    broken.cells[0].source = broken.cells[0].source.replace("**Time:**", "Time")
    broken.cells.append(nbformat.v4.new_markdown_cell("# A second title"))
    problems = authoring.check_structure(broken)
    assert any("exactly one top-level" in p for p in problems)
    assert any("Time" in p for p in problems)


def test_figure_without_alt_text_and_untagged_widget_are_caught(pilot):
    broken = copy.deepcopy(pilot)
    broken.cells.append(nbformat.v4.new_code_cell("plt.plot([1, 2]); plt.show()"))
    broken.cells.append(nbformat.v4.new_code_cell("demo = widgets.window_length_demo(nn)"))
    problems = authoring.check_figures_and_widgets(broken)
    assert any("alt text" in p for p in problems)
    assert any("nbval-ignore-output" in p for p in problems)


def test_dataset_without_datasheet_is_caught(tmp_path):
    (tmp_path / "orphan.csv").write_text("a\n1\n")
    (tmp_path / "thin.md").write_text("## Files\nnothing here\n")
    problems = authoring.check_datasheets(tmp_path)
    assert any("orphan.csv" in p for p in problems)
    assert any("Licence and attribution" in p for p in problems)
    assert any("REAL or SIMULATED" in p for p in problems)


def test_start_page_links_point_at_existing_notebooks():
    nb = nbformat.read(MODULES_DIR / "START-HERE.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    links = re.findall(r"\]\(([^)#]+\.ipynb)\)", text)
    assert links, "the start page links no lessons"
    missing = [link for link in links if not (MODULES_DIR / link).exists()]
    assert missing == []
    listed = {link for link in links}
    for lesson in LESSONS:
        assert f"{lesson.parent.name}/{lesson.name}" in listed, f"{lesson.name} is not on the start page"
