"""The forest-plot explorer: pure filtering and pooling, in-place updates, speed, labels, both paths."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import dropout_sim, meta
from course.widgets import forest_explorer as fx


@pytest.fixture(scope="module")
def table():
    return dropout_sim.load_dropout_trials_sim()


def test_select_arms_filters_and_sorts(table):
    pe = fx.select_arms(table, "PE")
    assert len(pe) == 22 and set(pe["therapy"]) == {"PE"}
    assert pe["pct"].is_monotonic_increasing
    everything = fx.select_arms(table, fx.ALL)
    assert "WL" not in set(everything["therapy"]) and len(everything) == 192 - 53
    group = fx.select_arms(table, fx.ALL, fmt="group")
    assert set(group["therapy"]) == {"Group CBT-T"}
    military = fx.select_arms(table, "WL", population="military")
    assert set(military["population"]) == {"military"}
    assert fx.select_arms(table, "PE", fmt="group").empty


def test_explore_pools_with_course_meta(table):
    arms, result = fx.explore(table, "CPT", method="DL")
    expected = meta.pool_proportions(arms["n_dropout"], arms["n_randomised"], "DL")
    assert result.estimate_pct == pytest.approx(expected.estimate_pct)
    assert result.pi_pct == pytest.approx(expected.pi_pct)
    assert (arms["ci_low_pct"] <= arms["pct"]).all() and (arms["pct"] <= arms["ci_high_pct"]).all()
    empty, none = fx.explore(table, "PE", fmt="group")
    assert empty.empty and none is None


def test_update_moves_artists_and_keeps_the_figure(table):
    plot = fx.ForestExplorerPlot(table)
    fig, points, diamond, pi_line = plot.fig, plot.points, plot.diamond, plot.pi_line
    assert len(points.get_offsets()) == 22
    xs = diamond.get_xy()[:, 0]
    assert xs.min() == pytest.approx(plot.result.ci_pct[0]) and xs.max() == pytest.approx(plot.result.ci_pct[1])
    assert list(pi_line.get_xdata()) == pytest.approx(list(plot.result.pi_pct))
    plot.update(therapy="WL", method="DL")
    assert plot.fig is fig and plot.points is points and plot.diamond is diamond and plot.pi_line is pi_line
    assert len(points.get_offsets()) == 53 and plot.result.method == "DL"
    np.testing.assert_allclose(np.sort(points.get_offsets()[:, 0]), np.sort(plot.arms["pct"]))
    assert len(plot.cis.get_segments()) == 53
    plt.close(fig)


def test_no_match_and_two_arms_hide_what_cannot_be_drawn(table):
    plot = fx.ForestExplorerPlot(table, therapy="PE", fmt="group")
    assert plot.result is None and not plot.diamond.get_visible() and not plot.pi_line.get_visible()
    assert plot.summary().endswith("no arm matches these filters.")
    two = table[table["therapy"] == "VRE"].head(2)
    plot2 = fx.ForestExplorerPlot(two, therapy="VRE")
    assert plot2.result.k == 2 and math.isnan(plot2.result.pi_pct[0])
    assert plot2.diamond.get_visible() and not plot2.pi_line.get_visible()
    plt.close(plot.fig)
    plt.close(plot2.fig)


def test_figure_and_alt_text_say_simulated_and_give_the_numbers(table):
    plot = fx.ForestExplorerPlot(table)
    assert "SIMULATED" in plot.fig._suptitle.get_text()
    text = plot.summary()
    r = plot.result
    assert text.startswith("SIMULATED arms, Prolonged Exposure: 22 arms, REML")
    for number in (r.estimate_pct, *r.ci_pct, *r.pi_pct):
        assert f"{number:.1f}" in text
    assert f"I² {r.I2:.0f} %" in text
    alt = plot.render().alt
    assert "SIMULATED" in alt and alt.endswith(text)
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert fx.forest_explorer_demo() is None
    assert "SIMULATED arms, Prolonged Exposure: 22 arms" in capsys.readouterr().out


def test_interactive_demo_has_labelled_controls_that_redraw(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = fx.forest_explorer_demo()
    therapy, fmt, population, method, ci, caption, _ = box.children
    for control in (therapy, fmt, population, method, ci):
        assert control.description
    assert [tuple(o) for o in method.options] == [("DerSimonian–Laird", "DL"), ("REML", "REML")]
    assert [o[1] for o in ci.options] == ["normal", "HKSJ"]
    before = caption.value
    therapy.value = "CPT"
    assert caption.value != before and "Cognitive Processing Therapy: 8 arms" in caption.value
    method.value = "DL"
    assert "8 arms, DL" in caption.value
    ci.value = "HKSJ"
    assert "(95% CI (HKSJ, t with 7 df)" in caption.value
    ci.value = "normal"
    population.value = "military"
    assert "military samples" in caption.value
    fmt.value = "group"
    assert "no arm matches" in caption.value


def test_arms_use_wilson_intervals_and_the_average_can_use_hartung_knapp(table):
    arms, normal = fx.explore(table, "VRE", method="REML")
    low, high = meta.wilson_interval(arms["n_dropout"], arms["n_randomised"])
    np.testing.assert_allclose(arms["ci_low_pct"], 100 * low)
    np.testing.assert_allclose(arms["ci_high_pct"], 100 * high)
    _, hk = fx.explore(table, "VRE", method="REML", ci="HKSJ")
    assert hk.logit.ci_method == "HKSJ" and hk.estimate_pct == pytest.approx(normal.estimate_pct)
    assert hk.ci_pct[1] - hk.ci_pct[0] > normal.ci_pct[1] - normal.ci_pct[0]
    one = table[table["therapy"] == "VRE"].head(1)
    _, single = fx.explore(one, "VRE", ci="HKSJ")  # one arm: no Hartung-Knapp, no crash
    assert single.k == 1 and single.logit.ci_method == "normal"
    plot = fx.ForestExplorerPlot(table, therapy="VRE", ci="HKSJ")
    xs = plot.diamond.get_xy()[:, 0]
    assert xs.min() == pytest.approx(hk.ci_pct[0]) and xs.max() == pytest.approx(hk.ci_pct[1])
    assert "HKSJ" in plot.summary()
    plt.close(plot.fig)
