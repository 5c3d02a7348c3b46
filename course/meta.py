"""Meta-analysis of proportions (such as dropout) on the logit scale.

Module 02, lesson 03 ("Pooling dropout") uses these functions. The steps are
the standard ones for a single proportion per study (one trial arm):

1. turn each arm's count into a log-odds (logit) with its approximate
   sampling variance, :func:`logit_proportion` (a continuity correction of
   0.5 for arms with 0 or all events);
2. pool the logits with inverse-variance weights, :func:`pool`: a
   fixed-effect model (``"FE"``) or a random-effects model whose
   between-study variance tau² is estimated by DerSimonian–Laird (``"DL"``)
   or restricted maximum likelihood (``"REML"``); report Cochran's Q, I² and
   the 95% prediction interval of Higgins, Thompson & Spiegelhalter;
   optionally with the Hartung-Knapp(-Sidik-Jonkman) confidence interval
   for the average (``ci="HKSJ"``), which is wider and more honest with few
   studies;
3. turn the results back into percentages, :func:`pool_proportions`. The
   back-transformed mean logit is the *median* true proportion across
   studies, not their mean (:func:`logit_normal_mean` gives the mean);
4. draw them, :func:`forest_plot` and :func:`funnel_plot`, with each arm's
   own interval by Wilson's or the Clopper-Pearson method
   (:func:`wilson_interval`, :func:`clopper_pearson_interval`), so that an
   arm with no events has an interval that starts at 0 %.

:func:`prediction_from_published` works backwards from a published pooled
percentage, its CI, I² and k to an approximate prediction interval, for
meta-analyses whose study-level counts one does not have.

This is the two-step, inverse-variance approach. A one-step
binomial-normal generalised linear mixed model (GLMM), which needs no
continuity correction and does not tie an arm's weight to its own estimate,
is favoured by several methods papers for proportions [6]_ [7]_ [8]_;
:func:`pool_proportions_glmm` fits it by maximum likelihood for comparison.

Units: proportions are fractions between 0 and 1; everything called ``*_pct``
is in percent; logits are log-odds (no unit); variances are on the logit scale.

References
----------
.. [1] DerSimonian R, Laird N (1986). Meta-analysis in clinical trials.
   *Control Clin Trials* 7(3):177-188. doi:10.1016/0197-2456(86)90046-2
.. [2] Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a
   meta-analysis. *Stat Med* 21(11):1539-1558. doi:10.1002/sim.1186
.. [3] Viechtbauer W (2005). Bias and efficiency of meta-analytic variance
   estimators in the random-effects model. *J Educ Behav Stat*
   30(3):261-293. doi:10.3102/10769986030003261
.. [4] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). A re-evaluation of
   random-effects meta-analysis. *J R Stat Soc Ser A* 172(1):137-159.
   doi:10.1111/j.1467-985X.2008.00552.x
.. [5] Sterne JAC, Sutton AJ, Ioannidis JPA, et al. (2011). Recommendations
   for examining and interpreting funnel plot asymmetry in meta-analyses of
   randomised controlled trials. *BMJ* 343:d4002. doi:10.1136/bmj.d4002
.. [6] Stijnen T, Hamza TH, Özdemir P (2010). Random effects meta-analysis
   of event outcome in the framework of the generalized linear mixed model
   with applications in sparse data. *Stat Med* 29(29):3046-3067.
   doi:10.1002/sim.4040
.. [7] Schwarzer G, Chemaitelly H, Abu-Raddad LJ, Rücker G (2019).
   Seriously misleading results using inverse of Freeman-Tukey double
   arcsine transformation in meta-analysis of single proportions. *Res
   Synth Methods* 10(3):476-483. doi:10.1002/jrsm.1348
.. [8] Lin L, Chu H (2020). Meta-analysis of proportions using generalized
   linear mixed models. *Epidemiology* 31(5):713-717.
   doi:10.1097/EDE.0000000000001232
.. [9] IntHout J, Ioannidis JPA, Borm GF (2014). The Hartung-Knapp-Sidik-
   Jonkman method for random effects meta-analysis is straightforward and
   considerably outperforms the standard DerSimonian-Laird method. *BMC Med
   Res Methodol* 14:25. doi:10.1186/1471-2288-14-25
.. [10] Röver C, Knapp G, Friede T (2015). Hartung-Knapp-Sidik-Jonkman
   approach and its modification for random-effects meta-analysis with few
   studies. *BMC Med Res Methodol* 15:99. doi:10.1186/s12874-015-0091-1
.. [11] Newcombe RG (1998). Two-sided confidence intervals for the single
   proportion: comparison of seven methods. *Stat Med* 17:857-872.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import DataError
from .i18n import N_, format_number, tr

#: Added to events and non-events of an arm with 0 or all events (so n grows by 1).
CONTINUITY_CORRECTION = 0.5
#: Two-sided 95% normal quantile used for confidence intervals.
Z95 = float(stats.norm.ppf(0.975))
METHODS = ("FE", "DL", "REML")
#: Confidence intervals for the pooled average: normal quantile, Hartung-Knapp(-Sidik-Jonkman)
#: with t on k - 1 degrees of freedom, and its modification that never narrows the normal interval.
CI_METHODS = ("normal", "HKSJ", "mHKSJ")
#: Intervals for one arm's proportion (forest-plot rows).
ARM_INTERVALS = ("wilson", "clopper-pearson", "logit")


def logit(p):
    """Log-odds of a proportion: ``log(p / (1 - p))``.

    Parameters
    ----------
    p : float or array_like
        Proportion(s) strictly between 0 and 1 (not percent).

    Returns
    -------
    float or numpy.ndarray
        The logit(s); 0 for p = 0.5, negative below it.

    References
    ----------
    .. [1] The standard log-odds transform; the module docstring lists the
       meta-analysis references that use it.
    """
    p = np.asarray(p, dtype=float)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(tr("logit needs proportions strictly between 0 and 1 (use fractions, not percent)."))
    out = np.log(p / (1.0 - p))
    return float(out) if out.ndim == 0 else out


def inv_logit(x):
    """Back-transform a logit to a proportion: ``1 / (1 + exp(-x))``.

    Parameters
    ----------
    x : float or array_like
        Log-odds.

    Returns
    -------
    float or numpy.ndarray
        Proportion(s) between 0 and 1 (multiply by 100 for percent).

    References
    ----------
    .. [1] The inverse of :func:`logit`; computed with :func:`scipy.special.expit`.
    """
    from scipy.special import expit

    out = expit(np.asarray(x, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def _counts(events, n):
    events = np.atleast_1d(np.asarray(events, dtype=float))
    n = np.atleast_1d(np.asarray(n, dtype=float))
    if events.shape != n.shape:
        raise ValueError(tr("events and n need the same length (got {size} and {size2}).",
                            size=events.size, size2=n.size))
    if events.size == 0:
        raise ValueError(tr("No studies: events and n are empty."))
    if np.any(n <= 0) or np.any(events < 0) or np.any(events > n):
        raise ValueError(tr("Each study needs n > 0 and 0 <= events <= n."))
    return events, n


def logit_proportion(events, n, correction: float = CONTINUITY_CORRECTION):
    """Logit of each study's proportion and its approximate sampling variance.

    For ``e`` events out of ``n`` people, ``p = e / n``,
    ``y = log(e / (n - e))`` and ``v = 1 / e + 1 / (n - e) = 1 / (n p (1 - p))``
    (the delta method). An arm with 0 or ``n`` events has an infinite logit
    and variance, so ``correction`` (0.5) is added to its events and
    non-events (and 1 to its ``n``); other arms are left alone.

    Parameters
    ----------
    events : int or array_like
        Number of people with the event (for example dropouts) in each study.
    n : int or array_like
        Number of people in each study (for example randomised to the arm).
    correction : float, default 0.5
        Continuity correction for arms with 0 or all events.

    Returns
    -------
    y : numpy.ndarray
        Logit of each proportion (log-odds).
    v : numpy.ndarray
        Sampling variance of each logit (logit scale squared).

    References
    ----------
    .. [1] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). *J R Stat Soc
       Ser A* 172(1):137-159 (random-effects meta-analysis of such estimates).
    """
    events, n = _counts(events, n)
    edge = (events == 0) | (events == n)
    e = np.where(edge, events + correction, events)
    m = np.where(edge, n + 2 * correction, n)
    return np.log(e / (m - e)), 1.0 / e + 1.0 / (m - e)


def i_squared(Q: float, k: int) -> float:
    """I²: the percentage of the variation between studies beyond what chance would give.

    ``I² = max(0, (Q - (k - 1)) / Q) * 100``, and 0 when ``Q`` is 0.

    Parameters
    ----------
    Q : float
        Cochran's Q statistic.
    k : int
        Number of studies.

    Returns
    -------
    float
        I² in percent (0-100).

    References
    ----------
    .. [1] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    """
    if Q <= 0:
        return 0.0
    return max(0.0, (Q - (k - 1)) / Q) * 100.0


def prediction_interval(mu: float, se: float, tau2: float, k: int, level: float = 0.95):
    """Approximate prediction interval for the true effect in a new study.

    ``mu ± t_{k-2} * sqrt(tau2 + se²)``, on the scale of ``mu`` (here logits).

    Parameters
    ----------
    mu : float
        Random-effects pooled estimate.
    se : float
        Its standard error.
    tau2 : float
        Estimated between-study variance.
    k : int
        Number of studies; at least 3 (the t distribution has k - 2 degrees of freedom).
    level : float, default 0.95

    Returns
    -------
    tuple of float
        ``(low, high)``.

    References
    ----------
    .. [1] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). A re-evaluation
       of random-effects meta-analysis. *J R Stat Soc Ser A* 172(1):137-159.
       doi:10.1111/j.1467-985X.2008.00552.x
    """
    if k < 3:
        raise ValueError(tr("A prediction interval needs at least 3 studies (t with k - 2 degrees of freedom)."))
    half = stats.t.ppf(0.5 + level / 2, k - 2) * math.sqrt(tau2 + se ** 2)
    return (mu - half, mu + half)


def typical_within_variance(v) -> float:
    """The 'typical' within-study variance s² of Higgins & Thompson (2002).

    ``s² = (k - 1) Σw / ((Σw)² - Σw²)`` with ``w = 1 / v``. With it,
    ``I² = tau² / (tau² + s²)``, so ``tau² = s² I² / (1 - I²)``
    (see :func:`tau2_from_i2`).

    Parameters
    ----------
    v : array_like
        Within-study variances (at least 2).

    Returns
    -------
    float
        s², on the same scale as ``v``.

    References
    ----------
    .. [1] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    """
    w = 1.0 / np.asarray(v, dtype=float)
    if w.size < 2:
        raise ValueError(tr("The typical within-study variance needs at least 2 studies."))
    return float((w.size - 1) * w.sum() / (w.sum() ** 2 - (w ** 2).sum()))


def tau2_from_i2(i2_pct: float, s2: float) -> float:
    """Between-study variance tau² that gives ``i2_pct`` when the typical within-study variance is ``s2``.

    Parameters
    ----------
    i2_pct : float
        I² in percent (0 to below 100).
    s2 : float
        Typical within-study variance (:func:`typical_within_variance`).

    Returns
    -------
    float
        tau², on the scale of ``s2``.

    References
    ----------
    .. [1] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    """
    if not 0 <= i2_pct < 100:
        raise ValueError(tr("I² must be at least 0 and below 100 %."))
    frac = i2_pct / 100.0
    return s2 * frac / (1.0 - frac)


@dataclass(frozen=True)
class PoolResult:
    """Result of :func:`pool`, on the scale of the input (logits for proportions).

    Attributes
    ----------
    method : str
        ``"FE"``, ``"DL"`` or ``"REML"``.
    k : int
        Number of studies.
    estimate, se : float
        Pooled estimate and its standard error.
    ci : tuple of float
        95% confidence interval of the pooled estimate: ``estimate ± z se``
        (``ci_method="normal"``) or the Hartung-Knapp interval (see :func:`pool`).
    tau2 : float
        Between-study variance (0 for the fixed-effect model).
    Q : float
        Cochran's Q (fixed-effect weights), ``k - 1`` degrees of freedom.
    I2 : float
        I² in percent.
    pi : tuple of float
        95% prediction interval (t with k - 2 df); ``(nan, nan)`` for the
        fixed-effect model or fewer than 3 studies.
    weights : numpy.ndarray
        Relative weight of each study (sums to 1).
    ci_method : str
        ``"normal"``, ``"HKSJ"`` or ``"mHKSJ"``.
    ci_se : float
        The standard error the CI uses: ``se`` for the normal interval, the
        Hartung-Knapp standard error otherwise.
    """

    method: str
    k: int
    estimate: float
    se: float
    ci: tuple
    tau2: float
    Q: float
    I2: float
    pi: tuple
    weights: np.ndarray
    ci_method: str = "normal"
    ci_se: float = float("nan")

    @property
    def Q_pvalue(self) -> float:
        """p-value of Cochran's Q test of homogeneity (chi-squared, k - 1 df)."""
        return float(stats.chi2.sf(self.Q, self.k - 1)) if self.k > 1 else float("nan")


