"""How the definition of "dropout" changes the number (module 02, lesson 02-what-dropout-data-say).

A SIMULATED, illustrative cohort of people randomised in a therapy trial
flows through five stages: randomised, attended session 1, reached
mid-treatment, completed the planned sessions, gave the post-treatment
assessment. The same cohort then gives a different "dropout" percentage
under each common definition. Nothing here is data about real people: the
flow is computed (not sampled) from the loss at each stage, and only the
defaults for pretreatment and during-treatment loss are anchored to a
published figure (Fernandez et al. 2015, CBT in general, not PTSD alone).

The three small percentage functions are also the reference answers for
the lesson's graded exercises.

References
----------
Fernandez E, Salem D, Swift JK, Ramtahal N (2015). Meta-analysis of dropout
from cognitive behavioral therapy: magnitude, timing, and moderators.
*J Consult Clin Psychol* 83(6):1108-1122. [@fernandez2015]
Gutner CA, Gallagher MW, Baker AS, Sloan DM, Resick PA (2016). Time course of
treatment dropout in cognitive-behavioral therapies for posttraumatic stress
disorder. *Psychol Trauma* 8(1):115-121. [@gutner2016]
Wright S, et al. (2024). Predictors of study dropout in cognitive-behavioural
therapy with a trauma focus for PTSD in adults. *BMJ Ment Health*
27(1):e301159. [@wright2024]
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from .i18n import N_, tr


#: The stages of the SIMULATED flow, in order, with plain-language labels.
STAGES = {
    "randomised": N_("randomised"),
    "started": N_("attended session 1"),
    "mid_treatment": N_("reached mid-treatment"),
    "completed": N_("completed the planned sessions"),
    "assessed": N_("gave the post-treatment assessment"),
}

#: Default losses (per cent) of the demo. Only the first two are from a study:
#: 16 % lost before session 1 (Fernandez 2015: 15.9 % pretreatment dropout in CBT),
#: and 18 % + 10 % of the rest between session 1 and the end, which makes 26.2 % of
#: starters (Fernandez 2015: 26.2 % during-treatment dropout), most of it by
#: mid-treatment (Gutner 2016). The two assessment settings are illustrative only.
DEFAULTS = {
    "n_randomised": 100,
    "lost_before_start_pct": 16,
    "lost_before_mid_pct": 18,
    "lost_after_mid_pct": 10,
    "completers_not_assessed_pct": 5,
    "leavers_assessed_pct": 25,
}

#: The four definitions compared in the demo: label -> (numerator, denominator) description.
DEFINITIONS = {  # keys and values are shown through tr() (the keys stay English in code)
    N_("did not start treatment"): N_("randomised but never attended session 1, out of all randomised"),
    N_("did not complete treatment (of those randomised)"): N_("did not complete the planned sessions, out of all "
                                                              "randomised"),
    N_("did not complete treatment (of those who started)"): N_("started but did not complete, out of those who "
                                                               "started"),
    N_("missed the post-treatment assessment"): N_("gave no post-treatment assessment, out of all randomised"),
}


def _count(name: str, value) -> int:
    """A count of people as a non-negative whole number, or a plain ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(tr("{name} must be a number of people, not {value}.", name=name, value=repr(value))) from None
    if math.isnan(number) or number < 0 or number != int(number):
        raise ValueError(tr("{name} must be a whole number of people, zero or more (got {value}).", name=name,
                            value=repr(value)))
    return int(number)


def _share(count: int, of: int, of_name: str) -> float:
    if of == 0:
        raise ValueError(tr("{name} is zero, so there is nobody to take a percentage of: "
                            "a dropout percentage is undefined here.", name=of_name))
    return 100.0 * count / of


def dropout_pct(n_randomised, n_completed) -> float:
    """Per cent of randomised people who did not complete treatment.

    Parameters
    ----------
    n_randomised : int
        People randomised to the arm (people).
    n_completed : int
        People who completed treatment, however the trial defined completion (people).

    Returns
    -------
    float
        ``100 * (n_randomised - n_completed) / n_randomised`` (per cent).

    Raises
    ------
    ValueError
        If nobody was randomised (the percentage is undefined), or the counts are
        negative, fractional, or more people completed than were randomised.

    References
    ----------
    Varker T, et al. (2021) [@varker2021]: only 7 % of PTSD trials defined dropout,
    so always say which numerator and denominator you used.
    """
    n_randomised, n_completed = _count("n_randomised", n_randomised), _count("n_completed", n_completed)
    if n_completed > n_randomised:
        raise ValueError(tr("More people completed than were randomised; check the two counts."))
    return _share(n_randomised - n_completed, n_randomised, "n_randomised")


