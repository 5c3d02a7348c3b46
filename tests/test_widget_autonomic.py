"""The autonomic demo: in-place updates, alt text from the data, headless and interactive paths."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import autonomic
from course.widgets import autonomic as demo_module


@pytest.fixture
def plot():
    p = demo_module.AutonomicPlot()
    yield p
    plt.close(p.fig)


def test_update_moves_the_lines_and_keeps_the_figure(plot):
    fig, rr_line, psd_line = plot.fig, plot.rr_line, plot.psd_line
    before = np.array(rr_line.get_ydata())
    plot.update(1.0, 2.0, 15)
    assert plot.fig is fig and plot.rr_line is rr_line and plot.psd_line is psd_line
    after = np.array(rr_line.get_ydata())
    assert after.mean() < before.mean() - 100  # sympathetic drive shortens the intervals
    np.testing.assert_allclose(after, plot.state["simulation"].rr_ms)
    plot.update(1.0, 1.0, 6)
    assert plot.breath_line.get_xdata()[0] == pytest.approx(0.1)
    peak = psd_line.get_xdata()[np.argmax(psd_line.get_ydata())]
    assert abs(peak - 0.1) <= 0.02


def test_summary_and_alt_text_come_from_the_current_values(plot):
    m = plot.state["metrics"]
    text = plot.summary()
    assert f"Mean HR {m['mean_hr_bpm']:.0f} bpm" in text and f"RMSSD {m['rmssd_ms']:.0f} ms" in text
    assert "0.25 Hz, in the HF band" in text
    alt = plot.render().alt
    assert alt.startswith("Two charts of a simulated 5-minute recording.")
    assert f"mean of {plot.state['simulation'].rr_ms.mean():.0f} ms" in alt and alt.endswith(text)
    assert "read RMSSD" not in text
    plot.update(1.0, 1.0, 6)
    assert "in the LF band; the breathing rhythm now counts as LF" in plot.summary() and "read RMSSD" in plot.summary()
    plot.update(1.0, 1.0, 24)
    assert "outside the Task Force bands" in plot.summary()


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.autonomic_demo() is None
    assert "Mean HR 65 bpm" in capsys.readouterr().out


def test_interactive_demo_has_labelled_keyboard_sliders_that_redraw(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.autonomic_demo()
    vagal, sympathetic, breathing, reset, caption, _ = box.children
    assert [vagal.description, sympathetic.description, breathing.description] == [
        "Vagal (parasympathetic) tone", "Sympathetic drive", "Breathing rate (breaths/min)"]
    assert all(s.continuous_update is False for s in (vagal, sympathetic, breathing))
    assert reset.description
    before = caption.value
    breathing.value = 6
    assert caption.value != before and "6/min = 0.10 Hz, in the LF band" in caption.value
    sympathetic.value = 2.0
    hr = autonomic.metrics(autonomic.simulate(1.0, 2.0, 6, seed=autonomic.DEMO_SEED).rr_ms)["mean_hr_bpm"]
    assert f"Mean HR {hr:.0f} bpm" in caption.value
    reset.click()
    assert (vagal.value, sympathetic.value, breathing.value) == (1.0, 1.0, 15)
    assert "15/min = 0.25 Hz" in caption.value
