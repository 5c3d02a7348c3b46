"""Can two HRV recordings be compared? A checklist computed from how they were made.

Two HRV values are only worth comparing (this week against last week, a
client against a published norm) when they were measured the same way. This
module turns the measurement ideas of module 01 into one checklist. A
recording is described by a plain dictionary::

    {"duration_s": 300, "posture": "lying", "breaths_per_min": 15, "flagged_pct": 1.5}

and :func:`comparison_problems` lists what stands in the way of comparing
two of them for one frequency band:

``"too short"``
    either recording is shorter than ten cycles of the band's lowest
    frequency, the Task Force's rule (67 s for HF, 250 s for LF) [1]_;
``"different length"``
    the longer recording is more than 10 % longer than the shorter: length
    changes the values themselves, SDNN above all [1]_ (the 10 % tolerance
    is this course's convention);
``"different posture"``
    they were taken in different body positions; published short-term
    values state the position they were recorded in [1]_;
``"different breathing band"``
    the breathing rates fall in different Task Force bands, so the breathing
    rhythm is counted as HF in one and as LF in the other [1]_, [2]_;
``"too many flagged"``
    more than 5 % of either recording's intervals were flagged by the
    artefact rule (:func:`course.artefacts.flagged_percent`). The 5 % limit
    is this course's teaching convention, not a published standard: it asks
    you to look at the recording before trusting any number from it.

An empty list means no problem was found by these five checks, not that the
two values are equal or that either is clinically meaningful.

References
----------
.. [1] Task Force of the ESC and NASPE (1996). Heart rate variability:
   standards of measurement, physiological interpretation and clinical use.
   *Circulation* 93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
   [@taskforce1996]
.. [2] Steffen PR et al. (2017). The impact of resonance frequency breathing
   on measures of heart rate variability, blood pressure, and mood.
   *Front Public Health* 5:222. doi:10.3389/fpubh.2017.00222 [@steffen2017]
"""

from __future__ import annotations

import math

import pandas as pd

from . import autonomic, spectral
from .errors import DataError
from .i18n import N_, tr

#: The problems :func:`comparison_problems` can report, in the order it reports them.
PROBLEMS = ("too short", "different length", "different posture", "different breathing band", "too many flagged")
#: Lengths within this fraction of each other count as the same length (a course convention).
LENGTH_TOLERANCE = 0.10
#: More than this percentage of flagged intervals calls for a look at the recording (a course convention).
MAX_FLAGGED_PCT = 5.0
#: What a recording description must hold.
FIELDS = ("duration_s", "posture", "breaths_per_min", "flagged_pct")
#: Bands a comparison can be made for (VLF needs about 50 minutes, see :data:`course.spectral.MIN_DURATION_S`).
COMPARABLE_BANDS = ("LF", "HF")


def _number(value, field: str, label: str) -> float:
    if isinstance(value, bool):
        value = None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(tr("The {label}'s {field} should be a number, not {value}.", label=tr(label),
                           field=repr(field), value=repr(value))) from None
    if not math.isfinite(number) or number < 0:
        raise DataError(tr("The {label}'s {field} should be a positive number, not {value}.", label=tr(label),
                           field=repr(field), value=repr(value)))
    return number


