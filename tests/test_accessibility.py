"""Accessibility of the interactive demos: labelled, usable controls and figures with alt text.

Every demo is found by importing every module in ``course/widgets/`` (public
``*_demo`` functions), built with ``COURSE_HEADLESS`` unset, its controls
moved once each, and checked with :mod:`course.publish.accessibility`:

(a) every control has a human-readable description (or a visible label just
    before it), is not disabled, labels every option, and redraws cheaply if
    it updates continuously;
(b) the colour-blind-safe palette is tested in ``tests/test_plotting.py``;
    here we check the demos actually draw with it (and reuse that file's
    colour-vision distance for the colours each figure combines);
(c) the single ``# `` heading of every lesson is
    :func:`course.publish.lesson_checks.check_structure`, run on every lesson by
    ``tests/test_notebook_hygiene.py``; here we only make sure it stays wired;
(d) every figure a demo displays, before and after a change, has alt text of
    at least 20 characters in a ``text/html`` ``<img alt=...>``.

Each check is also fed a deliberately bad control, figure or demo to show it
can fail.
"""

from __future__ import annotations

import importlib
import sys
import time

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import pytest

import test_plotting as palette_checks  # the palette's colour-vision test, reused (not duplicated)
from course import plotting
from course.publish import accessibility, lesson_checks as authoring
from course.widgets import controls_demo

DEMOS = accessibility.discover_demos()
WIDGETS_DIR = importlib.import_module("course.widgets").__path__[0]


@pytest.fixture(scope="module")
def audits():
    """Every demo built once with controls, in the course style, and checked."""
    with matplotlib.rc_context():
        plotting.use_course_style()
        return {name: accessibility.audit_demo(func, name) for name, func in DEMOS.items()}


# --- the real demos ----------------------------------------------------------------------


def test_every_widget_module_contributes_a_demo():
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules([WIDGETS_DIR]) if not m.name.startswith("_")}
    assert modules, "no demo modules found"
    assert modules == {name.split(".")[0] for name in DEMOS}, "a module in course/widgets/ has no *_demo function"


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_passes_every_accessibility_check(audits, name):
    audit = audits[name]
    assert audit.box is not None
    assert audit.problems == []
    assert any(accessibility.is_control(w) for w, _, _ in accessibility.iter_widgets(audit.box))
    assert audit.capture.renders >= 2, "moving the controls did not redraw the figure"


#: What every demo's plot offers (the demo contract, course/widgets/__init__.py).
DEMO_CONTRACT = ("fig", "update", "summary", "alt_text", "render")


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_plot_follows_the_contract(audits, name):
    plot = audits[name].box.plot
    missing = [member for member in DEMO_CONTRACT if not hasattr(plot, member)]
    assert missing == [], f"{type(plot).__name__} lacks {missing}"
    assert all(callable(getattr(plot, member)) for member in DEMO_CONTRACT[1:])
    assert plot.render().alt == plot.alt_text().strip()
    assert plot.summary().strip()
    plt.close(plot.fig)


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_demo_figures_combine_colours_that_stay_distinct_with_colour_vision_deficiency(audits, name):
    for fig in audits[name].capture.figures:
        chromatic = sorted(c for c in accessibility.figure_colours(fig)
                           if not accessibility._achromatic(matplotlib.colors.to_rgb(c)))
        if len(chromatic) < 2:
            continue
        for cvd_type in palette_checks.CVD_TYPES:
            assert palette_checks.smallest_distance(chromatic, cvd_type) >= palette_checks.MIN_DISTANCE


@pytest.mark.parametrize("name", sorted(DEMOS))
def test_headless_demo_shows_figures_with_alt_text(name):
    func = DEMOS[name]
    with accessibility.capture(headless=True) as record:
        assert func(**accessibility.demo_arguments(func)) is None
    assert any(accessibility._is_figure(o) for o in record.displayed)
    assert accessibility.check_figures(record.displayed) == []
    for fig in record.figures:
        plt.close(fig)


def test_lesson_title_check_and_palette_test_stay_wired():
    assert authoring.check_structure in authoring.LESSON_CHECKS
    assert hasattr(palette_checks, "test_palette_stays_distinct_with_colour_vision_deficiency")


