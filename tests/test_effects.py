"""The one effect-size API, checked against hand-worked published examples and other libraries.

Published figures used here are the ones the lessons teach: Powers et al.
(2010), Rozental et al. (2017) and Garland et al. (2022) (see the module
docstring of ``course.effects``); Sertöz et al. (2008) for Cohen's d.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import special, stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.meta_analysis import effectsize_smd

from course import effects
from course.errors import DataError

# Sertöz et al. (2008): serum BDNF 88.66 ± 18.15 (n = 37, burnout) vs 102.18 ± 20.92 (n = 35, controls).
SERTOZ = (88.66, 18.15, 37, 102.18, 20.92, 35)
# Garland et al. (2022): no longer misusing opioids at 9 months, MORE vs supportive therapy (a good outcome).
GARLAND = (0.450, 0.244)
# Rozental et al. (2017): reliably deteriorated, treated vs control (a bad outcome).
ROZENTAL = (0.058, 0.174)


# --------------------------------------------------------------------------- standardised mean differences

def test_d_matches_the_t_statistic_from_scipy():
    t, _ = stats.ttest_ind_from_stats(*SERTOZ, equal_var=True)
    n1, n2 = SERTOZ[2], SERTOZ[5]
    assert effects.cohens_d(*SERTOZ) == pytest.approx(t * math.sqrt(1 / n1 + 1 / n2), rel=1e-12)


def test_sertoz_worked_by_hand():
    # pooled SD = sqrt((36 * 18.15^2 + 34 * 20.92^2) / 70) = 19.5445; d = -13.52 / 19.5445 = -0.6918
    assert effects.pooled_sd(18.15, 37, 20.92, 35) == pytest.approx(19.5445, abs=1e-4)
    assert effects.cohens_d(*SERTOZ) == pytest.approx(-0.6918, abs=1e-4)
    # J = 1 - 3 / (4 * 72 - 9) = 1 - 3/279
    assert effects.hedges_g(*SERTOZ) == pytest.approx(-0.6918 * (1 - 3 / 279), abs=1e-4)


def test_sign_follows_the_group_comparison_order():
    assert effects.cohens_d(10, 2, 20, 8, 2, 20) == pytest.approx(1.0)
    assert effects.cohens_d(8, 2, 20, 10, 2, 20) == pytest.approx(-1.0)


def _exact_hedges_correction(df: int) -> float:
    """Hedges (1981), the exact bias correction: J(m) = Γ(m/2) / (sqrt(m/2) Γ((m - 1)/2))."""
    return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)


@pytest.mark.parametrize("n1,n2", [(5, 5), (10, 12), (37, 35), (100, 100)])
def test_hedges_correction_is_close_to_the_exact_gamma_formula(n1, n2):
    d = effects.cohens_d(1.0, 1.0, n1, 0.0, 1.0, n2)
    j = effects.hedges_g(1.0, 1.0, n1, 0.0, 1.0, n2) / d
    exact = _exact_hedges_correction(n1 + n2 - 2)
    assert j == pytest.approx(exact, abs=1e-3)
    assert j < 1  # g is always a little closer to zero than d


def test_hedges_g_agrees_with_statsmodels():
    g, _ = effectsize_smd(*(np.array([v]) for v in SERTOZ))
    assert effects.hedges_g(*SERTOZ) == pytest.approx(float(g[0]), rel=1e-12)


@pytest.mark.parametrize("args,words", [
    ((1, 0, 10, 1, 1, 10), "SD must be above zero"),
    ((1, 1, 1, 1, 1, 10), "at least 2"),
    ((1, 1, 10.5, 1, 1, 10), "whole number"),
    (("1", 1, 10, 1, 1, 10), "must be a number"),
    ((1, 1, 10, float("nan"), 1, 10), "finite"),
])
def test_bad_group_summaries_get_a_sentence(args, words):
    with pytest.raises(DataError, match=words):
        effects.cohens_d(*args)


# --------------------------------------------------------------------------- U3

def test_u3_matches_the_published_86_percent():
    # Powers et al. (2010): g = 1.08, "better than 86% of patients in control conditions"
    assert round(100 * effects.cohens_u3(1.08)) == 86
    assert effects.cohens_u3(0.0) == pytest.approx(0.5)
    assert effects.cohens_u3(-1.08) == pytest.approx(1 - effects.cohens_u3(1.08))


@pytest.mark.parametrize("g", [-2.0, -0.3, 0.2, 0.68, 1.08, 2.5])
def test_u3_agrees_with_the_error_function(g):
    assert effects.cohens_u3(g) == pytest.approx(0.5 * (1 + special.erf(g / math.sqrt(2))), rel=1e-12)


@pytest.mark.parametrize("d", [-1.5, -0.69, 0.0, 0.2, 0.8, 2.0])
def test_probability_of_superiority_agrees_with_integrating_two_normal_curves(d):
    # P(X > Y) for X ~ N(d, 1) and Y ~ N(0, 1): integrate P(Y < x) over the density of X with scipy.
    from scipy import integrate
    by_integration, _ = integrate.quad(lambda x: stats.norm.pdf(x, loc=d) * stats.norm.cdf(x), -np.inf, np.inf)
    assert effects.probability_of_superiority(d) == pytest.approx(by_integration, abs=1e-9)


def test_probability_of_superiority_matches_counting_pairs_in_a_large_sample():
    rng = np.random.default_rng(7)
    group, comparison = rng.normal(-0.69, 1.0, 4000), rng.normal(0.0, 1.0, 4000)
    # Mann-Whitney U / (n1 n2) is the share of pairs in which the group of interest is higher.
    u = stats.mannwhitneyu(group, comparison).statistic / (group.size * comparison.size)
    assert effects.probability_of_superiority(-0.69) == pytest.approx(u, abs=0.015)


def test_sertoz_bdnf_difference_read_as_overlap():
    d = effects.cohens_d(*SERTOZ)
    assert round(100 * effects.probability_of_superiority(d)) == 31
    assert round(100 * effects.cohens_u3(d)) == 24
    assert round(100 * effects.best_cutoff_accuracy(d)) == 64
    assert effects.probability_of_superiority(-d) == pytest.approx(1 - effects.probability_of_superiority(d))


@pytest.mark.parametrize("d", [0.0, 0.3, 0.69, 1.5, -0.69])
def test_best_cutoff_accuracy_is_the_best_any_single_cutoff_achieves(d):
    # Share sorted correctly by "group of interest if value > c" (or below c for negative d), equal groups.
    cutoffs = np.linspace(-5, 5, 20001)
    high, low = max(d, 0.0), min(d, 0.0)
    correct = 0.5 * stats.norm.sf(cutoffs, loc=high) + 0.5 * stats.norm.cdf(cutoffs, loc=low)
    assert effects.best_cutoff_accuracy(d) == pytest.approx(correct.max(), abs=1e-6)
    assert 0.5 <= effects.best_cutoff_accuracy(d) < 1


def test_u3_figure_shades_the_right_area_and_describes_it():
    fig, alt = effects.u3_figure(1.08)
    assert "86% of the control group" in alt and "1.08 standard deviations" in alt
    assert "86%" in fig.axes[0].get_legend().get_texts()[2].get_text()
    plt.close(fig)


# --------------------------------------------------------------------------- two proportions

def test_garland_2022_risk_difference_ratio_and_nnt():
    assert effects.risk_difference(*GARLAND) == pytest.approx(0.206)
    assert effects.risk_ratio(*GARLAND) == pytest.approx(45.0 / 24.4)
    assert round(effects.risk_ratio(*GARLAND), 2) == 1.84
    nnt = effects.number_needed_to_treat(*GARLAND, outcome="good")
    assert nnt == pytest.approx(1 / 0.206) and round(nnt, 1) == 4.9 and math.ceil(nnt) == 5


def test_rozental_2017_crude_odds_ratio_risk_ratio_and_nnt():
    treated, control = ROZENTAL
    crude = effects.odds_ratio(control, treated)  # controls versus treated, as published
    assert crude == pytest.approx((0.174 / 0.826) / (0.058 / 0.942))
    assert round(crude, 1) == 3.4 and round(crude, 2) == 3.42  # the published, model-based OR is 3.10
    assert effects.risk_ratio(control, treated) == pytest.approx(3.0)
    assert effects.number_needed_to_treat(treated, control, outcome="bad") == pytest.approx(1 / 0.116)
    assert effects.nnt_in_words(treated, control, outcome="bad") == \
        "Treat about 9 people for one fewer bad outcome (NNT 8.6)."


def test_ratios_agree_with_statsmodels_on_counts():
    # Rozental et al. (2017): 130 of the controls and 122 of the treated deteriorated. The arm sizes
    # (747 and 2,119, adding up to the 2,866 patients) are worked out from the published percentages.
    table = Table2x2(np.array([[130, 747 - 130], [122, 2119 - 122]]))
    assert effects.odds_ratio(130 / 747, 122 / 2119) == pytest.approx(table.oddsratio, rel=1e-12)
    assert effects.risk_ratio(130 / 747, 122 / 2119) == pytest.approx(table.riskratio, rel=1e-12)
    assert round(table.oddsratio, 1) == 3.4
    assert stats.contingency.odds_ratio(np.array([[174, 826], [58, 942]]), kind="sample").statistic == \
        pytest.approx(effects.odds_ratio(0.174, 0.058))


def test_swapping_the_groups_inverts_ratios_and_negates_differences():
    assert effects.odds_ratio(0.3, 0.1) == pytest.approx(1 / effects.odds_ratio(0.1, 0.3))
    assert effects.risk_ratio(0.1, 0.3) == pytest.approx(1 / 3)
    assert effects.risk_difference(0.1, 0.3) == pytest.approx(-0.2)
    assert effects.odds_ratio(0.2, 0.2) == pytest.approx(1.0)


def test_nnt_direction_harm_and_outcome_kind():
    # half of the controls and a quarter of the treated still ill: treat 4 for one fewer
    assert effects.number_needed_to_treat(0.25, 0.5, outcome="bad") == pytest.approx(4.0)
    # the same numbers for a good outcome mean the treated do worse: a number needed to harm of 4
    assert effects.number_needed_to_treat(0.25, 0.5, outcome="good") == pytest.approx(-4.0)
    assert effects.number_needed_to_treat(0.3, 0.1, outcome="bad") == pytest.approx(-5.0)
    assert "number needed to harm of 5.0" in effects.nnt_in_words(0.3, 0.1, outcome="bad")
    assert "fewer good outcomes" in effects.nnt_in_words(0.1, 0.3, outcome="good")
    assert effects.nnt_in_words(*GARLAND, outcome="good") == \
        "Treat about 5 people for one more good outcome (NNT 4.9)."


@pytest.mark.parametrize("outcome", ["bad", "good"])
def test_a_tie_gives_an_infinite_nnt_in_numbers_and_words(outcome):
    # Altman (1998): no difference between the groups means an NNT of infinity
    assert effects.number_needed_to_treat(0.3, 0.3, outcome=outcome) == math.inf
    assert "infinite" in effects.nnt_in_words(0.3, 0.3, outcome=outcome)


@pytest.mark.parametrize("call,words", [
    (lambda: effects.risk_ratio(45.0, 24.4), "between 0 and 1"),
    (lambda: effects.number_needed_to_treat(5.8, 17.4, outcome="bad"), "between 0 and 1"),
    (lambda: effects.risk_difference("0.3", 0.2), "must be a number"),
    (lambda: effects.risk_difference(True, 0.2), "must be a number"),
    (lambda: effects.risk_ratio(0.2, 0.0), "no one in the comparison group"),
    (lambda: effects.odds_ratio(0.0, 0.1), "zero or infinite"),
    (lambda: effects.odds_ratio(0.2, 1.0), "zero or infinite"),
    (lambda: effects.odds_ratio(-0.1, 0.2), "between 0 and 1"),
    (lambda: effects.number_needed_to_treat(0.2, 0.1, outcome="harmful"), "bad or good"),
    (lambda: effects.cohens_u3(float("nan")), "finite"),
    (lambda: effects.cohens_u3(True), "must be a number"),
    (lambda: effects.probability_of_superiority(float("inf")), "finite"),
    (lambda: effects.probability_of_superiority("0.5"), "must be a number"),
    (lambda: effects.best_cutoff_accuracy(float("nan")), "finite"),
])
def test_bad_inputs_are_explained(call, words):
    with pytest.raises(DataError, match=words):
        call()


@pytest.mark.parametrize("value,shown", [(45.0, "45 % is 0.450"), (17.4, "17.4 % is 0.174")])
def test_a_percentage_gets_the_hint_how_to_write_it(value, shown):
    with pytest.raises(DataError) as info:
        effects.risk_difference(value, 0.2)
    assert shown in str(info.value)


def test_the_outcome_kind_must_be_named():
    with pytest.raises(TypeError):
        effects.number_needed_to_treat(0.2, 0.1)  # no silent guess about which direction is better


# --------------------------------------------------------------------------- a ratio and its CI in words

@pytest.mark.parametrize("args,expected", [
    ((0.72, 0.46, 1.13), "Best estimate: 28 % lower odds. The data are compatible with anything from 54 % lower "
                         "odds to 13 % higher odds, so 'no difference' is not ruled out."),
    ((0.50, 0.30, 0.80), "Best estimate: 50 % lower odds. The data are compatible with anything from 70 % lower "
                         "odds to 20 % lower odds, so 'no difference' is unlikely."),
])
def test_ratio_ci_in_words(args, expected):
    assert effects.ratio_ci_in_words(*args) == expected


def test_ratio_ci_in_words_names_what_is_compared():
    assert effects.ratio_ci_in_words(1.0, 0.9, 1.2, what="risk").startswith("Best estimate: the same risk.")


@pytest.mark.parametrize("args,words", [
    ((0.72, 0.8, 1.13), "should contain"),
    ((0.0, 0.0, 1.0), "above zero"),
    ((1.0, -1.0, 2.0), "above zero"),
    (("0.7", 0.5, 1.0), "must be a number"),
])
def test_ratio_ci_in_words_rejects_impossible_intervals(args, words):
    with pytest.raises(DataError, match=words):
        effects.ratio_ci_in_words(*args)


def test_every_public_function_documents_units_and_references():
    for name in ("pooled_sd", "cohens_d", "hedges_g", "cohens_u3", "probability_of_superiority",
                 "best_cutoff_accuracy", "u3_figure", "risk_difference", "risk_ratio",
                 "odds_ratio", "number_needed_to_treat", "nnt_in_words", "ratio_ci_in_words"):
        doc = getattr(effects, name).__doc__
        assert "Parameters" in doc and "Returns" in doc and "References" in doc, name


@pytest.mark.parametrize("proportion,out_of,words", [
    (0.200, 10, "about 2 in 10 (20.0%)"),      # Larsen et al. 2016, prolonged exposure
    (0.286, 10, "about 3 in 10 (28.6%)"),      # Larsen et al. 2016, CPT
    (0.147, 10, "about 1 in 10 (14.7%)"),      # Larsen et al. 2016, CPT-C
    (0.147, 100, "about 15 in 100 (14.7%)"),
    (0.0, 10, "about 0 in 10 (0.0%)"),
    (0.01, 10, "fewer than 1 in 10 (1.0%)"),
    (0.97, 10, "nearly all 10 (97.0%)"),
    (1.0, 10, "about 10 in 10 (100.0%)"),
])
def test_natural_frequency_in_words(proportion, out_of, words):
    assert effects.natural_frequency(proportion, out_of) == words


@pytest.mark.parametrize("args,words", [((20.0,), "between 0 and 1"), ((0.2, 1), "at least 2"),
                                        ((0.2, 2.5), "whole number"), (("a lot",), "must be a number")])
def test_natural_frequency_refuses_bad_input_with_a_sentence(args, words):
    with pytest.raises(DataError, match=words):
        effects.natural_frequency(*args)
