"""Demo: one SIMULATED person's eight-week practice log (lesson 03-measuring-change of module 03).

The data and computations live in :mod:`course.practice_log`; this module
only draws them. Left: a dose-response scatter of each day's practice
minutes against that day's craving rating, with a least-squares line.
Right: the same 56 days as a time series, raw values as faint marks and a
trailing rolling mean as a line, with the weekly group sessions marked.
A third control switches between two SIMULATED scenarios
(:data:`course.practice_log.SCENARIOS`): the weak built-in link, and a
CONFOUNDED log in which people who feel better practise more while practice
itself does nothing. Everything shown is SIMULATED.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import plotting, practice_log
from ..i18n import tr
from . import _layout

#: Defaults of the demo.
DEFAULTS = {"person_id": "P01", "window": 7, "scenario": "weak link"}
WINDOW_RANGE = (1, 14)


class PracticeLogPlot:
    """Scatter and time series of one SIMULATED person; :meth:`update` moves the artists in place."""

    def __init__(self, table=None, person_id: str = "P01", window: int = 7, scenario: str = "weak link"):
        if scenario not in practice_log.SCENARIOS:
            practice_log.scenario_log(scenario)  # raises a DataError naming the choices
        self._tables = {scenario: practice_log.scenario_log(scenario) if table is None else table}
        self.scenario = scenario
        self.table = self._tables[scenario]
        self.people = sorted(self.table["person_id"].unique())
        blue, orange, black = plotting.PALETTE["blue"], plotting.PALETTE["vermillion"], plotting.PALETTE["black"]
        self.fig = plt.figure(figsize=(9.6, 4.4))
        grid = self.fig.add_gridspec(2, 2, width_ratios=[1.0, 1.35], hspace=0.12, wspace=0.28)
        self.ax_scatter = self.fig.add_subplot(grid[:, 0])
        self.ax_practice = self.fig.add_subplot(grid[0, 1])
        self.ax_craving = self.fig.add_subplot(grid[1, 1], sharex=self.ax_practice)
        days = np.arange(1, practice_log.DAYS + 1)
        self.days = days

        self.points = self.ax_scatter.scatter([], [], s=22, color=blue, alpha=0.6, edgecolors="none",
                                              label=tr("one day"))
        (self.fit_line,) = self.ax_scatter.plot([], [], color=orange, linewidth=2, label=tr("least-squares line"))
        self.ax_scatter.set_xlim(-1, 1.05 * max(45, float(self.table["practice_min"].max())))
        self.ax_scatter.set_ylim(-0.5, 10.5)
        self.ax_scatter.set_xlabel(tr("Home practice that day (minutes)"))
        self.ax_scatter.set_ylabel(tr("Craving that day (0-10)"))
        self.ax_scatter.legend(loc="upper right", fontsize=8)

        from matplotlib.collections import LineCollection

        self.bars = LineCollection([], colors=plotting.PALETTE["sky"], linewidths=4, label=tr("minutes each day"))
        self.ax_practice.add_collection(self.bars)
        (self.practice_smooth,) = self.ax_practice.plot([], [], color=blue, linewidth=2, label=tr("rolling mean"))
        (self.attended,) = self.ax_practice.plot([], [], "^", color=black, markersize=6, label=tr("group: attended"))
        (self.missed,) = self.ax_practice.plot([], [], "^", mfc="white", color=black, markersize=6,
                                               label=tr("group: missed"))
        self.ax_practice.set_ylabel(tr("Practice (min)"))
        self.ax_practice.set_ylim(-8, 1.4 * max(45, float(self.table["practice_min"].max())))
        self.ax_practice.axhline(0, color=black, linewidth=0.6)
        self.ax_practice.legend(loc="upper center", fontsize=7, ncol=4, framealpha=0.9, handlelength=1.2,
                                columnspacing=0.8)
        self.ax_practice.tick_params(labelbottom=False)

        (self.craving_raw,) = self.ax_craving.plot([], [], ".", color=orange, alpha=0.45, label=tr("rating each day"))
        (self.craving_smooth,) = self.ax_craving.plot([], [], color=orange, linewidth=2, linestyle="-",
                                                      label=tr("rolling mean"))
        self.ax_craving.set_ylim(-0.5, 10.5)
        self.ax_craving.set_xlim(0.3, practice_log.DAYS + 0.7)
        self.ax_craving.set_xticks(list(practice_log.SESSION_DAYS),
                                   [tr("wk {k}", k=k + 1) for k in range(practice_log.WEEKS)],
                                   fontsize=8)
        self.ax_craving.set_xlabel(tr("Day of the programme (group session days marked)"))
        self.ax_craving.set_ylabel(tr("Craving (0-10)"))
        self.ax_craving.legend(loc="upper center", fontsize=7, ncol=2, framealpha=0.9)

        self.title = self.fig.suptitle("", fontsize=11, fontweight="bold")
        self.person_id, self.window, self.fit, self.log = None, None, None, None
        self.update(person_id, window)
        _layout.freeze(self.fig, [(self.ax_scatter, "xy"), (self.ax_practice, "y"), (self.ax_craving, "xy")])

    def update(self, person_id: str | None = None, window: int | None = None, scenario: str | None = None) -> None:
        """Show another person, smoothing window or scenario; arguments left as None keep their value."""
        if scenario is not None and scenario != self.scenario:
            if scenario not in self._tables:
                self._tables[scenario] = practice_log.scenario_log(scenario)
            self.scenario = scenario
            self.table = self._tables[scenario]
        if person_id is not None:
            self.person_id = person_id
        if window is not None:
            self.window = int(window)
        log = practice_log.person_log(self.table, self.person_id)
        self.log = log
        minutes = log["practice_min"].to_numpy(dtype=float)
        craving = log["craving_0_10"].to_numpy(dtype=float)
        self.fit = practice_log.dose_response(minutes, craving)

        self.points.set_offsets(np.column_stack([minutes, craving]))
        xs = np.array([0.0, max(40.0, minutes.max())])
        self.fit_line.set_data(xs, self.fit["intercept"] + self.fit["slope_per_10_min"] / 10 * xs)
        self.ax_scatter.set_title(tr("{person}: r = {r:.2f}, {slope:+.2f} points per 10 min", person=self.person_id,
                                     r=self.fit["r"], slope=self.fit["slope_per_10_min"]),
                                  fontsize=10, y=_layout.TITLE_Y)

        self.bars.set_segments([[(day, 0.0), (day, height)] for day, height in zip(self.days, minutes)])
        self.practice_smooth.set_data(self.days, practice_log.rolling_mean(minutes, self.window))
        marker_y = -4.0
        sessions = log[log["group_session"] != "none"]
        went = sessions[sessions["group_session"] == "attended"]["day"].to_numpy()
        skipped = sessions[sessions["group_session"] == "missed"]["day"].to_numpy()
        self.attended.set_data(went, np.full(went.size, marker_y))
        self.missed.set_data(skipped, np.full(skipped.size, marker_y))
        self.craving_raw.set_data(self.days, craving)
        self.craving_smooth.set_data(self.days, practice_log.rolling_mean(craving, self.window))
        self.ax_practice.set_title(tr("Over 8 weeks ({window}-day rolling mean)", window=self.window),
                                   fontsize=10, y=_layout.TITLE_Y)
        self.title.set_text(tr("{scenario} (invented data, not a study result)",
                               scenario=tr(practice_log.SCENARIOS[self.scenario][0])))

    def summary(self) -> str:
        """One or two sentences with the scenario, the person, the window and the numbers shown."""
        text = practice_log.describe_person(self.table, self.person_id, self.window)
        if self.scenario == "confounded":
            text += tr(" CONFOUNDED scenario: practice has no effect on craving here; people practise more when "
                       "they feel better, and feeling better also lowers craving.")
        return text

    def alt_text(self) -> str:
        """Alt text written from the current person's log."""
        return tr("Left: scatter of 56 SIMULATED days, practice minutes against craving rating, with a "
                  "least-squares line and much scatter around it. Right: the same days over 8 weeks, "
                  "practice minutes as bars and craving ratings as dots, each with a rolling-mean line; triangles "
                  "mark weekly group sessions, filled if attended. ") + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the numbers."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def practice_log_demo(**settings):
    """A dropdown to pick a SIMULATED person and a slider for the smoothing window.

    Parameters
    ----------
    **settings
        Start values for ``person_id``, ``window`` and ``scenario`` (see :data:`DEFAULTS`).

    Returns
    -------
    ipywidgets.VBox or None
        The controls and figure, or ``None`` when :func:`course.widgets.headless`.
    """
    from . import controls_demo, draw_once, headless

    values = {**DEFAULTS, **settings}
    plot = PracticeLogPlot(person_id=values["person_id"], window=values["window"], scenario=values["scenario"])
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    person = widgets.Dropdown(options=plot.people, value=values["person_id"],
                              description=tr("Simulated person"), style={"description_width": "initial"})
    window = widgets.IntSlider(value=int(values["window"]), min=WINDOW_RANGE[0], max=WINDOW_RANGE[1], step=1,
                               description=tr("Rolling-mean window (days)"), continuous_update=False,
                               style={"description_width": "initial"}, layout=widgets.Layout(width="480px"))
    scenario = widgets.Dropdown(options=[(tr(label), key) for key, (label, _) in practice_log.SCENARIOS.items()],
                                value=values["scenario"], description=tr("Simulated scenario"),

                                style={"description_width": "initial"})
    return controls_demo(plot, {"scenario": scenario, "person_id": person, "window": window})
