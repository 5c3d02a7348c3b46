"""The bokmål edition in a real browser: one lesson per module, with JupyterLab's own interface in Norwegian.

The server serves ``student-nb/`` as Binder does, without ``COURSE_LANG``: the
kernels find the edition's ``.course-lang`` file, as on Binder's second link.
For each lesson: Run All (past every stub), no unexpected error, every widget
and figure rendered with alt text, no English message from the course's
Python code in what the learner reads (outputs, widget labels, alt text), and
no serious or critical axe-core finding in the course's content.
JupyterLab's interface uses the ``no_NO`` language pack; that pack translates
only a few dozen of JupyterLab's strings upstream (the Settings menu's
"Autosave Documents" among them), so the check is that the pack is active,
not that every menu is Norwegian.
"""

from __future__ import annotations

import json
import re

import pytest

from course import i18n
from course.i18n import catalogues
from course.i18n.lab import LAB_LOCALES
from course.publish import student

from .conftest import LabServer
from .test_lessons_in_browser import ARTIFACTS, NB, Lesson, audit_accessibility, check_outputs

pytestmark = pytest.mark.browser

#: One lesson per module (each has a demo, figures and graded checks).
LESSONS = ["01-nervous-system/01-hrv-basics.ipynb",
           "02-exposure-critique/01-claims-and-citations.ipynb",
           "03-mbrp/01-mbrp-model-and-protocol.ipynb"]

#: What the learner reads in a lesson: rendered markdown, outputs (text, widgets) and images' alt text.
READ_JS = f"""() => {{
  const nb = document.querySelector("{NB} .jp-Notebook");
  const parts = [...nb.querySelectorAll('.jp-OutputArea, .jp-MarkdownOutput')].map(e => e.innerText);
  const alts = [...nb.querySelectorAll('img')].map(i => i.getAttribute('alt') || '');
  const labels = [...nb.querySelectorAll('.jp-OutputArea [aria-label], .jp-OutputArea [title]')]
    .map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || ''));
  return parts.concat(alts, labels).join('\\n');
}}"""

_FIELD = re.compile(r"\\{[^{}]*\\}")


def english_fragments() -> list[str]:
    """Pieces of the course's Python messages that a bokmål page must not show.

    Every message with a finished translation that differs from the English,
    cut at its ``{fields}``; only pieces of three words or more count, so a
    shared term (HRV, RMSSD) is never mistaken for untranslated text.
    """
    fragments = set()
    for (context, english), bokmal in catalogues.runtime_messages("nb").items():
        if context is not None or english == bokmal:
            continue
        for piece in _FIELD.split(english):
            piece = " ".join(piece.split()).strip(" .,:;()")
            if len(piece.split()) >= 3 and piece not in bokmal:
                fragments.add(piece)
    return sorted(fragments)


@pytest.fixture(scope="module")
def bokmal_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("binder-nb")
    student.build(root / "student-nb", lang="nb")
    return root


@pytest.fixture(scope="module")
def bokmal_server(chromium_path, bokmal_root, tmp_path_factory, monkeypatch_module):
    monkeypatch_module.delenv(i18n.ENV, raising=False)
    settings = {"@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": LAB_LOCALES["nb"]}}
    server = LabServer(bokmal_root, tmp_path_factory.mktemp("jupyterlab-nb"), settings)
    try:
        server.wait_until_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_english_fragments_are_many_and_bokmal_is_not_among_them():
    fragments = english_fragments()
    assert len(fragments) > 50, "the course's Python messages are not translated yet"
    for fragment in fragments:
        assert len(fragment.split()) >= 3


@pytest.mark.parametrize("lesson", LESSONS, ids=[x.removesuffix(".ipynb") for x in LESSONS])
def test_bokmal_lesson_runs_in_browser_with_no_english_from_the_course_code(lesson, bokmal_server, browser,
                                                                            bokmal_root):
    from playwright.sync_api import Error as PlaywrightError

    cells = json.loads((bokmal_root / "student-nb" / lesson).read_text(encoding="utf-8"))["cells"]
    with i18n.using("nb"):
        not_answered = i18n.tr("Not answered yet")
    shot = ARTIFACTS / ("nb__" + lesson.removesuffix(".ipynb").replace("/", "__") + ".png")
    page = browser.new_page()
    run = Lesson(page, bokmal_server, lesson, cells, folder="student-nb")
    problems: list[str] = []
    try:
        try:
            run.open()
            page.click(".lm-MenuBar-itemLabel:text-is('Settings')")
            items = page.locator(".lm-Menu-itemLabel").all_text_contents()
            page.keyboard.press("Escape")
            if "Automatisk lagring av dokumenter" not in items:
                problems.append("JupyterLab's Norwegian language pack is not active (the Settings menu has no "
                                f"'Automatisk lagring av dokumenter'): {items}")
            run.run_all()
            run.settle_widgets()
            seen = run.state()
            problems += check_outputs(cells, seen, not_answered=not_answered)
            read = page.evaluate(READ_JS)
            english = [f for f in english_fragments() if f in read]
            if english:
                problems.append("English from the course's Python code on the page: "
                                + "; ".join(repr(e) for e in english[:10]))
            if "Hovedpunkter" not in read and "Læringsmål" not in read:
                problems.append("the lesson's text is not in bokmål (no 'Læringsmål' or 'Hovedpunkter')")
            problems += audit_accessibility(run, kind="lesson-nb")
        except (TimeoutError, PlaywrightError) as error:
            if not isinstance(error, TimeoutError) and "Timeout" not in str(error):
                raise
            problems.append(f"timed out while {run.stage}")
        finally:
            try:
                run.screenshot(shot)
            except Exception:  # a screenshot is a help, not a check
                pass
    finally:
        page.close()
        bokmal_server.shutdown_kernels()
    assert not problems, f"{lesson} in bokmål:\n- " + "\n- ".join(problems)
