"""The HRV lab's upload, as a learner uses it in JupyterLab in a real browser (Chromium).

A one-cell notebook starts the lab (``hrv_lab_demo()``); the test gives the
Upload button real files from the export corpus (tests/fixtures/rr_exports/)
through the file dialog it opens, and reads what the learner sees:

* a strap export in seconds is read, and "About your file" says it was
  converted; the figure's alt text names the flagged beats;
* the Column menu stays hidden for a file with one interval column and
  appears (and can be reached with Tab) for a file with two;
* the Flagged beats menu answers the keyboard (Alt+ArrowDown, ArrowDown,
  Enter) and the lab then says how many beats it corrected;
* a heart-rate file is refused with a sentence, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from . import conftest

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rr_exports"
NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"
TIMEOUT_MS = 120_000
IDLE_JS = f"""() => {{
  const indicator = document.querySelector("{NB} .jp-Notebook-ExecutionIndicator");
  const prompts = [...document.querySelectorAll("{NB} .jp-CodeCell .jp-InputArea-prompt")].map(e => e.textContent);
  return indicator !== null && indicator.dataset.status === 'idle' && !prompts.some(t => t.includes('*'));
}}"""


RAN_JS = f"""() => /\\[\\d+\\]/.test(document.querySelector("{NB} .jp-CodeCell .jp-InputArea-prompt").textContent)"""


@pytest.fixture(scope="module")
def served(chromium_path, tmp_path_factory):
    root = tmp_path_factory.mktemp("hrv-upload")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course.widgets.hrv_lab import hrv_lab_demo\ndemo = hrv_lab_demo()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "lab.ipynb")
    server = conftest.LabServer(root, tmp_path_factory.mktemp("hrv-upload-lab"))
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def lab(served, browser):
    """One page and one kernel for the module: each test uploads its own file, which replaces the last."""
    page = browser.new_page()
    try:
        page.goto(served.url("lab/tree/lab.ipynb?reset"), timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{NB} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{NB} .jp-Notebook .jp-CodeCell", timeout=TIMEOUT_MS)  # the cell is on the page
        for _ in range(3):  # a Run All given before the notebook is fully attached can be lost: give it again
            conftest.answer_kernel_question(page, TIMEOUT_MS)
            page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=TIMEOUT_MS)
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=TIMEOUT_MS)
            page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS, polling=250)
            if page.evaluate(RAN_JS):
                break
        page.wait_for_selector(f"{NB} button.widget-upload", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{NB} .widget-html table", timeout=TIMEOUT_MS)
        yield page
    finally:
        page.close()
        served.shutdown_kernels()


def _caption(page) -> str:
    return page.locator(f"{NB} .widget-html").first.inner_text()


def _upload(page, name: str, expect: str):
    with page.expect_file_chooser(timeout=30_000) as chooser:  # the button opens the file dialog
        page.locator(f"{NB} button.widget-upload").click()
    chooser.value.set_files(str(FIXTURES / name))
    page.wait_for_function(
        f"t => document.querySelector('{NB} .widget-html').innerText.includes(t)", arg=expect,
        timeout=30_000, polling=200)


def _dropdown(page, label: str):
    return page.locator(f"{NB} .widget-dropdown:has(label:text-is('{label}'))")


def test_an_export_in_seconds_is_read_and_the_conversion_is_said(lab):
    _upload(lab, "watch_seconds.csv", "About your file")
    text = _caption(lab)
    assert "Read as seconds and converted to milliseconds" in text and "Problem" not in text
    assert "Traceback" not in text
    assert _dropdown(lab, "Column").is_hidden()
    image = lab.locator(f"{NB} .jp-OutputArea-output img[alt*=\"Your file 'watch_seconds.csv'\"]")
    image.wait_for(timeout=30_000)
    assert "2 flagged interval(s)" in image.get_attribute("alt")


def test_the_column_menu_appears_only_for_two_interval_columns(lab):
    _upload(lab, "polar_rr.txt", "About your file")
    assert _dropdown(lab, "Column").is_hidden()
    _upload(lab, "two_rr_columns.csv", "Choose another in the Column menu")
    column = _dropdown(lab, "Column")
    column.wait_for(state="visible", timeout=15_000)
    select = column.locator("select")
    select.focus()
    assert select.evaluate("el => document.activeElement === el")
    assert [o.strip() for o in select.locator("option").all_inner_texts()] == ["ecg_rr", "strap_rr"]


def test_flagged_beats_are_corrected_from_the_keyboard(lab):
    _upload(lab, "ectopic_and_missed.csv", "line 122: 3000 ms")
    select = _dropdown(lab, "Flagged beats").locator("select")
    select.focus()
    for key in ("Alt+ArrowDown", "ArrowDown", "Enter"):
        lab.keyboard.press(key)
    lab.wait_for_function(
        f"() => document.querySelector('{NB} .widget-html').innerText.includes('were corrected by interpolation')",
        timeout=30_000, polling=200)
    assert "7 of 395 intervals (1.8 %) were corrected by interpolation" in _caption(lab)


def test_a_heart_rate_file_is_refused_with_a_sentence(lab):
    _upload(lab, "heart_rate_bpm.csv", "Problem with the file")
    text = _caption(lab)
    assert "looks like heart rates in beats per minute, not intervals between beats" in text
    assert "Traceback" not in text
