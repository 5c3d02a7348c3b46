"""A teaching simulator of autonomic influence on heart rhythm, and a simulated dataset.

The RR-interval process follows the one inside ECGSYN (McSharry et al.,
2003): the power spectrum of the RR series is the sum of two Gaussian
peaks, one at the low-frequency (LF, Mayer-wave) centre of 0.10 Hz and
one at the breathing frequency (respiratory sinus arrhythmia, RSA), each
with a standard deviation of 0.01 Hz. Random phases and an inverse FFT
turn the spectrum into a time series, which is rescaled to the target
SDNN and added to the mean RR interval. Beats are then placed one RR
interval after another, so the series is sampled at the heartbeats, as a
real tachogram is. A fixed seed gives the same series every time.

Three controls steer it (:func:`autonomic_parameters`):

* **vagal tone** (1 = a typical resting adult) lengthens the mean RR
  interval and scales the breathing-linked (HF) power with its square;
  it also adds a little to LF power, because LF carries both branches;
* **sympathetic drive** (1 = typical rest) shortens the mean RR interval
  and reduces variability, HF more than LF;
* **breathing rate** (breaths/min) moves the respiratory peak: at 15/min
  it sits at 0.25 Hz in the HF band; at about 6/min it sits at 0.1 Hz in
  the LF band, where the baroreflex amplifies it, so LF/HF rises even
  though the person is relaxed (Lehrer & Gevirtz 2014; Steffen et al. 2017).
  Slower breathing also makes the breathing-linked swings larger
  (:func:`resonance_gain`), so RMSSD, a vagally mediated index, is higher
  at 6/min than at 15/min, the direction meta-analyses of slow breathing
  report (Laborde et al. 2022; Shao et al. 2024). HF *band* power falls at
  6/min only because the breathing rhythm has left the HF band.

The resting defaults are anchored to published figures: mean RR 926 ms and
SDNN 50 ms (Nunan et al., 2010), breathing 15/min at 0.25 Hz (the ECGSYN
default), and an LF:HF ratio of 2, inside both the Task Force's 5-minute
range (1.5-2.0) and Nunan's range (1.1-11.6). **The mapping from the three
controls to these parameters is illustrative**: its coefficients
(:data:`MAPPING`) were chosen to show the direction of each effect, not
measured in any study. The model has no very-low-frequency component, so
all of SDNN² sits in the LF and HF peaks and LF and HF power come out
higher than Nunan's pooled means (closer to the Task Force's values).

Simulated *people* (:func:`draw_baselines`) differ from one another by a
spread that is **the simulation's own assumption**, not a measured figure:
the SDs in Nunan et al. (2010) describe how the *studies'* means differ,
not how individuals differ, so they are not used for it.

References
----------
.. [1] McSharry PE, Clifford GD, Tarassenko L, Smith LA (2003). A dynamical
   model for generating synthetic electrocardiogram signals. *IEEE Trans
   Biomed Eng* 50(3):289-294. doi:10.1109/TBME.2003.808805
.. [2] Nunan D, Sandercock GRH, Brodie DA (2010). A quantitative systematic
   review of normal values for short-term heart rate variability in healthy
   adults. *Pacing Clin Electrophysiol* 33(11):1407-1417.
   doi:10.1111/j.1540-8159.2010.02841.x
.. [3] Task Force of the ESC and NASPE (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
.. [4] Lehrer PM, Gevirtz R (2014). Heart rate variability biofeedback: how
   and why does it work? *Front Psychol* 5:756. doi:10.3389/fpsyg.2014.00756
.. [5] Steffen PR et al. (2017). The impact of
   resonance frequency breathing on measures of heart rate variability,
   blood pressure, and mood. *Front Public Health* 5:222.
   doi:10.3389/fpubh.2017.00222
.. [6] Laborde S, Allen MS, Borges U, et al. (2022). Effects of voluntary
   slow breathing on heart rate and heart rate variability: a systematic
   review and a meta-analysis. *Neurosci Biobehav Rev* 104711.
   doi:10.1016/j.neubiorev.2022.104711 [@laborde2022]
.. [7] Shao R, Man ISC, Lee TMC (2024). The effect of slow-paced breathing
   on cardiovascular and emotion functions: a meta-analysis and systematic
   review. *Mindfulness* 15(1):1-18. doi:10.1007/s12671-023-02294-2
   [@shao2024]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import hrv, simulated, spectral
from .errors import DataError
from .i18n import N_, tr

# --------------------------------------------------------------------------
# Anchors (cited) and the illustrative mapping (not measured)
# --------------------------------------------------------------------------

#: Mean RR interval of healthy adults at rest, ms (Nunan et al. 2010: pooled mean 926).
REST_MEAN_RR_MS = 926.0
#: SDNN of healthy adults at rest, ms (Nunan et al. 2010: pooled mean 50).
REST_SDNN_MS = 50.0

#: Spread between simulated PEOPLE: the simulation's own assumptions, not measured figures.
#: (Nunan et al. 2010's SDs, 90 ms for mean RR and 16 ms for SDNN, describe how the
#: studies' means differ, not how individuals differ, so they are not used here.)
PERSON_SPREAD = {
    "mean_rr_sd_ms": 100.0,         # SD of a person's resting mean RR, ms (assumed)
    "mean_rr_limits_ms": (726.0, 1126.0),  # redrawn outside 926 ± 200 ms, about 53-83 bpm (assumed)
    "sdnn_cv": 0.35,                # SD of a person's resting SDNN as a share of its mean (assumed)
    "sdnn_limits_ms": (20.0, 110.0),  # redrawn outside this range (assumed)
    "lf_hf_log_sd": 0.5,            # SD of ln(LF:HF) between people (assumed)
    "lf_hf_limits": (0.5, 8.0),     # redrawn outside this range (assumed)
}
#: Resting LF:HF ratio of the two spectral peaks (Task Force 1.5-2.0; Nunan range 1.1-11.6).
REST_LF_HF = 2.0
#: Spontaneous breathing rate used at rest, breaths/min (0.25 Hz, the ECGSYN default HF centre).
REST_BREATHS_PER_MIN = 15.0
#: Centre of the LF (Mayer-wave / baroreflex) peak, Hz (ECGSYN default).
LF_CENTRE_HZ = 0.10
#: Standard deviation of each spectral peak, Hz (ECGSYN C-source default).
PEAK_SD_HZ = 0.01
#: Length of a standard short-term recording, s (Task Force 1996).
RECORDING_S = 300.0

#: Allowed range of vagal tone, relative to typical rest (inclusive).
VAGAL_RANGE = (0.25, 2.0)
#: Allowed range of sympathetic drive, relative to typical rest (inclusive).
SYMPATHETIC_RANGE = (0.25, 2.0)
#: Allowed range of the breathing rate, breaths/min (inclusive).
BREATHING_RANGE = (4.0, 24.0)

#: Illustrative coefficients of the control mapping (chosen for teaching; not measured).
MAPPING = {
    "rr_per_vagal": 0.15,        # ln(mean RR) rises by this per unit of vagal tone
    "rr_per_sympathetic": 0.20,  # ln(mean RR) falls by this per unit of sympathetic drive
    "hf_per_sympathetic": 1.0,   # ln(HF power) falls by this per unit of sympathetic drive
    "lf_per_sympathetic": 0.5,   # ln(LF power) falls by this per unit of sympathetic drive
    "lf_vagal_share": 0.5,       # share of resting LF power that scales with vagal tone
    "resonance_gain": 0.5,       # extra respiratory power at 0.1 Hz from the baroreflex resonance (x)
    "resonance_width_hz": 0.03,  # width of the baroreflex resonance around 0.1 Hz
    "period_exponent": 2.0,      # respiratory power grows as (0.25 Hz / f)^2 down to 0.1 Hz
    "hf_floor_share": 0.25,      # share of resting HF power that is not tied to breathing
}

#: Illustrative autonomic settings of the simulated "mental_stress" condition (no pooled effect size exists).
STRESS_SETTINGS = {"vagal": 0.7, "sympathetic": 1.5}
#: Breathing rate of the "paced_6bpm" condition, breaths/min (0.1 Hz; Lehrer & Gevirtz 2014).
PACED_BREATHS_PER_MIN = 6.0

#: Seed used by the lesson's demo: its 5-minute spectrum lies close to the design values.
DEMO_SEED = 4

#: Conditions of the simulated dataset, in the order each person is simulated.
CONDITIONS = ("rest_spontaneous", "paced_6bpm", "mental_stress")
#: The simulated dataset's file in ``datasets/`` (declared as :data:`DATASET`).
DATASET_FILE = "hrv_sim_rr.csv"
#: Its columns in file order, with the kind of value each holds (see :mod:`course.simulated`).
DATASET_COLUMNS = {"subject_id": "text", "condition": "text", "beat_index": "integer", "t_s": "number",
                   "rr_ms": "number", "sim_seed": "integer", "simulated": "flag"}
#: Seed of the committed file's people (each recording's phases have their own seed, ``sim_seed``).
DATASET_SEED = 20100826
#: Simulated people in the committed file.
DATASET_SUBJECTS = 10


# --------------------------------------------------------------------------
# The ECGSYN-style RR process
# --------------------------------------------------------------------------

def _positive(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(tr("{name} must be a number, not {value!r}.", name=name, value=value)) from None
    if not math.isfinite(number) or number <= 0:
        raise DataError(tr("{name} must be a positive number, but it is {value!r}.", name=name, value=value))
    return number


def _in_range(value, name: str, bounds: tuple[float, float], unit: str = "") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(tr("{name} must be a number, not {value!r}.", name=name, value=value)) from None
    low, high = bounds
    if not (math.isfinite(number) and low <= number <= high):
        unit_text = f" {tr(unit)}" if unit else ""
        raise DataError(tr("{name} is {value!r}{unit_text}, outside the simulator's range "
                           "{low:g}-{high:g}{unit_text}.",
                           name=name, value=value, unit_text=unit_text, low=low, high=high),
                        hint=tr("Choose a value from {low:g} to {high:g}.", low=low, high=high))
    return number


def rr_spectrum(freqs_hz, lf_power_ms2: float, resp_power_ms2: float, resp_hz: float,
                lf_hz: float = LF_CENTRE_HZ, sd_hz: float = PEAK_SD_HZ) -> np.ndarray:
    """Two-Gaussian power spectral density of the RR process (ECGSYN).

    Parameters
    ----------
    freqs_hz : array_like
        Frequencies in Hz.
    lf_power_ms2, resp_power_ms2 : float
        Area (power, ms²) under the LF peak and under the respiratory peak.
    resp_hz : float
        Centre of the respiratory peak (the breathing frequency), Hz.
    lf_hz, sd_hz : float
        Centre of the LF peak and the standard deviation of both peaks, Hz.

    Returns
    -------
    numpy.ndarray
        One-sided power spectral density in ms²/Hz.

    References
    ----------
    .. [1] McSharry PE et al. (2003). *IEEE Trans Biomed Eng* 50(3):289-294.
       doi:10.1109/TBME.2003.808805
    """
    f = np.asarray(freqs_hz, dtype=float)
    norm = 1.0 / (math.sqrt(2 * math.pi) * sd_hz)
    return norm * (lf_power_ms2 * np.exp(-0.5 * ((f - lf_hz) / sd_hz) ** 2)
                   + resp_power_ms2 * np.exp(-0.5 * ((f - resp_hz) / sd_hz) ** 2))


def ecgsyn_rr(duration_s: float, mean_rr_ms: float, sdnn_ms: float, lf_hf: float,
              hf_hz: float = 0.25, lf_hz: float = LF_CENTRE_HZ, sd_hz: float = PEAK_SD_HZ,
              seed: int = 0, fs: float = 4.0, hf_floor: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Simulate a series of RR intervals with the ECGSYN RR process.

    The spectrum is the sum of two Gaussians (areas in the ratio
    ``lf_hf : 1``); each frequency gets a random phase; an inverse FFT gives
    a continuous RR signal on a grid of ``fs`` Hz, rescaled to standard
    deviation ``sdnn_ms`` and added to ``mean_rr_ms``. Beats are placed by
    stepping forward one RR interval at a time from t = 0 until
    ``duration_s`` is filled.

    Parameters
    ----------
    duration_s : float
        Length of the recording in seconds (at least 30).
    mean_rr_ms, sdnn_ms : float
        Target mean and standard deviation of the RR intervals, ms.
    lf_hf : float
        Ratio of the power in the LF peak to the power in the second
        (respiratory) peak; positive.
    hf_hz : float
        Centre of the second peak, Hz (the breathing frequency; 0.25 Hz
        is 15 breaths/min).
    lf_hz, sd_hz : float
        Centre of the LF peak and SD of both peaks, Hz.
    seed : int
        Seed of the random phases; the same seed gives the same series.
    fs : float
        Rate of the continuous grid, Hz.
    hf_floor : float
        Area of a flat floor across the HF band (0.15-0.40 Hz), relative to
        the second peak's area (0 = the original two-peak ECGSYN spectrum).
        It stands for beat-to-beat variation not tied to breathing.

    Returns
    -------
    t_s, rr_ms : numpy.ndarray
        Time of the beat that ends each interval (s, from the first beat at
        0) and the RR intervals (ms).

    Raises
    ------
    course.errors.DataError
        If a parameter is not a positive number, or the duration is shorter
        than 30 s.

    References
    ----------
    .. [1] McSharry PE et al. (2003). *IEEE Trans Biomed Eng* 50(3):289-294.
       doi:10.1109/TBME.2003.808805
    """
    duration_s = _positive(duration_s, tr("The duration (s)"))
    if duration_s < 30:
        raise DataError(tr("A recording of {duration_s:g} s is too short to simulate.", duration_s=duration_s),
                        hint=tr("Use at least 30 s; 300 s is the standard short-term length."))
    mean_rr_ms = _positive(mean_rr_ms, tr("The mean RR interval (ms)"))
    sdnn_ms = _positive(sdnn_ms, "SDNN (ms)")
    lf_hf = _positive(lf_hf, tr("The LF/HF ratio"))
    hf_hz = _positive(hf_hz, tr("The respiratory frequency (Hz)"))
    # Enough grid to hold every beat, even if the heart runs slow.
    n = int(2 * math.ceil((duration_s + 5 * mean_rr_ms / 1000 + 10) * fs / 2))
    freqs = np.fft.rfftfreq(n, d=1.0 / fs)
    psd = rr_spectrum(freqs, lf_hf, 1.0, hf_hz, lf_hz, sd_hz)
    if hf_floor < 0:
        raise DataError(tr("The HF floor must not be negative (got {hf_floor}).", hf_floor=hf_floor))
    low, high = spectral.BANDS["HF"]
    psd = psd + np.where((freqs >= low) & (freqs < high), hf_floor / (high - low), 0.0)
    rng = np.random.default_rng(seed)
    phases = rng.uniform(0.0, 2 * np.pi, freqs.size)
    phases[0] = phases[-1] = 0.0
    signal = np.fft.irfft(np.sqrt(psd) * np.exp(1j * phases), n)
    signal = mean_rr_ms + signal * (sdnn_ms / signal.std())
    grid = np.arange(n) / fs
    times, intervals = [], []
    t = 0.0
    while True:
        rr = float(np.interp(t, grid, signal))
        if t + rr / 1000.0 > duration_s:
            break
        t += rr / 1000.0
        times.append(t)
        intervals.append(rr)
    return np.array(times), np.array(intervals)


