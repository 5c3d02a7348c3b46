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
3. turn the results back into percentages, :func:`pool_proportions`;
4. draw them, :func:`forest_plot` and :func:`funnel_plot`.

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Added to events and non-events of an arm with 0 or all events (so n grows by 1).
CONTINUITY_CORRECTION = 0.5
#: Two-sided 95% normal quantile used for confidence intervals.
Z95 = float(stats.norm.ppf(0.975))
METHODS = ("FE", "DL", "REML")


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
        raise ValueError("logit needs proportions strictly between 0 and 1 (use fractions, not percent).")
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
        raise ValueError(f"events and n need the same length (got {events.size} and {n.size}).")
    if events.size == 0:
        raise ValueError("No studies: events and n are empty.")
    if np.any(n <= 0) or np.any(events < 0) or np.any(events > n):
        raise ValueError("Each study needs n > 0 and 0 <= events <= n.")
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
        raise ValueError("A prediction interval needs at least 3 studies (t with k - 2 degrees of freedom).")
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
        raise ValueError("The typical within-study variance needs at least 2 studies.")
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
        raise ValueError("I² must be at least 0 and below 100 %.")
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
        95% confidence interval of the pooled estimate (normal quantile).
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
    raise RuntimeError("The REML estimate of tau² did not converge.")


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


def pool(y, v, method: str = "DL") -> PoolResult:
    """Inverse-variance meta-analysis of study estimates ``y`` with variances ``v``.

    Fixed effect (``"FE"``): weights ``w = 1 / v``; one true value shared by
    all studies. Random effects (``"DL"``, ``"REML"``): weights
    ``1 / (v + tau²)``; the true values vary between studies around a mean,
    with variance tau². Cochran's ``Q = Σ w (y - mu_FE)²`` and I² always use
    the fixed-effect weights.

    Parameters
    ----------
    y : array_like
        Study estimates (for proportions: logits from :func:`logit_proportion`).
    v : array_like
        Their within-study variances (> 0).
    method : {"DL", "REML", "FE"}
        DerSimonian–Laird or REML estimate of tau², or the fixed-effect model.

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
    """
    method = str(method).upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}.")
    y = np.atleast_1d(np.asarray(y, dtype=float))
    v = np.atleast_1d(np.asarray(v, dtype=float))
    if y.shape != v.shape or y.size == 0:
        raise ValueError("y and v need the same, non-zero length.")
    if np.any(~np.isfinite(y)) or np.any(~np.isfinite(v)) or np.any(v <= 0):
        raise ValueError("Every estimate must be finite and every variance positive.")
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
    return PoolResult(method=method, k=k, estimate=mu, se=se, ci=(mu - Z95 * se, mu + Z95 * se),
                      tau2=float(tau2), Q=q, I2=i_squared(q, k), pi=tuple(float(x) for x in pi),
                      weights=w / w.sum())


@dataclass(frozen=True)
class PooledProportion:
    """Result of :func:`pool_proportions`, back-transformed to percent.

    Attributes
    ----------
    estimate_pct : float
        Pooled proportion (%): the back-transformed mean logit.
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

    def summary(self) -> str:
        """One sentence with k, the pooled %, its CI, the PI and I²."""
        text = (f"{self.k} arms, {self.method}: pooled {self.estimate_pct:.1f} % "
                f"(95% CI {self.ci_pct[0]:.1f} to {self.ci_pct[1]:.1f} %)")
        if not math.isnan(self.pi_pct[0]):
            text += f", 95% prediction interval {self.pi_pct[0]:.1f} to {self.pi_pct[1]:.1f} %"
        return text + f", I² {self.I2:.0f} %, tau² {self.tau2:.2f}."


def pool_proportions(events, n, method: str = "DL") -> PooledProportion:
    """Pool one proportion per study on the logit scale and report it in percent.

    Parameters
    ----------
    events, n : array_like
        Events (e.g. dropouts) and people per study; see :func:`logit_proportion`.
    method : {"DL", "REML", "FE"}

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
    res = pool(y, v, method)

    def pct(values):
        return tuple(float("nan") if math.isnan(x) else 100.0 * inv_logit(x) for x in values)

    return PooledProportion(estimate_pct=100.0 * inv_logit(res.estimate), ci_pct=pct(res.ci),
                            pi_pct=pct(res.pi), k=res.k, tau2=res.tau2, Q=res.Q, I2=res.I2,
                            method=res.method, logit=res)


