"""Benchmark: how long each source notebook takes to run, and the whole test suite.

    python benchmarks/notebook_times.py           # every lesson, top to bottom, in a fresh kernel
    python benchmarks/notebook_times.py --suite   # also time the full test command (pytest)

Prints figures only; it asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.publish import lesson_checks as authoring  # noqa: E402
from course.paths import MODULES_DIR, REPO_ROOT  # noqa: E402


#: The kernel's own log stays quiet: a benchmark prints figures only. Its start-up warning about TCP
#: without encryption is about loopback traffic here, and jupyter_client interrupts a kernel before
#: shutting it down, which an idle kernel logs as "KeyboardInterrupt caught in kernel" (at ERROR
#: level); cell errors still reach the benchmark through the messaging protocol, not this log.
QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]


def time_notebook(path: Path) -> float:
    """Seconds to execute ``path`` in a new kernel (kernel start-up included)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()
    notebooks = [MODULES_DIR / "START-HERE.ipynb"] + authoring.lesson_paths()
    total = 0.0
    print(f"{'notebook':<70} {'seconds':>8}")
    for path in notebooks:
        seconds = time_notebook(path)
        total += seconds
        print(f"{str(path.relative_to(REPO_ROOT)):<70} {seconds:8.1f}")
    print(f"{'all notebooks':<70} {total:8.1f}")
    if args.suite:
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", "pytest", "-q"], cwd=REPO_ROOT,
                               stdout=subprocess.DEVNULL)
        print(f"{'test suite (pytest, exit ' + str(code) + ')':<70} {time.perf_counter() - start:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
