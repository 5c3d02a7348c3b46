"""Accessibility checks for the interactive demos (run by ``tests/test_accessibility.py``).

Each check returns a list of problems, one plain sentence each; an empty
list means the demo passes. The conventions are in docs/AUTHORING.md
("Figures and accessibility"):

- every control (slider, dropdown, select, checkbox, toggle button, button,
  text box, file upload) has a description a screen reader can announce, or
  a visible label just before it in the same row; it is not disabled; every
  option of a menu has a visible label;
- a control that fires while it is dragged or typed into
  (``continuous_update=True``) is cheap: one change redraws within
  :data:`CHEAP_UPDATE_S`;
- every figure a demo displays is an image with alt text of at least
  :data:`course.plotting.MIN_ALT_LENGTH` characters, in an HTML ``<img alt=...>``;
- every colour a demo draws with comes from :data:`course.plotting.PALETTE`
  (or is a grey), so the colour-blind-safe palette is the one actually used.

The palette itself is checked in ``tests/test_plotting.py`` and the single
``# `` heading of each lesson in :func:`course.publish.lesson_checks.check_structure`.

Demos are found, not listed: :func:`discover_demos` imports every module in
``course/widgets/`` and takes each public function whose name ends in
``_demo``. A demo with a required argument needs an entry in
:data:`DEMO_ARGUMENTS`.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import inspect
import os
import pkgutil
import re
import statistics
import time
from dataclasses import dataclass, field

import numpy as np

from .. import plotting

#: A continuously updating control must redraw within this many seconds (median of a few changes).
CHEAP_UPDATE_S = 0.05
#: Descriptions that say nothing about what the control does.
GENERIC_WORDS = {"value", "values", "slider", "dropdown", "select", "button", "checkbox", "check", "toggle",
                 "text", "input", "control", "widget", "option", "options", "choose", "click", "x", "y", "n"}
#: How a required demo argument is made: parameter name -> factory (no arguments).
DEMO_ARGUMENTS = {
    "nn_ms": lambda: _load_hour(),
}
#: Environment variables that make a demo headless (see :func:`course.widgets.headless`).
HEADLESS_VARIABLES = ("COURSE_HEADLESS", "NBGRADER_EXECUTION")


def _load_hour():
    from .. import data

    return data.load_nsrdb_nn("60min")


# --- finding and building the demos ------------------------------------------------------


def discover_demos(package: str = "course.widgets") -> dict:
    """Every public ``*_demo`` function defined in a module of ``package``, by ``module.function``."""
    pkg = importlib.import_module(package)
    found = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_demo") and not name.startswith("_") and func.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = func
    return found


def demo_arguments(func) -> dict:
    """Keyword arguments for the demo's required parameters (those without a default).

    Raises
    ------
    LookupError
        If a required parameter has no entry in :data:`DEMO_ARGUMENTS`.
    """
    kwargs = {}
    for name, param in inspect.signature(func).parameters.items():
        if param.default is not inspect.Parameter.empty or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name not in DEMO_ARGUMENTS:
            raise LookupError(f"{func.__module__}.{func.__name__} needs an argument {name!r}; add a way to make "
                              "one to course.publish.accessibility.DEMO_ARGUMENTS so the checks can build the demo.")
        kwargs[name] = DEMO_ARGUMENTS[name]()
    return kwargs


@dataclass
class Capture:
    """What a demo displayed and which figures it rendered while :func:`capture` was active."""

    displayed: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    renders: int = 0

    def display(self, *objects, **_kwargs):
        self.displayed.extend(objects)


@contextlib.contextmanager
def capture(headless: bool = False):
    """Record ``display(...)`` and ``plotting.render(...)`` calls; set or unset the headless variables.

    The demos import ``display`` when they are called, so a demo built inside
    this block keeps reporting to the capture afterwards (when a control moves).
    """
    import IPython.display

    record = Capture()
    original_render, original_display = plotting.render, IPython.display.display
    saved = {name: os.environ.get(name) for name in HEADLESS_VARIABLES}

    def render(fig, *args, **kwargs):
        record.renders += 1
        if fig not in record.figures:
            record.figures.append(fig)
        return original_render(fig, *args, **kwargs)

    for name in HEADLESS_VARIABLES:
        os.environ.pop(name, None)
    if headless:
        os.environ["COURSE_HEADLESS"] = "1"
    plotting.render, IPython.display.display = render, record.display
    try:
        yield record
    finally:
        plotting.render, IPython.display.display = original_render, original_display
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


# --- the widget tree -----------------------------------------------------------------------


def iter_widgets(root, parent=None, index=0):
    """``(widget, parent, index_in_parent)`` for ``root`` and everything inside it, depth first."""
    yield root, parent, index
    for i, child in enumerate(getattr(root, "children", ()) or ()):
        yield from iter_widgets(child, root, i)


def is_control(widget) -> bool:
    """True for a widget a person operates (it can be disabled), not for text, images or boxes."""
    import ipywidgets

    if isinstance(widget, (ipywidgets.Valid, ipywidgets.Box)):  # Valid only shows a tick or a cross
        return False
    return isinstance(widget, ipywidgets.DOMWidget) and "disabled" in widget.trait_names()


def describe(widget) -> str:
    """A short name for a widget in a message: its class and description."""
    text = getattr(widget, "description", "") or ""
    return f"{type(widget).__name__} {text!r}" if text else f"{type(widget).__name__} (no description)"


def readability_problem(text) -> str | None:
    """Why ``text`` is not a label a screen reader can usefully announce, or None if it is."""
    words = html.unescape(re.sub(r"<[^>]+>", " ", str(text or ""))).strip()
    if not words:
        return "has no description"
    if not re.search(r"[A-Za-z]{2}", words):
        return f"has a description without words ({words!r})"
    if re.fullmatch(r"[A-Za-z0-9]*(_[A-Za-z0-9]*)+", words) or re.fullmatch(r"[a-z]+[A-Z]\w*", words):
        return f"has a variable name, not words, as its description ({words!r})"
    if words.lower().rstrip(":. ") in GENERIC_WORDS:
        return f"has a description that does not say what it controls ({words!r})"
    return None


def _label_before(parent, index) -> str:
    """Text of a Label/HTML just before position ``index`` in the same row, or ''."""
    import ipywidgets

    if parent is None or index == 0 or not isinstance(parent, ipywidgets.HBox):
        return ""
    before = parent.children[index - 1]
    return before.value if isinstance(before, (ipywidgets.Label, ipywidgets.HTML, ipywidgets.HTMLMath)) else ""


def check_labels(root) -> list[str]:
    """Every control has a readable description (or a label just before it); menus label every option."""
    problems = []
    for widget, parent, index in iter_widgets(root):
        if not is_control(widget):
            continue
        problem = readability_problem(getattr(widget, "description", ""))
        if problem and readability_problem(_label_before(parent, index)) is None:
            problem = None  # an accompanying visible label
        if problem:
            problems.append(f"{describe(widget)} {problem}; give it a description a screen reader can announce.")
        for label in getattr(widget, "_options_labels", ()) or ():
            if not str(label).strip():
                problems.append(f"{describe(widget)} has an option without a visible label.")
    return problems


def check_enabled(root) -> list[str]:
    """No control is disabled (a disabled control cannot be reached with the keyboard)."""
    return [f"{describe(w)} is disabled; a learner cannot use it." for w, _, _ in iter_widgets(root)
            if is_control(w) and w.disabled]


def _other_value(widget):
    """A valid value different from the current one, or None if the control cannot be changed that way."""
    import ipywidgets

    if isinstance(widget, (ipywidgets.Button, ipywidgets.FileUpload)):
        return None
    if isinstance(widget, ipywidgets.widgets.widget_selection._MultipleSelection):
        return None
    if isinstance(widget, ipywidgets.widgets.widget_selection._Selection):
        values = [v for v in widget._options_values if v != widget.value]
        return values[len(values) // 2] if values else None
    if isinstance(widget, ipywidgets.widgets.widget_bool._Bool):
        return not widget.value
    if hasattr(widget, "min") and hasattr(widget, "max") and isinstance(widget.value, (int, float)):
        low, high = widget.min, widget.max
        target = high if widget.value - low < (high - low) / 2 else low
        return type(widget.value)(target)
    return None


def _time_change(widget, value) -> float:
    start = time.perf_counter()
    widget.value = value
    return time.perf_counter() - start


def check_continuous_update(root, cheap_s: float = CHEAP_UPDATE_S, tries: int = 3) -> list[str]:
    """A control with ``continuous_update=True`` redraws in under ``cheap_s`` seconds (median of ``tries``)."""
    problems = []
    for widget, _, _ in iter_widgets(root):
        if not (is_control(widget) and getattr(widget, "continuous_update", False)):
            continue
        first = widget.value
        other = _other_value(widget)
        if other is None:
            problems.append(f"{describe(widget)} updates while it is being changed; set continuous_update=False.")
            continue
        times = []
        for _ in range(tries):
            times.append(_time_change(widget, other))
            times.append(_time_change(widget, first))
        median = statistics.median(times)
        if median > cheap_s:
            problems.append(f"{describe(widget)} redraws on every movement but one change takes "
                            f"{1000 * median:.0f} ms (more than {1000 * cheap_s:.0f} ms); "
                            "set continuous_update=False.")
    return problems


def exercise_controls(root) -> list[str]:
    """Move every slider, menu and checkbox once (and back); report any that raise an error."""
    problems = []
    for widget, _, _ in iter_widgets(root):
        if not is_control(widget) or getattr(widget, "disabled", False):
            continue
        other = _other_value(widget)
        if other is None:
            continue
        first = widget.value
        try:
            widget.value = other
            widget.value = first
        except Exception as exc:  # noqa: BLE001 - a demo must never show a traceback
            problems.append(f"{describe(widget)}: changing it raised {type(exc).__name__}: {exc}")
    return problems


# --- figures -------------------------------------------------------------------------------

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*("([^"]*)"|'([^']*)')""", re.IGNORECASE)


