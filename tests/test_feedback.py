"""Learner feedback: plain sentences for every way an answer can go wrong."""

from __future__ import annotations

import numpy as np
import pytest

from course import errors, feedback
from course.errors import CheckFailed, NotAttempted


def mean_ok(x):
    return float(np.mean(x))


def stub(x):
    raise NotImplementedError()


@pytest.mark.parametrize("func,words", [
    (stub, "not written `stub` yet"),
    (lambda x: None, "returned nothing"),
    (lambda x: "60 bpm", "returned the text"),
    (lambda x: [1.0, 2.0], "returned 2 values"),
    (lambda x: float("nan"), "NaN"),
    (lambda x: True, "True/False"),
    (lambda x: 1 / 0, "stopped with an error: ZeroDivisionError"),
    (lambda x: 999.0, "but the expected value is 2"),
])
def test_each_wrong_answer_gets_its_own_sentence(func, words):
    with pytest.raises(CheckFailed) as caught:
        feedback.check_value(func, [[1, 2, 3]], 2.0)
    assert words in str(caught.value)


def test_stub_is_reported_as_not_attempted_with_a_hint():
    with pytest.raises(NotAttempted) as caught:
        feedback.check_value(stub, [[1]], 1.0)
    assert feedback.STUB_CALL in caught.value.hint


def course_stub(x):
    feedback.not_answered()


def course_stub_with_code_after(first, second):
    problems = []
    feedback.not_answered()
    return problems  # must never be reached: [] could pass a check by accident


@pytest.mark.parametrize("func", [course_stub, lambda x: course_stub(x)])
def test_the_course_stub_inside_a_function_is_not_attempted_for_every_helper(func):
    for check in (lambda: feedback.check_value(func, [[1]], 1.0),
                  lambda: feedback.check_against(func, np.mean, [([1, 2],)]),
                  lambda: feedback.call(feedback.part_of(func, 0, "first"), [1]),
                  lambda: feedback.check_raises(func, [[7]], problem="an answer of 7")):
        with pytest.raises(NotAttempted) as caught:
            check()
        assert caught.value._render_traceback_()[0].startswith("Not answered yet: You have not written")
        assert feedback.STUB_CALL in caught.value.hint


def test_code_after_the_stub_never_runs():
    with pytest.raises(NotAttempted, match="not written `course_stub_with_code_after` yet"):
        feedback.call(course_stub_with_code_after, {}, {})
    with pytest.raises(errors.StubStillThere) as caught:
        course_stub_with_code_after({}, {})
    # Still a NotImplementedError, so code that catches nbgrader's old stub keeps working.
    assert isinstance(caught.value, NotImplementedError) and isinstance(caught.value, NotAttempted)
    assert caught.value._render_traceback_() == [
        "Not answered yet: You have not written `course_stub_with_code_after` yet.", "Hint: " + feedback.STUB_HINT]


def test_the_course_stub_at_top_level_prints_one_line_and_raises_nothing(capsys):
    namespace = {"feedback": feedback}
    exec(compile(feedback.CODE_STUB, "<answer cell>", "exec"), namespace)
    assert capsys.readouterr().out == feedback.STUB_LINE + "\n"
    with pytest.raises(NotAttempted, match="There is no `verdicts` yet") as caught:
        feedback.answer("verdicts", namespace)
    assert feedback.STUB_CALL in caught.value.hint


def test_the_stub_is_what_nbgrader_is_configured_with():
    from course.grader import nbgrader_api as grading

    config = grading.load_config(grading.REPO_ROOT)
    assert config.ClearSolutions.code_stub == {"python": feedback.CODE_STUB}
    assert feedback.CODE_STUB.splitlines()[-1] == feedback.STUB_CALL
    compile(feedback.CODE_STUB, "<stub>", "exec")


def test_hidden_checks_do_not_reveal_the_answer():
    with pytest.raises(CheckFailed) as caught:
        feedback.check_value(lambda x: 3.0, [[1, 2, 3]], 2.0, reveal=False)
    assert "2" not in str(caught.value).split("gave 3")[1]


def test_correct_answers_pass_and_numpy_scalars_count_as_numbers():
    assert feedback.check_value(mean_ok, [[1, 2, 3]], 2.0) == 2.0
    assert feedback.check_value(lambda x: np.float32(2.0), [[1]], 2.0) == 2.0
    assert feedback.check_against(mean_ok, np.mean, [([1, 2],), (np.arange(10),)]) == 2


def test_check_against_needs_inputs():
    with pytest.raises(ValueError):
        feedback.check_against(mean_ok, np.mean, [])


def test_failures_render_as_sentences_not_tracebacks():
    with pytest.raises(CheckFailed) as caught:
        feedback.check_value(lambda x: None, [[1]], 1.0)
    lines = caught.value._render_traceback_()
    assert lines[0].startswith("Not yet: `<lambda>` returned nothing")
    assert lines[-1].startswith("Hint:")
    assert not any("Traceback" in line for line in lines)


def test_calling_the_ready_made_answer_is_caught():
    from course import hrv

    def lazy_rmssd(nn_ms):
        return hrv.rmssd(nn_ms)

    def own_rmssd(nn_ms):
        return float(np.sqrt(np.mean(np.diff(nn_ms) ** 2)))

    with pytest.raises(CheckFailed, match="`hrv.rmssd`"):
        feedback.check_own_work(lazy_rmssd, ["hrv.rmssd", "neurokit2"])
    feedback.check_own_work(own_rmssd, ["hrv.rmssd", "neurokit2"])


def test_missing_variable_is_reported_as_not_attempted():
    with pytest.raises(NotAttempted, match="There is no `verdicts` yet"):
        feedback.answer("verdicts", {})
    assert feedback.answer("verdicts", {"verdicts": {"a": 1}}) == {"a": 1}