# --- each check can fail -------------------------------------------------------------------


CONTROL_TYPES = [
    lambda d: widgets.IntSlider(description=d, continuous_update=False),
    lambda d: widgets.FloatSlider(description=d, continuous_update=False),
    lambda d: widgets.Dropdown(options=[("One", 1), ("Two", 2)], description=d),
    lambda d: widgets.Select(options=[("One", 1), ("Two", 2)], description=d),
    lambda d: widgets.Checkbox(description=d),
    lambda d: widgets.ToggleButton(description=d),
    lambda d: widgets.ToggleButtons(options=[("One", 1), ("Two", 2)], description=d),
    lambda d: widgets.Button(description=d),
    lambda d: widgets.Text(description=d, continuous_update=False),
    lambda d: widgets.Textarea(description=d, continuous_update=False),
    lambda d: widgets.FileUpload(description=d),
]
CONTROL_IDS = ["IntSlider", "FloatSlider", "Dropdown", "Select", "Checkbox", "ToggleButton", "ToggleButtons",
               "Button", "Text", "Textarea", "FileUpload"]


@pytest.mark.parametrize("make", CONTROL_TYPES, ids=CONTROL_IDS)
@pytest.mark.parametrize("description", ["", "   ", "car_rise_pct", "nnMs", "Value", "42", "<b></b>"])
def test_unlabelled_or_unreadable_control_is_caught(make, description):
    problems = accessibility.check_labels(widgets.VBox([make(description)]))
    assert len(problems) == 1 and "description" in problems[0]


@pytest.mark.parametrize("make", CONTROL_TYPES, ids=CONTROL_IDS)
def test_labelled_control_passes(make):
    assert accessibility.check_labels(widgets.VBox([make("Breathing rate (breaths per minute)")])) == []


def test_visible_label_before_the_control_counts_as_its_label():
    slider = widgets.IntSlider(description="", continuous_update=False)
    assert accessibility.check_labels(widgets.HBox([widgets.Label("Window length (seconds)"), slider])) == []
    assert accessibility.check_labels(widgets.HBox([slider, widgets.Label("Window length (seconds)")])) != []


def test_option_without_a_label_is_caught():
    menu = widgets.Dropdown(options=[("", 1), ("Two", 2)], value=2, description="Number of sessions")
    assert any("option without a visible label" in p for p in accessibility.check_labels(menu))


def test_disabled_control_is_caught():
    ok = widgets.IntSlider(description="Group size", continuous_update=False)
    off = widgets.Checkbox(description="Include the waiting list", disabled=True)
    problems = accessibility.check_enabled(widgets.VBox([ok, widgets.HBox([off])]))
    assert problems == ["Checkbox 'Include the waiting list' is disabled; a learner cannot use it."]


def _slider_with_work(seconds, continuous):
    slider = widgets.IntSlider(value=5, min=0, max=10, description="Smoothing (days)", continuous_update=continuous)
    slider.observe(lambda change: time.sleep(seconds), names="value")
    return widgets.VBox([slider])


def test_slow_continuously_updating_slider_is_caught():
    problems = accessibility.check_continuous_update(_slider_with_work(0.08, True), tries=1)
    assert len(problems) == 1 and "continuous_update=False" in problems[0]


def test_cheap_continuous_slider_and_slow_released_slider_pass():
    assert accessibility.check_continuous_update(_slider_with_work(0.0, True)) == []
    assert accessibility.check_continuous_update(_slider_with_work(0.08, False)) == []


def _png():
    fig, ax = plt.subplots(figsize=(1, 1))
    shown = plotting.render(fig, "A tiny empty chart used by the tests.")
    return shown.png


class _PngOnly:
    def _repr_png_(self):
        return _png()


class _ImgWithoutAlt:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": '<img src="data:image/png;base64,AAAA"/>', "image/png": "AAAA"}


@pytest.mark.parametrize("bad", [
    lambda: plt.figure(),
    lambda: plotting.AltFigure(_png(), "chart"),
    lambda: plotting.AltFigure(_png(), "   "),
    _PngOnly,
    _ImgWithoutAlt,
], ids=["raw-figure", "short-alt", "blank-alt", "png-only", "img-without-alt"])
def test_figure_without_adequate_alt_text_is_caught(bad):
    obj = bad()
    assert len(accessibility.check_figures([obj])) == 1
    plt.close("all")


