"""Which recordings can be compared (course.comparability)."""

from __future__ import annotations

import pytest

from course import comparability
from course.errors import DataError

BASE = {"duration_s": 300, "posture": "lying", "breaths_per_min": 15, "flagged_pct": 1.0}


def changed(**fields):
    return {**BASE, **fields}


def test_identical_recordings_have_no_problem():
    assert comparability.comparison_problems(BASE, dict(BASE)) == []
    assert comparability.comparison_problems(BASE, dict(BASE), "LF") == []


@pytest.mark.parametrize("fields,band,expected", [
    ({"duration_s": 60, "posture": "sitting", "breaths_per_min": 6, "flagged_pct": 2}, "HF",
     ["too short", "different length", "different posture", "different breathing band"]),
    ({"posture": "Lying "}, "HF", []),                            # same word, other spelling
    ({"posture": "standing"}, "HF", ["different posture"]),
    ({"breaths_per_min": 9}, "HF", []),                           # 0.15 Hz is HF, like 15/min
    ({"breaths_per_min": 8.9}, "HF", ["different breathing band"]),
    ({"breaths_per_min": 24}, "HF", ["different breathing band"]),  # 0.40 Hz is outside HF
    ({"flagged_pct": 5.0}, "HF", []),                             # the limit itself is allowed
    ({"flagged_pct": 5.1}, "HF", ["too many flagged"]),
    ({"duration_s": 330}, "HF", []),                              # exactly 10 % longer
    ({"duration_s": 331}, "HF", ["different length"]),
])
def test_each_rule_alone(fields, band, expected):
    assert comparability.comparison_problems(BASE, changed(**fields), band) == expected
    assert comparability.comparison_problems(changed(**fields), BASE, band) == expected  # symmetric


def test_the_ten_times_rule_depends_on_the_band():
    two_minutes = changed(duration_s=120)
    pair = (two_minutes, dict(two_minutes))
    assert comparability.comparison_problems(*pair, "HF") == []
    assert comparability.comparison_problems(*pair, "LF") == ["too short"]
    assert comparability.comparison_problems(changed(duration_s=250), changed(duration_s=250), "LF") == []
    assert comparability.comparison_problems(changed(duration_s=66), changed(duration_s=66), "HF") == ["too short"]


def test_problems_come_in_the_documented_order():
    worst = {"duration_s": 30, "posture": "standing", "breaths_per_min": 6, "flagged_pct": 12}
    assert comparability.comparison_problems(BASE, worst) == list(comparability.PROBLEMS)


@pytest.mark.parametrize("bad,words", [
    ([300, "lying"], "dictionary"),
    ({"duration_s": 300, "posture": "lying", "breaths_per_min": 15}, "flagged_pct"),
    (changed(duration_s="five minutes"), "number"),
    (changed(duration_s=0), "above zero"),
    (changed(flagged_pct=140), "percentage"),
    (changed(posture=""), "posture"),
    (changed(breaths_per_min=True), "number"),
])
def test_bad_descriptions_get_a_sentence(bad, words):
    with pytest.raises(DataError, match=words):
        comparability.comparison_problems(BASE, bad)


def test_unknown_band_is_refused():
    with pytest.raises(DataError, match="HF' or 'LF"):
        comparability.comparison_problems(BASE, BASE, "VLF")


def test_table_lists_every_pair():
    table = comparability.comparison_table({"a": BASE, "b": dict(BASE), "c": changed(posture="standing")})
    assert table["pair"].tolist() == ["a vs b", "a vs c", "b vs c"]
    assert table["problems"].tolist() == ["none found", "different posture", "different posture"]


def test_practice_cases_try_every_rule():
    cases = comparability.practice_cases()
    seen = {p for a, b, band in cases for p in comparability.comparison_problems(a, b, band)}
    assert seen == set(comparability.PROBLEMS)


def _without(rule):
    def checklist(first, second, band="HF"):
        return [p for p in comparability.comparison_problems(first, second, band) if p != rule]
    return checklist


def test_checker_accepts_the_reference_in_any_order():
    def reversed_order(first, second, band="HF"):
        return list(reversed(comparability.comparison_problems(first, second, band)))
    assert comparability.check_learner_checklist(reversed_order, comparability.practice_cases()) == 60


@pytest.mark.parametrize("rule", comparability.PROBLEMS)
def test_checker_names_each_missing_rule(rule):
    from course.errors import CheckFailed
    with pytest.raises(CheckFailed) as failure:
        comparability.check_learner_checklist(_without(rule), comparability.practice_cases(), reveal=False)
    assert repr(rule) in str(failure.value) and "hidden" in str(failure.value)
    assert failure.value.hint == comparability.RULE_HINTS[rule]


def test_checker_refuses_wrong_kinds_of_answer():
    from course.errors import CheckFailed, NotAttempted

    def stub(first, second, band="HF"):
        raise NotImplementedError()
    cases = comparability.practice_cases(5)
    with pytest.raises(NotAttempted):
        comparability.check_learner_checklist(stub, cases)
    with pytest.raises(CheckFailed, match="list of problem words"):
        comparability.check_learner_checklist(lambda a, b, band: "too short", cases)
    with pytest.raises(CheckFailed, match="not one of the problem words"):
        comparability.check_learner_checklist(lambda a, b, band: ["short"], cases)
    with pytest.raises(CheckFailed, match="reported, wrongly"):
        comparability.check_learner_checklist(lambda a, b, band: list(comparability.PROBLEMS), cases)
