"""The course's JupyterLab settings make a saved notebook keep the times of its cell runs.

A JupyterLab server is started whose application folder holds only the
course's ``jupyterlab-overrides.json`` as ``settings/overrides.json`` (the
place ``course.sh``, Binder's ``postBuild`` and the hub's ``setup.sh`` copy it
to; the rest of the folder links to this environment's JupyterLab). Then:

* the settings API reports ``recordTiming`` on for notebooks (no browser needed);
* in Chromium, a small notebook is opened, Run > Run All Cells, saved, and the
  file on disk has ISO 8601 timestamps in every code cell's
  ``metadata.execution``, which :mod:`course.grader.timing` reads.

Reuses the session's Chromium and the ``LabServer`` of ``conftest.py``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course.grader import timing
from course.paths import REPO_ROOT

from .conftest import LabServer, answer_kernel_question

NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"
PLUGIN = "@jupyterlab/notebook-extension:tracker"
TIMEOUT_MS = 90_000
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
IDLE_JS = f"""() => {{
  const indicator = document.querySelector("{NB} .jp-Notebook-ExecutionIndicator");
  const prompts = [...document.querySelectorAll("{NB} .jp-CodeCell .jp-InputArea-prompt")].map(e => e.textContent);
  return indicator !== null && indicator.dataset.status === 'idle'
    && prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
}}"""


def _app_dir_with_course_overrides(folder: Path) -> Path:
    """A JupyterLab application folder: this environment's assets, and the course's overrides only."""
    real = Path(sys.prefix) / "share" / "jupyter" / "lab"
    folder.mkdir(parents=True)
    for name in ("static", "schemas", "themes"):
        if (real / name).exists():
            (folder / name).symlink_to(real / name, target_is_directory=True)
    (folder / "settings").mkdir()
    (folder / "settings" / "overrides.json").write_bytes((REPO_ROOT / "jupyterlab-overrides.json").read_bytes())
    return folder


@pytest.fixture(scope="module")
def timing_server(tmp_path_factory):
    """A JupyterLab server (course overrides only) serving one small notebook; yields (server, notebook path)."""
    work = tmp_path_factory.mktemp("timing-lab")
    root = work / "root"
    root.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Timing check"),
                nbformat.v4.new_code_cell("x = 1 + 1"),
                nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)\nprint(x)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path = root / "timing.ipynb"
    nbformat.write(nb, path)
    app_dir = _app_dir_with_course_overrides(work / "lab-app")
    saved = os.environ.get("JUPYTERLAB_DIR")
    os.environ["JUPYTERLAB_DIR"] = str(app_dir)  # LabServer passes os.environ to the server it starts
    try:
        server = LabServer(root, work)
    finally:
        if saved is None:
            os.environ.pop("JUPYTERLAB_DIR", None)
        else:
            os.environ["JUPYTERLAB_DIR"] = saved
    try:
        server.wait_until_ready()
        yield server, path
    finally:
        server.stop()


def test_the_settings_api_has_record_timing_on(timing_server):
    server, _ = timing_server
    with urllib.request.urlopen(server.url(f"lab/api/settings/{PLUGIN}"), timeout=20) as response:
        settings = json.loads(response.read())
    # JupyterLab applies overrides.json to the schema's defaults; the user's own settings do not change it.
    assert settings["schema"]["properties"]["recordTiming"]["default"] is True
    assert "recordTiming" not in settings["settings"]


@pytest.mark.browser
def test_a_saved_notebook_keeps_the_times_of_its_cell_runs(timing_server, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    server, path = timing_server
    page = browser.new_page()
    try:
        page.goto(server.url("lab/tree/timing.ipynb?reset"), timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{NB} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=TIMEOUT_MS)
        started = time.time()
        for attempt in range(4):  # a Run All sent while the kernel is still connecting can be dropped
            answer_kernel_question(page, TIMEOUT_MS)  # JupyterLab may ask for a kernel once
            page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=TIMEOUT_MS)
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=TIMEOUT_MS)
            try:
                page.wait_for_function(IDLE_JS, timeout=20_000, polling=250)
                break
            except PlaywrightTimeout:
                if attempt == 3:
                    raise
        page.click(".lm-MenuBar-itemLabel:text-is('File')", timeout=TIMEOUT_MS)
        page.click(".lm-Menu-itemLabel:text-is('Save Notebook')", timeout=TIMEOUT_MS)
        deadline = time.monotonic() + 30
        saved = None
        while time.monotonic() < deadline:
            try:
                saved = nbformat.read(path, as_version=4)
            except (OSError, ValueError):  # caught while JupyterLab was writing the file
                time.sleep(0.5)
                continue
            if all("execution" in c.metadata for c in saved.cells if c.cell_type == "code"):
                break
            time.sleep(0.5)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "timing-failed.png"))
        raise
    finally:
        page.close()

    assert saved is not None, "the notebook was never saved as valid JSON"
    code = [c for c in saved.cells if c.cell_type == "code"]
    missing = [i for i, c in enumerate(code) if "execution" not in c.metadata]
    assert not missing, f"code cells without timing after saving: {missing}; metadata: {[c.metadata for c in code]}"
    for cell in code:
        stamps = [timing.parse_timestamp(v) for v in cell.metadata["execution"].values()]
        assert len(stamps) >= 2 and all(s is not None for s in stamps), cell.metadata["execution"]
        assert all(abs(s.timestamp() - started) < 120 for s in stamps)
    found = timing.notebook_timing(saved)
    assert found.skipped == 0 and found.timestamps >= 4
    # The second cell sleeps 1.5 s, so the active time is at least that, and well under a minute here.
    assert 1.5 / 60 <= found.minutes < 1.0
