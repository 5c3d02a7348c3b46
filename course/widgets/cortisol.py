"""Demo: a SIMULATED cortisol day curve, and what a late "waking" sample does to it (lesson 04-hpa-axis-cortisol).

The computation lives in :func:`course.cortisol.compare_true_and_measured`;
this module only draws it. Everything shown is SIMULATED and relative to the
level at the moment of waking.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import cortisol, plotting
from ..i18n import N_, format_number, tr
from . import _layout

#: Defaults of the demo: slider name -> value.
DEFAULTS = {"car_rise_pct": 60, "peak_min": 40, "decline_pct_h": 10, "delay_min": 0}
WAKE_CLOCK_H = 7.0


def _clock(minutes):
    """Minutes after a 07:00 waking -> clock hours."""
    return WAKE_CLOCK_H + np.asarray(minutes, dtype=float) / 60.0


class CortisolDayPlot:
    """The true SIMULATED curve, the course's samples, and measured versus true metrics."""

    def __init__(self, car_rise_pct: float = 60, peak_min: float = 40, decline_pct_h: float = 10,
                 delay_min: float = 0):
        self.fig, (self.ax_car, self.ax_day) = plt.subplots(
            1, 2, figsize=(9.0, 3.6), gridspec_kw={"width_ratios": [1.1, 1.0]})
        blue, orange, black = plotting.PALETTE["blue"], plotting.PALETTE["vermillion"], plotting.PALETTE["black"]
        self.grid_car = np.arange(0.0, 91.0)
        self.grid_day = np.arange(0.0, 901.0, 5.0)
        self.latent = self.ax_car.axvspan(0, cortisol.LATENT_MIN, color=plotting.PALETTE["sky"], alpha=0.2,
                                          label=tr("no rise yet (first ~{minutes:.0f} min)",
                                                   minutes=cortisol.LATENT_MIN))
        (self.true_car,) = self.ax_car.plot([], [], color=blue, label=tr("true curve (simulated)"))
        (self.taken,) = self.ax_car.plot([], [], "o", color=orange, label=tr("samples, when really taken"))
        (self.assumed,) = self.ax_car.plot([], [], "s", mfc="none", color=black,
                                           label=tr("samples, as the protocol assumes"))
        (self.true_day,) = self.ax_day.plot([], [], color=blue)
        (self.day_points,) = self.ax_day.plot([], [], "o", color=orange)
        self.ax_car.set_xlim(-2, 90)
        self.ax_car.set_xlabel(tr("Minutes after actually waking (07:00)"))
        self.ax_car.set_ylabel(tr("Cortisol relative to waking"))
        self.ax_car.legend(loc="lower right", fontsize=7.5, framealpha=0.9)
        self.ax_day.set_xlim(6.5, 22.5)
        self.ax_day.set_xticks([7, 12, 17, 22], ["07:00", "12:00", "17:00", "22:00"])
        self.ax_day.set_xlabel(tr("Time of day"))
        self.ax_day.set_title(tr("The whole day"), fontsize=10, y=_layout.TITLE_Y)
        self.table = self.ax_day.text(0.98, 0.97, "", transform=self.ax_day.transAxes, ha="right", va="top",
                                      fontsize=8, family="monospace",
                                      bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.95))
        self.fig.suptitle(tr("SIMULATED cortisol day curve (not real data)"), fontsize=11, fontweight="bold")
        self.fig.tight_layout()
        self.result = None
        self.update(car_rise_pct, peak_min, decline_pct_h, delay_min)
        _layout.freeze(self.fig, [(self.ax_car, "x"), (self.ax_day, "x")])

    def update(self, car_rise_pct=None, peak_min=None, decline_pct_h=None, delay_min=None) -> None:
        """Recompute and move the artists; arguments left as None keep their value."""
        for name, value in dict(car_rise_pct=car_rise_pct, peak_min=peak_min,
                                decline_pct_h=decline_pct_h, delay_min=delay_min).items():
            if value is not None:
                setattr(self, name, float(value))
        params = dict(car_rise=self.car_rise_pct / 100, peak_min=self.peak_min,
                      decline_per_h=self.decline_pct_h / 100)
        self.result = cortisol.compare_true_and_measured(delay_min=self.delay_min, **params)
        s = self.result["samples"]
        car = s[s["sample"].isin(cortisol.CAR_SAMPLES)]
        self.true_car.set_data(self.grid_car, cortisol.true_curve(self.grid_car, **params))
        self.taken.set_data(car["actual_min"], car["true_rel"])
        self.assumed.set_data(car["scheduled_min"], car["measured_rel"])
        self.true_day.set_data(_clock(self.grid_day), cortisol.true_curve(self.grid_day, **params))
        self.day_points.set_data(_clock(s["actual_min"]), s["true_rel"])
        top = 1.1 * max(2.0, float(car["measured_rel"].max()), float(car["true_rel"].max()))
        self.ax_car.set_ylim(0, top)
        self.ax_day.set_ylim(0, top)
        self.ax_car.set_title(tr("First 90 minutes: waking sample {delay:.0f} min late", delay=self.delay_min),
                              fontsize=10, y=_layout.TITLE_Y)
        r = self.result

        rows = [(tr("CAR rise %"), "car_pct", ".0f"), ("AUCg 0-60", "aucg", ".1f"), ("AUCi 0-60", "auci", ".1f"),
                (tr("slope %/h"), "slope_pct_h", ".1f")]
        width = max(len(label) for label, _, _ in rows) + 1  # 11 in English

        def row(label, key, fmt):
            return (label.ljust(width) + format_number(r[f"true_{key}"], "5" + fmt) + " "
                    + format_number(r[f"on_time_{key}"], "7" + fmt) + " " + format_number(r[f"measured_{key}"], "5" + fmt))

        header = " " * width + tr("true").rjust(5) + " " + tr("on time").rjust(7) + " " + tr("late").rjust(5)
        self.table.set_text("\n".join([header, *(row(*spec) for spec in rows)]))

    def summary(self) -> str:
        """One or two sentences with the settings and the true versus measured numbers."""
        r = self.result
        return tr("SIMULATED day: morning rise {rise:.0f} % peaking {peak:.0f} min after waking, falling "
                  "{decline:.0f} % per hour, waking sample {delay:.0f} min late. Measured CAR rise {car:.0f} % "
                  "(true {true_car:.0f} %; on time it would read {on_time_car:.0f} %); AUCi 0-60 min measured "
                  "{auci:.1f}, true {true_auci:.1f}; slope measured {slope:.1f} % per hour, true {true_slope:.1f}.",
                  rise=self.car_rise_pct, peak=self.peak_min, decline=self.decline_pct_h, delay=self.delay_min,
                  car=r["measured_car_pct"], true_car=r["true_car_pct"], on_time_car=r["on_time_car_pct"],
                  auci=r["measured_auci"], true_auci=r["true_auci"], slope=r["measured_slope_pct_h"],
                  true_slope=r["true_slope_pct_h"])

    def alt_text(self) -> str:
        """Alt text written from the current numbers."""
        return tr("Two line charts of a SIMULATED cortisol curve relative to waking: the first 90 minutes with "
                  "the morning rise and the sampled points, and the whole day from 07:00 to 22:00 falling "
                  "towards evening. ") + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the numbers."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def cortisol_day_demo(**settings):
    """Sliders for the SIMULATED cortisol day: morning rise, peak time, daily fall, sampling delay.

    Parameters
    ----------
    **settings
        Start values for ``car_rise_pct``, ``peak_min``, ``decline_pct_h``
        and ``delay_min`` (see :data:`DEFAULTS`).

    Returns
    -------
    ipywidgets.VBox or None
        The controls and figure, or ``None`` when :func:`course.widgets.headless`.
    """
    from . import controls_demo, draw_once, headless

    values = {**DEFAULTS, **settings}
    plot = CortisolDayPlot(**values)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    def slider(name, description, low, high, step):
        return widgets.IntSlider(value=int(values[name]), min=low, max=high, step=step, description=tr(description),
                                 style={"description_width": "initial"}, layout=widgets.Layout(width="520px"),
                                 continuous_update=False)

    sliders = {
        "car_rise_pct": slider("car_rise_pct", N_("Morning rise at its peak (% above waking)"), 0, 100, 5),
        "peak_min": slider("peak_min", N_("Minutes from waking to the morning peak"), 20, 45, 1),
        "decline_pct_h": slider("decline_pct_h", N_("Fall over the day (% per hour)"), 0, 20, 1),
        "delay_min": slider("delay_min", N_("Minutes between waking and the 'waking' sample"), 0, 30, 1),

    }
    return controls_demo(plot, sliders)
