"""Every lesson, as a learner gets it, runs in JupyterLab in a real browser.

For each student notebook (and the start page): open it, Run > Run All Cells
(and carry on past each stub, as a learner who clicks on would), then check
what the learner sees:

* every code cell ran, and the only error outputs are the expected ones from
  stubs ("Not answered yet" in test cells, ``NotImplementedError`` in answer
  cells); anything else (a ``NameError`` in a teaching cell, a traceback from
  course code, a warning) is reported with its text;
* every widget rendered: no "Loading widget..." or "Error displaying widget"
  left, and each interactive demo shows its controls, caption and figure;
* every image has a non-empty ``alt`` attribute (not JupyterLab's stand-in
  "Image") and actually loaded;
* each demo answers the keyboard: one focused control, an arrow key (or
  Space), and the demo's caption or figure changes;
* axe-core finds no serious or critical accessibility violation in the
  course's content (markdown, outputs, widgets, figures, feedback) of the page
  as the run left it; JupyterLab's own violations are listed in the session
  summary, not failed on (see axe_audit.py).

A full-page screenshot of each lesson is saved in ``artifacts/browser/``.
One JupyterLab server and one Chromium serve all lessons (see conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from course.grader import nbgrader_api as grading
from course.paths import MODULES_DIR, REPO_ROOT
from course.publish.student import START_PAGE

from . import axe_audit
from .conftest import answer_kernel_question

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
LESSON_TIMEOUT_S = float(os.environ.get("COURSE_BROWSER_LESSON_TIMEOUT", "150"))
DEMO_CHANGE_TIMEOUT_S = 20
NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"
MAX_SCREENSHOT_HEIGHT = 16000  # Chromium's limit for one capture
# JupyterLab's renderer gives every <img> without alt text alt="Image" (rendermime's handleDefaults),
# which hides the missing text from axe-core and screen readers alike; the check below counts it as none.
JUPYTERLAB_ALT_PLACEHOLDER = "Image"

# Lessons that fail in the browser because of their content. Each stays
# visible as a strict xfail (the suite fails when the lesson is fixed, so the
# entry is removed then). Key: lesson path inside student/; value: reason.
KNOWN_CONTENT_PROBLEMS: dict[str, str] = {}


def lessons() -> list[str]:
    """The start page and every lesson, as paths inside ``student/`` (names as in ``modules/``)."""
    found = [START_PAGE]
    for name in grading.assignments(MODULES_DIR):
        found += [f"{name}/{p.name}" for p in sorted((MODULES_DIR / name).glob("*.ipynb"))]
    return found


def _params():
    for lesson in lessons():
        marks = []
        if lesson in KNOWN_CONTENT_PROBLEMS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_CONTENT_PROBLEMS[lesson]))
        yield pytest.param(lesson, id=lesson.removesuffix(".ipynb"), marks=marks)


# --- JavaScript run in the page ----------------------------------------------------------

RUN_STATE_JS = f"""() => {{
  const indicator = document.querySelector("{NB} .jp-Notebook-ExecutionIndicator");
  const prompts = [...document.querySelectorAll("{NB} .jp-CodeCell .jp-InputArea-prompt")]
    .map(e => e.textContent);
  return indicator !== null && indicator.dataset.status === 'idle' && !prompts.some(t => t.includes('*'));
}}"""

CELLS_JS = f"""() => [...document.querySelectorAll("{NB} .jp-Notebook .jp-Cell")].map(cell => ({{
  code: cell.classList.contains('jp-CodeCell'),
  prompt: cell.classList.contains('jp-CodeCell') ? cell.querySelector('.jp-InputArea-prompt').textContent.trim() : null,
  errors: [...cell.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
    .map(e => e.textContent.trim()),
  widgetOutputs: [...cell.querySelectorAll('.jp-OutputArea-output')]
    .filter(o => o.dataset.mimeType === undefined && !o.closest('.widget-output'))
    .map(o => ({{rendered: o.querySelector('.jupyter-widgets') !== null, text: o.textContent.trim().slice(0, 200)}})),
  images: [...cell.querySelectorAll('img')].map(i => ({{
    alt: (i.getAttribute('alt') || '').trim(), loaded: i.complete && i.naturalWidth > 0,
    src: (i.getAttribute('src') || '').slice(0, 60)}})),
}}))"""

# What a demo shows, apart from its controls: captions and the figure(s).
DEMO_VIEW_JS = """cell => JSON.stringify([
  [...cell.querySelectorAll('.widget-html-content')].map(e => e.textContent),
  [...cell.querySelectorAll('.widget-output')].map(e => e.textContent),
  [...cell.querySelectorAll('.widget-output img')].map(i => [i.alt, i.src.length, i.src.slice(-96)]),
])"""

# One keyboard-operable control per demo, in order of preference:
# (kind, selector, keys to press, keys to press if the first ones change nothing).
# A slider at its maximum is moved left instead (see Lesson._keys_for). A
# dropdown's list is opened with Alt+ArrowDown, the usual keyboard way: in a
# notebook's command mode JupyterLab takes a plain ArrowDown to move to the
# next cell (see test_plain_arrow_down_on_a_dropdown below).
CONTROLS = [
    ("slider", ".widget-slider .noUi-handle", ["ArrowRight"], ["ArrowLeft"]),
    ("dropdown", ".widget-dropdown select", ["Alt+ArrowDown", "ArrowDown", "Enter"],
     ["Alt+ArrowDown", "ArrowUp", "Enter"]),
    ("checkbox", ".widget-checkbox input[type=checkbox]", ["Space"], ["Space"]),
    ("toggle buttons", ".widget-toggle-buttons button:not(.mod-active)", ["Space"], []),
]
DROPDOWN_NOTE = ("JupyterLab's notebook command mode takes a plain ArrowDown on a focused ipywidgets Dropdown "
                 "(the notebook moves to the next cell and the choice stays); keyboard users open the list "
                 "with Alt+ArrowDown instead, which the demo checks use. Known upstream: "
                 "https://github.com/jupyter-widgets/ipywidgets/issues/3912")


class Lesson:
    """Drives one lesson in the page and records the stage, for a clear timeout message."""

    def __init__(self, page, server, lesson: str, cells: list[dict], folder: str = "student"):
        self.page, self.server, self.lesson, self.cells = page, server, lesson, cells
        self.folder = folder
        self.deadline = time.monotonic() + LESSON_TIMEOUT_S
        self.stage = "starting"

    def remaining_ms(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left * 1000

    def open(self):
        self.stage = "opening the notebook and starting its kernel"
        self.page.goto(self.server.url(f"lab/tree/{self.folder}/{self.lesson}?reset"), timeout=self.remaining_ms())
        self._wait_kernel_idle()
        self.page.wait_for_function(f"n => document.querySelectorAll('{NB} .jp-Notebook .jp-Cell').length === n",
                                    arg=len(self.cells), timeout=self.remaining_ms())
        self.answer_dialog()
        # Close the file browser so the screenshot shows the lesson at full width.
        current = self.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if current.count():
            current.first.click()

    def answer_dialog(self) -> None:
        """Accept JupyterLab's kernel question (see conftest.answer_kernel_question); other dialogs fail."""
        try:
            if answer_kernel_question(self.page, self.remaining_ms()):
                self._wait_kernel_idle()
        except AssertionError as exc:
            raise AssertionError(f"{exc} (while {self.stage})") from None

    def _wait_kernel_idle(self):
        self.page.wait_for_selector(f"{NB} .jp-Notebook-ExecutionIndicator[data-status='idle']",
                                    timeout=self.remaining_ms())

    def _menu(self, item: str):
        self.page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=self.remaining_ms())
        self.page.click(f".lm-Menu-itemLabel:text-is('{item}')", timeout=self.remaining_ms())

    def _wait_idle(self):
        self.page.wait_for_function(RUN_STATE_JS, timeout=self.remaining_ms(), polling=250)

    def run_all(self) -> None:
        """Run > Run All Cells; after each stub's error, run on from the next cell not yet run."""
        self.stage = "running all cells"
        self.answer_dialog()
        self._menu("Run All Cells")
        self._wait_idle()
        for _ in range(len(self.cells) + 1):
            not_run = [i for i, c in enumerate(self.state()) if c["code"] and not re.fullmatch(r"\[\d+\]:", c["prompt"])]
            if not not_run:
                return
            self.stage = f"running from cell {not_run[0]} on"
            self.answer_dialog()  # a Run All sent while JupyterLab asked for the kernel ran nothing
            self.page.locator(f"{NB} .jp-Notebook .jp-Cell").nth(not_run[0]).locator(".jp-InputArea-prompt").click()
            self._menu("Run Selected Cell and All Below")
            self._wait_idle()

    def settle_widgets(self):
        self.stage = "waiting for widgets to load"
        try:
            self.page.wait_for_function(
                f"() => !document.querySelector('{NB} .jp-Notebook').textContent.includes('Loading widget...')"
                f" && [...document.querySelectorAll('{NB} .jp-Notebook img')].every(i => i.complete)",
                timeout=min(30_000, self.remaining_ms()), polling=250)
        except Exception:  # reported by the checks below
            pass

    def state(self) -> list[dict]:
        return self.page.evaluate(CELLS_JS)

    def cell(self, index: int):
        return self.page.locator(f"{NB} .jp-Notebook .jp-Cell").nth(index)

    def press(self, control, handle, keys: list[str], before: str, timeout_s: float) -> str:
        """Focus ``control``, press ``keys``; return "changed", "unchanged" or "focus lost"."""
        control.focus(timeout=self.remaining_ms())
        if not control.evaluate("el => document.activeElement === el"):
            return "no focus"
        for key in keys:
            self.page.keyboard.press(key)
        try:
            result = self.page.wait_for_function(
                f"""([cell, control, before]) => ({DEMO_VIEW_JS})(cell) !== before ? 'changed'
                    : (document.activeElement !== control && !control.contains(document.activeElement)) ? 'focus lost'
                    : false""",
                arg=[handle, control.element_handle(), before], polling=200,
                timeout=min(timeout_s * 1000, self.remaining_ms()))
            return result.json_value()
        except Exception as error:  # Playwright's TimeoutError
            if time.monotonic() >= self.deadline:
                raise TimeoutError from error
            return "unchanged"

    def try_demo(self, index: int) -> str | None:
        """Move one control of the demo in cell ``index`` with the keyboard; return a problem or None."""
        self.stage = f"using the demo in cell {index}"
        cell = self.cell(index)
        handle = cell.element_handle(timeout=self.remaining_ms())
        for kind, selector, keys, fallback in CONTROLS:
            control = cell.locator(selector)
            if not control.count():
                continue
            control = control.first
            control.scroll_into_view_if_needed(timeout=self.remaining_ms())
            if kind == "slider" and control.evaluate(
                    "el => Number(el.getAttribute('aria-valuenow')) >= Number(el.getAttribute('aria-valuemax'))"):
                keys, fallback = fallback, keys
            before = self.page.evaluate(DEMO_VIEW_JS, handle)
            tried = []
            for attempt in (keys, fallback):
                if not attempt:
                    continue
                outcome = self.press(control, handle, attempt, before, DEMO_CHANGE_TIMEOUT_S)
                if outcome == "changed":
                    return None
                if outcome == "no focus":
                    return f"cell {index}: the demo's {kind} cannot take keyboard focus"
                tried.append(f"{' '.join(attempt)} ({outcome})")
            return (f"cell {index}: keys on the demo's focused {kind} did not change its caption or figure "
                    f"within {DEMO_CHANGE_TIMEOUT_S} s: " + "; ".join(tried))
        return f"cell {index}: the demo shows no slider, dropdown, checkbox or toggle button to try"

    def show_whole_lesson(self) -> int:
        """Make the window as tall as the lesson (up to Chromium's limit), scrolled to the top; return its height."""
        height = self.page.evaluate(f"() => document.querySelector('{NB} .jp-WindowedPanel-outer').scrollHeight")
        self.page.set_viewport_size({"width": 1300, "height": int(min(height + 200, MAX_SCREENSHOT_HEIGHT))})
        self.page.evaluate(f"() => document.querySelector('{NB} .jp-WindowedPanel-outer').scrollTop = 0")
        self.page.wait_for_timeout(500)
        return height

    def screenshot(self, path: Path):
        self.stage = "taking the screenshot"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.show_whole_lesson()
        self.page.screenshot(path=str(path), timeout=30_000)


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def check_outputs(cells: list[dict], seen: list[dict], not_answered: str = "Not answered yet") -> list[str]:
    """Problems a learner would see, one sentence each, from the notebook's cells and the page's state.

    ``not_answered`` is how a stub's check starts in the lesson's language.
    """
    problems = []
    for index, (cell, view) in enumerate(zip(cells, seen)):
        if cell["cell_type"] == "code" and not re.fullmatch(r"\[\d+\]:", view["prompt"] or ""):
            problems.append(f"cell {index} did not run (prompt {view['prompt']!r})")
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        source = _source(cell)
        stub = bool(nbgrader.get("solution")) and "NotImplementedError" in source
        test_cell = bool(nbgrader.get("grade")) and cell["cell_type"] == "code"
        for text in view["errors"]:
            if test_cell and text.startswith(not_answered):
                continue
            if stub and "NotImplementedError" in text:
                continue
            first_line = source.strip().splitlines()[0] if source.strip() else ""
            problems.append(f"cell {index} ({first_line[:70]!r}) shows an unexpected error:\n{text[:1500]}")
        for output in view["widgetOutputs"]:
            if not output["rendered"]:
                problems.append(f"cell {index} has a widget that did not render: {output['text']!r}")
        for image in view["images"]:
            if not image["alt"] or image["alt"] == JUPYTERLAB_ALT_PLACEHOLDER:
                problems.append(f"cell {index} has an image without alt text ({image['src']}...)")
            if not image["loaded"]:
                problems.append(f"cell {index} has an image that did not load ({image['src']}...)")
    return problems


