"""Build the learners' copy of the course (student versions, no solutions).

``python -m course.publish.student`` writes ``student/`` (git-ignored): the start
page and, per assignment, the notebooks as nbgrader releases them. Binder's
``postBuild`` and the README's set-up command both run it.

A learner's work is never overwritten: a notebook already in ``student/`` is
kept, and the fresh version is written beside it as ``<name>.new.ipynb`` when
the course has changed, so nothing is lost.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from ..grader import nbgrader_api as grading
from ..paths import MODULES_DIR, STUDENT_DIR

START_PAGE = "START-HERE.ipynb"


def _place(fresh: Path, target: Path, log: list[str]) -> None:
    """Copy ``fresh`` to ``target`` unless that would overwrite a learner's file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(fresh, target)
        log.append(f"created {target}")
    elif filecmp.cmp(fresh, target, shallow=False):
        return
    elif target.suffix == ".ipynb":
        newer = target.with_name(target.stem + ".new.ipynb")
        shutil.copy2(fresh, newer)
        log.append(f"kept your {target.name}; the updated lesson is in {newer.name}")
    else:
        shutil.copy2(fresh, target)
        log.append(f"updated {target}")


def build(out_dir: Path = STUDENT_DIR, modules_dir: Path = MODULES_DIR) -> list[str]:
    """Write student versions of every assignment into ``out_dir``; return a log of changes."""
    out_dir = Path(out_dir)
    log: list[str] = []
    with tempfile.TemporaryDirectory(prefix="course-build-") as tmp:
        config = grading.make_course(Path(tmp), modules_dir)
        for name in grading.assignments(modules_dir):
            released = grading.generate(config, name)
            for fresh in sorted(p for p in released.rglob("*") if p.is_file()):
                _place(fresh, out_dir / name / fresh.relative_to(released), log)
    start = Path(modules_dir) / START_PAGE
    if start.exists():
        _place(start, out_dir / START_PAGE, log)
    return log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=STUDENT_DIR, help="where to write (default: student/)")
    args = parser.parse_args(argv)
    for line in build(args.out):
        print(line)
    print(f"Student versions are ready in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
