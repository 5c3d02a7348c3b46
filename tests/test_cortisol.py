"""Cortisol metrics, the SIMULATED day model and the simulated dataset (course.cortisol)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from course import cortisol
from course.errors import DataError

# --- CAR increase -------------------------------------------------------------------


def test_car_increase_hand_example():
    # waking 10, then 12, 15, 13 at +15/+30/+45 min: peak 15, so 100 * (15 - 10) / 10 = 50 %.
    assert cortisol.car_increase_pct([10, 12, 15, 13], [0, 15, 30, 45]) == pytest.approx(50.0)


def test_car_increase_ignores_samples_after_45_minutes():
    # the +60 sample (20) is outside the 45-min window, so the peak is still 15 -> 50 %.
    assert cortisol.car_increase_pct([10, 12, 15, 13, 20], [0, 15, 30, 45, 60]) == pytest.approx(50.0)
    # with a 60-min window it counts: 100 * (20 - 10) / 10 = 100 %.
    assert cortisol.car_increase_pct([10, 12, 15, 13, 20], [0, 15, 30, 45, 60], window_min=60) == pytest.approx(100.0)


def test_car_increase_is_negative_for_a_falling_morning():
    # 10 -> 9, 8, 9.5: the highest later sample is 9.5, so 100 * (9.5 - 10) / 10 = -5 %.
    assert cortisol.car_increase_pct([10, 9, 8, 9.5], [0, 15, 30, 45]) == pytest.approx(-5.0)


def test_car_increase_peak_at_45_minutes_and_unit_free():
    # 4 nmol/L -> 5, 6, 7: peak at +45, 100 * 3 / 4 = 75 %; the same in relative units.
    assert cortisol.car_increase_pct([4, 5, 6, 7], [0, 15, 30, 45]) == pytest.approx(75.0)
    assert cortisol.car_increase_pct([1, 1.25, 1.5, 1.75], [0, 15, 30, 45]) == pytest.approx(75.0)


@pytest.mark.parametrize("samples,times,match", [
    ([10, 12], [0, 15, 30], "as many times"),
    ([10, 12, 11], [0, 30, 15], "increasing"),
    ([0, 12, 11], [0, 15, 30], "above zero"),
    ([10, 12], [0, 60], "no sample within 45"),
    ([10, np.nan, 11], [0, 15, 30], "missing"),
])
def test_car_increase_explains_bad_input(samples, times, match):
    with pytest.raises(DataError, match=match):
        cortisol.car_increase_pct(samples, times)


# --- areas under the curve ----------------------------------------------------------


def test_auc_hand_example():
    # trapezoids: 15*(10+12)/2 = 165, 15*(12+15)/2 = 202.5, 15*(15+13)/2 = 210 -> AUCg = 577.5.
    # AUCi subtracts the rectangle under the first sample: 577.5 - 10 * 45 = 127.5.
    t, v = [0, 15, 30, 45], [10, 12, 15, 13]
    assert cortisol.auc_ground(t, v) == pytest.approx(577.5)
    assert cortisol.auc_increase(t, v) == pytest.approx(127.5)


def test_auc_unequal_spacing():
    # 30*(2+4)/2 = 90 and 15*(4+3)/2 = 52.5 -> AUCg 142.5; AUCi = 142.5 - 2 * 45 = 52.5.
    assert cortisol.auc_ground([0, 30, 45], [2, 4, 3]) == pytest.approx(142.5)
    assert cortisol.auc_increase([0, 30, 45], [2, 4, 3]) == pytest.approx(52.5)


def test_auc_increase_flat_and_falling():
    assert cortisol.auc_increase([0, 15, 30, 45], [5, 5, 5, 5]) == pytest.approx(0.0)
    # falling: 15*(10+8)/2 + 15*(8+6)/2 = 135 + 105 = 240; minus 10 * 30 = 300 -> -60.
    assert cortisol.auc_increase([0, 15, 30], [10, 8, 6]) == pytest.approx(-60.0)


def test_auc_matches_scipy_trapezoid_on_random_series():
    rng = np.random.default_rng(7)
    for _ in range(20):
        t = np.cumsum(rng.uniform(1, 30, 9))
        v = rng.uniform(0.2, 3.0, 9)
        assert cortisol.auc_ground(t, v) == pytest.approx(integrate.trapezoid(v, t))
        assert cortisol.auc_increase(t, v) == pytest.approx(integrate.trapezoid(v - v[0], t))


# --- diurnal slope -----------------------------------------------------------------


def test_diurnal_slope_hand_example():
    # t = 0, 5, 10, 15 h (mean 7.5); v = 1.0, 0.6, 0.4, 0.2 (mean 0.55).
    # Sxy = -7.5*0.45 - 2.5*0.05 + 2.5*(-0.15) + 7.5*(-0.35) = -6.5; Sxx = 125 -> slope -0.052 per hour.
    t, v = [0, 5, 10, 15], [1.0, 0.6, 0.4, 0.2]
    assert cortisol.diurnal_slope(t, v) == pytest.approx(-0.052)
    assert cortisol.diurnal_slope(t, v) == pytest.approx(np.polyfit(t, v, 1)[0])


def test_diurnal_slope_flat_day_is_zero():
    assert cortisol.diurnal_slope([0, 5, 10, 15], [1, 1, 1, 1]) == pytest.approx(0.0)


# --- the SIMULATED day model -------------------------------------------------------


def test_true_curve_latent_period_peak_and_decline():
    c = cortisol.true_curve([0, 5, 10, 40], car_rise=0.6, peak_min=40, decline_per_h=0.1)
    np.testing.assert_allclose(c, [1.0, 1.0, 1.0, 1.6])
    # no morning rise: the level is 1 until the peak time, then loses 10 % per hour.
    flat = cortisol.true_curve([0, 40, 100, 160], car_rise=0.0, peak_min=40, decline_per_h=0.1)
    np.testing.assert_allclose(flat, [1.0, 1.0, 0.9, 0.81])
    # the peak is the highest point of the first hour
    grid = np.arange(0, 61)
    curve = cortisol.true_curve(grid, car_rise=0.5, peak_min=33)
    assert grid[np.argmax(curve)] == 33 and curve.max() == pytest.approx(1.5)


def test_true_curve_non_responder_falls():
    c = cortisol.true_curve([0, 30, 45], car_rise=-0.1, peak_min=30, decline_per_h=0.1)
    assert c[1] == pytest.approx(0.9) and c[2] < 1.0


def test_true_curve_rejects_impossible_settings():
    with pytest.raises(ValueError):
        cortisol.true_curve([0], peak_min=5)
    with pytest.raises(ValueError):
        cortisol.true_curve([0], decline_per_h=1.2)


def test_sample_day_delay_moves_only_the_morning_samples():
    table = cortisol.sample_day(delay_min=12)
    morning = table[table["sample"].isin(cortisol.CAR_SAMPLES)]
    clock = table[table["sample"].isin(cortisol.CLOCK_SAMPLES)]
    np.testing.assert_allclose(morning["actual_min"], [12, 27, 42, 57, 72])
    np.testing.assert_allclose(clock["actual_min"], [300, 600, 900])
    assert table["measured_rel"].iloc[0] == 1.0


def test_on_time_sampling_matches_the_hand_arithmetic():
    # rise 60 %, peak 40 min, fall 10 %/h, no delay. Samples at 0, 15, 30, 45 min:
    # c(15) = 1 + 0.6 sin^2(pi/2 * 5/30), c(30) = 1 + 0.6 sin^2(pi/2 * 20/30) = 1.45,
    # c(45) = 0.9^(5/60) * (1 + 0.6 exp(-5/60)) = 0.99126 * 1.55203 ~ 1.5385 -> measured CAR ~ 53.85 % (misses the true 60 %).
    r = cortisol.compare_true_and_measured(0.6, 40, 0.10, delay_min=0)
    expected = 100 * (0.9 ** (5 / 60) * (1 + 0.6 * np.exp(-5 / 60)) - 1)
    assert expected == pytest.approx(53.85, abs=0.01)
    assert r["measured_car_pct"] == pytest.approx(expected)
    assert r["true_car_pct"] == pytest.approx(60.0)


def test_moderate_delay_inflates_and_long_delay_shrinks_the_car():
    on_time = cortisol.compare_true_and_measured(delay_min=0)
    moderate = cortisol.compare_true_and_measured(delay_min=10)
    late = cortisol.compare_true_and_measured(delay_min=30)
    # within the latent period the waking sample is unchanged, but later samples move up the rise
    assert moderate["measured_car_pct"] > on_time["measured_car_pct"] + 5
    # AUCi, which uses every morning sample, is inflated by every delay from 5 to 15 minutes
    for delay in (5, 10, 15):
        assert cortisol.compare_true_and_measured(delay_min=delay)["measured_auci"] > on_time["measured_auci"]
    # past the latent period the waking sample is already raised
    assert late["measured_car_pct"] < on_time["measured_car_pct"] - 20
    # the clock samples do not move, so the slope barely changes
    assert moderate["measured_slope_pct_h"] == pytest.approx(on_time["measured_slope_pct_h"], abs=0.05)


def test_true_areas_agree_with_scipy():
    r = cortisol.compare_true_and_measured(0.5, 35, 0.08)
    grid = np.arange(0.0, 61.0)
    curve = cortisol.true_curve(grid, 0.5, 35, 0.08)
    assert r["true_aucg"] == pytest.approx(integrate.trapezoid(curve, grid))
    assert r["true_auci"] == pytest.approx(integrate.trapezoid(curve - 1.0, grid))


# --- the simulated dataset ---------------------------------------------------------


@pytest.fixture(scope="module")
def table():
    return cortisol.load_cortisol_sim()


# Byte-identical regeneration from the seed, another seed, the loader's column, cell and
# "simulated" checks and the missing file: tested for every simulated dataset in
# test_simulated_datasets.py.


def test_dataset_shape_and_labels(table):
    assert list(table.columns) == list(cortisol.DATASET_COLUMNS)
    assert len(table) == 3 * 20 * 2 * 8
    assert table["simulated"].all()
    assert set(table["group"]) == set(cortisol.GROUPS)
    # the simulated groups are named after their pattern, not after a diagnosis they would prejudge
    assert set(cortisol.GROUPS) == {"control", "low_rise", "flat_slope"}
    assert not any("burnout" in g.lower() for g in table["group"].unique())
    assert set(table["subject_id"].str[:2]) == {"CO", "LR", "FS"}
    assert table.groupby("group")["subject_id"].nunique().eq(20).all()
    assert (table.loc[table["sample"] == "wake", "cortisol_rel_to_wake"] == 1.0).all()
    assert sorted(table["minutes_since_waking"].unique()) == [0, 15, 30, 45, 60, 300, 600, 900]


def test_dataset_reflects_its_cited_anchors(table):
    summary = cortisol.person_day_summary(table)
    assert len(summary) == 120
    control = summary[summary["group"] == "control"]
    # measured rises average about 50 % (Wüst 2000) ...
    assert 40 < control["car_increase_pct"].mean() < 60
    # ... and about three in four mornings show a clear rise (~75 % responders)
    assert 0.65 < (control["car_increase_pct"] > 20).mean() < 0.85
    # some first samples are late by 5-15 minutes
    late = summary["sampling_delay_min"].between(5, 15).mean()
    assert 0.1 < late < 0.35
    # the day falls in everyone
    assert (summary["slope_pct_h"] < 0).all()


def test_group_differences_are_small(table):
    summary = cortisol.person_day_summary(table)
    means = summary.groupby("group")["car_increase_pct"].mean()
    spread = summary["car_increase_pct"].std()
    assert (means - means["control"]).abs().max() < 0.5 * spread


def test_loader_explains_columns_unknown_labels_and_impossible_values(tmp_path, table):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"subject_id": ["x"]}).to_csv(bad, index=False)
    with pytest.raises(DataError, match="lacks the column"):
        cortisol.load_cortisol_sim(bad)
    for column, value, words in [("group", "burnout", "line 4: unknown group 'burnout'"),
                                 ("sample", "+90", "line 4: unknown sample '\\+90'"),
                                 ("day", 3, "line 4: day is 3; it must lie between 1 and 2"),
                                 ("cortisol_rel_to_wake", 0.0, "line 4: cortisol_rel_to_wake is 0; it must be greater")]:
        damaged = table.copy()
        damaged.loc[2, column] = value
        damaged.to_csv(bad, index=False)
        with pytest.raises(DataError, match=words):
            cortisol.load_cortisol_sim(bad)


def test_group_table_and_plot_describe_the_same_numbers(table):
    import matplotlib.pyplot as plt

    summary = cortisol.person_day_summary(table)
    out = cortisol.group_table(summary)
    assert list(out.index) == list(cortisol.GROUPS)
    assert out["person_days"].tolist() == [40, 40, 40]
    control_mean = summary.loc[summary["group"] == "control", "car_increase_pct"].mean()
    assert out.loc["control", "CAR_mean_%"] == pytest.approx(round(control_mean, 1))
    text = cortisol.describe_group_car(summary)
    assert text.startswith("Dot plot of SIMULATED data") and f"control: mean {control_mean:.0f} %" in text
    ax = cortisol.plot_group_car(summary)
    assert "SIMULATED" in ax.get_title()
    assert len(ax.lines) == 3 * 2 + 1  # points and a mean bar per group, and the zero line
    plt.close(ax.figure)


# --- one morning or two: day-to-day agreement ------------------------------------------


def test_verdict_flip_hand_example():
    # cut-off 30: day 1 verdicts low, not, low, not, not; day 2 not, not, low, low, not -> people 1 and 4 flip.
    day1 = [10, 60, 20, 45, 80]
    day2 = [35, 70, 5, 25, 90]
    assert cortisol.verdict_flip_pct(day1, day2, 30) == pytest.approx(40.0)


def test_verdict_flip_value_at_the_cutoff_is_not_low_and_order_of_days_does_not_matter():
    assert cortisol.verdict_flip_pct([30, 29.9], [31, 30], 30) == pytest.approx(50.0)
    rng = np.random.default_rng(1)
    a, b = rng.normal(50, 30, 40), rng.normal(50, 30, 40)
    assert cortisol.verdict_flip_pct(a, b, 45) == cortisol.verdict_flip_pct(b, a, 45)
    assert cortisol.verdict_flip_pct(a, a, 45) == 0.0
    # the same as counting by hand, person by person
    by_hand = 100 * sum((x < 45) != (y < 45) for x, y in zip(a, b)) / len(a)
    assert cortisol.verdict_flip_pct(a, b, 45) == pytest.approx(by_hand)


@pytest.mark.parametrize("day1,day2,words", [
    ([1, 2], [1], "same people"),
    ([], [], "at least one"),
    ([1, np.nan], [1, 2], "missing"),
])
def test_verdict_flip_explains_bad_input(day1, day2, words):
    with pytest.raises(DataError, match=words):
        cortisol.verdict_flip_pct(day1, day2, 10)


def test_day_pairs_and_day_to_day_r_on_the_simulated_study(table):
    summary = cortisol.person_day_summary(table)
    pairs = cortisol.day_pairs(summary)
    assert len(pairs) == 60 and list(pairs.columns) == ["group", "day1", "day2"]
    assert pairs.index[0] == "CO01" and pairs.loc["CO01", "group"] == "control"
    first = summary[(summary["subject_id"] == "CO01")].set_index("day")["car_increase_pct"]
    assert pairs.loc["CO01", "day1"] == first[1] and pairs.loc["CO01", "day2"] == first[2]
    r = cortisol.day_to_day_r(pairs["day1"], pairs["day2"])
    assert r == pytest.approx(np.corrcoef(pairs["day1"], pairs["day2"])[0, 1])
    # fairly stable from day to day, as in Wüst 2000 (up to r = 0.63), yet far from perfect
    assert 0.5 < r < 0.8
    # a cut-off in the middle of the distribution flips far more verdicts than one in the tail
    middle = cortisol.verdict_flip_pct(pairs["day1"], pairs["day2"], 50)
    tail = cortisol.verdict_flip_pct(pairs["day1"], pairs["day2"], 0)
    assert middle > 2 * tail > 0
    with pytest.raises(DataError, match="no column"):
        cortisol.day_pairs(summary, "AUCg")
    with pytest.raises(DataError, match="at least three"):
        cortisol.day_to_day_r([1, 2], [1, 2])
