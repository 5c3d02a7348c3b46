"""Effect sizes a clinician meets in papers, one function per quantity.

Standardised mean differences (Cohen's *d*, Hedges' *g*), and Cohen's U3, the
probability of superiority and the best cut-off's accuracy as readings of them, for
continuous outcomes; risk difference, risk ratio, odds ratio and the number
needed to treat (NNT) for the share of people with an outcome; plain-words
readings of an NNT and of a ratio with its confidence interval.

Conventions, the same in every function:

* **Argument order.** Every two-group function takes the group of interest
  first and the comparison group second: ``(group, comparison)``, which in a
  trial is ``(treated, control)``. A difference is group minus comparison,
  a ratio is group divided by comparison.
* **Proportions** run from 0 to 1 (17.4 % is 0.174). A value between 1 and
  100 is refused with that hint; there are no percentage variants.
* **Ties.** When both groups have the same event rate the treatment makes
  no difference, so the NNT is infinite (``math.inf``) [3]_;
  :func:`nnt_in_words` says so in a sentence. A negative NNT means the
  treated group does worse: its size is the number needed to harm.
* Bad input (text, NaN, a percentage, an impossible interval) raises
  :class:`course.errors.DataError` with a sentence.

Used in module 01 lesson 05 (Cohen's *d*, probability of superiority, U3,
best cut-off), module 02 lesson 04 (U3, NNT, odds and risk ratios) and
module 03 lesson 02 (risk ratio, risk difference, NNT, ratios with
confidence intervals).

References
----------
.. [1] Cohen J (1988). *Statistical Power Analysis for the Behavioral
   Sciences*, 2nd ed. Hillsdale, NJ: Lawrence Erlbaum. [@cohen1988]
.. [2] Hedges LV (1981). Distribution theory for Glass's estimator of effect
   size and related estimators. *J Educ Stat* 6(2):107-128. [@hedges1981]
.. [3] Altman DG (1998). Confidence intervals for the number needed to
   treat. *BMJ* 317:1309. [@altman1998]
.. [4] Laupacis A, Sackett DL, Roberts RS (1988). An assessment of clinically
   useful measures of the consequences of treatment. *N Engl J Med*
   318(26):1728-1733. [@laupacis1988]
.. [5] Powers MB, Halpern JM, Ferenschak MP, Gillihan SJ, Foa EB (2010). A
   meta-analytic review of prolonged exposure for posttraumatic stress
   disorder. *Clin Psychol Rev* 30(6):635-641. [@powers2010]
.. [6] Rozental A, Magnusson K, Boettcher J, Andersson G, Carlbring P (2017).
   For better or worse: an individual patient data meta-analysis of
   deterioration among participants receiving Internet-based cognitive
   behavior therapy. *J Consult Clin Psychol* 85(2):160-177. [@rozental2017]
.. [7] Garland EL, Hanley AW, Nakamura Y, et al. (2022). Mindfulness-Oriented
   Recovery Enhancement vs supportive group therapy for co-occurring opioid
   misuse and chronic pain in primary care. *JAMA Intern Med*
   182(4):407-417. [@garland2022]
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .errors import DataError
from .i18n import N_, format_number, tr

#: The two kinds of outcome an NNT can count, for ``outcome=`` in :func:`number_needed_to_treat`.
#: What a ratio can compare (the ``what`` of :func:`ratio_ci_in_words`), marked for translation.
RATIO_WORDS = (N_("odds"), N_("risk"), N_("hazard"), N_("rate"))
OUTCOMES = {
    "bad": N_("an outcome the treatment should prevent (still ill, relapsed, deteriorated)"),
    "good": N_("an outcome the treatment should bring about (recovered, no longer misusing)"),
}


# --------------------------------------------------------------------------- validators

def _number(value, name: str) -> float:
    """``value`` as a finite float, or a sentence saying why it is not one."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DataError(tr("The {name} must be a number, not {value!r}.", name=name, value=value))
    value = float(value)
    if not math.isfinite(value):
        raise DataError(tr("The {name} must be a finite number, not {value}.", name=name, value=value))
    return value


