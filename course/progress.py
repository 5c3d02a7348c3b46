"""Keep a learner's answers when the notebooks themselves do not survive (Binder).

A Binder session is wiped after about 10 idle minutes. ``save`` gathers the
learner's answers from every notebook in ``student/`` into one small JSON
file; ``restore`` puts them back into a fresh copy of the student notebooks.

* An answer is the text of a cell whose nbgrader metadata says
  ``solution: true`` (code answers and written reflections), keyed by the
  notebook's path inside ``student/`` and the cell's ``grade_id``. The course
  keeps no other state (its widgets record no choices), so answers are all
  there is to save.
* ``restore`` only ever changes answer cells with the same ``grade_id`` and the
  same cell type. Everything else is reported, per notebook, in plain words:
  a notebook that is missing, an answer the lesson no longer has, a cell whose
  type changed. A notebook is copied to ``<name>.before-restore.ipynb`` before
  it is overwritten.
* A file that is not a progress file, or is damaged, is refused with a
  one-sentence :class:`course.errors.DataError`; nothing is written then.

Command line::

    python -m course.progress save my-progress.json [--student-dir student]
    python -m course.progress restore my-progress.json [--student-dir student]

In a notebook, :func:`panel` shows two buttons: "Download my progress" and
"Restore from a file" (the start page uses it).
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from . import __version__
from .errors import CourseError, DataError, explained_on_the_command_line
from .i18n import ntr, tr
from .paths import MODULES_DIR, STUDENT_DIR

#: Marks a file as ours; a JSON file without it is refused.
FORMAT = "clinician-course-progress"
#: Bumped when the layout of the file changes; files from a newer format are refused.
FORMAT_VERSION = 1
#: Cell types an answer can have.
CELL_TYPES = ("code", "markdown", "raw")
#: Refuse uploads larger than this (a full course of answers is a few tens of kB).
MAX_BYTES = 5_000_000
START_PAGE = "START-HERE.ipynb"
BACKUP_SUFFIX = ".before-restore"
#: The copy written beside the notebook when the learner presses "Download my progress".
PANEL_FILE = "course-progress.json"


# ---------------------------------------------------------------------------
# Which notebooks, which cells
# ---------------------------------------------------------------------------

def _is_learner_notebook(path: Path, root: Path) -> bool:
    """A notebook the learner works in: not a checkpoint, an offered update or a restore backup."""
    rel = path.relative_to(root)
    if any(part.startswith(".") for part in rel.parts):  # .ipynb_checkpoints, hidden folders
        return False
    name = path.name
    return not (name.endswith(".new.ipynb") or BACKUP_SUFFIX in name)


def _answer_cells(nb) -> dict:
    """``{grade_id: cell}`` for the answer cells (nbgrader ``solution: true``) of a notebook."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            cells[meta["grade_id"]] = cell
    return cells


def _check_student_dir(student_dir: Path) -> Path:
    student_dir = Path(student_dir)
    if not student_dir.is_dir():
        raise DataError(tr("There is no student folder at {folder}; build it first with "
                           "`python -m course.publish.student`.", folder=str(student_dir)))
    resolved = student_dir.resolve()
    modules = MODULES_DIR.resolve()
    if resolved == modules or modules in resolved.parents:
        raise DataError(tr("{folder} holds the instructor's source notebooks, not a learner's copy; "
                           "use the student folder (student/) instead.", folder=str(student_dir)))
    return student_dir


# ---------------------------------------------------------------------------
# Save
# ---------------------------------------------------------------------------

@dataclass
class SaveReport:
    """What :func:`save` (or :func:`collect`) gathered."""

    notebooks: int = 0
    answers: int = 0
    skipped: list[str] = field(default_factory=list)
    path: Path | None = None

    def lines(self) -> list[str]:
        if self.path:
            out = [tr("Saved {answers} answers from {notebooks} notebooks in {path}.", answers=self.answers,
                      notebooks=self.notebooks, path=str(self.path))]
        else:
            out = [tr("Saved {answers} answers from {notebooks} notebooks.", answers=self.answers,
                      notebooks=self.notebooks)]
        out += [tr("Not saved: {reason}", reason=reason) for reason in self.skipped]
        return out


