"""The SIMULATED trial demo: in-place updates, speed, labels, headless and interactive paths."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import survival, trial_sim
from course.widgets import trial_simulator as demo_module


def test_update_replaces_the_step_curves_and_keeps_the_figure():
    plot = demo_module.TrialSimulatorPlot(n_per_arm=40)
    fig, control, treated = plot.fig, plot.control_line, plot.treated_line
    assert control.get_drawstyle() == "steps-post"
    plot.update(hazard_ratio=0.5, n_per_arm=200)
    assert plot.fig is fig and plot.control_line is control and plot.treated_line is treated
    x, y = survival.km_steps(*plot.shown["control"], until=trial_sim.FOLLOW_UP_DAYS)
    np.testing.assert_allclose(control.get_xdata(), x)
    np.testing.assert_allclose(control.get_ydata(), y)
    assert len(plot.shown["treated"][0]) == 200
    expected = trial_sim.power_summary(0.5, 200, 0.185, demo_module.REPLICATES)
    assert plot.result == expected
    plt.close(fig)


def test_summary_and_alt_text_say_simulated_and_give_the_power():
    plot = demo_module.TrialSimulatorPlot()
    text = plot.summary()
    assert text.startswith("SIMULATED trial with hazard ratio 0.80, 95 people per arm and 18.5% dropout")
    assert f"power {plot.result['analytic_power']:.0%}" in text
    assert "SIMULATED" in plot.fig._suptitle.get_text()
    alt = plot.render().alt
    assert alt.endswith(text) and "Treatment as usual: 95 people" in alt
    plt.close(plot.fig)


def test_the_dotted_curves_are_called_the_simulation_s_own_not_the_truth():
    plot = demo_module.TrialSimulatorPlot()
    alt = plot.alt_text()
    assert "curves built into the simulation" in alt and "true curve" not in alt
    labels = [line.get_label() for line in plot.ax.get_lines()]
    assert "curves built into the simulation" in labels and not any("true" in label for label in labels)
    plt.close(plot.fig)


def test_scenarios_are_the_cited_hazard_ratios():
    values = sorted(demo_module.SCENARIO_HRS.values())
    assert values == [0.5, 0.57, 0.8, 1.0, 1.08]
    assert any("ILLUSTRATIVE" in label for label in demo_module.SCENARIO_HRS)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.trial_simulator_demo() is None
    assert "SIMULATED trial with hazard ratio 0.80, 95 people per arm" in capsys.readouterr().out


def test_interactive_demo_has_labelled_keyboard_controls_that_redraw(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.trial_simulator_demo()
    scenario, hr, n, attrition, caption, _ = box.children
    for control in (scenario, hr, n, attrition):
        assert control.description
    for slider in (hr, n, attrition):
        assert slider.continuous_update is False
    assert "hazard ratio" in hr.description.lower()
    assert "randomised" in n.description  # dropout is applied to the people randomised
    before = caption.value
    n.value = 400
    assert caption.value != before and "400 people per arm" in caption.value
    scenario.value = demo_module.SCENARIO_HRS["No effect: HR 1.00"]
    assert hr.value == pytest.approx(1.0) and "hazard ratio 1.00" in caption.value
