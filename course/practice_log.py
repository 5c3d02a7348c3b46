"""A SIMULATED eight-week home-practice log: daily practice minutes, craving ratings and group sessions.

Used in module 03, lesson 03 ("Measuring change"), with the demo in
:mod:`course.widgets.practice_log`. No openly licensed real dataset of
meditation-practice logs was found (the course's evidence file, part 2,
section 5), so the course simulates one from a fixed seed:

* ``datasets/practice_log_sim.csv`` holds 12 made-up people x 56 days, and
  says SIMULATED in its ``simulated`` column and in its datasheet
  ``datasets/practice_log_sim.md``;
* the design follows the MBRP format of 8 weekly group sessions
  (Bowen et al. 2014; trial registry NCT01159535);
* the link between practice and craving is a **weak, noisy, invented
  dose-response** (:data:`CRAVING_PER_MINUTE`). It is NOT an effect size
  from any study: it is there so the lesson can show what such a link looks
  like in one person's noisy data.

References
----------
.. [1] Bowen S, Witkiewitz K, Clifasefi SL, et al. (2014). Relative efficacy of
   mindfulness-based relapse prevention, standard relapse prevention, and
   treatment as usual for substance use disorders: a randomized clinical
   trial. *JAMA Psychiatry* 71(5):547-556. doi:10.1001/jamapsychiatry.2013.4546
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import simulated
from .errors import DataError
from .i18n import N_, tr

#: The simulated dataset's file in ``datasets/`` (declared as :data:`DATASET`).
DATASET_FILE = "practice_log_sim.csv"
#: Seed of the committed file.
DATASET_SEED = 20240613
#: Made-up people in the committed file.
N_PEOPLE = 12
#: Length of the programme, weeks (MBRP: 8 weekly group sessions; Bowen et al. 2014).
WEEKS = 8
#: Length of the programme, days.
DAYS = 7 * WEEKS
#: Group sessions fall on days 1, 8, 15, ... (one a week for 8 weeks, as in the MBRP protocol).
SESSION_DAYS = tuple(1 + 7 * k for k in range(WEEKS))
#: Labels of the ``group_session`` column: a session attended or missed, or no session that day.
SESSION_LABELS = ("attended", "missed", "none")
#: Columns of the file in order, with the kind of value each holds (see :mod:`course.simulated`).
DATASET_COLUMNS = {"person_id": "text", "day": "integer", "week": "integer", "practice_min": "integer",
                   "craving_0_10": "integer", "group_session": "text", "simulated": "flag"}

# Invented, illustrative parameters below: none is a study result (see the datasheet).

#: Chance of practising on a day in week 1, per person (drawn uniformly from this range).
PRACTICE_PROB_RANGE = (0.35, 0.90)
#: Fall in that chance per week, per person (drawn uniformly from this range).
PRACTICE_PROB_FALL_PER_WEEK = (0.0, 0.05)
#: Usual length of a practice, minutes, per person (drawn uniformly from this range).
TYPICAL_MINUTES_RANGE = (8.0, 25.0)
#: Day-to-day SD of a practice's length around the person's usual length, minutes.
MINUTES_SD = 5.0
#: Chance of attending a group session, per person (drawn uniformly from this range).
ATTEND_PROB_RANGE = (0.60, 0.95)
#: Craving (0-10 rating) in week 1 without practice, per person (drawn uniformly from this range).
BASELINE_CRAVING_RANGE = (3.5, 7.0)
#: Fall in craving per week, rating points.
CRAVING_FALL_PER_WEEK = 0.12
#: Invented weak dose-response: craving points per minute of practice that day (NOT from a study).
CRAVING_PER_MINUTE = -0.04
#: SD of the day-to-day noise in craving, rating points.
CRAVING_NOISE_SD = 1.5


def simulate_practice_log(seed: int = DATASET_SEED, n_people: int = N_PEOPLE) -> pd.DataFrame:
    """Generate the SIMULATED practice log of ``datasets/practice_log_sim.csv``.

    Parameters
    ----------
    seed : int
        Seed of the random generator; :data:`DATASET_SEED` gives the
        committed file.
    n_people : int
        Number of made-up people (``P01``, ``P02``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per person and day, columns :data:`DATASET_COLUMNS`:
        ``practice_min`` (whole minutes of home practice that day, 0 if none),
        ``craving_0_10`` (a single 0-10 craving rating for the day, an
        illustrative item, not a validated scale), ``group_session``
        (``"attended"``, ``"missed"`` or ``"none"`` on days without a
        session) and ``simulated`` (always True).

    Notes
    -----
    Per person: a chance of practising that falls a little each week, a
    usual practice length, a chance of attending each weekly session, and a
    starting craving level. Each day's craving is the starting level, minus
    a slow fall over the weeks, plus :data:`CRAVING_PER_MINUTE` times that
    day's minutes of practice, plus noise (SD :data:`CRAVING_NOISE_SD`),
    rounded and kept within 0-10. All of these numbers are invented for
    teaching.

    Raises
    ------
    course.errors.DataError
        If ``n_people`` is not a whole number from 1 to 99.

    References
    ----------
    .. [1] Bowen S et al. (2014). *JAMA Psychiatry* 71(5):547-556.
       doi:10.1001/jamapsychiatry.2013.4546 (the 8-week, weekly-session design).
    """
    if not (isinstance(n_people, int) and 1 <= n_people <= 99):
        raise DataError(tr("n_people must be a whole number from 1 to 99, not {n_people!r}.", n_people=n_people))
    rng = np.random.default_rng(seed)
    days = np.arange(1, DAYS + 1)
    weeks = (days - 1) // 7 + 1
    frames = []
    for i in range(n_people):
        p_start = rng.uniform(*PRACTICE_PROB_RANGE)
        p_fall = rng.uniform(*PRACTICE_PROB_FALL_PER_WEEK)
        typical = rng.uniform(*TYPICAL_MINUTES_RANGE)
        p_attend = rng.uniform(*ATTEND_PROB_RANGE)
        baseline = rng.uniform(*BASELINE_CRAVING_RANGE)
        p_day = np.clip(p_start - p_fall * (weeks - 1), 0.05, 1.0)
        practised = rng.random(DAYS) < p_day
        minutes = np.where(practised, np.maximum(3, np.rint(rng.normal(typical, MINUTES_SD, DAYS))), 0).astype(int)
        craving = (baseline - CRAVING_FALL_PER_WEEK * (weeks - 1) + CRAVING_PER_MINUTE * minutes
                   + rng.normal(0.0, CRAVING_NOISE_SD, DAYS))
        frames.append(_person_frame(i, days, weeks, minutes, craving, rng.random(WEEKS) < p_attend))
    return pd.concat(frames, ignore_index=True)[list(DATASET_COLUMNS)]


# --- A second, CONFOUNDED scenario (generated in memory; no file) -----------------------------------------
# Invented, illustrative parameters: none is a study result. Practice has NO effect on craving here.

#: Seed of the confounded scenario shown in the lesson.
CONFOUNDED_SEED = 20261205
#: Practice's effect on craving in the confounded scenario: none at all.
CONFOUNDED_CRAVING_PER_MINUTE = 0.0
#: SD of how well a person is doing overall (between people) and from day to day (within a person), in SD units.
WELLBEING_PERSON_SD = 1.0
WELLBEING_DAY_SD = 1.0
#: Day-to-day carry-over of feeling well (a good day tends to follow a good day).
WELLBEING_DAY_CARRYOVER = 0.6
#: Feeling better raises the chance of practising (log-odds per SD) and its length (minutes per SD).
PRACTICE_LOGODDS_PER_WELLBEING = 1.0
MINUTES_PER_WELLBEING = 4.0
#: Feeling better lowers craving (rating points per SD), with no help from practice.
CRAVING_PER_WELLBEING = -1.2


def simulate_confounded_log(seed: int = CONFOUNDED_SEED, n_people: int = N_PEOPLE) -> pd.DataFrame:
    """A SIMULATED, CONFOUNDED practice log: people who feel better practise more, and practice does nothing.

    Same columns and design as :func:`simulate_practice_log`, but each
    person has an overall level of feeling well and a day-to-day one (an
    unmeasured common cause). Feeling better makes practice more likely and
    longer, **and** lowers craving. Practice itself has no effect on craving
    (:data:`CONFOUNDED_CRAVING_PER_MINUTE` is 0). A line fitted through the
    log still slopes down, so practice *looks* as if it lowers craving: the
    confounding (and reverse causation) the lesson warns about.

    Parameters
    ----------
    seed : int
        Seed of the random generator; :data:`CONFOUNDED_SEED` gives the
        scenario shown in the lesson.
    n_people : int
        Number of made-up people (``P01``, ``P02``, ...), 1 to 99.

    Returns
    -------
    pandas.DataFrame
        As :func:`simulate_practice_log` (columns :data:`DATASET_COLUMNS`,
        ``simulated`` always True); not written to a file.

    Raises
    ------
    course.errors.DataError
        If ``n_people`` is not a whole number from 1 to 99.

    Notes
    -----
    Every number here is invented for teaching (see the constants above);
    the 8 weekly sessions follow the MBRP format (Bowen et al. 2014).
    """
    if not (isinstance(n_people, int) and not isinstance(n_people, bool) and 1 <= n_people <= 99):
        raise DataError(tr("n_people must be a whole number from 1 to 99, not {n_people!r}.", n_people=n_people))
    rng = np.random.default_rng(seed)
    days = np.arange(1, DAYS + 1)
    weeks = (days - 1) // 7 + 1
    frames = []
    innovation_sd = WELLBEING_DAY_SD * np.sqrt(1 - WELLBEING_DAY_CARRYOVER ** 2)
    for i in range(n_people):
        person_level = rng.normal(0.0, WELLBEING_PERSON_SD)
        typical = rng.uniform(*TYPICAL_MINUTES_RANGE)
        p_attend = rng.uniform(*ATTEND_PROB_RANGE)
        baseline = rng.uniform(*BASELINE_CRAVING_RANGE)
        daily = np.empty(DAYS)
        daily[0] = rng.normal(0.0, WELLBEING_DAY_SD)
        for d in range(1, DAYS):
            daily[d] = WELLBEING_DAY_CARRYOVER * daily[d - 1] + rng.normal(0.0, innovation_sd)
        wellbeing = person_level + daily
        p_day = 1.0 / (1.0 + np.exp(-(0.3 + PRACTICE_LOGODDS_PER_WELLBEING * wellbeing)))
        practised = rng.random(DAYS) < p_day
        length = rng.normal(typical + MINUTES_PER_WELLBEING * wellbeing, MINUTES_SD)
        minutes = np.where(practised, np.maximum(3, np.rint(length)), 0).astype(int)
        craving = (baseline - CRAVING_FALL_PER_WEEK * (weeks - 1) + CRAVING_PER_WELLBEING * wellbeing
                   + CONFOUNDED_CRAVING_PER_MINUTE * minutes + rng.normal(0.0, CRAVING_NOISE_SD, DAYS))
        frames.append(_person_frame(i, days, weeks, minutes, craving, rng.random(WEEKS) < p_attend))
    return pd.concat(frames, ignore_index=True)[list(DATASET_COLUMNS)]


#: The two SIMULATED scenarios of the demo: key -> (label, built-in craving points per minute of practice).
SCENARIOS = {
    "weak link": (N_("SIMULATED: a weak built-in link"), CRAVING_PER_MINUTE),
    "confounded": (N_("SIMULATED and CONFOUNDED: practice has no effect"), CONFOUNDED_CRAVING_PER_MINUTE),
}


def scenario_log(scenario: str = "weak link") -> pd.DataFrame:
    """The practice log of one SIMULATED scenario: ``"weak link"`` (the committed file) or ``"confounded"``.

    Raises
    ------
    course.errors.DataError
        If the scenario is not one of :data:`SCENARIOS`.
    """
    if scenario == "weak link":
        return load_practice_log()
    if scenario == "confounded":
        return simulate_confounded_log()
    raise DataError(tr("There is no scenario {scenario!r}; choose one of {options}.",
                       scenario=scenario, options=(', '.join(map(repr, SCENARIOS)))))


def pooled_dose_response(table: pd.DataFrame) -> dict:
    """The least-squares line of craving on practice minutes over every person-day of a log.

    Returns :func:`dose_response` for all rows pooled: ``slope_per_10_min``
    (craving points per 10 extra minutes; negative looks like a benefit),
    ``intercept``, ``r`` and ``n`` (person-days).
    """
    return dose_response(table["practice_min"], table["craving_0_10"])


#: The SIMULATED dataset ``datasets/practice_log_sim.csv``, declared once; written and loaded by
#: :mod:`course.simulated`.
DATASET = simulated.SimulatedDataset(
    file_name=DATASET_FILE,
    seed=DATASET_SEED,
    columns=DATASET_COLUMNS,
    simulate=simulate_practice_log,
    checks=(simulated.within("day", 1, DAYS),
            simulated.within("week", 1, WEEKS),
            simulated.within("practice_min", 0, 24 * 60, unit="min"),
            simulated.within("craving_0_10", 0, 10),
            simulated.one_of("group_session", SESSION_LABELS, what=N_("group_session label"))),
)


def load_practice_log(path=None) -> pd.DataFrame:
    """Load the SIMULATED practice log and check its columns, ranges and labels.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        Defaults to ``datasets/practice_log_sim.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per person-day (columns :data:`DATASET_COLUMNS`; see
        ``datasets/practice_log_sim.md``): ``day`` and ``week`` of the
        programme, ``practice_min`` in minutes, ``craving_0_10`` as a 0-10
        rating, ``simulated`` always True.

    Raises
    ------
    course.errors.DataError
        If the file is missing, lacks a column, holds a non-number where a
        whole number belongs, has values out of range, an unknown session
        label, or rows not marked simulated. The message names the file and
        the line.

    References
    ----------
    .. [1] Bowen S et al. (2014). *JAMA Psychiatry* 71(5):547-556.
       doi:10.1001/jamapsychiatry.2013.4546
    """
    return DATASET.load(path)


def rolling_mean(values, window: int) -> np.ndarray:
    """Trailing rolling mean: each day's value is the mean of that day and the ``window - 1`` before it.

    The first ``window - 1`` days average over the days available so far,
    so the series starts on day 1. ``window=1`` returns the values unchanged.

    Parameters
    ----------
    values : array_like
        One value per day, in day order (e.g. craving ratings, 0-10).
    window : int
        Number of days averaged, at least 1 (e.g. 7 for a weekly mean).

    Returns
    -------
    numpy.ndarray
        One mean per day, in the unit of ``values``.

    Raises
    ------
    course.errors.DataError
        If ``window`` is not a whole number of at least 1.

    References
    ----------
    .. [1] Same as ``pandas.Series(values).rolling(window, min_periods=1).mean()``
       (McKinney W, 2010, *Proc 9th Python in Science Conf* 56-61,
       doi:10.25080/Majora-92bf1922-00a); the tests compare the two.
    """
    if not (isinstance(window, (int, np.integer)) and not isinstance(window, bool) and window >= 1):
        raise DataError(tr("The smoothing window must be a whole number of days, at least 1 (got {window!r}).",
                           window=window))
    x = np.asarray(values, dtype=float)
    sums = np.cumsum(np.insert(x, 0, 0.0))
    idx = np.arange(1, x.size + 1)
    start = np.maximum(idx - window, 0)
    return (sums[idx] - sums[start]) / (idx - start)


def person_log(table: pd.DataFrame, person_id: str) -> pd.DataFrame:
    """One person's rows of the practice log, in day order.

    Parameters
    ----------
    table : pandas.DataFrame
        The practice log, as returned by :func:`load_practice_log`.
    person_id : str
        A made-up person, e.g. ``"P01"``.

    Returns
    -------
    pandas.DataFrame
        That person's rows (one per day, ``day`` 1-56), with a fresh index.

    Raises
    ------
    course.errors.DataError
        If the person is not in the table; the message lists who is.

    References
    ----------
    .. [1] See ``datasets/practice_log_sim.md`` (SIMULATED; design after
       Bowen S et al. 2014, *JAMA Psychiatry* 71(5):547-556).
    """
    rows = table[table["person_id"] == person_id].sort_values("day")
    if rows.empty:
        people = ", ".join(sorted(table["person_id"].unique()))
        raise DataError(tr("There is no person '{person_id}' in the practice log; choose one of {people}.",
                           person_id=person_id, people=people))
    return rows.reset_index(drop=True)


def dose_response(practice_min, craving) -> dict:
    """Least-squares line of craving on practice minutes, and Pearson's r.

    Parameters
    ----------
    practice_min : array_like
        Minutes of practice on each day.
    craving : array_like
        Craving rating (0-10) on the same days.

    Returns
    -------
    dict
        ``slope_per_10_min`` (craving points per 10 extra minutes of
        practice), ``intercept`` (craving points on a day without practice),
        ``r`` (Pearson's correlation, no unit) and ``n`` (days).

    Raises
    ------
    course.errors.DataError
        If there are fewer than 3 pairs, or either series does not vary.

    References
    ----------
    .. [1] Computed with :func:`numpy.polyfit` and :func:`numpy.corrcoef`;
       the tests compare it with :func:`scipy.stats.linregress` (Virtanen P
       et al., 2020, *Nat Methods* 17:261-272, doi:10.1038/s41592-019-0686-2).
    """
    x = np.asarray(practice_min, dtype=float)
    y = np.asarray(craving, dtype=float)
    if x.size != y.size or x.size < 3:
        raise DataError(tr("A dose-response line needs at least 3 paired days of practice and craving."))
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        raise DataError(tr("Practice or craving is the same on every day, so no line can be fitted."))
    slope, intercept = np.polyfit(x, y, 1)
    r = float(np.corrcoef(x, y)[0, 1])
    return {"slope_per_10_min": float(10 * slope), "intercept": float(intercept), "r": r, "n": int(x.size)}


def person_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per person: practice, attendance, craving in week 1 and week 8, and the same-day dose-response.

    Parameters
    ----------
    table : pandas.DataFrame
        The practice log, as returned by :func:`load_practice_log`.

    Returns
    -------
    pandas.DataFrame
        Columns ``person_id``, ``days_practised`` (days with any practice),
        ``mean_min_per_day`` (minutes, over all 56 days),
        ``sessions_attended`` (of 8), ``craving_week1`` and
        ``craving_week8`` (weekly means of the 0-10 rating), and ``r`` and
        ``slope_per_10_min`` from :func:`dose_response`.

    References
    ----------
    .. [1] See ``datasets/practice_log_sim.md`` (SIMULATED; design after
       Bowen S et al. 2014, *JAMA Psychiatry* 71(5):547-556).
    """
    rows = []
    for person, log in table.groupby("person_id", sort=True):
        fit = dose_response(log["practice_min"], log["craving_0_10"])
        weekly = log.groupby("week")["craving_0_10"].mean()
        rows.append({
            "person_id": person,
            "days_practised": int((log["practice_min"] > 0).sum()),
            "mean_min_per_day": float(log["practice_min"].mean()),
            "sessions_attended": int((log["group_session"] == "attended").sum()),
            "craving_week1": float(weekly.loc[1]),
            "craving_week8": float(weekly.loc[WEEKS]),
            "r": fit["r"],
            "slope_per_10_min": fit["slope_per_10_min"],
        })
    return pd.DataFrame(rows)


def describe_person(table: pd.DataFrame, person_id: str, window: int = 7) -> str:
    """One plain sentence about a SIMULATED person's log, with the numbers the demo shows.

    Parameters
    ----------
    table : pandas.DataFrame
        The practice log, as returned by :func:`load_practice_log`.
    person_id : str
        A made-up person, e.g. ``"P01"``.
    window : int, default 7
        Days in the rolling mean of craving (see :func:`rolling_mean`).

    Returns
    -------
    str
        Days practised, mean minutes a day, sessions attended, the rolling
        craving (0-10) on day 7 and day 56, and the same-day r and slope
        (points per 10 minutes), saying that the link is invented.

    Raises
    ------
    course.errors.DataError
        If the person is not in the table.

    References
    ----------
    .. [1] See ``datasets/practice_log_sim.md`` (SIMULATED; design after
       Bowen S et al. 2014, *JAMA Psychiatry* 71(5):547-556).
    """
    log = person_log(table, person_id)
    fit = dose_response(log["practice_min"], log["craving_0_10"])
    smooth = rolling_mean(log["craving_0_10"], window)
    attended = int((log["group_session"] == "attended").sum())
    return (tr("SIMULATED person {person_id}: practised on {practised} of {DAYS} days (mean {mean:.1f} min a day) and "
               "attended {attended} of {WEEKS} group sessions. Craving ({window}-day rolling mean) went from "
               "{start:.1f} on day 7 to {end:.1f} on day {DAYS}. Same-day practice and craving: r = {r:.2f}, "
               "{slope_per_10_min:+.2f} points per 10 minutes (an invented link, not a study result).",
               person_id=person_id, practised=(int((log['practice_min'] > 0).sum())), DAYS=DAYS,
               mean=(log['practice_min'].mean()), attended=attended, WEEKS=WEEKS, window=window, start=smooth[6],
               end=smooth[-1], r=(fit['r']), slope_per_10_min=(fit['slope_per_10_min'])))


def _person_frame(i: int, days, weeks, minutes, craving, attended) -> pd.DataFrame:
    """One simulated person's rows: craving rounded and kept within 0-10, sessions marked attended or missed."""
    session = np.full(DAYS, "none", dtype=object)
    for k, day in enumerate(SESSION_DAYS):
        session[day - 1] = "attended" if attended[k] else "missed"
    return pd.DataFrame({
        "person_id": f"P{i + 1:02d}", "day": days, "week": weeks, "practice_min": minutes,
        "craving_0_10": np.clip(np.rint(craving), 0, 10).astype(int), "group_session": session, "simulated": True,
    })
