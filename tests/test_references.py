"""The single reference list and citation-by-key."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from course import references
from course.paths import MODULES_DIR
from course.publish import lesson_checks

PILOT = MODULES_DIR / "01-nervous-system" / "01-hrv-basics.ipynb"


def test_every_entry_has_what_a_reader_needs():
    table = references.load()
    assert len(table) >= 5
    for key, entry in table.items():
        assert entry.get("title"), key
        assert entry.get("author"), key
        assert entry.get("issued", {}).get("date-parts"), key
        # Something that lets a reader find it: a DOI, a link, journal and volume, or a book's publisher.
        assert (entry.get("DOI") or entry.get("URL") or (entry.get("container-title") and entry.get("volume"))
                or entry.get("publisher")), key


def test_cited_keys_reads_single_and_grouped_citations():
    text = "HRV [@taskforce1996]. Norms [@nunan2010; @shaffer2017]. An email a@b.com and [a link](x)."
    assert references.cited_keys(text) == ["taskforce1996", "nunan2010", "shaffer2017"]


def test_cited_keys_reads_synced_links_too_but_not_code_or_e_mail_links():
    text = ("HRV ([Task Force 1996](#ref-taskforce1996)). Norms [@nunan2010; @shaffer2017], "
            "([Nunan et al. 2010](#ref-nunan2010)). Write `[@example2000]` to cite; "
            "mail [me@example.org](mailto:me@example.org). [A heading](#References).\n\n```\n[@fenced1999]\n```")
    assert references.cited_keys(text) == ["taskforce1996", "nunan2010", "shaffer2017"]


def _entry(key, *people, year=2017, title="A title"):
    authors = [{"literal": p} if p.startswith(("[", "et al")) or " " in p else {"family": p, "given": "X"}
               for p in people]
    return {"id": key, "title": title, "author": authors, "issued": {"date-parts": [[year]]}}


def test_labels_follow_author_year_rules():
    table = references.load()
    shown = references.labels(["taskforce1996", "nunan2010", "shaffer2017", "iom2008", "pyhrv", "lundberg1994"])
    assert shown == {"taskforce1996": "Task Force 1996", "nunan2010": "Nunan et al. 2010",
                     "shaffer2017": "Shaffer & Ginsberg 2017", "iom2008": "Institute of Medicine 2008",
                     "pyhrv": "Gomes 2026", "lundberg1994": "Lundberg et al. 1994"}  # "et al." in the author list
    assert references.base_label(table["devente2015"]) == "de Vente et al. 2015"  # the particle stays
    unknown = _entry("x", "[authors not confirmed]", year=2015, title="Detailed time course of the response")
    assert references.base_label(unknown) == "“Detailed time course of…” 2015"


def test_same_author_and_year_get_letters_in_text_and_list():
    table = {"b": _entry("b", "Lewis", "Roberts", "Bisson", title="Psychological therapies"),
             "a": _entry("a", "Lewis", "Bisson", "Roberts", title="Dropout from treatment"),
             "c": _entry("c", "Lewis", year=2018)}
    assert references.labels(["b", "a", "c"], table) == {"a": "Lewis et al. 2017a", "b": "Lewis et al. 2017b",
                                                         "c": "Lewis 2018"}
    assert references.labels(["b"], table) == {"b": "Lewis et al. 2017"}  # one of them alone: no letter
    listing = references.bibliography(["a", "b"], table)
    assert '<a id="ref-a"></a>Lewis X, Bisson X, Roberts X (2017a). Dropout from treatment.' in listing
    assert '<a id="ref-b"></a>Lewis X, Roberts X, Bisson X (2017b).' in listing


def test_render_citations_links_refreshes_and_is_idempotent():
    shown = {"taskforce1996": "Task Force 1996", "nunan2010": "Nunan et al. 2010"}
    raw = "Five minutes [@taskforce1996]. Norms [@nunan2010; @taskforce1996]. Code: `[@taskforce1996]`."
    once = references.render_citations(raw, shown)
    assert once == ("Five minutes ([Task Force 1996](#ref-taskforce1996)). Norms ([Nunan et al. 2010](#ref-nunan2010); "
                    "[Task Force 1996](#ref-taskforce1996)). Code: `[@taskforce1996]`.")
    assert references.render_citations(once, shown) == once
    assert references.cited_keys(once) == references.cited_keys(raw) == ["taskforce1996", "nunan2010"]
    # A changed entry changes its label everywhere.
    assert "[Nunan & Smith 2010](#ref-nunan2010)" in references.render_citations(
        once, {**shown, "nunan2010": "Nunan & Smith 2010"})
    # An unknown key stays visible as written, or goes back to it when it was a link.
    assert references.render_citations("X [@nosuch2000; @nunan2010].", shown) == "X [@nosuch2000; @nunan2010]."
    assert references.render_citations("([Gone 1999](#ref-gone1999))", shown) == "([@gone1999])"


def test_format_entry_gives_authors_year_journal_and_doi():
    line = references.format_entry(references.load()["nunan2010"])
    assert line.startswith("Nunan D, Sandercock GRH, Brodie DA (2010).")
    assert "*Pacing and Clinical Electrophysiology* 33(11):1407–1417." in line
    assert "https://doi.org/10.1111/j.1540-8159.2010.02841.x" in line


def test_bibliography_rejects_unknown_keys():
    with pytest.raises(KeyError, match="nosuch2000"):
        references.bibliography(["nunan2010", "nosuch2000"])


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([{"id": "a", "title": "x"}, {"id": "a", "title": "y"}]))
    with pytest.raises(ValueError, match="appears twice"):
        references.load(path)


def test_books_show_their_publisher():
    book = {"id": "b", "title": "A Book", "author": [{"family": "Smith", "given": "J"}],
            "issued": {"date-parts": [[2001]]}, "publisher": "Wiley"}
    assert references.format_entry(book) == "Smith J (2001). A Book. Wiley."


def test_every_key_cited_in_the_package_resolves():
    """Docstrings in course/ cite by key too ([@key]); each key must be in references.json."""
    from course.paths import REPO_ROOT

    known = set(references.load())
    cited = {}
    for path in (REPO_ROOT / "course").rglob("*.py"):
        if path.name == "references.py":  # it explains the syntax with a placeholder key
            continue
        for key in references.cited_keys(path.read_text(encoding="utf-8")):
            cited.setdefault(key, path.name)
    assert len(cited) >= 10
    placeholders = {"key", "a", "b"}  # "[@key]", "[@a; @b]": the syntax explained in messages and docstrings
    assert {k: f for k, f in cited.items() if k not in known | placeholders} == {}


def _lesson(*texts):
    cells = [nbformat.v4.new_markdown_cell(t) for t in texts]
    cells.append(nbformat.v4.new_markdown_cell("", metadata={"tags": [references.REFERENCES_TAG]}))
    return nbformat.v4.new_notebook(cells=cells)


def test_sync_notebook_converts_once_and_then_changes_nothing():
    nb = _lesson("# Title\n\nHRV [@taskforce1996].", "Norms [@shaffer2017; @nunan2010].")
    assert references.problems(nb) == [
        "cell 0 is out of date: its citations are not shown as author-year links "
        "(python -m course.references sync NOTEBOOK)",
        "cell 1 is out of date: its citations are not shown as author-year links "
        "(python -m course.references sync NOTEBOOK)",
        "the References cell is out of date (python -m course.references sync NOTEBOOK)"]
    assert references.sync_notebook(nb) is True
    assert nb.cells[1].source == "Norms ([Shaffer & Ginsberg 2017](#ref-shaffer2017); [Nunan et al. 2010](#ref-nunan2010))."
    listing = nb.cells[-1].source
    assert listing.startswith("## References\n\n- <a id=\"ref-nunan2010\"></a>Nunan D, Sandercock GRH")
    assert [line.split('"')[1] for line in listing.splitlines()[2:]] == ["ref-nunan2010", "ref-shaffer2017",
                                                                          "ref-taskforce1996"]  # by label
    assert references.problems(nb) == []
    assert references.sync_notebook(nb) is False


def test_unknown_key_and_extra_words_are_refused_in_a_sentence():
    nb = _lesson("HRV [@taskforce1996] and [@nosuchpaper2099].", "See [see @nunan2010, p. 3].")
    before = [c.source for c in nb.cells]
    assert references.problems(nb) == [
        "cell 0: cites [@nosuchpaper2099], which is not in references.json",
        "cell 1: the citation [see @nunan2010, p. 3] has words besides the keys; write [@key] or [@a; @b] "
        "and put other words outside the brackets"]
    with pytest.raises(references.CitationError, match="nosuchpaper2099") as caught:
        references.sync_notebook(nb)
    assert caught.value._render_traceback_()[0].startswith("Citation problem: cell 0: cites [@nosuchpaper2099]")
    assert [c.source for c in nb.cells] == before  # nothing half-done


def test_a_real_lesson_syncs_and_every_link_reaches_an_anchor(tmp_path):
    copy = tmp_path / PILOT.name
    shutil.copy2(PILOT, copy)
    keys_before = references._notebook_keys(nbformat.read(copy, as_version=4))
    assert references.main(["sync", str(copy)]) == 0
    assert references.main(["check", str(copy)]) == 0 and references.sync(copy) is True  # idempotent
    nb = nbformat.read(copy, as_version=4)
    assert references._notebook_keys(nb) == keys_before
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "[@" not in text and "([Task Force 1996](#ref-taskforce1996))" in text
    listing = next(c.source for c in nb.cells if references.REFERENCES_TAG in c.metadata.get("tags", []))
    for key in keys_before:
        assert listing.count(f'<a id="ref-{key}"></a>') == 1, key
    # The lesson checks read the synced lesson as in order, and still catch problems.
    assert references.problems(nb) == [] and lesson_checks.check_citations(nb) == []
    nb.cells[1].source += "\n\nAs shown before [@nosuchpaper2099]."
    assert any("nosuchpaper2099" in p for p in lesson_checks.check_citations(nb))


def test_command_line_explains_an_unknown_key_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(_lesson("HRV [@nosuchpaper2099]."), path)
    before = path.read_bytes()
    assert references.main(["sync", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Citation problem: ") and "nosuchpaper2099" in err and "Traceback" not in err
    assert path.read_bytes() == before
    nbformat.write(_lesson("HRV [@taskforce1996]."), path)
    assert references.main(["check", str(path)]) == 1 and "out of date" in capsys.readouterr().out


def test_nbconvert_html_keeps_links_and_anchors():
    """The HTML edition's exporter (sanitiser off) keeps the entry's id, so the link moves to it."""
    from course.publish import edition

    nb = _lesson("HRV [@taskforce1996; @nunan2010].")
    references.sync_notebook(nb)
    page, _ = edition._exporter().from_notebook_node(nb)
    assert '(<a href="#ref-taskforce1996">Task Force 1996</a>; <a href="#ref-nunan2010">Nunan et al. 2010</a>)' in page
    assert '<a id="ref-taskforce1996"></a>' in page and '<a id="ref-nunan2010"></a>' in page