# --------------------------------------------------------------------------
# From the three controls to the RR-process parameters
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Baseline:
    """One person's resting RR-process parameters.

    Attributes
    ----------
    mean_rr_ms : float
        Mean RR interval at rest, ms.
    sdnn_ms : float
        SDNN at rest, ms.
    lf_hf : float
        Resting ratio of LF to HF power.

    References
    ----------
    .. [1] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """

    mean_rr_ms: float = REST_MEAN_RR_MS
    sdnn_ms: float = REST_SDNN_MS
    lf_hf: float = REST_LF_HF

    @property
    def lf_ms2(self) -> float:
        """Resting LF power, ms²."""
        return self.sdnn_ms ** 2 * self.lf_hf / (1 + self.lf_hf)

    @property
    def hf_ms2(self) -> float:
        """Resting HF power, ms²."""
        return self.sdnn_ms ** 2 / (1 + self.lf_hf)


#: The typical resting adult (Nunan et al. 2010; Task Force 1996).
TYPICAL = Baseline()


def resonance_gain(breaths_per_min: float) -> float:
    """Illustrative growth of the breathing-linked oscillation as breathing slows.

    Two parts, both **illustrative** (chosen so that the simulation moves in
    the direction the evidence reports, not measured):

    * *slower breathing, larger swings*: the power of the breathing peak
      grows as ``(0.25 Hz / f) ** 2`` while the breathing frequency ``f``
      falls from 0.25 Hz (15/min) to 0.1 Hz (6/min); the swings in RR then
      grow in proportion to the breathing period, so each beat-to-beat step
      stays about as large as at rest. Below 0.1 Hz it grows no further;
    * *resonance*: near 0.1 Hz, where breathing and the baroreflex rhythm
      coincide, the power is raised by up to ``1 + MAPPING["resonance_gain"]``
      (Lehrer & Gevirtz 2014).

    The result equals 1 at 15 breaths/min and is largest at 6/min (about
    9). With it, simulated RMSSD is higher at 6/min than at 15/min, the
    direction meta-analyses of slow breathing report for vagally mediated
    HRV (Laborde et al. 2022; Shao et al. 2024); the size is illustrative.

    Parameters
    ----------
    breaths_per_min : float
        Breathing rate.

    Returns
    -------
    float
        Factor applied to the respiratory power (dimensionless).

    References
    ----------
    .. [1] Lehrer PM, Gevirtz R (2014). *Front Psychol* 5:756.
       doi:10.3389/fpsyg.2014.00756 [@lehrer2014]
    .. [2] Laborde S et al. (2022). *Neurosci Biobehav Rev* 104711.
       doi:10.1016/j.neubiorev.2022.104711 [@laborde2022]
    .. [3] Shao R, Man ISC, Lee TMC (2024). *Mindfulness* 15(1):1-18.
       doi:10.1007/s12671-023-02294-2 [@shao2024]
    """
    rest_hz = REST_BREATHS_PER_MIN / 60.0

    def raw(bpm):
        f = bpm / 60.0
        slower = (rest_hz / max(f, LF_CENTRE_HZ)) ** MAPPING["period_exponent"]
        resonance = 1.0 + MAPPING["resonance_gain"] * math.exp(
            -0.5 * ((f - LF_CENTRE_HZ) / MAPPING["resonance_width_hz"]) ** 2)
        return slower * resonance

    return raw(breaths_per_min) / raw(REST_BREATHS_PER_MIN)


