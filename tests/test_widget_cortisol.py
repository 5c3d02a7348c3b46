"""The SIMULATED cortisol day demo: in-place updates, labels, headless and interactive paths."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import cortisol
from course.widgets import cortisol as demo_module


def test_update_moves_points_and_keeps_the_figure():
    plot = demo_module.CortisolDayPlot(delay_min=0)
    fig, taken, assumed = plot.fig, plot.taken, plot.assumed
    np.testing.assert_allclose(taken.get_xdata(), [0, 15, 30, 45, 60])
    plot.update(delay_min=10)
    assert plot.fig is fig and plot.taken is taken and plot.assumed is assumed
    np.testing.assert_allclose(taken.get_xdata(), [10, 25, 40, 55, 70])
    np.testing.assert_allclose(assumed.get_xdata(), [0, 15, 30, 45, 60])
    # the hollow squares show what a study sees: relative to the (late) waking sample
    np.testing.assert_allclose(assumed.get_ydata()[0], 1.0)
    expected = cortisol.compare_true_and_measured(0.6, 40, 0.10, delay_min=10)
    assert plot.result["measured_car_pct"] == pytest.approx(expected["measured_car_pct"])
    plt.close(fig)


def test_figure_and_alt_text_say_simulated_and_give_the_numbers():
    plot = demo_module.CortisolDayPlot(car_rise_pct=50, delay_min=10)
    assert "SIMULATED" in plot.fig._suptitle.get_text()
    text = plot.summary()
    assert text.startswith("SIMULATED day: morning rise 50 %")
    assert f"Measured CAR rise {plot.result['measured_car_pct']:.0f} %" in text
    alt = plot.render().alt
    assert "SIMULATED" in alt and alt.endswith(text)
    assert "true" in plot.table.get_text() and "late" in plot.table.get_text()
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.cortisol_day_demo() is None
    assert "SIMULATED day: morning rise 60 %" in capsys.readouterr().out


def test_interactive_demo_has_labelled_keyboard_sliders_that_redraw(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.cortisol_day_demo()
    *sliders, caption, _ = box.children
    assert len(sliders) == 4
    for s in sliders:
        assert s.description and s.continuous_update is False
    delay = next(s for s in sliders if "waking' sample" in s.description)
    before = caption.value
    delay.value = 10
    assert caption.value != before and "waking sample 10 min late" in caption.value