def pretreatment_dropout_pct(n_randomised, n_started) -> float:
    """Per cent of randomised people who never started treatment (Fernandez 2015's "pretreatment dropout").

    Parameters
    ----------
    n_randomised : int
        People randomised (people).
    n_started : int
        People who attended the first treatment session (people).

    Returns
    -------
    float
        ``100 * (n_randomised - n_started) / n_randomised`` (per cent).

    Raises
    ------
    ValueError
        If ``n_randomised`` is zero or the counts are impossible.

    References
    ----------
    Fernandez E, et al. (2015) [@fernandez2015].
    """
    n_randomised, n_started = _count("n_randomised", n_randomised), _count("n_started", n_started)
    if n_started > n_randomised:
        raise ValueError(tr("More people started than were randomised; check the two counts."))
    return _share(n_randomised - n_started, n_randomised, "n_randomised")


def during_treatment_dropout_pct(n_started, n_completed) -> float:
    """Per cent of people who started treatment but did not complete it ("during-treatment dropout").

    Parameters
    ----------
    n_started : int
        People who attended the first session (people).
    n_completed : int
        People who completed treatment (people).

    Returns
    -------
    float
        ``100 * (n_started - n_completed) / n_started`` (per cent).

    Raises
    ------
    ValueError
        If nobody started (the percentage is undefined) or the counts are impossible.

    References
    ----------
    Fernandez E, et al. (2015) [@fernandez2015].
    """
    n_started, n_completed = _count("n_started", n_started), _count("n_completed", n_completed)
    if n_completed > n_started:
        raise ValueError(tr("More people completed than started; check the two counts."))
    return _share(n_started - n_completed, n_started, "n_started")


def split_dropout_pct(n_randomised, n_started, n_completed) -> tuple[float, float]:
    """Pretreatment and during-treatment dropout (per cent) as a pair.

    Returns ``(pretreatment_dropout_pct(n_randomised, n_started),
    during_treatment_dropout_pct(n_started, n_completed))``; note the two
    different denominators. Raises ValueError where either is undefined.

    References
    ----------
    Fernandez E, et al. (2015) [@fernandez2015].
    """
    return (pretreatment_dropout_pct(n_randomised, n_started),
            during_treatment_dropout_pct(n_started, n_completed))


def _keep(n: int, lost_pct: float, name: str) -> int:
    """People left after losing ``lost_pct`` per cent of ``n``, rounded half up to whole people."""
    if not 0 <= float(lost_pct) <= 100:
        raise ValueError(tr("{name} must be a percentage between 0 and 100 (got {value}).", name=name,
                            value=repr(lost_pct)))
    return int(math.floor(n * (1 - float(lost_pct) / 100) + 0.5))


def cohort_flow(n_randomised: int = 100, lost_before_start_pct: float = 16, lost_before_mid_pct: float = 18,
                lost_after_mid_pct: float = 10, completers_not_assessed_pct: float = 5,
                leavers_assessed_pct: float = 25) -> dict[str, int]:
    """Whole people at each stage of a SIMULATED trial arm (illustrative, computed, not sampled).

    Parameters
    ----------
    n_randomised : int
        People randomised (default 100).
    lost_before_start_pct : float
        Per cent of randomised people who never attend session 1 (default 16,
        after Fernandez 2015's 15.9 % pretreatment dropout in CBT).
    lost_before_mid_pct : float
        Per cent of starters who stop before mid-treatment (default 18).
    lost_after_mid_pct : float
        Per cent of those at mid-treatment who stop before the last planned session
        (default 10). With the previous default, 26.2 % of starters leave during
        treatment (Fernandez 2015: 26.2 %), most by mid-treatment (Gutner 2016).
    completers_not_assessed_pct : float
        Per cent of completers who give no post-treatment assessment (illustrative).
    leavers_assessed_pct : float
        Per cent of everyone who left treatment (before or during it) who still
        gives the post-treatment assessment (illustrative; trials try to assess
        everyone they randomised).

    Returns
    -------
    dict
        Counts (people) for ``randomised``, ``started``, ``mid_treatment``,
        ``completed``, ``left_treatment`` (randomised minus completed),
        ``completers_assessed``, ``leavers_assessed`` and ``assessed``. Each
        step rounds half up to whole people.

    References
    ----------
    Fernandez E, et al. (2015) [@fernandez2015]; Gutner CA, et al. (2016) [@gutner2016].
    """
    n = _count("n_randomised", n_randomised)
    started = _keep(n, lost_before_start_pct, "lost_before_start_pct")
    mid = _keep(started, lost_before_mid_pct, "lost_before_mid_pct")
    completed = _keep(mid, lost_after_mid_pct, "lost_after_mid_pct")
    completers_assessed = _keep(completed, completers_not_assessed_pct, "completers_not_assessed_pct")
    left = n - completed
    leavers_assessed = left - _keep(left, leavers_assessed_pct, "leavers_assessed_pct")
    return {"randomised": n, "started": started, "mid_treatment": mid, "completed": completed,
            "left_treatment": left, "completers_assessed": completers_assessed,
            "leavers_assessed": leavers_assessed, "assessed": completers_assessed + leavers_assessed}


