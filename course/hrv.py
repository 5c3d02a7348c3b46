"""Time-domain heart rate variability (HRV) from NN intervals.

Every function takes NN intervals in milliseconds (the time between two
consecutive normal heartbeats) and returns a number or a table. Nothing is
read from disk and nothing is plotted here.

The definitions follow the Task Force of the European Society of Cardiology
and the North American Society of Pacing and Electrophysiology (1996).

References
----------
.. [1] Task Force of the European Society of Cardiology and the North American
   Society of Pacing and Electrophysiology (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from course.errors import DataError
from course.i18n import N_, tr

#: Names other modules give ``as_nn_array(metric=...)`` (course.artefacts, course.plotting), marked here so
#: the message "{what} needs at least ..." can name them in the learner's language.
METRIC_NAMES = (N_("Artefact detection"), N_("Artefact correction"), N_("Artefact deletion"))

#: Keys of the dictionary returned by :func:`time_domain`, in order.
TIME_DOMAIN_KEYS = (
    "mean_nn_ms",
    "mean_hr_bpm",
    "sdnn_ms",
    "rmssd_ms",
    "nn50",
    "pnn50_pct",
    "n_intervals",
    "duration_s",
)

#: Shortest window, in seconds, that :func:`windowed_time_domain` accepts.
MIN_WINDOW_S = 10.0


def as_nn_array(nn_ms, min_length: int = 2, *, metric: str | None = None) -> np.ndarray:
    """Check NN intervals and return them as a 1-D float array.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds: a list, tuple, NumPy array or pandas
        Series of numbers.
    min_length : int, default 2
        Fewest intervals the calculation needs.
    metric : str, optional
        Name of the calculation, used only to make error messages specific
        (for example ``"SDNN"``).

    Returns
    -------
    numpy.ndarray
        A new 1-D array of float64, in milliseconds.

    Raises
    ------
    course.errors.DataError
        If the input is not numbers, holds missing (NaN) or infinite values,
        is not one column of values, is shorter than ``min_length``, or holds
        zero or negative intervals.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). Heart rate variability:
       standards of measurement, physiological interpretation and clinical
       use. *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    what = tr(metric) if metric else tr("This calculation")
    if isinstance(nn_ms, (str, bytes)):
        raise DataError(
            tr("The NN intervals are a piece of text, not a list of numbers."),
            hint=tr("Pass numbers in milliseconds, for example [812, 845, 790]."),
        )
    if isinstance(nn_ms, pd.DataFrame):
        raise DataError(
            tr("Expected one column of NN intervals but got a table with {n_columns} columns ({columns}).",
               n_columns=nn_ms.shape[1], columns=(', '.join(map(str, nn_ms.columns)))),
            hint=tr("Pick the column that holds the intervals, for example df['nn_ms']."),
        )
    raw = np.asarray(nn_ms)
    if raw.dtype.kind in "US":
        bad = [str(v) for v in np.ravel(raw) if not _parses_as_float(v)][:3]
        if bad:
            raise DataError(
                tr("Some NN intervals are not numbers, for example {examples}.",
               examples=(", ".join(repr(v) for v in bad))),
                hint=tr("Remove text, units such as 'ms', or empty entries before calculating."),
            )
        raise DataError(
            tr("The NN intervals are stored as text (such as '812'), not as numbers."),
            hint=tr("Read files with course.data.read_nn_csv, which converts and checks the numbers."),
        )
    if raw.dtype.kind in "bMm":
        raise DataError(
            tr("The NN intervals are not numbers (they look like true/false values, dates or times)."),
            hint=tr("Pass intervals as numbers in milliseconds, for example [812, 845, 790]."),
        )
    try:
        values = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        bad = [v for v in np.ravel(raw) if isinstance(v, (str, bytes)) or not _parses_as_float(v)][:3]
        raise DataError(
            tr("Some NN intervals are not numbers, for example {examples}.",
               examples=(", ".join(repr(v) for v in bad))),
            hint=tr("Remove text, units such as 'ms', or empty entries before calculating."),
        ) from None
    if values.ndim != 1:
        shape = " x ".join(map(str, values.shape)) or tr("a single number")
        raise DataError(
            tr("Expected a single series of NN intervals but got {shape}.", shape=shape),
            hint=tr("Pass a flat list of intervals in milliseconds, for example [812, 845, 790]."),
        )
    if values.size < min_length:
        raise DataError(
            tr("{what} needs at least {min_length} NN intervals, but only {size} were given.",
               what=what, min_length=min_length, size=values.size),
            hint=tr("Use a longer recording."),
        )
    not_finite = ~np.isfinite(values)
    if not_finite.any():
        positions = np.flatnonzero(not_finite)[:5] + 1
        raise DataError(
            tr("{n} NN interval(s) are missing (NaN) or infinite, at position(s) {positions} (counting from 1).",
               n=int(not_finite.sum()), positions=(', '.join(map(str, positions)))),
            hint=tr("Remove or fill the gaps first; HRV cannot be computed across missing beats."),
        )
    not_positive = values <= 0
    if not_positive.any():
        positions = np.flatnonzero(not_positive)[:5] + 1
        raise DataError(
            tr("{n} NN interval(s) are zero or negative, at position(s) {positions} (counting from 1). The "
               "time between two heartbeats is always positive.",
               n=int(not_positive.sum()), positions=(', '.join(map(str, positions)))),
            hint=tr("Check that the column holds intervals, not differences between intervals."),
        )
    return values


