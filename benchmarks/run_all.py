"""Run every benchmark, one after another, and print their figures.

    ./course.sh bench                       # every benchmark (about 40 minutes on 2 idle cores)
    ./course.sh bench --only notebook widget  # those whose name contains a word
    ./course.sh bench --list                # what there is
    ./course.sh bench --only parallel -- --learners 8 --runs 1   # a quick look at grading speed

Each benchmark is a script in this folder that prints figures and asserts
nothing (speed and memory targets live here, not in the tests). This runner
starts each with the course's Python, as its own process, and prints a
heading before it and its wall time after. Options after ``--`` go to every
script, e.g. ``./course.sh bench --only widget -- --changes 60``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: name -> (script, what it measures). The order is cheapest first.
BENCHMARKS = {
    "rr_import_speed": ("rr_import_speed.py", "how quickly the HRV lab reads or refuses large RR exports"),
    "widget_speed": ("widget_speed.py", "how quickly each demo answers a control change"),
    "notebook_times": ("notebook_times.py", "how long each lesson takes to run top to bottom"),
    "hub_capacity": ("hub_capacity.py", "memory and CPU a learner needs on a JupyterHub"),
    "parallel_autograde": ("parallel_autograde.py", "stock nbgrader autograde against the parallel command "
                                                     "(median of 3 runs), and an endless loop's cost"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(prog="./course.sh bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="WORD", help="run the benchmarks whose name contains a word")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(own)
    chosen = {name: spec for name, spec in BENCHMARKS.items()
              if not args.only or any(word in name for word in args.only)}
    if args.list or not chosen:
        for name, (_script, what) in BENCHMARKS.items():
            print(f"{name:<20} {what}")
        return 0 if chosen else 2
    failed = []
    for name, (script, what) in chosen.items():
        print(f"\n=== {name}: {what}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / script), *extra])
        print(f"--- {name}: {time.perf_counter() - start:.0f} s" + ("" if code == 0 else f", exit status {code}"),
              flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"\nThese benchmarks did not finish: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