def _tau2_dl(y, v) -> float:
    w = 1.0 / v
    mu = np.sum(w * y) / w.sum()
    q = float(np.sum(w * (y - mu) ** 2))
    c = w.sum() - np.sum(w ** 2) / w.sum()
    return max(0.0, (q - (y.size - 1)) / c) if c > 0 else 0.0


def _tau2_reml(y, v, tol: float = 1e-10, max_iter: int = 500) -> float:
    """REML estimate of tau² by the fixed-point iteration in Viechtbauer (2005), truncated at 0."""
    tau2 = _tau2_dl(y, v)
    for _ in range(max_iter):
        w = 1.0 / (v + tau2)
        mu = np.sum(w * y) / w.sum()
        new = float(np.sum(w ** 2 * ((y - mu) ** 2 - v)) / np.sum(w ** 2) + 1.0 / w.sum())
        new = max(0.0, new)
        if abs(new - tau2) < tol * max(1.0, tau2):
            return new
        tau2 = new
    raise RuntimeError(tr("The REML estimate of tau² did not converge."))


def restricted_log_likelihood(tau2: float, y, v) -> float:
    """Restricted (REML) log-likelihood of the random-effects model at ``tau2``, up to a constant.

    ``-1/2 [ Σ log(v_i + tau²) + log Σ w_i + Σ w_i (y_i - mu)² ]`` with
    ``w_i = 1 / (v_i + tau²)`` and ``mu`` the weighted mean.

    Parameters
    ----------
    tau2 : float
        Between-study variance (>= 0).
    y, v : array_like
        Study estimates and their within-study variances.

    Returns
    -------
    float

    References
    ----------
    .. [1] Viechtbauer W (2005). *J Educ Behav Stat* 30(3):261-293.
    """
    y = np.asarray(y, dtype=float)
    w = 1.0 / (np.asarray(v, dtype=float) + tau2)
    mu = np.sum(w * y) / w.sum()
    return float(-0.5 * (np.sum(np.log(1.0 / w)) + np.log(w.sum()) + np.sum(w * (y - mu) ** 2)))