def _proportion(value, name: str) -> float:
    """``value`` as a proportion from 0 to 1; a percentage gets the hint how to write it."""
    value = _number(value, name)
    if not 0.0 <= value <= 1.0:
        hint = (tr("Give proportions between 0 and 1: {value:g} % is {fraction:.3f}.", value=value, fraction=value / 100)
                if 1 < value <= 100 else None)
        raise DataError(tr("The {name} is a proportion and must lie between 0 and 1 (got {value:g}).",
                           name=name, value=value), hint=hint)
    return value


def _group(mean, sd, n, label: str) -> tuple[float, float, int]:
    """A group's mean, SD and size, checked."""
    mean = _number(mean, tr("{label} mean", label=label))
    sd = _number(sd, tr("{label} SD", label=label))
    size = _number(n, tr("{label} size", label=label))
    if sd <= 0:
        raise DataError(tr("The {label} SD must be above zero (got {sd:g}).", label=label, sd=sd))
    if size < 2 or size != int(size):
        raise DataError(tr("The {label} size must be a whole number of at least 2 (got {size:g}).",
                           label=label, size=size))
    return mean, sd, int(size)


def _outcome(outcome) -> str:
    if outcome not in OUTCOMES:
        raise DataError(tr("Say whether the event counted is bad or good: outcome='bad' or outcome='good', not "
                           "{outcome!r}.", outcome=outcome),
                        hint="; ".join(f"'{k}': {tr(v)}" for k, v in OUTCOMES.items()))
    return outcome


# --------------------------------------------------------------------------- continuous outcomes

def pooled_sd(sd_group: float, n_group: int, sd_comparison: float, n_comparison: int) -> float:
    """Pooled standard deviation of two groups, each variance weighted by its size minus one.

    Parameters
    ----------
    sd_group, sd_comparison : float
        Standard deviation of each group, in the outcome's own unit; above zero.
    n_group, n_comparison : int
        Number of people in each group; whole numbers of at least 2.

    Returns
    -------
    float
        ``sqrt(((n_group - 1) sd_group² + (n_comparison - 1) sd_comparison²) / (n_group + n_comparison - 2))``,
        in the outcome's unit.

    References
    ----------
    .. [1] Cohen J (1988). *Statistical Power Analysis for the Behavioral
       Sciences*, 2nd ed.
    """
    _, sd1, n1 = _group(0.0, sd_group, n_group, tr("group's"))
    _, sd2, n2 = _group(0.0, sd_comparison, n_comparison, tr("comparison group's"))
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def cohens_d(mean_group: float, sd_group: float, n_group: int,
             mean_comparison: float, sd_comparison: float, n_comparison: int) -> float:
    """Cohen's *d*: the difference between two means in units of their pooled SD.

    Parameters
    ----------
    mean_group, sd_group, n_group : float, float, int
        Mean and standard deviation (in the outcome's unit) and size of the
        group of interest (for example the treated group, or people with burnout).
    mean_comparison, sd_comparison, n_comparison : float, float, int
        The same for the comparison group.

    Returns
    -------
    float
        ``(mean_group - mean_comparison) / pooled_sd``, in standard deviations
        (no unit). Positive when the group of interest has the higher mean.

    Raises
    ------
    course.errors.DataError
        If a value is not a number, an SD is not above zero or a size is not a
        whole number of at least 2.

    References
    ----------
    .. [1] Cohen J (1988). *Statistical Power Analysis for the Behavioral
       Sciences*, 2nd ed.
    """
    m1, _, _ = _group(mean_group, sd_group, n_group, tr("group's"))
    m2, _, _ = _group(mean_comparison, sd_comparison, n_comparison, tr("comparison group's"))
    return (m1 - m2) / pooled_sd(sd_group, n_group, sd_comparison, n_comparison)


def hedges_g(mean_group: float, sd_group: float, n_group: int,
             mean_comparison: float, sd_comparison: float, n_comparison: int) -> float:
    """Hedges' *g*: Cohen's *d* corrected for its small-sample bias.

    ``g = J · d`` with ``J = 1 - 3 / (4 (n_group + n_comparison) - 9)``, Hedges'
    approximation to the exact correction (which uses gamma functions); the
    two agree to about 0.001 from 10 people in all.

    Parameters
    ----------
    mean_group, sd_group, n_group, mean_comparison, sd_comparison, n_comparison
        As in :func:`cohens_d`.

    Returns
    -------
    float
        The corrected standardised mean difference, in standard deviations;
        slightly closer to zero than *d*.

    References
    ----------
    .. [1] Hedges LV (1981). Distribution theory for Glass's estimator of
       effect size and related estimators. *J Educ Stat* 6(2):107-128.
    """
    d = cohens_d(mean_group, sd_group, n_group, mean_comparison, sd_comparison, n_comparison)
    return d * (1 - 3 / (4 * (int(n_group) + int(n_comparison)) - 9))


