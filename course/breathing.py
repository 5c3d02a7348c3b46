"""A simple, SIMULATED NN-interval series whose breathing rate you choose.

Used by the breathing demo in lesson 03 (``course.widgets.breathing``) to
show why LF/HF rises during slow, relaxed breathing. The series is the sum
of three parts, evaluated at each simulated beat:

* a constant mean interval of 926 ms, the pooled mean RR interval of
  short-term recordings in healthy adults (Nunan et al. 2010);
* a low-frequency (LF) wave at 0.1 Hz, the rhythm of the blood-pressure
  (baroreflex) loop, with an amplitude of 40 ms;
* a respiratory wave (respiratory sinus arrhythmia) at the breathing
  frequency, with an amplitude of 50 ms, plus a little beat-to-beat noise
  (standard deviation 15 ms, fixed seed).

The amplitudes are **illustrative**, not measured: they were chosen so that
the series has an SDNN of about 48 ms, close to the pooled short-term mean
of 50 ms (range of study means 32-93 ms) in Nunan et al. (2010), with LF
and HF powers inside that review's ranges at ordinary breathing rates. The
size of the respiratory wave is kept the same at every breathing rate, so
that the demo isolates one effect: *where* the breathing rhythm falls in the
spectrum. (In real people, slow breathing also makes the rhythm larger;
Lehrer & Gevirtz 2014.)

Because the wave's size is held fixed, this model says nothing about how
slow breathing changes RMSSD or other vagally mediated indices: a slower
wave of the same size changes less from beat to beat, so an RMSSD computed
from it would fall at 6/min, the opposite of what meta-analyses of slow
breathing report (Laborde et al. 2022); :func:`breathing_spectrum` therefore reports
no RMSSD. Use :mod:`course.autonomic`, whose
breathing-linked swings grow as breathing slows, for that question; use
this module only for *where* the breathing rhythm lands in the spectrum.

References
----------
.. [1] Nunan D, Sandercock GRH, Brodie DA (2010). A quantitative systematic
   review of normal values for short-term heart rate variability in healthy
   adults. *Pacing Clin Electrophysiol* 33(11):1407-1417.
   doi:10.1111/j.1540-8159.2010.02841.x [@nunan2010]
.. [2] Task Force of the ESC and NASPE (1996). Heart rate variability.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
   [@taskforce1996]
.. [3] Lehrer PM, Gevirtz R (2014). Heart rate variability biofeedback: how
   and why does it work? *Front Psychol* 5:756.
   doi:10.3389/fpsyg.2014.00756 [@lehrer2014]
.. [4] Laborde S et al. (2022). Effects of voluntary slow breathing on heart
   rate and heart rate variability: a systematic review and a meta-analysis.
   *Neurosci Biobehav Rev* 104711. doi:10.1016/j.neubiorev.2022.104711
   [@laborde2022]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import hrv, spectral
from .errors import DataError
from .i18n import N_, tr

#: Mean NN interval (ms): pooled mean RR of short-term recordings in Nunan et al. (2010).
MEAN_RR_MS = 926.0
#: Centre of the simulated LF (baroreflex) wave, Hz.
LF_HZ = 0.1
#: Amplitude of the LF wave (ms). Illustrative.
LF_AMPLITUDE_MS = 40.0
#: Amplitude of the respiratory wave (ms). Illustrative.
RESP_AMPLITUDE_MS = 50.0
#: Standard deviation of the beat-to-beat noise (ms). Illustrative.
NOISE_SD_MS = 15.0
#: Length of the simulated recording (s): the Task Force's standard short-term length.
DURATION_S = 300.0
#: Seed of the noise, so the series is the same every time.
SEED = 2024
#: Breathing rates the simulation accepts (breaths per minute).
RATE_RANGE = (3.0, 30.0)


def breaths_to_hz(breaths_per_min: float) -> float:
    """Breathing frequency in hertz: breaths per minute divided by 60."""
    return float(breaths_per_min) / 60.0


def simulate_rr(breaths_per_min: float = 15.0, duration_s: float = DURATION_S, *,
                mean_rr_ms: float = MEAN_RR_MS, lf_amplitude_ms: float = LF_AMPLITUDE_MS,
                resp_amplitude_ms: float = RESP_AMPLITUDE_MS, noise_sd_ms: float = NOISE_SD_MS,
                seed: int = SEED) -> np.ndarray:
    """SIMULATED NN intervals (ms) for a person breathing at a steady rate.

    Each interval is ``mean + A_lf·sin(2π·0.1·t) + A_resp·sin(2π·f_b·t + π/2)
    + noise``, where ``t`` is the time (s) of the beat that starts it and
    ``f_b`` the breathing frequency. The quarter-cycle phase shift keeps the
    two waves from simply adding up when breathing is at 6/min (0.1 Hz), so
    their powers add instead.

    Parameters
    ----------
    breaths_per_min : float
        Breathing rate, 3-30 breaths per minute.
    duration_s : float
        Length of the series in seconds (at least 30 s).
    mean_rr_ms, lf_amplitude_ms, resp_amplitude_ms, noise_sd_ms : float
        Mean interval, wave amplitudes and noise standard deviation, in ms.
    seed : int
        Seed of the noise generator.

    Returns
    -------
    numpy.ndarray
        NN intervals in milliseconds. Simulated; not a measurement.

    Raises
    ------
    course.errors.DataError
        If the breathing rate or duration is outside the allowed range.

    References
    ----------
    .. [1] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    low, high = RATE_RANGE
    try:
        rate = float(breaths_per_min)
        duration = float(duration_s)
    except (TypeError, ValueError):
        raise DataError(tr("The breathing rate and duration must be numbers."),
                        hint=tr("For example simulate_rr(6) for six breaths a minute.")) from None
    if not (math.isfinite(rate) and low <= rate <= high):
        raise DataError(tr("A breathing rate of {breaths_per_min!r} breaths per minute is outside the simulation's "
                           "range ({low:g}-{high:g}).", breaths_per_min=breaths_per_min, low=low, high=high),
                        hint=tr("Resting adults usually breathe somewhere between 6 and 20 times a minute."))
    if not (math.isfinite(duration) and duration >= 30):
        raise DataError(tr("A duration of {duration_s!r} s is too short to simulate; use at least 30 s.",
                           duration_s=duration_s))
    f_resp = breaths_to_hz(rate)
    rng = np.random.default_rng(seed)
    n_max = int(duration * 1000.0 / (mean_rr_ms - lf_amplitude_ms - resp_amplitude_ms - 4 * noise_sd_ms)) + 2
    noise = rng.normal(0.0, noise_sd_ms, n_max)
    intervals = []
    t = 0.0
    for i in range(n_max):
        rr = (mean_rr_ms
              + lf_amplitude_ms * math.sin(2 * math.pi * LF_HZ * t)
              + resp_amplitude_ms * math.sin(2 * math.pi * f_resp * t + math.pi / 2)
              + noise[i])
        if t + rr / 1000.0 > duration:
            break
        intervals.append(rr)
        t += rr / 1000.0
    return np.asarray(intervals, dtype=float)