def beat_times(nn_ms) -> np.ndarray:
    """Time of the beat that ends each NN interval.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds.

    Returns
    -------
    numpy.ndarray
        Seconds from the beat that starts the first interval to the beat
        that ends each interval (the running sum of the intervals / 1000).

    Raises
    ------
    course.errors.DataError
        If the intervals fail :func:`as_nn_array`.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    return np.cumsum(as_nn_array(nn_ms, min_length=1, metric=tr("Beat times"))) / 1000.0


def _parses_as_float(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def mean_nn(nn_ms) -> float:
    """Mean of the NN intervals.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds.

    Returns
    -------
    float
        Mean NN interval in milliseconds.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    return float(np.mean(as_nn_array(nn_ms, min_length=1, metric=tr("Mean NN"))))


def mean_hr(nn_ms) -> float:
    """Mean heart rate, as 60 000 divided by the mean NN interval.

    This is the number of beats per minute that the recording contains on
    average. Averaging the instantaneous heart rate of each beat
    (``60000 / nn``) instead gives a slightly higher number, because the
    reciprocal weights short intervals more; the difference grows with
    variability. The course uses ``60000 / mean NN`` throughout.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds.

    Returns
    -------
    float
        Mean heart rate in beats per minute (bpm).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    return 60_000.0 / mean_nn(nn_ms)


def sdnn(nn_ms) -> float:
    """Standard deviation of the NN intervals (SDNN).

    Uses the sample standard deviation (divisor n - 1).

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 2.

    Returns
    -------
    float
        SDNN in milliseconds.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    return float(np.std(as_nn_array(nn_ms, min_length=2, metric="SDNN"), ddof=1))


def rmssd(nn_ms) -> float:
    """Root mean square of successive differences between NN intervals (RMSSD).

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 2.

    Returns
    -------
    float
        RMSSD in milliseconds.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    diffs = np.diff(as_nn_array(nn_ms, min_length=2, metric="RMSSD"))
    return float(np.sqrt(np.mean(diffs**2)))


def nn50(nn_ms) -> int:
    """Number of successive NN intervals that differ by more than 50 ms (NN50).

    A difference of exactly 50 ms is not counted.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 2.

    Returns
    -------
    int
        Count of pairs of adjacent intervals with ``|difference| > 50`` ms.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    diffs = np.diff(as_nn_array(nn_ms, min_length=2, metric="NN50"))
    return int(np.count_nonzero(np.abs(diffs) > 50.0))


def pnn50(nn_ms) -> float:
    """NN50 as a percentage of the number of NN intervals (pNN50).

    The Task Force (1996) divides NN50 by the total number of NN intervals,
    and so does NeuroKit2 (``hrv_time``). Some other programs divide by the
    number of differences (one fewer); for a 5-minute recording the two
    differ by well under one percentage point.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 2.

    Returns
    -------
    float
        pNN50 in percent (0 to 100).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    .. [2] Makowski D et al. (2021). NeuroKit2: A Python toolbox for
       neurophysiological signal processing. *Behavior Research Methods*
       53:1689-1696. doi:10.3758/s13428-020-01516-y
    """
    values = as_nn_array(nn_ms, min_length=2, metric="pNN50")
    return 100.0 * nn50(values) / values.size


