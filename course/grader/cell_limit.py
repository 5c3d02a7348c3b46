"""The per-cell time limit for grading one assignment, derived from the instructor's own run of it.

    python -m course.grader.cell_limit measure 01-nervous-system   # run the source notebooks, store the limit
    python -m course.grader.cell_limit show 01-nervous-system      # what grading will use, and why
    python -m course.grader.cell_limit set 01-nervous-system 60    # instructor's override (seconds)
    python -m course.grader.cell_limit set 01-nervous-system --clear

Run from the course root, after ``nbgrader generate_assignment``.

**The rule.** ``limit = max(FLOOR_S, MULTIPLE x slowest cell)``, rounded up
to whole seconds, with :data:`MULTIPLE` 20 and :data:`FLOOR_S` 10 s; each
notebook is run :data:`REPEATS` (2) times and each cell counts with its
fastest run, so a moment when the instructor's machine was busy does not
inflate the limit. The slowest cell of the instructor's solution is the
most work any exercise asks for. Twenty times that leaves room for a learner's correct but slower code
(a plain loop where the model answer is vectorised is typically 5-10x slower)
and for a grading machine busier than the instructor's (two to four kernels
per core while a batch runs); the floor keeps a lesson of instant cells from
getting a limit that a briefly stalled machine could hit. A learner's endless
loop then costs seconds, not nbgrader's 120 s.

**Where it is stored.** ``<release_directory>/.cell-limits/<assignment>.json``
(``grading/release/.cell-limits/`` in this course): with the release, but
outside the assignment's own folder, so that ``nbgrader release_assignment``
never copies it to learners and ``nbgrader generate_assignment --force``
(which removes that folder) does not erase an override. The record says how
it was measured: the slowest cell (notebook and cell id), its seconds, the
multiple, the floor, the date and a digest of the source notebooks (grading
says so in its log when the source changed since).

**Who uses it.** :class:`course.grader.preprocessors.SandboxedExecute` (so
``nbgrader autograde`` with the course's ``nbgrader_config.py`` and
``python -m course.grader.parallel`` alike) and the instructor report's
time-out message. Order: the configuration value
``SandboxedExecute.cell_limit`` when set above 0, then an override stored with
``set``, then the measured limit, then ``Execute.timeout`` from the
configuration (120 s in this course), with one log line saying so.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

#: The limit is this many times the instructor's slowest cell ...
MULTIPLE = 20.0
#: ... and never less than this (seconds).
FLOOR_S = 10.0
#: Runs of each source notebook when measuring; each cell counts with its fastest run.
REPEATS = 2
#: nbgrader_config.py's Execute.timeout: used when an assignment has no stored limit.
FALLBACK_S = 120
FOLDER = ".cell-limits"


class CellLimitError(Exception):
    """A problem an instructor can fix, told in one sentence."""


def derive(slowest_s: float, multiple: float = MULTIPLE, floor_s: float = FLOOR_S) -> int:
    """The per-cell limit (whole seconds) for a notebook whose slowest cell took ``slowest_s``."""
    if slowest_s < 0 or multiple <= 0 or floor_s <= 0:
        raise ValueError("the slowest cell's seconds must be >= 0, the multiple and the floor > 0")
    return int(math.ceil(max(floor_s, multiple * slowest_s)))


@dataclass(frozen=True)
class Limit:
    """The limit grading uses for one assignment, and where it came from (a sentence for the log)."""

    seconds: int
    origin: str  # "config", "override", "measured" or "fallback"
    why: str


def limit_file(config, assignment: str) -> Path:
    """``<course root>/<release_directory>/.cell-limits/<assignment>.json``."""
    cd = config.CourseDirectory
    root = Path(cd.get("root") or os.getcwd())
    release = cd.get("release_directory") or "release"
    return root / release / FOLDER / f"{assignment}.json"


def source_notebooks(config, assignment: str) -> list[Path]:
    cd = config.CourseDirectory
    folder = Path(cd.get("root") or os.getcwd()) / (cd.get("source_directory") or "source") / assignment
    return sorted(folder.glob("*.ipynb"))


def source_digest(paths) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def read(path: Path) -> dict | None:
    """The stored record, ``None`` if there is none; :class:`CellLimitError` if it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CellLimitError(f"{path} cannot be read ({exc.strerror})") from None
    try:
        record = json.loads(text)
    except ValueError:
        raise CellLimitError(f"{path} is not valid JSON") from None
    if not isinstance(record, dict):
        raise CellLimitError(f"{path} does not hold a record")
    for key in ("limit_s", "override_s"):
        value = record.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
            raise CellLimitError(f"{path}: {key} must be a number of seconds above 0, not {value!r}")
    if record.get("limit_s") is None and record.get("override_s") is None:
        raise CellLimitError(f"{path} holds neither a measured limit nor an override")
    return record


