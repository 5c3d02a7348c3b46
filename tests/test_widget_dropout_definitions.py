"""The SIMULATED dropout-definitions demo: in-place updates, labels, headless and interactive paths."""

from __future__ import annotations


import matplotlib.pyplot as plt
import pytest

from course import dropout_definitions as dd
from course.widgets import dropout_definitions as demo_module


def test_update_moves_bars_and_keeps_the_figure():
    plot = demo_module.DropoutDefinitionsPlot()
    fig, bars, def_bars = plot.fig, plot.stage_bars, plot.def_bars
    assert [b.get_width() for b in bars] == [100, 84, 69, 62]
    assert [round(b.get_width(), 1) for b in def_bars] == [16.0, 38.0, 26.2, 32.0]
    plot.update(lost_before_start_pct=30)
    assert plot.fig is fig and plot.stage_bars is bars and plot.def_bars is def_bars
    expected = dd.definition_table(dd.cohort_flow(100, 30, 18, 10, 5, 25))
    assert [b.get_width() for b in def_bars] == pytest.approx(list(expected["dropout_pct"]))
    assert bars[1].get_width() == 70
    assert plot.assessed_leavers[0].get_x() == plot.flow["completers_assessed"]
    plt.close(fig)


def test_unknown_setting_is_refused():
    plot = demo_module.DropoutDefinitionsPlot()
    with pytest.raises(ValueError, match="unknown setting"):
        plot.update(lost_everyone=3)
    plt.close(plot.fig)


def test_figure_and_alt_text_say_simulated_and_give_the_numbers():
    plot = demo_module.DropoutDefinitionsPlot()
    assert "SIMULATED" in plot.fig._suptitle.get_text()
    text = plot.summary()
    assert text.startswith("SIMULATED cohort: of 100 randomised, 84 attended session 1")
    assert "did not start treatment 16.0%" in text and "(of those who started) 26.2%" in text
    assert "Range 16.0% to 38.0% for the same people." in text
    alt = plot.render().alt
    assert "SIMULATED" in alt and alt.endswith(text)
    assert plot.def_text[2].get_text() == "26.2%  (22 of 84)"
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.dropout_definitions_demo() is None
    assert "SIMULATED cohort: of 100 randomised" in capsys.readouterr().out


def test_interactive_demo_has_labelled_keyboard_sliders_that_redraw(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.dropout_definitions_demo()
    *sliders, caption, _ = box.children
    assert len(sliders) == 5
    for s in sliders:
        assert s.description and s.continuous_update is False
    assert [s.value for s in sliders] == [16, 18, 10, 5, 25]
    first = next(s for s in sliders if "before session 1" in s.description)
    before = caption.value
    first.value = 30
    assert caption.value != before and "of 100 randomised, 70 attended session 1" in caption.value
