"""Old name of :mod:`course.grader.sandbox_setup` (One-time set-up for isolated grading), kept for one release.

``python -m course.sandbox_setup`` still works and does the same as
``python -m course.grader.sandbox_setup``; use the new name, this alias will go.
"""

import sys

from .grader import sandbox_setup as _moved


def __getattr__(name):
    return getattr(_moved, name)


if __name__ == "__main__":
    print("Note: course.sandbox_setup is now course.grader.sandbox_setup; the old name will be removed.", file=sys.stderr)
    sys.exit(_moved.main())
