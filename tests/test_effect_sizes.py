"""Effect sizes from summary statistics, checked against SciPy's t-test."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from course import effect_sizes
from course.errors import DataError

# Sertöz et al. (2008): serum BDNF 88.66 ± 18.15 (n = 37 burnout) vs 102.18 ± 20.92 (n = 35 controls).
SERTOZ = (88.66, 18.15, 37, 102.18, 20.92, 35)


def test_d_matches_the_t_statistic_from_scipy():
    t, _ = stats.ttest_ind_from_stats(*SERTOZ, equal_var=True)
    n1, n2 = SERTOZ[2], SERTOZ[5]
    assert effect_sizes.cohens_d(*SERTOZ) == pytest.approx(t * math.sqrt(1 / n1 + 1 / n2), rel=1e-12)


def test_worked_example_by_hand():
    # pooled SD = sqrt((36*18.15^2 + 34*20.92^2) / 70) = 19.5445; d = -13.52 / 19.5445 = -0.6918
    assert effect_sizes.pooled_sd(18.15, 37, 20.92, 35) == pytest.approx(19.5445, abs=1e-4)
    assert effect_sizes.cohens_d(*SERTOZ) == pytest.approx(-0.6918, abs=1e-4)
    assert effect_sizes.hedges_g(*SERTOZ) == pytest.approx(-0.6918 * (1 - 3 / 279), abs=1e-4)


def test_sign_follows_group_order():
    assert effect_sizes.cohens_d(10, 2, 20, 8, 2, 20) == pytest.approx(1.0)
    assert effect_sizes.cohens_d(8, 2, 20, 10, 2, 20) == pytest.approx(-1.0)


@pytest.mark.parametrize("args,words", [
    ((1, 0, 10, 1, 1, 10), "SD must be above zero"),
    ((1, 1, 1, 1, 1, 10), "at least 2"),
    ((1, 1, 10.5, 1, 1, 10), "whole number"),
    (("1", 1, 10, 1, 1, 10), "must be a number"),
])
def test_bad_inputs_get_a_sentence(args, words):
    with pytest.raises(DataError, match=words):
        effect_sizes.cohens_d(*args)
