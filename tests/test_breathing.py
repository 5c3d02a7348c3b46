"""The simulated breathing series (course.breathing) and its demo (course.widgets.breathing)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import breathing, hrv, spectral
from course.i18n import using
from course.errors import DataError
from course.widgets import breathing as demo_module


def test_series_is_reproducible_and_nunan_like():
    a, b = breathing.simulate_rr(15), breathing.simulate_rr(15)
    np.testing.assert_array_equal(a, b)  # fixed seed
    assert a.sum() / 1000 == pytest.approx(300, abs=1.0)  # five minutes
    assert a.mean() == pytest.approx(926, abs=10)  # Nunan 2010 pooled mean RR
    # Illustrative amplitudes: SDNN inside Nunan's range of study means (32-93 ms), near its mean of 50 ms.
    expected_sdnn = np.sqrt((40**2 + 50**2) / 2 + 15**2)  # 47.7 ms from the three parts
    assert hrv.sdnn(a) == pytest.approx(expected_sdnn, rel=0.1)
    assert 32 <= hrv.sdnn(a) <= 93


def test_another_seed_changes_only_the_noise():
    a, b = breathing.simulate_rr(15), breathing.simulate_rr(15, seed=7)
    assert not np.array_equal(a, b)
    assert hrv.sdnn(b) == pytest.approx(hrv.sdnn(a), rel=0.1)


def test_slow_breathing_raises_lf_hf_far_above_normal_breathing():
    slow = breathing.breathing_spectrum(6).metrics
    normal = breathing.breathing_spectrum(15).metrics
    assert normal["lf_hf"] < 1.0
    assert slow["lf_hf"] > 10.0
    assert slow["lf_hf"] > 20 * normal["lf_hf"]
    # The breathing power has moved, not vanished: LF + HF is similar.
    assert slow["lf_ms2"] + slow["hf_ms2"] == pytest.approx(normal["lf_ms2"] + normal["hf_ms2"], rel=0.25)


@pytest.mark.parametrize("rate, band, key", [(6, "LF", "lf_peak_hz"), (15, "HF", "hf_peak_hz"),
                                              (12, "HF", "hf_peak_hz"), (20, "HF", "hf_peak_hz")])
def test_spectral_peak_sits_at_the_breathing_frequency(rate, band, key):
    s = breathing.breathing_spectrum(rate)
    assert s.band == band
    assert s.metrics[key] == pytest.approx(rate / 60, abs=0.01)
    # and it is the highest point of the whole spectrum
    assert s.freqs_hz[np.argmax(s.psd_ms2_per_hz)] == pytest.approx(rate / 60, abs=0.01)


def test_band_of_boundary_rates():
    assert breathing.breathing_spectrum(9).band == "HF"  # 0.15 Hz: HF's lower bound is inclusive
    assert breathing.breathing_spectrum(8).band == "LF"
    assert breathing.breaths_to_hz(6) == pytest.approx(0.1)


def test_lf_hf_by_rate_table():
    table = breathing.lf_hf_by_rate((6, 15))
    assert list(table.columns) == ["breaths_per_min", "breathing_hz", "band", "lf_ms2", "hf_ms2", "lf_hf"]
    assert table["lf_hf"].iloc[0] > table["lf_hf"].iloc[1]


def test_summary_mentions_rate_band_and_simulated():
    text = breathing.breathing_spectrum(6).summary()
    assert text.startswith("Breathing 6 times a minute (0.100 Hz) puts the breathing rhythm in the LF band")
    assert "simulated" in text


def test_summary_of_a_rate_faster_than_the_hf_band_reads_plainly():
    text = breathing.breathing_spectrum(30).summary()
    assert text.startswith("Breathing 30 times a minute (0.500 Hz) puts the breathing rhythm above the HF band: ")
    with using("nb"):
        norsk = breathing.breathing_spectrum(30).summary()
        lf = breathing.breathing_spectrum(6).summary()
    assert norsk.startswith("Pust 30 ganger i minuttet (0,500 Hz) legger pusterytmen over HF-båndet: "), norsk
    assert lf.startswith("Pust 6 ganger i minuttet (0,100 Hz) legger pusterytmen i LF-båndet: "), lf


@pytest.mark.parametrize("rate", [0, 2, 31, float("nan"), "fast"])
def test_impossible_rates_are_refused(rate):
    with pytest.raises(DataError):
        breathing.simulate_rr(rate)


def test_too_short_duration_is_refused():
    with pytest.raises(DataError, match="too short"):
        breathing.simulate_rr(6, duration_s=10)


# --- the widget ------------------------------------------------------------------------


def test_update_moves_lines_and_keeps_the_figure():
    plot = demo_module.BreathingPlot(15)
    fig, spec, label = plot.fig, plot.spec, plot.ratio
    before = label.get_text()
    plot.update(6)
    assert plot.fig is fig and plot.spec is spec
    assert label.get_text() != before and label.get_text() == f"LF/HF = {plot.result.metrics['lf_hf']:.2f}"
    x, y = spec.get_data()
    assert x[np.argmax(y)] == pytest.approx(0.1, abs=0.01)
    assert plot.marker.get_xdata()[0] == pytest.approx(0.1)
    assert plot.render().alt.endswith(plot.summary())
    plt.close(fig)


def test_axes_do_not_rescale_when_the_slider_moves():
    plot = demo_module.BreathingPlot(15)
    limits = plot.ax_f.get_ylim()
    for rate in (4, 6, 20):
        plot.update(rate)
        assert plot.ax_f.get_ylim() == limits
        assert plot.spec.get_ydata().max() <= limits[1]
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.breathing_demo() is None
    assert "Breathing 15 times a minute" in capsys.readouterr().out


def test_interactive_demo_has_a_labelled_keyboard_slider_that_redraws(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.breathing_demo()
    slider, caption, _ = box.children
    assert slider.description == "Breathing rate (breaths per minute)"
    assert slider.continuous_update is False
    assert (slider.min, slider.max) == (4, 20)
    before = caption.value
    slider.value = 6
    assert caption.value != before and "6 times a minute" in caption.value and "LF band" in caption.value


def test_spectral_module_bands_are_used():
    assert spectral.BANDS["LF"][1] == spectral.BANDS["HF"][0] == 0.15


def test_the_fixed_size_model_reports_no_rmssd():
    """Its RMSSD would fall at slow breathing, against the evidence (Laborde 2022); lesson 2's model answers that."""
    assert "rmssd_ms" not in breathing.breathing_spectrum(6).metrics and "sdnn_ms" in breathing.breathing_spectrum(6).metrics