def figure_problem(obj) -> str | None:
    """Why a displayed object is a figure without adequate alt text, or None (also for non-figures)."""
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        return "a matplotlib figure was displayed directly, without alt text; use plotting.render/show"
    if hasattr(obj, "_repr_mimebundle_"):
        bundle = obj._repr_mimebundle_() or {}
        if isinstance(bundle, tuple):
            bundle = bundle[0]
    else:
        bundle = {}
        for mime, method in (("image/png", "_repr_png_"), ("image/jpeg", "_repr_jpeg_"),
                             ("image/svg+xml", "_repr_svg_"), ("text/html", "_repr_html_")):
            if hasattr(obj, method):
                bundle[mime] = getattr(obj, method)()
    if not any(mime.startswith("image/") for mime in bundle) and "<img" not in str(bundle.get("text/html", "")):
        return None  # not a figure (a widget box, text, ...)
    name = type(obj).__name__
    alt = getattr(obj, "alt", None)
    if alt is not None and len(str(alt).strip()) < plotting.MIN_ALT_LENGTH:
        return f"{name} has alt text shorter than {plotting.MIN_ALT_LENGTH} characters ({alt!r})"
    images = _IMG.findall(str(bundle.get("text/html", "")))
    if not images:
        return f"{name} has no text/html <img> with alt text (screen readers get nothing)"
    for img in images:
        match = _ALT.search(img)
        text = html.unescape(match.group(2) or match.group(3) or "") if match else ""
        if len(text.strip()) < plotting.MIN_ALT_LENGTH:
            return (f"{name} shows an <img> whose alt text is missing or shorter than "
                    f"{plotting.MIN_ALT_LENGTH} characters ({text!r})")
    return None