def cohens_u3(effect_size: float) -> float:
    """Cohen's U3: the share of the comparison group below the average person of the group of interest.

    Assumes both groups are normally distributed with the same SD, so that
    ``U3 = Φ(effect_size)``, the standard normal cumulative distribution.

    Parameters
    ----------
    effect_size : float
        A standardised mean difference (Cohen's *d* or Hedges' *g*), in
        standard deviations; positive when the group of interest scores higher
        (for example does better after treatment).

    Returns
    -------
    float
        A proportion from 0 to 1 (times 100 for a percentage); 0.5 for no
        difference.

    References
    ----------
    .. [1] Cohen J (1988). *Statistical Power Analysis for the Behavioral
       Sciences*, 2nd ed. (U3 as a measure of non-overlap.)
    .. [2] Powers MB et al. (2010). *Clin Psychol Rev* 30(6):635-641: g = 1.08,
       "better than 86%" of controls. [@powers2010]
    """
    return float(stats.norm.cdf(_number(effect_size, tr("effect size"))))


def probability_of_superiority(effect_size: float) -> float:
    """Probability of superiority: how often a random member of the group of interest scores higher.

    Pick one person at random from each group. The probability of
    superiority (McGraw and Wong's "common language" effect size) is the
    chance that the person from the group of interest has the higher value.
    Assuming both groups are normally distributed with the same SD, it is
    ``PS = Φ(effect_size / √2)``, the standard normal cumulative distribution.

    Parameters
    ----------
    effect_size : float
        A standardised mean difference (Cohen's *d* or Hedges' *g*), in
        standard deviations; positive when the group of interest scores higher.

    Returns
    -------
    float
        A proportion from 0 to 1 (times 100 for a percentage); 0.5 for no
        difference. A *d* of -0.69 gives about 0.31: in about 31 % of random
        pairs the person from the group of interest has the *higher* value.

    Raises
    ------
    course.errors.DataError
        If ``effect_size`` is not a finite number.

    References
    ----------
    .. [1] McGraw KO, Wong SP (1992). A common language effect size
       statistic. *Psychol Bull* 111(2):361-365.
    .. [2] Dunlap WP (1999). A program to compute McGraw and Wong's common
       language effect size indicator. *Behav Res Methods Instrum Comput*
       31(4):706-709. doi:10.3758/BF03200750
    """
    return float(stats.norm.cdf(_number(effect_size, tr("effect size")) / math.sqrt(2.0)))


def best_cutoff_accuracy(effect_size: float) -> float:
    """Share of people a single best cut-off would sort into the right group, with equal-sized groups.

    Two normal distributions with the same SD, ``effect_size`` SDs apart,
    and as many people in each group. The best single cut-off lies halfway
    between the means; it sorts ``Φ(|effect_size| / 2)`` of people into their
    own group. Half (0.5) is what tossing a coin would achieve.

    Parameters
    ----------
    effect_size : float
        A standardised mean difference (Cohen's *d* or Hedges' *g*), in
        standard deviations; the sign does not matter.

    Returns
    -------
    float
        A proportion from 0.5 to 1. A *d* of 0.69 gives about 0.64: even the
        best cut-off puts about 36 % of people in the wrong group.

    Raises
    ------
    course.errors.DataError
        If ``effect_size`` is not a finite number.

    References
    ----------
    .. [1] Cohen J (1988). *Statistical Power Analysis for the Behavioral
       Sciences*, 2nd ed. (Overlap of two normal distributions as a reading of *d*.)
    """
    return float(stats.norm.cdf(abs(_number(effect_size, tr("effect size"))) / 2.0))


