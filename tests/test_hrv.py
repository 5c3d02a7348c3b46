"""Time-domain HRV: a worked example by hand, and agreement with NeuroKit2."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from course import hrv
from course.data import load_nsrdb_nn
from course.errors import DataError

# Worked example, done by hand:
#   nn = 800, 850, 780, 900, 830 ms                      (n = 5)
#   mean NN  = 4160 / 5                                   = 832 ms
#   mean HR  = 60000 / 832                                = 72.115384... bpm
#   deviations from 832: -32, 18, -52, 68, -2
#   squares: 1024 + 324 + 2704 + 4624 + 4                 = 8680
#   SDNN     = sqrt(8680 / (5 - 1)) = sqrt(2170)          = 46.583258... ms
#   successive differences: +50, -70, +120, -70
#   squares: 2500 + 4900 + 14400 + 4900                   = 26700
#   RMSSD    = sqrt(26700 / 4) = sqrt(6675)               = 81.700673... ms
#   NN50     = |diff| > 50: 70, 120, 70 (50 is not > 50)  = 3
#   pNN50    = 3 / 5 intervals * 100                      = 60 %
#   duration = 4160 ms                                    = 4.16 s
WORKED = [800, 850, 780, 900, 830]


def test_worked_example_by_hand():
    assert hrv.mean_nn(WORKED) == 832.0
    assert hrv.mean_hr(WORKED) == pytest.approx(72.11538461538461, rel=1e-12)
    assert hrv.sdnn(WORKED) == pytest.approx(46.58325879540846, rel=1e-12)
    assert hrv.rmssd(WORKED) == pytest.approx(81.70067319184096, rel=1e-12)
    assert hrv.nn50(WORKED) == 3
    assert hrv.pnn50(WORKED) == pytest.approx(60.0)


def test_time_domain_keys_types_and_values():
    result = hrv.time_domain(WORKED)
    assert tuple(result) == hrv.TIME_DOMAIN_KEYS
    assert result["n_intervals"] == 5 and isinstance(result["n_intervals"], int)
    assert isinstance(result["nn50"], int)
    assert result["duration_s"] == pytest.approx(4.16)
    assert result["sdnn_ms"] == pytest.approx(np.sqrt(2170))
    assert result["pnn50_pct"] == pytest.approx(60.0)


def test_mean_hr_is_not_the_mean_of_instantaneous_rates():
    nn = [600, 1200]
    assert hrv.mean_hr(nn) == pytest.approx(60000 / 900)  # 66.67 bpm
    assert hrv.mean_hr(nn) < np.mean(60000 / np.array(nn))  # 75 bpm


def test_accepts_lists_series_and_integer_arrays():
    expected = hrv.rmssd(WORKED)
    assert hrv.rmssd(pd.Series(WORKED)) == expected
    assert hrv.rmssd(np.array(WORKED, dtype=np.int64)) == expected
    assert hrv.as_nn_array(tuple(WORKED)).dtype == np.float64


# --- NeuroKit2 cross-check ---------------------------------------------------


def _neurokit_time(nn_ms):
    nk = pytest.importorskip("neurokit2")
    # Beat positions in samples at 1000 Hz: an offset, then cumulative NN.
    peaks = (5000 + np.concatenate([[0], np.cumsum(nn_ms)])).astype(np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = nk.hrv_time(peaks, sampling_rate=1000)
    return table.iloc[0]


def _random_series():
    rng = np.random.default_rng(20240611)
    return rng.integers(550, 1150, size=600).astype(float)


@pytest.mark.parametrize(
    "series",
    [lambda: load_nsrdb_nn("5min"), lambda: load_nsrdb_nn("60min"), _random_series],
    ids=["nsrdb-5min", "nsrdb-60min", "random"],
)
def test_every_metric_matches_neurokit2(series):
    nn = series()
    ours = hrv.time_domain(nn)
    theirs = _neurokit_time(nn)
    assert ours["mean_nn_ms"] == pytest.approx(theirs["HRV_MeanNN"], rel=1e-6)
    assert ours["mean_hr_bpm"] == pytest.approx(60000 / theirs["HRV_MeanNN"], rel=1e-6)
    assert ours["sdnn_ms"] == pytest.approx(theirs["HRV_SDNN"], rel=1e-6)
    assert ours["rmssd_ms"] == pytest.approx(theirs["HRV_RMSSD"], rel=1e-6)
    assert ours["pnn50_pct"] == pytest.approx(theirs["HRV_pNN50"], rel=1e-6)
    # NeuroKit2 divides NN50 by the number of intervals too, so this recovers NN50.
    assert ours["nn50"] == round(theirs["HRV_pNN50"] * len(nn) / 100)
    assert ours["n_intervals"] == len(nn)


def test_real_series_values():
    short = hrv.time_domain(load_nsrdb_nn("5min"))
    assert short["n_intervals"] == 337
    assert short["duration_s"] == pytest.approx(299.578)
    assert short["sdnn_ms"] == pytest.approx(95.690354, rel=1e-6)
    assert short["rmssd_ms"] == pytest.approx(101.300634, rel=1e-6)
    assert short["nn50"] == 163


# --- windows ---------------------------------------------------------------------


def test_windows_are_right_closed_and_incomplete_window_dropped():
    # 25 beats of exactly 1 s: intervals ending at 1..10 s -> window 1,
    # 11..20 s -> window 2, 21..25 s is an incomplete window and is dropped.
    table = hrv.windowed_time_domain([1000.0] * 25, window_s=10)
    assert list(table["window"]) == [1, 2]
    assert list(table["start_s"]) == [0.0, 10.0]
    assert list(table["n_intervals"]) == [10, 10]
    assert list(table["duration_s"]) == [10.0, 10.0]
    assert list(table["sdnn_ms"]) == [0.0, 0.0]


def test_windowed_columns():
    table = hrv.windowed_time_domain(load_nsrdb_nn("5min"), window_s=60)
    assert list(table.columns) == ["window", "start_s", *hrv.TIME_DOMAIN_KEYS]


def test_five_minute_file_in_one_minute_windows():
    nn = load_nsrdb_nn("5min")  # 299.578 s: four complete minutes
    table = hrv.windowed_time_domain(nn, window_s=60)
    assert len(table) == 4
    assert list(table["start_s"]) == [0.0, 60.0, 120.0, 180.0]
    end_ms = np.cumsum(nn)
    for row in table.itertuples():
        inside = (end_ms > row.start_s * 1000) & (end_ms <= (row.start_s + 60) * 1000)
        expected = hrv.time_domain(nn[inside])
        assert row.n_intervals == expected["n_intervals"]
        assert row.rmssd_ms == pytest.approx(expected["rmssd_ms"], rel=1e-12)
        # The first interval may have started in the previous window.
        assert abs(row.duration_s - 60.0) < nn.max() / 1000
    assert table["n_intervals"].sum() == np.count_nonzero(end_ms <= 240_000)


def test_five_minute_file_is_shorter_than_300_seconds():
    nn = load_nsrdb_nn("5min")
    with pytest.raises(DataError, match=r"longer than the recording \(299\.6 s\)") as info:
        hrv.windowed_time_domain(nn, window_s=300)
    assert "at most 299 s" in str(info.value)
    table = hrv.windowed_time_domain(nn, window_s=299)
    assert len(table) == 1
    expected = hrv.time_domain(nn[np.cumsum(nn) <= 299_000])
    assert table.loc[0, "sdnn_ms"] == pytest.approx(expected["sdnn_ms"], rel=1e-12)
    assert table.loc[0, "n_intervals"] == 336


def test_sixty_minute_file_gives_eleven_complete_five_minute_windows():
    table = hrv.windowed_time_domain(load_nsrdb_nn("60min"), window_s=300)  # 3599.4 s
    assert len(table) == 11
    assert table["start_s"].iloc[-1] == 3000.0


def test_window_too_short_or_not_a_number():
    with pytest.raises(DataError, match="too short.*10 s"):
        hrv.windowed_time_domain(load_nsrdb_nn("5min"), window_s=5)
    with pytest.raises(DataError, match="number of seconds"):
        hrv.windowed_time_domain(load_nsrdb_nn("5min"), window_s="one minute")


def test_window_with_too_few_intervals():
    with pytest.raises(DataError, match="Window 1 .* only 1 interval"):
        hrv.windowed_time_domain([15000.0, 15000.0], window_s=15)


# --- input errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, words",
    [
        ("800,900", "piece of text"),
        (["800", "900"], "stored as text"),
        ([800, "ms", 900], "not numbers, for example 'ms'"),
        ([[800, 900], [810, 905]], "single series"),
        (pd.DataFrame({"a": [800, 900], "b": [1, 2]}), "table with 2 columns"),
        (850, "single series"),
        ([800, np.nan, 900], "missing (NaN)"),
        ([800, np.inf, 900], "infinite"),
        ([800, -12, 900], "zero or negative, at position(s) 2"),
        ([800, 0, 900], "zero or negative"),
    ],
)
def test_bad_input_raises_dataerror_with_a_sentence(bad, words):
    with pytest.raises(DataError) as info:
        hrv.as_nn_array(bad)
    assert words in str(info.value)


def test_too_short_names_the_metric():
    with pytest.raises(DataError, match="SDNN needs at least 2 NN intervals, but only 1"):
        hrv.sdnn([800])
    with pytest.raises(DataError, match="RMSSD needs at least 2"):
        hrv.rmssd([])
    assert hrv.mean_nn([800]) == 800.0


def test_dataerror_renders_without_traceback():
    with pytest.raises(DataError) as info:
        hrv.sdnn([800, float("nan")])
    lines = info.value._render_traceback_()
    assert lines[0].startswith("Data problem: 1 NN interval(s) are missing")
    assert lines[-1].startswith("Hint:")
