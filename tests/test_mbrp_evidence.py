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
    "garland2019": "wrong details",            # the 2019 MORE trial exists, in J Consult Clin Psychol 87(10)
    "garland2022": "accurate",
    "goldberg2018": "wrong details",           # Clin Psychol Rev, conflated with Goyal 2014 (JAMA IM)
    "session_format": "partly accurate",       # 8 weekly sessions right; 2 h, not 60-90 min
    "zero_adverse_effects": "overstated",
    "weak_relapse_evidence": "accurate",
    "trauma_greatest_benefit": "overstated",   # Roos 2017: severity and depression/anxiety, not trauma
    "physiology_markers": "partly accurate",   # or "overstated": arguable (Pascoe 2017, not addiction care)
    "home_practice_support": "overstated",     # Bowen & Kurz 2012: practice -> mindfulness post-course only
    "dbt_act_pairing": "overstated",           # no source tests the combination
}
N = len(KEY)  # 12 claims
CLAIMS = mbrp_evidence.SEED_002_CLAIMS


def test_the_key_scores_full_marks_and_tolerates_case_and_spaces():
    assert N == 12
    assert CLAIMS.number_correct(KEY) == N
    assert CLAIMS.number_correct({k: f"  {v.upper()} " for k, v in KEY.items()}) == N
    CLAIMS.require_all_correct(KEY)


def test_each_wrong_verdict_costs_one_and_blanket_answers_fail():
    assert CLAIMS.number_correct(dict(KEY, goldberg2018="accurate", zero_adverse_effects="accurate")) == N - 2
    assert CLAIMS.number_correct({k: "accurate" for k in KEY}) == 2
    assert CLAIMS.number_correct({k: "partly accurate" for k in KEY}) == 3
    assert CLAIMS.number_correct({k: "overstated" for k in KEY}) == 5
    with pytest.raises(CheckFailed, match="11 of 12"):
        CLAIMS.require_all_correct(dict(KEY, session_format="accurate"))
    for blanket in ("accurate", "partly accurate", "overstated", "wrong details", "not found"):
        assert CLAIMS.number_correct({k: blanket for k in KEY}) <= 5, blanket


def test_the_garland_2019_citation_is_wrong_details_not_not_found():
    assert CLAIMS.number_correct(dict(KEY, garland2019=" Wrong Details ")) == N
    assert CLAIMS.wrong_items(dict(KEY, garland2019="not found")) == ["garland2019"]
    assert "garland2019" not in CLAIMS.notes
    found = CLAIMS.table().set_index("claim_id").loc["garland2019", "what_the_check_found"]
    assert "Journal of Consulting and Clinical Psychology" in found and "87" in found


@pytest.mark.parametrize("markers", ["partly accurate", "overstated", " Overstated "])
def test_the_arguable_physiology_table_accepts_either_verdict(markers):
    answers = dict(KEY, physiology_markers=markers)
    assert CLAIMS.number_correct(answers) == N
    assert CLAIMS.points_earned(answers, 4) == 4


@pytest.mark.parametrize("markers", ["accurate", "wrong details", "not found"])
def test_the_arguable_physiology_table_rejects_the_other_verdicts(markers):
    assert CLAIMS.wrong_items(dict(KEY, physiology_markers=markers)) == ["physiology_markers"]


@pytest.mark.parametrize("item,wrong", [
    ("trauma_greatest_benefit", "accurate"), ("trauma_greatest_benefit", "partly accurate"),
    ("home_practice_support", "accurate"), ("dbt_act_pairing", "accurate"), ("dbt_act_pairing", "not found"),
])
def test_the_newly_examined_claims_are_keyed(item, wrong):
    assert CLAIMS.wrong_items(dict(KEY, **{item: wrong})) == [item]


@pytest.mark.parametrize("changes,points", [
    ({}, 4),
    ({"session_format": "accurate"}, 3),                                       # 11 of 12
    ({"session_format": "accurate", "li2017_craving": "accurate",
      "goldberg2018": "not found"}, 3),                                        # 9 of 12
    ({"session_format": "accurate", "li2017_craving": "accurate",
      "goldberg2018": "not found", "dbt_act_pairing": "accurate"}, 2),         # 8 of 12
    ({k: "overstated" for k in KEY}, 1),                                       # 5 of 12
])
def test_partial_credit_rounds_down(changes, points):
    assert CLAIMS.points_earned(dict(KEY, **changes), 4) == points


