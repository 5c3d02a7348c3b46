"""The read-only HTML edition (course.publish.edition): pages link up, figures keep alt text, no tracebacks."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import citation_stub_fixtures as fx
from course import feedback
from course.publish import edition
from course.errors import DataError

LESSON = "01-nervous-system/01-hrv-basics.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition")
    return out, edition.build(out, lessons=[LESSON], log=lambda line: None)


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


def test_index_lists_start_page_and_lesson_with_the_course_title(built):
    out, result = built
    index = (out / "index.html").read_text(encoding="utf-8")
    start = nbformat.read(edition.MODULES_DIR / "START-HERE.ipynb", as_version=4)
    assert f"<h1>{edition.html.escape(edition.title_of(start, ''))}</h1>" in index
    links = [h for h in _hrefs(index) if h.endswith(".html")]
    assert links == ["START-HERE.html", "01-nervous-system/01-hrv-basics.html"]
    for link in links:
        assert (out / link).is_file(), f"index links {link}, which was not written"
    assert "Module 01: The nervous system under stress" in index
    assert result["index"] == out / "index.html" and len(result["pages"]) == 2 and result["problems"] == []


def test_links_between_pages_resolve(built):
    out, _ = built
    start = (out / "START-HERE.html").read_text(encoding="utf-8")
    assert 'href="01-nervous-system/01-hrv-basics.html"' in start  # rewritten from the notebook link
    for page in out.rglob("*.html"):
        for href in _hrefs(page.read_text(encoding="utf-8")):
            if href.endswith(".html") and "://" not in href:
                assert (page.parent / href).resolve().is_file(), f"{page.name} links {href}"


def test_every_figure_has_alt_text_and_no_traceback_is_shown(built):
    out, _ = built
    lesson = (out / "01-nervous-system" / "01-hrv-basics.html").read_text(encoding="utf-8")
    figures = edition.images(lesson)
    assert figures, "the lesson's figures are missing from the page"
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert edition.images_without_alt(text) == [], page.name
        assert all(img["alt"].strip() for img in edition.images(text))
        assert "Traceback" not in text and "most recent call last" not in text, page.name
    # Unanswered exercises show the course's one-line message instead.
    assert "Not answered yet: You have not written `rmssd` yet." in lesson
    assert "BEGIN SOLUTION" not in lesson and "BEGIN HIDDEN TESTS" not in lesson


def test_demos_ran_headless(built):
    out, _ = built
    start = (out / "START-HERE.html").read_text(encoding="utf-8")
    assert "Progress panel: in JupyterLab this cell shows the buttons" in start


def test_alt_check_catches_a_figure_without_alt():
    page = '<p><img src="data:image/png;base64,AAAA" alt="A chart"/><img src="x.png"><img src="y.png" alt=" "></p>'
    assert len(edition.images_without_alt(page)) == 2
    # nbconvert's sanitiser would drop <img> (and its alt) entirely; the exporter keeps it off.
    assert edition._exporter().sanitize_html is False


def test_long_tracebacks_become_one_line():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="NotImplementedError", evalue="",
                               traceback=["\x1b[0;31m---------------------------------------\x1b[0m",
                                          "\x1b[0;31mNotImplementedError\x1b[0m  Traceback (most recent call last)",
                                          "Cell In[3], line 2", "----> 2 raise NotImplementedError()"]),
        nbformat.v4.new_output("error", ename="NotAttempted", evalue="You have not written `f` yet.",
                               traceback=["Not answered yet: You have not written `f` yet.", "Hint: Replace ..."]),
        nbformat.v4.new_output("error", ename="DataError", evalue="bad\nsecond line",
                               traceback=["\x1b[0;31mDataError\x1b[0m  Traceback (most recent call last)"] * 5),
        nbformat.v4.new_output("error", ename="StubStillThere", evalue="You have not written `g` yet.",
                               traceback=["\x1b[0;31mStubStillThere\x1b[0m  Traceback (most recent call last)"] * 4),
    ]
    nb.cells.append(cell)
    assert edition.shorten_errors(nb) == 4
    assert [o["traceback"] for o in cell.outputs] == [
        ["Not answered yet: This exercise is left for you to answer in the live notebook."],
        ["Not answered yet: You have not written `f` yet."],
        ["DataError: bad"],
        ["Not answered yet: This exercise is left for you to answer in the live notebook."],
    ]


def test_the_stub_line_of_an_answer_cell_says_where_to_answer():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell(feedback.CODE_STUB, metadata={"nbgrader": {"solution": True}})
    answer.outputs = [nbformat.v4.new_output("stream", name="stdout", text=feedback.STUB_LINE + "\n")]
    teaching = nbformat.v4.new_code_cell("print(...)")
    teaching.outputs = [nbformat.v4.new_output("stream", name="stdout", text=feedback.STUB_LINE + "\n")]
    nb.cells += [answer, teaching]
    assert edition.mark_unanswered(nb) == 1
    assert answer.outputs[0]["text"] == edition.UNANSWERED._render_traceback_()[0] + "\n"
    assert teaching.outputs[0]["text"] == feedback.STUB_LINE + "\n"  # only answer cells


def test_fixture_edition_shows_citation_links_and_unanswered_lines(tmp_path):
    """Every shape of answer cell, and citations synced to author-year links, in the HTML edition."""
    _, modules = fx.fixture_course(tmp_path / "course")
    lesson = f"{fx.FIXTURE_ASSIGNMENT}/{fx.FIXTURE_LESSON}"
    result = edition.build(tmp_path / "out", lessons=[lesson], modules_dir=modules, log=lambda line: None)
    assert result["problems"] == []
    page = (tmp_path / "out" / lesson.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    assert '(<a href="#ref-taskforce1996">Task Force 1996</a>)' in page
    assert '<a href="#ref-shaffer2017">Shaffer &amp; Ginsberg 2017</a>' in page
    assert '<a id="ref-taskforce1996"></a>' in page and "[@" not in page.replace("<code>[@key]</code>", "")
    assert "Not answered yet: This exercise is left for you to answer in the live notebook." in page
    assert "Not answered yet: You have not written `mean_of` yet." in page
    assert feedback.STUB_LINE not in page and "most recent call last" not in page


def test_unknown_lesson_and_unsafe_output_folder_are_refused(tmp_path):
    with pytest.raises(edition.EditionError, match="There is no lesson '01-nervous-system/99-nope.ipynb'"):
        edition.build(tmp_path, lessons=["01-nervous-system/99-nope.ipynb"], log=lambda line: None)
    with pytest.raises(edition.EditionError, match="output folder of its own"):
        edition.build(edition.REPO_ROOT, log=lambda line: None)


def test_command_line_reports_plainly(capsys):
    assert edition.main(["build", "edition-test-unused", "--lesson", "nope.ipynb"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Edition problem: There is no lesson 'nope.ipynb'") and "Traceback" not in err
    assert not Path("edition-test-unused").exists()
    assert issubclass(edition.EditionError, Exception) and not issubclass(edition.EditionError, DataError)


@pytest.fixture(scope="module")
def built_bokmal(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition-nb")
    return out, edition.build(out, lessons=[LESSON], log=lambda line: None, lang="nb")


def test_the_bokmal_edition_declares_its_language_and_speaks_bokmal(built_bokmal):
    from course import i18n

    out, result = built_bokmal
    assert result["problems"] == [] and len(result["pages"]) == 2
    index = (out / "index.html").read_text(encoding="utf-8")
    lesson = (out / "01-nervous-system" / "01-hrv-basics.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in index and 'lang="nb"' in lesson
    with i18n.using("nb"):
        intro = i18n.tr("the learners' versions: exercises are shown unanswered")
        not_answered = i18n.tr("Not answered yet")
    assert intro != "the learners' versions: exercises are shown unanswered" and intro in index
    assert f"{not_answered}:" in lesson and "Not answered yet" not in lesson
    assert "Læringsmål" in lesson and "Learning objectives" not in lesson
    assert "Traceback" not in lesson and edition.images_without_alt(lesson) == []
