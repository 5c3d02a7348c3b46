"""Demo: a forest plot of the SIMULATED dropout arms, filtered live (module 02, lesson 03).

Pick a therapy, a format and a population, a method for the between-study
variance (DerSimonian-Laird or REML) and the confidence interval of the
average (normal quantile or Hartung-Knapp with t on k - 1 degrees of
freedom). The arms (each with its Wilson interval, so an arm with no dropouts
starts at 0 %), the pooled random-effects diamond and the 95% prediction
interval update in one reused figure. The computation is :func:`explore`
(pure, tested); the pooling is :func:`course.meta.pool_proportions`.

References
----------
.. [1] Lewis C, Roberts NP, Gibson S, Bisson JI (2020). *Eur J
   Psychotraumatol* 11(1):1709709 (the anchors of the simulated arms).
.. [2] Higgins JPT, Thompson SG, Spiegelhalter DJ (2009). *J R Stat Soc
   Ser A* 172(1):137-159 (prediction interval).
.. [3] IntHout J, Ioannidis JPA, Borm GF (2014). *BMC Med Res Methodol*
   14:25 (Hartung-Knapp-Sidik-Jonkman interval).
.. [4] Newcombe RG (1998). *Stat Med* 17:857-872 (Wilson interval).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .. import dropout_sim, meta, plotting
from ..i18n import N_, tr
from . import _layout

ALL = "ALL"
ANY = "any"
#: Filters' start values.
DEFAULTS = {"therapy": "PE", "fmt": ANY, "population": ANY, "method": "REML", "ci": "normal"}
FORMATS = [(N_("Individual or group"), ANY), (N_("Individual only"), "individual"), (N_("Group only"), "group")]
POPULATIONS = [(N_("Civilian and military"), ANY), (N_("Civilian only"), "civilian"),
               (N_("Military or veteran only"), "military")]
METHODS = [("DerSimonian–Laird", "DL"), ("REML", "REML")]
CI_CHOICES = [(N_("Normal (z = 1.96)"), "normal"), (N_("Hartung–Knapp (t, k − 1 df)"), "HKSJ")]
#: The simulated therapies' names (from the data), marked so the menu can show them translated.
THERAPY_NAMES = (N_("CBT with a trauma focus"), N_("Cognitive Processing Therapy"), N_("Cognitive Therapy"),
                 N_("Narrative Exposure Therapy"), N_("Prolonged Exposure"), N_("Virtual Reality Exposure"),
                 N_("CBT without a trauma focus"), N_("Present Centred Therapy"), N_("Supportive Counselling"),
                 N_("Relaxation Training"), N_("Waitlist"))
#: How a chosen format or population reads in a figure title (other values: "<value> format/samples").
FORMAT_WORDS = {"individual": N_("individual format"), "group": N_("group format")}
POPULATION_WORDS = {"civilian": N_("civilian samples"), "military": N_("military samples")}


def _translated(choices):
    """(label, value) pairs with the labels in the current language."""
    return [(tr(label), value) for label, value in choices]
#: Above this many arms the rows are not labelled one by one.
MAX_LABELLED = 30


def therapy_options() -> list:
    """Dropdown options: (label, value) for every simulated therapy, then all active therapies together."""
    names = dropout_sim.therapy_names()
    options = [(f"{tr(name)} ({abbr})" if name != abbr else abbr, abbr) for abbr, name in names.items()]
    return options + [(tr("All active therapies together (no waitlist)"), ALL)]


def _describe_filters(therapy: str, fmt: str, population: str) -> str:
    names = dropout_sim.therapy_names()
    what = tr("all active therapies") if therapy == ALL else tr(names.get(therapy, therapy))
    parts = [what]
    if fmt != ANY:
        parts.append(tr(FORMAT_WORDS[fmt]) if fmt in FORMAT_WORDS else tr("{fmt} format", fmt=fmt))
    if population != ANY:
        parts.append(tr(POPULATION_WORDS[population]) if population in POPULATION_WORDS
                     else tr("{population} samples", population=population))
    return ", ".join(parts)


def select_arms(table, therapy: str = "PE", fmt: str = ANY, population: str = ANY):
    """The arms that pass the filters, sorted by observed dropout (lowest first, drawn at the top).

    Parameters
    ----------
    table : pandas.DataFrame
        Simulated arms (:func:`course.dropout_sim.load_dropout_trials_sim`).
    therapy : str
        Abbreviation, or :data:`ALL` for every therapy except the waitlist.
    fmt, population : str
        ``"any"`` or a value of the ``format`` / ``population`` column.

    Returns
    -------
    pandas.DataFrame
        Matching rows with an added ``pct`` column (observed dropout, %).
    """
    keep = (table["therapy"] != "WL") if therapy == ALL else (table["therapy"] == therapy)
    if fmt != ANY:
        keep &= table["format"] == fmt
    if population != ANY:
        keep &= table["population"] == population
    arms = table[keep].copy()
    arms["pct"] = 100.0 * arms["n_dropout"] / arms["n_randomised"]
    return arms.sort_values(["pct", "study_id"]).reset_index(drop=True)


def explore(table, therapy: str = "PE", fmt: str = ANY, population: str = ANY, method: str = "REML",
            ci: str = "normal"):
    """Filter the arms and pool them.

    Each arm's own 95% interval is Wilson's (:func:`course.meta.wilson_interval`);
    ``ci`` chooses the pooled average's interval (``"normal"`` or ``"HKSJ"``,
    see :func:`course.meta.pool`).

    Returns
    -------
    arms : pandas.DataFrame
        As :func:`select_arms`, plus each arm's 95% CI (``ci_low_pct``,
        ``ci_high_pct``).
    result : course.meta.PooledProportion or None
        The pooled result, or None when no arm matches.
    """
    arms = select_arms(table, therapy, fmt, population)
    if arms.empty:
        return arms.assign(ci_low_pct=[], ci_high_pct=[]), None
    detail = meta.study_table(arms["n_dropout"], arms["n_randomised"])
    arms["ci_low_pct"] = detail["ci_low_pct"].to_numpy()
    arms["ci_high_pct"] = detail["ci_high_pct"].to_numpy()
    if len(arms) < 2 and ci != "normal":
        ci = "normal"  # Hartung-Knapp needs 2 arms; one arm is shown with the normal interval
    return arms, meta.pool_proportions(arms["n_dropout"], arms["n_randomised"], method, ci=ci)


class ForestExplorerPlot:
    """One forest plot whose artists are moved, not rebuilt, when a filter changes."""

    def __init__(self, table=None, **settings):
        self.table = dropout_sim.load_dropout_trials_sim() if table is None else table
        values = {**DEFAULTS, **settings}
        black, blue, red = plotting.PALETTE["black"], plotting.PALETTE["blue"], plotting.PALETTE["vermillion"]
        self.fig, self.ax = plt.subplots(figsize=(7.5, 6.0))
        self.cis = self.ax.hlines([], [], [], color=black, lw=0.9)
        self.points = self.ax.scatter([], [], marker="s", color=blue, zorder=3,
                                      label=tr("each arm (size = weight)"))
        (self.diamond,) = self.ax.fill([0, 0, 0, 0], [-1.0, -0.7, -1.0, -1.3], color=red,
                                       label=tr("pooled (random effects) with 95% CI"))
        (self.pi_line,) = self.ax.plot([], [], color=red, lw=4, alpha=0.55, solid_capstyle="butt",
                                       label=tr("95% prediction interval"))
        self.pooled_line = self.ax.axvline(0, color=red, lw=0.8, ls=":")
        self.ax.set_xlim(0, 100)
        self.ax.set_xlabel(tr("Dropout (%) with 95% confidence intervals (Wilson for each arm)"))
        self.ax.grid(axis="y", visible=False)
        self.ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
        self.fig.suptitle(tr("SIMULATED trial arms (not real trials)"), fontsize=11, fontweight="bold")
        self.arms, self.result = None, None
        self.update(**values)
        _layout.freeze(self.fig, [(self.ax, "x")])

    def update(self, therapy=None, fmt=None, population=None, method=None, ci=None) -> None:
        """Apply the filters (None keeps a value), re-pool, and move the artists."""
        for name, value in dict(therapy=therapy, fmt=fmt, population=population, method=method, ci=ci).items():
            if value is not None:
                setattr(self, name, value)
        self.arms, self.result = explore(self.table, self.therapy, self.fmt, self.population, self.method,
                                         self.ci)
        k = len(self.arms)
        step = max(1.0, k / 15.0)  # keep the diamond and the prediction bar visible when there are many arms
        pooled_y, pi_y = -1.0 * step, -2.0 * step
        rows = np.arange(k, 0, -1, dtype=float)
        self.cis.set_segments([[(lo, y), (hi, y)] for lo, hi, y in
                               zip(self.arms["ci_low_pct"], self.arms["ci_high_pct"], rows)])
        if k:
            w = self.result.logit.weights
            self.points.set_offsets(np.column_stack([self.arms["pct"], rows]))
            self.points.set_sizes(12 + 120 * w / w.max())
        else:
            self.points.set_offsets(np.empty((0, 2)))
        r = self.result
        has_pool = r is not None
        self.diamond.set_visible(has_pool)
        self.pooled_line.set_visible(has_pool)
        has_pi = has_pool and not math.isnan(r.pi_pct[0])
        self.pi_line.set_visible(has_pi)
        if has_pool:
            lo, hi = r.ci_pct
            self.diamond.set_xy([(lo, pooled_y), (r.estimate_pct, pooled_y + 0.35 * step), (hi, pooled_y),
                                 (r.estimate_pct, pooled_y - 0.35 * step)])
            self.pooled_line.set_xdata([r.estimate_pct, r.estimate_pct])
        if has_pi:
            self.pi_line.set_data(list(r.pi_pct), [pi_y, pi_y])
        if k <= MAX_LABELLED:
            labels = [s.removeprefix("SIM-") for s in self.arms["study_id"]]
            self.ax.set_yticks(list(rows) + [pooled_y, pi_y], labels + [tr("pooled"), tr("prediction")], fontsize=7)
            self.ax.set_ylabel("")
        else:
            self.ax.set_yticks([pooled_y, pi_y], [tr("pooled"), tr("prediction")], fontsize=7)
            self.ax.set_ylabel(tr("{k} arms, sorted by dropout", k=k))
        self.ax.set_ylim(pi_y - 0.8 * step, k + 1.0)
        self.ax.set_title(f"{_describe_filters(self.therapy, self.fmt, self.population)} ({self.method})",
                          fontsize=10, y=_layout.TITLE_Y)

    def summary(self) -> str:
        """One sentence: which arms, k, pooled %, CI, prediction interval and I²."""
        what = _describe_filters(self.therapy, self.fmt, self.population)
        if self.result is None:
            return tr("SIMULATED arms, {what}: no arm matches these filters.", what=what)
        return tr("SIMULATED arms, {what}: {summary}", what=what, summary=self.result.summary())

    def alt_text(self) -> str:
        """Alt text written from the current numbers."""
        return tr("Forest plot of SIMULATED trial arms: each arm's dropout with its 95% confidence interval, "
                  "sorted from lowest to highest, with the pooled diamond and the prediction interval below. "
                  ) + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the numbers."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def forest_explorer_demo(table=None, **settings):
    """Dropdowns for therapy, format and population, DL/REML and normal/Hartung-Knapp toggles, driving a live forest plot.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Simulated arms (default: ``datasets/dropout_trials_sim.csv``).
    **settings
        Start values for ``therapy``, ``fmt``, ``population``, ``method``,
        ``ci`` (see :data:`DEFAULTS`).

    Returns
    -------
    ipywidgets.VBox or None
        The controls and figure, or ``None`` when :func:`course.widgets.headless`.
    """
    from . import controls_demo, draw_once, headless

    values = {**DEFAULTS, **settings}
    plot = ForestExplorerPlot(table, **values)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    style, layout = {"description_width": "initial"}, widgets.Layout(width="520px")
    controls = {
        "therapy": widgets.Dropdown(options=therapy_options(), value=values["therapy"], description=tr("Therapy"),
                                    style=style, layout=layout),
        "fmt": widgets.Dropdown(options=_translated(FORMATS), value=values["fmt"], description=tr("Format"),
                                style=style, layout=layout),
        "population": widgets.Dropdown(options=_translated(POPULATIONS), value=values["population"],
                                       description=tr("Population"), style=style, layout=layout),
        "method": widgets.ToggleButtons(options=METHODS, value=values["method"],
                                        description=tr("Estimate of tau² (between-arm variance)"), style=style,
                                        tooltips=[tr("DerSimonian–Laird (method of moments)"),
                                                  tr("Restricted maximum likelihood")]),
        "ci": widgets.ToggleButtons(options=_translated(CI_CHOICES), value=values["ci"],
                                    description=tr("95% CI of the average"), style=style,
                                    tooltips=[tr("Pooled logit ± 1.96 standard errors"),
                                              tr("Hartung–Knapp–Sidik–Jonkman: rescaled standard error, t with k − 1 "
                                                 "degrees of freedom; wider with few arms")]),

    }
    return controls_demo(plot, controls)
