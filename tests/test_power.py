"""Sample size and power: the course's normal approximation against statsmodels, and Schoenfeld's formula."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from course import power
from course.errors import DataError


@pytest.mark.parametrize("smd", [0.13, 0.2, 0.33, 0.5, 0.63, 0.8, 1.2, -0.13, -0.63])
def test_n_per_arm_is_within_two_people_of_statsmodels_t_test(smd):
    exact = math.ceil(TTestIndPower().solve_power(effect_size=abs(smd), alpha=0.05, power=0.8))
    assert 0 <= exact - power.n_per_arm(smd) <= 2


def test_n_per_arm_matches_statsmodels_normal_approximation():
    for d in (0.13, 0.63):
        assert power.n_per_arm(d) == math.ceil(NormalIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8))


def test_lesson_numbers():
    assert power.n_per_arm(0.63) == 40
    assert power.n_per_arm(0.13) == 929
    assert power.power_for_n(0.13, 95) == pytest.approx(0.146, abs=0.001)  # both tails
    assert power.n_per_arm(0.5, alpha=0.05, power=0.9) == 85  # 2 * (1.96 + 1.2816)^2 / 0.25 = 84.06


@pytest.mark.parametrize("d,n", [(0.13, 95), (0.63, 40), (0.3, 200), (0.05, 1000)])
def test_power_for_n_is_close_to_statsmodels(d, n):
    assert power.power_for_n(d, n) == pytest.approx(TTestIndPower().power(effect_size=d, nobs1=n, alpha=0.05), abs=0.01)


def test_power_rises_with_n_and_no_effect_gives_alpha():
    assert power.power_for_n(0.13, 95) < power.power_for_n(0.13, 400) < power.power_for_n(0.13, 929)
    assert power.power_for_n(0.13, 929) == pytest.approx(0.80, abs=0.002)
    assert power.power_for_n(0.0, 50) == pytest.approx(0.05)


def test_schoenfeld_events():
    # 4 * (1.95996 + 0.84162)^2 / ln(0.8)^2 = 630.4 -> 631
    assert power.events_needed(0.8) == 631
    assert power.events_needed(1 / 0.8) == 631
    assert power.logrank_power(0.8, 631) == pytest.approx(0.80, abs=0.002)
    assert power.logrank_power(1.0, 100) == pytest.approx(0.05)


@pytest.mark.parametrize("call", [lambda: power.n_per_arm(0), lambda: power.n_per_arm(0.5, alpha=1.5),
                                  lambda: power.n_per_arm(0.5, power=1), lambda: power.power_for_n(0.5, 0),
                                  lambda: power.events_needed(1.0), lambda: power.logrank_power(-1, 10)])
def test_bad_inputs_raise_data_error(call):
    with pytest.raises(DataError):
        call()
