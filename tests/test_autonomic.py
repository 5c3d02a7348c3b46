"""The autonomic RR simulator (course.autonomic) and its simulated dataset."""

from __future__ import annotations


import numpy as np
import pytest
from scipy import integrate, signal

from course import autonomic, hrv, spectral
from course.errors import DataError
from course.paths import datasets_dir

SEEDS = range(8)


@pytest.fixture(scope="module")
def rest():
    """Five-minute recordings at the defaults, one per seed, with their metrics."""
    return [autonomic.metrics(autonomic.simulate(seed=s).rr_ms) for s in SEEDS]


# --- the ECGSYN spectrum and process ---------------------------------------

def test_spectrum_peaks_have_the_requested_areas():
    area = lambda lo, hi: integrate.quad(  # noqa: E731
        lambda f: autonomic.rr_spectrum(f, 1200.0, 600.0, 0.25), lo, hi, points=[0.1, 0.25])[0]
    assert area(0.0, 0.175) == pytest.approx(1200.0, rel=1e-6)
    assert area(0.175, 0.5) == pytest.approx(600.0, rel=1e-6)


def test_ecgsyn_rr_reaches_its_targets_and_covers_the_duration():
    t, rr = autonomic.ecgsyn_rr(300, mean_rr_ms=800, sdnn_ms=40, lf_hf=1.0, seed=3)
    assert t[-1] <= 300 and t[-1] > 300 - 1.0  # the last beat ends within one interval of 5 min
    np.testing.assert_allclose(np.diff(t) * 1000, rr[1:], rtol=1e-9)  # beats are spaced by their intervals
    assert abs(rr.mean() - 800) < 5
    assert 40 * 0.9 < np.std(rr, ddof=1) < 40 * 1.1


def test_the_same_seed_gives_the_same_recording_and_another_seed_does_not():
    a = autonomic.simulate(seed=11).rr_ms
    b = autonomic.simulate(seed=11).rr_ms
    c = autonomic.simulate(seed=12).rr_ms
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[: min(a.size, c.size)], c[: min(a.size, c.size)])


# --- defaults anchored to Nunan et al. (2010) -------------------------------

def test_defaults_land_inside_the_published_short_term_ranges(rest):
    for m in rest:
        assert 926 - 2 * 90 <= 60000 / m["mean_hr_bpm"] <= 926 + 2 * 90
        assert 32 <= m["sdnn_ms"] <= 93
        assert 19 <= m["rmssd_ms"] <= 75
        assert 1.1 <= m["lf_hf"] <= 11.6
    assert np.mean([60000 / m["mean_hr_bpm"] for m in rest]) == pytest.approx(926, abs=10)
    assert np.mean([m["sdnn_ms"] for m in rest]) == pytest.approx(50, abs=3)


def test_welch_spectrum_peaks_at_the_breathing_and_lf_frequencies(rest):
    for m in rest:
        assert abs(m["hf_peak_hz"] - 0.25) <= 0.02
    sim = autonomic.simulate(breaths_per_min=12, seed=4)
    assert abs(spectral.frequency_domain(sim.rr_ms)["hf_peak_hz"] - 0.20) <= 0.02
    fd = spectral.frequency_domain(autonomic.simulate(seed=4).rr_ms)
    assert abs(fd["lf_peak_hz"] - 0.10) <= 0.02


def test_peak_agrees_with_a_plain_scipy_periodogram():
    sim = autonomic.simulate(breaths_per_min=18, vagal=1.5, seed=2)
    t_even = np.arange(sim.t_s[0], sim.t_s[-1], 0.25)
    even = np.interp(t_even, sim.t_s, sim.rr_ms)
    f, p = signal.periodogram(even - even.mean(), fs=4.0)
    hf = (f >= 0.15) & (f < 0.40)
    assert abs(f[hf][np.argmax(p[hf])] - 0.30) <= 0.02


# --- the three controls ------------------------------------------------------

def _median(metric, **settings):
    return float(np.median([autonomic.metrics(autonomic.simulate(seed=s, **settings).rr_ms)[metric] for s in SEEDS]))


def test_slow_breathing_at_six_per_minute_raises_lf_hf():
    assert _median("lf_hf", breaths_per_min=6) > 4 * _median("lf_hf", breaths_per_min=15)


def test_slow_breathing_raises_rmssd_as_the_meta_analyses_report():
    # Laborde et al. 2022 (223 studies) and Shao et al. 2024: vagally mediated HRV, RMSSD
    # included, rises with slow breathing. The old model had RMSSD fall (about 46 -> 40 ms).
    assert _median("rmssd_ms", breaths_per_min=6) > 1.1 * _median("rmssd_ms", breaths_per_min=15)
    demo = {bpm: autonomic.metrics(autonomic.simulate(breaths_per_min=bpm, seed=autonomic.DEMO_SEED).rr_ms)
            for bpm in (15, 6)}
    assert demo[6]["rmssd_ms"] > demo[15]["rmssd_ms"] + 4  # the pair lesson 2 prints
    assert demo[6]["sdnn_ms"] > demo[15]["sdnn_ms"]
    # HF *band* power falls only because the breathing rhythm has left the HF band.
    assert demo[6]["hf_ms2"] < demo[15]["hf_ms2"]