def study_table(events, n, labels=None):
    """Each study's proportion (%) with its 95% CI (logit method, back-transformed).

    Parameters
    ----------
    events, n : array_like
    labels : sequence of str, optional

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``events``, ``n``, ``pct``, ``ci_low_pct``,
        ``ci_high_pct``, ``y`` (logit), ``v`` (its variance). ``pct`` is the
        raw percentage ``100 * events / n``.

    References
    ----------
    .. [1] See :func:`logit_proportion`.
    """
    import pandas as pd

    events, n = _counts(events, n)
    y, v = logit_proportion(events, n)
    half = Z95 * np.sqrt(v)
    labels = list(labels) if labels is not None else [f"study {i + 1}" for i in range(events.size)]
    return pd.DataFrame({"label": labels, "events": events.astype(int), "n": n.astype(int),
                         "pct": 100.0 * events / n, "ci_low_pct": 100.0 * inv_logit(y - half),
                         "ci_high_pct": 100.0 * inv_logit(y + half), "y": y, "v": v})


def describe_pool(result: PooledProportion, what: str = "dropout") -> str:
    """Alt-text sentence for a pooled result: k, pooled %, CI, PI and I²."""
    text = (f"Pooled {what} over {result.k} arms ({result.method}): {result.estimate_pct:.1f} %, "
            f"95% confidence interval {result.ci_pct[0]:.1f} to {result.ci_pct[1]:.1f} %")
    if not math.isnan(result.pi_pct[0]):
        text += f"; 95% prediction interval {result.pi_pct[0]:.1f} to {result.pi_pct[1]:.1f} %"
    return text + f"; I² {result.I2:.0f} %."


def forest_plot(events, n, labels=None, method: str = "REML", title: str | None = None, ax=None):
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

    table = study_table(events, n, labels)
    result = pool_proportions(table["events"], table["n"], method)
    k = len(table)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 1.2 + 0.28 * (k + 3)))
    rows = np.arange(k, 0, -1) + 2.0
    sizes = 20 + 180 * result.logit.weights / result.logit.weights.max()
    ax.hlines(rows, table["ci_low_pct"], table["ci_high_pct"], color=plotting.PALETTE["black"], lw=1)
    ax.scatter(table["pct"], rows, s=sizes, marker="s", color=plotting.PALETTE["blue"], zorder=3,
               label="each arm (size = weight)")
    lo, hi = result.ci_pct
    ax.fill([lo, result.estimate_pct, hi, result.estimate_pct], [1.0, 1.3, 1.0, 0.7],
            color=plotting.PALETTE["vermillion"], label=f"pooled {method} with 95% CI")
    if not math.isnan(result.pi_pct[0]):
        ax.hlines(0.2, *result.pi_pct, color=plotting.PALETTE["vermillion"], lw=3, alpha=0.6,
                  label="95% prediction interval")
    ax.axvline(result.estimate_pct, color=plotting.PALETTE["vermillion"], lw=0.8, ls=":")
    ax.set_yticks(list(rows) + [1.0, 0.2], list(table["label"]) + ["pooled", "prediction"])
    ax.set_ylim(-0.5, rows.max() + 0.8)
    ax.set_xlim(0, max(60.0, float(table["ci_high_pct"].max()) + 2))
    ax.set_xlabel("Dropout (%)")
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
            label="pooled ± 1.96 SE")
    ax.plot(result.estimate + Z95 * grid, grid, ls="--", color=plotting.PALETTE["black"], lw=1)
    ax.axvline(result.estimate, color=plotting.PALETTE["vermillion"], lw=1.2, label=f"pooled ({method})")
    ax.scatter(y, se, color=plotting.PALETTE["blue"], s=22, zorder=3, label="each arm")
    ax.set_ylim(top, 0)
    ax.set_xlim(float(y.min()) - 0.5, float(y.max()) + 0.5)
    pct_ticks = [p for p in (1, 2, 5, 10, 20, 40, 70) if
                 (y.min() - 0.3) <= logit(p / 100) <= (y.max() + 0.3)] or [10, 20, 30]
    ax.set_xticks([logit(p / 100) for p in pct_ticks], [f"{p}%" for p in pct_ticks])
    ax.set_xlabel("Dropout (logit scale, labelled in %)")
    ax.set_ylabel("Standard error of the logit")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return ax.figure
