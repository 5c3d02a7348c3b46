"""Demo: one SIMULATED cohort, four definitions of "dropout" (lesson 02-what-dropout-data-say).

The computation lives in :func:`course.dropout_definitions.cohort_flow` and
:func:`course.dropout_definitions.definition_table`; this module only draws
them. Everything shown is SIMULATED: 100 imaginary people, not trial data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import dropout_definitions as dd
from .. import plotting
from ..i18n import N_, format_number, tr
from . import _layout

#: Slider name -> (label a screen reader announces, minimum, maximum, step).
CONTROLS = {
    "lost_before_start_pct": (N_("Lost before session 1 (% of those randomised)"), 0, 50, 1),
    "lost_before_mid_pct": (N_("Lost between session 1 and mid-treatment (% of starters)"), 0, 50, 1),
    "lost_after_mid_pct": (N_("Lost between mid-treatment and the last session (%)"), 0, 50, 1),
    "completers_not_assessed_pct": (N_("Completers who miss the post-treatment assessment (%)"), 0, 50, 1),
    "leavers_assessed_pct": (N_("People who left treatment but still give the assessment (%)"), 0, 100, 5),
}
SETTINGS = list(CONTROLS)
#: Stage labels and definition names from :mod:`course.dropout_definitions`, marked so the figure and
#: summary can show them translated (the English stays the key in the data).
SHOWN_NAMES = (N_("randomised"), N_("attended session 1"), N_("reached mid-treatment"),
               N_("completed the planned sessions"), N_("gave the post-treatment assessment"),
               N_("did not start treatment"), N_("did not complete treatment (of those randomised)"),
               N_("did not complete treatment (of those who started)"), N_("missed the post-treatment assessment"))
STAGE_ORDER = ["randomised", "started", "mid_treatment", "completed"]


class DropoutDefinitionsPlot:
    """People at each stage (left) and the dropout percentage under four definitions (right)."""

    def __init__(self, **settings):
        values = {**{k: dd.DEFAULTS[k] for k in SETTINGS}, **settings}
        self.n_randomised = int(settings.get("n_randomised", dd.DEFAULTS["n_randomised"]))
        self.fig, (self.ax_flow, self.ax_def) = plt.subplots(
            1, 2, figsize=(10.0, 3.8), gridspec_kw={"width_ratios": [1.0, 1.15]})
        blue, orange, sky = plotting.PALETTE["blue"], plotting.PALETTE["orange"], plotting.PALETTE["sky"]
        labels = [tr(dd.STAGES[s]) for s in STAGE_ORDER] + [tr(dd.STAGES["assessed"])]
        ys = list(range(len(labels)))[::-1]
        self.stage_bars = self.ax_flow.barh(ys[:-1], [0] * len(STAGE_ORDER), color=blue)
        self.assessed_completers = self.ax_flow.barh(ys[-1], 0, color=blue)
        self.assessed_leavers = self.ax_flow.barh(ys[-1], 0, color=sky, hatch="//", edgecolor="white")
        self.flow_text = [self.ax_flow.text(0, y, "", va="center", fontsize=9) for y in ys]
        self.ax_flow.set_yticks(ys, labels, fontsize=9)
        self.ax_flow.set_xlim(0, self.n_randomised * 1.45)
        self.ax_flow.set_xlabel(tr("People"))
        self.ax_flow.set_title(tr("{n} people randomised", n=self.n_randomised), fontsize=10, y=_layout.TITLE_Y)
        self.ax_flow.grid(axis="y", alpha=0)

        dys = list(range(len(dd.DEFINITIONS)))[::-1]
        self.def_bars = self.ax_def.barh(dys, [0] * len(dys), color=orange)
        self.def_text = [self.ax_def.text(0, y, "", va="center", fontsize=9) for y in dys]
        wrapped = [tr("did not start\ntreatment"), tr("did not complete\n(of those randomised)"),
                   tr("did not complete\n(of those who started)"), tr("missed the post-\ntreatment assessment")]
        self.ax_def.set_yticks(dys, wrapped, fontsize=9)
        self.ax_def.set_xlim(0, 100)
        self.ax_def.set_xlabel(tr("Dropout (%) under this definition"))
        self.ax_def.set_title(tr("Same people, four definitions"), fontsize=10, y=_layout.TITLE_Y)
        self.ax_def.grid(axis="y", alpha=0)
        self.fig.suptitle(tr("SIMULATED cohort (not real data): what counts as dropout?"), fontsize=11,
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
        last.set_text(tr("{done} completers\n+ {left} who left", done=done, left=left))
        last.set_fontsize(8)
        for bar, text, row in zip(self.def_bars, self.def_text, self.table.itertuples()):
            pct = 0.0 if row.out_of == 0 else row.dropout_pct
            bar.set_width(pct)
            text.set_position((pct + 1, text.get_position()[1]))
            text.set_text(tr("undefined (nobody to count)") if row.out_of == 0
                          else tr("{pct:.1f}%  ({dropouts} of {out_of})", pct=row.dropout_pct,
                                  dropouts=row.dropouts, out_of=row.out_of))

    def summary(self) -> str:
        """One or two sentences with the settings and the four percentages."""
        f, t = self.flow, self.table
        pcts = ", ".join(f"{tr(row.definition)} {format_number(row.dropout_pct, '.1f')}%" for row in t.itertuples())
        low, high = t["dropout_pct"].min(), t["dropout_pct"].max()
        return tr("SIMULATED cohort: of {randomised} randomised, {started} attended session 1, {mid} reached "
                  "mid-treatment, {completed} completed and {assessed} gave the post-treatment assessment. "
                  "Dropout by definition: {pcts}. Range {low:.1f}% to {high:.1f}% for the same people.",
                  randomised=f["randomised"], started=f["started"], mid=f["mid_treatment"],
                  completed=f["completed"], assessed=f["assessed"], pcts=pcts, low=low, high=high)

    def alt_text(self) -> str:
        """Alt text written from the current numbers."""
        return tr("Two bar charts of a SIMULATED trial arm: on the left, the number of people still present at "
                  "each stage from randomisation to the post-treatment assessment; on the right, the dropout "
                  "percentage under four definitions. ") + self.summary()

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
                                description=tr(label), style={"description_width": "initial"},

                                layout=widgets.Layout(width="560px"), continuous_update=False)
        for name, (label, low, high, step) in CONTROLS.items()
    }
    return controls_demo(plot, sliders)
