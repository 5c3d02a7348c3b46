"""Published normal values for short-term HRV in healthy adults.

The table holds the pooled values from one systematic review (Nunan et al.,
2010; 44 studies, 21,438 participants) of short-term recordings, which
are usually 5 minutes long and taken at rest. ``mean`` and ``sd`` are the
pooled mean and standard deviation; ``low`` and ``high`` are the range the
review published alongside them. That range describes the values reported
in the reviewed studies: it is not a reference interval for an individual,
and a value outside it is not a diagnosis. The ``sd`` likewise describes
how the studies' means differ (a between-study spread), not how much
individual people differ, so it must not be used as the spread between
people (the course's simulations state their own assumption instead; see
:func:`course.autonomic.draw_baselines`). Comparing a 60-minute or a non-resting recording with these
values is not like with like.

References
----------
.. [1] Nunan D, Sandercock GRH, Brodie DA (2010). A quantitative systematic
   review of normal values for short-term heart rate variability in healthy
   adults. *Pacing and Clinical Electrophysiology* 33(11):1407-1417.
   doi:10.1111/j.1540-8159.2010.02841.x
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from course.errors import DataError
from course.i18n import N_, tr

#: Phrases used in the ``where`` column of :func:`compare_with_norms`.
#: (:func:`where_in_range` returns them in English; the table shows them in the learner's language.)
WITHIN = N_("within the published range")
ABOVE = N_("above the published range")
BELOW = N_("below the published range")
NO_RANGE = N_("no range published")

COLUMNS = ["metric", "value", "norm_mean", "norm_sd", "range_low", "range_high", "where"]


@dataclass(frozen=True)
class Norm:
    """One published normal value.

    Attributes
    ----------
    metric : str
        Key as used by :func:`course.hrv.time_domain` (for example ``"sdnn_ms"``).
    mean, sd : float
        Pooled mean and the standard deviation reported with it, in
        ``unit``; the SD describes differences between studies' means, not
        between individuals.
    low, high : float or None
        Published range, in ``unit``; ``None`` when none was published.
    unit : str
        ``"ms"``, ``"ms²"`` or ``""`` for a ratio.
    source_key : str
        Key of the source in ``references.json``.

    References
    ----------
    .. [1] Nunan D, Sandercock GRH, Brodie DA (2010). *Pacing Clin
       Electrophysiol* 33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """

    metric: str
    mean: float
    sd: float
    low: float | None
    high: float | None
    unit: str
    source_key: str = "nunan2010"


#: Short-term norms from Nunan et al. (2010): mean ± SD and published range.
NORMS: tuple[Norm, ...] = (
    Norm("mean_nn_ms", 926.0, 90.0, None, None, "ms"),
    Norm("sdnn_ms", 50.0, 16.0, 32.0, 93.0, "ms"),
    Norm("rmssd_ms", 42.0, 15.0, 19.0, 75.0, "ms"),
    Norm("lf_ms2", 519.0, 291.0, 193.0, 1009.0, "ms²"),
    Norm("hf_ms2", 657.0, 777.0, 83.0, 3630.0, "ms²"),
    Norm("lf_hf", 2.8, 2.6, 1.1, 11.6, ""),
)


def norm_for(metric: str) -> Norm | None:
    """The published norm for ``metric``, or ``None`` if the course has none.

    Parameters
    ----------
    metric : str
        A metric key such as ``"rmssd_ms"``.

    Returns
    -------
    Norm or None

    References
    ----------
    .. [1] Nunan D, Sandercock GRH, Brodie DA (2010). *Pacing Clin
       Electrophysiol* 33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    return next((norm for norm in NORMS if norm.metric == metric), None)


def where_in_range(value: float, norm: Norm) -> str:
    """Say in words where ``value`` lies relative to the published range.

    The range is inclusive: a value equal to a limit is within it.

    Parameters
    ----------
    value : float
        The learner's value, in the norm's unit.
    norm : Norm
        The norm to compare with.

    Returns
    -------
    str
        One of ``"within the published range"``, ``"above the published
        range"``, ``"below the published range"`` or ``"no range
        published"``.

    References
    ----------
    .. [1] Nunan D, Sandercock GRH, Brodie DA (2010). *Pacing Clin
       Electrophysiol* 33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    if norm.low is None or norm.high is None:
        return NO_RANGE
    if value < norm.low:
        return BELOW
    if value > norm.high:
        return ABOVE
    return WITHIN


def compare_with_norms(metrics: dict) -> pd.DataFrame:
    """Set a recording's HRV values beside the published short-term norms.

    Parameters
    ----------
    metrics : dict
        Metric values keyed as in :func:`course.hrv.time_domain`, for
        example ``{"mean_nn_ms": 889.0, "sdnn_ms": 95.7, "rmssd_ms": 101.3}``
        (all in ms). Keys without a published norm (such as ``"pnn50_pct"``)
        are left out.

    Returns
    -------
    pandas.DataFrame
        One row per metric that has a norm, in the order of :data:`NORMS`,
        with columns ``metric``, ``value``, ``norm_mean``, ``norm_sd``,
        ``range_low``, ``range_high`` (NaN when none was published) and
        ``where`` (a plain phrase).

    Raises
    ------
    course.errors.DataError
        If ``metrics`` is not a dictionary or a value with a norm is not a
        finite number.

    References
    ----------
    .. [1] Nunan D, Sandercock GRH, Brodie DA (2010). A quantitative
       systematic review of normal values for short-term heart rate
       variability in healthy adults. *Pacing Clin Electrophysiol*
       33(11):1407-1417. doi:10.1111/j.1540-8159.2010.02841.x
    """
    if not isinstance(metrics, dict):
        raise DataError(
            tr("compare_with_norms needs a dictionary of metrics, such as the result of time_domain()."),
            hint=tr("For example compare_with_norms(time_domain(nn))."),
        )
    rows = []
    for norm in NORMS:
        if norm.metric not in metrics:
            continue
        raw = metrics[norm.metric]
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value) or isinstance(raw, (str, bool)):
            raise DataError(tr("The value for {metric} is {value}, not a number.", metric=repr(norm.metric),
                               value=repr(raw)))
        rows.append(
            {
                "metric": norm.metric,
                "value": value,
                "norm_mean": norm.mean,
                "norm_sd": norm.sd,
                "range_low": math.nan if norm.low is None else norm.low,
                "range_high": math.nan if norm.high is None else norm.high,
                "where": tr(where_in_range(value, norm)),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
