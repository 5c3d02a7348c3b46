"""Artefacts and ectopic beats in NN-interval series: make them, find them, correct them.

HRV is defined on NN intervals, the intervals between *normal* (sinus)
beats (Task Force 1996). A recording usually also holds intervals that are
not NN intervals:

* a **missed beat** (the detector skips an R wave): two intervals merge into
  one about twice as long;
* an **extra beat** (noise counted as a beat): one interval splits into two
  short ones;
* a **premature (ectopic) beat**, started outside the sinus node: an early,
  short interval followed by a long one (the compensatory pause).

Detection here follows one simple, widely used idea: compare each interval
with the median of its neighbourhood, and flag it when it differs by more
than a set fraction of that median. The fraction (``threshold``, 0.2 by
default) and the size of the neighbourhood are **conventions chosen for
teaching**, not values from a standard: no single threshold separates
artefacts from large genuine swings in every person, so flagged beats must
be looked at, and any editing reported (Nunan et al. 2010 found that many
studies did not describe it).

References
----------
.. [1] Task Force of the ESC and NASPE (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
   [@taskforce1996]
.. [2] Nunan D, Sandercock GRH, Brodie DA (2010). A quantitative systematic
   review of normal values for short-term heart rate variability in healthy
   adults. *Pacing Clin Electrophysiol* 33(11):1407-1417.
   doi:10.1111/j.1540-8159.2010.02841.x [@nunan2010]
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import hrv, spectral
from .errors import DataError
from .i18n import tr

#: Default threshold: flag an interval more than this fraction away from its local median.
DEFAULT_THRESHOLD = 0.2
#: Default half-width of the neighbourhood: 2 intervals on each side (5 in all).
DEFAULT_HALF_WINDOW = 2


def _check_settings(threshold, half_window) -> tuple[float, int]:
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise DataError(tr("The threshold must be a number such as 0.2 (20 %), not {value}.",
                           value=repr(threshold))) from None
    if not (math.isfinite(threshold) and 0 < threshold < 1):
        raise DataError(tr("A threshold of {threshold:g} makes no sense; use a fraction between 0 and 1, "
                           "such as 0.2 for 20 %.", threshold=threshold))
    if isinstance(half_window, bool) or not isinstance(half_window, (int, np.integer)) or half_window < 1:
        raise DataError(tr("The neighbourhood half-width must be a whole number of at least 1, not {value}.",
                           value=repr(half_window)))
    return threshold, int(half_window)


def local_median(nn_ms, half_window: int = DEFAULT_HALF_WINDOW) -> np.ndarray:
    """Median of each interval's neighbourhood (itself and ``half_window`` intervals each side).

    At the ends of the series the neighbourhood is cut short rather than padded.

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds.
    half_window : int
        Number of neighbours on each side (default 2, so 5 intervals in all).

    Returns
    -------
    numpy.ndarray
        The local median (ms) at each position.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = hrv.as_nn_array(nn_ms, min_length=3, metric=tr("Artefact detection"))
    _, k = _check_settings(DEFAULT_THRESHOLD, half_window)
    medians = np.empty(nn.size)
    if nn.size > 2 * k:  # full neighbourhoods, all at once
        medians[k:nn.size - k] = np.median(np.lib.stride_tricks.sliding_window_view(nn, 2 * k + 1), axis=1)
    for i in [*range(min(k, nn.size)), *range(max(nn.size - k, k), nn.size)]:  # cut-short ends
        medians[i] = np.median(nn[max(0, i - k): i + k + 1])
    return medians


def flag_artefacts(nn_ms, threshold: float = DEFAULT_THRESHOLD,
                   half_window: int = DEFAULT_HALF_WINDOW) -> np.ndarray:
    """Which intervals differ from their local median by more than ``threshold`` × that median.

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds (at least 3).
    threshold : float
        Fraction of the local median, between 0 and 1 (default 0.2 = 20 %). A
        convention to tune, not a standard value.
    half_window : int
        Neighbours on each side used for the median (default 2).

    Returns
    -------
    numpy.ndarray of bool
        True where an interval is flagged.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    threshold, k = _check_settings(threshold, half_window)
    nn = hrv.as_nn_array(nn_ms, min_length=3, metric=tr("Artefact detection"))
    median = local_median(nn, k)
    return np.abs(nn - median) > threshold * median


def flagged_percent(nn_ms, threshold: float = DEFAULT_THRESHOLD,
                    half_window: int = DEFAULT_HALF_WINDOW) -> float:
    """Share of a recording's intervals that the local-median rule flags, in percent.

    Report this number with any HRV value computed after editing: it says how
    much of the recording the editing touched (Nunan et al. 2010 found that
    many studies did not describe their editing).

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds (at least 3).
    threshold, half_window
        As in :func:`flag_artefacts`.

    Returns
    -------
    float
        ``100 * flagged / number of intervals``, between 0 and 100 (%).

    Examples
    --------
    >>> flagged_percent([800, 810, 1600, 805, 795, 790])  # 1 of 6 flagged
    16.666666666666668

    References
    ----------
    .. [1] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    flags = flag_artefacts(nn_ms, threshold, half_window)
    return float(100 * flags.sum() / flags.size)