def test_rmssd_does_not_fall_as_breathing_slows_from_18_to_6_per_minute():
    medians = [_median("rmssd_ms", breaths_per_min=bpm) for bpm in (18, 15, 12, 9, 6)]
    assert all(later >= earlier - 0.5 for earlier, later in zip(medians, medians[1:])), medians
    assert autonomic.resonance_gain(6) == max(autonomic.resonance_gain(b) for b in np.arange(4, 24.5, 0.5))


def test_more_vagal_tone_raises_rmssd_and_hf_and_slows_the_heart():
    low, high = autonomic.simulate(vagal=0.5, seed=1), autonomic.simulate(vagal=1.5, seed=1)
    m_low, m_high = autonomic.metrics(low.rr_ms), autonomic.metrics(high.rr_ms)
    assert m_high["rmssd_ms"] > 1.5 * m_low["rmssd_ms"]
    assert m_high["hf_ms2"] > 3 * m_low["hf_ms2"]
    assert m_high["mean_hr_bpm"] < m_low["mean_hr_bpm"]


def test_more_sympathetic_drive_raises_heart_rate_and_lowers_variability():
    calm, driven = (autonomic.metrics(autonomic.simulate(sympathetic=s, seed=5).rr_ms) for s in (1.0, 2.0))
    assert driven["mean_hr_bpm"] > calm["mean_hr_bpm"] + 10
    assert driven["hf_ms2"] < calm["hf_ms2"]
    assert driven["sdnn_ms"] < calm["sdnn_ms"]


def test_mapping_at_defaults_reproduces_the_anchors():
    p = autonomic.autonomic_parameters()
    assert p["mean_rr_ms"] == pytest.approx(926.0)
    assert p["sdnn_ms"] == pytest.approx(50.0)
    assert p["lf_hf"] == pytest.approx(2.0)
    assert p["resp_hz"] == pytest.approx(0.25)
    assert autonomic.resonance_gain(15) == pytest.approx(1.0)
    assert autonomic.resonance_gain(6) > 2.5


@pytest.mark.parametrize("settings, words", [
    ({"vagal": 0.0}, "Vagal tone"),
    ({"vagal": 2.5}, "Vagal tone"),
    ({"sympathetic": -1}, "Sympathetic drive"),
    ({"sympathetic": float("nan")}, "Sympathetic drive"),
    ({"breaths_per_min": 30}, "breathing rate"),
    ({"breaths_per_min": "fast"}, "breathing rate"),
    ({"duration_s": 10}, "too short"),
])
def test_out_of_range_inputs_raise_a_plain_data_error(settings, words):
    with pytest.raises(DataError, match=words):
        autonomic.simulate(**settings)


def test_ecgsyn_rejects_non_positive_parameters():
    with pytest.raises(DataError, match="SDNN"):
        autonomic.ecgsyn_rr(300, 900, 0, 2.0)
    with pytest.raises(DataError, match="LF/HF"):
        autonomic.ecgsyn_rr(300, 900, 50, -1)


# --- breathing_band (reference for the lesson's exercise) --------------------

@pytest.mark.parametrize("bpm, band", [
    (15, "HF"), (6, "LF"), (9, "HF"), (8.99, "LF"), (2.4, "LF"), (2.39, "VLF"),
    (0.198, "VLF"), (0.19, None), (24, None), (23.99, "HF"), (0, None), (40, None),
])
def test_breathing_band_uses_task_force_bounds(bpm, band):
    assert autonomic.breathing_band(bpm) == band


# --- the simulated dataset ----------------------------------------------------
# Byte-identical regeneration, the loader's column, cell and "simulated" checks and
# the missing file are tested for every simulated dataset in test_simulated_datasets.py.

@pytest.fixture(scope="module")
def table():
    return autonomic.load_hrv_sim_rr()


def test_dataset_columns_and_simulated_flag(table):
    assert list(table.columns) == list(autonomic.DATASET_COLUMNS)
    assert table["simulated"].all()
    assert autonomic.DATASET.file_name == autonomic.DATASET_FILE and autonomic.DATASET.seed == autonomic.DATASET_SEED


def test_dataset_shape_and_size(table):
    assert (datasets_dir() / autonomic.DATASET_FILE).stat().st_size < 1_500_000
    counts = table.groupby(["subject_id", "condition"]).size()
    assert len(counts) == autonomic.DATASET_SUBJECTS * len(autonomic.CONDITIONS)
    durations = table.groupby(["subject_id", "condition"])["t_s"].max()
    assert ((durations > 295) & (durations <= 300)).all()