def _is_figure(obj) -> bool:
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        return True
    bundle = obj._repr_mimebundle_() if hasattr(obj, "_repr_mimebundle_") else {}
    bundle = bundle[0] if isinstance(bundle, tuple) else (bundle or {})
    return any(m.startswith("image/") for m in bundle) or any(
        hasattr(obj, m) for m in ("_repr_png_", "_repr_jpeg_", "_repr_svg_"))


def check_figures(displayed) -> list[str]:
    """Every displayed figure has alt text (see :func:`figure_problem`)."""
    return [p for p in map(figure_problem, displayed) if p]


def _achromatic(rgb) -> bool:
    return max(rgb) - min(rgb) < 0.02


def figure_colours(fig) -> set:
    """The opaque RGB colours (hex) the visible artists of ``fig`` are drawn with."""
    from matplotlib.collections import Collection
    from matplotlib.colors import to_hex, to_rgba_array
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    found = []
    for artist in fig.findobj():
        if not artist.get_visible():
            continue
        if isinstance(artist, Line2D):
            if artist.get_linestyle() not in ("None", "none", "", " "):
                found.append(artist.get_color())
            if artist.get_marker() not in (None, "None", "none", "", " "):
                found += [artist.get_markerfacecolor(), artist.get_markeredgecolor()]
        elif isinstance(artist, Patch):
            found += [artist.get_facecolor(), artist.get_edgecolor()]
        elif isinstance(artist, Collection):
            found += list(artist.get_facecolors()) + list(artist.get_edgecolors())
        elif isinstance(artist, Text) and artist.get_text():
            found.append(artist.get_color())
            if artist.get_bbox_patch() is not None:
                patch = artist.get_bbox_patch()
                found += [patch.get_facecolor(), patch.get_edgecolor()]
    colours = set()
    for colour in found:
        for rgba in to_rgba_array(colour):
            if rgba[3] > 0:
                colours.add(to_hex(rgba[:3]))
    return colours