def collect(student_dir: Path = STUDENT_DIR) -> tuple[dict, SaveReport]:
    """The progress data for ``student_dir`` (a dict ready for JSON) and a report of what it holds."""
    import nbformat

    student_dir = _check_student_dir(student_dir)
    report = SaveReport()
    notebooks = {}
    for path in sorted(student_dir.rglob("*.ipynb")):
        if not _is_learner_notebook(path, student_dir):
            continue
        key = path.relative_to(student_dir).as_posix()
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # a notebook the learner broke must not stop the others being saved
            report.skipped.append(tr("{key} could not be read as a notebook ({kind}).", key=key,
                                     kind=type(exc).__name__))
            continue
        answers = {gid: {"cell_type": cell.cell_type, "source": cell.source}
                   for gid, cell in _answer_cells(nb).items()}
        if answers:
            notebooks[key] = {"answers": answers}
            report.notebooks += 1
            report.answers += len(answers)
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "course_version": __version__,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notebooks": notebooks,
    }
    return data, report


def dumps(data: dict) -> str:
    """The progress data as the text of a progress file."""
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def save(student_dir: Path = STUDENT_DIR, out_file: Path | str = "course-progress.json") -> SaveReport:
    """Write the learner's answers from every notebook in ``student_dir`` to one JSON file."""
    data, report = collect(student_dir)
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_file.with_name(out_file.name + ".part")
    tmp.write_text(dumps(data), encoding="utf-8")
    os.replace(tmp, out_file)
    report.path = out_file
    return report


# ---------------------------------------------------------------------------
# Read and check a progress file
# ---------------------------------------------------------------------------

def _safe_key(key) -> bool:
    if not isinstance(key, str) or not key.endswith(".ipynb") or "\\" in key:
        return False
    parts = PurePosixPath(key).parts
    return bool(parts) and not PurePosixPath(key).is_absolute() and ".." not in parts


