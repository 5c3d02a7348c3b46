"""Old name of :mod:`course.grader.report` (The instructor report), kept for one release.

``python -m course.grade_report`` still works and does the same as
``python -m course.grader.report``; use the new name, this alias will go.
"""

import sys

from .grader import report as _moved


def __getattr__(name):
    return getattr(_moved, name)


if __name__ == "__main__":
    print("Note: course.grade_report is now course.grader.report; the old name will be removed.", file=sys.stderr)
    sys.exit(_moved.main())
