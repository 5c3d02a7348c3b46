"""Checks for graded exercises that answer in plain language.

Visible tests in a lesson call these helpers; a failing check raises
:class:`course.errors.CheckFailed`, which Jupyter shows as one or two
sentences instead of a traceback, and which nbgrader still counts as a
failed test. Habit borrowed from Data 8: say what went wrong and what to try.

Verdict exercises (a verdict word for each item of a list) have their own
answer key, :class:`course.verdicts.VerdictKey`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .errors import CheckFailed, NotAttempted, StubStillThere
from .i18n import N_, tr

#: The line of the student version's stub that stands where the answer goes (see :func:`not_answered`).
STUB_CALL = "feedback.not_answered()"
#: nbgrader's code stub (``ClearSolutions.code_stub`` in nbgrader_config.py). Every lesson's
#: Setup cell imports ``feedback`` from ``course``, so the stub needs no import of its own.
CODE_STUB = f"# YOUR CODE HERE: replace the next line with your answer\n{STUB_CALL}"
#: What the stub prints when an unanswered answer cell runs.
STUB_LINE = N_("Write your answer here, then run the check below.")
STUB_HINT = N_("Replace the line `feedback.not_answered()` in the answer cell with your code, run that cell, "
               "then run this one again.")
assert STUB_CALL in STUB_HINT


def not_answered() -> None:
    """The student version's stub: where a learner's answer is still missing.

    In an answer cell's top level (``verdicts = {...}`` not written yet) it
    prints one plain line, :data:`STUB_LINE`, and the cell runs without an
    error; the variable is simply not there yet, which :func:`answer`
    reports. Inside a function it raises
    :class:`course.errors.StubStillThere`, so the function cannot return a
    value by accident (code after the stub, such as ``return problems``,
    never runs) and every check of it says "Not answered yet" in a sentence.

    Raises
    ------
    course.errors.StubStillThere
        When called inside a function (a ``NotAttempted`` and a ``NotImplementedError``).
    """
    caller = sys._getframe(1).f_code
    if caller.co_name == "<module>":
        print(tr(STUB_LINE))
        return
    raise StubStillThere(tr("You have not written `{name}` yet.", name=caller.co_name), hint=tr(STUB_HINT))


def call(func: Callable, *args: Any, name: str | None = None) -> Any:
    """Call a learner's function and turn any crash into a plain explanation."""
    name = name or getattr(func, "__name__", tr("your function"))
    if not callable(func):
        raise CheckFailed(tr("`{name}` should be a function, but it is a {kind}.", name=name, kind=type(func).__name__),
                          hint=tr("Run the cell where the function is defined with `def`."))
    try:
        return func(*args)
    except NotImplementedError:  # the stub (course or nbgrader's own), or a learner's "not yet"
        raise NotAttempted(tr("You have not written `{name}` yet.", name=name), hint=tr(STUB_HINT)) from None
    except NotAttempted:
        raise
    except Exception as exc:  # any learner error becomes a sentence
        raise CheckFailed(tr("`{name}` stopped with an error: {kind}: {error}", name=name, kind=type(exc).__name__,
                             error=str(exc)),
                          hint=tr("Run the cell with your function on a small list of numbers to see where it fails.")) from None


def answer(name: str, namespace: dict) -> Any:
    """The learner's variable ``name`` from ``namespace`` (pass ``globals()``), or a plain explanation."""
    if name not in namespace:
        raise NotAttempted(tr("There is no `{name}` yet.", name=name),
                           hint=tr("Run the answer cell above; it should create `{name}`.", name=name) + " " + tr(STUB_HINT))
    return namespace[name]


def as_number(value: Any, name: str) -> float:
    """The learner's result as a float, or a plain explanation of why it is not a number."""
    if value is None:
        raise CheckFailed(tr("`{name}` returned nothing (None).", name=name),
                          hint=tr("End your function with a `return` line that gives back the result."))
    if isinstance(value, (bool, np.bool_)):
        raise CheckFailed(tr("`{name}` returned True/False, but a number is expected.", name=name))
    if isinstance(value, (str, bytes)):
        raise CheckFailed(tr("`{name}` returned the text {value}, but a number is expected.", name=name, value=repr(value)),
                          hint=tr("Return the number itself, not a sentence or a formatted string."))
    array = np.asarray(value)
    if array.size != 1:
        raise CheckFailed(tr("`{name}` returned {n} values, but a single number is expected.", name=name, n=array.size),
                          hint=tr("Summarise the whole series into one number (for example with np.mean)."))
    try:
        number = float(array.reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(tr("`{name}` returned a {kind}, but a number is expected.", name=name,
                             kind=type(value).__name__)) from None
    if math.isnan(number):
        raise CheckFailed(tr("`{name}` returned NaN (not a number).", name=name),
                          hint=tr("Check for a division by zero or an empty selection."))
    return number


def check_value(func: Callable, args: Sequence[Any], expected: float, *, name: str | None = None,
                unit: str = "", rel: float = 1e-6, abs_tol: float = 1e-9, hint: str | None = None,
                reveal: bool = True) -> float:
    """Check ``func(*args)`` against ``expected``; explain the difference if it fails.

    ``reveal=False`` hides the expected value (use it in hidden tests and
    wherever the value would give the answer away).
    """
    name = name or getattr(func, "__name__", tr("your function"))
    got = as_number(call(func, *args, name=name), name)
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=abs_tol):
        unit_text = f" {unit}" if unit else ""
        shown = ", ".join(_short(a) for a in args)
        called = f"{name}({shown})"
        if reveal:
            message = tr("`{call}` gave {got:.6g}{unit}, but the expected value is {expected:.6g}{unit}.",
                         call=called, got=got, expected=expected, unit=unit_text)
        else:
            message = tr("`{call}` gave {got:.6g}{unit}, which is not the expected value.",
                         call=called, got=got, unit=unit_text)
        raise CheckFailed(message, hint=hint)
    return got


