"""Statistical power and sample size for two-arm trials (module 03, lesson 04).

Two kinds of outcome:

* a **continuous** outcome compared as a standardised mean difference (SMD,
  Cohen's *d*), e.g. craving scores: :func:`n_per_arm` and
  :func:`power_for_n` use the normal approximation
  ``n = 2 (z_{1-alpha/2} + z_{power})^2 / d^2`` per arm (cross-checked
  against statsmodels' t-test calculation, which needs one or two more
  people);
* a **time to event** compared with the log-rank test, e.g. time to first
  drug use: :func:`events_needed` and :func:`logrank_power` use Schoenfeld's
  formula, in which power depends on the number of *events*, not people.

All tests are two-sided, with equal arms.

Power depends on the people (or events) actually **analysed**, not on the
people randomised. :func:`n_analysed` and :func:`n_to_randomise` convert
between the two for a given share lost to follow-up (attrition); in Bowen
et al. (2014) 53 of 286 randomised people (18.5 %) were missing at
follow-up, by the Cochrane review's table of study characteristics
(Goldberg et al. 2021), so :data:`BOWEN_2014_ATTRITION` is 53 / 286.

References
----------
.. [1] Schoenfeld D (1983). Sample-size formula for the proportional-hazards
   regression model. *Biometrics* 39(2):499-503. doi:10.2307/2531021
.. [2] Seabold S, Perktold J (2010). statsmodels: econometric and
   statistical modeling with Python. *Proc 9th Python in Science Conf*,
   92-96. doi:10.25080/Majora-92bf1922-011
.. [3] Goldberg SB, Pace B, Griskaitis M, Willutzki R, Skoetz N, Thoenes S,
   et al. (2021). Mindfulness-based interventions for substance use
   disorders. *Cochrane Database Syst Rev* 10:CD011723.
   doi:10.1002/14651858.CD011723.pub2 (53 of 286 missing in Bowen 2014).
"""

from __future__ import annotations

import math
import numbers

from scipy.stats import norm

from .errors import DataError
from .i18n import tr


#: Share of Bowen et al. (2014)'s 286 randomised people missing at follow-up (53 of 286, 18.5 %;
#: Goldberg et al. 2021, table of study characteristics).
BOWEN_2014_ATTRITION = 53 / 286


def _check(alpha: float, power: float | None = None) -> None:
    if not 0 < alpha < 1:
        raise DataError(tr("alpha must be between 0 and 1 (got {alpha}); 0.05 is the usual choice.", alpha=alpha))
    if power is not None and not 0 < power < 1:
        raise DataError(tr("power must be between 0 and 1 (got {power}); 0.8 is the usual choice.", power=power))