def check_recording(recording, label: str = N_("recording")) -> dict:
    """Validate one recording description and return it with clean values.

    Parameters
    ----------
    recording : dict
        Keys ``duration_s`` (s, > 0), ``posture`` (text such as ``"lying"``,
        ``"sitting"``, ``"standing"``), ``breaths_per_min`` (breaths per
        minute, > 0) and ``flagged_pct`` (% of intervals flagged, 0-100).
    label : str
        How to name the recording in an error message.

    Returns
    -------
    dict
        The same four fields; numbers as floats, posture in lower case.

    Raises
    ------
    course.errors.DataError
        If a field is missing or impossible, in one sentence.
    """
    if not isinstance(recording, dict):
        example = "{'duration_s': 300, 'posture': 'lying', 'breaths_per_min': 15, 'flagged_pct': 1.0}"
        raise DataError(tr("The {label} should be a dictionary such as {example}, not a {kind}.", label=tr(label),
                           example=example, kind=type(recording).__name__))
    missing = [field for field in FIELDS if field not in recording]
    if missing:
        missing, fields = ", ".join(repr(m) for m in missing), ", ".join(FIELDS)
        raise DataError(tr("The {label} has no {missing}.", label=tr(label), missing=missing),
                        hint=tr("Each recording needs: {fields}.", fields=fields))
    clean = {field: _number(recording[field], field, label) for field in ("duration_s", "breaths_per_min", "flagged_pct")}
    if clean["duration_s"] == 0 or clean["breaths_per_min"] == 0:
        raise DataError(tr("The {label}'s duration and breathing rate must be above zero.", label=tr(label)))
    if clean["flagged_pct"] > 100:
        raise DataError(tr("The {label}'s 'flagged_pct' is a percentage, so it cannot be {value:g}.", label=tr(label),
                           value=clean["flagged_pct"]))
    posture = recording["posture"]
    if not isinstance(posture, str) or not posture.strip():
        raise DataError(tr("The {label}'s 'posture' should be a word such as 'lying', not {value}.", label=tr(label),
                           value=repr(posture)))
    clean["posture"] = posture.strip().lower()
    return clean


def comparison_problems(first, second, band: str = "HF") -> list[str]:
    """What stands in the way of comparing two recordings' values for one band.

    Parameters
    ----------
    first, second : dict
        Recording descriptions (see :func:`check_recording`).
    band : {"HF", "LF"}
        The band whose values (or, for time-domain values, the shortest
        rhythm of interest) are compared; sets the 10x-rule length.

    Returns
    -------
    list of str
        Problems from :data:`PROBLEMS`, in that order; empty if none found.

    Raises
    ------
    course.errors.DataError
        For an unknown band or a malformed recording.

    Examples
    --------
    >>> morning = {"duration_s": 60, "posture": "lying", "breaths_per_min": 15, "flagged_pct": 0}
    >>> evening = {"duration_s": 300, "posture": "sitting", "breaths_per_min": 6, "flagged_pct": 2}
    >>> comparison_problems(morning, evening, "HF")
    ['too short', 'different length', 'different posture', 'different breathing band']

    References
    ----------
    .. [1] Task Force of the ESC and NASPE (1996). *Circulation*
       93(5):1043-1065. doi:10.1161/01.CIR.93.5.1043
    .. [2] Steffen PR et al. (2017). *Front Public Health* 5:222.
       doi:10.3389/fpubh.2017.00222
    """
    if band not in COMPARABLE_BANDS:
        raise DataError(tr("Compare recordings for the band 'HF' or 'LF', not {band}.", band=repr(band)))
    a = check_recording(first, N_("first recording"))
    b = check_recording(second, N_("second recording"))
    shorter, longer = sorted((a["duration_s"], b["duration_s"]))
    found = {
        "too short": shorter < spectral.MIN_DURATION_S[band],
        "different length": longer > shorter * (1 + LENGTH_TOLERANCE),
        "different posture": a["posture"] != b["posture"],
        "different breathing band": autonomic.breathing_band(a["breaths_per_min"])
        != autonomic.breathing_band(b["breaths_per_min"]),
        "too many flagged": max(a["flagged_pct"], b["flagged_pct"]) > MAX_FLAGGED_PCT,
    }
    return [problem for problem in PROBLEMS if found[problem]]


def comparison_table(recordings: dict, band: str = "HF"):
    """Every pair of named recordings with the problems found, as a table.

    Parameters
    ----------
    recordings : dict
        Name -> recording description.
    band : {"HF", "LF"}
        As in :func:`comparison_problems`.

    Returns
    -------
    pandas.DataFrame
        Columns ``pair`` and ``problems`` (``"none found"`` when empty).
    """
    names = list(recordings)
    rows = []
    for i, one in enumerate(names):
        for other in names[i + 1:]:
            found = comparison_problems(recordings[one], recordings[other], band)
            rows.append({"pair": f"{one} vs {other}", "problems": ", ".join(found) or tr("none found")})
    return pd.DataFrame(rows, columns=["pair", "problems"])


