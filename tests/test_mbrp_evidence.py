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
    "garland2019": "not found",
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
    assert CLAIMS.number_correct(dict(KEY, garland2019="wrong details", zero_adverse_effects="accurate")) == 6
    assert CLAIMS.number_correct({k: "accurate" for k in KEY}) == 2
    assert CLAIMS.number_correct({k: "partly accurate" for k in KEY}) == 2
    with pytest.raises(CheckFailed, match="7 of 8"):
        CLAIMS.require_all_correct(dict(KEY, session_format="accurate"))


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