def n_per_arm(smd: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """People needed in each of two equal arms to detect a standardised mean difference.

    Normal approximation: ``n = 2 (z_{1-alpha/2} + z_{power})^2 / d^2``,
    rounded up to a whole person. The sign of ``smd`` does not matter.

    Parameters
    ----------
    smd : float
        True difference between the arms in standard-deviation units
        (Cohen's *d*), not 0.
    alpha : float, default 0.05
        Two-sided significance level.
    power : float, default 0.8
        Chance of a significant result if the true effect is ``smd``.

    Returns
    -------
    int
        People per arm (not counting dropout).

    References
    ----------
    .. [1] Seabold S, Perktold J (2010). statsmodels. *Proc SciPy* 92-96
       (``TTestIndPower``, used in the tests as the cross-check).
    """
    _check(alpha, power)
    if smd == 0 or not math.isfinite(smd):
        raise DataError(tr("The effect size must be a non-zero number: no trial can be powered to find an effect "
                           "of 0."))
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return math.ceil(2 * z ** 2 / smd ** 2 - 1e-9)


def power_for_n(smd: float, n_per_arm: float, alpha: float = 0.05) -> float:
    """Power of a two-sided comparison of two equal arms (normal approximation).

    ``power = Phi(|d| sqrt(n/2) - z_{1-alpha/2}) + Phi(-|d| sqrt(n/2) - z_{1-alpha/2})``.

    Parameters
    ----------
    smd : float
        True standardised mean difference.
    n_per_arm : float
        People analysed in each arm.
    alpha : float, default 0.05

    Returns
    -------
    float
        Probability (0-1) that the trial gives p < alpha.

    References
    ----------
    .. [1] Seabold S, Perktold J (2010). statsmodels. *Proc SciPy* 92-96.
    """
    _check(alpha)
    if n_per_arm <= 0:
        raise DataError(tr("The number of people per arm must be positive."))
    shift = abs(smd) * math.sqrt(n_per_arm / 2)
    z = norm.ppf(1 - alpha / 2)
    return float(norm.cdf(shift - z) + norm.cdf(-shift - z))


def events_needed(hazard_ratio: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Events (both arms together) a log-rank test needs for a hazard ratio (Schoenfeld, equal arms).

    ``D = 4 (z_{1-alpha/2} + z_{power})^2 / ln(HR)^2``, rounded up.

    References
    ----------
    .. [1] Schoenfeld D (1983). *Biometrics* 39(2):499-503.
    """
    _check(alpha, power)
    if hazard_ratio <= 0 or hazard_ratio == 1 or not math.isfinite(hazard_ratio):
        raise DataError(tr("The hazard ratio must be a positive number other than 1."))
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return math.ceil(4 * z ** 2 / math.log(hazard_ratio) ** 2 - 1e-9)


def logrank_power(hazard_ratio: float, events: float, alpha: float = 0.05) -> float:
    """Approximate power of a log-rank test with ``events`` events in two equal arms (Schoenfeld).

    ``power = Phi(sqrt(events / 4) |ln HR| - z_{1-alpha/2})`` (the tiny
    chance of significance in the wrong direction is added too).

    References
    ----------
    .. [1] Schoenfeld D (1983). *Biometrics* 39(2):499-503.
    """
    _check(alpha)
    if hazard_ratio <= 0 or events < 0:
        raise DataError(tr("The hazard ratio must be positive and the number of events 0 or more."))
    shift = math.sqrt(events / 4) * abs(math.log(hazard_ratio))
    z = norm.ppf(1 - alpha / 2)
    return float(norm.cdf(shift - z) + norm.cdf(-shift - z))


def _check_attrition(attrition: float) -> None:
    if not (isinstance(attrition, numbers.Real) and math.isfinite(attrition) and 0 <= attrition < 1):
        raise DataError(tr("Attrition must be a share from 0 up to (not including) 1 (got {attrition!r}); 18.5 % "
                           "is 0.185.", attrition=attrition))


def n_analysed(n_randomised: float, attrition: float) -> float:
    """People expected to be analysed when ``n_randomised`` are randomised and a share ``attrition`` is lost.

    ``n_randomised * (1 - attrition)``, not rounded: pass it to
    :func:`power_for_n` to get the power a trial really has for an outcome
    analysed in the people followed up (e.g. a 12-month craving score).

    Parameters
    ----------
    n_randomised : float
        People randomised per arm (> 0).
    attrition : float
        Share lost to follow-up, 0 <= attrition < 1 (e.g.
        :data:`BOWEN_2014_ATTRITION`).

    Returns
    -------
    float
        Expected people analysed per arm.

    References
    ----------
    .. [1] Goldberg SB, et al. (2021). *Cochrane Database Syst Rev*
       10:CD011723 (the 53 of 286 missing in Bowen 2014).
    """
    _check_attrition(attrition)
    if not n_randomised > 0:
        raise DataError(tr("The number of people randomised per arm must be positive."))
    return float(n_randomised) * (1 - attrition)


def n_to_randomise(n_needed: float, attrition: float) -> int:
    """People to randomise per arm so that about ``n_needed`` remain to be analysed after attrition.

    ``ceil(n_needed / (1 - attrition))``. For example, 929 analysed per arm
    with 18.5 % attrition means randomising 1,141 per arm.

    Parameters
    ----------
    n_needed : float
        People needed in the analysis per arm (e.g. from :func:`n_per_arm`).
    attrition : float
        Share lost to follow-up, 0 <= attrition < 1.

    Returns
    -------
    int
        People to randomise per arm, rounded up.

    References
    ----------
    .. [1] Goldberg SB, et al. (2021). *Cochrane Database Syst Rev*
       10:CD011723 (the 53 of 286 missing in Bowen 2014).
    """
    _check_attrition(attrition)
    if not n_needed > 0:
        raise DataError(tr("The number of people needed per arm must be positive."))
    return math.ceil(n_needed / (1 - attrition) - 1e-9)