@dataclass
class BreathingSpectrum:
    """The simulated series at one breathing rate, with its Welch spectrum and metrics."""

    breaths_per_min: float
    nn_ms: np.ndarray
    freqs_hz: np.ndarray
    psd_ms2_per_hz: np.ndarray
    metrics: dict

    @property
    def breathing_hz(self) -> float:
        """Breathing frequency in Hz."""
        return breaths_to_hz(self.breaths_per_min)

    @property
    def band(self) -> str:
        """The Task Force band the breathing frequency falls in ("VLF", "LF", "HF" or "above HF")."""
        for name, (low, high) in spectral.BANDS.items():
            if low <= self.breathing_hz < high:
                return name
        return N_("above HF")  # a value, translated only where it is shown

    def summary(self) -> str:
        """One sentence: breathing rate, where it falls, and the LF/HF that results."""
        m = self.metrics
        where = (tr("above the HF band") if self.band == "above HF"
                 else tr("in the {band} band", band=tr(self.band)))
        return (tr("Breathing {breaths_per_min:g} times a minute ({breathing_hz:.3f} Hz) puts the breathing rhythm "
                   "{where}: LF {lf_ms2:.0f} ms², HF {hf_ms2:.0f} ms², LF/HF {lf_hf:.2f} (simulated; "
                   "SDNN {sdnn_ms:.0f} ms).",
                   breaths_per_min=self.breaths_per_min, breathing_hz=self.breathing_hz, where=where,
                   lf_ms2=(m['lf_ms2']), hf_ms2=(m['hf_ms2']), lf_hf=(m['lf_hf']), sdnn_ms=(m['sdnn_ms'])))


def breathing_spectrum(breaths_per_min: float = 15.0, **kwargs) -> BreathingSpectrum:
    """Simulate a series at ``breaths_per_min`` and compute its Welch spectrum and band powers.

    Parameters
    ----------
    breaths_per_min : float
        Breathing rate (3-30 breaths per minute).
    **kwargs
        Passed to :func:`simulate_rr`.

    Returns
    -------
    BreathingSpectrum
        Series, frequencies (Hz), PSD (ms²/Hz) and a metrics dict with the keys of
        :func:`course.spectral.frequency_domain` plus ``sdnn_ms``. No RMSSD: with the
        breathing wave's size held fixed it would fall at slow breathing, the
        opposite of what is measured (see the module docstring), so it is not offered.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = simulate_rr(breaths_per_min, **kwargs)
    freqs, psd = spectral.welch_psd(nn)
    metrics = spectral.frequency_domain(nn)
    metrics["sdnn_ms"] = hrv.sdnn(nn)
    return BreathingSpectrum(float(breaths_per_min), nn, freqs, psd, metrics)


def lf_hf_by_rate(rates=(6, 9, 12, 15, 18)) -> pd.DataFrame:
    """LF, HF and LF/HF of the simulated series at several breathing rates (one row per rate)."""
    rows = []
    for rate in rates:
        s = breathing_spectrum(rate)
        rows.append({"breaths_per_min": float(rate), "breathing_hz": s.breathing_hz, "band": s.band,
                     "lf_ms2": s.metrics["lf_ms2"], "hf_ms2": s.metrics["hf_ms2"], "lf_hf": s.metrics["lf_hf"]})
    return pd.DataFrame(rows)
