"""Effect-size conversions used in module 02 lesson 04, checked against scipy and published figures."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import special, stats

from course import effects
from course.errors import DataError


def test_u3_matches_the_published_86_percent():
    # Powers et al. (2010): g = 1.08, "better than 86% of patients in control conditions"
    assert round(100 * effects.u3_from_g(1.08)) == 86
    assert effects.u3_from_g(0.0) == pytest.approx(0.5)
    assert effects.u3_from_g(-1.08) == pytest.approx(1 - effects.u3_from_g(1.08))


@pytest.mark.parametrize("g", [-2.0, -0.3, 0.2, 0.68, 1.08, 2.5])
def test_u3_agrees_with_the_error_function(g):
    assert effects.u3_from_g(g) == pytest.approx(0.5 * (1 + special.erf(g / math.sqrt(2))), rel=1e-12)


def test_nnt_on_hand_worked_examples():
    assert effects.nnt(0.5, 0.25) == pytest.approx(4.0)
    assert effects.nnt(0.174, 0.058) == pytest.approx(1 / 0.116)
    assert effects.nnt(0.1, 0.3) == pytest.approx(-5.0)  # more harm in the treated group
    assert effects.nnt(0.3, 0.3) == math.inf


def test_nnt_sentences_cover_benefit_harm_and_no_difference():
    assert effects.describe_nnt(0.5, 0.25) == "Treat about 4 people for one fewer bad outcome (NNT 4.0)."
    assert "number needed to harm of 5.0" in effects.describe_nnt(0.1, 0.3)
    assert "infinite" in effects.describe_nnt(0.2, 0.2)


def test_odds_ratio_of_the_rozental_percentages_is_about_3_4():
    value = effects.odds_ratio_from_percentages(17.4, 5.8)
    assert value == pytest.approx((17.4 / 82.6) / (5.8 / 94.2))
    assert round(value, 2) == 3.42
    assert effects.risk_ratio_from_percentages(17.4, 5.8) == pytest.approx(3.0)
    # cross-check with a 2x2 table of 1,000 people per group
    table = np.array([[174, 826], [58, 942]])
    assert stats.contingency.odds_ratio(table, kind="sample").statistic == pytest.approx(value)


def test_odds_ratio_is_symmetric_and_one_for_equal_groups():
    assert effects.odds_ratio_from_percentages(20, 20) == pytest.approx(1.0)
    a = effects.odds_ratio_from_percentages(30, 10)
    assert effects.odds_ratio_from_percentages(10, 30) == pytest.approx(1 / a)


@pytest.mark.parametrize("call,words", [
    (lambda: effects.nnt(17.4, 5.8), "between 0 and 1"),
    (lambda: effects.nnt("0.2", 0.1), "must be a number"),
    (lambda: effects.odds_ratio_from_percentages(0, 10), "strictly between 0 and 100"),
    (lambda: effects.odds_ratio_from_percentages(100, 10), "strictly between 0 and 100"),
    (lambda: effects.u3_from_g(float("nan")), "finite"),
    (lambda: effects.u3_from_g(True), "must be a number"),
])
def test_bad_inputs_are_explained(call, words):
    with pytest.raises(DataError, match=words):
        call()


def test_u3_figure_shades_the_right_area_and_describes_it():
    fig, alt = effects.u3_figure(1.08)
    assert "86% of the control group" in alt and "1.08 standard deviations" in alt
    assert "86%" in fig.axes[0].get_legend().get_texts()[2].get_text()
    plt.close(fig)
