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


def student_dir(lang: str = "en") -> Path:
    """Where the learners' copy in ``lang`` goes: ``student/``, or ``student-nb/`` for bokmål."""
    return STUDENT_DIR if lang == "en" else STUDENT_DIR.with_name(f"{STUDENT_DIR.name}-{lang}")


def build(out_dir: Path = STUDENT_DIR, modules_dir: Path = MODULES_DIR, lang: str = "en") -> list[str]:
    """Write student versions of every assignment into ``out_dir``; return a log of changes.

    With ``lang="nb"`` the lessons are first generated in bokmål from the
    English source and the catalogues (:mod:`course.i18n.build`), and
    ``out_dir`` gets a ``.course-lang`` file so every kernel started there
    speaks bokmål.
    """
    out_dir = Path(out_dir)
    if lang != "en":
        from ..i18n import MARKER
        from ..i18n.build import build as build_language

        with tempfile.TemporaryDirectory(prefix=f"course-{lang}-") as tmp:
            translated = Path(tmp) / "modules"
            build_language(translated, lang, modules_dir)
            log = _build_from(out_dir, translated, lang)
        (out_dir / MARKER).write_text(lang + "\n", encoding="utf-8")
        return log
    return _build_from(out_dir, modules_dir, "en")


def _build_from(out_dir: Path, modules_dir: Path, lang: str) -> list[str]:
    log: list[str] = []
    with tempfile.TemporaryDirectory(prefix="course-build-") as tmp:
        config = grading.make_course(Path(tmp), modules_dir, lang=lang)
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
    parser.add_argument("--lang", default="en", choices=["en", "nb"],
                        help="language of the lessons: en (default) or nb (norsk bokmål)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write (default: student/, or student-nb/ for bokmål)")
    args = parser.parse_args(argv)
    out = args.out or student_dir(args.lang)
    for line in build(out, lang=args.lang):
        print(line)
    print(f"Student versions are ready in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