def autonomic_parameters(vagal: float = 1.0, sympathetic: float = 1.0,
                         breaths_per_min: float = REST_BREATHS_PER_MIN,
                         baseline: Baseline = TYPICAL) -> dict:
    """Translate the three controls into RR-process parameters (illustrative mapping).

    Parameters
    ----------
    vagal : float
        Vagal (parasympathetic) tone relative to typical rest (1.0), from
        0.25 to 2.
    sympathetic : float
        Sympathetic drive relative to typical rest (1.0), from 0.25 to 2.
    breaths_per_min : float
        Breathing rate, 4-24 breaths/min.
    baseline : Baseline
        The person's resting parameters.

    Returns
    -------
    dict
        ``mean_rr_ms`` (ms), ``lf_ms2``, ``resp_ms2`` and ``floor_ms2`` (power
        in the LF peak, the breathing peak and the HF floor, ms²), ``sdnn_ms``
        (ms), ``lf_hf`` (the designed LF/HF: power in the LF band over power in
        the HF band), ``resp_hz`` (Hz).

    Raises
    ------
    course.errors.DataError
        If a control is outside its range.

    Notes
    -----
    With ``v`` = vagal and ``s`` = sympathetic (coefficients in
    :data:`MAPPING`, chosen for teaching)::

        mean RR  = RR0 · exp(0.15 (v - 1) - 0.20 (s - 1))
        breathing peak = 0.75 · HF0 · v² · exp(-1.0 (s - 1)) · resonance_gain(breathing)
                         (about ×9 at 6/min; see resonance_gain)
        HF floor       = 0.25 · HF0 · v² · exp(-1.0 (s - 1))   (not tied to breathing)
        LF power = LF0 · (0.5 + 0.5 v) · exp(-0.5 (s - 1))

    The floor keeps some HF power when slow breathing moves the breathing
    peak into the LF band, so LF/HF rises several-fold rather than without
    limit; its 25 % share is illustrative.

    References
    ----------
    .. [1] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    .. [2] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    .. [3] Steffen PR et al. (2017). *Front Public Health* 5:222.
       doi:10.3389/fpubh.2017.00222
    """
    v = _in_range(vagal, tr("Vagal tone"), VAGAL_RANGE, N_("x rest"))
    s = _in_range(sympathetic, tr("Sympathetic drive"), SYMPATHETIC_RANGE, N_("x rest"))
    bpm = _in_range(breaths_per_min, tr("The breathing rate"), BREATHING_RANGE, N_("breaths/min"))
    m = MAPPING
    mean_rr = baseline.mean_rr_ms * math.exp(m["rr_per_vagal"] * (v - 1) - m["rr_per_sympathetic"] * (s - 1))
    share = m["lf_vagal_share"]
    lf = baseline.lf_ms2 * ((1 - share) + share * v) * math.exp(-m["lf_per_sympathetic"] * (s - 1))
    vagal_hf = baseline.hf_ms2 * v ** 2 * math.exp(-m["hf_per_sympathetic"] * (s - 1))
    resp = (1 - m["hf_floor_share"]) * vagal_hf * resonance_gain(bpm)
    floor = m["hf_floor_share"] * vagal_hf
    resp_in_hf = spectral.BANDS["HF"][0] <= bpm / 60.0 < spectral.BANDS["HF"][1]
    return {
        "mean_rr_ms": mean_rr,
        "lf_ms2": lf,
        "resp_ms2": resp,
        "floor_ms2": floor,
        "sdnn_ms": math.sqrt(lf + resp + floor),
        "lf_hf": lf / (resp + floor) if resp_in_hf else (lf + resp) / floor,
        "resp_hz": bpm / 60.0,
    }


