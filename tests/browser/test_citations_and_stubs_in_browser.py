"""Author-year citation links and the course's code stub, as a learner meets them in JupyterLab 4.

A throw-away course holds the stub-shapes fixture and a copy of the pilot
lesson, with citations synced (``python -m course.references sync``) before
the student versions are generated (tests/citation_stub_fixtures.py). A
JupyterLab server with the notebook's default windowing mode
("contentVisibility", what learners get) serves them to headless Chromium:

* a citation shows "(Task Force 1996)", and clicking it scrolls the notebook
  to that entry of the References cell (JupyterLab's sanitiser turns the
  entry's ``id`` into ``data-jupyter-id``, which its link handler looks up);
* after Run All (and on past each check that stops), no answer cell shows an
  error: a top-level answer shows the stub's one line, and each check says
  "Not answered yet" in a sentence.
"""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest

import citation_stub_fixtures as fx
from course import feedback
from course.grader import nbgrader_api as grading

from . import conftest

pytestmark = pytest.mark.browser

NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{NB} .jp-Notebook .jp-Cell"
PILOT = "01-nervous-system/01-hrv-basics.ipynb"
TIMEOUT_MS = 120_000

CELLS_JS = f"""() => [...document.querySelectorAll("{CELLS}")].map(cell => ({{
  code: cell.classList.contains('jp-CodeCell'),
  prompt: cell.classList.contains('jp-CodeCell') ? cell.querySelector('.jp-InputArea-prompt').textContent.trim() : null,
  errors: [...cell.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
    .map(e => e.textContent.trim()),
  stdout: [...cell.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']")]
    .map(e => e.textContent.trim()),
}}))"""

IDLE_JS = f"""() => {{
  const indicator = document.querySelector("{NB} .jp-Notebook-ExecutionIndicator");
  const prompts = [...document.querySelectorAll("{NB} .jp-CodeCell .jp-InputArea-prompt")].map(e => e.textContent);
  return indicator !== null && indicator.dataset.status === 'idle' && !prompts.some(t => t.includes('*'));
}}"""

# Where an element is relative to the notebook's visible area: "above", "visible" or "below".
PLACE_JS = f"""el => {{
  const box = el.getBoundingClientRect();
  const view = document.querySelector("{NB} .jp-WindowedPanel-outer").getBoundingClientRect();
  return box.bottom <= view.top ? 'above' : box.top >= view.bottom ? 'below' : 'visible';
}}"""


@pytest.fixture(scope="module")
def served(chromium_path, tmp_path_factory):
    """The generated student versions, served by JupyterLab with the default windowing mode."""
    root = tmp_path_factory.mktemp("citations-stubs")
    config, _ = fx.fixture_course(root, [PILOT])
    release = grading.release_dir(config, fx.FIXTURE_ASSIGNMENT).parent
    settings = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "contentVisibility"}}
    with mock.patch.dict(conftest.LAB_SETTINGS, settings):
        server = conftest.LabServer(release, tmp_path_factory.mktemp("citations-lab"))
    try:
        server.wait_until_ready()
        yield server, release
    finally:
        server.stop()


def _open(page, server, path: str, cells: int):
    page.goto(server.url(f"lab/tree/{path}?reset"), timeout=TIMEOUT_MS)
    page.wait_for_selector(f"{NB} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT_MS)
    page.wait_for_function(f"n => document.querySelectorAll('{CELLS}').length === n", arg=cells, timeout=TIMEOUT_MS)


def _cell_count(release, path: str) -> int:
    import nbformat

    return len(nbformat.read(release / path, as_version=4).cells)


def test_a_citation_reads_author_year_and_its_link_moves_to_the_entry(served, browser):
    server, release = served
    page = browser.new_page()
    try:
        _open(page, server, PILOT, _cell_count(release, PILOT))
        link = page.locator(f"{CELLS} .jp-RenderedMarkdown a[href='#ref-taskforce1996']").first
        link.wait_for(timeout=TIMEOUT_MS)
        assert link.text_content() == "Task Force 1996"
        rendered = page.locator(f"{NB} .jp-Notebook").first.text_content()
        assert "(Task Force 1996)" in rendered and "[@" not in rendered
        # The entry keeps its anchor through JupyterLab's sanitiser (as data-jupyter-id or id).
        target = page.locator(f"{NB} [data-jupyter-id='ref-taskforce1996'], {NB} #ref-taskforce1996")
        assert target.count() == 1
        link.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
        assert target.first.evaluate(PLACE_JS) == "below"
        link.click(timeout=TIMEOUT_MS)
        deadline = time.monotonic() + 10
        while target.first.evaluate(PLACE_JS) != "visible" and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert target.first.evaluate(PLACE_JS) == "visible", "the click did not move to the reference entry"
        entry = target.first.evaluate("el => el.closest('li').textContent")
        assert entry.startswith("Task Force of the European Society of Cardiology")
    finally:
        page.close()
        server.shutdown_kernels()


def _run_all(page, cells: int):
    """Run > Run All Cells; where a check stops the run, carry on from the next cell not yet run."""
    def menu(item):
        page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=TIMEOUT_MS)
        page.click(f".lm-Menu-itemLabel:text-is('{item}')", timeout=TIMEOUT_MS)

    menu("Run All Cells")
    page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS, polling=250)
    for _ in range(cells + 1):
        state = page.evaluate(CELLS_JS)
        not_run = [i for i, c in enumerate(state) if c["code"] and not re.fullmatch(r"\[\d+\]:", c["prompt"])]
        if not not_run:
            return state
        page.locator(CELLS).nth(not_run[0]).locator(".jp-InputArea-prompt").click()
        menu("Run Selected Cell and All Below")
        page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS, polling=250)
    raise AssertionError("some cells never ran")


@pytest.mark.parametrize("lesson", [f"{fx.FIXTURE_ASSIGNMENT}/{fx.FIXTURE_LESSON}", PILOT])
def test_unanswered_exercises_show_one_line_and_plain_checks(served, browser, lesson):
    import nbformat

    server, release = served
    nb = nbformat.read(release / lesson, as_version=4)
    page = browser.new_page()
    try:
        _open(page, server, lesson, len(nb.cells))
        seen = _run_all(page, len(nb.cells))
        answers, tests = fx.answer_cells(nb), fx.test_cells(nb)
        for i in answers:
            assert seen[i]["errors"] == [], f"answer cell {i} shows an error: {seen[i]['errors']}"
            if not nb.cells[i].source.lstrip().startswith("def "):
                assert seen[i]["stdout"] == [feedback.STUB_LINE], f"answer cell {i}: {seen[i]['stdout']}"
        for i in tests:
            assert len(seen[i]["errors"]) == 1, f"test cell {i}: {seen[i]['errors']}"
            message = seen[i]["errors"][0]
            assert message.startswith("Not answered yet: ") and "Traceback" not in message, message
        others = [i for i in range(len(nb.cells)) if i not in answers and i not in tests and seen[i]["errors"]]
        for i in others:  # a teaching cell that uses the learner's function
            assert all(e.startswith("Not answered yet: ") for e in seen[i]["errors"]), seen[i]["errors"]
    finally:
        page.close()
        server.shutdown_kernels()
