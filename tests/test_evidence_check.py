"""The reference-checking exercise: answer key, format feedback, no answers in plain text."""

from __future__ import annotations

import pytest

from course import evidence_check
from course.errors import CheckFailed
from course.paths import REPO_ROOT

# From EVIDENCE.md section E (seed 001), the verdict on each reference.
KEY = {
    "delooff2018": "verified",
    "grossi2015": "mixed up",
    "olff2007": "verified",
    "sertoz2008": "verified with errors",
    "steptoe2004": "not found",
    "verywell_mind2025": "not a research source",
    "verywell_health2022": "not a research source",
}


def test_the_key_scores_full_marks_and_tolerates_case_and_spaces():
    assert evidence_check.SEED_001.number_correct(KEY) == 7
    shouted = {k: f"  {v.upper()} " for k, v in KEY.items()}
    assert evidence_check.SEED_001.number_correct(shouted) == 7


def test_each_wrong_verdict_costs_one():
    answers = dict(KEY, grossi2015="verified", steptoe2004="verified with errors")
    assert evidence_check.SEED_001.number_correct(answers) == 5


def test_all_verified_is_not_enough():
    assert evidence_check.SEED_001.number_correct({k: "verified" for k in KEY}) == 2


@pytest.mark.parametrize("answers,words", [
    ([], "dictionary"),
    ({"delooff2018": "verified"}, "missing"),
    (dict(KEY, extra2020="verified"), "not references"),
    (dict(KEY, olff2007="true"), "one of the five verdicts"),
])
def test_format_problems_are_explained(answers, words):
    with pytest.raises(CheckFailed, match=words):
        evidence_check.SEED_001.check_format(answers)


def test_table_lists_every_reference_once():
    table = evidence_check.SEED_001.table()
    assert list(table["ref_id"]) == list(KEY)
    assert table["what_the_check_found"].str.len().min() > 40


def test_answer_key_is_not_in_the_package_in_plain_text():
    for path in (REPO_ROOT / "course" / "evidence_check.py", REPO_ROOT / "course" / "content" / "reference_checks.toml"):
        source = path.read_text(encoding="utf-8")
        assert '"grossi2015": "mixed up"' not in source and 'grossi2015 = "mixed up"' not in source


def test_require_all_correct_reports_the_count():
    evidence_check.SEED_001.require_all_correct(KEY)
    with pytest.raises(CheckFailed, match="6 of 7 verdicts"):
        evidence_check.SEED_001.require_all_correct(dict(KEY, olff2007="not found"))


SEED_000_KEY = {
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


def test_seed_000_key_scores_full_marks_and_a_slip_costs_one():
    evidence_check.SEED_000.require_all_correct(SEED_000_KEY)
    with pytest.raises(CheckFailed, match="8 of 9"):
        evidence_check.SEED_000.require_all_correct(dict(SEED_000_KEY, andersen2021="verified"))
    assert list(evidence_check.SEED_000.table()["ref_id"]) == list(SEED_000_KEY)


def test_answers_for_one_article_do_not_unlock_the_other():
    with pytest.raises(CheckFailed, match="missing"):
        evidence_check.SEED_000.check_format(KEY)