def test_student_copy_has_every_lesson(student_root):
    """The parametrised list below is exactly what the learners' copy holds."""
    built = sorted(str(p.relative_to(student_root / "student")) for p in (student_root / "student").rglob("*.ipynb"))
    assert built == sorted(lessons())


@pytest.mark.parametrize("lesson", list(_params()))
def test_lesson_runs_in_browser(lesson, lab_server, browser, student_root):
    from playwright.sync_api import Error as PlaywrightError

    cells = json.loads((student_root / "student" / lesson).read_text(encoding="utf-8"))["cells"]
    demos = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and "_demo(" in _source(c)]
    shot = ARTIFACTS / (lesson.removesuffix(".ipynb").replace("/", "__") + ".png")
    page = browser.new_page()
    run = Lesson(page, lab_server, lesson, cells)
    problems: list[str] = []
    try:
        try:
            run.open()
            run.run_all()
            run.settle_widgets()
            seen = run.state()
            problems += check_outputs(cells, seen)
            text = page.locator(f"{NB} .jp-Notebook").first.text_content()
            for leftover in ("Error displaying widget", "Loading widget..."):
                if leftover in text:
                    problems.append(f"the page still shows {leftover!r}")
            for index in demos:
                view = seen[index]
                rendered = [o for o in view["widgetOutputs"] if o["rendered"]]
                if not rendered:
                    problems.append(f"cell {index} starts a demo but shows no widget")
                    continue
                if not any(i["loaded"] for i in view["images"]):
                    problems.append(f"cell {index}: the demo shows no figure")
                problem = run.try_demo(index)
                if problem:
                    problems.append(problem)
            after = run.state()
            print(f"\n{lesson}: {sum(c['code'] for c in after)} code cells ran; "
                  f"{sum(len(c['errors']) for c in seen)} stub messages; "
                  f"{page.locator(f'{NB} .jupyter-widgets').count()} widget views; "
                  f"{sum(len(c['images']) for c in after)} images; {len(demos)} demo(s) moved by keyboard")
            for index in demos:  # a control's callback may fail inside the demo's output
                for text in after[index]["errors"]:
                    problems.append(f"cell {index}: the demo shows an error after a key press:\n{text[:1500]}")
            problems += audit_accessibility(run)
        except (TimeoutError, PlaywrightError) as error:
            if not isinstance(error, TimeoutError) and "Timeout" not in type(error).__name__ \
                    and "Timeout" not in str(error):
                raise
            problems.append(f"timed out after {LESSON_TIMEOUT_S:.0f} s while {run.stage} "
                            f"(set COURSE_BROWSER_LESSON_TIMEOUT to allow longer)")
        finally:
            try:
                run.screenshot(shot)
            except Exception:  # a screenshot is a help, not a check
                pass
    finally:
        page.close()
        lab_server.shutdown_kernels()
    assert not problems, f"{lesson} in the browser (screenshot: {shot.relative_to(REPO_ROOT)}):\n- " + "\n- ".join(problems)
    if not axe_audit.AXE_JS.exists():
        pytest.skip(f"{lesson} passed its checks in the browser, but {axe_audit.MISSING_AXE}")


