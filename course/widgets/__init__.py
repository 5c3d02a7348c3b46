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


from .window_length import WindowLengthPlot, window_length_demo  # noqa: E402

__all__ = ["headless", "WindowLengthPlot", "window_length_demo"]
