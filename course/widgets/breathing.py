"""Demo: breathing rate moves the respiratory rhythm between the HF and LF bands (lesson 03).

The series is SIMULATED (:mod:`course.breathing`); its amplitudes are
illustrative. One figure (tachogram above, Welch spectrum below, bands
shaded) is created once and its artists are updated when the slider moves.

References
----------
.. [1] Task Force of the ESC and NASPE (1996). *Circulation* 93(5):1043-1065.
   doi:10.1161/01.CIR.93.5.1043 [@taskforce1996]
.. [2] Steffen PR et al. (2017). The impact of resonance frequency breathing
   on measures of heart rate variability, blood pressure, and mood.
   *Front Public Health* 5:222. doi:10.3389/fpubh.2017.00222 [@steffen2017]
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import breathing, plotting, spectral
from ..i18n import format_number, tr
from . import _layout

#: Slider range (breaths per minute).
SLIDER_RANGE = (4, 20)


class BreathingPlot:
    """Simulated tachogram and its spectrum at one breathing rate; ``update`` moves the lines."""

    def __init__(self, breaths_per_min: int = 15):
        low, high = SLIDER_RANGE
        # Fix the axes once, from the largest values the slider can reach, so moving it never rescales.
        everything = [breathing.breathing_spectrum(rate) for rate in range(low, high + 1)]
        nn_top = max(s.nn_ms.max() for s in everything)
        nn_bottom = min(s.nn_ms.min() for s in everything)
        psd_top = max(s.psd_ms2_per_hz[s.freqs_hz <= 0.5].max() for s in everything)
        self.fig, (self.ax_t, self.ax_f) = plt.subplots(2, 1, figsize=(7.5, 5.2))
        (self.tacho,) = self.ax_t.plot([], [], lw=1.2)
        self.ax_t.set_xlim(0, 60)
        self.ax_t.set_ylim(nn_bottom - 20, nn_top + 20)
        self.ax_t.set_xlabel(tr("Time (s), first minute of 5 simulated minutes"))
        self.ax_t.set_ylabel(tr("Interval (ms)"))
        plotting.shade_bands(self.ax_f)
        (self.spec,) = self.ax_f.plot([], [], color=plotting.PALETTE["blue"])
        self.marker = self.ax_f.axvline(0.25, color=plotting.PALETTE["black"], linestyle="--", lw=1.0,
                                        label=tr("Breathing frequency"))
        self.ax_f.set_xlim(0, 0.5)
        self.ax_f.set_ylim(0, 1.1 * psd_top)
        self.ax_f.set_xlabel(tr("Frequency (Hz)"))
        self.ax_f.set_ylabel("ms²/Hz")
        self.ax_f.legend(loc="center right", fontsize=8, framealpha=0.9)
        self.ratio = self.ax_f.text(0.99, 0.80, "", transform=self.ax_f.transAxes, ha="right", va="top",
                                    fontsize=10, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9})
        self.fig.tight_layout()
        self.result = None
        self.update(breaths_per_min)
        _layout.freeze(self.fig, [(self.ax_t, "xy"), (self.ax_f, "xy")])

    def update(self, breaths_per_min: int) -> None:
        """Simulate at the new rate and move the lines and the label; the figure is reused."""
        self.result = r = breathing.breathing_spectrum(breaths_per_min)
        self.tacho.set_data(spectral.beat_times(r.nn_ms), r.nn_ms)
        keep = r.freqs_hz <= 0.5
        self.spec.set_data(r.freqs_hz[keep], r.psd_ms2_per_hz[keep])
        self.marker.set_xdata([r.breathing_hz, r.breathing_hz])
        self.ratio.set_text("LF/HF = " + format_number(r.metrics["lf_hf"], ".2f"))
        self.ax_t.set_title(tr("SIMULATED: breathing {breaths:g} times a minute ({hz:.3f} Hz)",
                               breaths=r.breaths_per_min, hz=r.breathing_hz), fontsize=10, y=_layout.TITLE_Y)

    def summary(self) -> str:
        """One sentence describing the current setting and its LF/HF."""
        return self.result.summary()

    def alt_text(self) -> str:
        """Alt text written from the current simulation."""
        r = self.result
        return tr("Two charts of a simulated recording. Top: the first minute of intervals, rising and falling "
                  "{breaths:g} times a minute. Bottom: its power spectrum with the VLF, LF and HF bands shaded and "
                  "a dashed line at the breathing frequency, {hz:.3f} Hz. ", breaths=r.breaths_per_min,
                  hz=r.breathing_hz) + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure as a displayable image with alt text."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def breathing_demo(breaths_per_min: int = 15):
    """Slider for breathing rate (4-20 breaths/min) on a simulated series; shows the spectrum and LF/HF.

    Returns the widget box (or ``None`` when :func:`course.widgets.headless`).
    """
    from . import draw_once, headless, slider_demo

    plot = BreathingPlot(breaths_per_min)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    low, high = SLIDER_RANGE
    slider = widgets.IntSlider(
        value=breaths_per_min, min=low, max=high, step=1,
        description=tr("Breathing rate (breaths per minute)"),

        style={"description_width": "initial"},
        layout=widgets.Layout(width="480px"),
        continuous_update=False,
    )
    return slider_demo(plot, slider)
