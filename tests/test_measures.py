"""Scoring PACS and scales with reverse-keyed items: hand examples, bounds, plain-language errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from course import feedback, measures
from course.errors import CheckFailed, DataError, NotAttempted

SCALE = measures.ILLUSTRATIVE_SCALE


# --- PACS (Flannery et al. 1999: 5 items, each 0-6, total 0-30) -------------------------------------

@pytest.mark.parametrize("items,total", [
    ([0, 0, 0, 0, 0], 0),
    ([6, 6, 6, 6, 6], 30),
    ([3, 2, 4, 1, 5], 15),
    ((1, 1, 1, 1, 2), 6),
    (np.array([2, 3, 4, 5, 6]), 20),
    ([2.0, 3.0, 4.0, 5.0, 6.0], 20),
])
def test_pacs_totals_by_hand(items, total):
    assert measures.score_pacs(items) == total
    assert isinstance(measures.score_pacs(items), int)


def test_pacs_every_valid_answer_set_stays_within_0_to_30():
    totals = {measures.score_pacs(c) for c in itertools.product(range(7), repeat=5)}
    assert totals == set(range(31))


@pytest.mark.parametrize("items,words", [
    ([1, 2, 3, 4], "has 5 items, but 4 answers"),
    ([1, 2, 3, 4, 5, 6], "has 5 items, but 6 answers"),
    ([1, 2, 7, 4, 5], "Item 3 of the PACS is 7, but answers run from 0 to 6"),
    ([-1, 2, 3, 4, 5], "Item 1 of the PACS is -1"),
    ([1, None, 3, 4, 5], "Item 2 of the PACS has no answer"),
    ([1, 2, float("nan"), 4, 5], "Item 3 of the PACS has no answer"),
    ([1, 2, "3", 4, 5], "not a number"),
    ([1, 2, 3.5, 4, 5], "whole numbers"),
    ([1, True, 3, 4, 5], "not a number"),
    ("12345", "list of numbers"),
    (15, "list of numbers"),
])
def test_pacs_errors_are_sentences_and_value_errors(items, words):
    with pytest.raises(ValueError, match=words) as info:
        measures.score_pacs(items)
    assert isinstance(info.value, DataError)


def test_pacs_cutoffs_follow_hartwell_2019():
    assert measures.pacs_cutoffs(14)[0].startswith("total >= 15: not reached")
    assert measures.pacs_cutoffs(15)[0].startswith("total >= 15: reached (sensitivity 67 %, specificity 81 %")
    assert measures.pacs_cutoffs(20)[1].startswith("total > 20: not reached")
    assert measures.pacs_cutoffs(21)[1].startswith("total > 20: reached (sensitivity 41 %, specificity 95 %")
    with pytest.raises(DataError):
        measures.pacs_cutoffs(31)


def test_cutoff_counts_per_hundred():
    assert measures.cutoff_counts() == [
        {"rule": "total >= 15", "flagged_with": 67, "missed_with": 33, "flagged_without": 19},
        {"rule": "total > 20", "flagged_with": 41, "missed_with": 59, "flagged_without": 5},
    ]


# --- ranges (Baer et al. 2006: FFMQ-39 items 1-5, total 39-195; facets 8-40, non-reactivity 7-35) ---------

def test_ffmq_ranges_from_the_structure():
    assert sum(measures.FFMQ_FACET_SIZES.values()) == 39
    assert measures.score_range(39, *measures.FFMQ_RESPONSE_RANGE) == (39, 195)
    assert measures.score_range(8, 1, 5) == (8, 40)
    assert measures.score_range(7, 1, 5) == (7, 35)
    assert measures.score_range(5, 0, 6) == (0, 30)  # PACS


@pytest.mark.parametrize("args", [(0, 1, 5), (3, 5, 1), (3, 1, 1), (3, 1.5, 5)])
def test_score_range_rejects_nonsense(args):
    with pytest.raises(DataError):
        measures.score_range(*args)


# --- reverse scoring --------------------------------------------------------------------------------

@pytest.mark.parametrize("response,low,high,expected", [
    (1, 1, 5, 5), (2, 1, 5, 4), (3, 1, 5, 3), (5, 1, 5, 1), (0, 0, 6, 6), (4, 0, 6, 2), (7, 1, 7, 1),
])
def test_reverse_score_by_hand(response, low, high, expected):
    assert measures.reverse_score(response, low, high) == expected


def test_reversing_twice_gives_the_answer_back():
    for r in range(1, 6):
        assert measures.reverse_score(measures.reverse_score(r, 1, 5), 1, 5) == r
        assert measures.reverse_score(r, 1, 5) == 6 - r


@pytest.mark.parametrize("args,words", [
    ((6, 1, 5), "answers run from 1 to 5"), ((None, 1, 5), "missing"), ((3, 5, 1), "must be below"),
])
def test_reverse_score_errors(args, words):
    with pytest.raises(ValueError, match=words):
        measures.reverse_score(*args)


# --- scoring a scale with a key passed in --------------------------------------------------------------

def test_illustrative_scale_by_hand():
    rev = SCALE["reverse_items"]
    assert rev == (2, 6)
    # Someone "very mindful" on every item answers 5 to the plain items and 1 to the reversed ones.
    assert measures.score_scale([5, 1, 5, 5, 5, 1], rev, 1, 5) == 30
    assert measures.score_scale([1, 5, 1, 1, 1, 5], rev, 1, 5) == 6
    assert measures.score_scale([3] * 6, rev, 1, 5) == 18
    # Worked example: 4 + (6-1) + 4 + 5 + 4 + (6-2) = 26, whereas the naive sum is 20.
    assert measures.score_scale([4, 1, 4, 5, 4, 2], rev, 1, 5) == 26
    assert measures.score_scale([4, 1, 4, 5, 4, 2], [], 1, 5) == 20


def test_score_scale_matches_an_independent_numpy_version():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(3, 40))
        answers = rng.integers(1, 6, n)
        key = sorted(rng.choice(np.arange(1, n + 1), size=int(rng.integers(0, n)), replace=False).tolist())
        mask = np.isin(np.arange(1, n + 1), key)
        expected = int(np.where(mask, 6 - answers, answers).sum())
        assert measures.score_scale(answers.tolist(), key, 1, 5) == expected
        low, high = measures.score_range(n, 1, 5)
        assert low <= expected <= high


@pytest.mark.parametrize("responses,key,words", [
    ([1, 2, 3], [4], "not an item number"),
    ([1, 2, 3], [0], "numbered 1 to 3"),
    ([1, 2, 3], [1, 1], "twice"),
    ([1, 2, 3], "2", "list of item numbers"),
    ([1, 9, 3], [2], "Item 2 of the scale is 9"),
    ([1, None, 3], [2], "Item 2 of the scale has no answer"),
    ([], [], "no scale answers"),
])
def test_score_scale_errors(responses, key, words):
    with pytest.raises(ValueError, match=words):
        measures.score_scale(responses, key, 1, 5)


def test_facet_scores_add_up_to_the_total():
    answers = [4, 1, 4, 5, 4, 2]
    facets = measures.facet_scores(answers, SCALE["facets"], SCALE["reverse_items"], 1, 5)
    assert facets == {"noticing": 4 + 4 + 4, "attending": (6 - 1) + 5 + (6 - 2)}
    assert sum(facets.values()) == measures.score_scale(answers, SCALE["reverse_items"], 1, 5)


@pytest.mark.parametrize("facets,words", [
    ({"a": (1, 2, 3), "b": (3, 4, 5, 6)}, "two facets"),
    ({"a": (1, 2, 3), "b": (4, 5)}, "belong to no facet"),
    ({"a": (1, 2, 3), "b": (4, 5, 6, 7)}, "not an item number"),
])
def test_facet_scores_errors(facets, words):
    with pytest.raises(DataError, match=words):
        measures.facet_scores([3] * 6, facets, [], 1, 5)


def test_illustrative_scale_is_labelled_and_consistent():
    assert "made up" in SCALE["name"] and "not validated" in SCALE["name"]
    assert len(SCALE["items"]) == 6
    items = sorted(i for facet in SCALE["facets"].values() for i in facet)
    assert items == list(range(1, 7))


# --- the grading helper -----------------------------------------------------------------------------

def _good(items):
    if len(items) != 5:
        raise ValueError("The PACS has five items.")
    return sum(items)


def _silent(items):
    return sum(items)


def _terse(items):
    raise ValueError("bad")


def _wrong_kind(items):
    raise TypeError("The PACS has five items.")


def _stub(items):
    raise NotImplementedError()


def test_check_raises_passes_a_function_that_explains():
    assert feedback.check_raises(_good, [[1, 2, 3]], problem="three answers", need_message=True) == "The PACS has five items."


@pytest.mark.parametrize("func,error,words", [
    (_silent, CheckFailed, "accepted three answers and returned 6"),
    (_terse, CheckFailed, "does not explain"),
    (_wrong_kind, CheckFailed, "TypeError"),
    (_stub, NotAttempted, "not written"),
    (42, CheckFailed, "should be a function"),
])
def test_check_raises_fails_otherwise(func, error, words):
    with pytest.raises(error, match=words):
        feedback.check_raises(func, [[1, 2, 3]], problem="three answers", name="score_pacs", need_message=True)


def test_course_score_pacs_passes_its_own_grading_checks():
    for bad, problem in (([1, 2, 3, 4], "four answers"), ([1, 2, 3, 4, 7], "an answer of 7")):
        assert len(feedback.check_raises(measures.score_pacs, [bad], problem=problem, need_message=True).split()) >= 5


# --- the published FFMQ-39 key (Baer et al. 2006; evidence part 2, section 4) -------------------------------

def test_ffmq_key_matches_the_published_table():
    facets = measures.FFMQ_FACETS
    assert {name: len(items) for name, items in facets.items()} == measures.FFMQ_FACET_SIZES
    assert sorted(i for items in facets.values() for i in items) == list(range(1, 40))
    assert len(measures.FFMQ_REVERSE_ITEMS) == 19 and len(set(measures.FFMQ_REVERSE_ITEMS)) == 19
    rev = set(measures.FFMQ_REVERSE_ITEMS)
    assert set(facets["acting with awareness"]) <= rev
    assert set(facets["non-judging of inner experience"]) <= rev
    assert rev & set(facets["describing"]) == {12, 16, 22}
    assert not rev & set(facets["observing"]) and not rev & set(facets["non-reactivity to inner experience"])
    # Items seen on the published scoring form (items 1-18; evidence part 3, item 19).
    assert {3, 5, 8, 10, 12, 13, 14, 16, 17, 18} == {i for i in rev if i <= 18}
    assert measures.reverse_keyed_share() == {
        "observing": 0.0, "describing": 3 / 8, "acting with awareness": 1.0,
        "non-judging of inner experience": 1.0, "non-reactivity to inner experience": 0.0}


def test_ffmq_facet_scores_by_hand():
    # Someone "most mindful" everywhere: 5 on plain items, 1 on reverse-keyed ones -> every facet at its top.
    best = [1 if i in measures.FFMQ_REVERSE_ITEMS else 5 for i in range(1, 40)]
    assert measures.ffmq_facet_scores(best) == {
        "observing": 40, "describing": 40, "acting with awareness": 40,
        "non-judging of inner experience": 40, "non-reactivity to inner experience": 35}
    assert measures.ffmq_facet_scores([3] * 39) == {name: 3 * len(items) for name, items in measures.FFMQ_FACETS.items()}
    # Without the flip the two fully reverse-keyed facets fall to the bottom; observing does not move.
    wrong = measures.ffmq_facet_scores(best, flip=False)
    assert wrong["acting with awareness"] == 8 and wrong["non-judging of inner experience"] == 8
    assert wrong["observing"] == 40 and wrong["describing"] == 5 * 5 + 3 * 1


def test_forgetting_the_flip_inverts_the_fully_reversed_facets():
    rng = np.random.default_rng(16)
    for _ in range(30):
        answers = rng.integers(1, 6, 39)
        right = measures.ffmq_facet_scores(answers.tolist())
        wrong = measures.ffmq_facet_scores(answers.tolist(), flip=False)
        for facet in ("acting with awareness", "non-judging of inner experience"):
            assert wrong[facet] == measures.unflipped_facet(right[facet], 8) == 48 - right[facet]
        for facet in ("observing", "non-reactivity to inner experience"):
            assert wrong[facet] == right[facet]
    assert measures.unflipped_facet(40, 8) == 8 and measures.unflipped_facet(24, 8) == 24
    with pytest.raises(DataError, match="facet score"):
        measures.unflipped_facet(41, 8)


@pytest.mark.parametrize("answers,words", [
    ([3] * 38, "has 39 items, but 38 answers"),
    ([3] * 20 + [None] + [3] * 18, "Item 21 of the FFMQ-39 has no answer"),
    ([3] * 38 + [6], "Item 39 of the FFMQ-39 is 6"),
])
def test_ffmq_refuses_incomplete_or_out_of_range_answers(answers, words):
    with pytest.raises(DataError, match=words):
        measures.ffmq_facet_scores(answers)


# --- NumPy whole numbers as item numbers (issue 16, item 10) ---------------------------------------------

def test_numpy_integer_item_numbers_are_accepted():
    answers = [4, 1, 4, 5, 4, 2]
    key = np.array([2, 6])  # iterating gives numpy.int64, not int
    assert isinstance(next(iter(key)), np.integer)
    assert measures.score_scale(answers, key, 1, 5) == 26
    assert measures.score_scale(answers, [np.int32(2), np.int64(6)], 1, 5) == 26
    facets = {"noticing": np.array([1, 3, 5]), "attending": (np.int64(2), 4, np.uint8(6))}
    assert measures.facet_scores(answers, facets, key, 1, 5) == {"noticing": 12, "attending": 14}
    assert measures.facet_scores(np.array(answers), facets, key, np.int64(1), np.int64(5)) == {
        "noticing": 12, "attending": 14}


@pytest.mark.parametrize("key,words", [
    ([2.0], "not a whole item number"),
    ([np.float64(2)], "not a whole item number"),
    ([True], "not a whole item number"),
    ([np.bool_(True)], "not a whole item number"),
    ([np.int64(7)], "Reverse-keyed item 7 is not an item number"),
    ([np.int64(2), 2], "twice"),
])
def test_item_numbers_that_are_not_whole_or_out_of_range_are_explained(key, words):
    with pytest.raises(DataError, match=words):
        measures.score_scale([4, 1, 4, 5, 4, 2], key, 1, 5)


def test_flip_comparison_turns_an_improvement_into_a_decline():
    before = [4 if i in measures.FFMQ_REVERSE_ITEMS else 3 for i in range(1, 40)]
    after = [2 if i in measures.FFMQ_REVERSE_ITEMS else 4 for i in range(1, 40)]
    rows = {r["facet"]: r for r in measures.ffmq_flip_comparison(before, after)}
    assert list(rows) == list(measures.FFMQ_FACETS)
    aa = rows["acting with awareness"]
    assert (aa["right_before"], aa["right_after"], aa["noflip_before"], aa["noflip_after"]) == (16, 32, 32, 16)
    assert aa["right_change"] == 16 and aa["noflip_change"] == -16
    assert rows["observing"]["right_change"] == rows["observing"]["noflip_change"] == 8
    # Describing (3 of 8 reversed) improves by 11 when scored right but seems flat without the flip.
    assert rows["describing"]["right_change"] == 11 and rows["describing"]["noflip_change"] == -1
    with pytest.raises(DataError, match="39 items"):
        measures.ffmq_flip_comparison(before[:-1], after)