def audit_accessibility(run: Lesson, kind: str = "lesson") -> list[str]:
    """axe-core on the lesson as the run left it: the failing course findings as one problem, or none."""
    if not axe_audit.AXE_JS.exists():
        return []
    run.stage = "auditing the page with axe-core"
    # axe checks colours and sizes only of what is on screen: the whole lesson must be in the window.
    height = run.show_whole_lesson()
    result = axe_audit.audit(run.page, f"{run.folder}/{run.lesson}", kind)
    if height + 200 > MAX_SCREENSHOT_HEIGHT:
        result.note += (f"; the lesson is {height} px tall; colour contrast and target size were checked in the "
                       f"first {MAX_SCREENSHOT_HEIGHT} px only (Chromium's largest window)")
    print(f"{run.lesson}: axe-core checked {result.rules_checked} rules in {result.seconds:.1f} s: "
          f"{result.count('course')} course and {result.count('jupyterlab')} JupyterLab violation(s)")
    return [result.failure_message()] if result.failing() else []


PYTHON3 = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def scratch_lesson(page, server, student_root, name: str, cells, kernelspec=PYTHON3) -> "Lesson":
    """Write a small notebook of ``cells`` (nbformat cells) to the learner's ``scratch/`` folder; a Lesson to drive it."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    notebook.metadata["kernelspec"] = dict(kernelspec)
    (student_root / "scratch").mkdir(exist_ok=True)
    nbformat.write(notebook, student_root / "scratch" / name)
    return Lesson(page, server, name, json.loads(nbformat.writes(notebook))["cells"], folder="scratch")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason=DROPDOWN_NOTE)
def test_plain_arrow_down_on_a_dropdown(lab_server, browser, student_root):
    """What a keyboard user meets: ArrowDown on a focused dropdown in a notebook should change the choice."""
    import nbformat

    page = browser.new_page()
    run = scratch_lesson(page, lab_server, student_root, "dropdown.ipynb", [nbformat.v4.new_code_cell(
        "import ipywidgets as widgets\n"
        "choice = widgets.Dropdown(options=['first', 'second', 'third'], description='Choice')\n"
        "caption = widgets.HTML('first')\n"
        "choice.observe(lambda change: setattr(caption, 'value', change['new']), names='value')\n"
        "widgets.VBox([choice, caption])")])
    try:
        run.open()
        run.run_all()
        run.settle_widgets()
        control = run.cell(0).locator(".widget-dropdown select").first
        handle = run.cell(0).element_handle()
        before = page.evaluate(DEMO_VIEW_JS, handle)
        outcome = run.press(control, handle, ["ArrowDown"], before, 5)
    finally:
        page.close()
        lab_server.shutdown_kernels()
    assert outcome == "changed", f"plain ArrowDown on a focused dropdown: {outcome}"


def test_the_forest_explorers_hartung_knapp_toggle_works_from_the_keyboard(lab_server, browser, student_root):
    """Module 02 lesson 3's demo: Space on the Hartung-Knapp button redraws the pooled interval (HKSJ)."""
    import nbformat

    from course.widgets import forest_explorer

    expected = {ci: forest_explorer.ForestExplorerPlot(None, **{**forest_explorer.DEFAULTS, "ci": ci}).summary()
                for ci in ("normal", "HKSJ")}
    assert expected["normal"] != expected["HKSJ"]  # otherwise the test could not tell the two apart
    page = browser.new_page()
    run = scratch_lesson(page, lab_server, student_root, "forest.ipynb", [nbformat.v4.new_code_cell(
        "from course.widgets import forest_explorer\ndemo = forest_explorer.forest_explorer_demo()")])
    try:
        run.open()
        run.run_all()
        run.settle_widgets()
        cell = run.cell(0)
        page.wait_for_selector(f"{NB} .widget-toggle-buttons button", timeout=run.remaining_ms())
        before_text = cell.inner_text()
        button = cell.locator(".widget-toggle-buttons button", has_text="Hartung")
        handle = cell.element_handle()
        outcome = run.press(button.first, handle, ["Space"], page.evaluate(DEMO_VIEW_JS, handle), 20)
        after_text = cell.inner_text()
        pressed = button.first.evaluate("b => b.classList.contains('mod-active')")
    finally:
        page.close()
        lab_server.shutdown_kernels()
    assert expected["normal"] in " ".join(before_text.split())
    assert outcome == "changed" and pressed, (outcome, pressed)
    assert expected["HKSJ"] in " ".join(after_text.split()), after_text[-600:]


