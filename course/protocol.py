"""Designing an MBRP programme: the session plan, a protocol checker and printable handouts (module 03).

A *plan* is a plain dictionary that a trainee can write by hand (see
:data:`EXAMPLE_PLAN` and :func:`validate_plan` for the schema).
:func:`check_protocol` compares it with the published Mindfulness-Based
Relapse Prevention (MBRP) protocol and with the course's clinical-safety
guidance, and returns one :class:`ProtocolWarning` per rule that is not met:
a plain sentence, a severity (``"problem"``, ``"caution"`` or ``"note"``)
and the citation key it rests on. Where a rule is the course's own
clinical-safety guidance rather than a research finding, the warning says
so and its citation is ``"course guidance"``.

:func:`plan_to_markdown`, :func:`plan_to_html` and :func:`plan_to_csv`
turn a plan into a handout; :func:`export_handout` writes them to a folder
under new, time-stamped names and never overwrites a file.

References
----------
.. [1] Bowen S, Witkiewitz K, Clifasefi SL, et al. (2014). Relative efficacy of
   mindfulness-based relapse prevention, standard relapse prevention, and
   treatment as usual for substance use disorders. *JAMA Psychiatry*
   71(5):547-556. doi:10.1001/jamapsychiatry.2013.4546 [@bowen2014]
.. [2] ClinicalTrials.gov NCT01159535 (registered protocol of [1]: 8 weekly
   2-hour sessions, groups of 10-14, two therapists) [@nct01159535]
.. [3] Zgierska AE et al. (2017), Table 1; Hemenway M et al. (2021),
   Table 1: MBRP session content [@zgierska2017; @hemenway2021]
.. [4] Grant S et al. (2017). Mindfulness-based relapse prevention for
   substance use disorders: a systematic review and meta-analysis.
   *J Addict Med* 11(5):386-396 [@grant2017]
.. [5] Britton WB et al. (2021). Defining and measuring meditation-related
   adverse effects in mindfulness-based programs. *Clin Psychol Sci*
   9(6):1185-1204. doi:10.1177/2167702621996340 [@britton2021]
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .data import read_table
from .errors import CourseError
from .i18n import N_, language, ntr, tr
from .paths import datasets_dir

# --- the published session plan ------------------------------------------------------

SESSION_PLAN_FILE = "mbrp_session_plan.csv"
SESSION_PLAN_COLUMNS = {
    "session": "integer", "theme": "text", "core_practices": "text", "topics": "text",
    "home_practice": "text", "duration_min": "integer", "source_keys": "text",
}
#: The eight session themes in order (EVIDENCE.md D3; two published tables).
THEMES = (
    N_("Automatic pilot and relapse"),
    N_("Awareness of triggers and craving"),
    N_("Mindfulness in daily life"),
    N_("Mindfulness in high-risk situations"),
    N_("Acceptance and skilful action"),
    N_("Seeing thoughts as thoughts"),
    N_("Self-care and lifestyle balance"),
    N_("Social support and continuing practice"),
)


def load_session_plan() -> pd.DataFrame:
    """The eight MBRP sessions: theme, core practices, topics, home practice, length.

    Returns
    -------
    pandas.DataFrame
        One row per session (``session`` 1-8) with the columns of
        ``datasets/mbrp_session_plan.md``; ``duration_min`` is in minutes
        and ``session`` and ``duration_min`` are integers.

    Raises
    ------
    course.errors.DataError
        If the file is missing or a column is missing or of the wrong kind.

    References
    ----------
    .. [1] Zgierska AE et al. (2017). *Evid Based Complement Alternat Med*
       2017:9716586, Table 1 [@zgierska2017]
    .. [2] Hemenway M et al. (2021). *Contemp Clin Trials* 106218, Table 1
       [@hemenway2021]
    .. [3] ClinicalTrials.gov NCT01159535 [@nct01159535]
    """
    table = read_table(datasets_dir() / SESSION_PLAN_FILE, SESSION_PLAN_COLUMNS)
    for column in ("session", "duration_min"):
        table[column] = table[column].astype(int)
    return table


#: The core practices named in the session plan, marked so that :func:`practices_in_words` can show
#: them in the reader's language (the data file keeps the published English names).
PRACTICE_NAMES = (
    N_("SOBER breathing space"), N_("SOBER breathing space in a high-risk situation"),
    N_("SOBER breathing space in pairs"), N_("body scan"), N_("breath meditation"),
    N_("daily-activities exercise"), N_("loving-kindness meditation"), N_("mindful hearing or seeing"),
    N_("mindful movement"), N_("mindful stretching"), N_("mindful walking"), N_("mindful walking or movement"),
    N_("mountain meditation"), N_("raisin exercise"), N_("sitting meditation (adding emotions)"),
    N_("sitting meditation (breath and body)"), N_("sitting meditation (sounds, breath, body sensations, thoughts)"),
    N_("sitting meditation (thoughts)"), N_("urge surfing"), N_("walking down the street exercise"),
)


def practices_in_words(cell: str) -> str:
    """A session plan cell of practices as the reader's language names them.

    Parameters
    ----------
    cell : str
        A ``"; "``-separated cell of :func:`load_session_plan`, e.g. ``core_practices``.

    Returns
    -------
    str
        The practices joined by ``"; "``, each in the current language (English names are the
        published ones; :data:`PRACTICE_NAMES` lists them for translation).

    References
    ----------
    .. [1] Zgierska AE et al. (2017), Table 1 [@zgierska2017]; Bowen S et al. (2011) [@bowen2011manual]
    """
    return "; ".join(tr(name) for name in practices(cell))


def practices(cell: str) -> list[str]:
    """Split a ``"; "``-separated cell of the session plan into a list.

    Parameters
    ----------
    cell : str
        A cell of :func:`load_session_plan` such as ``core_practices``.

    Returns
    -------
    list of str
        The parts, stripped, without empty ones.

    References
    ----------
    .. [1] Zgierska AE et al. (2017); Hemenway M et al. (2021), Table 1 in
       each (the session plan's content) [@zgierska2017; @hemenway2021]
    """
    return [part.strip() for part in str(cell).split(";") if part.strip()]


# --- the plan schema ---------------------------------------------------------------------

#: The trial protocol's values (NCT01159535; Bowen et al. 2014).
TRIAL_SESSIONS = 8
TRIAL_SESSION_MIN = 120
TRIAL_GROUP_SIZE = (10, 14)
TRIAL_FACILITATORS = 2
#: Most formal practices listed for any one session in the published tables (datasets/mbrp_session_plan.csv).
MAX_PUBLISHED_PRACTICES = 4

#: Screening rules a plan can switch on: key -> label. The first three follow the main trial's exclusions
#: (NCT01159535): people in those groups are outside the evidence base. The last two are course guidance.
SCREENING = {
    "acute_psychosis": N_("Assess and refer people with psychosis (or dementia): outside the evidence base"),
    "acute_withdrawal_or_crisis": N_("Wait for stabilisation after acute withdrawal risk or acute suicidal crisis: "
                                     "outside the evidence base"),
    "cognitive_impairment": N_("Assess severe cognitive impairment and offer an adapted route: outside the evidence "
                               "base"),
    "trauma_screening_and_referral": N_("Screen for trauma and dissociation, with a referral pathway"),
    "intoxication_plan": N_("A plan for members who arrive intoxicated or sedated"),
}
#: Assessment time points: key -> label. "post" is the end of the 8 weeks.
TIME_POINTS = {
    "baseline": N_("Baseline (before session 1)"),
    "post": N_("Post-treatment (week 8)"),
    "3m": N_("3-month follow-up"),
    "6m": N_("6-month follow-up"),
    "12m": N_("12-month follow-up"),
}
#: Months after baseline at which each time point falls (post = 8 weeks, about 1.8 months).
TIME_POINT_MONTHS = {"baseline": 0.0, "post": 8 * 7 / 30.4375, "3m": 3.0, "6m": 6.0, "12m": 12.0}
#: Measures: key -> label.
MEASURES = {
    "PACS": N_("Penn Alcohol Craving Scale (craving, 0-30)"),
    "FFMQ": N_("Five Facet Mindfulness Questionnaire (39-195)"),
    "time_to_first_use": N_("Time to first use (days)"),
    "days_of_use": N_("Days of use in the past 90 days"),
    "attendance": N_("Sessions attended (0-8)"),
    "practice_log": N_("Home-practice log (minutes per day)"),
}
NUMBER_FIELDS = {  # field -> (label, unit, lowest allowed, highest allowed); labels and units are shown with tr()
    "sessions": (N_("Weekly sessions"), N_("sessions"), 1, 52),
    "session_minutes": (N_("Session length"), N_("minutes"), 10, 480),
    "group_size": (N_("Group size"), N_("participants"), 1, 50),
    "facilitators": (N_("Facilitators per group"), N_("people"), 0, 10),
    "practices_per_session": (N_("Formal practices per session"), N_("practices"), 0, 20),
    "home_practice_min_per_day": (N_("Home practice"), N_("minutes per day"), 0, 240),
}
LIST_FIELDS = {"screening": SCREENING, "assessments": TIME_POINTS, "measures": MEASURES}
#: Headings of the list fields in a handout.
LIST_LABELS = {"screening": N_("Screening"), "assessments": N_("Assessments"), "measures": N_("Measures")}
TEXT_FIELDS = {"name": N_("Programme name"), "notes": N_("Notes")}
#: Optional: departures from the tested format, each with its reason (rule id -> reason), e.g.
#: ``{"session-length": "Rooms are booked for 90 minutes; we log attendance and ..."}``.
DEVIATIONS_FIELD = "deviations"
#: A recorded reason needs at least this many words to count as a justification (course guidance).
MIN_REASON_WORDS = 6
FIELDS = (*NUMBER_FIELDS, *LIST_FIELDS, *TEXT_FIELDS, DEVIATIONS_FIELD)

#: A plan that follows the trial protocol and the course's safety guidance.
EXAMPLE_PLAN = {
    "name": "MBRP aftercare group",
    "sessions": 8,
    "session_minutes": 120,
    "group_size": 12,
    "facilitators": 2,
    "practices_per_session": 3,
    "home_practice_min_per_day": 20,
    "screening": ["acute_psychosis", "acute_withdrawal_or_crisis", "cognitive_impairment",
                  "trauma_screening_and_referral", "intoxication_plan"],
    "assessments": ["baseline", "post", "3m", "6m", "12m"],
    "measures": ["PACS", "FFMQ", "time_to_first_use", "days_of_use", "attendance", "practice_log"],
    "notes": "",
}

SEVERITIES = ("problem", "caution", "note")
#: How each severity is written in messages and handouts (the keys above stay English: they are compared).
SEVERITY_LABELS = {"problem": N_("problem"), "caution": N_("caution"), "note": N_("note")}
COURSE_GUIDANCE = "course guidance"


class PlanError(CourseError, ValueError):
    """A plan that does not follow the schema (a missing field, a wrong type or an unknown option)."""

    heading = N_("Plan problem")


@dataclass(frozen=True)
class ProtocolWarning:
    """One rule a plan does not meet.

    Attributes
    ----------
    rule : str
        Short identifier of the rule, e.g. ``"session-length"``.
    severity : {"problem", "caution", "note"}
        ``problem``: departs from the tested protocol or leaves out safety
        or outcome measurement; ``caution``: worth a second look;
        ``note``: information, nothing to fix.
    message : str
        One plain sentence (or two) for a clinician.
    citation : str
        Key(s) in ``references.json``, or ``"course guidance"`` when the rule
        is the course's clinical-safety guidance rather than a finding.
    reason : str
        The plan's recorded reason for this departure (its ``deviations``
        entry for ``rule``), or ``""`` when none was recorded.
    """

    rule: str
    severity: str
    message: str
    citation: str
    reason: str = ""

    def __str__(self) -> str:
        label = tr(SEVERITY_LABELS.get(self.severity, self.severity))
        text = f"[{label}] {self.message} ({self.citation})"
        return text + " " + tr("Recorded reason: {reason}", reason=self.reason) if self.reason else text


def validate_plan(plan) -> dict:
    """Check a plan against the schema and return a clean copy.

    Parameters
    ----------
    plan : dict
        Required numeric fields (whole numbers): ``sessions``,
        ``session_minutes`` (minutes), ``group_size`` (participants per
        group), ``facilitators`` (per group), ``practices_per_session``,
        ``home_practice_min_per_day`` (minutes). Required list fields:
        ``screening`` (keys of :data:`SCREENING`), ``assessments`` (keys of
        :data:`TIME_POINTS`), ``measures`` (keys of :data:`MEASURES`); an
        empty list is allowed. Optional text fields: ``name`` and ``notes``.
        Optional ``deviations``: a dictionary from a rule id of
        :data:`RULES` (e.g. ``"session-length"``) to the reason, in words,
        for departing from the tested format there.

    Returns
    -------
    dict
        The plan with every field present, numbers as ``int``, lists in the
        schema's order without duplicates, text stripped.

    Raises
    ------
    PlanError
        With one sentence naming the first problem found.

    References
    ----------
    .. [1] ClinicalTrials.gov NCT01159535 (the fields follow the trial
       protocol's format: sessions, their length, group size, therapists)
       [@nct01159535]
    .. [2] Bowen S et al. (2014). *JAMA Psychiatry* 71(5):547-556
       (assessment time points) [@bowen2014]
    """
    if not isinstance(plan, dict):
        example = '{"sessions": 8, "session_minutes": 120, ...}'
        raise PlanError(tr("A plan should be a dictionary, not a {kind}.", kind=type(plan).__name__),
                        hint=tr("Write it as {example}.", example=example))
    unknown = [key for key in plan if key not in FIELDS]
    if unknown:
        unknown, fields = ", ".join(map(repr, unknown)), ", ".join(FIELDS)
        raise PlanError(tr("The plan has field(s) the course does not know: {unknown}.", unknown=unknown),
                        hint=tr("The fields are: {fields}.", fields=fields))
    missing = [key for key in (*NUMBER_FIELDS, *LIST_FIELDS) if key not in plan]
    if missing:
        missing = ", ".join(map(repr, missing))
        raise PlanError(tr("The plan lacks the field(s) {missing}.", missing=missing),
                        hint=tr("Start from protocol.EXAMPLE_PLAN and change the values."))
    clean = {}
    for key, (label, unit, low, high) in NUMBER_FIELDS.items():
        value = plan[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise PlanError(tr("'{key}' ({label}) should be a whole number, not {value}.", key=key,
                               label=tr(label).lower(), value=repr(value)))
        if not low <= value <= high:
            raise PlanError(tr("'{key}' is {value:g} {unit}; the designer accepts {low}-{high}.", key=key, value=value,
                               unit=tr(unit), low=low, high=high))
        clean[key] = int(value)
    for key, options in LIST_FIELDS.items():
        value = plan[key]
        if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
            raise PlanError(tr("'{key}' should be a list such as {example}, not {value}.", key=key,
                               example=repr(list(options)[:2]), value=repr(value)))
        wrong = [item for item in value if item not in options]
        if wrong:
            wrong, choices = ", ".join(map(repr, wrong)), ", ".join(options)
            raise PlanError(tr("'{key}' holds option(s) the course does not know: {wrong}.", key=key, wrong=wrong),
                            hint=tr("Choose from: {choices}.", choices=choices))
        clean[key] = [option for option in options if option in value]
    for key in TEXT_FIELDS:
        value = plan.get(key, "")
        if not isinstance(value, str):
            raise PlanError(tr("'{key}' should be text, not {value}.", key=key, value=repr(value)))
        clean[key] = value.strip()
    deviations = plan.get(DEVIATIONS_FIELD, {}) or {}
    if not isinstance(deviations, dict):
        raise PlanError(tr("'{field}' should be a dictionary such as {example}, not {value}.", field=DEVIATIONS_FIELD,
                           example=tr('{"session-length": "the reason, in words"}'), value=repr(deviations)))
    known = list(dict.fromkeys(rule.rule for rule in RULES))
    wrong = [key for key in deviations if key not in known]
    if wrong:
        wrong, examples = ", ".join(map(repr, wrong)), ", ".join(known[:3])
        raise PlanError(tr("'{field}' names rule(s) the checker does not have: {wrong}.", field=DEVIATIONS_FIELD,
                           wrong=wrong),
                        hint=tr("Use the rule names the checker's warnings give, such as {examples}.",
                                examples=examples))
    for key, reason in deviations.items():
        if not isinstance(reason, str):
            raise PlanError(tr("The reason for '{key}' in '{field}' should be text, not {value}.", key=key,
                               field=DEVIATIONS_FIELD, value=repr(reason)))
    clean[DEVIATIONS_FIELD] = {key: deviations[key].strip() for key in known
                               if key in deviations and deviations[key].strip()}
    return clean


# --- the rules ---------------------------------------------------------------------------

#: Groups smaller than this are "much smaller" than the trial's (course guidance).
SMALL_GROUP_SIZE = 6
#: More home practice than this many minutes a day is "a lot to ask" (course guidance).
MAX_HOME_PRACTICE_MIN = 45
#: Follow-up time points after the end of treatment.
FOLLOW_UPS = ("3m", "6m", "12m")
#: Numbers the rules' messages quote besides the plan's own fields, by the name the templates use.
MESSAGE_VALUES = {"trial_low": TRIAL_GROUP_SIZE[0], "trial_high": TRIAL_GROUP_SIZE[1],
                  "max_practices": MAX_PUBLISHED_PRACTICES}


@dataclass(frozen=True)
class Rule:
    """One row of the protocol checker's table (:data:`RULES`).

    Attributes
    ----------
    rule : str
        Identifier shared by the rows that grade the same setting (e.g.
        ``"sessions"`` for too few and too many); at most one of them fires.
    severity : {"problem", "caution", "note"}
        As in :class:`ProtocolWarning`.
    applies : callable
        ``applies(plan) -> bool`` on a validated plan; its ``__name__`` says
        the condition in words (``"sessions < 8"``).
    message : str
        A ``str.format`` template filled with the plan's fields and
        :data:`MESSAGE_VALUES`.
    citation : str
        Key(s) in ``references.json``, or ``"course guidance"``.
    """

    rule: str
    severity: str
    applies: Callable[[dict], bool]
    message: str
    citation: str

    def warning(self, plan: dict) -> ProtocolWarning:
        """The warning this row gives for ``plan`` (a validated plan that it applies to)."""
        return ProtocolWarning(self.rule, self.severity, tr(self.message, **plan, **MESSAGE_VALUES),
                               self.citation)


def _named(predicate, name: str):
    predicate.__name__ = predicate.__qualname__ = name
    return predicate


def _below(field: str, limit: int):
    return _named(lambda plan: plan[field] < limit, f"{field} < {limit}")


def _above(field: str, limit: int):
    return _named(lambda plan: plan[field] > limit, f"{field} > {limit}")


def _from_up_to(field: str, low: int, high: int):
    return _named(lambda plan: low <= plan[field] < high, f"{low} <= {field} < {high}")


def _zero(field: str):
    return _named(lambda plan: plan[field] == 0, f"{field} == 0")


def _lacks(field: str, option: str):
    return _named(lambda plan: option not in plan[field], f"{option!r} not in {field}")


def _lacks_all(field: str, options):
    return _named(lambda plan: not set(options) & set(plan[field]), f"none of {', '.join(options)} in {field}")


def _follow_up_stops_early(plan: dict) -> bool:
    """Some follow-up after the end of treatment, but none at 12 months."""
    return bool(set(FOLLOW_UPS) & set(plan["assessments"])) and "12m" not in plan["assessments"]


#: The protocol checker, one row per rule, in the order its warnings are listed within a severity.
#: Sources are given in :func:`check_protocol`'s Notes.
RULES = (
    # format
    Rule("sessions", "problem", _below("sessions", TRIAL_SESSIONS),
         N_("{sessions} sessions is fewer than the 8 weekly sessions of the tested protocol, "
            "so some of the eight themes would be dropped."), "bowen2014; nct01159535"),
    Rule("sessions", "caution", _above("sessions", TRIAL_SESSIONS),
         N_("{sessions} sessions is more than the 8 of the tested protocol; the extra sessions "
            "are untested additions."), "bowen2014; nct01159535"),
    Rule("session-length", "caution", _below("session_minutes", TRIAL_SESSION_MIN),
         N_("{session_minutes}-minute sessions are shorter than the trial protocol's 2 hours (120 minutes): untested "
            "rather than wrong (the course found no trial that compared session lengths), but the results may not "
            "carry over to less contact time; record why you chose it."), "nct01159535"),
    Rule("session-length-long", "caution", _above("session_minutes", TRIAL_SESSION_MIN),
         N_("{session_minutes}-minute sessions are longer than the trial protocol's 120 minutes."), "nct01159535"),
    Rule("group-size", "problem", _above("group_size", TRIAL_GROUP_SIZE[1]),
         N_("A group of {group_size} is larger than the trial's groups of {trial_low}-{trial_high}."), "nct01159535"),
    Rule("group-size", "caution", _below("group_size", SMALL_GROUP_SIZE),
         N_("A group of {group_size} is much smaller than the trial's groups of {trial_low}-{trial_high}; "
            "there is less peer support and sharing (course guidance)."), "nct01159535; course guidance"),
    Rule("group-size", "note", _from_up_to("group_size", SMALL_GROUP_SIZE, TRIAL_GROUP_SIZE[0]),
         N_("A group of {group_size} is smaller than the trial's groups of {trial_low}-{trial_high}."), "nct01159535"),
    Rule("facilitators", "problem", _below("facilitators", TRIAL_FACILITATORS),
         N_("{facilitators} facilitator(s) per group: the trial's groups were co-led by two therapists, "
            "so one can attend to a participant in distress while the other holds the group."), "nct01159535"),
    Rule("practices", "problem", _zero("practices_per_session"),
         N_("No formal practice in the sessions: every MBRP session in the published tables is built "
            "around practice."), "zgierska2017; hemenway2021"),
    Rule("practices", "caution", _above("practices_per_session", MAX_PUBLISHED_PRACTICES),
         N_("{practices_per_session} formal practices per session is more than any session in the "
            "published tables (at most {max_practices}); leave time for inquiry and discussion."),
         "zgierska2017; hemenway2021"),
    Rule("home-practice", "problem", _zero("home_practice_min_per_day"),
         N_("No home practice: in the published programme home practice is set and reviewed in every session."),
         "zgierska2017; hemenway2021"),
    Rule("home-practice", "caution", _above("home_practice_min_per_day", MAX_HOME_PRACTICE_MIN),
         N_("{home_practice_min_per_day} minutes a day is a lot to ask; long practice can be hard for people with "
            "trauma or high arousal, so offer shorter options (course guidance)."), COURSE_GUIDANCE),
    Rule("home-practice-dose", "note", _above("home_practice_min_per_day", 0),
         N_("{home_practice_min_per_day} minutes a day is your choice: practice matters, but the daily dose that "
            "changes outcomes is unknown (the seed article's 10-20 minutes a day has no traced source, and the course "
            "could not verify any other), so log what people actually do."),
         COURSE_GUIDANCE),
    # safety screening: the trial's own exclusions (outside the evidence base), then course guidance
    Rule("screen-psychosis", "problem", _lacks("screening", "acute_psychosis"),
         N_("No screening for psychosis or dementia: the main MBRP trial excluded both, so for these people group "
            "MBRP is outside the evidence base; assess and refer."), "nct01159535; bowen2014"),
    Rule("screen-withdrawal-crisis", "problem", _lacks("screening", "acute_withdrawal_or_crisis"),
         N_("No screening for acute suicidality or a high risk of withdrawal: the main MBRP trial excluded both "
            "and recruited people who had completed inpatient or intensive outpatient treatment, so these people "
            "are outside the evidence base; stabilise first."), "nct01159535; bowen2014"),
    Rule("screen-cognitive", "problem", _lacks("screening", "cognitive_impairment"),
         N_("No screening for severe cognitive impairment: the main MBRP trial excluded it, so the evidence does not "
            "cover these people; assess, and offer an adapted or individual route."), "nct01159535"),
    Rule("screen-trauma", "problem", _lacks("screening", "trauma_screening_and_referral"),
         N_("No trauma screening or referral pathway: lasting adverse effects of mindfulness programmes "
            "were linked with hyperarousal and dissociation."), "britton2021; course guidance"),
    Rule("intoxication-plan", "caution", _lacks("screening", "intoxication_plan"),
         N_("No plan for members who arrive intoxicated or sedated (relevant with opioid agonist treatment or "
            "benzodiazepines): agree in advance who speaks with them privately, who checks for medical danger "
            "and how they get home safely."), COURSE_GUIDANCE),
    # measurement schedule
    Rule("baseline", "problem", _lacks("assessments", "baseline"),
         N_("No baseline assessment: without it no change can be measured."), COURSE_GUIDANCE),
    Rule("follow-up", "problem", _lacks_all("assessments", FOLLOW_UPS),
         N_("No follow-up after the end of treatment: the Bowen 2014 trial reported its differences at the "
            "6- and 12-month follow-ups."), "bowen2014"),
    Rule("follow-up", "caution", _follow_up_stops_early,
         N_("Follow-up stops before 12 months: the Bowen 2014 trial's advantage of MBRP in days of use "
            "appeared at 12 months."), "bowen2014"),
    Rule("craving-measure", "problem", _lacks("measures", "PACS"),
         N_("No craving measure: craving is the outcome on which the MBRP meta-analysis found an effect "
            "(the PACS was used in the MBRP trials)."), "grant2017; witkiewitz2010"),
    Rule("use-measure", "problem", _lacks_all("measures", ("time_to_first_use", "days_of_use")),
         N_("No measure of substance use (time to first use or days of use), the trials' primary outcomes."),
         "bowen2014"),
    Rule("attendance", "caution", _lacks("measures", "attendance"),
         N_("Attendance is not recorded, so you cannot tell who received how much of the programme."),
         COURSE_GUIDANCE),
    Rule("practice-log", "caution", _lacks("measures", "practice_log"),
         N_("Home practice is not logged, so the amount people practise stays unknown."), COURSE_GUIDANCE),
    Rule("ffmq", "note", _lacks("measures", "FFMQ"),
         N_("No mindfulness questionnaire (FFMQ): optional, but it shows whether the skill taught changed."),
         "baer2006"),
)


def check_protocol(plan) -> list[ProtocolWarning]:
    """Compare a plan with the published MBRP protocol and the course's safety guidance.

    Every row of :data:`RULES` whose condition holds gives one warning.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan` (durations in minutes,
        group size in participants).

    Returns
    -------
    list of ProtocolWarning
        One per rule not met, problems first, then cautions, then notes
        (within a severity, in the order of :data:`RULES`). A plan with no
        ``"problem"`` keeps close to the trial protocol's format, screens for the
        trial's exclusions and for trauma, and measures craving, use and
        follow-up. Each warning carries the plan's recorded ``reason`` for
        that rule, if any (see :func:`require_justified`). The
        home-practice note is always present when home practice is planned,
        because no daily dose was verified.

    Raises
    ------
    PlanError
        If the plan does not follow the schema.

    Notes
    -----
    Rules and their sources:

    - sessions: fewer than 8 is a problem, more than 8 a caution (8 weekly
      sessions in [1] and [2]);
    - session length under 120 minutes is a caution, and so is over 120
      (2-hour sessions in [2]; the seed article's 60-90 minutes is shorter).
      Shorter sessions are *untested*, not shown to be worse: no trial has
      compared session lengths, so the rule asks for a recorded reason
      rather than forbidding them;
    - group size over 14 is a problem; under 6 a caution and 6-9 a note
      (groups of 10-14 in [2]; the lower limits are course guidance);
    - fewer than 2 facilitators is a problem ([2]);
    - no formal practice is a problem, more than 4 a caution (the published
      session tables list 1-4 practices per session [3]);
    - no home practice is a problem ([3]: home practice is set and reviewed
      every session); any amount gets a note that no daily dose was verified;
      more than 45 minutes a day a caution (course guidance);
    - each missing safety screen is a problem. Psychosis or dementia, acute
      suicidality, a high risk of withdrawal and severe cognitive impairment
      were exclusions of the main trial [2], so people in these groups are
      *outside the evidence base*; trauma screening is course guidance
      (lasting adverse effects were linked with hyperarousal and
      dissociation [5]). No plan for members who arrive intoxicated or
      sedated is a caution (course guidance);
    - no baseline, or no follow-up after the end of treatment, is a problem;
      follow-up that stops before 12 months a caution ([1] reported its
      differences at the 6- and 12-month follow-ups);
    - no craving measure is a problem ([4], [6]: craving was the outcome with
      an effect); no measure of use (time to first use or days of use) is a
      problem ([1]); no attendance or practice log a caution, no FFMQ a note
      ([7]).

    References
    ----------
    .. [1] Bowen S et al. (2014). *JAMA Psychiatry* 71(5):547-556 [@bowen2014]
    .. [2] ClinicalTrials.gov NCT01159535 [@nct01159535]
    .. [3] Zgierska AE et al. (2017); Hemenway M et al. (2021), Table 1 in
       each [@zgierska2017; @hemenway2021]
    .. [4] Grant S et al. (2017). *J Addict Med* 11(5):386-396 [@grant2017]
    .. [5] Britton WB et al. (2021). *Clin Psychol Sci* 9(6):1185-1204
       [@britton2021]
    .. [6] Witkiewitz K, Bowen S (2010). Depression, craving, and substance
       use following a randomized trial of mindfulness-based relapse
       prevention. *J Consult Clin Psychol* 78(3):362-374 [@witkiewitz2010]
    .. [7] Baer RA et al. (2006). Using self-report assessment methods to
       explore facets of mindfulness. *Assessment* 13(1):27-45.
       doi:10.1177/1073191105283504 [@baer2006]
    """
    p = validate_plan(plan)
    found = [rule.warning(p) for rule in RULES if rule.applies(p)]
    found = [replace(w, reason=p[DEVIATIONS_FIELD].get(w.rule, "")) for w in found]
    return sorted(found, key=lambda warning: SEVERITIES.index(warning.severity))


def problems(warnings) -> list[ProtocolWarning]:
    """Only the warnings of severity ``"problem"``.

    Parameters
    ----------
    warnings : list of ProtocolWarning
        As returned by :func:`check_protocol`.

    Returns
    -------
    list of ProtocolWarning
        Those whose severity is ``"problem"``, in the same order.

    References
    ----------
    See :func:`check_protocol` for the source of each rule.
    """
    return [w for w in warnings if w.severity == "problem"]


def summarise(warnings) -> str:
    """One sentence: how many problems, cautions and notes.

    Parameters
    ----------
    warnings : list of ProtocolWarning
        As returned by :func:`check_protocol`.

    Returns
    -------
    str
        For example ``"1 problem, 0 cautions and 1 note."``.

    References
    ----------
    See :func:`check_protocol` for the source of each rule.
    """
    counts = {s: sum(w.severity == s for w in warnings) for s in SEVERITIES}
    problem = ntr("{n} problem", "{n} problems", counts["problem"])
    caution = ntr("{n} caution", "{n} cautions", counts["caution"])
    note = ntr("{n} note", "{n} notes", counts["note"])
    return tr("{problems}, {cautions} and {notes}.", problems=problem, cautions=caution, notes=note)


# --- checks for the graded exercise --------------------------------------------------------


def require_no_warnings(plan, severities=("problem",)) -> list[ProtocolWarning]:
    """Pass when ``plan`` gets no warning of the given severities; otherwise explain (graded exercise).

    Parameters
    ----------
    plan : dict
        A learner's plan in the schema of :func:`validate_plan`.
    severities : tuple of str
        The severities that fail the check.

    Returns
    -------
    list of ProtocolWarning
        All the plan's warnings, when none has those severities.

    Raises
    ------
    course.errors.CheckFailed
        Listing each offending warning in plain words, or saying in one
        sentence how the plan breaks the schema.

    References
    ----------
    See :func:`check_protocol` for the source of each rule.
    """
    from .errors import CheckFailed

    try:
        warnings = check_protocol(plan)
    except PlanError as exc:
        raise CheckFailed(tr("`my_plan` does not follow the schema yet: {problem}", problem=exc.message),
                          hint=exc.hint) from None
    bad = [w for w in warnings if w.severity in severities]
    if bad:
        listed = " ".join(f"({i}) {w.message}" for i, w in enumerate(bad, 1))
        kinds = tr(" or ").join(f"'{s}'" for s in severities)
        raise CheckFailed(tr("The checker still gives {n} warning(s) of severity {kinds}: {listed}", n=len(bad),
                             kinds=kinds, listed=listed),
                          hint=tr("Change the values the warnings name, run your cell again, then this one."))
    return warnings


def parse_deviations(text: str) -> tuple[dict, list[str]]:
    """Read recorded deviations typed as lines of ``rule: reason`` (the protocol designer's text box).

    Parameters
    ----------
    text : str
        One deviation per line, e.g. ``"session-length: rooms are booked for 90 minutes"``;
        blank lines are skipped.

    Returns
    -------
    dict
        ``{rule: reason}`` for lines that name a rule of :data:`RULES` and give a reason.
    list of str
        The other non-blank lines, unchanged, so the caller can say which were not understood.

    References
    ----------
    None: the format is the course's own.
    """
    known = {rule.rule for rule in RULES}
    found, skipped = {}, []
    for line in str(text).splitlines():
        if not line.strip():
            continue
        rule, _colon, reason = line.partition(":")
        if _colon and rule.strip() in known and reason.strip():
            found[rule.strip()] = reason.strip()
        else:
            skipped.append(line)
    return found, skipped


def unjustified(plan) -> list[ProtocolWarning]:
    """The cautions of a plan that have no adequate recorded reason.

    A caution is justified when the plan's ``deviations`` give a reason for
    its rule of at least :data:`MIN_REASON_WORDS` words. Problems cannot be
    justified this way (they leave out safety screening or outcome
    measurement, or depart from the format in a way the published programme
    rules out); notes need no reason.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan`.

    Returns
    -------
    list of ProtocolWarning
        The cautions without an adequate reason, in the checker's order.

    Raises
    ------
    PlanError
        If the plan breaks the schema.

    References
    ----------
    See :func:`check_protocol` for the source of each rule; the reason rule
    is the course's own guidance.
    """
    return [w for w in check_protocol(plan)
            if w.severity == "caution" and len(w.reason.split()) < MIN_REASON_WORDS]


def require_justified(plan) -> list[ProtocolWarning]:
    """Pass when a plan has no problem and gives a reason for every caution (graded exercise).

    A justified plan may depart from the trial's format (90-minute sessions,
    a smaller group, a shorter follow-up) as long as each departure the
    checker cautions about is recorded in ``plan["deviations"]`` with its
    reason, in at least :data:`MIN_REASON_WORDS` words. A plan in the exact
    trial format with every screen and measure passes with no reasons at all.

    Parameters
    ----------
    plan : dict
        A learner's plan in the schema of :func:`validate_plan`.

    Returns
    -------
    list of ProtocolWarning
        All the plan's warnings, when it is justified.

    Raises
    ------
    course.errors.CheckFailed
        Naming each problem, and each caution that still needs a reason, in
        plain words; or saying in one sentence how the plan breaks the schema.

    References
    ----------
    .. [1] ClinicalTrials.gov NCT01159535 (the tested format) [@nct01159535]
    .. [2] Bowen S et al. (2014). *JAMA Psychiatry* 71(5):547-556 [@bowen2014]
    """
    from .errors import CheckFailed

    warnings = require_no_warnings(plan, severities=("problem",))
    missing = unjustified(plan)
    if missing:
        listed = " ".join(f"({i}) '{w.rule}': {w.message}" for i, w in enumerate(missing, 1))
        example = tr('"{field}": {{"rule-name": "your reason"}}', field=DEVIATIONS_FIELD)
        raise CheckFailed(
            tr("{n} caution(s) still need a recorded reason: {listed}", n=len(missing), listed=listed),
            hint=tr("Either change the value, or add {example} to the plan, with a reason of at least {words} words "
                    "for each rule named.", example=example, words=MIN_REASON_WORDS))
    return warnings


# --- arithmetic ------------------------------------------------------------------------


def contact_hours(sessions, minutes_per_session) -> float:
    """Total group contact time: sessions x minutes per session / 60.

    Parameters
    ----------
    sessions : int or float
        Number of group sessions.
    minutes_per_session : int or float
        Length of one session in minutes.

    Returns
    -------
    float
        Contact time in hours. The trial protocol's 8 sessions of 120 minutes
        give 16 hours.

    References
    ----------
    .. [1] ClinicalTrials.gov NCT01159535 [@nct01159535]
    """
    return sessions * minutes_per_session / 60


def home_practice_hours(minutes_per_day, weeks: int = 8, days_per_week: int = 7) -> float:
    """Total planned home practice over the programme: minutes per day x days / 60.

    Parameters
    ----------
    minutes_per_day : int or float
        Planned home practice in minutes per day.
    weeks : int
        Length of the programme in weeks (8 in the trial protocol).
    days_per_week : int
        Practice days per week.

    Returns
    -------
    float
        Home practice in hours.

    References
    ----------
    .. [1] ClinicalTrials.gov NCT01159535 (8 weekly sessions) [@nct01159535]
    """
    return minutes_per_day * weeks * days_per_week / 60


# --- exports ---------------------------------------------------------------------------


def plan_rows(plan) -> list[tuple[str, str, str]]:
    """The plan as rows of text, in schema order.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan`.

    Returns
    -------
    list of (str, str, str)
        ``(field, label, value)``; labels name their unit (minutes, minutes
        per day, participants); list fields are joined with ``"; "``.

    References
    ----------
    None: the layout is the course's own.
    """
    p = validate_plan(plan)
    rows = [("name", tr(TEXT_FIELDS["name"]), p["name"])]
    for key, (label, unit, *_rest) in NUMBER_FIELDS.items():
        shown = tr(label) if unit in ("sessions", "people", "practices") else f"{tr(label)} ({tr(unit)})"
        rows.append((key, shown, str(p[key])))
    for key in LIST_FIELDS:
        rows.append((key, tr(LIST_LABELS[key]), "; ".join(p[key])))
    rows.append(("notes", tr(TEXT_FIELDS["notes"]), p["notes"]))
    return rows


def plan_to_csv(plan) -> str:
    """The plan as CSV text, which :func:`plan_from_csv` reads back into the same plan.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan`.

    Returns
    -------
    str
        CSV text with the columns ``field,value`` (numbers in the units of
        :func:`validate_plan`; lists joined with ``"; "``; each recorded
        deviation as a row ``deviation:<rule>,<reason>``).

    References
    ----------
    None: the file format is the course's own.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["field", "value"])
    for key, _label, value in plan_rows(plan):
        writer.writerow([key, value])
    for rule, reason in validate_plan(plan)[DEVIATIONS_FIELD].items():
        writer.writerow([f"{_DEVIATION_PREFIX}{rule}", reason])
    return buffer.getvalue()


