"""Turning published effect sizes and percentages into numbers a clinician can explain.

Module 02, lesson 04 uses these to read the exposure-therapy evidence:
Cohen's U3 (the share of a control group below the average treated person)
from a standardised mean difference, the number needed to treat (NNT) from
two event rates, and odds and risk ratios from two percentages.

References
----------
Cohen J (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed.
(U3 as a measure of non-overlap.)
Powers MB, Halpern JM, Ferenschak MP, Gillihan SJ, Foa EB (2010). A meta-analytic
review of prolonged exposure for posttraumatic stress disorder. *Clin Psychol Rev*
30(6):635-641. [@powers2010] (g = 1.08; "better than 86% of controls")
Rozental A, Magnusson K, Boettcher J, Andersson G, Carlbring P (2017). *J Consult
Clin Psychol* 85(2):160-177. [@rozental2017] (5.8% vs 17.4% deterioration; OR 3.10)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .errors import DataError


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DataError(f"The {name} must be a number, not {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise DataError(f"The {name} must be a finite number, not {value}.")
    return value


def _proportion(value, name: str) -> float:
    value = _number(value, name)
    if not 0.0 <= value <= 1.0:
        raise DataError(f"The {name} is a proportion between 0 and 1 (got {value}); "
                        "for 17.4% write 0.174.")
    return value


def _percentage(value, name: str) -> float:
    value = _number(value, name)
    if not 0.0 < value < 100.0:
        raise DataError(f"The {name} must be a percentage strictly between 0 and 100 (got {value}); "
                        "at 0% or 100% the odds are zero or infinite.")
    return value


def u3_from_g(g: float) -> float:
    """Cohen's U3: the share of the control group below the average treated person.

    Assumes both groups are normally distributed with the same SD, so that
    U3 = Φ(g), the standard normal cumulative distribution at g.

    Parameters
    ----------
    g : float
        Standardised mean difference (Hedges' g or Cohen's d), positive when
        the treated group does better, in SD units.

    Returns
    -------
    float
        A proportion between 0 and 1 (multiply by 100 for a percentage).

    References
    ----------
    Cohen (1988); Powers et al. (2010): g = 1.08 corresponds to "better than 86%".
    """
    return float(stats.norm.cdf(_number(g, "effect size g")))


def nnt(p_control_event: float, p_treated_event: float) -> float:
    """Number needed to treat: 1 / absolute risk reduction of a *bad* event.

    Parameters
    ----------
    p_control_event, p_treated_event : float
        Proportions (0 to 1) of each group with the bad outcome (for example
        still meeting PTSD criteria, or reliably deteriorating).

    Returns
    -------
    float
        How many people must be treated for one fewer bad outcome. Negative
        when the treated group has more bad outcomes (then its absolute value
        is a number needed to harm); ``math.inf`` when the rates are equal.

    References
    ----------
    Cusack et al. (2016) report NNT < 4 for loss of a PTSD diagnosis [@cusack2016].
    """
    control = _proportion(p_control_event, "control group's event rate")
    treated = _proportion(p_treated_event, "treated group's event rate")
    reduction = control - treated
    return math.inf if reduction == 0 else 1.0 / reduction


def describe_nnt(p_control_event: float, p_treated_event: float) -> str:
    """One plain sentence about the NNT, including the case of no difference."""
    value = nnt(p_control_event, p_treated_event)
    if math.isinf(value):
        return ("The two groups have the same event rate, so the NNT is infinite: treating any number of people "
                "would not be expected to prevent a single bad outcome.")
    if value > 0:
        return f"Treat about {math.ceil(value)} people for one fewer bad outcome (NNT {value:.1f})."
    return (f"The treated group has more bad outcomes: about one extra for every {math.ceil(-value)} people "
            f"treated (a number needed to harm of {-value:.1f}).")


def odds_ratio_from_percentages(p1_pct: float, p2_pct: float) -> float:
    """Odds ratio of group 1 versus group 2 from two percentages: (p1/(100-p1)) / (p2/(100-p2)).

    Parameters
    ----------
    p1_pct, p2_pct : float
        Percentage of each group with the event (strictly between 0 and 100).

    Returns
    -------
    float
        The crude odds ratio (no adjustment for anything else).

    References
    ----------
    Rozental et al. (2017): 17.4% of controls and 5.8% of treated patients
    deteriorated; the crude OR is about 3.4, the published model-based OR 3.10.
    """
    p1 = _percentage(p1_pct, "first percentage")
    p2 = _percentage(p2_pct, "second percentage")
    return (p1 / (100.0 - p1)) / (p2 / (100.0 - p2))


def risk_ratio_from_percentages(p1_pct: float, p2_pct: float) -> float:
    """Risk ratio of group 1 versus group 2: p1 / p2 ("how many times as often")."""
    return _percentage(p1_pct, "first percentage") / _percentage(p2_pct, "second percentage")


def u3_figure(g: float):
    """Two normal curves g SDs apart, the control area below the treated mean shaded.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and an alt text written from the numbers.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    g = _number(g, "effect size g")
    u3 = u3_from_g(g)
    x = np.linspace(-3.5, 3.5 + g, 400)
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    control, treated = stats.norm.pdf(x), stats.norm.pdf(x, loc=g)
    ax.plot(x, control, color=plotting.PALETTE["vermillion"], label="control group")
    ax.plot(x, treated, color=plotting.PALETTE["blue"], linestyle="--", label="treated group")
    ax.fill_between(x, control, where=x <= g, color=plotting.PALETTE["vermillion"], alpha=0.25,
                    label=f"controls below the average treated person: {100 * u3:.0f}%")
    ax.axvline(g, color=plotting.PALETTE["black"], linewidth=1)
    ax.set_xlabel("Improvement, in standard deviations of the control group")
    ax.set_yticks([])
    ax.set_ylim(0, 0.6)  # room for the legend above the curves
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(f"An effect of g = {g:.2f}", fontsize=10)
    fig.tight_layout()
    alt = (f"Two bell curves of improvement, the treated group's curve shifted {g:.2f} standard deviations "
           f"to the right of the control group's. The shaded part of the control curve, left of the treated "
           f"group's average, is {100 * u3:.0f}% of the control group.")
    return fig, alt