def definition_table(flow: dict[str, int]) -> pd.DataFrame:
    """The dropout percentage of one cohort under each of the four definitions.

    Parameters
    ----------
    flow : dict
        Output of :func:`cohort_flow`.

    Returns
    -------
    pandas.DataFrame
        One row per definition (in the order of :data:`DEFINITIONS`) with
        ``definition``, ``counted_as``, ``dropouts`` (people), ``out_of``
        (people) and ``dropout_pct`` (per cent; NaN where the denominator is zero).
    """
    n, started, completed, assessed = flow["randomised"], flow["started"], flow["completed"], flow["assessed"]
    rows = [(n - started, n), (n - completed, n), (started - completed, started), (n - assessed, n)]
    return pd.DataFrame({
        "definition": [tr(label) for label in DEFINITIONS],
        "counted_as": [tr(text) for text in DEFINITIONS.values()],
        "dropouts": [r[0] for r in rows],
        "out_of": [r[1] for r in rows],
        "dropout_pct": [100.0 * r[0] / r[1] if r[1] else float("nan") for r in rows],
    })


# --- Figures of the published tables (REAL data from course.dropout_data) -------------------------

CONTROL_GROUPING = "control"


def lewis_table_for_plot(min_k: int = 3) -> pd.DataFrame:
    """Rows of Lewis et al. (2020) Table 3 with at least ``min_k`` studies and a CI, sorted by dropout.

    References
    ----------
    Lewis C, Roberts NP, Gibson S, Bisson JI (2020). *Eur J Psychotraumatol*
    11(1):1709709. [@lewis2020dropout]
    """
    from .dropout_data import load_lewis2020

    table = load_lewis2020()
    keep = (table["k_studies"] >= min_k) & table["ci_low_pct"].notna() & table["ci_high_pct"].notna()
    return table[keep].sort_values(["dropout_pct", "k_studies"], ascending=[True, False]).reset_index(drop=True)


def describe_lewis_plot(table: pd.DataFrame, overall_pct: float = 16) -> str:
    """Alt text for :func:`plot_lewis_table3`, written from the rows it shows."""
    low, high = table.iloc[0], table.iloc[-1]
    controls = table[table["course_grouping"] == CONTROL_GROUPING]
    control_text = "; ".join(tr("{therapy} {pct:.0f}% ({low:.0f}-{high:.0f})", therapy=tr(r.therapy), pct=r.dropout_pct,
                                low=r.ci_low_pct, high=r.ci_high_pct)
                             for r in controls.itertuples())
    named = table.set_index("abbreviation")
    picks = [a for a in ("PE", "CPT", "CBT", "PCT") if a in named.index]
    pick_text = ", ".join(tr("{therapy} {pct:.0f}%", therapy=tr(named.loc[a, "therapy"]), pct=named.loc[a, "dropout_pct"])
                          for a in picks)
    return tr("Dot-and-interval chart of pooled dropout with 95% confidence intervals for the {n} "
              "therapies and control conditions with at least {k} studies in "
              "Lewis 2020 Table 3, sorted from {low} ({low_pct:.0f}%) to {high} "
              "({high_pct:.0f}%). Selected therapies: {picks}. Control arms, marked with squares: "
              "{controls}. A dashed line marks the overall pooled dropout of {overall:.0f}%.", n=len(table),
              k=int(table["k_studies"].min()), low=tr(low.therapy), low_pct=low.dropout_pct, high=tr(high.therapy),
              high_pct=high.dropout_pct, picks=pick_text, controls=control_text, overall=overall_pct)


