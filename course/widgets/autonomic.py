"""Demo: vagal tone, sympathetic drive and breathing rate in a simulated tachogram and spectrum.

Lesson 01-nervous-system/02-autonomic-stress-response. The computation is
:func:`course.autonomic.snapshot` (tested in ``tests/test_autonomic.py``);
this module only draws it. One figure is created; its lines are updated in
place when a slider moves.

References
----------
.. [1] McSharry PE et al. (2003). A dynamical model for generating synthetic
   electrocardiogram signals. *IEEE Trans Biomed Eng* 50(3):289-294.
   doi:10.1109/TBME.2003.808805
.. [2] Task Force of the ESC and NASPE (1996). *Circulation* 93(5):1043-1065.
   doi:10.1161/01.CIR.93.5.1043
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import autonomic, plotting
from ..i18n import tr
from . import _layout

#: Highest frequency shown in the spectrum, Hz.
MAX_HZ = 0.5


class AutonomicPlot:
    """A simulated RR tachogram (top) and its Welch spectrum with the Task Force bands (bottom)."""

    def __init__(self, vagal: float = 1.0, sympathetic: float = 1.0,
                 breaths_per_min: float = autonomic.REST_BREATHS_PER_MIN, seed: int = autonomic.DEMO_SEED):
        self.seed = seed
        self.fig, (self.ax_rr, self.ax_psd) = plt.subplots(2, 1, figsize=(7.5, 5.4))
        (self.rr_line,) = self.ax_rr.plot([], [], color=plotting.PALETTE["blue"], linewidth=1.2)
        self.mean_line = self.ax_rr.axhline(0, color=plotting.PALETTE["black"], linestyle="--", linewidth=1,
                                            label=tr("mean RR"))
        self.ax_rr.set_xlim(0, autonomic.RECORDING_S)
        self.ax_rr.set_xlabel(tr("Time (s)"))
        self.ax_rr.set_ylabel(tr("RR interval (ms)"))
        self.ax_rr.legend(loc="upper right", fontsize=9, framealpha=0.9)
        plotting.shade_bands(self.ax_psd)
        (self.psd_line,) = self.ax_psd.plot([], [], color=plotting.PALETTE["vermillion"])
        self.breath_line = self.ax_psd.axvline(0.25, color=plotting.PALETTE["black"], linestyle=":",
                                               linewidth=1.2, label=tr("breathing frequency"))
        self.ax_psd.set_xlim(0, MAX_HZ)
        self.ax_psd.set_xlabel(tr("Frequency (Hz)"))
        self.ax_psd.set_ylabel(tr("Power (ms²/Hz)"))
        self.ax_psd.legend(loc="upper right", fontsize=9, framealpha=0.9)
        self.fig.tight_layout()
        self.state: dict = {}
        self.update(vagal, sympathetic, breaths_per_min)
        _layout.freeze(self.fig, [(self.ax_rr, "x"), (self.ax_psd, "x")])

    def update(self, vagal: float, sympathetic: float, breaths_per_min: float) -> None:
        """Simulate again with new settings and move the lines; the figure is reused."""
        self.state = autonomic.snapshot(vagal, sympathetic, breaths_per_min, seed=self.seed)
        sim = self.state["simulation"]
        self.rr_line.set_data(sim.t_s, sim.rr_ms)
        mean_rr = float(np.mean(sim.rr_ms))
        self.mean_line.set_ydata([mean_rr, mean_rr])
        pad = max(40.0, 0.1 * (sim.rr_ms.max() - sim.rr_ms.min()))
        self.ax_rr.set_ylim(sim.rr_ms.min() - pad, sim.rr_ms.max() + pad)
        shown = self.state["freqs_hz"] <= MAX_HZ
        self.psd_line.set_data(self.state["freqs_hz"][shown], self.state["psd"][shown])
        self.ax_psd.set_ylim(0, 1.15 * float(self.state["psd"][shown].max()))
        hz = breaths_per_min / 60
        self.breath_line.set_xdata([hz, hz])
        self.ax_rr.set_title(tr("Simulated 5-minute recording: vagal ×{vagal:.2f}, sympathetic ×{sympathetic:.2f}, "
                                "{breaths:g} breaths/min", vagal=vagal, sympathetic=sympathetic,
                                breaths=breaths_per_min), fontsize=10, y=_layout.TITLE_Y)

    def summary(self) -> str:
        """The current metrics in one line, with the breathing frequency and its band."""
        s = self.state["simulation"].settings
        hz = s["breaths_per_min"] / 60
        band = self.state["breathing_band"]
        where = tr("in the {band} band", band=band) if band else tr("outside the Task Force bands")
        note = (tr("; the breathing rhythm now counts as LF, so HF power no longer tracks it: read RMSSD")
                if band in ("LF", "VLF") else "")
        return (autonomic.describe_metrics(self.state["metrics"])
                + tr(" (breathing {breaths:g}/min = {hz:.2f} Hz, {where}{note}).", breaths=s["breaths_per_min"],
                     hz=hz, where=where, note=note))

    def alt_text(self) -> str:
        """Alt text written from the current simulation."""
        sim = self.state["simulation"]
        freqs, psd = self.state["freqs_hz"], self.state["psd"]
        peak = float(freqs[np.argmax(psd)])
        band = autonomic.breathing_band(peak * 60)
        where = tr("in the {band} band", band=band) if band else tr("outside the Task Force bands")
        return tr("Two charts of a simulated 5-minute recording. Top: {n} RR intervals over {seconds:.0f} seconds, "
                  "ranging from {low:.0f} to {high:.0f} ms around a mean of {mean:.0f} ms. Bottom: power spectrum "
                  "with shaded VLF, LF and HF bands; its highest peak is at {peak:.2f} Hz, {where}, and the "
                  "breathing frequency is marked at {breathing:.2f} Hz. ",
                  n=sim.rr_ms.size, seconds=sim.t_s[-1], low=sim.rr_ms.min(), high=sim.rr_ms.max(),
                  mean=sim.rr_ms.mean(), peak=peak, where=where,
                  breathing=sim.settings["breaths_per_min"] / 60) + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure as a displayable image with alt text."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def autonomic_demo(vagal: float = 1.0, sympathetic: float = 1.0,
                   breaths_per_min: float = autonomic.REST_BREATHS_PER_MIN, seed: int = autonomic.DEMO_SEED):
    """Three sliders steering a simulated recording; shows its tachogram, spectrum and metrics.

    Returns the widget box (or ``None`` when :func:`course.widgets.headless`).
    """
    from . import controls_demo, draw_once, headless

    plot = AutonomicPlot(vagal, sympathetic, breaths_per_min, seed)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    common = dict(style={"description_width": "initial"}, layout=widgets.Layout(width="480px"),
                  continuous_update=False)
    vagal_slider = widgets.FloatSlider(value=vagal, min=autonomic.VAGAL_RANGE[0], max=autonomic.VAGAL_RANGE[1],
                                       step=0.05, readout_format=".2f",
                                       description=tr("Vagal (parasympathetic) tone"), **common)
    sympathetic_slider = widgets.FloatSlider(value=sympathetic, min=autonomic.SYMPATHETIC_RANGE[0],
                                             max=autonomic.SYMPATHETIC_RANGE[1], step=0.05, readout_format=".2f",
                                             description=tr("Sympathetic drive"), **common)
    breathing_slider = widgets.IntSlider(value=int(breaths_per_min), min=int(autonomic.BREATHING_RANGE[0]),
                                         max=int(autonomic.BREATHING_RANGE[1]), step=1,
                                         description=tr("Breathing rate (breaths/min)"), **common)
    reset = widgets.Button(description=tr("Back to typical rest"),
                           tooltip=tr("Vagal tone 1, sympathetic drive 1, breathing 15 per minute"))


    def to_rest(_button=None):
        vagal_slider.value = 1.0
        sympathetic_slider.value = 1.0
        breathing_slider.value = int(autonomic.REST_BREATHS_PER_MIN)

    reset.on_click(to_rest)
    controls = {"vagal": vagal_slider, "sympathetic": sympathetic_slider, "breaths_per_min": breathing_slider}
    return controls_demo(plot, controls, after=[reset])
