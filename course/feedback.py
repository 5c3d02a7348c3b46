"""Checks for graded exercises that answer in plain language.

Visible tests in a lesson call these helpers; a failing check raises
:class:`course.errors.CheckFailed`, which Jupyter shows as one or two
sentences instead of a traceback, and which nbgrader still counts as a
failed test. Habit borrowed from Data 8: say what went wrong and what to try.

:class:`VerdictKey` is the one answer key for exercises where the learner
gives each item of a list a verdict word (a reference "verified", a claim
"overstated"). The right verdicts are stored only as short hashes, so
reading the package or its data files does not give them away (a
determined learner could still try every option: fine for self-study, not
for exams).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
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


def check_raises(func: Callable, args: Sequence[Any], *, problem: str, name: str | None = None,
                 hint: str | None = None, need_message: bool = False) -> str:
    """Check that a learner's ``func(*args)`` refuses bad input with a ``ValueError``.

    ``problem`` says in words what is wrong with ``args`` ("nobody randomised",
    "an answer of 7"). With ``need_message=True`` the error must also carry a
    sentence of a few words. Returns the learner's message.
    """
    name = name or getattr(func, "__name__", "your function")
    if not callable(func):
        raise CheckFailed(f"`{name}` should be a function, but it is a {type(func).__name__}.")
    try:
        result = func(*args)
    except NotImplementedError:
        raise NotAttempted(f"You have not written `{name}` yet.", hint=STUB_HINT) from None
    except ValueError as exc:
        message = str(exc).strip()
        if need_message and len(message.split()) < 3:
            raise CheckFailed(f"`{name}` raised a ValueError for {problem}, but its message ({message!r}) does not "
                              "explain the problem.",
                              hint=hint or 'Write a sentence, e.g. raise ValueError("Item 2 is 7, but answers run '
                                           'from 0 to 6.")') from None
        return message
    except ZeroDivisionError:
        raise CheckFailed(f"`{name}` divided by zero for {problem} and crashed; it should raise a ValueError instead.",
                          hint=hint) from None
    except Exception as exc:  # any other error is the wrong kind
        raise CheckFailed(f"`{name}` stopped with {type(exc).__name__} for {problem}; it should raise a ValueError"
                          + (" with a sentence saying what is wrong." if need_message else "."),
                          hint=hint or "Check the input yourself first, then `raise ValueError(\"...\")`.") from None
    raise CheckFailed(f"`{name}` accepted {problem} and returned {result!r}; it should refuse it with a ValueError.",
                      hint=hint)


def part_of(func: Callable, index: int, part_name: str, size: int = 2) -> Callable:
    """A one-number view of a learner's function that returns several numbers, for :func:`check_value`.

    ``part_of(split, 0, "pretreatment")(*args)`` returns ``split(*args)[0]``
    after checking that ``split`` returned ``size`` numbers; a wrong shape
    becomes a sentence, and an untouched stub is still "not answered yet".
    """
    name = getattr(func, "__name__", "your function")

    def one_part(*args):
        result = func(*args)
        if not isinstance(result, (tuple, list)) or len(result) != size:
            raise TypeError(f"`{name}` should return {size} numbers, as in `return first, second`, "
                            f"but it returned {result!r}")
        return result[index]

    one_part.__name__ = f"{part_name} part of {name}"
    return one_part


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


# --------------------------------------------------------------------------- hashed verdict keys

_COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def verdict_digest(name: str, item_id: str, verdict: str) -> str:
    """The stored form of one right verdict: 8 hex digits of SHA-256 of ``"name|item_id|verdict"``.

    The verdict is compared without case or surrounding spaces; ``name``
    (the exercise's salt, e.g. ``"seed001"``) keeps two exercises' keys apart.
    """
    return hashlib.sha256(f"{name}|{item_id}|{verdict.strip().lower()}".encode()).hexdigest()[:8]


@dataclass(frozen=True)
class VerdictKey:
    """Items to judge, the verdict words allowed, and the right verdicts stored as hashes only.

    Parameters
    ----------
    name : str
        The exercise's salt for :func:`verdict_digest` (e.g. ``"seed001"``).
    columns : tuple of str
        Column names of :meth:`table`; the first is the item id (e.g. ``"ref_id"``).
    rows : tuple of tuple of str
        One row per item, in the order the learner sees them.
    verdicts : mapping of str to str
        The allowed verdict words, each with what it means.
    answer_hashes : mapping of str to tuple of str
        For each item id, the digests of every verdict accepted as right.
        Usually one; two where a verdict is genuinely arguable between two
        categories.
    item : str
        What one item is called in feedback ("reference", "claim", "statement").
    variable : str
        The learner's variable that holds the verdicts, named in feedback.
    agreement : str
        How a right verdict is described: "{right} of {total} verdicts {agreement}."
    hint : str
        The hint given when verdicts are wrong.
    """

    name: str
    columns: tuple
    rows: tuple
    verdicts: Mapping
    answer_hashes: Mapping
    item: str = "item"
    variable: str = "verdicts"
    agreement: str = "match the answer key"
    hint: str = "Reread the evidence for each item, and the meaning of each verdict."

    def __post_init__(self):
        ids = [row[0] for row in self.rows]
        if ids != list(self.answer_hashes):
            raise ValueError(f"The key of {self.name!r} must list the same items, in the same order, as its rows.")
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"Every row of {self.name!r} needs one value per column {tuple(self.columns)}.")
        if any(not digests for digests in self.answer_hashes.values()):
            raise ValueError(f"Every item of {self.name!r} needs at least one accepted verdict.")

    @classmethod
    def hashes_for(cls, name: str, right: Mapping[str, str | Iterable[str]]) -> dict:
        """Authoring helper: the ``answer_hashes`` for a plain key ``{item_id: verdict or [verdicts]}``.

        Run it once when writing an exercise and store only its result.
        """
        return {item_id: tuple(verdict_digest(name, item_id, v) for v in ([vs] if isinstance(vs, str) else vs))
                for item_id, vs in right.items()}

    @property
    def ids(self) -> tuple:
        """The item ids, in order."""
        return tuple(self.answer_hashes)

    def table(self):
        """The items as a table, one row each, with :attr:`columns`."""
        import pandas as pd

        return pd.DataFrame([list(row) for row in self.rows], columns=list(self.columns))

    def check_format(self, verdicts) -> None:
        """Explain, without revealing answers, whether ``verdicts`` is complete and uses the allowed words."""
        if not isinstance(verdicts, dict):
            example = next(iter(self.verdicts))
            raise CheckFailed(f"`{self.variable}` should be a dictionary like "
                              f"{{\"{self.columns[0]}\": \"{example}\", ...}}.")
        missing = [item_id for item_id in self.ids if item_id not in verdicts]
        if missing:
            raise CheckFailed(f"Give a verdict for every {self.item}; missing: {', '.join(missing)}.")
        extra = [key for key in verdicts if key not in self.answer_hashes]
        if extra:
            raise CheckFailed(f"These keys are not {self.item}s in the list: {', '.join(map(str, extra))}.")
        wrong = {k: v for k, v in verdicts.items() if not isinstance(v, str) or v.strip().lower() not in self.verdicts}
        if wrong:
            count = len(self.verdicts)
            words = _COUNT_WORDS[count] if count < len(_COUNT_WORDS) else str(count)
            raise CheckFailed(f"Use one of the {words} verdicts exactly as written; not: {wrong}.",
                              hint="The options are: " + "; ".join(f"'{v}'" for v in self.verdicts))

    def _is_right(self, item_id: str, verdict: str) -> bool:
        return verdict_digest(self.name, item_id, verdict) in self.answer_hashes[item_id]

    def wrong_items(self, verdicts: dict) -> list:
        """The ids whose verdict is not (one of) the right one(s), in order; says nothing about the right verdict."""
        self.check_format(verdicts)
        return [item_id for item_id in self.ids if not self._is_right(item_id, verdicts[item_id])]

    def number_correct(self, verdicts: dict) -> int:
        """How many verdicts are right (after :meth:`check_format`)."""
        return len(self.ids) - len(self.wrong_items(verdicts))

    def require_all_correct(self, verdicts: dict) -> None:
        """Pass only when every verdict is right; otherwise say how many are."""
        right = self.number_correct(verdicts)
        if right < len(self.ids):
            raise CheckFailed(f"{right} of {len(self.ids)} verdicts {self.agreement}.", hint=self.hint)

    def points_earned(self, verdicts: dict, points: int) -> int:
        """Partial credit for an nbgrader test cell: ``floor(points * right / total)``, as an int.

        End a test cell with this call: nbgrader awards the number that a test
        cell's last result shows. Below full marks it first prints how many
        verdicts are right and which items to look at again (never their
        right verdicts). A format problem, no right verdict, or too few for
        one point raise :class:`course.errors.CheckFailed`, so the cell shows
        an explanation and earns 0 (an unanswered stub has already raised
        :class:`course.errors.NotAttempted` in :func:`answer`).

        Parameters
        ----------
        verdicts : dict
            The learner's ``{item_id: verdict}``.
        points : int
            The test cell's points in nbgrader (a whole number, at least 1).

        Returns
        -------
        int
            Points earned, from 1 to ``points``.
        """
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise ValueError(f"points must be a whole number of at least 1, not {points!r}")
        wrong = self.wrong_items(verdicts)
        total = len(self.ids)
        right = total - len(wrong)
        earned = points * right // total
        if earned == 0:
            raise CheckFailed(f"{right} of {total} verdicts {self.agreement}: not yet enough for a point.",
                              hint=self.hint)
        if wrong:
            print(f"{right} of {total} verdicts {self.agreement}, worth {earned} of {points} points. "
                  f"Look again at: {', '.join(wrong)}.")
        return int(earned)