def hartung_knapp_se(y, v, tau2: float = 0.0, modified: bool = False) -> float:
    """Hartung-Knapp(-Sidik-Jonkman) standard error of the weighted mean.

    With weights ``w = 1 / (v + tau²)`` and weighted mean ``mu``,
    ``q = Σ w (y - mu)² / (k - 1)`` and ``SE_HK = sqrt(q / Σ w)``. The
    confidence interval is then ``mu ± t_{k-1} SE_HK``. ``q`` rescales the
    model's standard error ``1 / sqrt(Σ w)`` by how much the studies really
    scatter; with ``modified=True`` it is not allowed below 1, so the interval
    is never narrower than the model's own (the "mKH" modification).

    Parameters
    ----------
    y, v : array_like
        Study estimates and their within-study variances (at least 2 studies).
    tau2 : float, default 0
        Between-study variance (0 gives the fixed-effect weights).
    modified : bool, default False
        Use ``max(1, q)`` instead of ``q``.

    Returns
    -------
    float
        The adjusted standard error, on the scale of ``y``.

    References
    ----------
    .. [1] IntHout J, Ioannidis JPA, Borm GF (2014). *BMC Med Res Methodol*
       14:25. doi:10.1186/1471-2288-14-25
    .. [2] Röver C, Knapp G, Friede T (2015). *BMC Med Res Methodol*
       15:99. doi:10.1186/s12874-015-0091-1 (the modification)
    """
    y = np.asarray(y, dtype=float)
    w = 1.0 / (np.asarray(v, dtype=float) + tau2)
    if y.size < 2:
        raise DataError(tr("The Hartung-Knapp interval needs at least 2 studies (t with k - 1 degrees of freedom)."))
    mu = np.sum(w * y) / w.sum()
    q = float(np.sum(w * (y - mu) ** 2) / (y.size - 1))
    if modified:
        q = max(1.0, q)
    return math.sqrt(q / w.sum())