@dataclass
class Simulation:
    """A simulated recording and the settings that made it.

    Attributes
    ----------
    t_s, rr_ms : numpy.ndarray
        Beat times (s) and RR intervals (ms).
    settings : dict
        ``vagal``, ``sympathetic``, ``breaths_per_min``, ``duration_s``, ``seed``.
    parameters : dict
        The RR-process parameters from :func:`autonomic_parameters`.
    """

    t_s: np.ndarray
    rr_ms: np.ndarray
    settings: dict
    parameters: dict = field(default_factory=dict)


def simulate(vagal: float = 1.0, sympathetic: float = 1.0,
             breaths_per_min: float = REST_BREATHS_PER_MIN, duration_s: float = RECORDING_S,
             seed: int = 0, baseline: Baseline = TYPICAL) -> Simulation:
    """Simulate a recording for the given autonomic settings.

    Parameters
    ----------
    vagal, sympathetic : float
        Relative to typical rest (1.0); each from 0.25 to 2.
    breaths_per_min : float
        Breathing rate, 4-24 breaths/min.
    duration_s : float
        Recording length, s (default 300, the Task Force short-term length).
    seed : int
        Seed of the random phases.
    baseline : Baseline
        The person's resting parameters (default: typical resting adult).

    Returns
    -------
    Simulation

    Raises
    ------
    course.errors.DataError
        If a setting is out of range.

    References
    ----------
    .. [1] McSharry PE et al. (2003). *IEEE Trans Biomed Eng* 50(3):289-294.
       doi:10.1109/TBME.2003.808805
    """
    params = autonomic_parameters(vagal, sympathetic, breaths_per_min, baseline)
    t, rr = ecgsyn_rr(duration_s, params["mean_rr_ms"], params["sdnn_ms"],
                      params["lf_ms2"] / params["resp_ms2"], hf_hz=params["resp_hz"], seed=seed,
                      hf_floor=params["floor_ms2"] / params["resp_ms2"])
    settings = {"vagal": float(vagal), "sympathetic": float(sympathetic),
                "breaths_per_min": float(breaths_per_min), "duration_s": float(duration_s), "seed": seed}
    return Simulation(t, rr, settings, params)


