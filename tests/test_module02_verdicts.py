"""Module 02, lesson 01: both verdict exercises give partial credit, and the arguable reference accepts two verdicts."""

from __future__ import annotations

import pytest
from test_claims import PRACTICE_ALSO_RIGHT, PRACTICE_KEY

from course import claims, evidence_check
from course.errors import CheckFailed

# The plain key of exercise 1 (SEED_000), from EVIDENCE.md E; lewis2020 accepts two verdicts.
SEED_000_RIGHT = {
    "andersen2021": "not found",
    "foa2007": "verified",
    "lewis2020": "mixed up",
    "rozental2017": "verified",
    "mills1982": "not a research source",
    "banks2009": "not a research source",
    "lakhan2024": "not a research source",
    "mckay2016": "not a research source",
    "siegel2023": "verified with errors",
}


@pytest.mark.parametrize("lewis", ["mixed up", "verified with errors", " Verified With Errors "])
def test_the_garbled_author_list_accepts_either_verdict(lewis):
    answers = dict(SEED_000_RIGHT, lewis2020=lewis)
    assert evidence_check.SEED_000.number_correct(answers) == 9
    assert evidence_check.SEED_000.points_earned(answers, 3) == 3


@pytest.mark.parametrize("lewis", ["verified", "not found", "not a research source"])
def test_the_garbled_author_list_rejects_the_other_verdicts(lewis):
    assert evidence_check.SEED_000.wrong_items(dict(SEED_000_RIGHT, lewis2020=lewis)) == ["lewis2020"]


def test_seed_000_partial_credit_rounds_down_and_names_items_not_answers(capsys):
    # 8 of 9 right: floor(3 * 8 / 9) = 2.
    answers = dict(SEED_000_RIGHT, andersen2021="verified")
    assert evidence_check.SEED_000.points_earned(answers, 3) == 2
    out = capsys.readouterr().out
    assert "8 of 9" in out and "andersen2021" in out
    assert "not found" not in out
    # 3 of 9 right is one point; 2 of 9 is none, and the cell fails with a sentence.
    wrong = dict.fromkeys(SEED_000_RIGHT, "verified")  # foa2007 and rozental2017 right
    assert evidence_check.SEED_000.number_correct(wrong) == 2
    with pytest.raises(CheckFailed, match="not yet enough for a point"):
        evidence_check.SEED_000.points_earned(wrong, 3)
    assert evidence_check.SEED_000.points_earned(dict(wrong, andersen2021="not found"), 3) == 1


@pytest.mark.parametrize("changes,points", [
    ({}, 3),
    ({"b_pe_beats_others": "supported"}, 2),                                   # 6 of 7: floor(3 * 6/7)
    ({"b_pe_beats_others": "supported", "d_harms_rare": "supported"}, 2),      # 5 of 7
    ({"b_pe_beats_others": "supported", "d_harms_rare": "supported",
      "e_followup_g": "supported"}, 1),                                        # 4 of 7
    ({"b_pe_beats_others": "supported", "d_harms_rare": "supported",
      "e_followup_g": "supported", "g_stabilise_first": "supported"}, 1),      # 3 of 7
])
def test_practice_partial_credit(changes, points):
    assert claims.PRACTICE.points_earned(dict(PRACTICE_KEY, **changes), 3) == points


def test_practice_second_accepted_verdicts_earn_full_marks():
    assert claims.PRACTICE.points_earned(dict(PRACTICE_KEY, **PRACTICE_ALSO_RIGHT), 3) == 3


def test_practice_too_few_right_earns_nothing_with_an_explanation():
    answers = dict(PRACTICE_KEY, b_pe_beats_others="supported", c_rozental_harm="supported",
                   d_harms_rare="supported", e_followup_g="supported", g_stabilise_first="supported")  # 2 of 7
    with pytest.raises(CheckFailed, match="2 of 7"):
        claims.PRACTICE.points_earned(answers, 3)