def pool(y, v, method: str = "DL", ci: str = "normal") -> PoolResult:
    """Inverse-variance meta-analysis of study estimates ``y`` with variances ``v``.

    Fixed effect (``"FE"``): weights ``w = 1 / v``; one true value shared by
    all studies. Random effects (``"DL"``, ``"REML"``): weights
    ``1 / (v + tau²)``; the true values vary between studies around a mean,
    with variance tau². Cochran's ``Q = Σ w (y - mu_FE)²`` and I² always use
    the fixed-effect weights.

    The confidence interval for the average is ``mu ± 1.96 SE`` by default.
    With few studies that interval is too narrow, because it treats the
    estimated tau² as known; ``ci="HKSJ"`` uses the Hartung-Knapp(-Sidik-
    Jonkman) standard error (:func:`hartung_knapp_se`) with t on ``k - 1``
    degrees of freedom instead, and ``ci="mHKSJ"`` its modification, which
    is never narrower than ``t_{k-1}`` times the model's SE.

    Parameters
    ----------
    y : array_like
        Study estimates (for proportions: logits from :func:`logit_proportion`).
    v : array_like
        Their within-study variances (> 0).
    method : {"DL", "REML", "FE"}
        DerSimonian–Laird or REML estimate of tau², or the fixed-effect model.
    ci : {"normal", "HKSJ", "mHKSJ"}
        How the 95% CI of the average is made (see above). The prediction
        interval is always that of Higgins et al. (2009), with the model's SE.

    Returns
    -------
    PoolResult
        Estimate, SE, 95% CI, tau², Q, I² (%), 95% prediction interval
        (random effects, k >= 3), k and the relative weights.

    References
    ----------
    .. [1] DerSimonian R, Laird N (1986). *Control Clin Trials* 7(3):177-188.
    .. [2] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    .. [3] Viechtbauer W (2005). *J Educ Behav Stat* 30(3):261-293.
    .. [4] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). *J R Stat Soc
       Ser A* 172(1):137-159.
    .. [5] IntHout J, Ioannidis JPA, Borm GF (2014). *BMC Med Res Methodol* 14:25.
    .. [6] Röver C, Knapp G, Friede T (2015). *BMC Med Res Methodol* 15:99.
    """
    method = str(method).upper()
    if method not in METHODS:
        raise ValueError(tr("method must be one of {options}, not {method!r}.",
                            options=(', '.join(METHODS)), method=method))
    ci_method = {c.lower(): c for c in CI_METHODS}.get(str(ci).lower())
    if ci_method is None:
        raise ValueError(tr("ci must be one of {options}, not {ci!r}.", options=(', '.join(CI_METHODS)), ci=ci))
    y = np.atleast_1d(np.asarray(y, dtype=float))
    v = np.atleast_1d(np.asarray(v, dtype=float))
    if y.shape != v.shape or y.size == 0:
        raise ValueError(tr("y and v need the same, non-zero length."))
    if np.any(~np.isfinite(y)) or np.any(~np.isfinite(v)) or np.any(v <= 0):
        raise ValueError(tr("Every estimate must be finite and every variance positive."))
    k = y.size
    w_fe = 1.0 / v
    mu_fe = float(np.sum(w_fe * y) / w_fe.sum())
    q = float(np.sum(w_fe * (y - mu_fe) ** 2))
    if method == "FE" or k == 1:
        tau2 = 0.0
    elif method == "DL":
        tau2 = _tau2_dl(y, v)
    else:
        tau2 = _tau2_reml(y, v)
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / w.sum())
    se = float(math.sqrt(1.0 / w.sum()))
    pi = (float("nan"), float("nan"))
    if method != "FE" and k >= 3:
        pi = prediction_interval(mu, se, tau2, k)
    if ci_method == "normal":
        ci_se, crit = se, Z95
    else:
        ci_se = hartung_knapp_se(y, v, tau2, modified=ci_method == "mHKSJ")
        crit = float(stats.t.ppf(0.975, k - 1))
    return PoolResult(method=method, k=k, estimate=mu, se=se, ci=(mu - crit * ci_se, mu + crit * ci_se),
                      tau2=float(tau2), Q=q, I2=i_squared(q, k), pi=tuple(float(x) for x in pi),
                      weights=w / w.sum(), ci_method=ci_method, ci_se=float(ci_se))


@dataclass(frozen=True)
class PooledProportion:
    """Result of :func:`pool_proportions`, back-transformed to percent.

    Attributes
    ----------
    estimate_pct : float
        Pooled proportion (%): the back-transformed mean logit. Under the
        random-effects model this is the *median* of the studies' true
        proportions, not their mean (the back-transform is not linear);
        :meth:`mean_pct` gives the mean.
    ci_pct, pi_pct : tuple of float
        95% confidence and prediction intervals (%); ``pi_pct`` is
        ``(nan, nan)`` when there is none (fixed effect, k < 3).
    k : int
    tau2 : float
        Between-study variance on the logit scale.
    Q, I2 : float
        Cochran's Q and I² (%).
    method : str
    logit : PoolResult
        The result on the logit scale.
    """

    estimate_pct: float
    ci_pct: tuple
    pi_pct: tuple
    k: int
    tau2: float
    Q: float
    I2: float
    method: str
    logit: PoolResult

    def mean_pct(self) -> float:
        """Mean true proportion (%) across studies: ``E[inv_logit(mu + tau Z)]`` (:func:`logit_normal_mean`)."""
        return 100.0 * logit_normal_mean(self.logit.estimate, self.tau2)

    def summary(self) -> str:
        """One sentence with k, the pooled %, its CI, the PI and I²."""
        kind = "" if self.logit.ci_method == "normal" else tr(" ({ci_method}, t with {df} df)",
                                                              ci_method=self.logit.ci_method, df=self.k - 1)
        text = (tr("{k} arms, {method}: pooled {estimate_pct:.1f} % (95% CI{kind} {low:.1f} to {high:.1f} %)",
                   k=self.k, method=self.method, estimate_pct=self.estimate_pct, kind=kind, low=self.ci_pct[0],
                   high=self.ci_pct[1]))
        if not math.isnan(self.pi_pct[0]):
            text += tr(", 95% prediction interval {low:.1f} to {high:.1f} %",
                       low=self.pi_pct[0], high=self.pi_pct[1])
        return text + tr(", I² {I2:.0f} %, tau² {tau2:.2f}.", I2=self.I2, tau2=self.tau2)