def plan_from_csv(text: str) -> dict:
    """Read a plan written by :func:`plan_to_csv` and check it.

    Parameters
    ----------
    text : str
        The CSV text (not a path).

    Returns
    -------
    dict
        The plan, as :func:`validate_plan` returns it.

    Raises
    ------
    PlanError
        If the columns are not ``field,value``, a number is not a whole
        number, or the plan breaks the schema.

    References
    ----------
    None: the file format is the course's own.
    """
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != ["field", "value"]:
        raise PlanError(tr("A plan file needs exactly two columns, 'field' and 'value'."))
    raw = {row["field"]: row["value"] for row in reader}
    plan = {}
    for key, value in raw.items():
        if key.startswith(_DEVIATION_PREFIX):
            plan.setdefault(DEVIATIONS_FIELD, {})[key[len(_DEVIATION_PREFIX):]] = value
        elif key in NUMBER_FIELDS:
            try:
                plan[key] = int(value)
            except ValueError:
                raise PlanError(tr("'{key}' should be a whole number, not {value}.", key=key, value=repr(value))) from None
        elif key in LIST_FIELDS:
            plan[key] = [part.strip() for part in value.split(";") if part.strip()]
        else:
            plan[key] = value
    return validate_plan(plan)


_DEVIATION_PREFIX = "deviation:"


