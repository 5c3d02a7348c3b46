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

# Verdicts that are genuinely arguable: the key accepts these as well (a sealed note says why).
ALSO_ACCEPTED = {"steptoe2004": "mixed up"}


def test_the_key_scores_full_marks_and_tolerates_case_and_spaces():
    assert evidence_check.SEED_001.number_correct(KEY) == 7
    shouted = {k: f"  {v.upper()} " for k, v in KEY.items()}
    assert evidence_check.SEED_001.number_correct(shouted) == 7


def test_each_wrong_verdict_costs_one():
    answers = dict(KEY, grossi2015="verified", steptoe2004="verified with errors")
    assert evidence_check.SEED_001.number_correct(answers) == 5


def test_the_arguable_verdict_is_accepted_and_others_are_not():
    assert evidence_check.SEED_001.number_correct(dict(KEY, **ALSO_ACCEPTED)) == 7
    # "mixed up" is arguable only for steptoe2004, not for every reference
    assert evidence_check.SEED_001.number_correct(dict(KEY, olff2007="mixed up")) == 6
    assert evidence_check.SEED_001.wrong_items(dict(KEY, steptoe2004="verified")) == ["steptoe2004"]


def test_partial_credit_rounds_down_and_names_items_without_their_verdicts(capsys):
    key = evidence_check.SEED_001
    assert key.points_earned(KEY, 3) == 3
    assert key.points_earned(dict(KEY, **ALSO_ACCEPTED), 3) == 3
    # 5 of 7 right: floor(3 * 5 / 7) = 2
    assert key.points_earned(dict(KEY, grossi2015="verified", sertoz2008="verified"), 3) == 2
    out = capsys.readouterr().out
    assert "5 of 7" in out and "grossi2015, sertoz2008" in out
    assert "mixed up" not in out and "verified with errors" not in out
    # 3 of 7 right: floor(9 / 7) = 1
    assert key.points_earned({k: "verified" if k != "grossi2015" else "mixed up" for k in KEY}, 3) == 1
    # 2 of 7 right is not enough for a point: the cell fails with an explanation
    with pytest.raises(CheckFailed, match="2 of 7 verdicts"):
        key.points_earned({k: "verified" for k in KEY}, 3)


def test_all_verified_is_not_enough():
    assert evidence_check.SEED_001.number_correct({k: "verified" for k in KEY}) == 2


@pytest.mark.parametrize("answers,words", [
    ([], "dictionary"),
    ({"delooff2018": "verified"}, "missing"),
    (dict(KEY, extra2020="verified"), "match no reference"),
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


def test_the_note_on_the_arguable_reference_opens_only_with_an_accepted_verdict(capsys):
    key = evidence_check.SEED_001
    assert set(key.notes) == set(ALSO_ACCEPTED)
    for verdict in ("not found", "mixed up"):
        note = key.earned_notes(dict(KEY, steptoe2004=verdict))["steptoe2004"]
        assert "'Mixed up' is accepted too" in note
    assert key.earned_notes(dict(KEY, steptoe2004="verified")) == {}
    # the note is printed with the score, below full marks too
    key.points_earned(dict(KEY, grossi2015="verified", steptoe2004="mixed up"), 3)
    assert "About steptoe2004:" in capsys.readouterr().out
    # and it is stored sealed: its words are not in the content file
    source = (REPO_ROOT / "course" / "content" / "reference_checks.toml").read_text(encoding="utf-8")
    assert "is accepted too" not in source
