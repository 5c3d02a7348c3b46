"""The window-length demo (pure computation, in-place updates, headless, labels) and the wiring helper."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import data, plotting, widgets


@pytest.fixture(scope="module")
def hour():
    return data.load_nsrdb_nn("60min")


def test_update_moves_points_and_keeps_the_figure(hour):
    plot = widgets.WindowLengthPlot(hour, window_s=300)
    fig, line = plot.fig, plot.sdnn_line
    assert len(line.get_xdata()) == len(plot.table) == 11  # 3,599 s holds 11 full 300-s windows
    plot.update(60)
    assert plot.fig is fig and plot.sdnn_line is line
    assert len(line.get_xdata()) == len(plot.table) == 59
    np.testing.assert_allclose(line.get_ydata(), plot.table["sdnn_ms"])
    plt.close(fig)


def test_summary_and_alt_text_describe_the_current_windows(hour):
    plot = widgets.WindowLengthPlot(hour, window_s=600)
    text = plot.summary()
    assert text.startswith("With 600-second windows there are 5 windows.")
    assert f"{plot.whole['sdnn_ms']:.0f} ms" in text
    assert plot.render().alt.endswith(text)
    plt.close(plot.fig)


def test_short_windows_show_less_sdnn_than_the_whole_hour(hour):
    plot = widgets.WindowLengthPlot(hour, window_s=60)
    assert plot.table["sdnn_ms"].median() < plot.whole["sdnn_ms"]
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(hour, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert widgets.window_length_demo(hour) is None
    assert "With 300-second windows" in capsys.readouterr().out


def test_interactive_demo_has_a_labelled_keyboard_slider_that_redraws(hour, monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = widgets.window_length_demo(hour)
    slider, caption, _ = box.children
    assert slider.description == "Window length (seconds)"
    assert slider.continuous_update is False
    before = caption.value
    slider.value = 120
    assert caption.value != before and "120-second windows" in caption.value


# --- the one wiring helper -------------------------------------------------------------------


class _CountingPlot:
    """A minimal demo plot (the five members of the contract) that records its updates."""

    def __init__(self):
        self.fig, ax = plt.subplots(figsize=(2, 1))
        (self.line,) = ax.plot([0, 1], [0, 0])
        self.updates, self.renders, self.has_figure = [], 0, True

    def update(self, **values):
        self.updates.append(values)
        self.line.set_ydata([0, values.get("level", 0)])

    def summary(self):
        return f"Level {self.line.get_ydata()[1]} <b>."

    def alt_text(self):
        return "A line from zero to the chosen level. " + self.summary()

    def render(self):
        self.renders += 1
        return plotting.render(self.fig, self.alt_text(), close=False)


@pytest.fixture
def interactive_env(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def test_controls_demo_passes_every_value_to_update_and_escapes_the_caption(interactive_env):
    import ipywidgets

    plot = _CountingPlot()
    level = ipywidgets.IntSlider(value=0, min=0, max=5, description="Level", continuous_update=False)
    shown = ipywidgets.Checkbox(value=False, description="Show the line")
    box = widgets.controls_demo(plot, {"level": level, "shown": shown})
    assert box.plot is plot and box.controls == {"level": level, "shown": shown} and box.report is None
    assert list(box.children) == [level, shown, box.caption, box.figure]
    level.value = 3
    assert plot.updates == [{"level": 3, "shown": False}]
    assert box.caption.value == "<p>Level 3 &lt;b&gt;.</p>" and plot.renders == 2
    plt.close(plot.fig)


def test_controls_demo_handlers_report_layout_and_an_empty_figure(interactive_env):
    import ipywidgets

    plot = _CountingPlot()
    level = ipywidgets.IntSlider(value=0, min=0, max=5, description="Level", continuous_update=False)
    name = ipywidgets.Text(value="", description="Name of the line", continuous_update=False)
    typed = []
    box = widgets.controls_demo(plot, {"level": level, "name": name}, handlers={"name": typed.append},
                                report=lambda p: f"<ul><li>{len(p.updates)} update(s)</li></ul>",
                                layout=lambda parts: [parts["report"], ipywidgets.HBox([level, name]),
                                                      parts["figure"], parts["caption"]])
    assert box.children[0] is box.report and box.children[-1] is box.caption
    name.value = "mine"
    assert typed == ["mine"] and plot.updates == []  # the handler replaces update for that control
    assert box.report.value == "<ul><li>0 update(s)</li></ul>"
    plot.has_figure = False
    before = plot.renders
    level.value = 2
    assert plot.updates == [{"level": 2, "name": "mine"}] and box.report.value == "<ul><li>1 update(s)</li></ul>"
    assert plot.renders == before  # nothing to draw: the figure area is left empty
    plt.close(plot.fig)


def test_draw_once_shows_the_figure_and_summary_and_closes_it(monkeypatch, capsys):
    from course.publish import accessibility

    plot = _CountingPlot()
    with accessibility.capture(headless=True) as record:
        assert widgets.draw_once(plot) is None
    assert [type(o).__name__ for o in record.displayed] == ["AltFigure"]
    assert capsys.readouterr().out == "Level 0 <b>.\n"
    assert not plt.fignum_exists(plot.fig.number)
