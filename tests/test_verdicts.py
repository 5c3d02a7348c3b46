"""The verdict-exercise answer key: hashes, feedback that hides the answers, partial credit, sealed notes."""

from __future__ import annotations

import pytest

from course import feedback, verdicts
from course.errors import CheckFailed, NotAttempted

# --------------------------------------------------------------------------- the hashed verdict key

WORDS = {"right": "what the evidence shows", "wrong": "what it does not", "arguable": "one of two fair readings"}
PLAIN = {"a": "right", "b": "wrong", "c": ["right", "arguable"], "d": "wrong"}


def _key(**kw) -> verdicts.VerdictKey:
    return verdicts.VerdictKey(
        name="toy", columns=("item_id", "text"), rows=tuple((i, f"statement {i}") for i in PLAIN),
        verdicts=WORDS, answer_hashes=verdicts.VerdictKey.hashes_for("toy", PLAIN), item="statement", **kw)


KEY = _key(agreement="match the key", hint="Reread each statement.")
RIGHT = {"a": "right", "b": "wrong", "c": "arguable", "d": "wrong"}


def test_digest_is_sha256_of_name_item_and_verdict_cut_to_8_hex_digits():
    import hashlib

    assert verdicts.verdict_digest("seed001", "olff2007", " Verified ") == \
        hashlib.sha256(b"seed001|olff2007|verified").hexdigest()[:8]
    assert KEY.answer_hashes["a"] == (verdicts.verdict_digest("toy", "a", "right"),)
    assert len(KEY.answer_hashes["c"]) == 2


def test_the_right_verdicts_pass_both_ways_of_an_arguable_item():
    KEY.require_all_correct(RIGHT)
    KEY.require_all_correct(dict(RIGHT, c="right"))
    assert KEY.number_correct({k: f"  {v.upper()} " for k, v in RIGHT.items()}) == 4
    assert KEY.wrong_items(RIGHT) == []
    assert KEY.points_earned(RIGHT, 3) == 3


def test_a_wrong_verdict_is_named_but_its_right_verdict_is_not():
    answers = dict(RIGHT, b="right")
    assert KEY.number_correct(answers) == 3
    assert KEY.wrong_items(answers) == ["b"]
    with pytest.raises(CheckFailed, match="3 of 4 verdicts match the key") as caught:
        KEY.require_all_correct(answers)
    assert "wrong" not in str(caught.value).replace("Reread", "")


@pytest.mark.parametrize("answers,points,earned", [
    (RIGHT, 2, 2),
    (dict(RIGHT, b="right"), 2, 1),                  # 3 of 4: floor(2 * 3/4) = 1
    (dict(RIGHT, b="right", d="right"), 3, 1),       # 2 of 4: floor(3 * 2/4) = 1
    (dict(RIGHT, b="right"), 5, 3),                  # floor(5 * 3/4) = 3
])
def test_partial_credit_is_the_floor_of_the_share_of_points(answers, points, earned, capsys):
    got = KEY.points_earned(answers, points)
    assert got == earned and type(got) is int
    out = capsys.readouterr().out
    if earned < points:
        assert f"worth {earned} of {points} points" in out and "Look again at: b" in out
        assert "right" not in out.split("Look again at:")[1].replace("b", "")
    else:
        assert out == f"All 4 verdicts match the key: {points} of {points} points.\n"


@pytest.mark.parametrize("answers,words", [
    ({"a": "wrong", "b": "right", "c": "wrong", "d": "right"}, "0 of 4"),   # nothing right
    (dict(RIGHT, a="wrong", b="right", c="wrong"), "not yet enough for a point"),  # 1 of 4 of 2 points: 0
    ({}, "missing"),
    ([], "dictionary"),
])
def test_partial_credit_fails_when_nothing_counts(answers, words):
    with pytest.raises(CheckFailed, match=words):
        KEY.points_earned(answers, 2)


def test_partial_credit_needs_whole_points():
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError):
            KEY.points_earned(RIGHT, bad)


def test_an_unanswered_exercise_is_not_attempted_before_the_key_sees_it():
    with pytest.raises(NotAttempted):
        KEY.points_earned(feedback.answer("verdicts", {}), 2)


@pytest.mark.parametrize("answers,words", [
    ([], '`verdicts` should be a dictionary like {"item_id": "right", ...}'),
    ({"a": "right"}, "Give a verdict for every statement; missing: b, c, d"),
    (dict(RIGHT, e="right"), "These keys match no statement in the list: e"),
    (dict(RIGHT, a="true"), "Use one of the three verdicts exactly as written"),
    (dict(RIGHT, a=1), "Use one of the three verdicts exactly as written"),
])
def test_format_problems_are_sentences(answers, words):
    with pytest.raises(CheckFailed) as caught:
        KEY.check_format(answers)
    assert words in str(caught.value)


