"""Module 03 lesson 02: the seed-002 claim verdicts, the published estimates, and two-proportion measures."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest

from course import mbrp_evidence
from course.errors import CheckFailed, DataError
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
    source = (REPO_ROOT / "course" / "mbrp_evidence.py").read_text(encoding="utf-8")
    assert '"garland2019": "not found"' not in source
    assert '"zero_adverse_effects": "overstated"' not in source


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


@pytest.mark.parametrize("args,expected", [
    ((0.72, 0.46, 1.13), "Best estimate: 28 % lower odds. The data are compatible with anything from 54 % lower "
                         "odds to 13 % higher odds, so 'no difference' is not ruled out."),
    ((0.50, 0.30, 0.80), "Best estimate: 50 % lower odds. The data are compatible with anything from 70 % lower "
                         "odds to 20 % lower odds, so 'no difference' is unlikely."),
])
def test_ratio_ci_in_words(args, expected):
    assert mbrp_evidence.ratio_ci_in_words(*args) == expected


@pytest.mark.parametrize("args", [(0.72, 0.8, 1.13), (0.0, 0.0, 1.0), (1.0, -1.0, 2.0)])
def test_ratio_ci_in_words_rejects_impossible_intervals(args):
    with pytest.raises(DataError):
        mbrp_evidence.ratio_ci_in_words(*args)


def test_garland_2022_relative_and_absolute_numbers():
    p = mbrp_evidence.GARLAND2022_NOT_MISUSING
    rr = mbrp_evidence.relative_risk(p["more"], p["supportive_therapy"])
    rd = mbrp_evidence.risk_difference(p["more"], p["supportive_therapy"])
    nnt = mbrp_evidence.number_needed_to_treat(p["more"], p["supportive_therapy"])
    assert rr == pytest.approx(45.0 / 24.4)
    assert rr == pytest.approx(1.844, abs=1e-3)
    assert rd == pytest.approx(0.206)
    assert nnt == pytest.approx(1 / 0.206) and math.ceil(nnt) == 5


def test_harmful_direction_and_symmetry():
    assert mbrp_evidence.risk_difference(0.1, 0.3) == pytest.approx(-0.2)
    assert mbrp_evidence.number_needed_to_treat(0.1, 0.3) == pytest.approx(5.0)
    assert mbrp_evidence.relative_risk(0.1, 0.3) == pytest.approx(1 / 3)


@pytest.mark.parametrize("func", [mbrp_evidence.relative_risk, mbrp_evidence.risk_difference,
                                  mbrp_evidence.number_needed_to_treat])
def test_percentages_are_refused_with_a_hint(func):
    with pytest.raises(DataError, match="between 0 and 1") as info:
        func(45.0, 24.4)
    assert "0.450" in str(info.value)


def test_undefined_cases_are_explained():
    with pytest.raises(DataError, match="control group"):
        mbrp_evidence.relative_risk(0.2, 0.0)
    with pytest.raises(DataError, match="infinite"):
        mbrp_evidence.number_needed_to_treat(0.3, 0.3)
    with pytest.raises(DataError, match="number"):
        mbrp_evidence.risk_difference("0.3", 0.2)