def u3_figure(effect_size: float):
    """Two normal curves ``effect_size`` SDs apart, the comparison area below the treated mean shaded.

    Parameters
    ----------
    effect_size : float
        A standardised mean difference (*d* or *g*), in standard deviations.

    Returns
    -------
    (matplotlib.figure.Figure, str)
        The figure and an alt text written from the numbers.

    References
    ----------
    .. [1] Cohen J (1988). *Statistical Power Analysis for the Behavioral
       Sciences*, 2nd ed.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    g = _number(effect_size, tr("effect size"))
    u3 = cohens_u3(g)
    x = np.linspace(-3.5, 3.5 + g, 400)
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    control, treated = stats.norm.pdf(x), stats.norm.pdf(x, loc=g)
    ax.plot(x, control, color=plotting.PALETTE["vermillion"], label=tr("control group"))
    ax.plot(x, treated, color=plotting.PALETTE["blue"], linestyle="--", label=tr("treated group"))
    ax.fill_between(x, control, where=x <= g, color=plotting.PALETTE["vermillion"], alpha=0.25,
                    label=tr("controls below the average treated person: {pct:.0f}%", pct=100 * u3))
    ax.axvline(g, color=plotting.PALETTE["black"], linewidth=1)
    ax.set_xlabel(tr("Improvement, in standard deviations of the control group"))
    ax.set_yticks([])
    ax.set_ylim(0, 0.6)  # room for the legend above the curves
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(tr("An effect of g = {g:.2f}", g=g), fontsize=10)
    fig.tight_layout()
    alt = (tr("Two bell curves of improvement, the treated group's curve shifted {g:.2f} standard deviations to "
              "the right of the control group's. The shaded part of the control curve, left of the treated group's "
              "average, is {pct:.0f}% of the control group.", g=g, pct=100 * u3))
    return fig, alt


# --------------------------------------------------------------------------- two proportions

def risk_difference(p_group: float, p_comparison: float) -> float:
    """Absolute risk difference: ``p_group - p_comparison``.

    Parameters
    ----------
    p_group, p_comparison : float
        Proportions (0 to 1) of each group with the outcome.

    Returns
    -------
    float
        A difference of proportions, from -1 to 1 (times 100 for percentage
        points). Positive when the outcome is more common in the group of interest.

    References
    ----------
    .. [1] Laupacis A, Sackett DL, Roberts RS (1988). *N Engl J Med*
       318(26):1728-1733.
    .. [2] Garland EL et al. (2022). *JAMA Intern Med* 182(4):407-417: 45.0 %
       versus 24.4 % no longer misusing opioids, a difference of 0.206. [@garland2022]
    """
    return (_proportion(p_group, tr("group's proportion"))
            - _proportion(p_comparison, tr("comparison group's proportion")))


def risk_ratio(p_group: float, p_comparison: float) -> float:
    """Risk ratio (relative risk): ``p_group / p_comparison``, "how many times as often".

    Parameters
    ----------
    p_group, p_comparison : float
        Proportions (0 to 1) of each group with the outcome; ``p_comparison``
        above 0.

    Returns
    -------
    float
        No unit; above 1 when the outcome is more common in the group of
        interest. For a good outcome (for example "no longer misusing") it is
        sometimes called the relative benefit.

    Raises
    ------
    course.errors.DataError
        If a proportion is not between 0 and 1, or ``p_comparison`` is 0.

    References
    ----------
    .. [1] Laupacis A, Sackett DL, Roberts RS (1988). *N Engl J Med*
       318(26):1728-1733.
    .. [2] Garland EL et al. (2022). *JAMA Intern Med* 182(4):407-417: 45.0 %
       versus 24.4 % gives a risk ratio of about 1.84. [@garland2022]
    """
    group = _proportion(p_group, tr("group's proportion"))
    comparison = _proportion(p_comparison, tr("comparison group's proportion"))
    if comparison == 0:
        raise DataError(tr("The risk ratio is undefined when no one in the comparison group has the outcome."))
    return group / comparison


def odds_ratio(p_group: float, p_comparison: float) -> float:
    """Crude odds ratio: ``(p_group / (1 - p_group)) / (p_comparison / (1 - p_comparison))``.

    Parameters
    ----------
    p_group, p_comparison : float
        Proportions of each group with the outcome, strictly between 0 and 1
        (at 0 or 1 the odds are zero or infinite).

    Returns
    -------
    float
        No unit; above 1 when the outcome is more likely in the group of
        interest. Crude: nothing else is adjusted for, so it can differ from a
        published, model-based odds ratio.

    Raises
    ------
    course.errors.DataError
        If a proportion is not strictly between 0 and 1.

    References
    ----------
    .. [1] Rozental A et al. (2017). *J Consult Clin Psychol* 85(2):160-177:
       17.4 % of controls and 5.8 % of treated patients deteriorated; the crude
       odds ratio is about 3.4, the published model-based one 3.10. [@rozental2017]
    """
    odds = []
    for p, name in ((p_group, tr("group's proportion")), (p_comparison, tr("comparison group's proportion"))):
        p = _proportion(p, name)
        if p in (0.0, 1.0):
            raise DataError(tr("The {name} is {p:g}: at 0 or 1 the odds are zero or infinite, so the odds ratio is "
                               "not a usable number.", name=name, p=p))
        odds.append(p / (1.0 - p))
    return odds[0] / odds[1]


def number_needed_to_treat(p_treated: float, p_control: float, *, outcome: str) -> float:
    """Number needed to treat (NNT): how many people must be treated for one more to benefit.

    ``NNT = 1 / (p_control - p_treated)`` for a bad outcome and
    ``1 / (p_treated - p_control)`` for a good one. Not rounded: by convention
    it is reported rounded **up** to a whole person.

    Parameters
    ----------
    p_treated, p_control : float
        Proportions (0 to 1) of the treated and the control group with the outcome.
    outcome : {"bad", "good"}
        Keyword only. Whether the outcome counted is one the treatment should
        prevent ("bad": still ill, deteriorated) or bring about ("good":
        recovered, no longer misusing).

    Returns
    -------
    float
        People treated per extra person who benefits. Negative when the
        treated group does worse: its size is then the number needed to harm.
        ``math.inf`` when the two proportions are equal (no difference, so no
        number of people treated is expected to change one outcome).

    Raises
    ------
    course.errors.DataError
        If a proportion is not between 0 and 1, or ``outcome`` is not "bad" or "good".

    References
    ----------
    .. [1] Laupacis A, Sackett DL, Roberts RS (1988). *N Engl J Med*
       318(26):1728-1733.
    .. [2] Altman DG (1998). Confidence intervals for the number needed to
       treat. *BMJ* 317:1309. (An NNT of infinity for no effect; negative
       values as numbers needed to harm.)
    .. [3] Garland EL et al. (2022). *JAMA Intern Med* 182(4):407-417: 45.0 %
       versus 24.4 % no longer misusing opioids, NNT about 4.9. [@garland2022]
    """
    difference = risk_difference(p_treated, p_control)
    benefit = difference if _outcome(outcome) == "good" else -difference
    return math.inf if benefit == 0 else 1.0 / benefit


def nnt_in_words(p_treated: float, p_control: float, *, outcome: str) -> str:
    """One plain sentence about the NNT, including harm and no difference.

    Parameters
    ----------
    p_treated, p_control : float
        Proportions (0 to 1) of the treated and the control group with the outcome.
    outcome : {"bad", "good"}
        As in :func:`number_needed_to_treat`.

    Returns
    -------
    str
        For example, for a bad outcome in 5.8 % of treated and 17.4 % of
        control patients: "Treat about 9 people for one fewer bad outcome (NNT 8.6)."

    References
    ----------
    .. [1] Altman DG (1998). Confidence intervals for the number needed to
       treat. *BMJ* 317:1309.
    """
    value = number_needed_to_treat(p_treated, p_control, outcome=outcome)
    bad = outcome == "bad"
    if math.isinf(value):
        if bad:
            return tr("The two groups have the same event rate, so the NNT is infinite: treating any number of "
                      "people would not be expected to prevent a single bad outcome.")
        return tr("The two groups have the same event rate, so the NNT is infinite: treating any number of "
                  "people would not be expected to bring about a single extra good outcome.")
    if value > 0:
        if bad:
            return tr("Treat about {n} people for one fewer bad outcome (NNT {value:.1f}).",
                      n=math.ceil(value), value=value)
        return tr("Treat about {n} people for one more good outcome (NNT {value:.1f}).",
                  n=math.ceil(value), value=value)
    if bad:
        return tr("The treated group has more bad outcomes: about one extra for every {n} people treated (a "
                  "number needed to harm of {value:.1f}).", n=math.ceil(-value), value=-value)
    return tr("The treated group has fewer good outcomes: about one fewer for every {n} people treated (a "
              "number needed to harm of {value:.1f}).", n=math.ceil(-value), value=-value)


def natural_frequency(proportion: float, out_of: int = 10) -> str:
    """A proportion as "about k in N people", the way a client can picture it.

    Parameters
    ----------
    proportion : float
        Share of people with the event, from 0 to 1 (0.20 for 20 %).
    out_of : int
        The size of the imagined group (default 10; a whole number of at least 2).

    Returns
    -------
    str
        For example ``natural_frequency(0.20)`` gives "about 2 in 10 (20.0%)". A
        proportion above 0 that would round to nobody gives "fewer than 1 in N";
        one below 1 that would round to everyone gives "nearly all N".

    Raises
    ------
    DataError
        If ``proportion`` is not between 0 and 1, or ``out_of`` is not a whole
        number of at least 2.

    Examples
    --------
    Larsen et al. (2016) counted a temporary rise in PTSD symptoms in 20.0 % of
    women in prolonged exposure [@larsen2016]:

    >>> natural_frequency(0.200)
    'about 2 in 10 (20.0%)'
    """
    proportion = _proportion(proportion, tr("proportion"))
    size = _number(out_of, tr("group size"))
    if size < 2 or size != int(size):
        raise DataError(tr("The group size must be a whole number of at least 2 (got {size:g}).", size=size))
    size = int(size)
    count = math.floor(proportion * size + 0.5)
    percent = "(" + format_number(100 * proportion, ".1f") + "%)"
    if count == 0 and proportion > 0:
        return tr("fewer than 1 in {size} {percent}", size=size, percent=percent)
    if count == size and proportion < 1:
        return tr("nearly all {size} {percent}", size=size, percent=percent)
    return tr("about {count} in {size} {percent}", count=count, size=size, percent=percent)


def ratio_ci_in_words(estimate: float, low: float, high: float, what: str = "odds") -> str:
    """Say in plain words what a ratio and its 95 % confidence interval allow.

    Parameters
    ----------
    estimate, low, high : float
        A ratio (odds ratio, risk ratio or hazard ratio; no unit) and its
        95 % confidence limits; all above zero, with ``low <= estimate <= high``.
    what : str, default "odds"
        What the ratio compares ("odds", "risk", ...), used in the sentence.

    Returns
    -------
    str
        For example, for 0.72 (0.46 to 1.13): "Best estimate: 28 % lower
        odds. The data are compatible with anything from 54 % lower odds to
        13 % higher odds, so 'no difference' is not ruled out."

    Raises
    ------
    course.errors.DataError
        If a value is not a number above zero or the interval does not
        contain the estimate.

    References
    ----------
    .. [1] Grant S et al. (2017). Mindfulness-based relapse prevention for
       substance use disorders: a systematic review and meta-analysis.
       *J Addict Med* 11(5):386-396: relapse odds ratio 0.72 (0.46 to 1.13),
       the example above. [@grant2017]
    """
    values = []
    names = (tr("ratio"), tr("lower confidence limit"), tr("upper confidence limit"))
    for value, name in zip((estimate, low, high), names):
        value = _number(value, name)
        if value <= 0:
            raise DataError(tr("A ratio and its confidence limits must be above zero; the {name} is {value:g}.",
                               name=name, value=value))
        values.append(value)
    estimate, low, high = values
    if not low <= estimate <= high:
        raise DataError(tr("The interval {low:g} to {high:g} should contain the estimate {estimate:g}.",
                           low=low, high=high, estimate=estimate),
                        hint=tr("Check the order: estimate, lower limit, upper limit."))

    def words(ratio: float) -> str:
        change = round(100 * (ratio - 1))
        if change == 0:
            return tr("the same {what}", what=tr(what))
        if change < 0:
            return tr("{change} % lower {what}", change=abs(change), what=tr(what))
        return tr("{change} % higher {what}", change=abs(change), what=tr(what))

    text = tr("Best estimate: {estimate}. The data are compatible with anything from {low} to {high}",
              estimate=words(estimate), low=words(low), high=words(high))
    if low <= 1 <= high:
        return text + tr(", so 'no difference' is not ruled out.")
    return text + tr(", so 'no difference' is unlikely.")
