"""Speed helper for the demos: fix layout that matplotlib would otherwise recompute on every draw.

On each draw matplotlib places every axis label beside its tick labels and
every axes title above them, and asks the tick locator and formatter for
the ticks again. When a demo's axis limits never change, those results
never change either, so we compute them once (one ordinary draw) and fix
them with public API (``Axis.set_label_coords``, ``Axes.set_xticks`` /
``set_yticks`` with their labels, and titles at a fixed ``y``). The image is
the same; a redraw is cheaper (see ``benchmarks/widget_speed.py``).
"""

from __future__ import annotations

#: Titles sit at this height (axes coordinates) plus the usual padding, as matplotlib puts them.
TITLE_Y = 1.0


def freeze(fig, fixed) -> None:
    """Fix label positions and ticks of the axes whose limits never change.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The demo's figure, fully built (limits, labels, ticks set).
    fixed : iterable of (axes, str)
        Each axes with the axis letters whose limits are fixed: ``"x"``,
        ``"y"`` or ``"xy"``. Other axes and axis letters keep matplotlib's
        automatic layout.
    """
    fixed = [(ax, which) for ax, which in fixed]
    fig.canvas.draw()
    for ax, which in fixed:
        for letter in which:
            axis = ax.xaxis if letter == "x" else ax.yaxis
            label = axis.label
            if label.get_text():
                anchor = label.get_transform().transform(label.get_position())
                axis.set_label_coords(*ax.transAxes.inverted().transform(anchor))
            low, high = sorted(axis.get_view_interval())
            pairs = [(loc, tick.get_text()) for loc, tick in zip(axis.get_majorticklocs(), axis.get_majorticklabels())
                     if low - 1e-9 * (high - low) <= loc <= high + 1e-9 * (high - low)]
            limits = ax.get_xlim() if letter == "x" else ax.get_ylim()
            set_ticks, set_lim = (ax.set_xticks, ax.set_xlim) if letter == "x" else (ax.set_yticks, ax.set_ylim)
            set_ticks([loc for loc, _ in pairs], [text for _, text in pairs])
            set_lim(*limits)