def metrics(rr_ms) -> dict:
    """Mean HR, SDNN, RMSSD, LF, HF and LF/HF of one recording.

    Time-domain values from :func:`course.hrv.time_domain`, spectral values
    from :func:`course.spectral.frequency_domain` (Welch; Task Force bands).

    Parameters
    ----------
    rr_ms : array_like
        RR (NN) intervals in ms.

    Returns
    -------
    dict
        ``mean_hr_bpm``, ``sdnn_ms``, ``rmssd_ms``, ``lf_ms2``, ``hf_ms2``,
        ``lf_hf``, ``hf_peak_hz``.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    td = hrv.time_domain(rr_ms)
    fd = spectral.frequency_domain(rr_ms)
    return {"mean_hr_bpm": td["mean_hr_bpm"], "sdnn_ms": td["sdnn_ms"], "rmssd_ms": td["rmssd_ms"],
            "lf_ms2": fd["lf_ms2"], "hf_ms2": fd["hf_ms2"], "lf_hf": fd["lf_hf"],
            "hf_peak_hz": fd["hf_peak_hz"]}


def breathing_band(breaths_per_min: float) -> str | None:
    """The Task Force frequency band in which a breathing rate falls.

    Converts breaths per minute to Hz (divide by 60) and looks the value up
    in :data:`course.spectral.BANDS`, lower bound inclusive and upper bound
    exclusive.

    Parameters
    ----------
    breaths_per_min : float
        Breathing rate.

    Returns
    -------
    str or None
        ``"VLF"``, ``"LF"`` or ``"HF"``; ``None`` below 0.0033 Hz or at or
        above 0.40 Hz.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    hz = breaths_per_min / 60
    for name, (low, high) in spectral.BANDS.items():
        if low <= hz < high:
            return name
    return None