def test_figure_with_alt_text_and_non_figures_pass():
    good = plotting.AltFigure(_png(), "Line chart of 10 intervals rising from 800 to 900 ms.")
    assert accessibility.check_figures([good, widgets.VBox(), "some text", 3]) == []


def test_off_palette_colour_is_caught():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], color="#d62728")  # matplotlib's red, not Okabe-Ito
    ax.plot([0, 1], [1, 0], color=plotting.PALETTE["blue"])
    ax.axhline(0.5, color="0.6")
    problems = accessibility.check_palette(fig)
    assert len(problems) == 1 and "#d62728" in problems[0]
    plt.close(fig)


class _BadPlot:
    """A demo plot that breaks the rules: off-palette colour and a token alt text."""

    def __init__(self):
        self.fig, self.ax = plt.subplots(figsize=(3, 2))
        (self.line,) = self.ax.plot([0, 1], [0, 1], color="#2ca02c")
        self.value = 0

    def update(self, value):
        self.value = value
        self.line.set_ydata([0, value])

    def summary(self):
        return f"Value {self.value}."

    def render(self):
        drawn = plotting.render(self.fig, "A deliberately bad demo figure, drawn in green.", close=False)
        return plotting.AltFigure(drawn.png, "a plot")  # too short for a screen reader


def bad_demo():
    """An unlabelled, disabled, continuously updating slow slider on a plot without alt text."""
    slow = widgets.IntSlider(value=1, min=0, max=10, description="", continuous_update=True)
    slow.observe(lambda change: time.sleep(0.06), names="value")
    off = widgets.Checkbox(description="Show the trend line", disabled=True)
    return controls_demo(_BadPlot(), {"value": slow}, after=[off])


def test_a_bad_demo_fails_the_audit():
    audit = accessibility.audit_demo(bad_demo, "bad_demo", kwargs={})
    text = "\n".join(audit.problems)
    assert "IntSlider (no description) has no description" in text
    assert "'Show the trend line' is disabled" in text
    assert "redraws on every movement" in text
    assert "alt text is missing or shorter than 20" in text or "alt text shorter than 20" in text
    assert "#2ca02c" in text
    plt.close("all")


def test_a_demo_that_shows_no_controls_or_figure_fails_the_audit():
    audit = accessibility.audit_demo(lambda: None, "empty_demo", kwargs={})
    assert any("no controls" in p for p in audit.problems)
    assert any("no figure" in p for p in audit.problems)


def test_demo_with_an_unknown_required_argument_is_explained():
    def needs_thing_demo(thing, size=3):
        return None

    with pytest.raises(LookupError, match="DEMO_ARGUMENTS"):
        accessibility.demo_arguments(needs_thing_demo)


def test_window_length_demo_gets_a_real_hour_of_intervals():
    kwargs = accessibility.demo_arguments(DEMOS["window_length.window_length_demo"])
    assert set(kwargs) == {"nn_ms"} and len(kwargs["nn_ms"]) > 4000


def test_discovery_finds_public_demos_in_every_module(tmp_path, monkeypatch):
    package = tmp_path / "fake_demos"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "one.py").write_text("def shiny_demo():\n    pass\n\ndef _hidden_demo():\n    pass\n\n"
                                    "def helper():\n    pass\n")
    (package / "two.py").write_text("from .one import shiny_demo\n\ndef other_demo(x=1):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert set(accessibility.discover_demos("fake_demos")) == {"one.shiny_demo", "two.other_demo"}
    finally:
        for name in [m for m in sys.modules if m.startswith("fake_demos")]:
            del sys.modules[name]


def test_readability_rules():
    ok = ["Window length (seconds)", "Therapy", "Upload CSV", "Export handout", "Group size"]
    bad = ["", "x", "value", "Slider", "n_per_arm", "carRise", "123", "—"]
    assert [accessibility.readability_problem(t) for t in ok] == [None] * len(ok)
    assert all(accessibility.readability_problem(t) for t in bad)