def test_partial_credit_names_items_to_revisit_but_not_their_verdicts(capsys):
    CLAIMS.points_earned(dict(KEY, session_format="accurate", bowen2014_12_months="accurate"), 4)
    out = capsys.readouterr().out
    assert "10 of 12" in out and "session_format" in out and "bowen2014_12_months" in out
    assert "partly accurate" not in out


def test_too_few_right_verdicts_earn_nothing_with_an_explanation():
    answers = {k: "accurate" for k in KEY}  # only garland2022 and weak_relapse_evidence are right
    assert CLAIMS.number_correct(answers) == 2
    with pytest.raises(CheckFailed, match="2 of 12"):
        CLAIMS.points_earned(answers, 4)


@pytest.mark.parametrize("answers,words", [
    ([], "dictionary"),
    ({"garland2022": "accurate"}, "missing"),
    (dict(KEY, extra2020="accurate"), "match no claim"),
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
        for item_id, verdict in KEY.items():
            assert f'"{item_id}": "{verdict}"' not in source and f'{item_id} = "{verdict}"' not in source


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
    frequency = table[table["outcome"] == "Frequency of use"].iloc[0]
    assert (frequency.estimate, frequency.ci_low, frequency.ci_high) == (0.02, -0.40, 0.44)  # Grant 2017, null


def test_grant_rows_carry_the_reviews_own_grade_ratings():
    grant = mbrp_evidence.effect_estimates().query("source == 'grant2017'").set_index("outcome")["certainty"]
    assert grant["Withdrawal/craving"].startswith("low certainty")
    assert grant["Frequency of use"].startswith("low certainty")
    assert grant["Relapse"].startswith("low certainty")
    assert grant["Treatment dropout"].startswith("very low certainty")
    assert not grant.str.contains("not seen").any()


def test_forest_plot_has_two_panels_null_lines_and_no_pooled_row():
    fig = mbrp_evidence.forest_plot()
    smd, ratio = fig.axes
    assert ratio.get_xscale() == "log" and smd.get_xscale() == "linear"
    assert [line.get_xdata()[0] for ax in fig.axes for line in ax.lines if line.get_linestyle() == "--"] == [0, 1]
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert len(labels) == 6 and not any("pooled" in t.lower() for t in labels)
    assert "not pooled" in fig._suptitle.get_text()
    plt.close(fig)


def test_alt_text_is_written_from_the_numbers():
    alt = mbrp_evidence.describe_forest()
    assert "relapse (Grant 2017) 0.72, 95% CI 0.46 to 1.13, crossing 1" in alt
    assert "craving (Li 2017) -0.63" in alt and "not crossing 0" in alt
    assert "frequency of use (Grant 2017) 0.02, 95% CI -0.4 to 0.44, crossing 0" in alt


def test_garland_2022_proportions_give_the_lessons_numbers():
    from course import effects

    p = mbrp_evidence.GARLAND2022_NOT_MISUSING
    assert p == {"more": 0.450, "supportive_therapy": 0.244}
    assert round(effects.risk_ratio(p["more"], p["supportive_therapy"]), 2) == 1.84
    assert round(100 * effects.risk_difference(p["more"], p["supportive_therapy"]), 1) == 20.6
    assert round(effects.number_needed_to_treat(p["more"], p["supportive_therapy"], outcome="good"), 1) == 4.9


def test_the_sealed_note_opens_only_for_an_accepted_verdict(capsys):
    for markers in ("partly accurate", "overstated"):
        note = CLAIMS.earned_notes(dict(KEY, physiology_markers=markers))["physiology_markers"]
        assert "Pascoe" in note and "active controls" in note
    assert "physiology_markers" not in CLAIMS.earned_notes(dict(KEY, physiology_markers="accurate"))
    CLAIMS.points_earned(dict(KEY, physiology_markers="overstated", session_format="accurate"), 4)
    out = capsys.readouterr().out
    assert "11 of 12" in out and "About physiology_markers:" in out
    toml = (REPO_ROOT / "course" / "content" / "mbrp_claims.toml").read_text(encoding="utf-8")
    assert "Two verdicts are accepted here" not in toml  # stored sealed, not as text