def pool_proportions(events, n, method: str = "DL", ci: str = "normal") -> PooledProportion:
    """Pool one proportion per study on the logit scale and report it in percent.

    The pooled percentage is the back-transformed mean logit: the median true
    proportion across studies under the random-effects model.

    Parameters
    ----------
    events, n : array_like
        Events (e.g. dropouts) and people per study; see :func:`logit_proportion`.
    method : {"DL", "REML", "FE"}
    ci : {"normal", "HKSJ", "mHKSJ"}
        Confidence interval of the average; see :func:`pool`.

    Returns
    -------
    PooledProportion
        Pooled %, its 95% CI and prediction interval in %, with tau², Q and I².

    References
    ----------
    .. [1] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). *J R Stat Soc
       Ser A* 172(1):137-159.
    """
    y, v = logit_proportion(events, n)
    res = pool(y, v, method, ci=ci)

    def pct(values):
        return tuple(float("nan") if math.isnan(x) else 100.0 * inv_logit(x) for x in values)

    return PooledProportion(estimate_pct=100.0 * inv_logit(res.estimate), ci_pct=pct(res.ci),
                            pi_pct=pct(res.pi), k=res.k, tau2=res.tau2, Q=res.Q, I2=res.I2,
                            method=res.method, logit=res)


def logit_normal_mean(mu: float, tau2: float, nodes: int = 80) -> float:
    """Mean of ``inv_logit(X)`` for ``X ~ Normal(mu, tau2)``: the mean true proportion across studies.

    The random-effects model on the logit scale says the studies' true logits
    are normal around ``mu``. Because the inverse logit is increasing,
    ``inv_logit(mu)`` is the *median* true proportion; because it is curved,
    the mean differs from it (it lies nearer 50 %). Computed by Gauss-Hermite
    quadrature.

    Parameters
    ----------
    mu : float
        Mean (and median) of the true logits.
    tau2 : float
        Their variance (>= 0); 0 gives ``inv_logit(mu)``.
    nodes : int, default 80
        Quadrature nodes.

    Returns
    -------
    float
        The mean proportion (fraction, not percent).

    References
    ----------
    .. [1] Lin L, Chu H (2020). Meta-analysis of proportions using generalized
       linear mixed models. *Epidemiology* 31(5):713-717 (the pooled value of a
       transformed-scale meta-analysis is a median, not a population mean).
    """
    if tau2 < 0:
        raise DataError(tr("tau² cannot be negative."))
    if tau2 == 0:
        return inv_logit(mu)
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return float(np.sum(w * inv_logit(mu + math.sqrt(tau2) * x)) / math.sqrt(2 * math.pi))


@dataclass(frozen=True)
class GlmmResult:
    """Result of :func:`pool_proportions_glmm` (binomial-normal model, maximum likelihood).

    Attributes
    ----------
    k : int
    mu, se : float
        Mean of the true logits and its (Wald) standard error.
    tau2 : float
        Between-study variance of the true logits.
    estimate_pct : float
        ``100 * inv_logit(mu)``: the median true proportion (%).
    ci_pct : tuple of float
        95% Wald interval of the median (%).
    loglik : float
        Maximised marginal log-likelihood.
    """

    k: int
    mu: float
    se: float
    tau2: float
    estimate_pct: float
    ci_pct: tuple
    loglik: float

    def summary(self) -> str:
        """One sentence: k, the pooled (median) %, its CI and tau²."""
        return (tr("{k} arms, binomial-normal GLMM: pooled {estimate_pct:.1f} % (95% CI {low:.1f} to "
                   "{high:.1f} %), tau² {tau2:.2f}.",
                   k=self.k, estimate_pct=self.estimate_pct, low=self.ci_pct[0], high=self.ci_pct[1],
                   tau2=self.tau2))


def glmm_log_likelihood(mu: float, tau: float, events, n, nodes: int = 30) -> float:
    """Marginal log-likelihood of the binomial-normal model at ``(mu, tau)``.

    ``events_i ~ Binomial(n_i, inv_logit(theta_i))`` with
    ``theta_i ~ Normal(mu, tau²)``; each study's likelihood is integrated over
    ``theta_i`` by adaptive Gauss-Hermite quadrature (nodes centred on the
    mode of the integrand and scaled by its curvature, so that a sharply
    peaked binomial likelihood is not missed). No continuity correction: a
    study with 0 or all events contributes as it is.

    Parameters
    ----------
    mu : float
        Mean of the true logits.
    tau : float
        Their standard deviation (>= 0; 0 gives the plain binomial likelihood).
    events, n : array_like
    nodes : int, default 30

    Returns
    -------
    float

    References
    ----------
    .. [1] Stijnen T, Hamza TH, Özdemir P (2010). *Stat Med* 29(29):3046-3067.
    """
    from scipy.special import expit, gammaln, log_expit

    events, n = _arm_counts(events, n)
    tau = abs(float(tau))
    log_binom = gammaln(n + 1) - gammaln(events + 1) - gammaln(n - events + 1)
    if tau == 0:
        return float(np.sum(log_binom + events * log_expit(mu) + (n - events) * log_expit(-mu)))
    # mode and curvature of log[binomial(theta) * normal(theta; mu, tau)] for each study (Newton, concave)
    theta = np.full(events.shape, float(mu))
    for _ in range(100):
        p = expit(theta)
        grad = events - n * p - (theta - mu) / tau ** 2
        hess = -n * p * (1 - p) - 1 / tau ** 2
        step = grad / hess
        theta = theta - step
        if np.max(np.abs(step)) < 1e-12:
            break
    p = expit(theta)
    scale = 1.0 / np.sqrt(n * p * (1 - p) + 1 / tau ** 2)
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    t = theta[:, None] + scale[:, None] * x[None, :]
    log_g = (log_binom[:, None] + events[:, None] * log_expit(t) + (n - events)[:, None] * log_expit(-t)
             - 0.5 * ((t - mu) / tau) ** 2 - math.log(tau * math.sqrt(2 * math.pi)))
    terms = log_g + (np.log(w) + 0.5 * x ** 2)[None, :] + np.log(scale)[:, None]
    top = np.max(terms, axis=1, keepdims=True)
    return float(np.sum(top[:, 0] + np.log(np.sum(np.exp(terms - top), axis=1))))


