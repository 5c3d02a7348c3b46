"""Frequency-domain HRV: power spectrum of an NN-interval series and its bands.

Two estimators are offered:

* :func:`welch_psd` interpolates the NN series onto an even time grid
  (cubic, 4 Hz by default), removes the linear trend and averages Hann-
  windowed periodograms (Welch's method, ``scipy.signal.welch``).
* :func:`lomb_psd` works on the uneven beat times directly
  (Lomb–Scargle, ``scipy.signal.lombscargle``), with no interpolation.

Both return power spectral density in ms²/Hz, so integrating over a band
gives power in ms². Bands follow the Task Force (1996): VLF 0.0033–0.04 Hz,
LF 0.04–0.15 Hz, HF 0.15–0.40 Hz.

References
----------
Task Force of the ESC and NASPE (1996). *Circulation* 93(5):1043–1065.
doi:10.1161/01.CIR.93.5.1043 [@taskforce1996]
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, interpolate, signal

from .hrv import as_nn_array

#: Task Force (1996) frequency bands in Hz, lower bound inclusive, upper exclusive.
BANDS: dict[str, tuple[float, float]] = {
    "VLF": (0.0033, 0.04),
    "LF": (0.04, 0.15),
    "HF": (0.15, 0.40),
}
#: Default resampling rate for Welch's method (Hz).
RESAMPLE_HZ = 4.0
#: Default Welch segment length (s): long enough to resolve the lower LF bound.
SEGMENT_S = 120.0


def beat_times(nn_ms) -> np.ndarray:
    """Time (s) at the end of each NN interval, counted from the first beat."""
    return np.cumsum(as_nn_array(nn_ms)) / 1000.0


def resample(nn_ms, fs: float = RESAMPLE_HZ) -> tuple[np.ndarray, np.ndarray]:
    """NN series interpolated onto an even grid: ``(t_s, nn_ms_even)``.

    Cubic-spline interpolation between beat times, as most HRV software does
    before an FFT-based spectrum.
    """
    nn = as_nn_array(nn_ms, min_length=4, metric="A spectrum")
    t = np.cumsum(nn) / 1000.0
    grid = np.arange(t[0], t[-1], 1.0 / fs)
    return grid, interpolate.CubicSpline(t, nn)(grid)


def welch_psd(nn_ms, fs: float = RESAMPLE_HZ, segment_s: float = SEGMENT_S) -> tuple[np.ndarray, np.ndarray]:
    """Welch power spectrum of an NN series.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds.
    fs : float
        Resampling rate in Hz.
    segment_s : float
        Length of each Hann-windowed segment in seconds (50 % overlap); cut
        to the recording's length if the recording is shorter.

    Returns
    -------
    freqs_hz, psd_ms2_per_hz : numpy.ndarray
    """
    _, even = resample(nn_ms, fs)
    nperseg = min(len(even), int(round(segment_s * fs)))
    return signal.welch(even, fs=fs, window="hann", nperseg=nperseg, detrend="linear", scaling="density")


def lomb_psd(nn_ms, freqs_hz=None) -> tuple[np.ndarray, np.ndarray]:
    """Lomb–Scargle power spectrum of an NN series (no interpolation).

    Scaled to a one-sided density in ms²/Hz so that it integrates to about
    the series' variance, like :func:`welch_psd`.
    """
    nn = as_nn_array(nn_ms, min_length=4, metric="A spectrum")
    t = np.cumsum(nn) / 1000.0
    if freqs_hz is None:
        freqs_hz = np.linspace(0.0033, 0.5, 500)
    freqs_hz = np.asarray(freqs_hz, dtype=float)
    centred = nn - nn.mean()
    power = signal.lombscargle(t, centred, 2 * np.pi * freqs_hz)
    # For a sinusoid of amplitude A, lombscargle peaks at A²N/4 with a main lobe of
    # area A²N/(4T); multiplying by 2T/N puts A²/2 (the sinusoid's variance) under the peak.
    duration = t[-1] - t[0]
    return freqs_hz, power * 2.0 * duration / len(nn)


def band_power(freqs_hz, psd, band: str | tuple[float, float]) -> float:
    """Power (ms²) in a band: the area under the spectrum between its bounds.

    The trapezoid rule runs over the spectrum's own frequency points that lie
    inside the band (lower bound included, upper excluded), without
    extrapolating to the exact bounds; with a coarse spectrum this slightly
    underestimates a band's power, the convention of most HRV software.
    """
    low, high = BANDS[band] if isinstance(band, str) else band
    freqs_hz = np.asarray(freqs_hz, dtype=float)
    inside = (freqs_hz >= low) & (freqs_hz < high)
    if inside.sum() < 2:
        return 0.0
    return float(integrate.trapezoid(np.asarray(psd)[inside], freqs_hz[inside]))


def frequency_domain(nn_ms, method: str = "welch") -> dict:
    """VLF, LF and HF power (ms²), LF and HF in normalised units, LF/HF and the HF peak.

    ``lf_nu = 100 · LF / (LF + HF)`` (Task Force normalised units).
    """
    estimators = {"welch": welch_psd, "lomb": lomb_psd}
    if method not in estimators:
        raise ValueError(f"method must be 'welch' or 'lomb', not {method!r}")
    freqs, psd = estimators[method](nn_ms)
    powers = {name: band_power(freqs, psd, name) for name in BANDS}
    lf, hf = powers["LF"], powers["HF"]
    hf_band = (freqs >= BANDS["HF"][0]) & (freqs < BANDS["HF"][1])
    lf_band = (freqs >= BANDS["LF"][0]) & (freqs < BANDS["LF"][1])
    return {
        "vlf_ms2": powers["VLF"],
        "lf_ms2": lf,
        "hf_ms2": hf,
        "lf_nu": 100 * lf / (lf + hf) if lf + hf else float("nan"),
        "hf_nu": 100 * hf / (lf + hf) if lf + hf else float("nan"),
        "lf_hf": lf / hf if hf else float("nan"),
        "lf_peak_hz": float(freqs[lf_band][np.argmax(psd[lf_band])]) if lf_band.any() else float("nan"),
        "hf_peak_hz": float(freqs[hf_band][np.argmax(psd[hf_band])]) if hf_band.any() else float("nan"),
    }