def correct_artefacts(nn_ms, threshold: float = DEFAULT_THRESHOLD,
                      half_window: int = DEFAULT_HALF_WINDOW) -> np.ndarray:
    """Replace flagged intervals by linear interpolation between the nearest good intervals.

    Interpolation is over the beat number: a flagged interval between good
    intervals ``a`` (position ``i``) and ``b`` (position ``j``) becomes the
    value on the straight line from ``(i, a)`` to ``(j, b)``. Flagged
    intervals at the very start or end take the value of the nearest good
    interval. The series keeps its length (so a missed beat, which merged two
    intervals into one, still counts as one interval after correction).

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds (at least 3).
    threshold, half_window
        As in :func:`flag_artefacts`.

    Returns
    -------
    numpy.ndarray
        A new array of the same length; unflagged intervals are unchanged.

    Raises
    ------
    course.errors.DataError
        If fewer than two intervals are left unflagged.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = hrv.as_nn_array(nn_ms, min_length=3, metric=tr("Artefact correction"))
    bad = flag_artefacts(nn, threshold, half_window)
    good = np.flatnonzero(~bad)
    if good.size < 2:
        raise DataError(tr("{n} of {total} intervals were flagged, leaving too few good ones "
                           "to interpolate from.", n=int(bad.sum()), total=nn.size),
                        hint=tr("Check the units (milliseconds) and the threshold; this is not a usable recording."))
    fixed = nn.copy()
    fixed[bad] = np.interp(np.flatnonzero(bad), good, nn[good])
    return fixed


def delete_artefacts(nn_ms, threshold: float = DEFAULT_THRESHOLD,
                     half_window: int = DEFAULT_HALF_WINDOW) -> tuple[np.ndarray, int]:
    """Drop flagged intervals; return ``(kept_intervals_ms, number_deleted)``.

    Deleting shortens the series and joins intervals that were not
    neighbours, so always report how many were deleted.

    References
    ----------
    .. [1] Nunan D et al. (2010). *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    nn = hrv.as_nn_array(nn_ms, min_length=3, metric=tr("Artefact deletion"))
    bad = flag_artefacts(nn, threshold, half_window)
    return nn[~bad], int(bad.sum())


#: Lesson 3's choices for flagged intervals.
CORRECTION_METHODS = ("none", "interpolate", "delete")


