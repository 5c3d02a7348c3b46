"""Errors that explain themselves to a trainee in one or two sentences.

IPython shows an exception's ``_render_traceback_()`` instead of a full
traceback when the method exists, so a learner who loads a bad file or
fails a check sees a plain message, not forty lines of library internals.
The exception is still raised, so nbgrader and pytest still see a failure.
"""

from __future__ import annotations

import functools
import sys

from .i18n import N_, tr


class CourseError(Exception):
    """Base class for problems the course explains in plain language."""

    heading = N_("Problem")

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return self.message + "\n" + tr("Hint: {hint}", hint=self.hint)
        return self.message

    def _render_traceback_(self) -> list[str]:
        """What IPython prints instead of a traceback (a list of lines)."""
        heading = tr(self.heading)
        return [tr("{heading}: {line}", heading=heading, line=line) if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


class DataError(CourseError, ValueError):
    """A data file or array that cannot be used as it is."""

    heading = N_("Data problem")


class CheckFailed(CourseError, AssertionError):
    """A learner's answer that does not pass a check yet."""

    heading = N_("Not yet")


class NotAttempted(CheckFailed):
    """The exercise still holds its stub."""

    heading = N_("Not answered yet")


class StubStillThere(NotAttempted, NotImplementedError):
    """Raised when a function whose body is still the student version's stub is called.

    It is also a ``NotImplementedError``, nbgrader's and Python's usual
    signal for "not written yet", so code that catches that still works.
    See :func:`course.feedback.not_answered`.
    """


def explained_on_the_command_line(main):
    """Decorate a command's ``main()``: a course error or a file error becomes one sentence and exit status 1.

    Instructors and learners who run ``python -m course...`` see ``Problem: ...``
    on standard error instead of a traceback; every other exception is a bug
    and still shows its traceback.
    """

    @functools.wraps(main)
    def run(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except CourseError as exc:
            print(tr("{heading}: {line}", heading=tr(exc.heading), line=str(exc)), file=sys.stderr)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            print(tr("Problem: could not read or write a file ({error}{where}).", error=str(exc.strerror or exc),
                     where=where), file=sys.stderr)
        return 1

    return run