def pool_proportions_glmm(events, n, nodes: int = 30) -> GlmmResult:
    """Pool one proportion per study with the one-step binomial-normal GLMM (random intercept, logit link).

    Maximises :func:`glmm_log_likelihood` over ``mu`` and ``tau`` (tau may be
    0); the standard error of ``mu`` comes from the observed information at
    the maximum (a numerical second derivative of the profile in ``mu`` with
    tau fixed), and the CI is ``mu ± 1.96 SE``. Unlike :func:`pool_proportions`
    it needs no continuity correction and does not treat each study's
    variance as known.

    Parameters
    ----------
    events, n : array_like
        Events and people per study (at least 2 studies).
    nodes : int, default 30
        Gauss-Hermite points per study (adaptive).

    Returns
    -------
    GlmmResult

    References
    ----------
    .. [1] Stijnen T, Hamza TH, Özdemir P (2010). *Stat Med* 29(29):3046-3067.
    .. [2] Lin L, Chu H (2020). *Epidemiology* 31(5):713-717.
    """
    from scipy import optimize

    events, n = _arm_counts(events, n)
    if events.size < 2:
        raise DataError(tr("The GLMM needs at least 2 studies."))
    if events.sum() == 0 or events.sum() == n.sum():
        raise DataError(tr("With no events at all (or only events) the GLMM's pooled proportion is 0 % (or 100 %) "
                           "and has no finite logit; report the counts instead."))
    crude = (events.sum() + 0.5) / (n.sum() + 1.0)

    def negative(params):
        return -glmm_log_likelihood(params[0], params[1], events, n, nodes)

    starts = [(logit(crude), t) for t in (0.05, 0.5, 1.5)]
    fits = [optimize.minimize(negative, np.array(s), method="Nelder-Mead",
                              options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}) for s in starts]
    best = min(fits, key=lambda f: f.fun)
    mu, tau = float(best.x[0]), abs(float(best.x[1]))
    # tau = 0 is allowed: compare with the fixed-effect (tau = 0) maximum
    fe = optimize.minimize_scalar(lambda m: negative((m, 0.0)), bracket=(mu - 1, mu + 1))
    if fe.fun <= best.fun:
        mu, tau = float(fe.x), 0.0
    h = 1e-4
    curvature = (negative((mu + h, tau)) - 2 * negative((mu, tau)) + negative((mu - h, tau))) / h ** 2
    se = 1.0 / math.sqrt(curvature)
    return GlmmResult(k=int(events.size), mu=mu, se=se, tau2=tau ** 2, estimate_pct=100 * inv_logit(mu),
                      ci_pct=(100 * inv_logit(mu - Z95 * se), 100 * inv_logit(mu + Z95 * se)),
                      loglik=-negative((mu, tau)))


def _arm_counts(events, n):
    try:
        return _counts(events, n)
    except ValueError as err:
        raise DataError(str(err)) from None


