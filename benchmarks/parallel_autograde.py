"""Benchmark: stock ``nbgrader autograde`` against ``python -m course.grader.parallel``.

    python benchmarks/parallel_autograde.py                   # 60 learners, workers = CPUs
    python benchmarks/parallel_autograde.py --learners 90 --workers 2

Builds two identical throw-away courses holding one short lesson
(``01-nervous-system/01-hrv-basics.ipynb``) and a synthetic cohort of
submissions (all correct, one exercise done, all but the first done, untouched
stubs, and wrong answers), then grades one course with the stock command line
(``nbgrader autograde ASSIGNMENT``) and the other with the parallel command,
both started as an instructor would, from the course root. Prints both wall
times, their ratio, and whether the two gradebooks agree on every score.

Prints figures only; it asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.grader import nbgrader_api as grading  # noqa: E402
from course.grader.parallel import default_workers  # noqa: E402
from course.paths import MODULES_DIR  # noqa: E402

ASSIGNMENT = "01-nervous-system"
LESSON = "01-hrv-basics.ipynb"


def _wrong(nb):
    """Every answer cell replaced by a function that returns a wrong number."""
    import copy
    import re

    wrong = copy.deepcopy(nb)
    for cell in wrong.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            names = re.findall(r"^def (\w+)\((.*?)\):", cell.source, flags=re.M)
            cell.source = "\n".join(f"def {n}({a}):\n    return -1.0\n" for n, a in names) or "answer = -1"
    return wrong


def cohort(source, student, size: int) -> dict[str, str]:
    ids = [c.metadata["nbgrader"]["grade_id"] for c in source.cells
           if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    correct = grading.fill_answers(student, source, None)
    plans = [correct, grading.fill_answers(student, source, set(ids[:1])),
             grading.fill_answers(student, source, set(ids[1:])), student, _wrong(correct)]
    texts = [nbformat.writes(nb) for nb in plans]
    return {f"learner{i:03d}": texts[i % len(texts)] for i in range(size)}


def build(root: Path, modules: Path):
    config = grading.make_course(root, modules)
    grading.generate(config, ASSIGNMENT)
    return config


def submit(config, submissions: dict[str, str]) -> None:
    cd = config.CourseDirectory
    for learner, text in submissions.items():
        folder = Path(cd.root) / cd.submitted_directory / learner / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / LESSON).write_text(text, encoding="utf-8")


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    start = time.perf_counter()
    code = subprocess.call(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, code


def scores(config) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(config.CourseDirectory.db_url) as gb:
        return {s.student.id: (s.score, tuple(sorted((g.name, g.auto_score) for nb in s.notebooks for g in nb.grades)))
                for s in gb.find_assignment(ASSIGNMENT).submissions}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=60, help="size of the synthetic cohort (default 60)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="parallel workers (default: CPUs)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="bench-parallel-autograde-"))
    try:
        modules = base / "modules" / ASSIGNMENT
        modules.mkdir(parents=True)
        shutil.copy2(MODULES_DIR / ASSIGNMENT / LESSON, modules / LESSON)
        source = nbformat.read(modules / LESSON, as_version=4)
        stock, parallel = build(base / "stock", base / "modules"), build(base / "parallel", base / "modules")
        student = nbformat.read(grading.release_dir(stock, ASSIGNMENT) / LESSON, as_version=4)
        submissions = cohort(source, student, args.learners)
        for config in (stock, parallel):
            submit(config, submissions)

        load = os.getloadavg()[0]
        nbgrader = os.path.join(os.path.dirname(sys.executable), "nbgrader")
        t_stock, code_stock = timed([nbgrader, "autograde", ASSIGNMENT], base / "stock")
        t_par, code_par = timed([sys.executable, "-m", "course.grader.parallel", ASSIGNMENT,
                                 "--workers", str(args.workers)], base / "parallel")
        mine, theirs = scores(parallel), scores(stock)
        same = mine == theirs
        graded = len(mine)
        print(f"lesson {ASSIGNMENT}/{LESSON}, {args.learners} submissions, {os.cpu_count()} CPUs, "
              f"load average before grading {load:.2f}")
        print(f"{'stock nbgrader autograde (sequential)':<44} {t_stock:7.1f} s  (exit {code_stock})")
        print(f"{'course.grader.parallel --workers ' + str(args.workers):<44} {t_par:7.1f} s  (exit {code_par})")
        print(f"{'speed-up (stock / parallel)':<44} {t_stock / t_par:7.2f} x")
        print(f"{'per submission, stock / parallel':<44} {t_stock / args.learners:7.2f} s / "
              f"{t_par / args.learners:.2f} s")
        print(f"same scores for every learner: {'yes' if same else 'NO'} ({graded} submissions in the gradebook)")
        for learner in sorted(set(mine) | set(theirs)):
            if mine.get(learner) != theirs.get(learner):
                print(f"  {learner}: stock {theirs.get(learner)}, parallel {mine.get(learner)}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
