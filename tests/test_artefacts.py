"""Artefacts (course.artefacts): making them, flagging them, correcting them."""

from __future__ import annotations

import numpy as np
import pytest

from course import artefacts, breathing, hrv
from course.data import load_nsrdb_nn
from course.errors import DataError

# Worked example, by hand (threshold 20 %, two neighbours each side):
#   nn             = 800, 810, 1600, 805, 795, 790
#   local medians  = med(800,810,1600)=810, med(800,810,1600,805)=807.5,
#                    med(800,810,1600,805,795)=805, med(810,1600,805,795,790)=805,
#                    med(1600,805,795,790)=800, med(805,795,790)=795
#   |1600 - 805| = 795 > 0.2 * 805 = 161  -> flagged; the others differ by < 11 ms
#   correction: halfway between 810 (position 1) and 805 (position 3) = 807.5
WORKED = [800, 810, 1600, 805, 795, 790]


@pytest.fixture(scope="module")
def five_min():
    return load_nsrdb_nn("5min")


def test_worked_example_by_hand():
    np.testing.assert_allclose(artefacts.local_median(WORKED), [810, 807.5, 805, 805, 800, 795])
    assert artefacts.flag_artefacts(WORKED).tolist() == [False, False, True, False, False, False]
    np.testing.assert_allclose(artefacts.correct_artefacts(WORKED), [800, 810, 807.5, 805, 795, 790])
    kept, removed = artefacts.delete_artefacts(WORKED)
    assert removed == 1 and kept.tolist() == [800, 810, 805, 795, 790]


def test_local_median_matches_a_plain_loop_for_every_window():
    rng = np.random.default_rng(0)
    for n in (3, 4, 5, 7, 50):
        for k in (1, 2, 3, 6):
            x = rng.normal(900, 100, n)
            loop = [np.median(x[max(0, i - k): i + k + 1]) for i in range(n)]
            np.testing.assert_allclose(artefacts.local_median(x, k), loop)


def test_threshold_is_strict_and_tunable():
    nn = [1000, 1000, 1200, 1000, 1000]  # exactly 20 % above the local median of 1000
    assert not artefacts.flag_artefacts(nn, 0.2).any()
    assert artefacts.flag_artefacts(nn, 0.19).tolist() == [False, False, True, False, False]


def test_flagged_ends_take_the_nearest_good_value():
    nn = [2000, 900, 910, 905, 915, 400]
    np.testing.assert_allclose(artefacts.correct_artefacts(nn), [900, 900, 910, 905, 915, 915])


def test_clean_series_is_left_exactly_as_it_is():
    clean = breathing.simulate_rr(15)
    assert not artefacts.flag_artefacts(clean).any()
    np.testing.assert_array_equal(artefacts.correct_artefacts(clean), clean)


def test_made_artefacts_keep_or_change_length_and_time_as_they_should(five_min):
    missed = artefacts.add_missed_beat(five_min, 150)
    extra = artefacts.add_extra_beat(five_min, 150)
    early = artefacts.add_premature_beat(five_min, 150)
    assert (missed.size, extra.size, early.size) == (336, 338, 337)
    for series in (missed, extra, early):
        assert series.sum() == pytest.approx(five_min.sum())
    assert missed[150] == five_min[150] + five_min[151]
    assert extra[150] == pytest.approx(0.4 * five_min[150])
    assert early[150] == pytest.approx(0.7 * five_min[150])
    assert early[151] == pytest.approx(five_min[151] + 0.3 * five_min[150])


def test_one_missed_beat_inflates_sdnn_rmssd_and_hf(five_min):
    table = artefacts.compare_metrics({"original": five_min, "missed": artefacts.add_missed_beat(five_min, 150)})
    before, after = table.iloc[0], table.iloc[1]
    assert after["sdnn_ms"] > 1.1 * before["sdnn_ms"]
    assert after["rmssd_ms"] > 1.2 * before["rmssd_ms"]
    assert after["hf_ms2"] > 1.5 * before["hf_ms2"]
    assert list(table["version"]) == ["original", "missed"]


def test_injected_artefacts_are_found_and_corrected_on_a_clean_series():
    clean = breathing.simulate_rr(15)
    broken = artefacts.add_premature_beat(artefacts.add_missed_beat(clean, 100), 200)
    flagged = np.flatnonzero(artefacts.flag_artefacts(broken))
    assert set(flagged) == {100, 200, 201}
    fixed = artefacts.correct_artefacts(broken)
    assert hrv.rmssd(fixed) == pytest.approx(hrv.rmssd(clean), rel=0.05)
    assert abs(hrv.rmssd(broken) - hrv.rmssd(clean)) > 10 * abs(hrv.rmssd(fixed) - hrv.rmssd(clean))


