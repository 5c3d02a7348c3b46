"""Frequency-domain HRV (course.spectral): analytic checks, Parseval, NeuroKit2, the 10x rule, errors."""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pytest
from scipy import integrate, signal

from course import spectral
from course.data import load_nsrdb_nn
from course.errors import DataError


def sinusoidal_nn(freq_hz, amplitude_ms, mean_ms=900.0, duration_s=300.0, phase=0.3):
    """NN intervals sampling ``mean + A·sin(2π f t)`` at each beat time t (s)."""
    t, out = 0.0, []
    while t < duration_s:
        rr = mean_ms + amplitude_ms * math.sin(2 * math.pi * freq_hz * t + phase)
        out.append(rr)
        t += rr / 1000.0
    return np.array(out)


@pytest.fixture(scope="module")
def five_min():
    return load_nsrdb_nn("5min")


def test_bands_are_the_task_force_bands():
    assert spectral.BANDS == {"VLF": (0.0033, 0.04), "LF": (0.04, 0.15), "HF": (0.15, 0.40)}


@pytest.mark.parametrize("freq_hz, band", [(0.10, "LF"), (0.25, "HF"), (0.30, "HF")])
@pytest.mark.parametrize("amplitude_ms", [30.0, 50.0])
@pytest.mark.parametrize("method", ["welch", "lomb"])
def test_sinusoid_of_amplitude_a_puts_a_squared_over_two_in_its_band(freq_hz, band, amplitude_ms, method):
    nn = sinusoidal_nn(freq_hz, amplitude_ms)
    freqs, psd = spectral.welch_psd(nn) if method == "welch" else spectral.lomb_psd(nn)
    expected = amplitude_ms**2 / 2  # the variance of a sinusoid
    assert spectral.band_power(freqs, psd, band) == pytest.approx(expected, rel=0.05)
    other = "HF" if band == "LF" else "LF"
    assert spectral.band_power(freqs, psd, other) < 0.02 * expected  # and almost nothing elsewhere


@pytest.mark.parametrize("method", ["welch", "lomb"])
def test_peak_sits_at_the_sinusoids_frequency(method):
    nn = sinusoidal_nn(0.25, 40.0)
    result = spectral.frequency_domain(nn, method)
    assert result["hf_peak_hz"] == pytest.approx(0.25, abs=0.01)
    assert result["lf_hf"] < 0.05


def test_welch_total_power_is_the_variance_of_the_resampled_series():
    rng = np.random.default_rng(3)
    nn = 900 + 40 * rng.standard_normal(2000)  # 30 minutes of broadband variation
    _, even = spectral.resample(nn)
    freqs, psd = spectral.welch_psd(nn)
    assert integrate.trapezoid(psd, freqs) == pytest.approx(np.var(even), rel=0.05)


def test_welch_total_power_on_real_data_is_at_most_the_variance(five_min):
    # Each segment is detrended, so slow drifts longer than a segment are left out.
    _, even = spectral.resample(five_min)
    freqs, psd = spectral.welch_psd(five_min)
    total = integrate.trapezoid(psd, freqs)
    assert 0.6 * np.var(even) < total <= np.var(even)


def test_resample_gives_an_even_4_hz_grid_through_the_beats(five_min):
    t, even = spectral.resample(five_min)
    np.testing.assert_allclose(np.diff(t), 0.25)
    beats = spectral.beat_times(five_min)
    assert t[0] == pytest.approx(beats[0]) and t[-1] <= beats[-1]
    # The spline passes through the beats: at a grid point that is a beat time, it equals the interval.
    assert np.interp(beats[10], t, even) == pytest.approx(five_min[10], abs=15)


def test_band_power_is_the_area_between_the_bounds():
    freqs = np.array([0.1, 0.2, 0.3, 0.4])
    psd = np.array([1.0, 1.0, 1.0, 100.0])
    assert spectral.band_power(freqs, psd, (0.1, 0.4)) == pytest.approx(0.2)  # 0.4 excluded
    assert spectral.band_power(freqs, psd, (0.2, 0.4)) == pytest.approx(0.1)  # 0.2 included
    assert spectral.band_power(freqs, psd, (0.35, 0.5)) == 0.0  # one point: no area


