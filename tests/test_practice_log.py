"""The SIMULATED practice log: regeneration, labels, rolling means, dose-response, and the demo."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from course import practice_log
from course.errors import DataError
from course.widgets import practice_log as demo_module


@pytest.fixture(scope="module")
def table():
    return practice_log.load_practice_log()


# Byte-identical regeneration from the seed, another seed, the loader's column, cell and
# "simulated" checks and the missing file: tested for every simulated dataset in
# test_simulated_datasets.py.


def test_shape_labels_and_ranges(table):
    assert list(table.columns) == list(practice_log.DATASET_COLUMNS)
    assert len(table) == 12 * 56
    assert table["simulated"].all()
    assert table.groupby("person_id")["day"].apply(lambda d: list(d) == list(range(1, 57))).all()
    assert table["craving_0_10"].between(0, 10).all() and (table["practice_min"] >= 0).all()
    practised = table.loc[table["practice_min"] > 0, "practice_min"]
    assert practised.min() >= 3
    sessions = table[table["group_session"] != "none"]
    assert sorted(sessions["day"].unique()) == [1, 8, 15, 22, 29, 36, 43, 50]
    assert set(sessions["group_session"]) == {"attended", "missed"}
    assert (table["week"] == (table["day"] - 1) // 7 + 1).all()


def test_the_built_in_link_is_weak_and_noisy(table):
    summary = practice_log.person_summary(table)
    # Every person's fitted line should be negative-ish on average, but the correlations are weak.
    assert summary["r"].median() < 0
    assert summary["r"].abs().max() < 0.6
    # Pooled over everyone, the slope comes back near the invented -0.4 points per 10 minutes.
    pooled = stats.linregress(table["practice_min"], table["craving_0_10"])
    assert -0.8 < 10 * pooled.slope < -0.1


def test_loader_explains_values_out_of_range_and_unknown_session_labels(tmp_path):
    path = tmp_path / "bad.csv"
    worse = practice_log.simulate_practice_log().head(5)
    worse.loc[2, "craving_0_10"] = 12
    worse.to_csv(path, index=False)
    with pytest.raises(DataError, match="line 4: craving_0_10 is 12"):
        practice_log.load_practice_log(path)
    odd = practice_log.simulate_practice_log().head(5)
    odd.loc[0, "group_session"] = "late"
    odd.to_csv(path, index=False)
    with pytest.raises(DataError, match="line 2: unknown group_session label 'late'"):
        practice_log.load_practice_log(path)


@pytest.mark.parametrize("values,window,expected", [
    ([1, 2, 3, 4], 1, [1, 2, 3, 4]),
    ([1, 2, 3, 4], 2, [1, 1.5, 2.5, 3.5]),
    ([2, 4, 6, 8, 10], 3, [2, 3, 4, 6, 8]),
    ([5, 5, 5], 10, [5, 5, 5]),
])
def test_rolling_mean_by_hand(values, window, expected):
    np.testing.assert_allclose(practice_log.rolling_mean(values, window), expected)


def test_rolling_mean_matches_pandas():
    x = np.random.default_rng(3).normal(size=80)
    for window in (1, 3, 7, 14):
        expected = pd.Series(x).rolling(window, min_periods=1).mean().to_numpy()
        np.testing.assert_allclose(practice_log.rolling_mean(x, window), expected)


@pytest.mark.parametrize("window", [0, -2, 2.5, True, "7"])
def test_rolling_mean_rejects_bad_windows(window):
    with pytest.raises(DataError, match="window"):
        practice_log.rolling_mean([1, 2, 3], window)


def test_dose_response_matches_scipy(table):
    log = practice_log.person_log(table, "P03")
    fit = practice_log.dose_response(log["practice_min"], log["craving_0_10"])
    ref = stats.linregress(log["practice_min"], log["craving_0_10"])
    assert fit["slope_per_10_min"] == pytest.approx(10 * ref.slope)
    assert fit["intercept"] == pytest.approx(ref.intercept)
    assert fit["r"] == pytest.approx(ref.rvalue)
    assert fit["n"] == 56


def test_dose_response_by_hand_and_errors():
    fit = practice_log.dose_response([0, 10, 20], [6, 5, 4])
    assert fit["slope_per_10_min"] == pytest.approx(-1.0) and fit["r"] == pytest.approx(-1.0)
    with pytest.raises(DataError, match="at least 3"):
        practice_log.dose_response([0, 10], [6, 5])
    with pytest.raises(DataError, match="same on every day"):
        practice_log.dose_response([0, 0, 0], [6, 5, 4])


def test_person_log_names_the_choices(table):
    with pytest.raises(DataError, match="choose one of P01"):
        practice_log.person_log(table, "P99")


def test_description_says_simulated_and_matches_the_numbers(table):
    text = practice_log.describe_person(table, "P01", window=7)
    log = practice_log.person_log(table, "P01")
    assert text.startswith("SIMULATED person P01")
    assert f"practised on {(log['practice_min'] > 0).sum()} of 56 days" in text
    assert "not a study result" in text


# --- the demo -----------------------------------------------------------------------------------------

def test_update_moves_artists_in_place(table):
    plot = demo_module.PracticeLogPlot(table, person_id="P01", window=7)
    fig, points, smooth = plot.fig, plot.points, plot.craving_smooth
    plot.update("P02", 3)
    assert plot.fig is fig and plot.points is points and plot.craving_smooth is smooth
    log = practice_log.person_log(table, "P02")
    np.testing.assert_allclose(points.get_offsets()[:, 0], log["practice_min"])
    np.testing.assert_allclose(smooth.get_ydata(), practice_log.rolling_mean(log["craving_0_10"], 3))
    assert len(plot.bars.get_segments()) == 56
    assert plot.bars.get_segments()[5][1][1] == log["practice_min"].iloc[5]
    attended = (log["group_session"] == "attended").sum()
    assert len(plot.attended.get_xdata()) == attended and len(plot.missed.get_xdata()) == 8 - attended
    assert "P02: r = " in plot.ax_scatter.get_title()
    plt.close(fig)


def test_figure_and_alt_text_say_simulated(table):
    plot = demo_module.PracticeLogPlot(table, person_id="P04", window=5)
    assert "SIMULATED" in plot.fig._suptitle.get_text()
    alt = plot.render().alt
    assert "SIMULATED" in alt and alt.endswith(plot.summary())
    assert "5-day rolling mean" in plot.summary()
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.practice_log_demo() is None
    assert "SIMULATED person P01" in capsys.readouterr().out


def test_interactive_demo_has_labelled_keyboard_controls_that_redraw(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.practice_log_demo()
    scenario, person, window, caption, _ = box.children
    assert scenario.description and person.description and window.description
    assert window.continuous_update is False
    assert list(person.options)[:2] == ["P01", "P02"]
    before = caption.value
    window.value = 3
    assert caption.value != before and "3-day rolling mean" in caption.value
    person.value = "P07"
    assert "SIMULATED person P07" in caption.value and "3-day rolling mean" in caption.value
    assert "CONFOUNDED" not in caption.value
    scenario.value = "confounded"
    assert "CONFOUNDED scenario" in caption.value and "SIMULATED person P07" in caption.value
    assert "CONFOUNDED" in box.plot.fig._suptitle.get_text()


# --- the confounded scenario (issue 16, item 11) -------------------------------------------------------

@pytest.fixture(scope="module")
def confounded():
    return practice_log.simulate_confounded_log()


def test_confounded_log_has_the_same_shape_and_says_simulated(confounded, table):
    assert list(confounded.columns) == list(table.columns)
    assert len(confounded) == 12 * 56 and confounded["simulated"].all()
    assert confounded["craving_0_10"].between(0, 10).all() and (confounded["practice_min"] >= 0).all()
    assert sorted(confounded.loc[confounded["group_session"] != "none", "day"].unique()) == list(
        practice_log.SESSION_DAYS)
    pd.testing.assert_frame_equal(confounded, practice_log.simulate_confounded_log())  # same seed, same log
    assert not confounded.equals(practice_log.simulate_confounded_log(seed=1))


def test_practice_has_no_effect_built_in_yet_the_line_shows_a_benefit(confounded):
    assert practice_log.CONFOUNDED_CRAVING_PER_MINUTE == 0.0
    fit = practice_log.pooled_dose_response(confounded)
    ref = stats.linregress(confounded["practice_min"], confounded["craving_0_10"])
    assert fit["slope_per_10_min"] == pytest.approx(10 * ref.slope)
    # The apparent benefit (craving falling with practice) is clearly positive, and larger than the
    # weak link that IS built into the other scenario.
    assert fit["slope_per_10_min"] < -0.6 and ref.pvalue < 1e-6
    weak = practice_log.pooled_dose_response(practice_log.load_practice_log())
    assert fit["slope_per_10_min"] < weak["slope_per_10_min"]
    assert (practice_log.person_summary(confounded)["slope_per_10_min"] < 0).sum() >= 10
    for seed in range(5):  # not a lucky seed
        assert practice_log.pooled_dose_response(practice_log.simulate_confounded_log(seed))["slope_per_10_min"] < -0.3


def test_without_the_common_cause_the_slope_vanishes(monkeypatch):
    # Cut the path from feeling better to practice: the same simulator then gives a flat line.
    monkeypatch.setattr(practice_log, "PRACTICE_LOGODDS_PER_WELLBEING", 0.0)
    monkeypatch.setattr(practice_log, "MINUTES_PER_WELLBEING", 0.0)
    slopes = [practice_log.pooled_dose_response(practice_log.simulate_confounded_log(seed, 40))["slope_per_10_min"]
              for seed in range(5)]
    assert abs(np.mean(slopes)) < 0.15


def test_scenarios_and_their_errors():
    assert set(practice_log.SCENARIOS) == {"weak link", "confounded"}
    assert all("SIMULATED" in label for label, _ in practice_log.SCENARIOS.values())
    assert "CONFOUNDED" in practice_log.SCENARIOS["confounded"][0]
    pd.testing.assert_frame_equal(practice_log.scenario_log("weak link"), practice_log.load_practice_log())
    with pytest.raises(DataError, match="no scenario 'other'; choose one of 'weak link', 'confounded'"):
        practice_log.scenario_log("other")
    for bad in (0, 100, 2.0, True):
        with pytest.raises(DataError, match="n_people"):
            practice_log.simulate_confounded_log(n_people=bad)


def test_demo_switches_scenario_in_place(table):
    plot = demo_module.PracticeLogPlot(table, person_id="P03", window=7)
    fig, points = plot.fig, plot.points
    assert "CONFOUNDED" not in plot.fig._suptitle.get_text()
    plot.update(scenario="confounded")
    assert plot.fig is fig and plot.points is points and plot.person_id == "P03"
    log = practice_log.person_log(practice_log.simulate_confounded_log(), "P03")
    np.testing.assert_allclose(points.get_offsets()[:, 1], log["craving_0_10"])
    assert "SIMULATED and CONFOUNDED" in plot.fig._suptitle.get_text()
    assert "CONFOUNDED scenario: practice has no effect" in plot.render().alt
    plot.update(scenario="weak link")
    np.testing.assert_allclose(points.get_offsets()[:, 1], practice_log.person_log(table, "P03")["craving_0_10"])
    with pytest.raises(DataError, match="choose one of"):
        demo_module.PracticeLogPlot(table, scenario="nonsense")
    plt.close(fig)