def write(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def resolve(config, assignment: str, fallback: int | None = None) -> Limit:
    """The limit for grading ``assignment`` (see the module docstring for the order)."""
    configured = config.SandboxedExecute.get("cell_limit", 0) if "SandboxedExecute" in config else 0
    if configured and configured > 0:
        return Limit(int(configured), "config", f"{int(configured)} s per cell, set by SandboxedExecute.cell_limit")
    if fallback is None:
        fallback = config.Execute.get("timeout", FALLBACK_S) if "Execute" in config else FALLBACK_S
    path = limit_file(config, assignment)
    try:
        record = read(path)
    except CellLimitError as exc:
        return Limit(fallback, "fallback", f"{fallback} s per cell (the configured default): {exc}")
    if record is None:
        return Limit(fallback, "fallback", f"{fallback} s per cell (the configured default): no limit measured "
                     f"for {assignment} (python -m course.grader.cell_limit measure {assignment})")
    if record.get("override_s"):
        s = int(math.ceil(record["override_s"]))
        return Limit(s, "override", f"{s} s per cell, set by the instructor ({path})")
    s = int(math.ceil(record["limit_s"]))
    why = (f"{s} s per cell, measured {record.get('measured_at', '?')}: {record.get('multiple', MULTIPLE):g}x the "
           f"slowest cell ({record.get('slowest_cell', '?')}, {record.get('slowest_s', 0):.2f} s), "
           f"at least {record.get('floor_s', FLOOR_S):g} s")
    try:
        changed = record.get("source_digest") not in (None, source_digest(source_notebooks(config, assignment)))
    except OSError:
        changed = False
    if changed:
        why += "; the source notebooks changed since: measure again"
    return Limit(s, "measured", why)


# --------------------------------------------------------------------------- measuring

def time_cells(path: Path, timeout: int = 600) -> list[tuple[str, float]]:
    """Run one notebook top to bottom as grading does (headless) and return (cell label, seconds) per code cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    times: list[tuple[str, float]] = []

    class TimedClient(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            start = time.perf_counter()
            try:
                return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            finally:
                if cell.cell_type == "code":
                    label = (cell.metadata.get("nbgrader", {}).get("grade_id") or cell.get("id")
                             or f"cell {cell_index + 1}")
                    times.append((label, time.perf_counter() - start))

    env = {"COURSE_HEADLESS": "1", "NBGRADER_EXECUTION": "autograde"}
    before = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        TimedClient(nb, timeout=timeout, allow_errors=False,
                    resources={"metadata": {"path": str(path.parent)}}).execute(stderr=subprocess.DEVNULL)
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return times


def measure(config, assignment: str, multiple: float = MULTIPLE, floor_s: float = FLOOR_S, repeats: int = REPEATS,
            timer=time_cells, say=print) -> dict:
    """Run the source notebooks of ``assignment`` ``repeats`` times, store and return the record (an override is kept).

    Each cell counts with its fastest run: a moment when the instructor's
    machine was busy should not inflate the limit (the multiple covers a busy
    grading machine).
    """
    notebooks = source_notebooks(config, assignment)
    if not notebooks:
        raise CellLimitError(f"no source notebooks for {assignment} in the course's source folder")
    slowest = ("", 0.0)
    for path in notebooks:
        try:
            runs = [timer(path) for _ in range(max(1, repeats))]
        except Exception as exc:  # a source that does not run is the instructor's to fix first
            raise CellLimitError(f"{path.name} did not run to the end ({type(exc).__name__}); "
                                 "fix it, then measure again") from None
        cells = [(label, min(run[i][1] for run in runs)) for i, (label, _s) in enumerate(runs[0])]
        say(f"{path.name}: {len(cells)} code cells, slowest {max((s for _, s in cells), default=0):.2f} s")
        for label, seconds in cells:
            if seconds > slowest[1]:
                slowest = (f"{path.stem}/{label}", seconds)
    record = {
        "assignment": assignment,
        "limit_s": derive(slowest[1], multiple, floor_s),
        "slowest_cell": slowest[0],
        "slowest_s": round(slowest[1], 3),
        "multiple": multiple,
        "floor_s": floor_s,
        "runs": max(1, repeats),
        "measured_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "source_digest": source_digest(notebooks),
    }
    path = limit_file(config, assignment)
    try:
        old = read(path)
    except CellLimitError:
        old = None
    if old and old.get("override_s"):
        record["override_s"] = old["override_s"]
    write(path, record)
    return record


def set_override(config, assignment: str, seconds: float | None) -> Path:
    """Store (or with ``None`` remove) the instructor's override; any measurement is kept."""
    if seconds is not None and not (seconds > 0):
        raise CellLimitError("the limit must be a number of seconds above 0")
    path = limit_file(config, assignment)
    try:
        record = read(path) or {"assignment": assignment}
    except CellLimitError:
        record = {"assignment": assignment}
    if seconds is None:
        record.pop("override_s", None)
        if record.get("limit_s") is None:
            path.unlink(missing_ok=True)
            return path
    else:
        record["override_s"] = seconds
    write(path, record)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.grader.cell_limit",
                                     description="The per-cell time limit used when grading an assignment.")
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="run the source notebooks and store the derived limit")
    m.add_argument("assignment")
    m.add_argument("--multiple", type=float, default=MULTIPLE, help=f"times the slowest cell (default {MULTIPLE:g})")
    m.add_argument("--floor", type=float, default=FLOOR_S, help=f"smallest limit in seconds (default {FLOOR_S:g})")
    m.add_argument("--runs", type=int, default=REPEATS,
                   help=f"runs of each notebook; each cell counts with its fastest (default {REPEATS})")
    s = sub.add_parser("set", help="override the limit (seconds), or --clear the override")
    s.add_argument("assignment")
    s.add_argument("seconds", type=float, nargs="?")
    s.add_argument("--clear", action="store_true")
    sh = sub.add_parser("show", help="the limit grading will use, and why")
    sh.add_argument("assignment")
    args = parser.parse_args(argv)

    from .nbgrader_api import load_config

    config = load_config()
    try:
        if args.command == "measure":
            if args.multiple <= 0 or args.floor <= 0:
                parser.error("--multiple and --floor must be above 0")
            measure(config, args.assignment, args.multiple, args.floor, args.runs)
        elif args.command == "set":
            if args.clear == (args.seconds is not None):
                parser.error("give either a number of seconds or --clear")
            print(f"wrote {set_override(config, args.assignment, None if args.clear else args.seconds)}")
    except CellLimitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.assignment}: {resolve(config, args.assignment).why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
