"""Interactive demos: ipywidgets wired to tested, pure functions in ``course``.

One module per demo. Each keeps one matplotlib figure in a *plot* object
and updates its artists in place when a control moves. Every plot has

- ``fig``: the figure, created once;
- ``update(...)``: apply new settings and move the artists;
- ``summary()``: one or two plain sentences about what is shown;
- ``alt_text()``: the figure's text alternative, written from the data;
- ``render()``: the figure as an image with that alt text
  (:class:`course.plotting.AltFigure`).

:func:`controls_demo` wires labelled controls to a plot and shows them. Under
nbgrader (``NBGRADER_EXECUTION``) or with ``COURSE_HEADLESS`` set, a demo
calls :func:`draw_once` instead: the figure is drawn once with its defaults
and no controls are built, so grading and CI never wait on a widget.
"""

from __future__ import annotations

import os


def headless() -> bool:
    """True when notebooks run without a person at the controls (grading, CI)."""
    return bool(os.environ.get("NBGRADER_EXECUTION") or os.environ.get("COURSE_HEADLESS"))


def draw_once(plot) -> None:
    """Show ``plot``'s figure and summary once, without controls, and close the figure (returns None).

    Every demo starts with ``if headless(): return draw_once(plot)``.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(plot.render())
    print(plot.summary())
    plt.close(plot.fig)


def controls_demo(plot, controls: dict, *, update=None, handlers=None, before=(), after=(), caption=None,
                  report=None, layout=None):
    """Wire labelled controls to a demo plot, display them with a caption and the figure; return the box.

    The figure is reused on every change, never rebuilt.

    Parameters
    ----------
    plot
        The demo's plot (see the module's docstring). If it has a
        ``has_figure`` attribute that is False, the figure area stays empty
        (the HRV lab before a file is uploaded).
    controls : dict
        ``{name: widget}`` for every control that changes the plot.
    update : callable, optional
        Called as ``update(values)`` with ``{name: value}`` of every control
        when one of them changes (default ``plot.update(**values)``).
    handlers : dict, optional
        ``{name: handler}``: a change of that control calls
        ``handler(new_value)`` instead of ``update`` (an upload, a control
        that sets another one).
    before, after : sequence of widgets
        Extra widgets (a scenario menu, a reset button) placed before and
        after the controls.
    caption : callable, optional
        ``caption(plot)`` gives the HTML shown above the figure (default:
        ``plot.summary()``, escaped, in a paragraph).
    report : callable, optional
        ``report(plot)`` gives HTML for a message area under the figure
        (a list of warnings); none by default.
    layout : callable, optional
        ``layout(parts)`` returns the box's children, given ``parts`` with the
        widgets ``"caption"``, ``"figure"`` and ``"report"`` (None without
        ``report``); by default before, controls, after, caption, figure and
        report, one below the other.

    Returns
    -------
    ipywidgets.VBox
        The displayed box, with the attributes ``plot``, ``controls``,
        ``caption``, ``figure`` and ``report`` (tests and benchmarks use them).
    """
    import html

    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    update = update or (lambda values: plot.update(**values))
    handlers = handlers or {}
    caption = caption or (lambda p: f"<p>{html.escape(p.summary())}</p>")
    parts = {"caption": widgets.HTML(), "figure": widgets.Output(), "report": widgets.HTML() if report else None}

    def redraw():
        parts["caption"].value = caption(plot)
        if report:
            parts["report"].value = report(plot)
        with parts["figure"]:
            parts["figure"].clear_output(wait=True)
            if getattr(plot, "has_figure", True):
                display(plot.render())

    def changed(name):
        def on_change(change):
            if name in handlers:
                handlers[name](change["new"])
            else:
                update({key: control.value for key, control in controls.items()})
            redraw()
        return on_change

    for name, control in controls.items():
        control.observe(changed(name), names="value")
    redraw()
    plt.close(plot.fig)  # keep the figure object; stop the inline backend from showing it again
    if layout is None:
        children = [*before, *controls.values(), *after, parts["caption"], parts["figure"]]
        children += [parts["report"]] if report else []
    else:
        children = layout(parts)
    box = widgets.VBox(children)
    box.plot, box.controls = plot, controls
    box.caption, box.figure, box.report = parts["caption"], parts["figure"], parts["report"]
    display(box)
    return box


def slider_demo(plot, slider):
    """:func:`controls_demo` for one slider whose value is passed to ``plot.update(value)``."""
    return controls_demo(plot, {"value": slider}, update=lambda values: plot.update(values["value"]))


from .window_length import WindowLengthPlot, window_length_demo  # noqa: E402

__all__ = ["headless", "draw_once", "controls_demo", "slider_demo", "WindowLengthPlot", "window_length_demo"]
