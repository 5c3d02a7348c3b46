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

The Task Force's *10x rule* says how long a recording must be before a band
can be estimated at all: at least ten periods of the band's lowest
frequency (:func:`shortest_recording_s`, :func:`recording_long_enough`,
:func:`bands_allowed`). :func:`windowed_frequency` shows what happens when
the rule is ignored.

References
----------
.. [1] Task Force of the ESC and NASPE (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
   [@taskforce1996]
.. [2] Makowski D et al. (2021). NeuroKit2: A Python toolbox for
   neurophysiological signal processing. *Behavior Research Methods*
   53:1689-1696. doi:10.3758/s13428-020-01516-y (the tests compare LF/HF
   with its ``hrv_frequency``) [@makowski2021]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import integrate, interpolate, signal

from .errors import DataError
from .i18n import tr
from .hrv import MIN_WINDOW_S, as_nn_array, beat_times  # noqa: F401 (beat_times: kept importable here)

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
#: The Task Force's rule: record at least this many periods of the lowest frequency of a band.
RULE_FACTOR = 10


def resample(nn_ms, fs: float = RESAMPLE_HZ) -> tuple[np.ndarray, np.ndarray]:
    """The NN series interpolated onto an even time grid.

    A cubic spline through the points (beat time, interval), sampled every
    ``1 / fs`` seconds from the first to the last beat, as most HRV software
    does before an FFT-based spectrum.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 4.
    fs : float
        Sampling rate of the even grid, in Hz.

    Returns
    -------
    t_s : numpy.ndarray
        Grid times in seconds (same clock as :func:`beat_times`).
    nn_ms_even : numpy.ndarray
        Interpolated intervals in milliseconds.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = as_nn_array(nn_ms, min_length=4, metric="A spectrum")
    t = beat_times(nn)
    grid = np.arange(t[0], t[-1], 1.0 / fs)
    return grid, interpolate.CubicSpline(t, nn)(grid)


def welch_psd(nn_ms, fs: float = RESAMPLE_HZ, segment_s: float = SEGMENT_S) -> tuple[np.ndarray, np.ndarray]:
    """Welch power spectrum of an NN series.

    The series is resampled (:func:`resample`), cut into Hann-windowed
    segments with 50 % overlap, each linearly detrended, and their
    periodograms averaged (``scipy.signal.welch``).

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 4.
    fs : float
        Resampling rate in Hz.
    segment_s : float
        Length of each segment in seconds; cut to the recording's length if
        the recording is shorter.

    Returns
    -------
    freqs_hz : numpy.ndarray
        Frequencies in Hz, from 0 to ``fs / 2``.
    psd_ms2_per_hz : numpy.ndarray
        One-sided power spectral density in ms²/Hz.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    _, even = resample(nn_ms, fs)
    nperseg = min(len(even), int(round(segment_s * fs)))
    return signal.welch(even, fs=fs, window="hann", nperseg=nperseg, detrend="linear", scaling="density")


def lomb_psd(nn_ms, freqs_hz=None) -> tuple[np.ndarray, np.ndarray]:
    """Lomb–Scargle power spectrum of an NN series, on the uneven beat times (no interpolation).

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 4.
    freqs_hz : array_like, optional
        Frequencies (Hz) at which to evaluate the spectrum; default 500
        points from 0.0033 to 0.5 Hz.

    Returns
    -------
    freqs_hz : numpy.ndarray
        The frequencies in Hz.
    psd_ms2_per_hz : numpy.ndarray
        One-sided power spectral density in ms²/Hz, scaled so that a
        sinusoid's variance lies under its peak, like :func:`welch_psd`.

    Notes
    -----
    For a sinusoid of amplitude A, ``scipy.signal.lombscargle`` peaks at
    A²N/4 with a main lobe of area A²N/(4T); multiplying by 2T/N puts A²/2
    (the sinusoid's variance) under the peak.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = as_nn_array(nn_ms, min_length=4, metric="A spectrum")
    t = beat_times(nn)
    if freqs_hz is None:
        freqs_hz = np.linspace(0.0033, 0.5, 500)
    freqs_hz = np.asarray(freqs_hz, dtype=float)
    centred = nn - nn.mean()
    power = signal.lombscargle(t, centred, 2 * np.pi * freqs_hz)
    duration = t[-1] - t[0]
    return freqs_hz, power * 2.0 * duration / len(nn)


def band_power(freqs_hz, psd, band: str | tuple[float, float]) -> float:
    """Power in a band: the area under the spectrum between its bounds.

    The trapezoid rule runs over the spectrum's own frequency points that lie
    inside the band (lower bound included, upper excluded), without
    extrapolating to the exact bounds; with a coarse spectrum this slightly
    underestimates a band's power, the convention of most HRV software.

    Parameters
    ----------
    freqs_hz : array_like
        Frequencies of the spectrum in Hz.
    psd : array_like
        Power spectral density at those frequencies, in ms²/Hz.
    band : str or (float, float)
        A name in :data:`BANDS` (``"VLF"``, ``"LF"``, ``"HF"``) or
        ``(low_hz, high_hz)``.

    Returns
    -------
    float
        Power in ms² (0 when fewer than two frequencies fall in the band).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    low, high = BANDS[band] if isinstance(band, str) else band
    freqs_hz = np.asarray(freqs_hz, dtype=float)
    inside = (freqs_hz >= low) & (freqs_hz < high)
    if inside.sum() < 2:
        return 0.0
    return float(integrate.trapezoid(np.asarray(psd)[inside], freqs_hz[inside]))


def frequency_domain(nn_ms, method: str = "welch") -> dict:
    """The course's frequency-domain HRV measures for one series.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 4.
    method : {"welch", "lomb"}
        The spectrum: :func:`welch_psd` or :func:`lomb_psd`.

    Returns
    -------
    dict
        ``vlf_ms2``, ``lf_ms2``, ``hf_ms2`` (band powers, ms²); ``lf_nu``
        and ``hf_nu`` (normalised units, ``100 · LF / (LF + HF)``, percent);
        ``lf_hf`` (ratio, no unit); ``lf_peak_hz`` and ``hf_peak_hz`` (the
        highest point of the spectrum in each band, Hz). Ratios whose
        denominator is 0 are NaN.

    Raises
    ------
    ValueError
        If ``method`` is not ``"welch"`` or ``"lomb"``.
    course.errors.DataError
        If the intervals fail :func:`course.hrv.as_nn_array`.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    estimators = {"welch": welch_psd, "lomb": lomb_psd}
    if method not in estimators:
        raise ValueError(tr("method must be 'welch' or 'lomb', not {method!r}", method=method))
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


# --- the 10x rule: how long a recording must be ---------------------------------------------


def shortest_recording_s(lowest_hz: float) -> float:
    """Shortest recording for a band whose lowest frequency is ``lowest_hz``: ten of its periods.

    The Task Force (1996) asks for a recording of at least ten times the
    wavelength (period, ``1 / frequency``) of the lowest frequency of the
    band: 67 s for HF (0.15 Hz), 250 s for LF (0.04 Hz), about 50 minutes
    for VLF (0.0033 Hz).

    Parameters
    ----------
    lowest_hz : float
        The band's lowest frequency in Hz; positive.

    Returns
    -------
    float
        Duration in seconds (``10 / lowest_hz``).

    Raises
    ------
    course.errors.DataError
        If ``lowest_hz`` is not a positive, finite number.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    lowest_hz = float(lowest_hz)
    if not (math.isfinite(lowest_hz) and lowest_hz > 0):
        raise DataError(tr("The lowest frequency must be a positive number of hertz, not {lowest_hz!r}.",
                           lowest_hz=lowest_hz))
    return RULE_FACTOR / lowest_hz


def recording_long_enough(duration_s: float, lowest_hz: float) -> bool:
    """Whether a recording satisfies the 10x rule for a band.

    Parameters
    ----------
    duration_s : float
        Length of the recording in seconds.
    lowest_hz : float
        The band's lowest frequency in Hz.

    Returns
    -------
    bool
        True when ``duration_s`` is at least :func:`shortest_recording_s`
        of ``lowest_hz`` (exactly ten periods is enough).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    return bool(float(duration_s) >= shortest_recording_s(lowest_hz))


#: Shortest recording (s) for each Task Force band by the 10x rule.
MIN_DURATION_S = {name: shortest_recording_s(low) for name, (low, _) in BANDS.items()}


def bands_allowed(duration_s: float) -> dict[str, bool]:
    """Which Task Force bands a recording of ``duration_s`` seconds is long enough for.

    Parameters
    ----------
    duration_s : float
        Length of the recording in seconds.

    Returns
    -------
    dict
        Band name (``"VLF"``, ``"LF"``, ``"HF"``) -> True when the 10x rule
        allows the band (see :data:`MIN_DURATION_S`).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    return {name: bool(float(duration_s) >= limit) for name, limit in MIN_DURATION_S.items()}


def windowed_frequency(nn_ms, window_s: float) -> pd.DataFrame:
    """LF, HF and LF/HF in consecutive, non-overlapping windows of one recording.

    Windows are cut as in :func:`course.hrv.windowed_time_domain` (each
    interval belongs to the window in which it ends; an incomplete last
    window is dropped). The spectra are computed whatever the window length,
    so that the effect of ignoring the 10x rule can be seen.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 4.
    window_s : float
        Window length in seconds; at least 10 s and no longer than the
        recording.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``window`` (from 1), ``start_s`` (s),
        ``lf_ms2`` and ``hf_ms2`` (ms², Welch), ``lf_hf`` (ratio), and
        ``lf_allowed`` (whether the 10x rule permits LF at this window
        length).

    Raises
    ------
    course.errors.DataError
        If the window is shorter than 10 s or longer than the recording.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    .. [2] Shaffer F, Meehan ZM, Zerr CL (2020). A critical review of
       ultra-short-term heart rate variability norms research. *Front
       Neurosci* 14:594880. doi:10.3389/fnins.2020.594880
       [@shaffer2020ultra]
    """
    nn = as_nn_array(nn_ms, min_length=4, metric=tr("Windowed spectra"))
    window_s = float(window_s)
    if not (math.isfinite(window_s) and window_s >= MIN_WINDOW_S):
        raise DataError(tr("A window of {window_s:g} s is too short; use at least {MIN_WINDOW_S:g} s.",
                           window_s=window_s, MIN_WINDOW_S=MIN_WINDOW_S))
    end_s = beat_times(nn)
    n_windows = int(end_s[-1] // window_s)
    if n_windows == 0:
        raise DataError(tr("The window ({window_s:g} s) is longer than the recording ({total_s:.1f} s).",
                           window_s=window_s, total_s=end_s[-1]))
    index = np.ceil(end_s / window_s).astype(int) - 1
    rows = []
    for k in range(n_windows):
        m = frequency_domain(nn[index == k])
        rows.append({"window": k + 1, "start_s": k * window_s, "lf_ms2": m["lf_ms2"], "hf_ms2": m["hf_ms2"],
                     "lf_hf": m["lf_hf"]})
    table = pd.DataFrame(rows)
    table["lf_allowed"] = recording_long_enough(window_s, BANDS["LF"][0])
    return table
