"""The single reference list and citation-by-key."""

from __future__ import annotations

import json

import pytest

from course import references


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
    assert {k: f for k, f in cited.items() if k not in known} == {}