def test_lf_hf_on_real_data_matches_neurokit2(five_min):
    nk = pytest.importorskip("neurokit2")
    peaks = nk.intervals_to_peaks(five_min, sampling_rate=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = nk.hrv_frequency(peaks, sampling_rate=1000, psd_method="welch")
    ours = spectral.frequency_domain(five_min)
    # NeuroKit2 reports absolute powers in other units and scaling, so compare ratios only.
    assert ours["lf_hf"] == pytest.approx(float(theirs["HRV_LFHF"].iloc[0]), rel=0.15)
    assert ours["lf_nu"] / ours["hf_nu"] == pytest.approx(ours["lf_hf"])


def test_real_recording_values(five_min):
    welch = spectral.frequency_domain(five_min)
    lomb = spectral.frequency_domain(five_min, "lomb")
    assert welch["hf_ms2"] > welch["lf_ms2"]  # strong breathing rhythm in this person
    assert welch["hf_peak_hz"] == pytest.approx(0.24, abs=0.02)
    assert lomb["hf_peak_hz"] == pytest.approx(welch["hf_peak_hz"], abs=0.01)
    assert lomb["lf_hf"] == pytest.approx(welch["lf_hf"], rel=0.25)
    assert welch["lf_nu"] + welch["hf_nu"] == pytest.approx(100.0)


def test_lomb_matches_scipy_on_an_even_grid():
    # With even sampling, Lomb-Scargle reduces to the classical periodogram.
    nn = np.full(600, 1000.0) + 30 * np.sin(2 * np.pi * 0.2 * np.arange(600))
    freqs, psd = spectral.lomb_psd(nn)
    assert freqs[np.argmax(psd)] == pytest.approx(0.2, abs=0.002)
    f_ref, p_ref = signal.periodogram(nn - nn.mean(), fs=1.0)
    assert spectral.band_power(freqs, psd, "HF") == pytest.approx(
        integrate.trapezoid(p_ref[(f_ref >= 0.15) & (f_ref < 0.4)], f_ref[(f_ref >= 0.15) & (f_ref < 0.4)]), rel=0.05)


@pytest.mark.parametrize("func", [spectral.welch_psd, spectral.lomb_psd, spectral.frequency_domain, spectral.resample])
def test_too_short_series_are_refused(func):
    with pytest.raises(DataError, match="at least 4"):
        func([800, 810, 820])


def test_bad_values_are_refused():
    with pytest.raises(DataError, match="zero or negative"):
        spectral.welch_psd([800, 0, 810, 820, 830])
    with pytest.raises(DataError, match="not numbers"):
        spectral.frequency_domain(["800", "x", "810", "820"])


def test_unknown_method_is_refused(five_min):
    with pytest.raises(ValueError, match="welch' or 'lomb"):
        spectral.frequency_domain(five_min, method="Welch")


def test_beat_times_are_the_running_sum_in_seconds():
    np.testing.assert_allclose(spectral.beat_times([800, 1000, 700]), [0.8, 1.8, 2.5])
    with pytest.raises(DataError, match="zero or negative"):
        spectral.beat_times([800, -5, 700])


# --- the 10x rule ----------------------------------------------------------------------


def test_shortest_recordings_follow_the_ten_times_rule():
    assert spectral.shortest_recording_s(0.15) == pytest.approx(66.67, abs=0.01)
    assert spectral.shortest_recording_s(0.04) == pytest.approx(250.0)
    assert spectral.MIN_DURATION_S["VLF"] == pytest.approx(3030.3, abs=0.1)
    assert spectral.recording_long_enough(250, 0.04) is True  # exactly ten cycles is enough
    assert spectral.recording_long_enough(249.9, 0.04) is False
    assert spectral.recording_long_enough(60, 0.15) is False
    for bad in (0, -0.1, float("nan"), float("inf")):
        with pytest.raises(DataError, match="positive number of hertz"):
            spectral.shortest_recording_s(bad)


@pytest.mark.parametrize("duration_s, allowed", [
    (45, {"VLF": False, "LF": False, "HF": False}),
    (88, {"VLF": False, "LF": False, "HF": True}),
    (250, {"VLF": False, "LF": True, "HF": True}),
    (3600, {"VLF": True, "LF": True, "HF": True}),
])
def test_bands_allowed_by_recording_length(duration_s, allowed):
    assert spectral.bands_allowed(duration_s) == allowed


def test_windowed_frequency_shows_why_short_windows_mislead():
    hour = load_nsrdb_nn("60min")
    one_min = spectral.windowed_frequency(hour, 60)
    five = spectral.windowed_frequency(hour, 300)
    assert (len(one_min), len(five)) == (59, 11)
    assert list(five.columns) == ["window", "start_s", "lf_ms2", "hf_ms2", "lf_hf", "lf_allowed"]
    assert not one_min["lf_allowed"].any() and five["lf_allowed"].all()
    spread = lambda t: t["lf_hf"].max() / t["lf_hf"].min()  # noqa: E731
    assert spread(one_min) > 3 * spread(five)


def test_windowed_frequency_refuses_impossible_windows(five_min):
    with pytest.raises(DataError, match="too short"):
        spectral.windowed_frequency(five_min, 5)
    with pytest.raises(DataError, match="longer than the recording"):
        spectral.windowed_frequency(five_min, 600)


def test_every_public_function_documents_units_and_references():
    functions = [f for name, f in inspect.getmembers(spectral, inspect.isfunction)
                 if not name.startswith("_") and f.__module__ == spectral.__name__]
    assert len(functions) >= 9  # beat_times now lives in course.hrv (no SciPy needed to draw a tachogram)
    for func in functions:
        doc = func.__doc__ or ""
        assert "Parameters" in doc and "Returns" in doc and "References" in doc, func.__name__
