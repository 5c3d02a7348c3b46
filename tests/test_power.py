"""Sample size and power: the course's normal approximation against statsmodels, and Schoenfeld's formula."""

from __future__ import annotations

import math

import numpy as np
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


def test_attrition_the_lesson_numbers():
    assert power.BOWEN_2014_ATTRITION == pytest.approx(0.185, abs=0.0005)
    a = power.BOWEN_2014_ATTRITION
    # 929 analysed per arm for SMD 0.13 -> 1,141 to randomise per arm (2,282 in all)
    assert power.n_to_randomise(power.n_per_arm(0.13), a) == 1141
    assert power.n_to_randomise(power.n_per_arm(0.63), a) == 50
    # a Bowen-sized arm of 95 randomised leaves about 77 analysed: power 12.8 %, not 14.6 %
    assert power.n_analysed(95, a) == pytest.approx(77.4, abs=0.05)
    assert power.power_for_n(0.13, power.n_analysed(95, a)) == pytest.approx(0.128, abs=0.001)
    # the manager's 40 randomised per arm: about 33 analysed, power for d = 0.63 only 72 %
    assert power.n_analysed(40, a) == pytest.approx(32.6, abs=0.05)
    assert power.power_for_n(0.63, power.n_analysed(40, a)) == pytest.approx(0.72, abs=0.005)
    assert power.power_for_n(0.13, power.n_analysed(40, a)) == pytest.approx(0.082, abs=0.001)


def test_attrition_round_trip_and_no_attrition():
    assert power.n_to_randomise(100, 0) == 100
    assert power.n_analysed(100, 0) == 100
    assert power.n_to_randomise(np.int64(929), np.float64(53 / 286)) == 1141  # NumPy numbers are accepted
    assert power.n_analysed(np.int64(95), np.int64(0)) == 95
    for needed in (10, 63, 929):
        for a in (0.1, 0.185, 0.5):
            randomised = power.n_to_randomise(needed, a)
            assert power.n_analysed(randomised, a) >= needed - 1e-9
            assert power.n_analysed(randomised - 1, a) < needed


@pytest.mark.parametrize("call", [lambda: power.n_analysed(95, 1.0), lambda: power.n_analysed(95, -0.1),
                                  lambda: power.n_analysed(0, 0.2), lambda: power.n_to_randomise(50, 18.5),
                                  lambda: power.n_to_randomise(-5, 0.2), lambda: power.n_to_randomise(50, "0.2")])
def test_attrition_bad_inputs_raise_data_error(call):
    with pytest.raises(DataError):
        call()


@pytest.mark.parametrize("call", [lambda: power.n_per_arm(0), lambda: power.n_per_arm(0.5, alpha=1.5),
                                  lambda: power.n_per_arm(0.5, power=1), lambda: power.power_for_n(0.5, 0),
                                  lambda: power.events_needed(1.0), lambda: power.logrank_power(-1, 10)])
def test_bad_inputs_raise_data_error(call):
    with pytest.raises(DataError):
        call()