def check_palette(fig, allowed=None) -> list[str]:
    """Every chromatic colour in ``fig`` is one of the palette's (greys, black and white are fine)."""
    from matplotlib.colors import to_rgb

    allowed = [np.array(to_rgb(c)) for c in (allowed or plotting.PALETTE.values())]
    problems = []
    for colour in sorted(figure_colours(fig)):
        rgb = np.array(to_rgb(colour))
        if _achromatic(rgb) or any(np.abs(rgb - a).max() < 0.01 for a in allowed):
            continue
        problems.append(f"the figure draws with {colour}, which is not in plotting.PALETTE "
                        "(the colour-blind-safe Okabe-Ito palette)")
    return problems


# --- one demo, all checks --------------------------------------------------------------------


@dataclass
class DemoAudit:
    """A demo built with controls, what it displayed, and every problem found."""

    name: str
    box: object
    capture: Capture
    problems: list


def audit_demo(func, name: str | None = None, kwargs: dict | None = None, exercise: bool = True) -> DemoAudit:
    """Build ``func`` interactively (headless variables unset) and run every check on it.

    The controls are moved once each (``exercise``) so that the figures drawn
    after a change are checked too. Run it with ``plotting.use_course_style()``
    in force, as the lessons do, or the palette check sees matplotlib's colours.
    """
    name = name or f"{func.__module__}.{func.__name__}"
    kwargs = demo_arguments(func) if kwargs is None else kwargs
    problems = []
    with capture(headless=False) as record:
        box = func(**kwargs)
        if box is None:
            problems.append("the demo showed no controls with COURSE_HEADLESS unset")
        else:
            problems += check_labels(box) + check_enabled(box)
            problems += check_continuous_update(box)
            if exercise:
                problems += exercise_controls(box)
    problems += check_figures(record.displayed)
    if not any(_is_figure(o) for o in record.displayed):
        problems.append("the demo displayed no figure")
    for fig in record.figures:
        problems += check_palette(fig)
    import matplotlib.pyplot as plt

    for fig in record.figures:
        plt.close(fig)
    return DemoAudit(name, box, record, [f"{name}: {p}" for p in dict.fromkeys(problems)])