def _warning_lines(warnings) -> list[tuple[str, str, str]]:
    """(severity, its label in the current language, message with any recorded reason, citation) per warning."""
    return [(w.severity, tr(SEVERITY_LABELS.get(w.severity, w.severity)),
             w.message + " " + tr("Recorded reason: {reason}", reason=w.reason) if w.reason else w.message, w.citation)
            for w in warnings]


def plan_to_markdown(plan, warnings=None) -> str:
    """A Markdown handout: the plan, its sessions, and the checker's warnings with citations.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan`.
    warnings : list of ProtocolWarning, optional
        The checker's warnings (default: :func:`check_protocol` of the plan).

    Returns
    -------
    str
        Markdown text; user text is escaped so it cannot add markup.

    References
    ----------
    .. [1] Zgierska AE et al. (2017); Hemenway M et al. (2021), Table 1 in
       each (the session themes and practices listed)
       [@zgierska2017; @hemenway2021]
    """
    p = validate_plan(plan)
    warnings = check_protocol(p) if warnings is None else warnings
    title = p["name"] or tr("MBRP programme plan")
    lines = [f"# {_md(title)}", "", "| " + tr("Setting") + " | " + tr("Value") + " |", "|---|---|"]
    for key, label, value in plan_rows(p)[1:-1]:
        if key in LIST_FIELDS:
            value = "; ".join(tr(LIST_FIELDS[key][k]) for k in p[key]) or tr("none")
        lines.append(f"| {_md(label)} | {_md(value)} |")
    hours = contact_hours(p["sessions"], p["session_minutes"])
    lines += ["", tr("Contact time: {hours:g} hours in groups.", hours=hours), ""]
    if p["notes"]:
        lines += ["## " + tr("Notes"), "", _md(p["notes"]), ""]
    lines += ["## " + tr("Sessions (published MBRP themes)"), ""]
    for row in load_session_plan().itertuples():
        if row.session <= p["sessions"]:
            lines.append(f"{row.session}. **{tr(row.theme)}**: {practices_in_words(row.core_practices)}")
    lines += ["", "## " + tr("Check against the evidence"), "", summarise(warnings), ""]
    lines += [f"- **{label}**: {_md(m)} ({c})" for _s, label, m, c in _warning_lines(warnings)]
    lines += ["", "_" + tr("Education, not clinical advice. Produced with the course's protocol designer.") + "_", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or line (no pipes, no line breaks, no raw HTML)."""
    return html.escape(str(text).replace("|", "/").replace("\r", " ").replace("\n", " "), quote=False)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; color: #000; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #888; padding: .3em .5em; text-align: left; }
.problem { border-left: .4em solid #D55E00; padding-left: .5em; } .caution { border-left: .4em solid #E69F00; padding-left: .5em; }
.note { border-left: .4em solid #56B4E9; padding-left: .5em; } li { margin-bottom: .4em; }
@media print { body { margin: 0; } }
"""


def plan_to_html(plan, warnings=None) -> str:
    """A printable, self-contained HTML handout with the same content as :func:`plan_to_markdown`.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan`.
    warnings : list of ProtocolWarning, optional
        The checker's warnings (default: :func:`check_protocol` of the plan).

    Returns
    -------
    str
        A whole HTML page; all user text (name, notes) is escaped.

    References
    ----------
    .. [1] Zgierska AE et al. (2017); Hemenway M et al. (2021), Table 1 in
       each (the session themes and practices listed)
       [@zgierska2017; @hemenway2021]
    """
    p = validate_plan(plan)
    warnings = check_protocol(p) if warnings is None else warnings
    e = html.escape
    title = e(p["name"] or tr("MBRP programme plan"))
    rows = []
    for key, label, value in plan_rows(p)[1:-1]:
        if key in LIST_FIELDS:
            value = "; ".join(tr(LIST_FIELDS[key][k]) for k in p[key]) or tr("none")
        rows.append(f"<tr><th scope=\"row\">{e(label)}</th><td>{e(value)}</td></tr>")
    sessions = [f"<li><strong>{e(tr(r.theme))}</strong>: {e(practices_in_words(r.core_practices))}</li>"
                for r in load_session_plan().itertuples() if r.session <= p["sessions"]]
    items = [f"<li class=\"{e(s)}\"><strong>{e(label)}</strong>: {e(m)} <em>({e(c)})</em></li>"
             for s, label, m, c in _warning_lines(warnings)]
    notes = f"<h2>{e(tr(TEXT_FIELDS['notes']))}</h2><p>{e(p['notes'])}</p>" if p["notes"] else ""
    hours = contact_hours(p["sessions"], p["session_minutes"])
    settings, contact = e(tr("Programme settings")), e(tr("Contact time: {hours:g} hours in groups.", hours=hours))
    themes, check = e(tr("Sessions (published MBRP themes)")), e(tr("Check against the evidence"))
    footer = e(tr("Education, not clinical advice. Produced with the course's protocol designer."))
    return (
        f"<!DOCTYPE html>\n<html lang=\"{language()}\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{title}</h1>\n<table><caption>{settings}</caption>{''.join(rows)}</table>\n"
        f"<p>{contact}</p>\n{notes}\n"
        f"<h2>{themes}</h2><ol>{''.join(sessions)}</ol>\n"
        f"<h2>{check}</h2><p>{e(summarise(warnings))}</p><ul>{''.join(items)}</ul>\n"
        f"<p><em>{footer}</em></p>\n"
        "</body></html>\n"
    )


def export_handout(plan, folder=".", stem: str = "mbrp_plan", now: _dt.datetime | None = None) -> list[Path]:
    """Write the plan as Markdown, HTML and CSV files in ``folder``; never overwrite.

    Parameters
    ----------
    plan : dict
        A plan in the schema of :func:`validate_plan`.
    folder : str or pathlib.Path
        Where to write (the notebook's folder by default, i.e. the current one).
    stem : str
        Start of the file names; a time stamp ``YYYYmmdd-HHMMSS`` follows, and
        ``-2``, ``-3`` ... if a file of that name already exists.
    now : datetime, optional
        The time stamp to use (for tests).

    Returns
    -------
    list of pathlib.Path
        The three files written: ``.md``, ``.html``, ``.csv``.

    References
    ----------
    See :func:`plan_to_markdown` and :func:`check_protocol`.
    """
    p = validate_plan(plan)
    warnings = check_protocol(p)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base, n = f"{stem}-{stamp}", 1
    while any((folder / f"{base}{ext}").exists() for ext in (".md", ".html", ".csv")):
        n += 1
        base = f"{stem}-{stamp}-{n}"
    contents = {".md": plan_to_markdown(p, warnings), ".html": plan_to_html(p, warnings), ".csv": plan_to_csv(p)}
    paths = []
    for ext, text in contents.items():
        path = folder / f"{base}{ext}"
        with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": fail rather than overwrite
            handle.write(text)
        paths.append(path)
    return paths