# --------------------------------------------------------------------------
# The simulated dataset hrv_sim_rr.csv
# --------------------------------------------------------------------------

def draw_baselines(n_subjects: int = DATASET_SUBJECTS, seed: int = DATASET_SEED) -> pd.DataFrame:
    """Draw simulated people's resting parameters around the published pooled means.

    The *centres* come from published pooled values; the *spread between
    people* is **the simulation's own assumption** (:data:`PERSON_SPREAD`),
    not a measured figure. The SDs in Nunan et al. (2010) are not used for
    it: they describe how the reviewed studies' means differ, not how
    individuals differ.

    * mean RR ~ Normal(926, 100) ms, kept within 726-1126 ms (centre: Nunan
      et al. 2010's pooled mean; spread and limits assumed);
    * SDNN ~ lognormal with mean 50 ms and a coefficient of variation of
      35 %, kept within 20-110 ms (centre: Nunan's pooled mean; spread and
      limits assumed);
    * LF:HF ~ lognormal with median 2 and a log-SD of 0.5, kept within
      0.5-8 (centre inside the Task Force's 1.5-2.0; spread and limits
      assumed).

    "Kept within" means redrawn until inside (a truncated distribution),
    not clipped, so no one piles up at a boundary.

    Parameters
    ----------
    n_subjects : int
        How many people.
    seed : int
        Seed of the draw.

    Returns
    -------
    pandas.DataFrame
        Columns ``subject_id`` (``"S01"``...), ``mean_rr_ms``, ``sdnn_ms``,
        ``lf_hf`` and ``sim_seed`` (the seed of each person's phases).

    References
    ----------
    .. [1] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x [@nunan2010]
    .. [2] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043 [@taskforce1996]
    """
    rng = np.random.default_rng(seed)
    spread = PERSON_SPREAD
    sigma = math.sqrt(math.log(1 + spread["sdnn_cv"] ** 2))
    mu = math.log(REST_SDNN_MS) - sigma ** 2 / 2

    def within(draw, limits):
        # Redraw until the value lies inside the limits (a truncated distribution).
        low, high = limits
        while True:
            value = float(draw())
            if low <= value <= high:
                return value

    rows = []
    for i in range(n_subjects):
        rows.append({
            "subject_id": f"S{i + 1:02d}",
            "mean_rr_ms": within(lambda: rng.normal(REST_MEAN_RR_MS, spread["mean_rr_sd_ms"]),
                                 spread["mean_rr_limits_ms"]),
            "sdnn_ms": within(lambda: rng.lognormal(mu, sigma), spread["sdnn_limits_ms"]),
            "lf_hf": within(lambda: rng.lognormal(math.log(REST_LF_HF), spread["lf_hf_log_sd"]),
                            spread["lf_hf_limits"]),
            "sim_seed": int(rng.integers(1, 2 ** 31 - 1)),
        })
    return pd.DataFrame(rows)


