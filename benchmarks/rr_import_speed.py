"""Benchmark: how quickly the HRV lab's upload reader answers for large RR exports.

    python benchmarks/rr_import_speed.py              # 5 repeats of each case
    python benchmarks/rr_import_speed.py --repeats 20

Cases, each through :func:`course.rr_import.read_rr_export` (what the lab
calls on every upload):

- *over the limit*: 200,001 intervals, one more than the lab reads; it must
  be refused, with a sentence, in well under the 2-second target
  (issue #14), because the size is checked before the file is parsed;
- *a large file*: 20 MB of text (the byte limit), refused the same way;
- *at the limit*: exactly 200,000 intervals (about two days), read in full;
- *an ordinary export*: five minutes of intervals.

Prints the median and the slowest time of each case and whether it met the
target; asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import rr_import  # noqa: E402
from course.errors import DataError  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "tests/fixtures/rr_exports/make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

#: Target for refusing an over-size file (seconds).
REFUSE_TARGET_S = 2.0


def _time(content: bytes, repeats: int) -> tuple[list[float], str]:
    times, outcome = [], ""
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            result = rr_import.read_rr_export(content, "bench.csv")
            outcome = f"read {result.rr_ms.size:,} intervals"
        except DataError as exc:
            outcome = "refused: " + exc.message[:70] + "..."
        times.append(time.perf_counter() - start)
    return times, outcome


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    cases = {
        "over the limit (200,001)": (make_corpus.huge_export(rr_import.MAX_INTERVALS + 1), REFUSE_TARGET_S),
        "20 MB of text": (b"RR\n" + b"812,5;0\n" * (rr_import.MAX_BYTES // 8 + 1), REFUSE_TARGET_S),
        "at the limit (200,000)": (make_corpus.huge_export(rr_import.MAX_INTERVALS), None),
        "five minutes": ((ROOT / "tests/fixtures/rr_exports/polar_rr.txt").read_bytes(), None),
    }
    print(f"{'case':<26} {'median':>9} {'slowest':>9}  outcome")
    for name, (content, target) in cases.items():
        times, outcome = _time(content, args.repeats)
        verdict = "" if target is None else (" (target met)" if max(times) < target else " (TARGET MISSED)")
        print(f"{name:<26} {statistics.median(times) * 1000:7.1f} ms {max(times) * 1000:7.1f} ms  {outcome}{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
