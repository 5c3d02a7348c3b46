"""Demo: a SIMULATED two-arm relapse-prevention trial and its power (lesson 04-evaluating-a-programme).

The effect size is a **hazard ratio** for time to first use (MBRP versus
treatment as usual). The computation lives in
:func:`course.trial_sim.simulate_two_arm` and
:func:`course.trial_sim.power_summary` (cached); this module only draws one
simulated trial's Kaplan–Meier curves and reports the power. Scenarios are
anchored to Grant et al. (2017): relapse OR 0.72 (95 % CI 0.46-1.13),
converted to hazard ratios with 60 % of the control arm using within a year
(see ``course/trial_sim.py``). That conversion assumes constant hazards and
reads the odds ratio as a comparison with usual care. The dotted curves show
the hazard ratio *built into the simulation*, which no single trial can know.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting, survival, trial_sim
from ..i18n import N_, tr
from . import _layout

#: Defaults: a Bowen-sized arm (95), the pooled-meta-analysis hazard ratio, 53 of 286 missing.
DEFAULTS = {"hazard_ratio": trial_sim.SCENARIOS["pooled_meta_analysis"]["hazard_ratio"],
            "n_per_arm": 95, "attrition_pct": 18.5}
#: Scenario menu: label -> hazard ratio (MBRP versus TAU, time to first use).
SCENARIO_HRS = {
    N_("Pooled meta-analysis: relapse OR 0.72 (Grant 2017) -> HR 0.80"):
        trial_sim.SCENARIOS["pooled_meta_analysis"]["hazard_ratio"],
    N_("Optimistic end of its 95% CI: OR 0.46 -> HR 0.57"): round(trial_sim.or_to_hazard_ratio(0.46), 2),
    N_("Pessimistic end of its 95% CI: OR 1.13 -> HR 1.08"): round(trial_sim.or_to_hazard_ratio(1.13), 2),
    N_("No effect: HR 1.00"): 1.00,
    N_("Large effect, ILLUSTRATIVE only (not from a study): HR 0.50"): 0.50,
}
REPLICATES = 200
DISPLAY_SEED = 7


class TrialSimulatorPlot:
    """Kaplan–Meier curves of one simulated trial, the curves built into the simulation, and the power."""

    def __init__(self, hazard_ratio: float = DEFAULTS["hazard_ratio"], n_per_arm: int = DEFAULTS["n_per_arm"],
                 attrition_pct: float = DEFAULTS["attrition_pct"]):
        self.fig, self.ax = plt.subplots(figsize=(7.0, 3.6))
        blue, orange, black = plotting.PALETTE["blue"], plotting.PALETTE["orange"], plotting.PALETTE["black"]
        days = np.linspace(0, trial_sim.FOLLOW_UP_DAYS, 200)
        self.days = days
        (self.control_line,) = self.ax.plot([], [], drawstyle="steps-post", color=blue,
                                            label=tr("Treatment as usual (simulated)"))
        (self.treated_line,) = self.ax.plot([], [], drawstyle="steps-post", color=orange,
                                            label=tr("MBRP (simulated)"))
        (self.control_true,) = self.ax.plot(days, np.exp(-trial_sim.baseline_hazard() * days), linestyle=":",
                                            color=blue, linewidth=1.2, label=tr("curves built into the simulation"))
        (self.treated_true,) = self.ax.plot([], [], linestyle=":", color=orange, linewidth=1.2)
        self.ax.axhline(0.5, color=black, linewidth=0.8, alpha=0.5)
        self.ax.set_xlim(0, trial_sim.FOLLOW_UP_DAYS)
        self.ax.set_ylim(0, 1.02)
        self.ax.set_xlabel(tr("Days since the start of aftercare"))
        self.ax.set_ylabel(tr("Share with no use yet"))
        self.ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
        self.box = self.ax.text(1.03, 0.5, "", transform=self.ax.transAxes, ha="left", va="center", fontsize=9,
                                bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.95))
        self.fig.suptitle(tr("SIMULATED trial (not real data)"), fontsize=11, fontweight="bold")
        self.fig.tight_layout()
        self.result = None
        self.update(hazard_ratio, n_per_arm, attrition_pct)
        _layout.freeze(self.fig, [(self.ax, "xy")])

    def update(self, hazard_ratio=None, n_per_arm=None, attrition_pct=None) -> None:
        """Recompute for new settings (None keeps a value) and move the curves; the figure is reused."""
        if hazard_ratio is not None:
            self.hazard_ratio = round(float(hazard_ratio), 2)
        if n_per_arm is not None:
            self.n_per_arm = int(n_per_arm)
        if attrition_pct is not None:
            self.attrition_pct = round(float(attrition_pct), 1)
        attrition = self.attrition_pct / 100
        self.result = trial_sim.power_summary(self.hazard_ratio, self.n_per_arm, attrition, REPLICATES)
        times, events, group = trial_sim.simulate_two_arm(self.hazard_ratio, self.n_per_arm, attrition,
                                                          replicates=1, seed=DISPLAY_SEED)
        t, e = times[0], events[0]
        end = trial_sim.FOLLOW_UP_DAYS
        self.control_line.set_data(*survival.km_steps(t[group == 0], e[group == 0], until=end))
        self.treated_line.set_data(*survival.km_steps(t[group == 1], e[group == 1], until=end))
        self.treated_true.set_data(self.days, np.exp(-trial_sim.baseline_hazard() * self.hazard_ratio * self.days))
        self.shown = {"control": (t[group == 0], e[group == 0]), "treated": (t[group == 1], e[group == 1])}
        r = self.result
        self.box.set_text(tr("HR {hr:.2f}, {n} per arm, {attrition:.1f}% drop out\n"
                             "expected events: {events:.0f}\n"
                             "power (Schoenfeld formula): {power:.0%}\n"
                             "simulated trials with p < 0.05: {simulated:.0%} of {replicates}",
                             hr=self.hazard_ratio, n=self.n_per_arm, attrition=self.attrition_pct,
                             events=r["expected_events"], power=r["analytic_power"], simulated=r["simulated_power"],
                             replicates=r["replicates"]))
        self.ax.set_title(tr("Time to first use in one simulated trial"), fontsize=10, y=_layout.TITLE_Y)

    def summary(self) -> str:
        """One or two sentences with the settings and the power."""
        r = self.result
        return tr("SIMULATED trial with hazard ratio {hr:.2f}, {n} people per arm and {attrition:.1f}% dropout: "
                  "about {events:.0f} first uses expected; power {power:.0%} by Schoenfeld's formula, and "
                  "{simulated:.0%} of {replicates} simulated trials found p < 0.05 with the log-rank test.",
                  hr=self.hazard_ratio, n=self.n_per_arm, attrition=self.attrition_pct, events=r["expected_events"],
                  power=r["analytic_power"], simulated=r["simulated_power"], replicates=r["replicates"])

    def alt_text(self) -> str:
        """Alt text written from the simulated trial shown and the power."""
        return (survival.describe_km({tr("Treatment as usual"): self.shown["control"], "MBRP": self.shown["treated"]})
                + tr(" Dotted lines show the curves built into the simulation. ") + self.summary())

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the numbers."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def trial_simulator_demo(**settings):
    """Sliders for a SIMULATED two-arm trial: hazard ratio, people per arm and dropout, plus scenarios.

    Parameters
    ----------
    **settings
        Start values for ``hazard_ratio``, ``n_per_arm`` and ``attrition_pct``
        (see :data:`DEFAULTS`).

    Returns
    -------
    ipywidgets.VBox or None
        The controls and figure, or ``None`` when :func:`course.widgets.headless`.

    References
    ----------
    .. [1] Grant S et al. (2017). *J Addict Med* 11(5):386-396.
    .. [2] Schoenfeld D (1983). *Biometrics* 39(2):499-503.
    """
    from . import controls_demo, draw_once, headless

    values = {**DEFAULTS, **settings}
    plot = TrialSimulatorPlot(**values)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    wide = dict(style={"description_width": "initial"}, layout=widgets.Layout(width="560px"))
    scenario = widgets.Dropdown(options=[(tr(label), hr) for label, hr in SCENARIO_HRS.items()], index=0,
                                description=tr("Scenario"), **wide)
    hr = widgets.FloatSlider(value=values["hazard_ratio"], min=0.40, max=1.20, step=0.01,
                             description=tr("Hazard ratio, MBRP vs TAU (below 1 = fewer relapses)"),
                             continuous_update=False, readout_format=".2f", **wide)
    n = widgets.IntSlider(value=values["n_per_arm"], min=20, max=1000, step=5,
                          description=tr("People randomised per arm"), continuous_update=False, **wide)
    attrition = widgets.FloatSlider(value=values["attrition_pct"], min=0, max=50, step=0.5,
                                    description=tr("Dropout before 12 months (%)"), continuous_update=False,

                                    readout_format=".1f", **wide)

    def pick(change):
        if change["new"] is not None and not math.isclose(hr.value, change["new"]):
            hr.value = change["new"]  # the slider's own observer redraws

    scenario.observe(pick, names="value")
    controls = {"hazard_ratio": hr, "n_per_arm": n, "attrition_pct": attrition}
    return controls_demo(plot, controls, before=[scenario],
                         update=lambda v: plot.update(v["hazard_ratio"], v["n_per_arm"], v["attrition_pct"]))
