"""Demo: how SDNN and RMSSD vary between windows of one recording (lesson 01-hrv-basics)."""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import hrv, plotting
from ..i18n import tr
from . import _layout


class WindowLengthPlot:
    """SDNN and RMSSD in consecutive windows of one recording, for a chosen window length."""

    def __init__(self, nn_ms, window_s: int = 300, shortest_s: int = 30):
        self.nn = hrv.as_nn_array(nn_ms, min_length=10)
        self.whole = hrv.time_domain(self.nn)
        widest = hrv.windowed_time_domain(self.nn, shortest_s)
        top = 1.1 * max(widest["sdnn_ms"].max(), widest["rmssd_ms"].max(), self.whole["sdnn_ms"])
        self.fig, self.ax = plt.subplots(figsize=(7.5, 3.2))
        (self.sdnn_line,) = self.ax.plot([], [], "o", label=tr("SDNN in each window"))
        (self.rmssd_line,) = self.ax.plot([], [], "s", label=tr("RMSSD in each window"), alpha=0.8)
        self.ax.axhline(self.whole["sdnn_ms"], color=plotting.PALETTE["black"], linestyle="--",
                        label=tr("SDNN of the whole {minutes:.0f}-min recording", minutes=self.whole["duration_s"] / 60))
        self.ax.set_xlim(0, self.whole["duration_s"] / 60)
        self.ax.set_ylim(0, top)
        self.ax.set_xlabel(tr("Start of window (minutes into the recording)"))
        self.ax.set_ylabel("ms")
        self.ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
        self.table = None
        self.update(window_s)
        _layout.freeze(self.fig, [(self.ax, "xy")])

    def update(self, window_s: int) -> None:
        """Recompute the windows and move the points; the figure is reused."""
        self.window_s = int(window_s)
        self.table = hrv.windowed_time_domain(self.nn, self.window_s)
        start_min = self.table["start_s"] / 60
        self.sdnn_line.set_data(start_min, self.table["sdnn_ms"])
        self.rmssd_line.set_data(start_min, self.table["rmssd_ms"])
        self.ax.set_title(tr("{n} windows of {seconds} s", n=len(self.table), seconds=self.window_s),
                          y=_layout.TITLE_Y)

    def summary(self) -> str:
        """One sentence per metric: how much the windows disagree."""
        t = self.table
        return tr("With {seconds}-second windows there are {n} windows. SDNN ranges from {low:.0f} to {high:.0f} ms "
                  "(median {median:.0f} ms); RMSSD from {rlow:.0f} to {rhigh:.0f} ms. Over the whole recording "
                  "SDNN is {whole:.0f} ms.", seconds=self.window_s, n=len(t), low=t["sdnn_ms"].min(),
                  high=t["sdnn_ms"].max(), median=t["sdnn_ms"].median(), rlow=t["rmssd_ms"].min(),
                  rhigh=t["rmssd_ms"].max(), whole=self.whole["sdnn_ms"])

    def alt_text(self) -> str:
        """Alt text written from the current windows."""
        return tr("Dot chart of SDNN and RMSSD for each window across the recording. ") + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure as a displayable image with alt text."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def window_length_demo(nn_ms, window_s: int = 300):
    """Slider for window length; shows how SDNN and RMSSD vary between windows.

    Returns the widget box (or ``None`` when :func:`headless`).
    """
    from . import draw_once, headless, slider_demo

    plot = WindowLengthPlot(nn_ms, window_s)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    slider = widgets.IntSlider(
        value=window_s, min=30, max=600, step=30,
        description=tr("Window length (seconds)"),

        style={"description_width": "initial"},
        layout=widgets.Layout(width="480px"),
        continuous_update=False,
    )
    return slider_demo(plot, slider)
