"""Checks for graded exercises that answer in plain language.

Visible tests in a lesson call these helpers; a failing check raises
:class:`course.errors.CheckFailed`, which Jupyter shows as one or two
sentences instead of a traceback, and which nbgrader still counts as a
failed test. Habit borrowed from Data 8: say what went wrong and what to try.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from .errors import CheckFailed, NotAttempted

STUB_HINT = "Replace the line `raise NotImplementedError()` with your code, run that cell, then run this one again."


def call(func: Callable, *args: Any, name: str | None = None) -> Any:
    """Call a learner's function and turn any crash into a plain explanation."""
    name = name or getattr(func, "__name__", "your function")
    if not callable(func):
        raise CheckFailed(f"`{name}` should be a function, but it is a {type(func).__name__}.",
                          hint="Run the cell where the function is defined with `def`.")
    try:
        return func(*args)
    except NotImplementedError:
        raise NotAttempted(f"You have not written `{name}` yet.", hint=STUB_HINT) from None
    except Exception as exc:  # any learner error becomes a sentence
        raise CheckFailed(f"`{name}` stopped with an error: {type(exc).__name__}: {exc}",
                          hint="Run the cell with your function on a small list of numbers to see where it fails.") from None


def answer(name: str, namespace: dict) -> Any:
    """The learner's variable ``name`` from ``namespace`` (pass ``globals()``), or a plain explanation."""
    if name not in namespace:
        raise NotAttempted(f"There is no `{name}` yet.",
                           hint=f"Run the answer cell above; it should create `{name}`. " + STUB_HINT)
    return namespace[name]


def as_number(value: Any, name: str) -> float:
    """The learner's result as a float, or a plain explanation of why it is not a number."""
    if value is None:
        raise CheckFailed(f"`{name}` returned nothing (None).",
                          hint="End your function with a `return` line that gives back the result.")
    if isinstance(value, (bool, np.bool_)):
        raise CheckFailed(f"`{name}` returned True/False, but a number is expected.")
    if isinstance(value, (str, bytes)):
        raise CheckFailed(f"`{name}` returned the text {value!r}, but a number is expected.",
                          hint="Return the number itself, not a sentence or a formatted string.")
    array = np.asarray(value)
    if array.size != 1:
        raise CheckFailed(f"`{name}` returned {array.size} values, but a single number is expected.",
                          hint="Summarise the whole series into one number (for example with np.mean).")
    try:
        number = float(array.reshape(()))
    except (TypeError, ValueError):
        raise CheckFailed(f"`{name}` returned a {type(value).__name__}, but a number is expected.") from None
    if math.isnan(number):
        raise CheckFailed(f"`{name}` returned NaN (not a number).",
                          hint="Check for a division by zero or an empty selection.")
    return number


def check_value(func: Callable, args: Sequence[Any], expected: float, *, name: str | None = None,
                unit: str = "", rel: float = 1e-6, abs_tol: float = 1e-9, hint: str | None = None,
                reveal: bool = True) -> float:
    """Check ``func(*args)`` against ``expected``; explain the difference if it fails.

    ``reveal=False`` hides the expected value (use it in hidden tests and
    wherever the value would give the answer away).
    """
    name = name or getattr(func, "__name__", "your function")
    got = as_number(call(func, *args, name=name), name)
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=abs_tol):
        unit_text = f" {unit}" if unit else ""
        shown = ", ".join(_short(a) for a in args)
        message = f"`{name}({shown})` gave {got:.6g}{unit_text}"
        message += f", but the expected value is {expected:.6g}{unit_text}." if reveal else ", which is not the expected value."
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

    name = name or getattr(func, "__name__", "your function")
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return
    used = [word for word in forbidden if word in source]
    if used:
        raise CheckFailed(f"`{name}` uses {', '.join(f'`{w}`' for w in used)}, which does the whole job for you.",
                          hint="This exercise asks you to write the formula yourself with NumPy.")


def passed(message: str) -> None:
    """Tell the learner a check passed."""
    print(f"Well done: {message}")


def _short(value: Any) -> str:
    """A compact text version of an argument for a feedback message."""
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) > 6:
        return f"<{len(value)} values>"
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    return repr(value)