#: What each problem means, for feedback on a learner's own checklist.
RULE_HINTS = {
    "too short": N_("A recording is too short when it lasts less than ten cycles of the band's lowest frequency: "
                    "spectral.MIN_DURATION_S[band] seconds (67 s for HF, 250 s for LF). Check the shorter one."),
    "different length": N_("Lengths differ when the longer recording is more than 10 % longer than the shorter "
                           "(longer > 1.1 x shorter)."),
    "different posture": N_("Compare the two posture words; ignore capitals and spaces around them with "
                            ".strip().lower()."),
    "different breathing band": N_("Find each breathing rate's band with autonomic.breathing_band(rate), then compare "
                                   "the two bands."),
    "too many flagged": N_("More than 5 % flagged intervals in either recording is a problem; exactly 5 % is not."),
}


def check_learner_checklist(func, cases, *, reveal: bool = True, name: str = "comparison_problems") -> int:
    """Compare a learner's checklist with :func:`comparison_problems` on ``(first, second, band)`` cases.

    The order of the problems does not matter. On a difference, the feedback
    names the rule that is off and explains it (:data:`RULE_HINTS`); with
    ``reveal=False`` it does not show the case's full expected list.

    Returns
    -------
    int
        Number of cases checked (all passed).

    Raises
    ------
    course.errors.CheckFailed
        At the first case where the learner's list differs, in plain words.
    """
    from .errors import CheckFailed
    from .feedback import call

    count = 0
    for first, second, band in cases:
        got = call(func, first, second, band, name=name)
        if isinstance(got, str) or not isinstance(got, (list, tuple, set)):
            raise CheckFailed(tr("`{name}` returned {got}, but a list of problem words is expected "
                                 "(an empty list [] when there is no problem).", name=name, got=repr(got)),
                              hint=tr("Start with problems = [] and add each problem with problems.append(\"...\")."))
        unknown = [word for word in got if word not in PROBLEMS]
        if unknown:
            words = ", ".join(f'"{p}"' for p in PROBLEMS)
            raise CheckFailed(tr("`{name}` reported {word}, which is not one of the problem words.", name=name,
                                 word=repr(unknown[0])),
                              hint=tr("Use exactly these words: {words}.", words=words))
        expected = comparison_problems(first, second, band)
        missing = [p for p in expected if p not in got]
        extra = [p for p in PROBLEMS if p in got and p not in expected]
        if missing or extra:
            rule = (missing or extra)[0]
            if missing and reveal:
                message = tr("`{name}` missed the problem {rule} for {first} and {second} (band {band}).", name=name,
                             rule=repr(rule), first=str(first), second=str(second), band=band)
            elif missing:
                message = tr("`{name}` missed the problem {rule} on one of the hidden cases.", name=name,
                             rule=repr(rule))
            elif reveal:
                message = tr("`{name}` reported, wrongly, the problem {rule} for {first} and {second} (band {band}).",
                             name=name, rule=repr(rule), first=str(first), second=str(second), band=band)
            else:
                message = tr("`{name}` reported, wrongly, the problem {rule} on one of the hidden cases.", name=name,
                             rule=repr(rule))
            raise CheckFailed(message, hint=tr(RULE_HINTS[rule]))
        count += 1
    return count


def practice_cases(n: int = 60, seed: int = 13) -> list[tuple[dict, dict, str]]:
    """Random pairs of recording descriptions, with a band, for testing a checklist.

    Values are drawn from small lists that include every rule's edge (9 breaths
    a minute, exactly 5 % flagged, 250 s for LF) so that each rule is tried.

    Returns
    -------
    list of (dict, dict, str)
        ``(first, second, band)`` cases.
    """
    import numpy as np

    rng = np.random.default_rng(seed)

    def one() -> dict:
        return {"duration_s": float(rng.choice([30, 60, 120, 240, 250, 300, 320, 600, 3600])),
                "posture": str(rng.choice(["lying", "sitting", "standing", "Lying", " sitting"])),
                "breaths_per_min": float(rng.choice([3, 6, 8, 9, 12, 15, 20, 25])),
                "flagged_pct": float(rng.choice([0, 1, 4.9, 5, 5.5, 12]))}

    return [(one(), one(), str(rng.choice(COMPARABLE_BANDS))) for _ in range(n)]