def test_a_kernel_question_is_answered_and_other_dialogs_fail_with_their_words(lab_server, browser, student_root):
    """JupyterLab asks which kernel to start when it cannot match the notebook's (as it may under load)."""
    import nbformat

    page = browser.new_page()
    run = scratch_lesson(page, lab_server, student_root, "kernel-question.ipynb",
                         [nbformat.v4.new_code_cell("answer = 6 * 7\nanswer")],
                         kernelspec={"name": "no-such-kernel", "display_name": "No such kernel", "language": "python"})
    try:
        run.page.goto(lab_server.url("lab/tree/scratch/kernel-question.ipynb?reset"), timeout=run.remaining_ms())
        page.wait_for_selector(".jp-Dialog button:has-text('Select')", timeout=run.remaining_ms())
        run.run_all()
        outputs = run.cell(0).locator(".jp-OutputArea-output").all_inner_texts()
        page.evaluate("""() => { const d = document.createElement('dialog');
                         d.className = 'jp-Dialog'; d.textContent = 'Something unexpected'; d.open = true;
                         document.body.appendChild(d); }""")
        with pytest.raises(AssertionError, match="dialog: 'Something unexpected' \\(while running all cells\\)"):
            run.answer_dialog()
    finally:
        page.close()
        lab_server.shutdown_kernels()
    assert "42" in " ".join(outputs)


