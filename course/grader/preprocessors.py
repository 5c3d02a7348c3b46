"""The nbgrader preprocessors that keep autograding going whatever a submission does.

``nbgrader_config.py`` chains them in ``Autograde.autograde_preprocessors``, so
both ``nbgrader autograde`` and ``python -m course.grader.parallel`` use them,
in this order, each with one job:

1. :class:`TamperGate` reads every cell a learner can edit
   (:mod:`course.grader.tamper_scan`). Code that changes the checking
   machinery is not run: every autograded test of that notebook scores 0 with
   the reason, and the steps below leave the notebook alone.
2. :class:`AddIntegrityCheck` appends a hidden last cell that will report the
   digests of the ``course`` helpers the tests use, then raise on purpose.
3. :class:`SandboxedExecute` replaces nbgrader's ``Execute``. It starts each
   kernel through :mod:`course.grader.sandbox` with a memory and a CPU-time
   limit (and, for isolated grading, as an unprivileged user in a throw-away
   folder). A cell that runs past the per-cell time limit is interrupted, as
   Ctrl+C would, and the next cells run in the same kernel; a cell that
   ignores the interrupt or stops the kernel is marked with a plain message
   and the notebook is run again without it. Either way the learner keeps the
   points of every other exercise. The per-cell
   limit is the assignment's own (:mod:`course.grader.cell_limit`: derived
   from the instructor's run of the source, or overridden), else
   ``Execute.timeout``.
4. :class:`VerifyIntegrity` removes the hidden cell and reads what it
   printed: if error reporting no longer works or a helper is not the
   course's own, the tests score 0 too.
5. :class:`LimitOutputSize` caps every output's size (nbgrader's
   ``LimitOutput`` counts lines only, so one 50 MB line passes).
6. :class:`SaveGradingNotes` keeps the one-line notes for the instructor in the
   autograded notebook (:mod:`course.grader.notes`).

The steps talk through ``resources[STATE_KEY]``: once a step has decided a
notebook is not graded (tampering, or a kernel that could not be kept alive),
the later steps leave its test cells as they are.

:class:`ShortTestTracebacks` belongs to feedback, not grading: it keeps hidden
tests out of the learner's feedback.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
from queue import Empty

from jupyter_core.utils import ensure_async
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor
from traitlets import Integer, Unicode

from . import cell_limit, notes, sandbox
from .tamper_scan import cell_label, loaded_names, tamper_findings

#: Where the steps of one notebook's grading share their state in ``resources``.
STATE_KEY = "course_grading_state"
#: Marks the hidden cell :class:`AddIntegrityCheck` appends.
INTEGRITY_MARK = "course_integrity_check"
NOT_GRADED = "NotGraded"
STOPPED = "GradingStopped"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _CellTooSlow(Exception):
    """Raised inside nbclient when a cell exceeds the per-cell time limit."""


def _state(resources: dict) -> dict:
    return resources.setdefault(STATE_KEY, {})


def not_graded(resources: dict) -> bool:
    """Whether an earlier step decided this notebook's tests score 0."""
    return bool(_state(resources).get("not_graded"))