def test_a_strict_threshold_also_removes_genuine_variation(five_min):
    # In this recording the 20 % rule flags the tops of large breathing waves.
    table = artefacts.threshold_table(five_min, (0.2, 0.5))
    assert table["n_flagged"].tolist() == [23, 0]
    assert table["rmssd_corrected_ms"].iloc[0] < 0.8 * hrv.rmssd(five_min)
    assert table["rmssd_corrected_ms"].iloc[1] == pytest.approx(hrv.rmssd(five_min))
    broken = artefacts.add_missed_beat(five_min, 150)
    lenient = artefacts.threshold_table(broken, (0.5,)).iloc[0]
    assert lenient["n_flagged"] == 1
    assert lenient["rmssd_corrected_ms"] == pytest.approx(hrv.rmssd(five_min), rel=0.01)


@pytest.mark.parametrize("threshold", [0, 1, 1.5, -0.2, "20 %", float("nan")])
def test_bad_thresholds_are_refused(threshold):
    with pytest.raises(DataError):
        artefacts.flag_artefacts(WORKED, threshold)


def test_bad_windows_positions_and_series_are_refused():
    with pytest.raises(DataError):
        artefacts.flag_artefacts(WORKED, 0.2, half_window=0)
    with pytest.raises(DataError):
        artefacts.local_median(WORKED, half_window=1.5)
    with pytest.raises(DataError, match="not inside"):
        artefacts.add_missed_beat(WORKED, 5)
    with pytest.raises(DataError):
        artefacts.add_extra_beat(WORKED, 1, fraction=1.2)
    with pytest.raises(DataError, match="at least 3"):
        artefacts.flag_artefacts([800, 810])
    with pytest.raises(DataError, match="too few good ones"):
        artefacts.correct_artefacts([800, 2000, 400], threshold=0.01)


def test_flagged_percent_is_the_share_the_rule_flags(five_min):
    assert artefacts.flagged_percent(WORKED) == pytest.approx(100 / 6)
    assert artefacts.flagged_percent(breathing.simulate_rr(15)) == 0.0
    for threshold in (0.2, 0.3, 0.5):
        flags = artefacts.flag_artefacts(five_min, threshold)
        assert artefacts.flagged_percent(five_min, threshold) == pytest.approx(100 * flags.sum() / five_min.size)
    assert artefacts.flagged_percent(five_min, 0.2) > artefacts.flagged_percent(five_min, 0.5)
    with pytest.raises(DataError):
        artefacts.flagged_percent(WORKED, 1.5)


def test_apply_correction_uses_the_flags_it_is_given():
    nn = [800, 810, 3000, 805, 795, 790]
    flags = [False, False, True, False, False, False]
    np.testing.assert_allclose(artefacts.apply_correction(nn, flags), [800, 810, 807.5, 805, 795, 790])
    np.testing.assert_allclose(artefacts.apply_correction(nn, flags, "delete"), [800, 810, 805, 795, 790])
    np.testing.assert_allclose(artefacts.apply_correction(nn, flags, "none"), nn)
    ends = artefacts.apply_correction(nn, [True, False, False, False, False, True])
    assert ends[0] == 810 and ends[-1] == 795  # the ends take the nearest good value


def test_apply_correction_matches_correct_artefacts_with_the_same_flags():
    nn = artefacts.add_missed_beat(np.random.default_rng(3).normal(850, 30, 120), 40)
    flags = artefacts.flag_artefacts(nn)
    np.testing.assert_allclose(artefacts.apply_correction(nn, flags), artefacts.correct_artefacts(nn))
    kept, _ = artefacts.delete_artefacts(nn)
    np.testing.assert_allclose(artefacts.apply_correction(nn, flags, "delete"), kept)


@pytest.mark.parametrize("flags, method, message", [
    ([True] * 5 + [False], "interpolate", "leaving too few good ones"),
    ([False] * 5, "interpolate", "5 flags for 6 intervals"),
    ([False] * 6, "smooth", "'smooth' is not an option"),
])
def test_apply_correction_refuses_with_a_sentence(flags, method, message):
    with pytest.raises(DataError, match=message):
        artefacts.apply_correction([800, 810, 820, 805, 795, 790], flags, method)