def time_domain(nn_ms) -> dict:
    """All the course's time-domain HRV metrics for one series.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds; at least 2.

    Returns
    -------
    dict
        ``mean_nn_ms`` (ms), ``mean_hr_bpm`` (beats per minute), ``sdnn_ms``
        (ms), ``rmssd_ms`` (ms), ``nn50`` (count), ``pnn50_pct`` (percent),
        ``n_intervals`` (count) and ``duration_s`` (sum of the intervals, in
        seconds).

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    values = as_nn_array(nn_ms, min_length=2, metric=tr("The time-domain summary"))
    return {
        "mean_nn_ms": mean_nn(values),
        "mean_hr_bpm": mean_hr(values),
        "sdnn_ms": sdnn(values),
        "rmssd_ms": rmssd(values),
        "nn50": nn50(values),
        "pnn50_pct": pnn50(values),
        "n_intervals": int(values.size),
        "duration_s": float(values.sum() / 1000.0),
    }


def windowed_time_domain(nn_ms, window_s: float) -> pd.DataFrame:
    """Time-domain HRV in consecutive, non-overlapping windows.

    Time starts at 0 at the beginning of the first interval. Each interval
    belongs to the window in which it ends, so window ``k`` (from 1) holds
    the intervals ending after ``(k - 1) * window_s`` and no later than
    ``k * window_s`` seconds. A final window that the recording does not
    fill completely is dropped, so a 299.6-s recording has no complete
    300-s window. A window's ``duration_s`` is the sum of its intervals,
    which can differ from ``window_s`` by up to one interval, because the
    first interval may have begun in the previous window.

    Parameters
    ----------
    nn_ms : array_like
        NN intervals in milliseconds.
    window_s : float
        Window length in seconds; at least 10 s and no longer than the
        recording.

    Returns
    -------
    pandas.DataFrame
        One row per complete window, with columns ``window`` (1-based),
        ``start_s`` (window start, seconds) and the keys of
        :func:`time_domain`.

    Raises
    ------
    course.errors.DataError
        If the window is shorter than 10 s or longer than the recording, or
        if a window holds fewer than 2 intervals.

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    """
    values = as_nn_array(nn_ms, min_length=2, metric=tr("Windowed HRV"))
    try:
        window_s = float(window_s)
    except (TypeError, ValueError):
        raise DataError(
            tr("The window length must be a number of seconds, not {window_s!r}.", window_s=window_s),
            hint=tr("For example window_s=60 for one-minute windows."),
        ) from None
    if not math.isfinite(window_s) or window_s < MIN_WINDOW_S:
        raise DataError(
            tr("A window of {window_s:g} s is too short; the shortest window allowed is {MIN_WINDOW_S:g} s.",
               window_s=window_s, MIN_WINDOW_S=MIN_WINDOW_S),
            hint=tr("Windows of a few beats give unstable HRV values; try 60 s or more."),
        )
    window_ms = window_s * 1000.0
    end_ms = np.cumsum(values)
    total_s = end_ms[-1] / 1000.0
    n_windows = int(end_ms[-1] // window_ms)
    if n_windows == 0:
        raise DataError(
            tr("The window ({window_s:g} s) is longer than the recording ({total_s:.1f} s), so not even one "
               "complete window fits.", window_s=window_s, total_s=total_s),
            hint=tr("Choose a window of at most {seconds:d} s.", seconds=math.floor(total_s)),
        )
    # Window index (0-based) of each interval: ends in (k*W, (k+1)*W].
    index = np.ceil(end_ms / window_ms).astype(int) - 1
    rows = []
    for k in range(n_windows):
        chunk = values[index == k]
        if chunk.size < 2:
            raise DataError(
                tr("Window {k} ({start:g}-{end:g} s) holds only {size} interval(s), too few for HRV.",
                   k=k + 1, start=k * window_s, end=(k + 1) * window_s, size=chunk.size),
                hint=tr("Use a longer window, and check the data for very long intervals (missed beats)."),
            )
        rows.append({"window": k + 1, "start_s": k * window_s, **time_domain(chunk)})
    return pd.DataFrame(rows, columns=["window", "start_s", *TIME_DOMAIN_KEYS])