def condition_settings(condition: str) -> dict:
    """The controls used for one condition of the simulated dataset.

    ``rest_spontaneous``: typical tone, 15 breaths/min. ``paced_6bpm``:
    typical tone, 6 breaths/min (0.1 Hz). ``mental_stress``: vagal 0.7 and
    sympathetic 1.5 (illustrative; no pooled effect size exists), 15
    breaths/min.

    References
    ----------
    .. [1] de Looff PC et al. (2018). *PLoS ONE* 13(10):e0205741.
       doi:10.1371/journal.pone.0205741
    """
    if condition == "rest_spontaneous":
        return {"vagal": 1.0, "sympathetic": 1.0, "breaths_per_min": REST_BREATHS_PER_MIN}
    if condition == "paced_6bpm":
        return {"vagal": 1.0, "sympathetic": 1.0, "breaths_per_min": PACED_BREATHS_PER_MIN}
    if condition == "mental_stress":
        return {**STRESS_SETTINGS, "breaths_per_min": REST_BREATHS_PER_MIN}
    raise DataError(tr("Unknown condition {condition!r}.", condition=condition),
                    hint=tr("Use one of {conditions}.", conditions=(", ".join(CONDITIONS))))


def simulate_dataset(n_subjects: int = DATASET_SUBJECTS, seed: int = DATASET_SEED,
                     duration_s: float = RECORDING_S) -> pd.DataFrame:
    """The SIMULATED dataset: each person in three 5-minute conditions.

    Parameters
    ----------
    n_subjects : int
        How many simulated people.
    seed : int
        Seed for the people's parameters (each person's phases get their own
        seed, stored in ``sim_seed``; a condition adds 0, 1 or 2 to it).
    duration_s : float
        Length of each recording, s.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DATASET_COLUMNS`; ``t_s`` in s (3 decimals) and
        ``rr_ms`` in ms (1 decimal); ``simulated`` is always True.

    References
    ----------
    .. [1] McSharry PE et al. (2003). *IEEE Trans Biomed Eng* 50(3):289-294.
       doi:10.1109/TBME.2003.808805
    .. [2] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    frames = []
    for person in draw_baselines(n_subjects, seed).itertuples(index=False):
        base = Baseline(person.mean_rr_ms, person.sdnn_ms, person.lf_hf)
        for offset, condition in enumerate(CONDITIONS):
            sim_seed = int(person.sim_seed) + offset
            sim = simulate(**condition_settings(condition), duration_s=duration_s, seed=sim_seed, baseline=base)
            frames.append(pd.DataFrame({
                "subject_id": person.subject_id,
                "condition": condition,
                "beat_index": np.arange(1, sim.rr_ms.size + 1),
                "t_s": np.round(sim.t_s, 3),
                "rr_ms": np.round(sim.rr_ms, 1),
                "sim_seed": sim_seed,
                "simulated": True,
            }))
    return pd.concat(frames, ignore_index=True)[list(DATASET_COLUMNS)]


#: The SIMULATED dataset ``datasets/hrv_sim_rr.csv``, declared once; written and loaded by :mod:`course.simulated`.
DATASET = simulated.SimulatedDataset(
    file_name=DATASET_FILE,
    seed=DATASET_SEED,
    columns=DATASET_COLUMNS,
    simulate=simulate_dataset,
    checks=(simulated.one_of("condition", CONDITIONS, what="condition"),
            simulated.greater_than("rr_ms", 0, unit="ms")),
)


def load_hrv_sim_rr(path=None) -> pd.DataFrame:
    """Read the SIMULATED dataset and check it.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``datasets/hrv_sim_rr.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DATASET_COLUMNS`, one row per beat: ``t_s`` in s,
        ``rr_ms`` in ms, ``simulated`` always True.

    Raises
    ------
    course.errors.DataError
        If the file is missing, lacks a column, holds a non-number where a
        number belongs, has a row not marked simulated, an unknown
        condition, or an RR interval that is zero or negative. The message
        names the file and the line.

    References
    ----------
    .. [1] McSharry PE et al. (2003). *IEEE Trans Biomed Eng* 50(3):289-294.
       doi:10.1109/TBME.2003.808805
    """
    return DATASET.load(path)


def condition_lf_hf(table: pd.DataFrame, condition: str) -> float:
    """Median LF/HF across the people in one condition of the simulated dataset.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`load_hrv_sim_rr`.
    condition : str
        One of :data:`CONDITIONS`.

    Returns
    -------
    float
        The median of each person's LF/HF (Welch spectrum, Task Force bands).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    rows = table[table["condition"] == condition]
    if rows.empty:
        raise DataError(tr("No rows for condition {condition!r}.", condition=condition),
                        hint=tr("Use one of {conditions}.", conditions=(", ".join(CONDITIONS))))
    ratios = [spectral.frequency_domain(group["rr_ms"].to_numpy())["lf_hf"]
              for _, group in rows.groupby("subject_id")]
    return float(np.median(ratios))


def condition_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Median of each metric from :func:`metrics` per condition, in the order of :data:`CONDITIONS`.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    rows = []
    for (subject, condition), group in table.groupby(["subject_id", "condition"]):
        rows.append({"subject_id": subject, "condition": condition, **metrics(group["rr_ms"].to_numpy())})
    per_person = pd.DataFrame(rows).drop(columns="hf_peak_hz")
    summary = per_person.drop(columns="subject_id").groupby("condition").median()
    return summary.loc[[c for c in CONDITIONS if c in summary.index]]


def snapshot(vagal: float = 1.0, sympathetic: float = 1.0,
             breaths_per_min: float = REST_BREATHS_PER_MIN, seed: int = 0,
             duration_s: float = RECORDING_S) -> dict:
    """Everything the autonomic demo shows for one set of controls.

    Parameters
    ----------
    vagal, sympathetic : float
        Relative to typical rest (1.0); each from 0.25 to 2.
    breaths_per_min : float
        Breathing rate, 4-24 breaths/min.
    seed : int
        Seed of the random phases.
    duration_s : float
        Recording length, s.

    Returns
    -------
    dict
        ``simulation`` (:class:`Simulation`), ``freqs_hz`` and ``psd``
        (Welch spectrum, ms²/Hz, from :func:`course.spectral.welch_psd`),
        ``metrics`` (from :func:`metrics`) and ``breathing_band`` (from
        :func:`breathing_band`).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    sim = simulate(vagal, sympathetic, breaths_per_min, duration_s=duration_s, seed=seed)
    freqs, psd = spectral.welch_psd(sim.rr_ms)
    return {"simulation": sim, "freqs_hz": freqs, "psd": psd, "metrics": metrics(sim.rr_ms),
            "breathing_band": breathing_band(breaths_per_min)}


def describe_metrics(values: dict) -> str:
    """One line of the demo's metrics, rounded for reading (units included)."""
    return (tr("Mean HR {mean_hr_bpm:.0f} bpm · SDNN {sdnn_ms:.0f} ms · RMSSD {rmssd_ms:.0f} ms · LF {lf_ms2:,.0f} "
               "ms² · HF {hf_ms2:,.0f} ms² · LF/HF {lf_hf:.1f}",
               mean_hr_bpm=(values['mean_hr_bpm']), sdnn_ms=(values['sdnn_ms']), rmssd_ms=(values['rmssd_ms']),
               lf_ms2=(values['lf_ms2']), hf_ms2=(values['hf_ms2']), lf_hf=(values['lf_hf'])))


def repeat_metrics(seeds=range(10), **settings) -> pd.DataFrame:
    """Metrics of several recordings that differ only in their random seed.

    Shows how much one 5-minute estimate varies when nothing about the
    (simulated) person changes.

    Parameters
    ----------
    seeds : iterable of int
        Seeds to simulate.
    **settings
        Passed to :func:`simulate` (``vagal``, ``sympathetic``,
        ``breaths_per_min``, ``duration_s``).

    Returns
    -------
    pandas.DataFrame
        One row per seed: ``seed`` and the keys of :func:`metrics`.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    rows = [{"seed": seed, **metrics(simulate(seed=seed, **settings).rr_ms)} for seed in seeds]
    return pd.DataFrame(rows)


def recording(table: pd.DataFrame, subject_id: str, condition: str) -> np.ndarray:
    """The RR intervals (ms) of one person in one condition of the simulated dataset.

    Raises
    ------
    course.errors.DataError
        If there is no such recording.
    """
    rows = table[(table["subject_id"] == subject_id) & (table["condition"] == condition)]
    if rows.empty:
        raise DataError(tr("No recording for {subject_id!r} in condition {condition!r}.",
                           subject_id=subject_id, condition=condition),
                        hint=tr("People are S01-S{last:02d}; conditions are {conditions}.",
                                last=DATASET_SUBJECTS, conditions=(', '.join(CONDITIONS))))
    return rows.sort_values("beat_index")["rr_ms"].to_numpy(dtype=float)
