"""The typed dropout tables: schema, sources, and figures the lessons quote."""

from __future__ import annotations

import pytest

from course import data, dropout_data, references
from course.errors import DataError


@pytest.fixture(scope="module")
def lewis():
    return dropout_data.load_lewis2020()


@pytest.fixture(scope="module")
def headline():
    return dropout_data.load_dropout_meta_analyses()


def test_lewis_table_3_has_every_row(lewis):
    assert len(lewis) == 33
    assert lewis["k_studies"].sum() == 243  # sum of the k column in EVIDENCE.md A1


@pytest.mark.parametrize("therapy,k,pct,low,high", [
    ("Prolonged Exposure", 22, 22, 16, 28),
    ("Cognitive Processing Therapy", 8, 30, 22, 39),
    ("Waitlist", 53, 11, 8, 15),
    ("CBT without a trauma focus", 9, 14, 7, 23),
    ("Group CBT-T", 9, 24, 16, 33),
])
def test_figures_quoted_in_the_lessons(lewis, therapy, k, pct, low, high):
    row = lewis.set_index("therapy").loc[therapy]
    assert (row.k_studies, row.dropout_pct, row.ci_low_pct, row.ci_high_pct) == (k, pct, low, high)


def test_every_interval_contains_its_estimate(lewis, headline):
    for table in (lewis, headline):
        both = table.dropna(subset=["ci_low_pct", "ci_high_pct"])
        assert (both.ci_low_pct <= both.dropout_pct).all() and (both.dropout_pct <= both.ci_high_pct).all()


def test_every_headline_row_cites_a_known_reference(headline):
    known = references.load()
    assert set(headline["source_key"]) <= set(known)
    assert headline.set_index("source_key").loc["lewis2020dropout", "dropout_pct"] == 16
    assert sorted(headline.loc[headline.source_key == "fernandez2015", "dropout_pct"]) == [15.9, 26.2]


def test_read_table_explains_problems(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("name,k\nA,3\nB,three\n")
    with pytest.raises(DataError, match=r"t.csv, line 3: column 'k' should hold whole numbers, not 'three'"):
        data.read_table(bad, {"name": "text", "k": "integer"})
    bad.write_text("name,k\nA,2.5\n")
    with pytest.raises(DataError, match="whole numbers"):
        data.read_table(bad, {"name": "text", "k": "integer"})
    with pytest.raises(DataError, match="lacks the column"):
        data.read_table(bad, {"name": "text", "pct": "number"})
    with pytest.raises(DataError, match="missing"):
        data.read_table(tmp_path / "nope.csv", {"name": "text"})
    for empty in ("", "\n\n"):
        bad.write_text(empty)
        with pytest.raises(DataError, match="The file 't.csv' is empty"):
            data.read_table(bad, {"name": "text"})


def test_gutner_row_is_pooled_trial_arms_not_one_trial(headline):
    """Gutner et al. 2016 analysed women randomised to four CBT conditions from more than one trial (issue #15)."""
    row = headline.set_index("source_key").loc["gutner2016"]
    assert row.dropout_pct == 39 and row.n_participants == 321
    assert "single" not in row.design and "one CBT trial" not in row.population
    assert "pooled" in row.population
    assert row.isna()["k_studies"]  # the abstract does not name or count the trials
