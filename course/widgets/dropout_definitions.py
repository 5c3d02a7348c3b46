"""Demo: one SIMULATED cohort, four definitions of "dropout" (lesson 02-what-dropout-data-say).

The computation lives in :func:`course.dropout_definitions.cohort_flow` and
:func:`course.dropout_definitions.definition_table`; this module only draws
them. Everything shown is SIMULATED: 100 imaginary people, not trial data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import dropout_definitions as dd
from .. import plotting
from . import _layout

#: Slider name -> (label a screen reader announces, minimum, maximum, step).
CONTROLS = {
    "lost_before_start_pct": ("Lost before session 1 (% of those randomised)", 0, 50, 1),
    "lost_before_mid_pct": ("Lost between session 1 and mid-treatment (% of starters)", 0, 50, 1),
    "lost_after_mid_pct": ("Lost between mid-treatment and the last session (%)", 0, 50, 1),
    "completers_not_assessed_pct": ("Completers who miss the post-treatment assessment (%)", 0, 50, 1),
    "leavers_assessed_pct": ("People who left treatment but still give the assessment (%)", 0, 100, 5),
}
SETTINGS = list(CONTROLS)
STAGE_ORDER = ["randomised", "started", "mid_treatment", "completed"]


class DropoutDefinitionsPlot:
    """People at each stage (left) and the dropout percentage under four definitions (right)."""

    def __init__(self, **settings):
        values = {**{k: dd.DEFAULTS[k] for k in SETTINGS}, **settings}
        self.n_randomised = int(settings.get("n_randomised", dd.DEFAULTS["n_randomised"]))
        self.fig, (self.ax_flow, self.ax_def) = plt.subplots(
            1, 2, figsize=(10.0, 3.8), gridspec_kw={"width_ratios": [1.0, 1.15]})
        blue, orange, sky = plotting.PALETTE["blue"], plotting.PALETTE["orange"], plotting.PALETTE["sky"]
        labels = [dd.STAGES[s] for s in STAGE_ORDER] + [dd.STAGES["assessed"]]
        ys = list(range(len(labels)))[::-1]
        self.stage_bars = self.ax_flow.barh(ys[:-1], [0] * len(STAGE_ORDER), color=blue)
        self.assessed_completers = self.ax_flow.barh(ys[-1], 0, color=blue)
        self.assessed_leavers = self.ax_flow.barh(ys[-1], 0, color=sky, hatch="//", edgecolor="white")
        self.flow_text = [self.ax_flow.text(0, y, "", va="center", fontsize=9) for y in ys]
        self.ax_flow.set_yticks(ys, labels, fontsize=9)
        self.ax_flow.set_xlim(0, self.n_randomised * 1.45)
        self.ax_flow.set_xlabel("People")
        self.ax_flow.set_title(f"{self.n_randomised} people randomised", fontsize=10, y=_layout.TITLE_Y)
        self.ax_flow.grid(axis="y", alpha=0)

        dys = list(range(len(dd.DEFINITIONS)))[::-1]
        self.def_bars = self.ax_def.barh(dys, [0] * len(dys), color=orange)
        self.def_text = [self.ax_def.text(0, y, "", va="center", fontsize=9) for y in dys]
        wrapped = ["did not start\ntreatment", "did not complete\n(of those randomised)",
                   "did not complete\n(of those who started)", "missed the post-\ntreatment assessment"]
        self.ax_def.set_yticks(dys, wrapped, fontsize=9)
        self.ax_def.set_xlim(0, 100)
        self.ax_def.set_xlabel("Dropout (%) under this definition")
        self.ax_def.set_title("Same people, four definitions", fontsize=10, y=_layout.TITLE_Y)
        self.ax_def.grid(axis="y", alpha=0)
        self.fig.suptitle("SIMULATED cohort (not real data): what counts as dropout?", fontsize=11,
                          fontweight="bold")
        self.fig.tight_layout()
        self.flow = self.table = None
        self.update(**values)
        _layout.freeze(self.fig, [(self.ax_flow, "xy"), (self.ax_def, "xy")])

    def update(self, **settings) -> None:
        """Recompute the flow and move the bars and labels; settings left out keep their value."""
        for name, value in settings.items():
            if name not in CONTROLS:
                raise ValueError(f"unknown setting {name!r}; use one of {', '.join(SETTINGS)}")
            setattr(self, name, float(value))
        self.flow = dd.cohort_flow(self.n_randomised, **{k: getattr(self, k) for k in SETTINGS})
        self.table = dd.definition_table(self.flow)
        for bar, text, stage in zip(self.stage_bars, self.flow_text, STAGE_ORDER):
            bar.set_width(self.flow[stage])
            text.set_position((self.flow[stage] + 1, text.get_position()[1]))
            text.set_text(str(self.flow[stage]))
        done, left = self.flow["completers_assessed"], self.flow["leavers_assessed"]
        self.assessed_completers[0].set_width(done)
        self.assessed_leavers[0].set_x(done)
        self.assessed_leavers[0].set_width(left)
        last = self.flow_text[-1]
        last.set_position((done + left + 1, last.get_position()[1]))
        last.set_text(f"{done} completers\n+ {left} who left")
        last.set_fontsize(8)
        for bar, text, row in zip(self.def_bars, self.def_text, self.table.itertuples()):
            pct = 0.0 if row.out_of == 0 else row.dropout_pct
            bar.set_width(pct)
            text.set_position((pct + 1, text.get_position()[1]))
            text.set_text("undefined (nobody to count)" if row.out_of == 0
                          else f"{row.dropout_pct:.1f}%  ({row.dropouts} of {row.out_of})")

    def summary(self) -> str:
        """One or two sentences with the settings and the four percentages."""
        f, t = self.flow, self.table
        pcts = ", ".join(f"{row.definition} {row.dropout_pct:.1f}%" for row in t.itertuples())
        low, high = t["dropout_pct"].min(), t["dropout_pct"].max()
        return (f"SIMULATED cohort: of {f['randomised']} randomised, {f['started']} attended session 1, "
                f"{f['mid_treatment']} reached mid-treatment, {f['completed']} completed and {f['assessed']} "
                f"gave the post-treatment assessment. Dropout by definition: {pcts}. "
                f"Range {low:.1f}% to {high:.1f}% for the same people.")

    def alt_text(self) -> str:
        """Alt text written from the current numbers."""
        return ("Two bar charts of a SIMULATED trial arm: on the left, the number of people still present at "
                "each stage from randomisation to the post-treatment assessment; on the right, the dropout "
                "percentage under four definitions. " + self.summary())

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the numbers."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def dropout_definitions_demo(**settings):
    """Sliders for the loss at each stage of a SIMULATED cohort; four dropout definitions side by side.

    Parameters
    ----------
    **settings
        Start values for the settings in :data:`CONTROLS` (per cent); defaults in
        :data:`course.dropout_definitions.DEFAULTS` (pretreatment 16 % and
        during-treatment 26.2 % of starters, after Fernandez et al. 2015).

    Returns
    -------
    ipywidgets.VBox or None
        The controls and figure, or ``None`` when :func:`course.widgets.headless`.
    """
    from . import controls_demo, draw_once, headless

    plot = DropoutDefinitionsPlot(**settings)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    sliders = {
        name: widgets.IntSlider(value=int(round(getattr(plot, name))), min=low, max=high, step=step,
                                description=label, style={"description_width": "initial"},
                                layout=widgets.Layout(width="560px"), continuous_update=False)
        for name, (label, low, high, step) in CONTROLS.items()
    }
    return controls_demo(plot, sliders)