def check_against(func: Callable, reference: Callable, inputs: Iterable[Sequence[Any]], *,
                  name: str | None = None, unit: str = "", rel: float = 1e-6,
                  hint: str | None = None, reveal: bool = False) -> int:
    """Check ``func`` against a trusted ``reference`` on several inputs; return how many passed."""
    count = 0
    for args in inputs:
        expected = float(reference(*args))
        check_value(func, args, expected, name=name, unit=unit, rel=rel, hint=hint, reveal=reveal)
        count += 1
    if count == 0:
        raise ValueError("check_against needs at least one input")
    return count


def check_own_work(func: Callable, forbidden: Iterable[str], *, name: str | None = None) -> None:
    """Fail if the learner's function calls a ready-made answer (e.g. ``hrv.rmssd``) instead of the formula.

    Reads the function's source; where Python cannot show it (a built-in or
    compiled function), the check is skipped rather than guessing.
    """
    import inspect

    name = name or getattr(func, "__name__", tr("your function"))
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return
    used = [word for word in forbidden if word in source]
    if used:
        listed = ", ".join(f"`{w}`" for w in used)
        raise CheckFailed(tr("`{name}` uses {used}, which does the whole job for you.", name=name, used=listed),
                          hint=tr("This exercise asks you to write the formula yourself with NumPy."))


def check_raises(func: Callable, args: Sequence[Any], *, problem: str, name: str | None = None,
                 hint: str | None = None, need_message: bool = False) -> str:
    """Check that a learner's ``func(*args)`` refuses bad input with a ``ValueError``.

    ``problem`` says in words what is wrong with ``args`` ("nobody randomised",
    "an answer of 7"). With ``need_message=True`` the error must also carry a
    sentence of a few words. Returns the learner's message.
    """
    name = name or getattr(func, "__name__", tr("your function"))
    if not callable(func):
        raise CheckFailed(tr("`{name}` should be a function, but it is a {kind}.", name=name, kind=type(func).__name__))
    try:
        result = func(*args)
    except NotImplementedError:
        raise NotAttempted(tr("You have not written `{name}` yet.", name=name), hint=tr(STUB_HINT)) from None
    except ValueError as exc:
        message = str(exc).strip()
        if need_message and len(message.split()) < 3:
            raise CheckFailed(tr("`{name}` raised a ValueError for {problem}, but its message ({message}) does not "
                                 "explain the problem.", name=name, problem=problem, message=repr(message)),
                              hint=hint or tr('Write a sentence, e.g. raise ValueError("Item 2 is 7, but answers run '
                                              'from 0 to 6.")')) from None
        return message
    except ZeroDivisionError:
        raise CheckFailed(tr("`{name}` divided by zero for {problem} and crashed; it should raise a ValueError instead.",
                             name=name, problem=problem), hint=hint) from None
    except Exception as exc:  # any other error is the wrong kind
        if need_message:
            message = tr("`{name}` stopped with {kind} for {problem}; it should raise a ValueError with a sentence "
                         "saying what is wrong.", name=name, kind=type(exc).__name__, problem=problem)
        else:
            message = tr("`{name}` stopped with {kind} for {problem}; it should raise a ValueError.",
                         name=name, kind=type(exc).__name__, problem=problem)
        raise CheckFailed(message, hint=hint or tr("Check the input yourself first, then `raise ValueError(\"...\")`.")) from None
    raise CheckFailed(tr("`{name}` accepted {problem} and returned {result}; it should refuse it with a ValueError.",
                         name=name, problem=problem, result=repr(result)), hint=hint)


def part_of(func: Callable, index: int, part_name: str, size: int = 2) -> Callable:
    """A one-number view of a learner's function that returns several numbers, for :func:`check_value`.

    ``part_of(split, 0, "pretreatment")(*args)`` returns ``split(*args)[0]``
    after checking that ``split`` returned ``size`` numbers; a wrong shape
    becomes a sentence, and an untouched stub is still "not answered yet".
    """
    name = getattr(func, "__name__", tr("your function"))

    def one_part(*args):
        result = func(*args)
        if not isinstance(result, (tuple, list)) or len(result) != size:
            raise TypeError(tr("`{name}` should return {size} numbers, as in `return first, second`, "
                               "but it returned {result}", name=name, size=size, result=repr(result)))
        return result[index]

    one_part.__name__ = tr("{part} part of {name}", part=part_name, name=name)
    return one_part


def passed(message: str) -> None:
    """Tell the learner a check passed."""
    print(tr("Well done: {message}", message=message))


def _short(value: Any) -> str:
    """A compact text version of an argument for a feedback message."""
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) > 6:
        return tr("<{n} values>", n=len(value))
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    return repr(value)