def test_partial_credit_output_is_what_nbgrader_scores():
    """A test cell ending with points_earned: nbgrader reads the number from the cell's last result."""
    import nbformat
    from nbgrader.utils import determine_grade

    def graded_cell(outputs):
        cell = nbformat.v4.new_code_cell("KEY.points_earned(answers, 2)", outputs=outputs)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 2, "grade_id": "t"}
        return cell

    earned = KEY.points_earned(dict(RIGHT, b="right"), 2)
    half = graded_cell([nbformat.v4.new_output("stream", name="stdout", text="3 of 4 ...\n"),
                        nbformat.v4.new_output("execute_result", data={"text/plain": repr(earned)}, execution_count=1)])
    assert determine_grade(half) == (1, 2.0)
    failed = graded_cell([nbformat.v4.new_output("error", ename="CheckFailed", evalue="0 of 4", traceback=[])])
    assert determine_grade(failed) == (0, 2.0)


def test_what_nbgrader_does_with_other_outputs():
    """nbgrader 0.9 (``nbgrader.utils.determine_grade``): why the lesson checks insist on P = the cell's points.

    A number above the cell's points is not capped but refused; anything on stderr (a warning) before the
    result scores 0; no result at all (``score = ...`` or a trailing semicolon) scores full marks.
    """
    import nbformat
    from nbgrader.utils import determine_grade

    def graded_cell(outputs, points=2):
        cell = nbformat.v4.new_code_cell("KEY.points_earned(answers, 2)", outputs=outputs)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": points, "grade_id": "t"}
        return cell

    def result(value):
        return nbformat.v4.new_output("execute_result", data={"text/plain": value}, execution_count=1)

    with pytest.raises(ValueError, match="greater than maximum"):
        determine_grade(graded_cell([result("3")]))
    warned = [nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: ...\n"), result("2")]
    assert determine_grade(graded_cell(warned)) == (0, 2.0)
    printed_only = [nbformat.v4.new_output("stream", name="stdout", text="3 of 4 verdicts ...\n")]
    assert determine_grade(graded_cell(printed_only)) == (2.0, 2.0)
    assert determine_grade(graded_cell([result("1")], points=3)) == (1.0, 3.0)


def test_a_key_must_cover_its_rows():
    with pytest.raises(ValueError, match="same items"):
        verdicts.VerdictKey(name="toy", columns=("item_id", "text"), rows=(("a", "x"),), verdicts=WORDS,
                            answer_hashes=verdicts.VerdictKey.hashes_for("toy", {"b": "right"}))
    with pytest.raises(ValueError, match="at least one"):
        verdicts.VerdictKey(name="toy", columns=("item_id", "text"), rows=(("a", "x"),), verdicts=WORDS,
                            answer_hashes={"a": ()})


def test_table_lists_the_rows():
    table = KEY.table()
    assert list(table.columns) == ["item_id", "text"] and list(table["item_id"]) == list(PLAIN)


# --------------------------------------------------------------------------- sealed notes for arguable items

WHY = "Both readings are fair: the paper reports it, but only for a subgroup."
NOTED = _key(notes=verdicts.VerdictKey.seal_notes("toy", {"c": (["right", "arguable"], WHY)}))


def test_a_sealed_note_opens_only_with_an_accepted_verdict():
    (sealed_right, sealed_arguable) = NOTED.notes["c"]
    assert verdicts.open_note("toy", "c", "Right ", sealed_right) == WHY
    assert verdicts.open_note("toy", "c", "arguable", sealed_arguable) == WHY
    assert verdicts.open_note("toy", "c", "wrong", sealed_right) is None
    assert verdicts.open_note("toy", "b", "right", sealed_right) is None  # another item's note
    assert verdicts.open_note("toy", "c", "right", "not hex") is None
    assert WHY.split()[0] not in bytes.fromhex(sealed_right).decode("latin-1")


def test_points_earned_shows_the_note_of_an_arguable_item_answered_well(capsys):
    assert NOTED.points_earned(RIGHT, 2) == 2
    assert f"About c: {WHY}" in capsys.readouterr().out
    assert NOTED.points_earned(dict(RIGHT, c="wrong", b="right"), 4) == 2
    assert "About c" not in capsys.readouterr().out


def test_notes_must_belong_to_items():
    with pytest.raises(ValueError, match="unknown items: z"):
        _key(notes={"z": ("00",)})
