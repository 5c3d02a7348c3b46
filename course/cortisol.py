"""Cortisol day curves: a SIMULATED profile model, CAR metrics, and the simulated dataset.

Three kinds of function live here:

* **Metrics** computed from saliva samples, the way studies summarise them:
  :func:`car_increase_pct` (the cortisol awakening response, CAR, as a
  percentage rise over the waking sample), :func:`auc_ground` and
  :func:`auc_increase` (areas under the curve, Pruessner et al. 2003) and
  :func:`diurnal_slope` (least-squares change per hour); and how well one
  day agrees with another (:func:`day_pairs`, :func:`verdict_flip_pct`,
  :func:`day_to_day_r`).
* A **teaching model** of one day's cortisol, relative to the level at the
  moment of waking (:func:`true_curve`), and what a sampling protocol would
  measure from it, with or without a late first sample
  (:func:`sample_day`, :func:`compare_true_and_measured`).
* The **simulated dataset** ``datasets/cortisol_sim.csv``
  (:func:`simulate_dataset`, declared as :data:`DATASET`; read it with
  :func:`load_cortisol_sim`).

Everything is in units *relative to the waking sample* (waking = 1.0),
because absolute nmol/L norms have not been verified for the course.

The model is SIMULATED. Its anchors are cited figures: a rise of about
50-75 % within 30 minutes of waking (Pruessner 1997; Wüst 2000), about 75 %
responders (Wüst 2000), a CAR over the first 30-45 minutes (Stalder 2016),
and a latent period of about 10 minutes after waking before cortisol starts
to rise (Smyth et al. 2015). The shape of the rise, the speed of the decline
over the day and the noise are illustrative choices, not published values.

References
----------
.. [1] Pruessner JC, Wolf OT, Hellhammer DH, et al. (1997). Free cortisol
   levels after awakening: a reliable biological marker for the assessment
   of adrenocortical activity. *Life Sci* 61(26):2539-2549.
.. [2] Wüst S, Wolf J, Hellhammer DH, Federenko I, Schommer N, Kirschbaum C
   (2000). The cortisol awakening response: normal values and confounds.
   *Noise Health* 2(7):79-88.
.. [3] Stalder T, Kirschbaum C, Kudielka BM, et al. (2016). Assessment of
   the cortisol awakening response: expert consensus guidelines.
   *Psychoneuroendocrinology* 63:414-432. doi:10.1016/j.psyneuen.2015.10.010
.. [4] Smyth N, Thorn L, Hucklebridge F, Evans P, Clow A (2015). Detailed
   time course of the cortisol awakening response in healthy participants.
   *Psychoneuroendocrinology*. doi:10.1016/j.psyneuen.2015.08.011
   (course key ``pmid26318630``).
.. [5] Pruessner JC, Kirschbaum C, Meinlschmid G, Hellhammer DH (2003). Two
   formulas for computation of the area under the curve represent measures
   of total hormone concentration versus time-dependent change.
   *Psychoneuroendocrinology* 28(7):916-931.
   doi:10.1016/s0306-4530(02)00108-7
.. [6] Adam EK, Quinn ME, Tavernier R, et al. (2017). Diurnal cortisol slopes
   and mental and physical health outcomes: a systematic review and
   meta-analysis. *Psychoneuroendocrinology* 83:25-41.
   doi:10.1016/j.psyneuen.2017.05.018
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from scipy import stats

from . import simulated
from .errors import DataError
from .i18n import N_, tr

#: Scheduled samples of the course's protocol: label -> minutes after a 07:00 waking.
SAMPLE_SCHEDULE = {
    "wake": 0, "+15": 15, "+30": 30, "+45": 45, "+60": 60,
    "12:00": 300, "17:00": 600, "22:00": 900,
}
#: Samples timed from the first (waking) sample: a late first sample moves all of them.
CAR_SAMPLES = ("wake", "+15", "+30", "+45", "+60")
#: Samples taken by the clock: a late first sample does not move them.
CLOCK_SAMPLES = ("12:00", "17:00", "22:00")
#: Samples used for the day's slope: waking and the clock samples (the CAR is left out).
SLOPE_SAMPLES = ("wake",) + CLOCK_SAMPLES
#: Minutes after waking in which the CAR is looked for (Stalder 2016: first 30-45 min).
CAR_WINDOW_MIN = 45
#: Minutes after waking with no rise yet (Smyth et al. 2015: none in the first ~10 min).
LATENT_MIN = 10.0
#: How quickly the morning burst fades after its peak (illustrative, minutes).
FADE_MIN = 60.0

#: The simulated dataset's file in ``datasets/`` (declared as :data:`DATASET`).
DATASET_FILE = "cortisol_sim.csv"
#: Seed of the committed file.
DATASET_SEED = 20240604
#: Its columns in file order, with the kind of value each holds (see :mod:`course.simulated`).
DATASET_COLUMNS = {"subject_id": "text", "group": "text", "day": "integer", "sample": "text",
                   "minutes_since_waking": "integer", "cortisol_rel_to_wake": "number",
                   "sampling_delay_min": "integer", "simulated": "flag"}
#: The simulated groups, in file order.
#: Neutral names that describe the SIMULATED patterns, not a diagnosis (see the datasheet).
GROUPS = ("control", "low_rise", "flat_slope")
#: How the groups are named in figures and alt text (the codes above stay in the data).
GROUP_NAMES = {"control": N_("control"), "low_rise": N_("low rise"), "flat_slope": N_("flat slope")}


# --- metrics from samples --------------------------------------------------------


def _as_series(times, values, *, what: str, min_length: int = 2):
    t = np.asarray(times, dtype=float).ravel()
    v = np.asarray(values, dtype=float).ravel()
    if t.size != v.size:
        raise DataError(tr("{what} needs as many times as values (got {times} times and {values} values).",
                           what=what, times=t.size, values=v.size))
    if t.size < min_length:
        raise DataError(tr("{what} needs at least {min_length} samples (got {size}).",
                           what=what, min_length=min_length, size=t.size))
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(v))):
        raise DataError(tr("{what} got a missing or infinite time or value.", what=what),
                        hint=tr("Remove samples that were not taken instead of leaving them blank."))
    if np.any(np.diff(t) <= 0):
        raise DataError(tr("{what} needs sample times in increasing order, each later than the one before.",
                           what=what))
    return t, v


def car_increase_pct(samples, times, window_min: float = CAR_WINDOW_MIN) -> float:
    """Cortisol awakening response as the percentage rise of the peak over the waking sample.

    Parameters
    ----------
    samples : array_like
        Cortisol values in any one unit (nmol/L, or relative to waking);
        ``samples[0]`` is the waking sample.
    times : array_like
        Minutes after waking at which each sample was (scheduled to be)
        taken, increasing, starting with the waking sample.
    window_min : float, default 45
        Only post-waking samples taken at most this many minutes after the
        waking sample count (the CAR is defined over the first 30-45 min).

    Returns
    -------
    float
        ``100 * (peak - waking) / waking`` in percent, where ``peak`` is the
        highest post-waking sample in the window. Negative when every later
        sample is below the waking one (a "non-responder" morning).

    Raises
    ------
    course.errors.DataError
        If the lengths differ, times are not increasing, the waking value is
        not positive, or no post-waking sample falls in the window.

    References
    ----------
    .. [1] Stalder T et al. (2016). *Psychoneuroendocrinology* 63:414-432.
    .. [2] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    """
    t, v = _as_series(times, samples, what="car_increase_pct")
    if v[0] <= 0:
        raise DataError(tr("car_increase_pct needs a waking sample above zero to compute a percentage."))
    after = (t > t[0]) & (t - t[0] <= window_min)
    if not np.any(after):
        raise DataError(tr("car_increase_pct found no sample within {window_min:g} minutes after the waking sample.",
                           window_min=window_min))
    return float(100.0 * (v[after].max() - v[0]) / v[0])


def auc_ground(times, values) -> float:
    """Area under the curve with respect to ground (AUCg), by the trapezoid rule.

    Parameters
    ----------
    times : array_like
        Sample times, increasing (minutes, or hours: the area is in
        value-units times these units).
    values : array_like
        Cortisol at those times.

    Returns
    -------
    float
        ``sum((v[i] + v[i+1]) / 2 * (t[i+1] - t[i]))``: the total amount
        under the curve down to zero.

    References
    ----------
    .. [1] Pruessner JC, Kirschbaum C, Meinlschmid G, Hellhammer DH (2003).
       *Psychoneuroendocrinology* 28(7):916-931.
       doi:10.1016/s0306-4530(02)00108-7
    """
    t, v = _as_series(times, values, what="auc_ground")
    return float(np.sum((v[1:] + v[:-1]) / 2.0 * np.diff(t)))


def auc_increase(times, values) -> float:
    """Area under the curve with respect to increase (AUCi), relative to the first sample.

    Parameters
    ----------
    times : array_like
        Sample times, increasing (minutes for a CAR).
    values : array_like
        Cortisol at those times; ``values[0]`` is the baseline.

    Returns
    -------
    float
        ``auc_ground(times, values) - values[0] * (times[-1] - times[0])``:
        the area between the curve and a flat line at the first sample. It
        is negative when the values fall below the first sample, and zero
        for a flat curve.

    References
    ----------
    .. [1] Pruessner JC, Kirschbaum C, Meinlschmid G, Hellhammer DH (2003).
       *Psychoneuroendocrinology* 28(7):916-931.
       doi:10.1016/s0306-4530(02)00108-7
    """
    t, v = _as_series(times, values, what="auc_increase")
    return auc_ground(t, v) - float(v[0] * (t[-1] - t[0]))


def diurnal_slope(times_h, values) -> float:
    """Least-squares slope of cortisol against time of day, per hour.

    Parameters
    ----------
    times_h : array_like
        Hours after waking (or clock hours), at least two distinct times.
    values : array_like
        Cortisol at those times (any one unit).

    Returns
    -------
    float
        The ordinary least-squares slope (value-units per hour), from
        :func:`scipy.stats.linregress`. Negative when cortisol falls over the
        day; a "flatter" slope is closer to zero.

    References
    ----------
    .. [1] Adam EK et al. (2017). *Psychoneuroendocrinology* 83:25-41.
       doi:10.1016/j.psyneuen.2017.05.018
    """
    t, v = _as_series(times_h, values, what="diurnal_slope")
    return float(stats.linregress(t, v).slope)


# --- the teaching model ------------------------------------------------------------


def true_curve(t_min, car_rise: float = 0.6, peak_min: float = 40.0, decline_per_h: float = 0.10,
               latent_min: float = LATENT_MIN, fade_min: float = FADE_MIN) -> np.ndarray:
    """SIMULATED cortisol relative to the level at the moment of waking.

    The curve is 1.0 at waking and stays there for ``latent_min`` minutes;
    it then rises smoothly to ``1 + car_rise`` at ``peak_min``; after the
    peak the morning burst fades (time constant ``fade_min``) while the
    level declines by ``decline_per_h`` of itself each hour::

        c(t) = B(t) * (1 + car_rise * g(t))
        g = 0 before the latent period; sin^2 rise to 1 at the peak; exp(-(t - peak) / fade) after
        B = 1 up to the peak; (1 - decline_per_h) ** ((t - peak) / 60) after it

    Parameters
    ----------
    t_min : array_like
        Minutes since the person actually woke up (0 or later).
    car_rise : float, default 0.6
        Rise at the peak as a fraction of the waking level (0.6 = +60 %).
        A negative value gives a falling morning (a non-responder).
    peak_min : float, default 40
        Minutes after waking at which the morning peak is reached.
    decline_per_h : float, default 0.10
        Fraction of the level lost per hour after the peak (0 = flat day).
    latent_min : float, default 10
        Minutes after waking before any rise (Smyth et al. 2015).
    fade_min : float, default 60
        Time constant (minutes) with which the morning burst fades.

    Returns
    -------
    numpy.ndarray
        Cortisol relative to waking (dimensionless), one value per time.

    References
    ----------
    .. [1] Pruessner JC et al. (1997). *Life Sci* 61(26):2539-2549.
    .. [2] Smyth N, Thorn L, Hucklebridge F, Evans P, Clow A (2015). Detailed
       time course of the cortisol awakening response in healthy participants.
       *Psychoneuroendocrinology*. doi:10.1016/j.psyneuen.2015.08.011
    """
    if not latent_min < peak_min:
        raise ValueError(tr("the peak must come after the latent period"))
    if not 0 <= decline_per_h < 1:
        raise ValueError(tr("decline_per_h must be between 0 and 1"))
    t = np.asarray(t_min, dtype=float)
    rising = np.clip((t - latent_min) / (peak_min - latent_min), 0.0, 1.0)
    g = np.where(t <= peak_min, np.sin(np.pi / 2 * rising) ** 2, np.exp(-(t - peak_min) / fade_min))
    after_peak_h = np.maximum(t - peak_min, 0.0) / 60.0
    baseline = (1.0 - decline_per_h) ** after_peak_h
    return baseline * (1.0 + car_rise * g)


def sample_day(car_rise: float = 0.6, peak_min: float = 40.0, decline_per_h: float = 0.10,
               delay_min: float = 0.0, latent_min: float = LATENT_MIN) -> pd.DataFrame:
    """The course's eight samples taken from a SIMULATED day, with a possibly late first sample.

    The person wakes at 07:00. The first ("waking") sample is taken
    ``delay_min`` minutes late, and the +15 to +60 samples are timed from it,
    so they are late by the same amount; the 12:00, 17:00 and 22:00 samples
    are taken by the clock.

    Parameters
    ----------
    car_rise, peak_min, decline_per_h, latent_min : float
        Passed to :func:`true_curve`.
    delay_min : float, default 0
        Minutes between actually waking and taking the waking sample.

    Returns
    -------
    pandas.DataFrame
        One row per sample: ``sample`` (label), ``scheduled_min`` (minutes
        after waking the protocol assumes), ``actual_min`` (when it was
        really taken), ``true_rel`` (cortisol relative to the level at the
        moment of waking) and ``measured_rel`` (relative to the waking
        *sample*, which is all a study can see).

    References
    ----------
    .. [1] Stalder T et al. (2016). *Psychoneuroendocrinology* 63:414-432.
    """
    if delay_min < 0:
        raise ValueError(tr("delay_min cannot be negative"))
    labels = list(SAMPLE_SCHEDULE)
    scheduled = np.array([SAMPLE_SCHEDULE[s] for s in labels], dtype=float)
    actual = np.where(np.isin(labels, CAR_SAMPLES), scheduled + delay_min, scheduled)
    true_rel = true_curve(actual, car_rise, peak_min, decline_per_h, latent_min)
    return pd.DataFrame({"sample": labels, "scheduled_min": scheduled, "actual_min": actual,
                         "true_rel": true_rel, "measured_rel": true_rel / true_rel[0]})


def compare_true_and_measured(car_rise: float = 0.6, peak_min: float = 40.0, decline_per_h: float = 0.10,
                              delay_min: float = 0.0, latent_min: float = LATENT_MIN) -> dict:
    """CAR, AUC and slope of a SIMULATED day: the true values, and what the samples show.

    "True" values come from the model curve at 1-minute resolution, timed
    from the real moment of waking. "Measured" values come from the
    course's samples at their scheduled times, relative to the waking
    sample, exactly as a study would compute them; "on time" values are
    what the same day would give with no sampling delay.

    Parameters
    ----------
    car_rise, peak_min, decline_per_h, delay_min, latent_min : float
        As in :func:`sample_day`.

    Returns
    -------
    dict
        ``true_car_pct``, ``measured_car_pct``, ``on_time_car_pct`` (%);
        ``true_aucg``, ``measured_aucg``, ``on_time_aucg``, ``true_auci``,
        ``measured_auci``, ``on_time_auci`` (relative units x minutes, over
        the first 60 min); ``true_slope_pct_h``, ``measured_slope_pct_h``,
        ``on_time_slope_pct_h`` (% of the waking level per hour, from
        waking, 12:00, 17:00 and 22:00); and
        ``samples`` (the table from :func:`sample_day`).

    References
    ----------
    .. [1] Pruessner JC et al. (2003). *Psychoneuroendocrinology* 28(7):916-931.
    .. [2] Smyth N, Thorn L, Hucklebridge F, Evans P, Clow A (2015). Detailed
       time course of the cortisol awakening response in healthy participants.
       *Psychoneuroendocrinology*. doi:10.1016/j.psyneuen.2015.08.011
    """
    params = dict(car_rise=car_rise, peak_min=peak_min, decline_per_h=decline_per_h, latent_min=latent_min)
    grid = np.arange(0.0, 61.0)
    truth = true_curve(grid, **params)
    samples = sample_day(delay_min=delay_min, **params)
    on_time = sample_day(delay_min=0.0, **params)

    def car_part(table):
        rows = table[table["sample"].isin(CAR_SAMPLES)]
        return rows["scheduled_min"].to_numpy(), rows["measured_rel"].to_numpy()

    def slope_part(table, column):
        rows = table[table["sample"].isin(SLOPE_SAMPLES)]
        return rows["scheduled_min"].to_numpy() / 60.0, rows[column].to_numpy()

    t_car, v_car = car_part(samples)
    t_on, v_on = car_part(on_time)
    return {
        "true_car_pct": float(100.0 * (truth[grid <= CAR_WINDOW_MIN].max() - 1.0)),
        "measured_car_pct": car_increase_pct(v_car, t_car),
        "on_time_car_pct": car_increase_pct(v_on, t_on),
        "true_aucg": auc_ground(grid, truth),
        "measured_aucg": auc_ground(t_car, v_car),
        "on_time_aucg": auc_ground(t_on, v_on),
        "true_auci": auc_increase(grid, truth),
        "measured_auci": auc_increase(t_car, v_car),
        "on_time_auci": auc_increase(t_on, v_on),
        "true_slope_pct_h": 100.0 * diurnal_slope(*slope_part(on_time, "true_rel")),
        "measured_slope_pct_h": 100.0 * diurnal_slope(*slope_part(samples, "measured_rel")),
        "on_time_slope_pct_h": 100.0 * diurnal_slope(*slope_part(on_time, "measured_rel")),
        "samples": samples,
    }


# --- the simulated dataset ---------------------------------------------------------

#: Per-group parameters of the simulation. Responder share and rise from Wüst
#: 2000 / Pruessner 1997; the group differences are ILLUSTRATIVE, not effect sizes.
GROUP_PARAMS = {
    "control": dict(p_responder=0.75, rise_mean=0.70, decline_mean=0.090),
    "low_rise": dict(p_responder=0.70, rise_mean=0.62, decline_mean=0.090),
    "flat_slope": dict(p_responder=0.75, rise_mean=0.68, decline_mean=0.078),
}
#: Simulated people per group in the committed file.
PEOPLE_PER_GROUP = 20
#: Sampling days per person.
DAYS = 2


def simulate_dataset(seed: int = DATASET_SEED, people_per_group: int = PEOPLE_PER_GROUP,
                     days: int = DAYS) -> pd.DataFrame:
    """Generate the SIMULATED salivary cortisol day profiles of ``datasets/cortisol_sim.csv``.

    For each person: a responder status (``p_responder``), a usual morning
    rise and a usual daily decline. For each day: that rise with day-to-day
    scatter (so some responders have a flat morning on one day), a peak
    time between 30 and 45 minutes, a sampling delay (most on time, some
    5-15 minutes late, a few later), and 8 % multiplicative noise on every
    sample. Values are then divided by the day's waking sample.

    Parameters
    ----------
    seed : int
        Seed for :func:`numpy.random.default_rng`; the committed file uses
        :data:`DATASET_SEED`.
    people_per_group : int, default 20
    days : int, default 2

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DATASET_COLUMNS`; ``cortisol_rel_to_wake`` rounded to
        3 decimals and exactly 1 for every waking sample.

    References
    ----------
    .. [1] Pruessner JC et al. (1997). *Life Sci* 61(26):2539-2549.
    .. [2] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    .. [3] Smyth N, Thorn L, Hucklebridge F, Evans P, Clow A (2015). Detailed
       time course of the cortisol awakening response in healthy participants.
       *Psychoneuroendocrinology*. doi:10.1016/j.psyneuen.2015.08.011
    """
    rng = np.random.default_rng(seed)
    rows = []
    labels = list(SAMPLE_SCHEDULE)
    for group in GROUPS:
        p = GROUP_PARAMS[group]
        for i in range(1, people_per_group + 1):
            subject = f"{_group_code(group)}{i:02d}"
            responder = rng.random() < p["p_responder"]
            usual_rise = rng.normal(p["rise_mean"], 0.12) if responder else rng.uniform(-0.15, 0.05)
            decline = float(np.clip(rng.normal(p["decline_mean"], 0.015), 0.03, 0.16))
            for day in range(1, days + 1):
                rise = float(np.clip(usual_rise + rng.normal(0.0, 0.10), -0.25, 1.10))
                peak = float(rng.uniform(30.0, 45.0))
                delay = _draw_delay(rng)
                table = sample_day(rise, peak, decline, delay)
                noisy = table["true_rel"].to_numpy() * np.exp(rng.normal(0.0, 0.08, len(table)))
                rel = np.round(noisy / noisy[0], 3)
                for label, minutes, value in zip(labels, table["scheduled_min"], rel):
                    rows.append((subject, group, day, label, int(minutes), float(value), int(delay), True))
    return pd.DataFrame(rows, columns=list(DATASET_COLUMNS))


def _group_code(group: str) -> str:
    return {"control": "CO", "low_rise": "LR", "flat_slope": "FS"}[group]


def _draw_delay(rng) -> int:
    """Minutes between waking and the first sample: 70 % 0-4, 20 % 5-15, 10 % 16-25 (illustrative)."""
    u = rng.random()
    if u < 0.70:
        return int(rng.integers(0, 5))
    if u < 0.90:
        return int(rng.integers(5, 16))
    return int(rng.integers(16, 26))


#: The SIMULATED dataset ``datasets/cortisol_sim.csv``, declared once; written and loaded by :mod:`course.simulated`.
DATASET = simulated.SimulatedDataset(
    file_name=DATASET_FILE,
    seed=DATASET_SEED,
    columns=DATASET_COLUMNS,
    simulate=simulate_dataset,
    float_format="%.3f",
    checks=(simulated.one_of("group", GROUPS, what="group"),
            simulated.one_of("sample", SAMPLE_SCHEDULE, what="sample"),
            simulated.within("day", 1, DAYS),
            simulated.greater_than("cortisol_rel_to_wake", 0)),
)


def load_cortisol_sim(path=None) -> pd.DataFrame:
    """Load the SIMULATED cortisol dataset and check it.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``datasets/cortisol_sim.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per sample (columns :data:`DATASET_COLUMNS`; see
        ``datasets/cortisol_sim.md``): ``minutes_since_waking`` and
        ``sampling_delay_min`` in minutes, ``cortisol_rel_to_wake`` as a
        ratio to the waking sample.

    Raises
    ------
    course.errors.DataError
        If the file is missing, lacks a column, holds a non-number where a
        number belongs, has a row not marked simulated, an unknown group or
        sample, a day other than 1-2, or a cortisol ratio that is not
        positive. The message names the file and the line.

    References
    ----------
    .. [1] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    """
    return DATASET.load(path)


def person_day_summary(table: pd.DataFrame) -> pd.DataFrame:
    """CAR increase, AUCi and slope for every person-day of the simulated dataset.

    Parameters
    ----------
    table : pandas.DataFrame
        As returned by :func:`load_cortisol_sim`.

    Returns
    -------
    pandas.DataFrame
        One row per subject and day: ``subject_id``, ``group``, ``day``,
        ``sampling_delay_min``, ``car_increase_pct`` (peak of +15/+30/+45 over
        waking), ``auci`` (0-60 min, relative units x minutes) and
        ``slope_pct_h`` (waking, 12:00, 17:00, 22:00; % of waking per hour).

    References
    ----------
    .. [1] Pruessner JC et al. (2003). *Psychoneuroendocrinology* 28(7):916-931.
    """
    out = []
    for (subject, group, day), rows in table.groupby(["subject_id", "group", "day"], sort=False):
        rows = rows.set_index("sample")
        car = rows.loc[list(CAR_SAMPLES)]
        day_rows = rows.loc[list(SLOPE_SAMPLES)]
        out.append({
            "subject_id": subject, "group": group, "day": int(day),
            "sampling_delay_min": int(rows["sampling_delay_min"].iloc[0]),
            "car_increase_pct": car_increase_pct(car["cortisol_rel_to_wake"], car["minutes_since_waking"]),
            "auci": auc_increase(car["minutes_since_waking"], car["cortisol_rel_to_wake"]),
            "slope_pct_h": 100 * diurnal_slope(day_rows["minutes_since_waking"] / 60,
                                               day_rows["cortisol_rel_to_wake"]),
        })
    return pd.DataFrame(out)



# --- one morning or two: day-to-day agreement ---------------------------------------


def day_pairs(summary: pd.DataFrame, metric: str = "car_increase_pct") -> pd.DataFrame:
    """One row per person with ``metric`` on day 1 and day 2, for day-to-day comparisons.

    Parameters
    ----------
    summary : pandas.DataFrame
        As returned by :func:`person_day_summary`.
    metric : str, default "car_increase_pct"
        A column of ``summary`` (``car_increase_pct``, ``auci`` or ``slope_pct_h``).

    Returns
    -------
    pandas.DataFrame
        Index ``subject_id`` (in file order); columns ``group``, ``day1`` and
        ``day2`` (the metric's unit). People without both days are left out.

    Raises
    ------
    course.errors.DataError
        If ``metric`` is not a column of ``summary``.

    References
    ----------
    .. [1] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    """
    if metric not in summary.columns:
        raise DataError(tr("day_pairs: the summary has no column {metric!r}; it has {columns}.",
                           metric=metric, columns=(', '.join(map(str, summary.columns)))))
    wide = summary.pivot(index="subject_id", columns="day", values=metric)
    order = summary["subject_id"].drop_duplicates()
    wide = wide.reindex(order).dropna(subset=[d for d in (1, 2) if d in wide.columns])
    if not {1, 2} <= set(wide.columns):
        raise DataError(tr("day_pairs needs a summary with days 1 and 2."))
    groups = summary.drop_duplicates("subject_id").set_index("subject_id")["group"]
    return pd.DataFrame({"group": groups.reindex(wide.index), "day1": wide[1], "day2": wide[2]})


def verdict_flip_pct(day1, day2, cutoff: float) -> float:
    """Percentage of people whose one-day verdict "below the cut-off" differs between two days.

    Each day gives every person a verdict: "low" when the value is strictly
    below ``cutoff``, otherwise "not low". A person *flips* when the two
    days' verdicts differ. The result is how often a verdict from a single
    day would have come out the other way on another day.

    Parameters
    ----------
    day1, day2 : array_like
        The same measure for the same people, in the same order, on two days
        (e.g. the CAR rise in %).
    cutoff : float
        The cut-off, in the unit of the values; a value equal to it is "not low".

    Returns
    -------
    float
        ``100 * mean((day1 < cutoff) != (day2 < cutoff))``, in percent (0-100).

    Raises
    ------
    course.errors.DataError
        If the two days have different lengths, no values, or a missing value.

    References
    ----------
    .. [1] Wüst S et al. (2000). *Noise Health* 2(7):79-88 (day-to-day
       stability of the CAR up to r = 0.63).
    """
    a = np.asarray(day1, dtype=float).ravel()
    b = np.asarray(day2, dtype=float).ravel()
    if a.size != b.size:
        raise DataError(tr("verdict_flip_pct needs the same people on both days (got {first} and {second} values).",
                           first=a.size, second=b.size))
    if a.size == 0:
        raise DataError(tr("verdict_flip_pct needs at least one person."))
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b)) and np.isfinite(cutoff)):
        raise DataError(tr("verdict_flip_pct got a missing or infinite value."),
                        hint=tr("Leave out people without a value on both days."))
    return float(100.0 * np.mean((a < cutoff) != (b < cutoff)))


def day_to_day_r(day1, day2) -> float:
    """Pearson correlation between two days' values of the same people (test-retest agreement).

    Parameters
    ----------
    day1, day2 : array_like
        The same measure for the same people on two days, at least three people.

    Returns
    -------
    float
        Pearson's r from :func:`scipy.stats.pearsonr` (dimensionless, -1 to 1).

    References
    ----------
    .. [1] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    """
    a = np.asarray(day1, dtype=float).ravel()
    b = np.asarray(day2, dtype=float).ravel()
    if a.size != b.size or a.size < 3:
        raise DataError(tr("day_to_day_r needs the same people on both days, at least three of them."))
    return float(stats.pearsonr(a, b)[0])


def group_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Mean and SD of the person-day metrics per group, rounded for printing.

    Parameters
    ----------
    summary : pandas.DataFrame
        As returned by :func:`person_day_summary`.

    Returns
    -------
    pandas.DataFrame
        One row per group (in :data:`GROUPS` order): ``person_days``, mean and
        SD of ``car_increase_pct`` (%), ``auci`` and ``slope_pct_h`` (% per hour).

    References
    ----------
    .. [1] Adam EK et al. (2017). *Psychoneuroendocrinology* 83:25-41.
    """
    grouped = summary.groupby("group")
    table = pd.DataFrame({
        "person_days": grouped.size(),
        "CAR_mean_%": grouped["car_increase_pct"].mean(),
        "CAR_sd_%": grouped["car_increase_pct"].std(),
        "AUCi_mean": grouped["auci"].mean(),
        "slope_mean_%/h": grouped["slope_pct_h"].mean(),
        "slope_sd_%/h": grouped["slope_pct_h"].std(),
    }).reindex(list(GROUPS))
    return table.round(1)


def plot_group_car(summary: pd.DataFrame, ax=None):
    """Dot plot of every person-day's CAR increase by group, with group means; returns the axes.

    Parameters
    ----------
    summary : pandas.DataFrame
        As returned by :func:`person_day_summary`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    .. [1] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    """
    import matplotlib.pyplot as plt

    from .plotting import PALETTE

    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.2))
    rng = np.random.default_rng(0)  # horizontal jitter only, so points do not hide each other
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"]]
    for i, (group, colour) in enumerate(zip(GROUPS, colours)):
        values = summary.loc[summary["group"] == group, "car_increase_pct"].to_numpy()
        ax.plot(i + rng.uniform(-0.18, 0.18, values.size), values, "o", color=colour, alpha=0.6, markersize=4)
        ax.plot([i - 0.3, i + 0.3], [values.mean()] * 2, color=PALETTE["black"], linewidth=2.5)
    ax.axhline(0, color=PALETTE["black"], linewidth=0.8, linestyle=":")
    ax.set_xticks(range(len(GROUPS)), [tr(GROUP_NAMES[g]) for g in GROUPS])
    ax.set_ylabel(tr("Measured CAR rise (%)"))
    ax.set_title(tr("SIMULATED data: CAR rise per person-day (bar = group mean)"), fontsize=10)
    return ax


def describe_group_car(summary: pd.DataFrame) -> str:
    """Alt text for :func:`plot_group_car`, written from the data.

    Parameters
    ----------
    summary : pandas.DataFrame
        As returned by :func:`person_day_summary`.

    Returns
    -------
    str

    References
    ----------
    .. [1] Wüst S et al. (2000). *Noise Health* 2(7):79-88.
    """
    parts = []
    for group in GROUPS:
        v = summary.loc[summary["group"] == group, "car_increase_pct"]
        parts.append(tr("{group}: mean {mean:.0f} %, range {low:.0f} to {high:.0f} %",
                        group=tr(GROUP_NAMES[group]), mean=v.mean(), low=v.min(), high=v.max()))
    return (tr("Dot plot of SIMULATED data: the measured cortisol awakening rise for every person-day in three "
               "groups, which overlap widely. ") + "; ".join(parts) + ".")
