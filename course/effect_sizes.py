"""Standardised mean differences from published summary statistics.

Papers often report only group means, SDs and sizes; these functions turn
them into Cohen's d (pooled SD) and Hedges' g (small-sample corrected).

References
----------
Cohen J (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
Hedges LV (1981). Distribution theory for Glass's estimator of effect size and
related estimators. *J Educ Stat* 6(2):107–128.
"""

from __future__ import annotations

import math

from .errors import DataError


def _check_group(mean: float, sd: float, n: int, label: str) -> None:
    for name, value in (("mean", mean), ("SD", sd), ("size", n)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise DataError(f"The {label} {name} must be a number, not {value!r}.")
    if sd <= 0:
        raise DataError(f"The {label} SD must be above zero (got {sd}).")
    if n < 2 or int(n) != n:
        raise DataError(f"The {label} size must be a whole number of at least 2 (got {n}).")


def pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    """Pooled standard deviation of two groups (weights n − 1)."""
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def cohens_d(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> float:
    """Cohen's d = (mean1 − mean2) / pooled SD. Positive when group 1 is higher."""
    _check_group(mean1, sd1, n1, "first group's")
    _check_group(mean2, sd2, n2, "second group's")
    return (mean1 - mean2) / pooled_sd(sd1, n1, sd2, n2)


def hedges_g(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> float:
    """Hedges' g: Cohen's d times the small-sample correction J = 1 − 3 / (4(n1 + n2) − 9)."""
    return cohens_d(mean1, sd1, n1, mean2, sd2, n2) * (1 - 3 / (4 * (n1 + n2) - 9))