def _error_output(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


def autograded_test_cells(nb) -> list:
    """Code cells that earn points from running (nbgrader ``grade`` cells that are not answers)."""
    return [c for c in nb.cells if c.cell_type == "code"
            and c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]


def fail_autograded_tests(nb, message: str, resources: dict | None = None) -> None:
    """Give every autograded test cell an error output (nbgrader then scores it 0); later steps stand back."""
    for cell in autograded_test_cells(nb):
        cell.outputs = [_error_output(NOT_GRADED, message)]
    if resources is not None:
        _state(resources)["not_graded"] = message


# --------------------------------------------------------------------------- 1. the tamper gate

class TamperGate(NbGraderPreprocessor):
    """Do not run a notebook whose learner-editable cells change how answers are checked."""

    def preprocess(self, nb, resources):
        findings = tamper_findings(nb)
        if findings:
            first = findings[0].sentence()
            more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
            fail_autograded_tests(nb, "Not graded: this notebook changes how answers are checked: "
                                      f"{first}{more}. Ask your instructor if this is a mistake.", resources)
            notes.add(resources, "tampering", f"not run: {first}{more}", tampering=True)
        return nb, resources


# --------------------------------------------------------------------------- 2. and 4. the integrity check

def fingerprint(module) -> dict[str, str]:
    """A digest of each function and class defined in ``module`` (its bytecode, constants and names)."""
    import hashlib as _hashlib
    import types as _types

    def code_digest(code, h):
        h.update(code.co_code)
        h.update(repr(code.co_names).encode())
        for const in code.co_consts:
            if isinstance(const, _types.CodeType):
                code_digest(const, h)
            else:
                h.update(repr(const).encode())

    out = {}
    for key, obj in sorted(vars(module).items()):
        if isinstance(obj, _types.FunctionType):
            h = _hashlib.sha256(getattr(obj, "__module__", "").encode())
            code_digest(obj.__code__, h)
            out[key] = h.hexdigest()[:16]
        elif isinstance(obj, type) and getattr(obj, "__module__", None) == module.__name__:
            h = _hashlib.sha256(obj.__qualname__.encode())
            for name, member in sorted(vars(obj).items()):
                if isinstance(member, _types.FunctionType):
                    h.update(name.encode())
                    code_digest(member.__code__, h)
            out[key] = h.hexdigest()[:16]
    return out


def _integrity_source(nonce: str, names: list[str]) -> str:
    """The code of the last cell the grader adds: report helper digests, then raise on purpose."""
    return "\n".join([
        "# Added by the course's grader; not part of the learner's notebook.",
        inspect.getsource(fingerprint),
        "def _course_integrity_report():",
        "    import json, sys",
        "    modules = {k: m for k, m in list(sys.modules.items()) if k == 'course' or k.startswith('course.')}",
        "    names = {}",
        f"    for name in {names!r}:",
        "        value = globals().get(name)",
        "        if value is not None and hasattr(value, '__name__') and hasattr(value, '__file__'):",
        "            names[name] = [value.__name__, value.__file__]",
        "    report = {'modules': {k: [getattr(m, '__file__', None), fingerprint(m)] for k, m in modules.items()},",
        "              'names': names}",
        f"    print({nonce!r} + json.dumps(report))",
        f"    raise RuntimeError({nonce!r})",
        "_course_integrity_report()",
    ])


#: For each course module grading compared with: a digest of its file when grading first used it (see :func:`_changed_on_disk`).
_FILE_AT_IMPORT: dict[str, str | None] = {}


def _file_digest(path: str | None) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (OSError, TypeError):
        return None


def _expected_module(name: str):
    """The module as grading loaded it: the reference a learner's kernel is compared with."""
    __import__(name)
    module = sys.modules[name]
    _FILE_AT_IMPORT.setdefault(name, _file_digest(getattr(module, "__file__", None)))
    return module


def _changed_on_disk(name: str, module) -> bool:
    """Whether ``module``'s file is no longer what grading loaded (a course update, or code that rewrote it)."""
    then = _FILE_AT_IMPORT.get(name)
    return then is not None and _file_digest(getattr(module, "__file__", None)) != then


def integrity_problems(output_text: str, error_values: list[str], nonce: str) -> list[str]:
    """What the integrity cell's outputs reveal: ``[]`` when everything is the course's own."""
    problems = []
    if not any(nonce in (v or "") for v in error_values):
        problems.append("errors raised after the learner's code were not reported (error display changed)")
    marker = output_text.rfind(nonce)
    if marker < 0:
        problems.append("the grader's final check printed nothing (output or later cells were altered)")
        return problems
    try:
        report = json.loads(output_text[marker + len(nonce):].splitlines()[0])
    except (ValueError, IndexError):
        return problems + ["the grader's final check printed something unreadable"]
    for name, (file, digests) in sorted(report.get("modules", {}).items()):
        try:
            real = _expected_module(name)
        except Exception:
            problems.append(f"a module named {name!r} is not the course's")
            continue
        if os.path.realpath(file or "") != os.path.realpath(getattr(real, "__file__", "") or ""):
            problems.append(f"{name} was loaded from {file}, not from the course")
            continue
        expected = fingerprint(real)
        changed = sorted(k for k, v in expected.items() if digests.get(k) != v)
        if changed and _changed_on_disk(name, real):
            problems.append(f"{name} changed on disk while grading ran ({file}): after a course update, grade "
                            "again; otherwise code rewrote the file")
        elif changed:
            problems.append(f"{name}.{changed[0]} was changed" + (f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""))
    for name, (module_name, file) in sorted(report.get("names", {}).items()):
        if module_name.split(".")[0] == "course":
            try:
                real = _expected_module(module_name)
            except Exception:
                problems.append(f"`{name}` is not a course module")
                continue
            if os.path.realpath(file or "") != os.path.realpath(real.__file__ or ""):
                problems.append(f"`{name}` was loaded from {file}, not from the course")
    return problems


class AddIntegrityCheck(NbGraderPreprocessor):
    """Append the hidden cell that reports the ``course`` helpers' digests after the learner's code has run."""

    def preprocess(self, nb, resources):
        if not_graded(resources):
            return nb, resources
        nonce = secrets.token_hex(12)
        names = sorted({n for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("locked")
                        for n in loaded_names(c.source)})
        nb.cells.append(new_code_cell(_integrity_source(nonce, names), metadata={INTEGRITY_MARK: True}))
        _state(resources)["nonce"] = nonce
        return nb, resources


def is_integrity_cell(cell) -> bool:
    return bool(cell.get("metadata", {}).get(INTEGRITY_MARK))


class VerifyIntegrity(NbGraderPreprocessor):
    """Remove the hidden cell and score the tests 0 if what it printed shows the checks were changed."""

    def preprocess(self, nb, resources):
        added = [c for c in nb.cells if is_integrity_cell(c)]
        for cell in added:
            nb.cells.remove(cell)
        nonce = _state(resources).get("nonce")
        if not_graded(resources) or not added or not nonce:
            return nb, resources
        outputs = added[-1].get("outputs", [])
        text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
        errors = [o.get("evalue", "") for o in outputs if o.get("output_type") == "error"]
        problems = integrity_problems(text, errors, nonce)
        if problems:
            fail_autograded_tests(nb, "Not graded: this notebook changes how answers are checked "
                                      f"({problems[0]}). Ask your instructor if this is a mistake.", resources)
            notes.add(resources, "tampering", "; ".join(problems), tampering=True)
        return nb, resources


# --------------------------------------------------------------------------- 3. sandboxed execution with recovery

def _noted_errors(nb, resources) -> None:
    """Notes for errors an instructor should know about (input(), exit, memory, time, output cut)."""
    meanings = {
        "StdinNotImplementedError": "asks for keyboard input (input()), which grading cannot give",
        "SystemExit": "calls exit() or sys.exit(); the rest of that cell did not run",
        "MemoryError": "ran out of memory (grading limit)",
        "CellTimeoutError": "ran past the time limit per cell",
        "KeyboardInterrupt": "was interrupted",
        "PermissionError": "tried to open a file it may not read; grading blocked it",
    }
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") in meanings:
                notes.add(resources, "runtime", f"{cell_label(cell, i)} {meanings[out['ename']]}")


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with kernel limits, an optional sandbox user, and recovery from dead kernels."""

    memory_mb = Integer(2048, help="Address-space limit of a grading kernel (MB; 0 = none).").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of a grading kernel (s; 0 = none).").tag(config=True)
    file_mb = Integer(200, help="Largest file a grading kernel may write (MB; 0 = none).").tag(config=True)
    max_recoveries = Integer(3, help="How many cells that stop the kernel are skipped before giving up.").tag(config=True)
    sandbox_uid = Integer(-1, help="Run kernels as this uid (needs root; -1 = as the grader).").tag(config=True)
    sandbox_gid = Integer(-1, help="Group of the sandbox user.").tag(config=True)
    sandbox_parent = Unicode("", help="Folder for each kernel's throw-away working folder (default: system temp).").tag(config=True)
    kernel_start_retries = Integer(2, help="How many more kernels to start when one dies before running any "
                                           "cell (e.g. two graders' kernels drew the same free port).").tag(config=True)
    cell_limit = Integer(0, help="Per-cell time limit (s) for every assignment; 0 = the assignment's stored "
                                 "limit (course.grader.cell_limit), else Execute.timeout.").tag(config=True)
    interrupt_grace = Integer(10, help="Seconds a cell past the time limit has to stop after an interrupt "
                                       "(Ctrl+C) before its kernel is replaced (0 = replace at once).").tag(config=True)
    _announced: set = set()  # (assignment, limit) pairs already said in this process's log

    _assignment_limit: int | None = None

    def _use_assignment_limit(self, resources) -> None:
        """Use the per-cell limit of the assignment being graded (said once per process in the log)."""
        fallback = self.timeout or cell_limit.FALLBACK_S  # Execute.timeout from the configuration
        assignment = (resources.get("nbgrader") or {}).get("assignment")
        if not assignment:
            self._assignment_limit = fallback
            return
        limit = cell_limit.resolve(self.config, assignment, fallback=fallback)
        self._assignment_limit = limit.seconds
        if (assignment, limit.why) not in self._announced:
            self._announced.add((assignment, limit.why))
            self.log.info("Per-cell time limit for %s: %s", assignment, limit.why)

    # --- nbclient hooks
    def preprocess_cell(self, cell, resources, index):
        self._current_index = index
        return super().preprocess_cell(cell, resources, index)

    def _get_timeout(self, cell):
        # nbconvert re-initialises the client (and ``timeout`` from the configuration) for every notebook
        if self._assignment_limit and cell is not None:
            return self._assignment_limit
        return super()._get_timeout(cell)

    async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
        self._pending_msg_id = msg_id  # the reply an interrupt may still bring (see _async_handle_timeout)
        return await super()._async_poll_for_reply(msg_id, cell, timeout, task_poll_output_msg,
                                                   task_poll_kernel_alive)

    async def _async_handle_timeout(self, timeout, cell=None):
        """Past the limit: interrupt the cell and go on in the same kernel; if it will not stop, replace the kernel.

        An interrupt costs a second at most, where a new kernel costs its start-up and a second run of
        every cell before this one (nbgrader's own ``interrupt_on_timeout`` idea, with a fallback).
        """
        index = self._current_index
        if self.interrupt_grace > 0 and self.km is not None and index not in self._interrupted:
            self._interrupted[index] = timeout
            await ensure_async(self.km.interrupt_kernel())
            reply = await self._reply_within(self.interrupt_grace)
            if reply is not None:
                return reply  # nbclient goes on as if the cell had ended with this reply
            self._interrupted.pop(index)
        raise _CellTooSlow(timeout)

    async def _reply_within(self, seconds: float):
        """The pending cell's execute reply, if it comes within ``seconds``; None if it does not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while (left := deadline - loop.time()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                break
            if msg["parent_header"].get("msg_id") == self._pending_msg_id:
                return msg
        await self._async_check_alive()  # a kernel the interrupt killed: DeadKernelError, handled as such
        return None

    def _limits(self) -> sandbox.Limits:
        return sandbox.Limits(memory_mb=self.memory_mb or None, cpu_seconds=self.cpu_seconds or None,
                              file_mb=self.file_mb or None)

    def _kernel_manager_class(self, workdir: str | None):
        limits = self._limits()
        user = (sandbox.SandboxUser("sandbox", self.sandbox_uid, self.sandbox_gid)
                if self.sandbox_uid >= 0 else None)
        base = self.kernel_manager_class
        groups = self._kernel_groups

        class LimitedKernelManager(base):
            def format_kernel_cmd(self, extra_arguments=None):
                cmd = super().format_kernel_cmd(extra_arguments)
                return sandbox.launcher_command(cmd, limits, user, workdir, quiet=True)

            async def _async_post_start_kernel(self, **kw):
                await super()._async_post_start_kernel(**kw)
                pgid = getattr(self.provisioner, "pgid", None)
                if pgid:
                    groups.append(pgid)

        return LimitedKernelManager

    def _workdir(self, resources) -> str | None:
        if self.sandbox_uid < 0:
            return None
        parent = self.sandbox_parent or None
        workdir = tempfile.mkdtemp(prefix="course-kernel-", dir=parent)
        here = (resources.get("metadata") or {}).get("path")
        if here and os.path.isdir(here):  # data files next to the notebook, never notebooks
            for name in os.listdir(here):
                src = os.path.join(here, name)
                if os.path.isfile(src) and not name.endswith(".ipynb") and not os.path.islink(src):
                    shutil.copy2(src, os.path.join(workdir, name))
        return workdir

    def _cleanup(self, workdir: str | None) -> None:
        """Stop whatever the learner's code left running, then remove the kernel's folder."""
        if self.sandbox_uid >= 0:
            sandbox.kill_user_processes(self.sandbox_uid)
        while self._kernel_groups:  # the kernel's process group: background processes it started
            pgid = self._kernel_groups.pop()
            if pgid != os.getpgrp():
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    def _run_once(self, nb, resources, km):
        self._kernel_groups = []
        self._interrupted: dict[int, int] = {}  # cell index -> the limit it ran past, then was interrupted
        workdir = self._workdir(resources)
        original = self.kernel_manager_class
        self.kernel_manager_class = self._kernel_manager_class(workdir)
        try:
            super().preprocess(nb, resources, km)
        finally:
            self.kernel_manager_class = original
            self._cleanup(workdir)

    def _run_started(self, nb, resources, km):
        """:meth:`_run_once`, with a new kernel when one fails before the first cell (no learner code ran yet).

        Kernels started at the same moment by parallel workers can pick the same
        free port (jupyter_client checks ports per process), and a busy machine
        can miss the start-up timeout; either used to fail the whole learner.
        """
        for tries in range(self.kernel_start_retries + 1):
            self._current_index = None
            try:
                return self._run_once(nb, resources, km)
            except _CellTooSlow:
                raise
            except Exception as exc:
                if self._current_index is not None or tries == self.kernel_start_retries or km is not None:
                    raise
                self.log.warning("The grading kernel stopped before running any cell (%s: %s); starting another",
                                 type(exc).__name__, exc)

    def preprocess(self, nb, resources, km=None):
        if not_graded(resources):
            return nb, resources
        # A learner cannot opt a test cell out of execution with nbclient's skip tag.
        self.skip_cells_with_tag = "course-never-skip-" + secrets.token_hex(8)
        self._use_assignment_limit(resources)
        sources = [c.source if c.cell_type == "code" else None for c in nb.cells]
        skipped: dict[int, str] = {}
        gave_up = None
        for attempt in range(self.max_recoveries + 1):
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
                    cell.source = ("raise RuntimeError('skipped by the grader')" if i in skipped else sources[i])
            try:
                self._run_started(nb, resources, km)
            except (DeadKernelError, _CellTooSlow) as exc:
                i = self._current_index
                why = (f"ran past the time limit per cell ({exc.args[0]} s)" if isinstance(exc, _CellTooSlow)
                       else "stopped the grading kernel (exit, crash, or the memory or CPU-time limit)")
                if i is None or i in skipped or attempt == self.max_recoveries or is_integrity_cell(nb.cells[i]):
                    gave_up = why if i is None else f"{cell_label(nb.cells[i], i)} {why}"
                    break
                skipped[i] = why
                continue
            stuck = [i for i in self._interrupted if is_integrity_cell(nb.cells[i])]
            if stuck:  # the hidden check must run to its end, or nothing is graded
                gave_up = f"{cell_label(nb.cells[stuck[0]], stuck[0])} ran past the time limit per cell " \
                          f"({self._interrupted[stuck[0]]} s)"
            break
        interrupted = {} if gave_up else self._interrupted
        for i, limit in interrupted.items():
            cell = nb.cells[i]
            why = f"ran past the time limit per cell ({limit} s)"
            cell.outputs = [_error_output(STOPPED, f"Grading stopped this cell: it {why}. "
                                                   "The cells after it were still run.")]
            notes.add(resources, "runtime", f"{cell_label(cell, i)} {why}; stopped there, the rest was graded")
        for i, why in skipped.items():
            cell = nb.cells[i]
            cell.source = sources[i]
            cell.outputs = [_error_output(STOPPED, f"Grading skipped this cell: it {why}. "
                                                   "The cells after it were still run.")]
            notes.add(resources, "runtime", f"{cell_label(cell, i)} {why}; skipped, the rest was graded")
        if gave_up:
            fail_autograded_tests(nb, f"Not graded: {gave_up}, and grading could not continue.", resources)
            notes.add(resources, "runtime", f"not graded: {gave_up}")
            return nb, resources
        _noted_errors(nb, resources)
        return nb, resources


# --------------------------------------------------------------------------- 5. and 6. output size and notes

class LimitOutputSize(LimitOutput):
    """nbgrader's ``LimitOutput`` plus a cap on the characters of every output."""

    max_chars = Integer(100_000, help="Largest text output kept per output (characters).").tag(config=True)
    max_data_bytes = Integer(5_000_000, help="Largest image, HTML or other rich output kept (characters).").tag(config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type != "code":
            return cell, resources
        for out in cell.outputs:
            if out.output_type == "stream" and len(out.text) > self.max_chars:
                cut = len(out.text)
                out.text = out.text[: self.max_chars] + f"\n... output cut by the grader ({cut:,} characters) ...\n"
                notes.add(resources, "runtime", f"{cell_label(cell, cell_index)} printed {cut:,} characters; cut to {self.max_chars:,}")
            for key, value in list(out.get("data", {}).items()):
                text = value if isinstance(value, str) else json.dumps(value)
                limit = self.max_chars if key == "text/plain" else self.max_data_bytes
                if len(text) <= limit:
                    continue
                if key == "text/plain":
                    out.data[key] = text[: self.max_chars] + "\n... output cut by the grader ..."
                else:
                    out.data.pop(key)
                    out.data.setdefault("text/plain", "(output too large; removed by the grader)")
                notes.add(resources, "runtime",
                     f"{cell_label(cell, cell_index)} displayed {len(text):,} characters of {key}; cut")
        return cell, resources


class SaveGradingNotes(NbGraderPreprocessor):
    """Keep the notes collected while grading in the autograded notebook (see :mod:`course.grader.notes`)."""

    def preprocess(self, nb, resources):
        notes.save_in_notebook(nb, resources)
        return nb, resources


# --------------------------------------------------------------------------- feedback

class ShortTestTracebacks(NbGraderPreprocessor):
    """In feedback, cut a test cell's Python traceback to its last line (``NameError: name 'x' is not defined``).

    A full IPython traceback quotes the lines around the failing one, and in a
    test cell those can be hidden tests. The course's own checks already print
    one plain sentence and a hint (no code); those are kept as they are.
    """

    CODE_MARKERS = ("---->", "Cell In[", "Traceback", 'File "', "Input In [")

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                plain = _ANSI.sub("", "\n".join(str(t) for t in out.get("traceback", [])))
                if any(marker in plain for marker in self.CODE_MARKERS):
                    ename, evalue = out.get("ename", "Error"), out.get("evalue", "")
                    out["traceback"] = [f"{ename}: {evalue}" if evalue else ename]
        return cell, resources