def wilson_interval(events, n, level: float = 0.95):
    """Wilson score interval for a single proportion (fractions, not percent).

    ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``. It never leaves
    0-1, and an arm with 0 events gets an interval from exactly 0.

    Parameters
    ----------
    events, n : int or array_like
        Events and people in each arm.
    level : float, default 0.95

    Returns
    -------
    low, high : numpy.ndarray

    References
    ----------
    .. [1] Newcombe RG (1998). Two-sided confidence intervals for the single
       proportion: comparison of seven methods. *Stat Med* 17:857-872.
    """
    events, n = _arm_counts(events, n)
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = events / n
    denom = 1 + z ** 2 / n
    centre = (p + z ** 2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denom
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def clopper_pearson_interval(events, n, level: float = 0.95):
    """Clopper-Pearson ("exact") interval for a single proportion, from beta quantiles.

    Lower limit ``Beta(a/2; e, n - e + 1)`` (0 when ``e = 0``), upper limit
    ``Beta(1 - a/2; e + 1, n - e)`` (1 when ``e = n``). It is conservative:
    its coverage is at least the nominal level.

    Parameters
    ----------
    events, n : int or array_like
    level : float, default 0.95

    Returns
    -------
    low, high : numpy.ndarray

    References
    ----------
    .. [1] Newcombe RG (1998). *Stat Med* 17:857-872.
    """
    events, n = _arm_counts(events, n)
    a = 1 - level
    low = np.where(events == 0, 0.0, stats.beta.ppf(a / 2, np.maximum(events, 1), n - events + 1))
    high = np.where(events == n, 1.0, stats.beta.ppf(1 - a / 2, events + 1, np.maximum(n - events, 1)))
    return low, high


def study_table(events, n, labels=None, interval: str = "wilson"):
    """Each study's proportion (%) with its own 95% CI.

    Parameters
    ----------
    events, n : array_like
    labels : sequence of str, optional
    interval : {"wilson", "clopper-pearson", "logit"}
        Wilson score interval (default), Clopper-Pearson, or the
        back-transformed logit interval with the continuity correction (which
        keeps a 0-event arm's interval above 0 %, so it is shown only for comparison).

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``events``, ``n``, ``pct``, ``ci_low_pct``,
        ``ci_high_pct``, ``y`` (logit), ``v`` (its variance). ``pct`` is the
        raw percentage ``100 * events / n``; ``y`` and ``v`` are what
        :func:`pool` uses.

    References
    ----------
    .. [1] Newcombe RG (1998). *Stat Med* 17:857-872.
    """
    import pandas as pd

    interval = str(interval).lower()
    if interval not in ARM_INTERVALS:
        raise ValueError(tr("interval must be one of {options}, not {interval!r}.",
                            options=(', '.join(ARM_INTERVALS)), interval=interval))
    events, n = _arm_counts(events, n)
    y, v = logit_proportion(events, n)
    if interval == "wilson":
        low, high = wilson_interval(events, n)
    elif interval == "clopper-pearson":
        low, high = clopper_pearson_interval(events, n)
    else:
        half = Z95 * np.sqrt(v)
        low, high = inv_logit(y - half), inv_logit(y + half)
    labels = list(labels) if labels is not None else [tr("study {i}", i=i + 1) for i in range(events.size)]
    return pd.DataFrame({"label": labels, "events": events.astype(int), "n": n.astype(int),
                         "pct": 100.0 * events / n, "ci_low_pct": 100.0 * np.asarray(low),
                         "ci_high_pct": 100.0 * np.asarray(high), "y": y, "v": v})


@dataclass(frozen=True)
class PublishedPrediction:
    """Result of :func:`prediction_from_published`; logit-scale values and percentages.

    Attributes
    ----------
    k : int
        Number of studies used (t has k - 2 degrees of freedom).
    estimate_pct : float
        The published pooled percentage.
    se : float
        Standard error of the pooled logit, backed out of the published CI.
    tau2 : float
        Approximate between-study variance on the logit scale.
    s2 : float
        The implied typical within-study variance.
    pi_pct : tuple of float
        Approximate 95% prediction interval (%).
    """

    k: int
    estimate_pct: float
    se: float
    tau2: float
    s2: float
    pi_pct: tuple

    def summary(self) -> str:
        """One sentence with the inputs' consequences: SE, tau², the PI."""
        return (tr("From the published summary (k = {k}): SE of the logit {se:.3f}, tau² about {tau2:.2f} (tau "
                   "{tau:.2f}), 95% prediction interval about {low:.1f} to {high:.1f} %.",
                   k=self.k, se=self.se, tau2=self.tau2, tau=math.sqrt(self.tau2), low=self.pi_pct[0],
                   high=self.pi_pct[1]))


def prediction_from_published(estimate_pct: float, ci_low_pct: float, ci_high_pct: float, i2_pct: float,
                              k: int, level: float = 0.95, half: str = "mean") -> PublishedPrediction:
    """Approximate prediction interval from a published pooled proportion, its 95% CI, I² and k.

    For a meta-analysis whose study-level counts you do not have. Steps, all
    on the logit scale:

    1. ``mu = logit(estimate)``; ``SE = (logit(high) - logit(low)) / (2 × 1.96)``
       (the average of the two half-widths, as if the CI were ``mu ± 1.96 SE``);
    2. if every study had the same within-study variance ``s²``, the
       random-effects ``SE² = (s² + tau²) / k`` and ``I² = tau² / (tau² + s²)``
       (Higgins & Thompson), so ``tau² = I² k SE²`` and ``s² = (1 - I²) k SE²``;
    3. ``mu ± t_{k-2} sqrt(tau² + SE²)`` (Higgins, Thompson & Spiegelhalter),
       back-transformed to percent.

    Step 2 is exact for DerSimonian-Laird when the within-study variances are
    equal and an approximation otherwise; if the review pooled on another
    scale (for example Freeman-Tukey), step 1 is a further approximation.
    Rounded published numbers add a little error too.

    Parameters
    ----------
    estimate_pct, ci_low_pct, ci_high_pct : float
        The published pooled percentage and its 95% CI (strictly between 0 and 100).
    i2_pct : float
        Published I² (%), 0 to below 100.
    k : int
        Number of studies pooled (at least 3).
    level : float, default 0.95
        Level of the prediction interval.
    half : {"mean", "lower", "upper"}
        Which half-width of the CI (on the logit scale) gives the SE: their
        average, or only the lower or upper one. A published CI that is not
        symmetric on the logit scale was made on another scale; comparing the
        three shows how much that matters.

    Returns
    -------
    PublishedPrediction

    References
    ----------
    .. [1] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    .. [2] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). *J R Stat Soc
       Ser A* 172(1):137-159.
    """
    values = (estimate_pct, ci_low_pct, ci_high_pct)
    if any(not (0 < float(x) < 100) for x in values):
        raise DataError(tr("The pooled percentage and both CI limits must lie strictly between 0 and 100 %: a "
                           "logit cannot be taken of 0 % or 100 %."),
                        hint=tr("A CI that starts at exactly 0 % did not come from a logit model; this "
                                "approximation does not apply to it."))
    if not ci_low_pct < estimate_pct < ci_high_pct:
        raise DataError(tr("The CI ({ci_low_pct} to {ci_high_pct} %) must contain the estimate ({estimate_pct} %).",
                           ci_low_pct=ci_low_pct, ci_high_pct=ci_high_pct, estimate_pct=estimate_pct))
    if not 0 <= i2_pct < 100:
        raise DataError(tr("I² must be at least 0 and below 100 %."))
    if int(k) != k or k < 3:
        raise DataError(tr("A prediction interval needs at least 3 studies (t with k - 2 degrees of freedom)."))
    k = int(k)
    mu = logit(estimate_pct / 100)
    low_half = mu - logit(ci_low_pct / 100)
    high_half = logit(ci_high_pct / 100) - mu
    halves = {"mean": (low_half + high_half) / 2, "lower": low_half, "upper": high_half}
    if half not in halves:
        raise ValueError(tr("half must be one of {options}, not {half!r}.", options=(', '.join(halves)), half=half))
    se = halves[half] / Z95
    frac = i2_pct / 100
    tau2 = frac * k * se ** 2
    s2 = (1 - frac) * k * se ** 2
    low, high = prediction_interval(mu, se, tau2, k, level)
    return PublishedPrediction(k=k, estimate_pct=float(estimate_pct), se=float(se), tau2=float(tau2),
                               s2=float(s2), pi_pct=(100 * inv_logit(low), 100 * inv_logit(high)))


def describe_pool(result: PooledProportion, what: str = N_("dropout")) -> str:
    """Alt-text sentence for a pooled result: k, pooled %, CI, PI and I²."""
    kind = "" if result.logit.ci_method == "normal" else f" ({result.logit.ci_method})"
    text = (tr("Pooled {what} over {k} arms ({method}): {estimate_pct:.1f} %, 95% confidence interval{kind} "
               "{low:.1f} to {high:.1f} %",
               what=tr(what), k=result.k, method=result.method, estimate_pct=result.estimate_pct, kind=kind,
               low=result.ci_pct[0], high=result.ci_pct[1]))
    if not math.isnan(result.pi_pct[0]):
        text += tr("; 95% prediction interval {low:.1f} to {high:.1f} %",
                   low=result.pi_pct[0], high=result.pi_pct[1])
    return text + tr("; I² {I2:.0f} %.", I2=result.I2)


def forest_plot(events, n, labels=None, method: str = "REML", title: str | None = None, ax=None,
                ci: str = "normal", interval: str = "wilson"):
    """Forest plot of proportions (%): one row per study, the pooled diamond and the prediction interval.

    Parameters
    ----------
    events, n : array_like
        Events and people per study.
    labels : sequence of str, optional
        Row labels (default "study 1", ...).
    method : {"REML", "DL", "FE"}
        Pooling method for the diamond.
    title : str, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw in; a new figure is made otherwise.
    ci : {"normal", "HKSJ", "mHKSJ"}
        Confidence interval of the pooled diamond; see :func:`pool`.
    interval : {"wilson", "clopper-pearson", "logit"}
        Each arm's own interval; see :func:`study_table`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (show it with :func:`course.plotting.show` and
        :func:`describe_pool` as a start for the alt text).

    References
    ----------
    .. [1] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). *J R Stat Soc
       Ser A* 172(1):137-159 (prediction interval drawn under the diamond).
    """
    import matplotlib.pyplot as plt

    from . import plotting

    table = study_table(events, n, labels, interval=interval)
    result = pool_proportions(table["events"], table["n"], method, ci=ci)
    k = len(table)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 1.2 + 0.28 * (k + 3)))
    rows = np.arange(k, 0, -1) + 2.0
    sizes = 20 + 180 * result.logit.weights / result.logit.weights.max()
    ax.hlines(rows, table["ci_low_pct"], table["ci_high_pct"], color=plotting.PALETTE["black"], lw=1)
    ax.scatter(table["pct"], rows, s=sizes, marker="s", color=plotting.PALETTE["blue"], zorder=3,
               label=tr("each arm (size = weight)"))
    lo, hi = result.ci_pct
    ax.fill([lo, result.estimate_pct, hi, result.estimate_pct], [1.0, 1.3, 1.0, 0.7],
            color=plotting.PALETTE["vermillion"], label=tr("pooled {method} with 95% CI", method=method))
    if not math.isnan(result.pi_pct[0]):
        ax.hlines(0.2, *result.pi_pct, color=plotting.PALETTE["vermillion"], lw=3, alpha=0.6,
                  label=tr("95% prediction interval"))
    ax.axvline(result.estimate_pct, color=plotting.PALETTE["vermillion"], lw=0.8, ls=":")
    ax.set_yticks(list(rows) + [1.0, 0.2], list(table["label"]) + [tr("pooled"), tr("prediction")])
    ax.set_ylim(-0.5, rows.max() + 0.8)
    ax.set_xlim(0, max(60.0, float(table["ci_high_pct"].max()) + 2))
    ax.set_xlabel(tr("Dropout (%)"))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax.figure