def plot_lewis_table3(table: pd.DataFrame | None = None, overall_pct: float = 16):
    """Dot-and-interval plot of Lewis 2020 Table 3 (k >= 3 by default); control arms as squares.

    Returns the matplotlib figure; show it with ``plotting.show(fig, alt=describe_lewis_plot(table))``.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    table = lewis_table_for_plot() if table is None else table
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(table) + 1.2))
    y = range(len(table))
    for i, row in zip(y, table.itertuples()):
        control = row.course_grouping == CONTROL_GROUPING
        colour = plotting.PALETTE["vermillion"] if control else plotting.PALETTE["blue"]
        ax.plot([row.ci_low_pct, row.ci_high_pct], [i, i], color=colour, linewidth=1.4)
        ax.plot(row.dropout_pct, i, marker="s" if control else "o", color=colour, markersize=6,
                mfc="white" if control else colour)
    ax.axvline(overall_pct, color=plotting.PALETTE["black"], linestyle="--", linewidth=1)
    ax.set_yticks(list(y), [f"{tr(r.therapy)} (k={r.k_studies})" for r in table.itertuples()], fontsize=8.5)
    ax.set_xlim(0, 55)
    ax.set_xlabel(tr("Dropout, % of people in the arm (pooled mean and 95% CI)"))
    ax.plot([], [], "o", color=plotting.PALETTE["blue"], label=tr("therapy"))
    ax.plot([], [], "s", color=plotting.PALETTE["vermillion"], mfc="white", label=tr("control arm (no active therapy)"))
    ax.plot([], [], "--", color=plotting.PALETTE["black"],
            label=tr("all therapies pooled: {pct:.0f}%", pct=overall_pct))
    ax.legend(loc="lower right", fontsize=8, framealpha=0.95)
    ax.set_title(tr("Dropout by therapy in RCTs for adult PTSD (Lewis et al. 2020, Table 3)"), fontsize=10)
    ax.grid(axis="y", alpha=0)
    fig.tight_layout()
    return fig


def headline_table() -> pd.DataFrame:
    """The headline dropout figures with a short plot label, sorted by dropout."""
    from .dropout_data import load_dropout_meta_analyses

    table = load_dropout_meta_analyses().copy()
    table["label"] = [textwrap.fill(f"{p} [{k}]", 60) for p, k in zip(table["population"], table["source_key"])]
    return table.sort_values("dropout_pct").reset_index(drop=True)


def describe_headline_plot(table: pd.DataFrame) -> str:
    """Alt text for :func:`plot_headline_estimates`, written from the rows it shows."""
    low, high = table.iloc[0], table.iloc[-1]
    near_half = table[table["dropout_pct"] >= 35]
    near_text = "; ".join(tr("{population} {pct:g}% ({key})", population=r.population, pct=r.dropout_pct,
                             key=r.source_key) for r in near_half.itertuples())
    return tr("Dot chart of {n} published dropout figures, from {low_pct:g}% "
              "({low}, {low_key}) to {high_pct:g}% ({high}, "
              "{high_key}); {with_ci} have a 95% confidence interval. "
              "Figures of 35% or more: {near}. A dotted line marks 50%.", n=len(table), low_pct=low.dropout_pct,
              low=low.population, low_key=low.source_key, high_pct=high.dropout_pct, high=high.population,
              high_key=high.source_key, with_ci=int(table["ci_low_pct"].notna().sum()), near=near_text)


def plot_headline_estimates(table: pd.DataFrame | None = None):
    """Dot chart of the headline dropout figures (with CIs where reported) against a 50 % line."""
    import matplotlib.pyplot as plt

    from . import plotting

    table = headline_table() if table is None else table
    fig, ax = plt.subplots(figsize=(8.0, 0.45 * len(table) + 1.2))
    for i, row in enumerate(table.itertuples()):
        pooled = row.design.startswith(("meta-analysis", "individual participant"))
        colour = plotting.PALETTE["blue"] if pooled else plotting.PALETTE["orange"]
        if not math.isnan(row.ci_low_pct):
            ax.plot([row.ci_low_pct, row.ci_high_pct], [i, i], color=colour, linewidth=1.4)
        ax.plot(row.dropout_pct, i, "o" if pooled else "D", color=colour, markersize=6)
        right = row.dropout_pct if math.isnan(row.ci_high_pct) else max(row.dropout_pct, row.ci_high_pct)
        ax.text(right + 1.2, i, tr("{pct:g}%", pct=row.dropout_pct), va="center", fontsize=8)
    ax.axvline(50, color=plotting.PALETTE["black"], linestyle=":", linewidth=1.2)
    ax.set_yticks(range(len(table)), list(table["label"]), fontsize=8)
    ax.set_xlim(0, 60)
    ax.set_xlabel(tr("Dropout (%)"))
    ax.plot([], [], "o", color=plotting.PALETTE["blue"], label=tr("pooled over many studies or people"))
    ax.plot([], [], "D", color=plotting.PALETTE["orange"],
            label=tr("pooled arms of one group's trials, or an older broad review"))
    ax.plot([], [], ":", color=plotting.PALETTE["black"], label="50%")
    ax.legend(loc="lower right", fontsize=8, framealpha=0.95)
    ax.set_title(tr("Headline dropout figures from the published literature"), fontsize=10)
    ax.grid(axis="y", alpha=0)
    fig.tight_layout()
    return fig
