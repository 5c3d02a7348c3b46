"""Old name of :mod:`course.grader.parallel` (Autograde a cohort in parallel), kept for one release.

``python -m course.parallel_autograde`` still works and does the same as
``python -m course.grader.parallel``; use the new name, this alias will go.
"""

import sys

from .grader import parallel as _moved


def __getattr__(name):
    return getattr(_moved, name)


if __name__ == "__main__":
    print("Note: course.parallel_autograde is now course.grader.parallel; the old name will be removed.", file=sys.stderr)
    sys.exit(_moved.main())
