"""Benchmark: how quickly each interactive demo answers a control change (headless, Agg backend).

    python benchmarks/widget_speed.py                       # every demo, 30 changes each
    python benchmarks/widget_speed.py --changes 60          # more changes per demo
    python benchmarks/widget_speed.py --only breathing hrv  # demos whose name contains a word

Every demo is found as the accessibility tests find it
(:func:`course.publish.accessibility.discover_demos`) and built with its controls, as a
learner sees it. Each control that has a range or options (sliders, menus,
toggle buttons, checkboxes) is moved in turn, its values alternating across
the range (lowest, highest, second lowest, ...). A change is timed from
setting the control's value until the observer returns: the plot's
``update(...)``, the caption, and ``render()`` (the PNG with its alt text).
Changes that draw no figure (e.g. choosing "Your uploaded file" before
uploading one) are counted but not timed.

Two **floors** are measured in the same run, interleaved with the demo's
changes (so all see the same load on the machine):

- *own* (the target's floor): the demo's own figure, just drawn by the demo,
  re-rendered to PNG the same way (``plotting.render``) after every line
  artist is updated in place with its current data: the cost of drawing that
  figure, with its legend, labels and shading, when nothing is recomputed or
  rebuilt;
- *lines*: a bare figure of the same pixel size with the same axes, one line
  per axes getting new data (printed for reference: how much the demo's
  decorations cost).

The target for each demo: median within 1.5x of its own floor and 95th
percentile under 250 ms.

Prints figures only; it asserts nothing (timings belong here, not in tests).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course import plotting
from course.publish import accessibility  # noqa: E402

#: Target: the median change is within this factor of the floor ...
MAX_RATIO = 1.5
#: ... and 95 % of changes finish within this many milliseconds.
MAX_P95_MS = 250.0
FLOOR_ALT = "Benchmark floor: lines with new data on the same axes as the demo's figure."
OWN_FLOOR_ALT = "Benchmark floor: the demo's own figure drawn again with its artists updated in place."


def _fractions(count: int) -> list[float]:
    """Positions across a range, alternating ends and moving inwards: 0, 1, 0.1, 0.9, 0.2, 0.8, ..."""
    pairs = max(1, (count + 1) // 2)
    steps = np.linspace(0.0, 0.5, pairs + 1)[:-1] if pairs > 1 else [0.0]
    out = []
    for s in steps:
        out += [s, 1.0 - s]
    return out[:count]


def value_schedule(control, count: int) -> list:
    """``count`` values for ``control``, alternating across its range (each differs from the one before)."""
    import ipywidgets

    if isinstance(control, ipywidgets.widgets.widget_bool._Bool):
        return [not control.value if k % 2 == 0 else control.value for k in range(count)]
    if isinstance(control, ipywidgets.widgets.widget_selection._Selection):
        values = list(control._options_values)
        order = [values[i] for i in sorted(range(len(values)), key=lambda i: (i % 2, i if i % 2 == 0 else -i))]
        out, last = [], control.value
        for k in range(count):
            choice = order[k % len(order)]
            if choice == last:
                choice = order[(k + 1) % len(order)]
            out.append(choice)
            last = choice
        return out
    low, high, step = control.min, control.max, getattr(control, "step", None) or 1
    out, last = [], control.value
    for frac in _fractions(count):
        value = low + round(frac * (high - low) / step) * step
        value = min(high, max(low, value))
        if np.isclose(value, last):
            value = value + step if value + step <= high else value - step
        value = type(control.value)(round(value, 10))
        out.append(value)
        last = value
    return out


def changeable_controls(box) -> list:
    """Controls the benchmark moves: sliders, menus, toggle buttons and checkboxes (not buttons or text)."""
    import ipywidgets

    kinds = (ipywidgets.widgets.widget_bool._Bool, ipywidgets.widgets.widget_selection._Selection)
    found = []
    for widget, _, _ in accessibility.iter_widgets(box):
        if not accessibility.is_control(widget) or widget.disabled:
            continue
        ranged = hasattr(widget, "min") and hasattr(widget, "max") and isinstance(widget.value, (int, float))
        if isinstance(widget, kinds) or ranged:
            found.append(widget)
    return found


def floor_figure(fig):
    """A figure of the same pixel size with the same axes, one line in each (as many points as the demo's)."""
    floor = plt.figure(figsize=fig.get_size_inches(), dpi=fig.dpi)
    lines = []
    for ax in fig.axes:
        twin = floor.add_axes(ax.get_position())
        n = max([len(line.get_xdata()) for line in ax.get_lines()] + [50])
        (line,) = twin.plot(np.linspace(0, 1, n), np.zeros(n))
        twin.set_xlim(0, 1)
        twin.set_ylim(-3, 3)
        lines.append(line)
    return floor, lines


def floor_change(floor, lines, rng, render) -> float:
    """Seconds for one floor change: new data in every line, then the same PNG rendering."""
    start = time.perf_counter()
    for line in lines:
        x = line.get_xdata()
        line.set_data(x, rng.standard_normal(len(x)))
    render(floor, FLOOR_ALT, close=False)
    return time.perf_counter() - start


def own_floor_change(fig, render) -> float:
    """Seconds to re-render the demo's own figure after updating its lines in place (same data)."""
    start = time.perf_counter()
    for ax in fig.axes:
        for line in ax.get_lines():
            line.set_data(line.get_xdata(orig=True), line.get_ydata(orig=True))
    render(fig, OWN_FLOOR_ALT, close=False)
    return time.perf_counter() - start


def time_demo(func, changes: int, warmup: int = 2) -> dict:
    """Build the demo with controls and time ``changes`` control changes; also its floor."""
    render_times = []
    latest = {}
    with contextlib.redirect_stdout(io.StringIO()), accessibility.capture(headless=False) as record:
        inner = plotting.render

        def timed_render(fig, *args, **kwargs):
            latest["figure"] = fig
            start = time.perf_counter()
            try:
                return inner(fig, *args, **kwargs)
            finally:
                render_times.append(time.perf_counter() - start)

        plotting.render = timed_render
        try:
            box = func(**accessibility.demo_arguments(func))
            controls = changeable_controls(box)
            per_control = -(-(changes + warmup) // max(1, len(controls)))
            schedules = [value_schedule(c, per_control) for c in controls]
            times, untimed, floor_times, own_times = [], 0, [], []
            floor, lines = floor_figure(record.figures[0])
            rng = np.random.default_rng(0)
            render_times.clear()
            for k in range(changes + warmup):
                # floor and demo alternate, so both see the same load on the machine
                seconds = floor_change(floor, lines, rng, inner)
                if k >= warmup:
                    floor_times.append(seconds)
                control = controls[k % len(controls)]
                value = schedules[k % len(controls)][k // len(controls)]
                before = record.renders
                start = time.perf_counter()
                control.value = value
                elapsed = time.perf_counter() - start
                if k < warmup:
                    render_times.clear()
                    continue
                if record.renders > before:
                    times.append(elapsed)
                    own_times.append(own_floor_change(latest["figure"], inner))
                else:
                    untimed += 1
        finally:
            plotting.render = inner
    fig = record.figures[0]
    plt.close(floor)
    width, height = (fig.get_size_inches() * fig.dpi).round().astype(int)
    for f in record.figures:
        plt.close(f)
    return {"times": times, "render": render_times, "floor": floor_times, "own": own_times, "untimed": untimed,
            "controls": len(controls), "axes": len(fig.axes), "pixels": f"{width}x{height}"}


def percentile_ms(values, q) -> float:
    return 1000 * float(np.percentile(values, q)) if values else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30, help="timed control changes per demo (default 30)")
    parser.add_argument("--only", nargs="*", default=[], help="only demos whose name contains one of these")
    args = parser.parse_args(argv)

    demos = {name: f for name, f in accessibility.discover_demos().items()
             if not args.only or any(word in name for word in args.only)}
    print(f"matplotlib {matplotlib.__version__} ({matplotlib.get_backend()}), Python {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s); {args.changes} changes per demo; target: median <= {MAX_RATIO}x own floor "
          f"and p95 < {MAX_P95_MS:.0f} ms")
    header = (f"{'demo':<46} {'axes':>4} {'pixels':>9} {'n':>3} {'median':>7} {'p95':>7} {'render':>7} "
              f"{'own fl.':>7} {'ratio':>6} {'lines':>7} {'ratio':>6}  result")
    print(header)
    print(f"{'':<46} {'':>4} {'':>9} {'':>3} {'ms':>7} {'ms':>7} {'ms':>7} {'ms':>7} {'':>6} {'ms':>7} {'':>6}")
    misses = 0
    with matplotlib.rc_context():
        plotting.use_course_style()
        for name, func in demos.items():
            r = time_demo(func, args.changes)
            median, p95 = percentile_ms(r["times"], 50), percentile_ms(r["times"], 95)
            floor, own = percentile_ms(r["floor"], 50), percentile_ms(r["own"], 50)
            ratio = median / own
            ok = ratio <= MAX_RATIO and p95 < MAX_P95_MS
            misses += not ok
            note = f"  ({r['untimed']} change(s) drew no figure)" if r["untimed"] else ""
            print(f"{name:<46} {r['axes']:>4} {r['pixels']:>9} {len(r['times']):>3} {median:7.1f} {p95:7.1f} "
                  f"{percentile_ms(r['render'], 50):7.1f} {own:7.1f} {ratio:6.2f} {floor:7.1f} {median / floor:6.2f}  "
                  f"{'PASS' if ok else 'MISS'}{note}")
    print(f"{len(demos) - misses} of {len(demos)} demos meet the target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
