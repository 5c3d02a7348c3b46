"""Scoring questionnaires used to follow change in an MBRP programme.

Used in module 03, lesson 03 ("Measuring change"). Every function checks its
input and explains a problem in one plain sentence (a :class:`ValueError`,
more precisely :class:`course.errors.DataError`), because a total computed
from a missing or mistyped answer looks just as convincing as a real one.

* :func:`score_pacs`: the Penn Alcohol Craving Scale, 5 items scored 0-6,
  total 0-30.
* :func:`reverse_score`, :func:`score_scale` and :func:`facet_scores`: any
  scale with reverse-keyed items, with the scoring key passed in as a
  parameter. Item numbers may be Python or NumPy whole numbers.
* :data:`FFMQ_FACETS` and :data:`FFMQ_REVERSE_ITEMS`: the published scoring
  key of the Five Facet Mindfulness Questionnaire (FFMQ-39; Baer et al.
  2006), and :func:`ffmq_facet_scores`, which applies it. Two facets (acting
  with awareness, non-judging) are reverse-keyed on every item, so scoring
  without the flip turns each of them upside down (:func:`unflipped_facet`).
  Report facet scores: wording (method) effects argue against a total
  (van Dam et al. 2012; Karl & Fischer 2020).
* Missing answers are refused, never filled in: the course found no
  published rule for prorating missing PACS or FFMQ items, so any such rule
  has to be chosen, and written down, before the data are seen.
* :data:`ILLUSTRATIVE_SCALE`: a six-item scale **made up for teaching**. It
  is not the FFMQ or any validated questionnaire.
* Graded exercises check that a learner's scoring function refuses bad
  input with :func:`course.feedback.check_raises`.

References
----------
.. [1] Flannery BA, Volpicelli JR, Pettinati HM (1999). Psychometric properties
   of the Penn Alcohol Craving Scale. *Alcohol Clin Exp Res* 23(8):1289-1295.
.. [2] Hartwell EE, Bujarski S, Green R, Ray LA (2019). Convergence between
   the Penn Alcohol Craving Scale and diagnostic interview for the assessment
   of alcohol craving. *Addict Behav Rep* 10:100198.
   doi:10.1016/j.abrep.2019.100198 (PMID 31304230)
.. [3] Baer RA, Smith GT, Hopkins J, Krietemeyer J, Toney L (2006). Using
   self-report assessment methods to explore facets of mindfulness.
   *Assessment* 13(1):27-45. doi:10.1177/1073191105283504
.. [4] van Dam NT, Hobkirk AL, Danoff-Burg S, Earleywine M (2012). Mind your
   words: positive and negative items create method effects on the Five
   Facet Mindfulness Questionnaire. *Assessment* 19(2):198-204.
   doi:10.1177/1073191112438743
.. [5] Karl JA, Fischer R (2020). Revisiting the five-facet structure of
   mindfulness. *Meas Instrum Soc Sci* 2:7. doi:10.1186/s42409-020-00014-3
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real

import numpy as np

from .errors import DataError
from .i18n import N_, tr

#: Penn Alcohol Craving Scale: number of items and the range of each item (Flannery et al. 1999).
PACS_ITEMS = 5
PACS_ITEM_RANGE = (0, 6)

#: Research cut-offs for the PACS total (Hartwell et al. 2019): rule, sensitivity, specificity, where derived.
PACS_CUTOFFS = (
    {"rule": "total >= 15", "threshold": 15, "strict": False, "sensitivity": 0.67, "specificity": 0.81,
     "note": N_("best balance in 338 non-treatment-seeking heavy drinkers")},
    {"rule": "total > 20", "threshold": 20, "strict": True, "sensitivity": 0.41, "specificity": 0.95,
     "note": N_("used as a stand-in for the DSM-5 craving criterion")},
)

#: FFMQ-39 structure (Baer et al. 2006): items rated 1-5; facet name -> number of items.
FFMQ_RESPONSE_RANGE = (1, 5)
FFMQ_FACET_SIZES = {"observing": 8, "describing": 8, "acting with awareness": 8,
                    "non-judging of inner experience": 8, "non-reactivity to inner experience": 7}

#: FFMQ-39 scoring key (Baer et al. 2006): facet name -> item numbers, counted from 1 as on the form.
#: Seen in the published scoring form (items 1-18) and in eight independent public implementations that
#: all agree (the course's evidence file, part 2, section 4: Medium-High).
FFMQ_FACETS = {
    "observing": (1, 6, 11, 15, 20, 26, 31, 36),
    "describing": (2, 7, 12, 16, 22, 27, 32, 37),
    "acting with awareness": (5, 8, 13, 18, 23, 28, 34, 38),
    "non-judging of inner experience": (3, 10, 14, 17, 25, 30, 35, 39),
    "non-reactivity to inner experience": (4, 9, 19, 21, 24, 29, 33),
}
#: FFMQ-39 reverse-keyed items (19 of 39; Baer et al. 2006): each answer r becomes 6 - r before adding up.
FFMQ_REVERSE_ITEMS = (3, 5, 8, 10, 12, 13, 14, 16, 17, 18, 22, 23, 25, 28, 30, 34, 35, 38, 39)

#: A six-item scale MADE UP FOR TEACHING (not the FFMQ, not validated): items, range, reverse key, facets.
ILLUSTRATIVE_SCALE = {
    "name": N_("Illustrative present-moment scale (made up for this course; not validated)"),
    "items": (
        N_("I notice the feel of my feet on the ground when I walk."),
        N_("I do things on autopilot, without paying attention to them."),
        N_("I notice sounds around me, such as birds or traffic."),
        N_("My attention stays with what I am doing right now."),
        N_("When an urge comes, I notice where in my body I feel it."),
        N_("I get so caught up in my thoughts that I miss what is going on around me."),
    ),
    "low": 1,
    "high": 5,
    "reverse_items": (2, 6),
    "facets": {"noticing": (1, 3, 5), "attending": (2, 4, 6)},
}


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_responses(responses, low: int, high: int, what: str, n_items: int | None = None) -> list[float]:
    what = tr(what)
    """The responses as a list of numbers, or a DataError naming the first problem (items counted from 1)."""
    if isinstance(responses, (str, bytes, Mapping)) or not isinstance(responses, Iterable):
        raise DataError(tr("The {what} answers should be a list of numbers, not {name}.",
                           what=what, name=type(responses).__name__))
    values = list(responses)
    if n_items is not None and len(values) != n_items:
        raise DataError(tr("The {what} has {n_items} items, but {n_values} answers were given.",
                           what=what, n_items=n_items, n_values=len(values)),
                        hint=tr("Give exactly one answer per item, in item order ({n_items} in all).",
                                n_items=n_items))
    if not values:
        raise DataError(tr("There are no {what} answers to score.", what=what))
    for number, value in enumerate(values, start=1):
        if value is None or (_is_number(value) and math.isnan(value)):
            raise DataError(tr("Item {number} of the {what} has no answer (it is missing).",
                               number=number, what=what),
                            hint=tr("Do not fill in a guess: follow the scale's rule for missing answers, or leave "
                                    "the total unscored."))
        if not _is_number(value):
            raise DataError(tr("Item {number} of the {what} is {value!r}, which is not a number.",
                               number=number, what=what, value=value))
        if not low <= value <= high:
            raise DataError(tr("Item {number} of the {what} is {value:g}, but answers run from {low} to {high}.",
                               number=number, what=what, value=value, low=low, high=high),
                            hint=tr("Check for a typing error, or a form that used a different scale."))
        if value != int(value):
            raise DataError(tr("Item {number} of the {what} is {value:g}, but answers are whole numbers.",
                               number=number, what=what, value=value))
    return [int(v) for v in values]


def score_pacs(items: Sequence[int]) -> int:
    """Total score of the Penn Alcohol Craving Scale (PACS).

    Parameters
    ----------
    items : sequence of int
        The five answers in item order, each a whole number from 0 to 6
        (covering the frequency, intensity and duration of craving, the
        ability to resist drinking, and overall craving in the past week).

    Returns
    -------
    int
        The total, 0 to 30; higher means more craving.

    Raises
    ------
    course.errors.DataError
        (a ``ValueError``) if there are not exactly five answers, or an
        answer is missing, not a number, not a whole number, or outside 0-6.

    References
    ----------
    .. [1] Flannery BA, Volpicelli JR, Pettinati HM (1999). *Alcohol Clin Exp
       Res* 23(8):1289-1295.
    """
    return sum(_check_responses(items, *PACS_ITEM_RANGE, what="PACS", n_items=PACS_ITEMS))


def pacs_cutoffs(total: int) -> list[str]:
    """Which published research cut-offs a PACS total reaches, as plain sentences.

    The cut-offs come from one study of non-treatment-seeking heavy drinkers
    (Hartwell et al. 2019). They are research thresholds, not a diagnostic
    test for an individual.

    Raises
    ------
    course.errors.DataError
        If ``total`` is not a whole number from 0 to 30.
    """
    _check_responses([total], 0, PACS_ITEMS * PACS_ITEM_RANGE[1], what=tr("PACS total"))
    lines = []
    for cut in PACS_CUTOFFS:
        reached = total > cut["threshold"] if cut["strict"] else total >= cut["threshold"]
        numbers = dict(rule=cut["rule"], sensitivity=100 * cut["sensitivity"], specificity=100 * cut["specificity"],
                       note=tr(cut["note"]))
        if reached:
            lines.append(tr("{rule}: reached (sensitivity {sensitivity:.0f} %, specificity {specificity:.0f} %; "
                            "{note})", **numbers))
        else:
            lines.append(tr("{rule}: not reached (sensitivity {sensitivity:.0f} %, specificity {specificity:.0f} %; "
                            "{note})", **numbers))
    return lines


def cutoff_counts(per: int = 100) -> list[dict]:
    """What each PACS cut-off would do in ``per`` people with and ``per`` without the craving criterion.

    Returns one dict per cut-off: ``rule``, ``flagged_with`` (true positives
    among ``per`` people who meet the criterion), ``missed_with`` (false
    negatives among them) and ``flagged_without`` (false positives among
    ``per`` who do not), from the published sensitivity and specificity
    (Hartwell et al. 2019).
    """
    rows = []
    for c in PACS_CUTOFFS:
        flagged = round(per * c["sensitivity"])
        rows.append({"rule": c["rule"], "flagged_with": flagged, "missed_with": per - flagged,
                     "flagged_without": round(per * (1 - c["specificity"]))})
    return rows


def score_range(n_items: int, low: int, high: int) -> tuple[int, int]:
    """Lowest and highest possible total of ``n_items`` items each scored ``low`` to ``high``.

    For the FFMQ-39 (39 items, 1-5) this gives (39, 195); for an 8-item facet
    (8, 40) and for the 7-item non-reactivity facet (7, 35) (Baer et al. 2006).
    """
    if not (isinstance(n_items, int) and n_items >= 1):
        raise DataError(tr("The number of items must be a whole number of at least 1, not {n_items!r}.",
                           n_items=n_items))
    _check_bounds(low, high)
    return n_items * low, n_items * high


def _check_bounds(low, high) -> None:
    if not (_is_number(low) and _is_number(high)) or low != int(low) or high != int(high):
        raise DataError(tr("The lowest and highest answers must be whole numbers, not {low!r} and {high!r}.",
                           low=low, high=high))
    if low >= high:
        raise DataError(tr("The lowest answer ({low}) must be below the highest ({high}).", low=low, high=high))


def reverse_score(response: int, low: int, high: int) -> int:
    """Reverse one answer on a scale from ``low`` to ``high``: ``low + high - response``.

    On a 1-5 scale, 1 becomes 5, 2 becomes 4, 3 stays 3 (that is, 6 - r).

    Raises
    ------
    course.errors.DataError
        If the bounds are not whole numbers with ``low < high``, or the answer
        is missing or outside them.
    """
    _check_bounds(low, high)
    (value,) = _check_responses([response], low, high, what=N_("answer"))
    return int(low + high - value)


def _check_key(reverse_items, n_items: int, what: str) -> set[int]:
    what = tr(what)
    if isinstance(reverse_items, (str, bytes)) or not isinstance(reverse_items, Iterable):
        raise DataError(tr("The reverse-keyed items of the {what} should be a list of item numbers.", what=what))
    key = list(reverse_items)
    numbers = []
    for item in key:
        # Any whole-number type counts (Python int, numpy.int64 from an array, ...); True/False do not.
        if not (isinstance(item, Integral) and not isinstance(item, (bool, np.bool_))):
            raise DataError(tr("Reverse-keyed item {item!r} of the {what} is not a whole item number.",
                               item=item, what=what),
                            hint=tr("Item numbers are whole numbers counted from 1, as on the printed form."))
        if not 1 <= int(item) <= n_items:
            raise DataError(tr("Reverse-keyed item {item} is not an item number of the {what} (items are numbered "
                               "1 to {n_items}).", item=int(item), what=what, n_items=n_items),
                            hint=tr("Item numbers count from 1, as on the printed form."))
        numbers.append(int(item))
    if len(set(numbers)) != len(numbers):
        raise DataError(tr("The reverse-keyed items of the {what} list an item twice: {numbers}.",
                           what=what, numbers=numbers))
    return set(numbers)


def score_scale(responses: Sequence[int], reverse_items: Iterable[int], low: int, high: int,
                what: str = N_("scale")) -> int:
    """Total of a scale after reversing its reverse-keyed items.

    Parameters
    ----------
    responses : sequence of int
        Answers in item order, whole numbers from ``low`` to ``high``.
    reverse_items : iterable of int
        Item numbers **counted from 1** (as on the printed form) that are
        reverse-keyed. Take them from the scale's published scoring key.
    low, high : int
        Lowest and highest possible answer (1 and 5 for a five-point scale).
    what : str
        The scale's name, used in error messages.

    Returns
    -------
    int
        The total, between ``n * low`` and ``n * high`` for ``n`` items.

    Raises
    ------
    course.errors.DataError
        If an answer is missing or out of range, or the key names an item
        that does not exist.

    References
    ----------
    .. [1] Baer RA et al. (2006). *Assessment* 13(1):27-45 (a questionnaire
       with reverse-keyed items, scored this way with its own key).
    """
    _check_bounds(low, high)
    values = _check_responses(responses, low, high, what=what)
    key = _check_key(reverse_items, len(values), what)
    return int(sum(low + high - v if number in key else v for number, v in enumerate(values, start=1)))


def facet_scores(responses: Sequence[int], facets: Mapping[str, Iterable[int]], reverse_items: Iterable[int],
                 low: int, high: int, what: str = N_("scale")) -> dict[str, int]:
    """Facet (subscale) totals after reversing reverse-keyed items.

    Parameters
    ----------
    responses : sequence of int
        Answers in item order.
    facets : mapping of str to iterable of int
        Facet name -> its item numbers, counted from 1. Every item must
        belong to exactly one facet.
    reverse_items, low, high, what
        As in :func:`score_scale`.

    Returns
    -------
    dict of str to int
        Facet name -> total. The facet totals add up to :func:`score_scale`.

    Raises
    ------
    course.errors.DataError
        As :func:`score_scale`, and if an item is in no facet or in two.
    """
    _check_bounds(low, high)
    values = _check_responses(responses, low, high, what=what)
    key = _check_key(reverse_items, len(values), what)
    seen: dict[int, str] = {}
    for name, items in facets.items():
        for item in _check_key(items, len(values), tr("{what} facet '{name}'", what=tr(what), name=name)):
            if item in seen:
                raise DataError(tr("Item {item} is in two facets of the {what}: '{first}' and '{name}'.",
                                   item=item, what=tr(what), first=seen[item], name=name))
            seen[item] = name
    unassigned = sorted(set(range(1, len(values) + 1)) - set(seen))
    if unassigned:
        raise DataError(tr("Item(s) {items} of the {what} belong to no facet.",
                           items=(', '.join(map(str, unassigned))), what=tr(what)))
    scored = {n: (low + high - v if n in key else v) for n, v in enumerate(values, start=1)}
    return {name: int(sum(scored[int(i)] for i in items)) for name, items in facets.items()}


def ffmq_facet_scores(responses: Sequence[int], flip: bool = True) -> dict[str, int]:
    """The five FFMQ-39 facet scores, with the published reverse key (Baer et al. 2006).

    Parameters
    ----------
    responses : sequence of int
        The 39 answers in item order, each 1 ("never or very rarely true")
        to 5 ("very often or always true").
    flip : bool, default True
        ``False`` scores the facets **without** reversing the 19
        reverse-keyed items: the common mistake, kept for the lesson's demo.

    Returns
    -------
    dict of str to int
        Facet name -> score: 8 to 40 for the four 8-item facets, 7 to 35 for
        non-reactivity. No total is returned: wording (method) effects argue
        for reporting facets rather than a total (van Dam et al. 2012; Karl &
        Fischer 2020).

    Raises
    ------
    course.errors.DataError
        If there are not exactly 39 answers, or one is missing, not a whole
        number, or outside 1-5. Missing answers are not filled in: the course
        found no published rule for prorating them.

    References
    ----------
    .. [1] Baer RA et al. (2006). *Assessment* 13(1):27-45.
       doi:10.1177/1073191105283504
    .. [2] van Dam NT et al. (2012). *Assessment* 19(2):198-204.
       doi:10.1177/1073191112438743
    .. [3] Karl JA, Fischer R (2020). *Meas Instrum Soc Sci* 2:7.
       doi:10.1186/s42409-020-00014-3
    """
    n_items = sum(FFMQ_FACET_SIZES.values())
    _check_responses(responses, *FFMQ_RESPONSE_RANGE, what="FFMQ-39", n_items=n_items)
    key = FFMQ_REVERSE_ITEMS if flip else ()
    return facet_scores(responses, FFMQ_FACETS, key, *FFMQ_RESPONSE_RANGE, what="FFMQ-39")


def reverse_keyed_share(facets: Mapping[str, Iterable[int]] = None,
                        reverse_items: Iterable[int] = None) -> dict[str, float]:
    """Share of each facet's items that are reverse-keyed (0 to 1); defaults to the FFMQ-39 key.

    In the FFMQ-39, acting with awareness and non-judging are reverse-keyed on
    every item (share 1.0), describing on 3 of 8, and observing and
    non-reactivity on none (Baer et al. 2006).
    """
    facets = FFMQ_FACETS if facets is None else facets
    key = set(int(i) for i in (FFMQ_REVERSE_ITEMS if reverse_items is None else reverse_items))
    return {name: sum(int(i) in key for i in items) / len(tuple(items)) for name, items in facets.items()}


def unflipped_facet(flipped_score: int, n_items: int, low: int = 1, high: int = 5) -> int:
    """What a facet whose items are ALL reverse-keyed reads if the flip is forgotten.

    Each item then contributes ``r`` instead of ``low + high - r``, so the
    facet reads ``n_items * (low + high) - flipped_score``: on the 1-5 scale,
    an 8-item facet of 40 (most mindful) reads 8 (least), and 24 stays 24.
    The order of people on the facet is turned upside down.

    Raises
    ------
    course.errors.DataError
        If the score is not a whole number within ``n_items * low`` to
        ``n_items * high``.
    """
    lowest, highest = score_range(n_items, low, high)
    _check_responses([flipped_score], lowest, highest, what=tr("facet score"))
    return int(n_items * (low + high) - flipped_score)


def ffmq_flip_comparison(before: Sequence[int], after: Sequence[int]) -> list[dict]:
    """Facet change from ``before`` to ``after``, scored right and scored without the flip (FFMQ-39).

    Parameters
    ----------
    before, after : sequence of int
        Two sets of 39 answers (1-5) from the same person, e.g. at the first
        and last session.

    Returns
    -------
    list of dict
        One per facet, in the order of :data:`FFMQ_FACETS`: ``facet``,
        ``right_before``, ``right_after``, ``noflip_before``,
        ``noflip_after`` and ``right_change`` / ``noflip_change`` (after
        minus before). For acting with awareness and non-judging the two
        changes have opposite signs.

    Raises
    ------
    course.errors.DataError
        As :func:`ffmq_facet_scores`.

    References
    ----------
    .. [1] Baer RA et al. (2006). *Assessment* 13(1):27-45.
       doi:10.1177/1073191105283504
    """
    right0, right1 = ffmq_facet_scores(before), ffmq_facet_scores(after)
    wrong0, wrong1 = ffmq_facet_scores(before, flip=False), ffmq_facet_scores(after, flip=False)
    return [{"facet": f, "right_before": right0[f], "right_after": right1[f], "noflip_before": wrong0[f],
             "noflip_after": wrong1[f], "right_change": right1[f] - right0[f], "noflip_change": wrong1[f] - wrong0[f]}
            for f in FFMQ_FACETS]
