"""Published short-term HRV norms (Nunan et al., 2010) and the comparison table."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from course import norms
from course.data import load_nsrdb_nn
from course.errors import DataError
from course.hrv import time_domain


@pytest.mark.parametrize(
    "metric, mean, sd, low, high, unit",
    [
        ("mean_nn_ms", 926, 90, None, None, "ms"),
        ("sdnn_ms", 50, 16, 32, 93, "ms"),
        ("rmssd_ms", 42, 15, 19, 75, "ms"),
        ("lf_ms2", 519, 291, 193, 1009, "ms²"),
        ("hf_ms2", 657, 777, 83, 3630, "ms²"),
        ("lf_hf", 2.8, 2.6, 1.1, 11.6, ""),
    ],
)
def test_published_values(metric, mean, sd, low, high, unit):
    norm = norms.norm_for(metric)
    assert (norm.mean, norm.sd, norm.low, norm.high, norm.unit) == (mean, sd, low, high, unit)
    assert norm.source_key == "nunan2010"


def test_table_is_small_frozen_and_has_no_pnn50():
    assert [n.metric for n in norms.NORMS] == ["mean_nn_ms", "sdnn_ms", "rmssd_ms", "lf_ms2", "hf_ms2", "lf_hf"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        norms.NORMS[1].mean = 60.0
    assert norms.norm_for("pnn50_pct") is None
    assert norms.norm_for("nn50") is None


@pytest.mark.parametrize(
    "value, where",
    [
        (31.9, "below the published range"),
        (32.0, "within the published range"),
        (50.0, "within the published range"),
        (93.0, "within the published range"),
        (93.1, "above the published range"),
    ],
)
def test_where_phrases_at_and_around_the_sdnn_limits(value, where):
    table = norms.compare_with_norms({"sdnn_ms": value})
    assert table.loc[0, "where"] == where


def test_mean_nn_has_no_published_range():
    table = norms.compare_with_norms({"mean_nn_ms": 2000.0})
    assert table.loc[0, "where"] == "no range published"
    assert math.isnan(table.loc[0, "range_low"]) and math.isnan(table.loc[0, "range_high"])
    assert table.loc[0, "norm_mean"] == 926.0 and table.loc[0, "norm_sd"] == 90.0


def test_real_five_minute_recording_against_norms():
    table = norms.compare_with_norms(time_domain(load_nsrdb_nn("5min")))
    assert list(table.columns) == ["metric", "value", "norm_mean", "norm_sd", "range_low", "range_high", "where"]
    # Keys without a norm (mean_hr_bpm, nn50, pnn50_pct, ...) are left out.
    assert list(table["metric"]) == ["mean_nn_ms", "sdnn_ms", "rmssd_ms"]
    assert list(table["where"]) == [
        "no range published",
        "above the published range",  # SDNN 95.7 ms > 93 ms
        "above the published range",  # RMSSD 101.3 ms > 75 ms
    ]
    assert table.loc[1, "value"] == pytest.approx(95.690354, rel=1e-6)
    assert table.loc[2, "range_high"] == 75.0


def test_rows_follow_the_table_order_whatever_the_dict_order():
    table = norms.compare_with_norms({"rmssd_ms": 20.0, "pnn50_pct": 3.0, "mean_nn_ms": 900.0})
    assert list(table["metric"]) == ["mean_nn_ms", "rmssd_ms"]
    assert list(table["where"]) == ["no range published", "within the published range"]


def test_empty_input_gives_an_empty_table_with_the_columns():
    table = norms.compare_with_norms({"pnn50_pct": 12.0})
    assert isinstance(table, pd.DataFrame) and table.empty
    assert list(table.columns) == norms.COLUMNS


@pytest.mark.parametrize("bad", [{"sdnn_ms": "high"}, {"sdnn_ms": float("nan")}, {"rmssd_ms": None}])
def test_non_numbers_are_refused(bad):
    with pytest.raises(DataError, match="not a number"):
        norms.compare_with_norms(bad)


def test_needs_a_dictionary():
    with pytest.raises(DataError, match="dictionary of metrics"):
        norms.compare_with_norms([50.0, 42.0])
