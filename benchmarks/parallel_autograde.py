"""Benchmark: stock ``nbgrader autograde`` against ``python -m course.grader.parallel``, and an endless loop's cost.

    python benchmarks/parallel_autograde.py                                  # 40 learners, workers = CPUs, 3 runs
    python benchmarks/parallel_autograde.py --learners 40 --workers 2 --runs 3
    python benchmarks/parallel_autograde.py --learners 8 --runs 1            # a quick check (about 2 minutes)

Builds one throw-away course holding one short lesson
(``01-nervous-system/01-hrv-basics.ipynb``) and a synthetic cohort of
submissions (all correct, one exercise done, all but the first done, untouched
stubs, and wrong answers), measures the assignment's per-cell limit as an
instructor does (``python -m course.grader.cell_limit measure``), then, in each
run, grades fresh copies of it:

1. with the stock command line (``nbgrader autograde ASSIGNMENT``),
2. with the parallel command (``python -m course.grader.parallel ASSIGNMENT --workers N``),
3. with the parallel command again, on the same cohort with one learner's
   submission (the middle one) replaced by an endless loop.

Each is started as an instructor would, from the course root. Prints every
run's wall times, then the medians: the speed-up stock / parallel (median of
the runs' ratios; goal at least 1.85 with 2 workers on 2 cores), whether the
stock and parallel gradebooks agree on every score in every run, and the batch
with the endless loop against the batch without (goal at most 1.2).

Prints figures only; it asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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


def endless_loop(nb):
    """The notebook with ``while True: pass`` at the top of its first answer cell."""
    import copy

    looping = copy.deepcopy(nb)
    cell = next(c for c in looping.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"))
    cell.source = "while True:\n    pass\n" + cell.source
    return looping


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


def fresh_copy(pristine: Path, dest: Path) -> Path:
    """A copy of a course folder (its nbgrader_config.py points every path, the gradebook too, at the copy)."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(pristine, dest, symlinks=True)
    return dest


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
    parser.add_argument("--learners", type=int, default=40, help="size of the synthetic cohort (default 40)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="parallel workers (default: CPUs)")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are printed (default 3)")
    parser.add_argument("--no-loop", action="store_true", help="skip the batch with an endless loop")
    args = parser.parse_args()
    if args.learners < 2 or args.workers < 1 or args.runs < 1:
        parser.error("--learners must be at least 2, --workers and --runs at least 1")

    from course.grader import cell_limit

    base = Path(tempfile.mkdtemp(prefix="bench-parallel-autograde-"))
    try:
        modules = base / "modules" / ASSIGNMENT
        modules.mkdir(parents=True)
        shutil.copy2(MODULES_DIR / ASSIGNMENT / LESSON, modules / LESSON)
        source = nbformat.read(modules / LESSON, as_version=4)
        config = build(base / "pristine", base / "modules")
        record = cell_limit.measure(config, ASSIGNMENT, say=lambda _line: None)
        student = nbformat.read(grading.release_dir(config, ASSIGNMENT) / LESSON, as_version=4)
        submissions = cohort(source, student, args.learners)
        looper = sorted(submissions)[args.learners // 2]
        looping = dict(submissions)
        looping[looper] = nbformat.writes(endless_loop(nbformat.reads(submissions[looper], as_version=4)))
        pristine_loop = fresh_copy(base / "pristine", base / "pristine-loop")
        submit(config, submissions)
        submit(grading.load_config(pristine_loop), looping)

        nbgrader = os.path.join(os.path.dirname(sys.executable), "nbgrader")
        parallel = [sys.executable, "-m", "course.grader.parallel", ASSIGNMENT, "--workers", str(args.workers)]
        print(f"lesson {ASSIGNMENT}/{LESSON}, {args.learners} submissions, {os.cpu_count()} CPUs, "
              f"{args.workers} workers, {args.runs} run(s)")
        print(f"per-cell limit measured: {record['limit_s']} s ({record['multiple']:g}x the slowest cell "
              f"{record['slowest_cell']}, {record['slowest_s']:.2f} s; at least {record['floor_s']:g} s)")
        stock_t, par_t, loop_t, ratios, agree = [], [], [], [], []
        for run in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            stock_dir = fresh_copy(base / "pristine", base / "stock")
            t_stock, code_stock = timed([nbgrader, "autograde", ASSIGNMENT], stock_dir)
            par_dir = fresh_copy(base / "pristine", base / "parallel")
            t_par, code_par = timed(parallel, par_dir)
            mine, theirs = scores(grading.load_config(par_dir)), scores(grading.load_config(stock_dir))
            same = mine == theirs and len(mine) == args.learners
            stock_t.append(t_stock), par_t.append(t_par), ratios.append(t_stock / t_par), agree.append(same)
            line = (f"run {run}: load {load:4.2f}  stock {t_stock:6.1f} s (exit {code_stock})  "
                    f"parallel {t_par:6.1f} s (exit {code_par})  ratio {t_stock / t_par:4.2f}  "
                    f"same scores {'yes' if same else 'NO'}")
            if not args.no_loop:
                loop_dir = fresh_copy(pristine_loop, base / "loop")
                t_loop, code_loop = timed(parallel, loop_dir)
                loop_t.append(t_loop)
                line += f"  with endless loop {t_loop:6.1f} s (exit {code_loop})"
            print(line, flush=True)
            if not same:
                for learner in sorted(set(mine) | set(theirs)):
                    if mine.get(learner) != theirs.get(learner):
                        print(f"  {learner}: stock {theirs.get(learner)}, parallel {mine.get(learner)}")
        median = statistics.median
        print(f"{'stock nbgrader autograde (sequential), median':<52} {median(stock_t):7.1f} s")
        print(f"{'course.grader.parallel --workers ' + str(args.workers) + ', median':<52} {median(par_t):7.1f} s")
        print(f"{'speed-up stock / parallel (median of runs)':<52} {median(ratios):7.2f} x   (goal >= 1.85 on 2 cores)")
        print(f"same scores for every learner in every run: {'yes' if all(agree) else 'NO'}")
        if loop_t:
            print(f"{'with one endless loop, median':<52} {median(loop_t):7.1f} s")
            print(f"{'endless loop batch / batch without (medians)':<52} {median(loop_t) / median(par_t):7.2f}     "
                  f"(goal <= 1.2; learner {looper})")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