def parse(text: str | bytes, name: str | None = None) -> dict:
    """Check the text of a progress file and return its data; raise a one-sentence DataError if unusable."""
    name = name or tr("The file")
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if len(raw) > MAX_BYTES:
            raise DataError(tr("{name} is {mb:.1f} MB, far too large to be a progress file from this course.",
                               name=name, mb=len(raw) / 1e6))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError(tr("{name} is not a progress file: it is not text (UTF-8).", name=name)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(tr("{name} is not a progress file or is damaged: it is not valid JSON "
                           "(line {line}, column {column}).", name=name, line=exc.lineno, column=exc.colno)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataError(tr("{name} is not a progress file from this course; choose a file made with "
                           "\"Download my progress\" (python -m course.progress save).", name=name))
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DataError(tr("{name} is damaged: its format version is missing.", name=name))
    if version > FORMAT_VERSION:
        raise DataError(tr("{name} was saved by a newer version of the course (progress format {version}); "
                           "this copy reads format {ours}, so update the course first.", name=name, version=version,
                           ours=FORMAT_VERSION))
    if version < 1:
        raise DataError(tr("{name} is damaged: its format version ({version}) is not one the course ever used.",
                           name=name, version=version))
    notebooks = data.get("notebooks")
    if not isinstance(notebooks, dict):
        raise DataError(tr("{name} is damaged: it has no list of notebooks.", name=name))
    for key, entry in notebooks.items():
        if not _safe_key(key):
            raise DataError(tr("{name} is damaged: {key} is not a notebook path inside the student folder.", name=name,
                               key=repr(str(key)[:80])))
        answers = entry.get("answers") if isinstance(entry, dict) else None
        if not isinstance(answers, dict):
            raise DataError(tr("{name} is damaged: the answers for {key} are missing.", name=name, key=key))
        for gid, answer in answers.items():
            if not (isinstance(answer, dict) and answer.get("cell_type") in CELL_TYPES
                    and isinstance(answer.get("source"), str)):
                raise DataError(tr("{name} is damaged: the answer {gid} in {key} is not readable.", name=name,
                                   gid=repr(str(gid)[:60]), key=key))
    return data


def load(progress_file: Path | str) -> dict:
    """Read and check a progress file from disk."""
    progress_file = Path(progress_file)
    try:
        raw = progress_file.read_bytes()
    except FileNotFoundError:
        raise DataError(tr("There is no file {path}.", path=str(progress_file))) from None
    except IsADirectoryError:
        raise DataError(tr("{path} is a folder, not a progress file.", path=str(progress_file))) from None
    return parse(raw, name=progress_file.name)


# ---------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------

@dataclass
class NotebookRestore:
    """What happened to one notebook named in the progress file."""

    notebook: str
    restored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backup: Path | None = None

    def lines(self) -> list[str]:
        parts = []
        if self.restored:
            ids = ", ".join(self.restored)
            parts.append(ntr("restored {n} answer ({ids})", "restored {n} answers ({ids})", len(self.restored),
                             ids=ids))
        if self.unchanged:
            parts.append(tr("{n} already as saved", n=len(self.unchanged)))
        if self.backup:
            parts.append(tr("your previous version is in {file}", file=self.backup.name))
        done = "; ".join(parts) if parts else tr("nothing restored")
        out = [tr("{notebook}: {done}.", notebook=self.notebook, done=done)]
        return out + [tr("  could not restore {problem}", problem=p) for p in self.problems]


@dataclass
class RestoreReport:
    """Per-notebook results of :func:`restore`, and notes about the file as a whole."""

    notebooks: list[NotebookRestore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def restored(self) -> int:
        return sum(len(n.restored) for n in self.notebooks)

    @property
    def problems(self) -> int:
        return sum(len(n.problems) for n in self.notebooks)

    def get(self, notebook: str) -> NotebookRestore:
        return next(n for n in self.notebooks if n.notebook == notebook)

    def lines(self) -> list[str]:
        out = list(self.notes)
        for result in self.notebooks:
            out += result.lines()
        out.append(tr("Restored {restored} answers; {problems} could not be restored.", restored=self.restored,
                      problems=self.problems))
        return out


def _backup_path(target: Path) -> Path:
    stem = target.name[: -len(".ipynb")]
    candidate = target.with_name(f"{stem}{BACKUP_SUFFIX}.ipynb")
    n = 2
    while candidate.exists():
        candidate = target.with_name(f"{stem}{BACKUP_SUFFIX}-{n}.ipynb")
        n += 1
    return candidate


def _restore_notebook(key: str, answers: dict, target: Path) -> NotebookRestore:
    import nbformat

    result = NotebookRestore(key)
    if not target.exists():
        result.problems.append(tr("any of its {n} answers: the notebook {key} is not in the student folder.",
                                  n=len(answers), key=key))
        return result
    try:
        nb = nbformat.read(target, as_version=4)
    except Exception as exc:
        result.problems.append(tr("any of its answers: {key} could not be read as a notebook ({kind}).", key=key,
                                  kind=type(exc).__name__))
        return result
    cells = _answer_cells(nb)
    for gid, answer in answers.items():
        cell = cells.get(gid)
        if cell is None:
            result.problems.append(tr("{gid}: this lesson has no answer cell with that id (the lesson may have "
                                      "changed).", gid=gid))
        elif cell.cell_type != answer["cell_type"]:
            result.problems.append(tr("{gid}: the answer cell is now a {kind} cell, but your saved answer is {saved}.",
                                      gid=gid, kind=cell.cell_type, saved=answer["cell_type"]))
        elif cell.source == answer["source"]:
            result.unchanged.append(gid)
        else:
            cell.source = answer["source"]
            if cell.cell_type == "code":  # the old output belonged to the old text
                cell.outputs = []
                cell.execution_count = None
            result.restored.append(gid)
    if result.restored:
        result.backup = _backup_path(target)
        shutil.copy2(target, result.backup)
        tmp = target.with_name(target.name + ".part")
        nbformat.write(nb, tmp)
        os.replace(tmp, target)
    return result


def restore_data(data: dict, student_dir: Path = STUDENT_DIR) -> RestoreReport:
    """Put the answers in checked progress ``data`` (see :func:`parse`) back into ``student_dir``."""
    student_dir = _check_student_dir(student_dir)
    report = RestoreReport()
    saved_version = data.get("course_version")
    if saved_version != __version__:
        saved_version = saved_version if isinstance(saved_version, str) else "unknown"
        report.notes.append(tr("Note: the file was saved from course version {saved}, this is version "
                               "{current}; answers are matched by exercise id, and any that no longer fit "
                               "are listed below.", saved=saved_version, current=__version__))
    for key, entry in data["notebooks"].items():
        report.notebooks.append(_restore_notebook(key, entry["answers"], student_dir / PurePosixPath(key)))
    return report


def restore(progress_file: Path | str, student_dir: Path = STUDENT_DIR) -> RestoreReport:
    """Put the answers from ``progress_file`` back into the notebooks in ``student_dir``."""
    data = load(progress_file)
    return restore_data(data, student_dir)


# ---------------------------------------------------------------------------
# The panel on the start page
# ---------------------------------------------------------------------------

def _here() -> Path:
    """The learner's student folder, found from the notebook's folder (the kernel's working folder)."""
    cwd = Path.cwd()
    for folder in (cwd, *list(cwd.parents)[:2]):
        if (folder / START_PAGE).exists():
            resolved = folder.resolve()
            if resolved == MODULES_DIR.resolve():  # the instructor's start page: the learner's copy is student/
                return STUDENT_DIR
            return folder
    return STUDENT_DIR


def download_link(data: dict, filename: str) -> str:
    """An HTML link that downloads ``data`` as ``filename`` from the browser (a data: URI; no server needed)."""
    encoded = base64.b64encode(dumps(data).encode("utf-8")).decode("ascii")
    name = html.escape(filename, quote=True)
    title = tr("Save {name} on your computer", name=name)
    label = tr("Download {name}", name=name)
    return f'<a download="{name}" href="data:application/json;base64,{encoded}" title="{title}">{label}</a>'


def _list_html(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def panel(student_dir: Path | None = None):
    """Show "Download my progress" and "Restore from a file"; return the widget box (None when headless)."""
    from .widgets import headless

    if headless():
        print(tr("Progress panel: in JupyterLab this cell shows the buttons \"Download my progress\" "
                 "and \"Restore from a file\"."))
        return None

    import ipywidgets as widgets
    from IPython.display import display

    folder = Path(student_dir) if student_dir is not None else _here()
    download = widgets.Button(description=tr("Download my progress"), icon="download",
                              tooltip=tr("Save the answers from all your lessons in one file"),
                              layout=widgets.Layout(width="auto"))
    upload = widgets.FileUpload(accept=".json", multiple=False, description=tr("Restore from a file"),
                                tooltip=tr("Choose a progress file you downloaded earlier"),
                                layout=widgets.Layout(width="auto"))
    status = widgets.HTML()

    def on_download(_button):
        try:
            data, report = collect(folder)
            stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
            filename = f"course-progress-{stamp}.json"
            kept = ""
            try:
                (folder / PANEL_FILE).write_text(dumps(data), encoding="utf-8")
                kept = " " + tr("A copy is also in {file} in this folder until the session ends.",
                                file=html.escape(PANEL_FILE))
            except OSError:
                pass
        except CourseError as exc:
            status.value = f"<p>{html.escape(str(exc))}</p>"
            return
        click = tr("(click the link to save the file on your computer).")
        status.value = (f"<p>{html.escape(report.lines()[0])} {download_link(data, filename)} {click}{kept}</p>"
                        + (_list_html(report.lines()[1:]) if report.skipped else ""))

    def on_upload(change):
        files = change["new"]
        if not files:
            return
        item = files[0] if isinstance(files, (list, tuple)) else next(iter(files.values()))
        name = item.get("name") or tr("The file")
        try:
            report = restore_data(parse(item["content"], name=name), folder)
        except CourseError as exc:
            status.value = f"<p>{html.escape(str(exc))}</p>"
        else:
            status.value = (_list_html(report.lines())
                            + "<p>" + tr("If a lesson is open in another tab, close it without saving and open it "
                                         "again (or use <strong>File &gt; Reload Notebook from Disk</strong>) to see "
                                         "your answers.") + "</p>")
        finally:
            upload.value = ()  # the same file can be chosen again

    download.on_click(on_download)
    upload.observe(on_upload, names="value")
    box = widgets.VBox([widgets.HBox([download, upload]), status])
    box.download, box.upload, box.status, box.folder = download, upload, status, folder
    display(box)
    return box


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

@explained_on_the_command_line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.progress",
                                     description=tr("Save or restore your answers (for Binder, where sessions are "
                                                    "wiped)."))
    sub = parser.add_subparsers(dest="action", required=True)
    save_cmd = sub.add_parser("save", help=tr("write your answers from the student folder to one JSON file"))
    save_cmd.add_argument("out_file", type=Path, help=tr("the progress file to write, e.g. my-progress.json"))
    restore_cmd = sub.add_parser("restore", help=tr("put the answers from a progress file back into the student "
                                                    "folder"))
    restore_cmd.add_argument("progress_file", type=Path)
    for cmd in (save_cmd, restore_cmd):
        cmd.add_argument("--student-dir", type=Path, default=STUDENT_DIR,
                         help=tr("the student folder (default: student/)"))
    args = parser.parse_args(argv)
    if args.action == "save":
        report = save(args.student_dir, args.out_file)
    else:
        report = restore(args.progress_file, args.student_dir)
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