def funnel_plot(events, n, method: str = "REML", title: str | None = None, ax=None):
    """Funnel plot: each study's logit against its standard error, with pseudo 95% limits.

    The vertical axis (standard error) runs downwards, so large, precise
    studies sit at the top. The dashed funnel is ``pooled ± 1.96 SE``: where
    about 95% of studies would fall if they all shared one true value.
    Tick labels on the horizontal axis are in percent.

    Parameters
    ----------
    events, n : array_like
    method : {"REML", "DL", "FE"}
        Pooling method for the central line.
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    .. [1] Sterne JAC, Sutton AJ, Ioannidis JPA, et al. (2011). *BMJ* 343:d4002.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    y, v = logit_proportion(events, n)
    result = pool(y, v, method)
    se = np.sqrt(v)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 3.6))
    top = float(se.max()) * 1.1
    grid = np.linspace(0, top, 50)
    ax.plot(result.estimate - Z95 * grid, grid, ls="--", color=plotting.PALETTE["black"], lw=1,
            label=tr("pooled ± 1.96 SE"))
    ax.plot(result.estimate + Z95 * grid, grid, ls="--", color=plotting.PALETTE["black"], lw=1)
    ax.axvline(result.estimate, color=plotting.PALETTE["vermillion"], lw=1.2, label=tr("pooled ({method})", method=method))
    ax.scatter(y, se, color=plotting.PALETTE["blue"], s=22, zorder=3, label=tr("each arm"))
    ax.set_ylim(top, 0)
    ax.set_xlim(float(y.min()) - 0.5, float(y.max()) + 0.5)
    pct_ticks = [p for p in (1, 2, 5, 10, 20, 40, 70) if
                 (y.min() - 0.3) <= logit(p / 100) <= (y.max() + 0.3)] or [10, 20, 30]
    ax.set_xticks([logit(p / 100) for p in pct_ticks], [format_number(p) + "%" for p in pct_ticks])
    ax.set_xlabel(tr("Dropout (logit scale, labelled in %)"))
    ax.set_ylabel(tr("Standard error of the logit"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax.figure
