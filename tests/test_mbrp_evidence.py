"""Module 03 lesson 02: the seed-002 claim verdicts and the published estimates.

The two-proportion measures and the plain-words reading of a ratio's CI moved to
``course.effects`` and are tested in ``tests/test_effects.py``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from course import mbrp_evidence
from course.errors import CheckFailed
from course.paths import REPO_ROOT

# From EVIDENCE.md section E (seed 002): what the check of each claim found, as a verdict.
KEY = {
    "li2017_craving": "wrong details",        # journal wrong; misuse and craving labels swapped
    "bowen2014_12_months": "partly accurate",  # relapse advantage at 6 months; 12 months: days of use
    "garland2019": "not found",                # or "wrong details": arguable (a 2019 MORE trial is in JCCP)
    "garland2022": "accurate",
    "goldberg2018": "wrong details",           # Clin Psychol Rev, conflated with Goyal 2014 (JAMA IM)
    "session_format": "partly accurate",       # 8 weekly sessions right; 2 h, not 60-90 min
    "zero_adverse_effects": "overstated",
    "weak_relapse_evidence": "accurate",
}
CLAIMS = mbrp_evidence.SEED_002_CLAIMS


def test_the_key_scores_full_marks_and_tolerates_case_and_spaces():
    assert CLAIMS.number_correct(KEY) == 8
    assert CLAIMS.number_correct({k: f"  {v.upper()} " for k, v in KEY.items()}) == 8
    CLAIMS.require_all_correct(KEY)


def test_each_wrong_verdict_costs_one_and_blanket_answers_fail():
    assert CLAIMS.number_correct(dict(KEY, goldberg2018="accurate", zero_adverse_effects="accurate")) == 6
    assert CLAIMS.number_correct({k: "accurate" for k in KEY}) == 2
    assert CLAIMS.number_correct({k: "partly accurate" for k in KEY}) == 2
    with pytest.raises(CheckFailed, match="7 of 8"):
        CLAIMS.require_all_correct(dict(KEY, session_format="accurate"))


@pytest.mark.parametrize("garland", ["not found", "wrong details", " Wrong Details "])
def test_the_unmatched_garland_citation_accepts_either_verdict(garland):
    answers = dict(KEY, garland2019=garland)
    assert CLAIMS.number_correct(answers) == 8
    assert CLAIMS.points_earned(answers, 4) == 4


@pytest.mark.parametrize("garland", ["accurate", "partly accurate", "overstated"])
def test_the_unmatched_garland_citation_rejects_the_other_verdicts(garland):
    assert CLAIMS.wrong_items(dict(KEY, garland2019=garland)) == ["garland2019"]


@pytest.mark.parametrize("changes,points", [
    ({}, 4),
    ({"session_format": "accurate"}, 3),                                       # 7 of 8
    ({"session_format": "accurate", "li2017_craving": "accurate"}, 3),         # 6 of 8
    ({"session_format": "accurate", "li2017_craving": "accurate",
      "goldberg2018": "not found"}, 2),                                        # 5 of 8
    ({k: "overstated" for k in KEY if k not in ("garland2022", "weak_relapse_evidence")}, 1),  # 3 of 8
])
def test_partial_credit_rounds_down(changes, points):
    assert CLAIMS.points_earned(dict(KEY, **changes), 4) == points


def test_partial_credit_names_items_to_revisit_but_not_their_verdicts(capsys):
    CLAIMS.points_earned(dict(KEY, session_format="accurate", bowen2014_12_months="accurate"), 4)
    out = capsys.readouterr().out
    assert "6 of 8" in out and "session_format" in out and "bowen2014_12_months" in out
    assert "partly accurate" not in out


def test_one_right_verdict_earns_nothing_with_an_explanation():
    answers = {k: "overstated" for k in KEY}  # only zero_adverse_effects is right
    assert CLAIMS.number_correct(answers) == 1
    with pytest.raises(CheckFailed, match="1 of 8"):
        CLAIMS.points_earned(answers, 4)


@pytest.mark.parametrize("answers,words", [
    ([], "dictionary"),
    ({"garland2022": "accurate"}, "missing"),
    (dict(KEY, extra2020="accurate"), "not claims"),
    (dict(KEY, garland2019="false"), "one of the five verdicts"),
    (dict(KEY, garland2019=3), "one of the five verdicts"),
])
def test_format_problems_are_explained(answers, words):
    with pytest.raises(CheckFailed, match=words):
        CLAIMS.check_format(answers)


def test_table_lists_every_claim_once_with_substance():
    table = CLAIMS.table()
    assert list(table["claim_id"]) == list(KEY)
    assert table["what_the_check_found"].str.len().min() > 60
    assert set(CLAIMS.answer_hashes) == set(KEY)


def test_answer_key_is_not_in_the_package_in_plain_text():
    for path in (REPO_ROOT / "course" / "mbrp_evidence.py", REPO_ROOT / "course" / "content" / "mbrp_claims.toml"):
        source = path.read_text(encoding="utf-8")
        assert '"garland2019": "not found"' not in source and 'garland2019 = "not found"' not in source
        assert '"zero_adverse_effects": "overstated"' not in source
        assert 'zero_adverse_effects = "overstated"' not in source


def test_estimates_hold_the_published_numbers():
    table = mbrp_evidence.effect_estimates()
    relapse = table[table["outcome"] == "Relapse"].iloc[0]
    assert (relapse.estimate, relapse.ci_low, relapse.ci_high) == (0.72, 0.46, 1.13)  # Grant 2017
    dropout = table[table["outcome"] == "Treatment dropout"].iloc[0]
    assert (dropout.estimate, dropout.ci_low, dropout.ci_high) == (0.81, 0.40, 1.62)
    li = table[table["source"] == "li2017"].set_index("outcome")["estimate"]
    assert li["Substance misuse"] == -0.33 and li["Craving"] == -0.63  # not swapped, unlike the seed
    assert (table["ci_low"] <= table["estimate"]).all() and (table["estimate"] <= table["ci_high"]).all()
    assert set(table["scale"]) == {"SMD", "odds ratio"}


def test_forest_plot_has_two_panels_null_lines_and_no_pooled_row():
    fig = mbrp_evidence.forest_plot()
    smd, ratio = fig.axes
    assert ratio.get_xscale() == "log" and smd.get_xscale() == "linear"
    assert [line.get_xdata()[0] for ax in fig.axes for line in ax.lines if line.get_linestyle() == "--"] == [0, 1]
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert len(labels) == 5 and not any("pooled" in t.lower() for t in labels)
    assert "not pooled" in fig._suptitle.get_text()
    plt.close(fig)


def test_alt_text_is_written_from_the_numbers():
    alt = mbrp_evidence.describe_forest()
    assert "relapse (Grant 2017) 0.72, 95% CI 0.46 to 1.13, crossing 1" in alt
    assert "craving (Li 2017) -0.63" in alt and "not crossing 0" in alt


def test_garland_2022_proportions_give_the_lessons_numbers():
    from course import effects

    p = mbrp_evidence.GARLAND2022_NOT_MISUSING
    assert p == {"more": 0.450, "supportive_therapy": 0.244}
    assert round(effects.risk_ratio(p["more"], p["supportive_therapy"]), 2) == 1.84
    assert round(100 * effects.risk_difference(p["more"], p["supportive_therapy"]), 1) == 20.6
    assert round(effects.number_needed_to_treat(p["more"], p["supportive_therapy"], outcome="good"), 1) == 4.9


def test_the_sealed_note_opens_only_for_an_accepted_verdict(capsys):
    for garland in ("not found", "wrong details"):
        note = CLAIMS.earned_notes(dict(KEY, garland2019=garland))["garland2019"]
        assert "Journal of Consulting and Clinical Psychology" in note
    assert "garland2019" not in CLAIMS.earned_notes(dict(KEY, garland2019="accurate"))
    CLAIMS.points_earned(dict(KEY, garland2019="wrong details", session_format="accurate"), 4)
    out = capsys.readouterr().out
    assert "7 of 8" in out and "About garland2019:" in out
    toml = (REPO_ROOT / "course" / "content" / "mbrp_claims.toml").read_text(encoding="utf-8")
    assert "Journal of Consulting and Clinical Psychology; if that" not in toml  # stored sealed, not as text