# --- the checks themselves, without a browser ----------------------------------------------

def _cell(kind, source, nbgrader=None):
    return {"cell_type": kind, "source": source, "metadata": {"nbgrader": nbgrader} if nbgrader else {}}


def _seen(prompt="[1]:", errors=(), widgets=(), images=()):
    return {"code": prompt is not None, "prompt": prompt, "errors": list(errors),
            "widgetOutputs": list(widgets), "images": list(images)}


def test_check_outputs_accepts_the_stubs_expected_errors():
    cells = [_cell("code", "def f():\n    raise NotImplementedError()", {"solution": True, "grade": False}),
             _cell("code", "feedback.check_value(f(), 1)", {"solution": False, "grade": True}),
             _cell("markdown", "# Title")]
    seen = [_seen(errors=["NotImplementedError Traceback ..."]),
            _seen(errors=["Not answered yet: You have not written `f` yet."]),
            _seen(prompt=None)]
    assert check_outputs(cells, seen) == []


def test_check_outputs_reports_what_a_learner_should_not_see():
    cells = [_cell("code", "print(f(nn))"),  # a teaching cell using a learner's function
             _cell("code", "feedback.check_value(f(), 1)", {"solution": False, "grade": True}),
             _cell("code", "demo = x_demo()"),
             _cell("code", "x = 1")]
    seen = [_seen(errors=["NotImplementedError Traceback ..."]),
            _seen(errors=["NameError: name 'f' is not defined"]),
            _seen(widgets=[{"rendered": False, "text": "Error displaying widget: model not found"}],
                  images=[{"alt": "", "loaded": True, "src": "data:image/png"}]),
            _seen(prompt="[ ]:")]
    problems = check_outputs(cells, seen)
    assert len(problems) == 5
    assert "cell 0" in problems[0] and "NotImplementedError" in problems[0]
    assert "cell 1" in problems[1] and "NameError" in problems[1]
    assert "did not render" in problems[2] and "without alt text" in problems[3]
    assert "cell 3 did not run" in problems[4]


def test_check_outputs_counts_jupyterlabs_stand_in_alt_text_as_none():
    seen = [_seen(images=[{"alt": JUPYTERLAB_ALT_PLACEHOLDER, "loaded": True, "src": "data:image/png"},
                          {"alt": "Line chart of RMSSD over five minutes", "loaded": True, "src": "data:image/png"}])]
    problems = check_outputs([_cell("code", "show()")], seen)
    assert len(problems) == 1 and "without alt text" in problems[0]
