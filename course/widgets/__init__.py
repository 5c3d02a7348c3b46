"""Interactive demos: ipywidgets wired to tested, pure functions in ``course``.

One module per demo. Each keeps one matplotlib figure and updates its
artists in place when a control moves. Under nbgrader
(``NBGRADER_EXECUTION``) or with ``COURSE_HEADLESS`` set, a demo draws once
with its defaults and shows no controls, so grading and CI never wait on a
widget.
"""

from __future__ import annotations

import os


def headless() -> bool:
    """True when notebooks run without a person at the controls (grading, CI)."""
    return bool(os.environ.get("NBGRADER_EXECUTION") or os.environ.get("COURSE_HEADLESS"))


def slider_demo(plot, slider):
    """Wire one slider to a demo plot and display them with a caption; return the widget box.

    ``plot`` needs ``update(value)``, ``summary()`` (one plain sentence),
    ``render()`` (an image with alt text) and ``fig``. The figure is reused
    on every change, never rebuilt.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    caption = widgets.HTML()
    out = widgets.Output()

    def redraw(change=None):
        if change is not None:
            plot.update(change["new"])
        caption.value = f"<p>{plot.summary()}</p>"
        with out:
            out.clear_output(wait=True)
            display(plot.render())

    slider.observe(redraw, names="value")
    redraw()
    plt.close(plot.fig)  # keep the figure object; stop the inline backend from showing it again
    box = widgets.VBox([slider, caption, out])
    display(box)
    return box


from .window_length import WindowLengthPlot, window_length_demo  # noqa: E402

__all__ = ["headless", "slider_demo", "WindowLengthPlot", "window_length_demo"]