def apply_correction(nn_ms, flagged, method: str = "interpolate", min_good: int = 2) -> np.ndarray:
    """Apply one of lesson 3's choices to intervals that are already flagged.

    Use this when the flags come from elsewhere (for example
    :func:`course.rr_import.read_rr_export`, which also flags implausible
    intervals); :func:`correct_artefacts` and :func:`delete_artefacts` flag
    and correct in one step.

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds.
    flagged : array_like of bool
        True for each interval to correct; same length as ``nn_ms``.
    method : {"none", "interpolate", "delete"}
        Leave them, replace them by linear interpolation over the beat number
        between the nearest good intervals (ends take the nearest good value),
        or drop them.
    min_good : int
        Fewest unflagged intervals needed to correct anything.

    Returns
    -------
    numpy.ndarray
        A new array: same length for "none" and "interpolate", shorter for "delete".

    Raises
    ------
    course.errors.DataError
        For an unknown method, flags of the wrong length, or too few good intervals.

    Examples
    --------
    >>> apply_correction([800, 810, 1600, 805], [False, False, True, False]).tolist()
    [800.0, 810.0, 807.5, 805.0]

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = np.asarray(nn_ms, dtype=float)
    bad = np.asarray(flagged, dtype=bool)
    if method not in CORRECTION_METHODS:
        raise DataError(tr("Correction {method} is not an option; use 'none', 'interpolate' or 'delete'.",
                           method=repr(method)))
    if bad.shape != nn.shape:
        raise DataError(tr("There are {flags} flags for {total} intervals; they must match one to one.",
                           flags=bad.size, total=nn.size))
    if method == "none" or not bad.any():
        return nn.copy()
    good = np.flatnonzero(~bad)
    if good.size < min_good:
        raise DataError(tr("{n} of {total} intervals are flagged, leaving too few good ones to "
                           "correct from.", n=int(bad.sum()), total=nn.size),
                        hint=tr("This is not a usable recording."))
    if method == "delete":
        return nn[good]
    fixed = nn.copy()
    fixed[bad] = np.interp(np.flatnonzero(bad), good, nn[good])
    return fixed


# --- making artefacts, to see what they do ------------------------------------------


def _position(nn: np.ndarray, index, last_allowed: int) -> int:
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index <= last_allowed:
        raise DataError(tr("Position {index} is not inside the series (0 to {last}).", index=repr(index),
                           last=last_allowed))
    return int(index)


def add_missed_beat(nn_ms, index: int) -> np.ndarray:
    """The series as if the beat ending interval ``index`` had been missed: it merges with the next one.

    The result is one interval shorter; total time is unchanged.
    """
    nn = hrv.as_nn_array(nn_ms, min_length=2)
    i = _position(nn, index, nn.size - 2)
    return np.concatenate([nn[:i], [nn[i] + nn[i + 1]], nn[i + 2:]])


def add_extra_beat(nn_ms, index: int, fraction: float = 0.4) -> np.ndarray:
    """The series as if noise had been counted as a beat inside interval ``index``.

    Interval ``index`` splits into two parts, ``fraction`` and ``1 - fraction``
    of it. The result is one interval longer; total time is unchanged.
    """
    nn = hrv.as_nn_array(nn_ms, min_length=1)
    i = _position(nn, index, nn.size - 1)
    if not 0 < fraction < 1:
        raise DataError(tr("The split fraction must lie between 0 and 1, not {value}.", value=repr(fraction)))
    return np.concatenate([nn[:i], [fraction * nn[i], (1 - fraction) * nn[i]], nn[i + 1:]])


def add_premature_beat(nn_ms, index: int, prematurity: float = 0.3) -> np.ndarray:
    """The series with a premature beat: interval ``index`` comes early, the next one makes up for it.

    Interval ``index`` is shortened by ``prematurity`` × its length and
    interval ``index + 1`` lengthened by the same amount (a compensatory
    pause). Length and total time are unchanged.
    """
    nn = hrv.as_nn_array(nn_ms, min_length=2)
    i = _position(nn, index, nn.size - 2)
    if not 0 < prematurity < 1:
        raise DataError(tr("Prematurity must lie between 0 and 1, not {value}.", value=repr(prematurity)))
    out = nn.copy()
    shift = prematurity * nn[i]
    out[i] -= shift
    out[i + 1] += shift
    return out


def compare_metrics(series: dict) -> pd.DataFrame:
    """SDNN, RMSSD, LF, HF and LF/HF for several versions of a series, one row each.

    Parameters
    ----------
    series : dict
        ``{label: nn_ms}``, for example ``{"original": nn, "one missed beat": broken}``.

    Returns
    -------
    pandas.DataFrame
        Columns ``version``, ``n_intervals``, ``sdnn_ms``, ``rmssd_ms``,
        ``lf_ms2``, ``hf_ms2``, ``lf_hf`` (Welch spectrum).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    rows = []
    for label, values in series.items():
        nn = hrv.as_nn_array(values, min_length=4)
        freq = spectral.frequency_domain(nn)
        rows.append({"version": label, "n_intervals": int(nn.size), "sdnn_ms": hrv.sdnn(nn),
                     "rmssd_ms": hrv.rmssd(nn), "lf_ms2": freq["lf_ms2"], "hf_ms2": freq["hf_ms2"],
                     "lf_hf": freq["lf_hf"]})
    return pd.DataFrame(rows)


def threshold_table(nn_ms, thresholds=(0.1, 0.2, 0.3, 0.5), half_window: int = DEFAULT_HALF_WINDOW) -> pd.DataFrame:
    """How many intervals each threshold flags, and SDNN and RMSSD after correcting them.

    Parameters
    ----------
    nn_ms : array_like
        Intervals in milliseconds.
    thresholds : sequence of float
        Fractions of the local median to try.
    half_window : int
        Neighbours on each side used for the median.

    Returns
    -------
    pandas.DataFrame
        Columns ``threshold_pct``, ``n_flagged``, ``flagged_pct``,
        ``sdnn_corrected_ms`` and ``rmssd_corrected_ms``.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    nn = hrv.as_nn_array(nn_ms, min_length=3, metric=tr("Artefact detection"))
    rows = []
    for threshold in thresholds:
        flagged = flag_artefacts(nn, threshold, half_window)
        fixed = correct_artefacts(nn, threshold, half_window)
        rows.append({"threshold_pct": 100 * float(threshold), "n_flagged": int(flagged.sum()),
                     "flagged_pct": 100 * float(flagged.mean()), "sdnn_corrected_ms": hrv.sdnn(fixed),
                     "rmssd_corrected_ms": hrv.rmssd(fixed)})
    return pd.DataFrame(rows)
