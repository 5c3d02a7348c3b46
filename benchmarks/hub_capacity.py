"""Benchmark: memory and CPU a learner needs on a JupyterHub, and what that means per node.

    .venv/bin/python benchmarks/hub_capacity.py                      # every module
    .venv/bin/python benchmarks/hub_capacity.py --modules 01-nervous-system
    .venv/bin/python benchmarks/hub_capacity.py --write              # also update deploy/capacity.json
    .venv/bin/python benchmarks/hub_capacity.py --from-file --node-gib 16 --node-cpus 4   # re-plan, no run

For each module, one fresh kernel runs every notebook of the module top to
bottom, in order (the instructor's source notebooks in ``modules/``, which hold
the solutions, so every cell runs), with ``NBGRADER_EXECUTION=autograde`` and
``COURSE_HEADLESS=1`` so each demo draws once. While it runs, the kernel and
its child processes are sampled every 20 ms from ``/proc``: the peak resident
memory (RSS, plus the kernel's own ``VmHWM``) and the CPU time (user + system,
children included). A JupyterLab server is also started on loopback, its page
and settings requested once, and its resident memory read: that is the part of
a learner's server that is not a kernel.

From these it prints the memory guarantee and limit and the CPU guarantee for
``deploy/z2jh/values.yaml``, and how many learners fit on one node. JupyterLab
keeps a lesson's kernel running after its tab is closed, so the guarantee
counts two kernels per learner and the limit four. Every assumption is a
command-line option and is printed with the result.

Prints figures only; it asserts nothing. Linux only (reads ``/proc``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.grader.nbgrader_api import assignments  # noqa: E402
from course.paths import MODULES_DIR, REPO_ROOT  # noqa: E402
from notebook_times import QUIET_KERNEL  # noqa: E402  (benchmarks/, the folder of this script)

MIB = 1024 * 1024
CAPACITY_FILE = REPO_ROOT / "deploy" / "capacity.json"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- /proc readers

def _children(pid: int) -> list[int]:
    """All descendants of ``pid`` (e.g. a subprocess a lesson starts)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                kids = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                found.append(kid)
                todo.append(kid)
    return found


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _hwm_bytes(pid: int) -> int:
    """The process's own peak resident memory (``VmHWM``), kept by the kernel."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and of the children it has waited for (cutime + cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3, utime..cstime are fields 14..17.
    return sum(int(fields[i - 3]) for i in (14, 15, 16, 17)) / TICKS


def tree_rss(pid: int) -> int:
    return _rss_bytes(pid) + sum(_rss_bytes(kid) for kid in _children(pid))


def tree_cpu(pid: int) -> float:
    return _cpu_seconds(pid) + sum(_cpu_seconds(kid) for kid in _children(pid))


class Sampler:
    """Polls a process tree in a thread; keeps the peak RSS per label (the notebook running)."""

    def __init__(self, interval: float = 0.02):
        self.interval, self.pid, self.label = interval, None, None
        self.peaks: dict[str, int] = {}
        self.cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, pid: int, label: str) -> None:
        self.pid, self.label = pid, label
        self._thread.start()

    def sample(self) -> None:
        if self.pid is None:
            return
        rss = tree_rss(self.pid)
        self.peaks[self.label] = max(self.peaks.get(self.label, 0), rss)
        self.cpu = max(self.cpu, tree_cpu(self.pid))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


# --------------------------------------------------------------------------- measurements

def run_module(name: str, timeout: int = 600) -> dict:
    """Run every notebook of module ``name`` in one fresh kernel; return its figures."""
    folder = MODULES_DIR / name
    paths = sorted(folder.glob("*.ipynb"))
    merged = nbformat.v4.new_notebook(metadata=nbformat.read(paths[0], as_version=4).metadata)
    owner: list[str] = []  # which notebook each cell comes from
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            merged.cells.append(cell)
            owner.append(path.name)

    sampler = Sampler()
    hwm = [0]  # the kernel's own peak, read after each cell

    def started(**_):
        sampler.start(client.km.provisioner.pid, owner[0])

    def before_cell(cell_index, **_):
        sampler.sample()
        sampler.label = owner[cell_index]

    def after_cell(**_):
        sampler.sample()
        hwm[0] = max(hwm[0], _hwm_bytes(client.km.provisioner.pid))

    client = NotebookClient(merged, timeout=timeout, kernel_name="python3", extra_arguments=QUIET_KERNEL,
                            resources={"metadata": {"path": str(folder)}}, on_notebook_start=started,
                            on_cell_execute=before_cell, on_cell_executed=after_cell)
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        sampler.stop()
    wall = time.perf_counter() - start
    per_notebook = {p.name: sampler.peaks.get(p.name, 0) / MIB for p in paths}
    peak = max(max(sampler.peaks.values(), default=0), hwm[0]) / MIB
    return {"notebooks": per_notebook, "peak_rss_mib": peak, "cpu_s": sampler.cpu, "wall_s": wall}


def jupyterlab_rss_mib() -> float | None:
    """Resident memory of an idle JupyterLab server after its page and settings have loaded."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="hub-capacity-") as tmp:
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=tmp, JUPYTERLAB_WORKSPACES_DIR=tmp)
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp}",
               "--LabApp.news_url=None"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):  # up to 30 s to start
                time.sleep(0.2)
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                    break
                except OSError:
                    if server.poll() is not None:
                        return None
            else:
                return None
            for path in ("/lab", "/lab/api/settings", "/api/kernelspecs"):
                urllib.request.urlopen(f"{base}{path}?token={token}", timeout=30).read()
            time.sleep(1.0)
            return tree_rss(server.pid) / MIB
        except OSError:
            return None
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# --------------------------------------------------------------------------- recommendations

