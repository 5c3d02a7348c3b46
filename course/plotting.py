"""Figure defaults for the course: a colour-blind-safe palette and alt text.

Every figure reaches the learner through :func:`show`, which refuses to
display a figure without a text alternative and embeds it as an ``<img>``
with an ``alt`` attribute (screen readers read it), plus a PNG and a text
version for other front ends.

The HRV figures the lessons share live here too, each with a function that
writes its alt text from the data: the tachogram, the power spectrum with
the Task Force bands, and the tachogram with flagged artefacts. They import
the science they draw when called, so importing this module stays light.

References
----------
Okabe M, Ito K (2008). Color universal design (CUD). [@okabe2008]
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

from .i18n import tr

# Okabe–Ito palette (black omitted from the cycle; used for text and axes).
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")]

MIN_ALT_LENGTH = 20

#: One colour per Task Force HRV band, the same in every figure of the course.
BAND_COLOURS = {"VLF": PALETTE["purple"], "LF": PALETTE["orange"], "HF": PALETTE["sky"]}


def use_course_style() -> None:
    """Apply the course's figure defaults (palette, sizes, readable fonts)."""
    plt.rcParams.update({
        "axes.prop_cycle": cycler(color=CYCLE),
        "figure.figsize": (7.0, 3.0),
        "figure.dpi": 100,
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "lines.linewidth": 1.6,
    })


class AltFigure:
    """A rendered figure with its text alternative, displayable by IPython."""

    def __init__(self, png: bytes, alt: str, caption: str | None = None):
        self.png = png
        self.alt = alt
        self.caption = caption

    def _repr_mimebundle_(self, include=None, exclude=None):
        encoded = base64.b64encode(self.png).decode("ascii")
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        figure = (f'<figure style="margin:0"><img src="data:image/png;base64,{encoded}" '
                  f'alt="{html.escape(self.alt, quote=True)}" style="max-width:100%"/>{caption}</figure>')
        return {"text/html": figure, "image/png": encoded, "text/plain": tr("[Figure] {alt}", alt=self.alt)}


def render(fig, alt: str, caption: str | None = None, close: bool = True) -> AltFigure:
    """Render ``fig`` to PNG with its alt text; close it unless ``close=False`` (widgets reuse it)."""
    if not isinstance(alt, str) or len(alt.strip()) < MIN_ALT_LENGTH:
        raise ValueError("Every figure needs alt text: one or two sentences saying what it shows "
                         f"(at least {MIN_ALT_LENGTH} characters).")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight" if _needs_tight_crop(fig, reused=not close) else None)
    if close:
        plt.close(fig)
    return AltFigure(buffer.getvalue(), alt.strip(), caption)


def overflows(fig) -> bool:
    """True if anything drawn on ``fig`` (labels, titles, legends) sticks out of the figure's area."""
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    tolerance = 0.5 / fig.dpi
    return bool(box.x0 < -tolerance or box.y0 < -tolerance or box.x1 > width + tolerance or box.y1 > height + tolerance)


def _needs_tight_crop(fig, reused: bool) -> bool:
    """Whether to crop to the drawn content when saving (``bbox_inches="tight"``).

    Cropping costs a second layout pass. A demo's figure is rendered again
    on every control change, so it is checked once: if its content already
    fits inside the figure, it is saved as it is, which is faster.
    """
    if not reused:
        return True
    if not hasattr(fig, "_course_tight_crop"):
        fig._course_tight_crop = overflows(fig)
    return fig._course_tight_crop


def show(fig, alt: str, caption: str | None = None) -> AltFigure:
    """Display ``fig`` with its alt text in a notebook, close it, and return the displayed object."""
    from IPython.display import display

    shown = render(fig, alt, caption)
    display(shown)
    return shown


def tachogram(nn_ms, ax=None, label: str | None = None):
    """Plot NN intervals (ms) against time (s) and return the axes."""
    from .hrv import beat_times

    nn = np.asarray(nn_ms, dtype=float)
    t = beat_times(nn)
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(t, nn, label=label)
    ax.set_xlabel(tr("Time (s)"))
    ax.set_ylabel(tr("NN interval (ms)"))
    return ax