def test_people_are_drawn_around_the_pooled_means_with_the_assumed_spread():
    people = autonomic.draw_baselines(n_subjects=400, seed=1)
    spread = autonomic.PERSON_SPREAD
    assert people["mean_rr_ms"].mean() == pytest.approx(926, abs=15)
    assert people["mean_rr_ms"].between(*spread["mean_rr_limits_ms"]).all()
    assert people["sdnn_ms"].between(*spread["sdnn_limits_ms"]).all()
    assert people["lf_hf"].between(*spread["lf_hf_limits"]).all()
    assert people["sdnn_ms"].median() == pytest.approx(47, abs=4)
    assert people["sdnn_ms"].std() / people["sdnn_ms"].mean() == pytest.approx(spread["sdnn_cv"], abs=0.07)
    assert people["lf_hf"].median() == pytest.approx(2.0, abs=0.2)
    assert (people["sdnn_ms"] == spread["sdnn_limits_ms"][0]).sum() == 0  # truncated by redrawing, not clipped


def test_between_person_spread_is_not_nunans_between_study_sd():
    # Nunan et al. 2010's SDs (90 ms mean RR, 16 ms SDNN) describe studies' means, not people.
    assert not hasattr(autonomic, "REST_MEAN_RR_SD_MS") and not hasattr(autonomic, "REST_SDNN_SD_MS")
    assert "assumption" in autonomic.draw_baselines.__doc__
    sheet = (datasets_dir() / "hrv_sim_rr.md").read_text(encoding="utf-8")
    assert "assumption" in sheet and "between-study" in sheet


def test_conditions_differ_in_the_intended_directions(table):
    summary = autonomic.condition_summary(table)
    rest, paced, stress = (summary.loc[c] for c in autonomic.CONDITIONS)
    assert stress["mean_hr_bpm"] > rest["mean_hr_bpm"] + 5
    assert stress["hf_ms2"] < rest["hf_ms2"] and stress["rmssd_ms"] < rest["rmssd_ms"]
    assert paced["lf_hf"] > stress["lf_hf"] > rest["lf_hf"]
    assert paced["rmssd_ms"] > rest["rmssd_ms"]  # slow breathing raises vagally mediated HRV (Laborde 2022)
    assert paced["mean_hr_bpm"] == pytest.approx(rest["mean_hr_bpm"], abs=1.5)
    assert autonomic.condition_lf_hf(table, "paced_6bpm") == pytest.approx(paced["lf_hf"])


def test_rest_condition_reproduces_each_persons_drawn_parameters(table):
    people = autonomic.draw_baselines().set_index("subject_id")
    rest = table[table["condition"] == "rest_spontaneous"]
    for subject, group in rest.groupby("subject_id"):
        td = hrv.time_domain(group["rr_ms"])
        assert td["sdnn_ms"] == pytest.approx(people.loc[subject, "sdnn_ms"], rel=0.15)
        assert td["mean_nn_ms"] == pytest.approx(people.loc[subject, "mean_rr_ms"], rel=0.02)
        assert 0.5 * td["sdnn_ms"] <= td["rmssd_ms"] <= 1.2 * td["sdnn_ms"]


def test_loader_explains_an_unknown_condition_and_a_non_positive_interval(tmp_path, table):
    odd = table.assign(condition="exercise")
    odd.to_csv(tmp_path / "y.csv", index=False)
    with pytest.raises(DataError, match="y.csv, line 2: unknown condition 'exercise'"):
        autonomic.load_hrv_sim_rr(tmp_path / "y.csv")
    negative = table.copy()
    negative.loc[9, "rr_ms"] = -812.0
    negative.to_csv(tmp_path / "z.csv", index=False)
    with pytest.raises(DataError, match="z.csv, line 11: rr_ms is -812 ms; it must be greater than 0"):
        autonomic.load_hrv_sim_rr(tmp_path / "z.csv")
    with pytest.raises(DataError, match="Unknown condition"):
        autonomic.condition_settings("sleep")


def test_repeat_metrics_shows_the_spread_of_short_recordings():
    spread = autonomic.repeat_metrics(seeds=range(5))
    assert list(spread["seed"]) == [0, 1, 2, 3, 4]
    assert spread["lf_hf"].max() > 1.5 * spread["lf_hf"].min()  # same settings, different 5-min estimates
    assert spread["mean_hr_bpm"].std() < 0.5


def test_recording_picks_one_person_and_condition(table):
    rr = autonomic.recording(table, "S02", "paced_6bpm")
    rows = table[(table["subject_id"] == "S02") & (table["condition"] == "paced_6bpm")]
    np.testing.assert_array_equal(rr, rows["rr_ms"].to_numpy())
    with pytest.raises(DataError, match="No recording"):
        autonomic.recording(table, "S99", "paced_6bpm")