def round_up(value: float, step: float) -> float:
    return math.ceil(value / step - 1e-9) * step


def quantity(mib: float) -> str:
    """A size as KubeSpawner and TLJH read it (K/M/G/T are powers of 1024; no 'Mi')."""
    return f"{int(mib) // 1024}G" if mib % 1024 == 0 else f"{int(mib)}M"


def recommend(results: dict, server_mib: float, args) -> dict:
    kernel = max(r["peak_rss_mib"] for r in results.values())
    cpu = max(r["cpu_s"] for r in results.values())
    guarantee = round_up((server_mib + args.kernels_typical * kernel) * args.headroom, 64)
    limit = round_up(max((server_mib + args.kernels_max * kernel) * args.headroom, guarantee), 256)
    per_node_mem = int((args.node_gib - args.reserve_gib) * 1024 // guarantee)
    cpu_guarantee = max(0.05, round_up(cpu * args.reruns / (args.hours * 3600), 0.05))
    per_node_cpu = int((args.node_cpus - args.reserve_cpus) / cpu_guarantee + 1e-9)
    return {
        "kernel_peak_mib": round(kernel, 1), "server_mib": round(server_mib, 1),
        "memory_guarantee": quantity(guarantee), "memory_guarantee_mib": int(guarantee),
        "memory_limit": quantity(limit), "memory_limit_mib": int(limit),
        "cpu_guarantee": round(cpu_guarantee, 2), "cpu_limit": 1,
        "learners_per_node_memory": per_node_mem, "learners_per_node_cpu": per_node_cpu,
        "learners_per_node": min(per_node_mem, per_node_cpu),
        "heaviest_module_cpu_s": round(cpu, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", nargs="+", metavar="MODULE", help="modules to run (default: all)")
    parser.add_argument("--write", action="store_true", help=f"write the figures to {CAPACITY_FILE.relative_to(REPO_ROOT)}")
    parser.add_argument("--node-gib", type=float, default=8.0, help="memory of one node (default 8)")
    parser.add_argument("--node-cpus", type=float, default=2.0, help="CPUs of one node (default 2)")
    parser.add_argument("--reserve-gib", type=float, default=1.5,
                        help="node memory kept by the OS, kubelet and system pods (default 1.5)")
    parser.add_argument("--reserve-cpus", type=float, default=0.2, help="node CPU kept by the system (default 0.2)")
    parser.add_argument("--headroom", type=float, default=1.25, help="factor on measured memory (default 1.25)")
    parser.add_argument("--kernels-typical", type=int, default=2,
                        help="kernels a learner usually has running: the lesson open and the one before (default 2)")
    parser.add_argument("--kernels-max", type=int, default=4,
                        help="kernels a learner may have running at once, for the limit (default 4)")
    parser.add_argument("--hours", type=float, default=2.0,
                        help="hours a learner spends on a module, for the CPU average (default 2)")
    parser.add_argument("--reruns", type=float, default=3.0,
                        help="times a learner runs a module's code in that time (default 3)")
    parser.add_argument("--no-server", action="store_true",
                        help="do not start JupyterLab; assume --server-mib instead")
    parser.add_argument("--server-mib", type=float, default=150.0,
                        help="JupyterLab server memory assumed with --no-server or if it fails to start")
    parser.add_argument("--from-file", action="store_true",
                        help=f"measure nothing: recompute the recommendations (e.g. for another node size) "
                             f"from the figures in {CAPACITY_FILE.relative_to(REPO_ROOT)}")
    args = parser.parse_args(argv)

    names = args.modules or assignments()
    unknown = sorted(set(names) - set(assignments()))
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}; choose from {', '.join(assignments())}")
    os.environ.update(NBGRADER_EXECUTION="autograde", COURSE_HEADLESS="1")

    if args.from_file:
        saved = json.loads(CAPACITY_FILE.read_text(encoding="utf-8"))
        results = {n: r for n, r in saved["modules"].items() if n in names}
        server_mib, source = saved["recommended"]["server_mib"], saved["server_mib_source"]
    else:
        measured = None if args.no_server else jupyterlab_rss_mib()
        server_mib = measured if measured is not None else args.server_mib
        source = "measured" if measured is not None else "assumed (not measured)"
        results = {name: run_module(name) for name in names}

    print(f"{'module / notebook':<52} {'peak MiB':>9} {'CPU s':>7} {'wall s':>7}")
    for name, r in results.items():
        print(f"{name:<52} {r['peak_rss_mib']:9.0f} {r['cpu_s']:7.1f} {r['wall_s']:7.1f}")
        for nb, mib in r["notebooks"].items():
            print(f"  {nb:<50} {mib:9.0f}")

    rec = recommend(results, server_mib, args)
    print()
    print(f"JupyterLab server, idle after loading: {server_mib:.0f} MiB ({source})")
    print(f"Largest kernel peak (one module, all its notebooks in one kernel): {rec['kernel_peak_mib']:.0f} MiB")
    print(f"Memory guarantee = (server + {args.kernels_typical} kernels) x {args.headroom:g}, rounded up to 64 MiB: "
          f"{rec['memory_guarantee']}  ({rec['memory_guarantee_mib']} MiB)")
    print(f"Memory limit = (server + {args.kernels_max} kernels) x {args.headroom:g}, rounded up to 256 MiB: "
          f"{rec['memory_limit']}  ({rec['memory_limit_mib']} MiB)")
    print(f"CPU guarantee = heaviest module's CPU time ({rec['heaviest_module_cpu_s']:.0f} s) x {args.reruns:g} runs "
          f"/ {args.hours:g} h, at least 0.05: {rec['cpu_guarantee']:g} CPU; CPU limit: 1 (a kernel runs on one core)")
    print(f"Learners per {args.node_gib:g} GiB, {args.node_cpus:g}-CPU node "
          f"(reserving {args.reserve_gib:g} GiB and {args.reserve_cpus:g} CPU for the system): "
          f"{rec['learners_per_node']} (memory allows {rec['learners_per_node_memory']}, "
          f"CPU guarantees allow {rec['learners_per_node_cpu']})")
    burst = rec["heaviest_module_cpu_s"] * rec["learners_per_node"] / args.node_cpus
    print(f"If all {rec['learners_per_node']} press 'Run all' on the heaviest module at the same moment, "
          f"the node needs about {burst / 60:.1f} min of CPU to finish them all")

    if args.write:
        record = {
            "produced_by": "benchmarks/hub_capacity.py --write" + (" --from-file" if args.from_file else ""),
            "machine": saved["machine"] if args.from_file else {
                "cpus": os.cpu_count(), "python": platform.python_version(),
                "system": f"{platform.system()} {platform.machine()}"},
            "server_mib_source": source,
            "modules": {n: {k: (round(v, 1) if isinstance(v, float) else
                                {nb: round(m, 1) for nb, m in v.items()})
                            for k, v in r.items()} for n, r in results.items()},
            "assumptions": {k: getattr(args, k) for k in
                            ("node_gib", "node_cpus", "reserve_gib", "reserve_cpus", "headroom",
                             "kernels_typical", "kernels_max", "hours", "reruns")},
            "recommended": rec,
        }
        CAPACITY_FILE.parent.mkdir(exist_ok=True)
        CAPACITY_FILE.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CAPACITY_FILE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