def describe_tachogram(nn_ms) -> str:
    """Alt text for a tachogram, written from the data it shows."""
    nn = np.asarray(nn_ms, dtype=float)
    return tr("Line chart of {n} NN intervals over {seconds:.0f} seconds. "
              "Intervals range from {low:.0f} to {high:.0f} ms around a mean of {mean:.0f} ms, "
              "rising and falling from beat to beat.", n=nn.size, seconds=nn.sum() / 1000, low=nn.min(),
              high=nn.max(), mean=nn.mean())


def shade_bands(ax, labels: bool = True) -> None:
    """Shade the Task Force VLF, LF and HF bands on ``ax`` (x axis in Hz), labelled along the top."""
    from .spectral import BANDS

    for name, (low, high) in BANDS.items():
        ax.axvspan(low, high, color=BAND_COLOURS[name], alpha=0.18, linewidth=0)
        if labels:
            ax.text(low + 0.004, 0.97, name, transform=ax.get_xaxis_transform(), ha="left", va="top", fontsize=9)


def spectrum_figure(nn_ms, methods=("welch",), title: str | None = None):
    """A figure of the power spectrum of ``nn_ms`` (0-0.5 Hz) with the bands shaded; returns ``(fig, ax)``.

    ``methods`` are ``"welch"`` (:func:`course.spectral.welch_psd`) and/or
    ``"lomb"`` (:func:`course.spectral.lomb_psd`), one line each.
    """
    from . import spectral

    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    shade_bands(ax)
    labels = {"welch": tr("Welch (interpolated, averaged)"), "lomb": tr("Lomb-Scargle (uneven beats)")}
    for method in methods:
        freqs, psd = spectral.welch_psd(nn_ms) if method == "welch" else spectral.lomb_psd(nn_ms)
        keep = freqs <= 0.5
        ax.plot(freqs[keep], psd[keep], label=labels[method])
    ax.set_xlim(0, 0.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(tr("Frequency (Hz)"))
    ax.set_ylabel(tr("Power density (ms²/Hz)"))
    if len(methods) > 1:
        ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    if title:
        ax.set_title(title)
    return fig, ax


def describe_spectrum(nn_ms, method: str = "welch") -> str:
    """Alt text for :func:`spectrum_figure`, written from the numbers it shows."""
    from . import spectral

    m = spectral.frequency_domain(nn_ms, method)
    return tr("Power spectrum from 0 to 0.5 Hz with the VLF, LF and HF bands shaded. "
              "The largest peak in the HF band is at {hf_peak:.2f} Hz and in the LF band at "
              "{lf_peak:.2f} Hz. LF power is {lf:.0f} ms², HF power {hf:.0f} ms², "
              "LF/HF {ratio:.2f}.", hf_peak=m["hf_peak_hz"], lf_peak=m["lf_peak_hz"], lf=m["lf_ms2"], hf=m["hf_ms2"],
              ratio=m["lf_hf"])


def flag_figure(nn_ms, threshold: float | None = None, title: str | None = None):
    """Tachogram with the intervals the artefact rule flags circled; returns ``(fig, alt_text)``.

    ``threshold`` is the artefact rule's (a fraction of the local median;
    default :data:`course.artefacts.DEFAULT_THRESHOLD`).
    """
    from . import artefacts, hrv, spectral

    threshold = artefacts.DEFAULT_THRESHOLD if threshold is None else threshold
    nn = hrv.as_nn_array(nn_ms, min_length=3, metric="Artefact detection")
    flagged = artefacts.flag_artefacts(nn, threshold)
    ax = tachogram(nn, label=tr("Intervals"))
    t = spectral.beat_times(nn)
    ax.scatter(t[flagged], nn[flagged], s=30, facecolors="none", edgecolors=PALETTE["vermillion"],
               linewidths=1.4, label=tr("Flagged ({n})", n=int(flagged.sum())), zorder=3)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    if title:
        ax.set_title(title)
    where = ", ".join(tr("{value:.0f} ms at {time:.0f} s", value=v, time=s)
                      for s, v in zip(t[flagged][:4], nn[flagged][:4]))
    if where:
        flags = tr("{n} intervals differ from the median of their neighbours by more than {pct:.0f} % and are "
                   "circled, for example {where}.", n=int(flagged.sum()), pct=100 * threshold, where=where)
    else:
        flags = tr("{n} intervals differ from the median of their neighbours by more than {pct:.0f} % and are "
                   "circled.", n=int(flagged.sum()), pct=100 * threshold)
    alt = describe_tachogram(nn) + " " + flags
    return ax.figure, alt
