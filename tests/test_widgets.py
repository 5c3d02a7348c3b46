"""The window-length demo: pure computation, in-place updates, headless behaviour, labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import data, widgets


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
