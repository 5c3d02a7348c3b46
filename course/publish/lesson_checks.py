"""Checks that keep lesson notebooks consistent (run by the tests, usable by authors).

    python -m course.publish.lesson_checks check             # every notebook under modules/
    python -m course.publish.lesson_checks strip NOTEBOOK    # clear outputs except nbval-checked cells
    python -m course.publish.lesson_checks refresh NOTEBOOK  # re-run; keep outputs of nbval-checked cells

Each check takes a notebook (nbformat node) and returns a list of problems,
one plain sentence each; an empty list means the notebook passes.
:func:`check_module` does the same for a module folder as a whole (at least
one client vignette). Besides structure, citations and outputs, the checks
hold graded work to the course's formats: written answers carry a mark
scheme, a model answer and a borderline answer with its mark
(:func:`check_written_answers`), client vignettes have their five parts
(:func:`check_vignettes`), and verdict exercises give partial credit
(:func:`check_verdict_exercises`).
The conventions are written down in docs/AUTHORING.md and grading/MARKING.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import nbformat

from .. import references
from . import lesson_time
from ..paths import MODULES_DIR, datasets_dir

CHECK_OUTPUT_TAG = "nbval-check-output"
IGNORE_OUTPUT_TAG = "nbval-ignore-output"
DATASHEET_HEADINGS = ["## Files", "## Real or simulated", "## Source and provenance",
                      "## Licence and attribution", "## Columns", "## How it was made"]
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".npy", ".parquet"}
REQUIRED_LESSON_HEADINGS = ["## Learning objectives", "## Key points", "## References"]

# Format 1: a manually graded answer cell holds a mark scheme, a model answer and a borderline answer.
MARKING_LABELS = ("**Mark scheme**", "**Model answer**", "**Borderline answer**")
DEDUCTION_RULE = "Deduct only for claims that are wrong"
_BORDERLINE_MARK = re.compile(r"^\*\*Borderline answer\*\*\s*\((\d+) of (\d+) points?\)", re.M)
_MODEL_MARK = re.compile(r"^\*\*Model answer\*\*\s*\(full marks, (\d+) of (\d+) points?\b", re.M)
_WORD_RANGE = re.compile(r"(\d+)\s*(?:-|\u2013|\u2014|to)\s*(\d+)\s+words", re.I)
_WORD = re.compile(r"[^\W_]+(?:['\u2019.\-][^\W_]+)*")
# A rule that takes points off for what the lesson's sources do not cover (penalises correct outside knowledge).
_PENALTY = re.compile(r"\b(deduct|subtract|take off|takes off|lose|loses|minus|penalis|penaliz|dock)", re.I)
_NO_PENALTY = re.compile(r"\b(?:do not|don't|never|not|no)\s+(?:\w+\s+){0,2}(?:deduct|subtract|take|lose|penalis|"
                         r"penaliz|dock)", re.I)
_OUTSIDE = re.compile(r"lesson'?s? (?:own )?(?:sources|references|materials?)"
                      r"|(?:not\s+|un)(?:supported|covered|mentioned|taught|found|given)\s+(?:by|in)\s+the\s+"
                      r"(?:lesson|module|course)|outside\s+(?:of\s+)?the\s+(?:lesson|module|course)"
                      r"|beyond\s+the\s+(?:lesson|module|course)|not\s+in\s+the\s+(?:lesson|module|course)", re.I)

# Format 2: client vignettes.
VIGNETTE_TAG = "vignette"
VIGNETTE_HEADING = "### Client vignette:"
VIGNETTE_LABELS = ("**Presentation.**", "**What the evidence supports.**", "**What it does not support.**",
                   "**What you might say (within your scope).**", "**When to refer.**")

# Format 3: verdict exercises end with key.points_earned(answers, P), P = the cell's points.
_VERDICT_CALL = re.compile(r"\.(check_format|require_all_correct|points_earned)\(")
_POINTS_EARNED_LINE = re.compile(r"^[A-Za-z_][\w.]*\.points_earned\(\s*[A-Za-z_]\w*\s*,\s*(\d+)\s*\)$")


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def check_outputs_stripped(nb) -> list[str]:
    """Outputs are committed only in cells whose output nbval compares."""
    problems = ["saved widget state in the notebook metadata; strip it"] if "widgets" in nb.metadata else []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        checked = CHECK_OUTPUT_TAG in _tags(cell) or "NBVAL_CHECK_OUTPUT" in cell.source
        if cell.outputs and not checked:
            problems.append(f"cell {i}: has stored output; strip it (python -m course.publish.lesson_checks strip)")
        if checked and not cell.outputs:
            problems.append(f"cell {i}: is tagged {CHECK_OUTPUT_TAG} but has no stored output to compare")
        if (cell.get("execution_count") is not None and not checked) or "execution" in cell.metadata:
            problems.append(f"cell {i}: has an execution count or timing; strip it")
    return problems


def check_nbgrader_metadata(nb) -> list[str]:
    """Graded cells have unique ids and points; tests are locked; solutions are marked."""
    problems = []
    ids = [_nbgrader(c).get("grade_id") for c in nb.cells if _nbgrader(c)]
    for gid, n in Counter(ids).items():
        if gid is None:
            problems.append("a cell has nbgrader metadata but no grade_id")
        elif n > 1:
            problems.append(f"grade_id {gid!r} is used {n} times")
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if not meta:
            continue
        if meta.get("grade") and not (isinstance(meta.get("points"), (int, float)) and meta["points"] > 0):
            problems.append(f"cell {i} ({meta.get('grade_id')}): graded but has no positive points")
        if meta.get("grade") and not meta.get("solution") and not meta.get("locked"):
            problems.append(f"cell {i} ({meta.get('grade_id')}): a test cell must be locked (read-only)")
        if cell.cell_type == "code" and meta.get("solution"):
            if "### BEGIN SOLUTION" not in cell.source or "### END SOLUTION" not in cell.source:
                problems.append(f"cell {i} ({meta.get('grade_id')}): answer cell lacks BEGIN/END SOLUTION markers")
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            if "### BEGIN HIDDEN TESTS" not in cell.source:
                problems.append(f"cell {i} ({meta.get('grade_id')}): test cell has no hidden tests")
            if "feedback." not in cell.source.split("### BEGIN HIDDEN TESTS")[0]:
                problems.append(f"cell {i} ({meta.get('grade_id')}): visible tests should use course.feedback")
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            before = nb.cells[i - 1] if i else None
            if before is None or not _nbgrader(before).get("locked"):
                problems.append(f"cell {i} ({meta.get('grade_id')}): a written answer needs its question "
                                "in a locked cell just above it")
    return problems


def check_structure(nb) -> list[str]:
    """One title, objectives, a time estimate, key points and a References cell."""
    problems = []
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    titles = [line for text in markdown for line in text.splitlines() if re.match(r"^# \S", line)]
    if len(titles) != 1:
        problems.append(f"needs exactly one top-level '# ' heading, found {len(titles)}")
    if not nb.cells or not nb.cells[0].source.startswith("# "):
        problems.append("the first cell must start with the lesson's '# ' title")
    text = "\n".join(markdown)
    for heading in REQUIRED_LESSON_HEADINGS:
        if not re.search(rf"^{re.escape(heading)}\b", text, flags=re.M):
            problems.append(f"missing section '{heading}'")
    if not re.search(r"\*\*Time:\*\*.*\d+.*minutes", text):
        problems.append("missing a '**Time:** ... minutes' estimate near the top")
    if "Education, not clinical advice" not in text:
        problems.append("missing the 'Education, not clinical advice' note")
    return problems


def check_citations(nb) -> list[str]:
    """Every cited key exists, citations show as author-year links, and the References cell is current."""
    return references.problems(nb)


def check_stated_time(nb) -> list[str]:
    """The title cell states the time the rule in docs/AUTHORING.md gives (course.publish.lesson_time)."""
    return lesson_time.problems(nb)


def check_figures_and_widgets(nb) -> list[str]:
    """Figures go through plotting.show (alt text); widget cells skip output comparison."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if re.search(r"\bplt\.show\(|\bdisplay\(\s*fig\b|\.savefig\(", cell.source):
            problems.append(f"cell {i}: shows a figure without alt text; use plotting.show(fig, alt=...)")
        if "_demo(" in cell.source and IGNORE_OUTPUT_TAG not in _tags(cell):
            problems.append(f"cell {i}: runs a widget demo; tag it {IGNORE_OUTPUT_TAG}")
    return problems


def _where(i: int, cell) -> str:
    gid = _nbgrader(cell).get("grade_id")
    return f"cell {i} ({gid})" if gid else f"cell {i}"


def _is_written_answer(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "markdown" and bool(meta.get("grade")) and bool(meta.get("solution"))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def penalises_outside_knowledge(text: str) -> list[str]:
    """The sentences of ``text`` that take points off for claims the lesson's sources do not cover."""
    return [s.strip() for s in _sentences(text)
            if _PENALTY.search(s) and _OUTSIDE.search(s) and not _NO_PENALTY.search(s)]


def _quoted_words(block: str) -> int:
    quoted = "\n".join(line.lstrip()[1:] for line in block.splitlines() if line.lstrip().startswith(">"))
    quoted = re.sub(r"\[@[^\]]*\]|\[[^\]]*\]\(#ref-[^)]*\)", " ", quoted)  # citations are not words
    return len(_WORD.findall(re.sub(r"[*_`#\[\]()]", " ", quoted)))


def check_written_answers(nb) -> list[str]:
    """Manually graded answers follow format 1: mark scheme, model answer, borderline answer with its mark.

    In the source notebook each "Manually graded answer" cell holds the three
    labelled parts (``**Mark scheme**``, ``**Model answer**``,
    ``**Borderline answer** (B of N points)`` with 0 < B < N and N the cell's
    points), the deduction rule ("Deduct only for claims that are wrong") and
    no rule that takes points off for claims the lesson's sources do not
    cover. The model answer (its quoted ``>`` lines) has the length the
    question above asks for ("150-250 words").
    """
    problems = []
    for i, cell in enumerate(nb.cells):
        if not _is_written_answer(cell):
            continue
        where, text = _where(i, cell), cell.source
        points = _nbgrader(cell).get("points")
        starts = {}
        for label in MARKING_LABELS:
            found = re.search(rf"^{re.escape(label)}", text, flags=re.M)
            if found:
                starts[label] = found.start()
            else:
                near = re.search(rf"^\*\*{re.escape(label.strip('*'))}[^*\n]+\*\*", text, flags=re.M)
                written = f" (found {near.group(0)!r}; the label is exactly {label})" if near else ""
                problems.append(f"{where}: the answer cell lacks the part {label}, written at the start of a "
                                f"line{written}")
        if len(starts) == len(MARKING_LABELS) and list(starts) != sorted(starts, key=starts.get):
            problems.append(f"{where}: the parts should come in the order {', '.join(MARKING_LABELS)}")
        mark = _BORDERLINE_MARK.search(text)
        if "**Borderline answer**" in starts and not mark:
            problems.append(f"{where}: the borderline answer needs its mark right after the label, "
                            f"e.g. '**Borderline answer** (2 of {points} points)'")
        elif mark:
            given, out_of = int(mark.group(1)), int(mark.group(2))
            if out_of != points:
                problems.append(f"{where}: the borderline answer is marked out of {out_of} points, "
                                f"but the cell is worth {points}")
            if not 0 < given < out_of:
                problems.append(f"{where}: a borderline answer earns more than 0 and fewer than all points, "
                                f"not {given} of {out_of}")
            if not re.search(r"^\*Why\b", text[mark.end():], flags=re.M):
                problems.append(f"{where}: the borderline answer needs a line starting '*Why {given}:*' that says "
                                "which points of the scheme it meets and which it misses")
        model = _MODEL_MARK.search(text)
        if "**Model answer**" in starts:
            if not model:
                problems.append(f"{where}: the model answer's label should read '**Model answer** (full marks, "
                                f"{points} of {points} points; about W words)'")
            elif not int(model.group(1)) == int(model.group(2)) == points:
                problems.append(f"{where}: the model answer is marked {model.group(1)} of {model.group(2)} points; "
                                f"it should be full marks, {points} of {points}")
        if DEDUCTION_RULE not in text:
            problems.append(f"{where}: the mark scheme lacks the rule '{DEDUCTION_RULE} (contradicted by good "
                            "evidence)'; a correct point from outside the lesson earns credit")
        prompt = nb.cells[i - 1] if i else None
        for source, whose in ((text, "the mark scheme"), (prompt.source if prompt else "", "the question")):
            for sentence in penalises_outside_knowledge(source):
                problems.append(f"{where}: {whose} takes points off for claims outside the lesson's sources "
                                f"({sentence[:80]!r}); deduct only for claims that are wrong")
        ranges = _WORD_RANGE.findall(prompt.source) if prompt is not None else []
        if not ranges:
            problems.append(f"{where}: the question above it should state the length as a range, "
                            "e.g. 'In about 150-250 words'")
        elif "**Model answer**" in starts and "**Borderline answer**" in starts:
            low, high = int(ranges[0][0]), int(ranges[0][1])
            words = _quoted_words(text[starts["**Model answer**"]:starts["**Borderline answer**"]])
            if not low <= words <= high:
                problems.append(f"{where}: the model answer has {words} words (its '>' lines), outside the "
                                f"{low}-{high} words the question asks for")
    return problems


def check_vignettes(nb) -> list[str]:
    """Every cell tagged ``vignette`` follows format 2: heading, "Fictional", the five labels, cited evidence."""
    problems = []
    for i, cell in enumerate(nb.cells):
        if VIGNETTE_TAG not in _tags(cell):
            continue
        where, text = f"cell {i} (vignette)", cell.source
        if cell.cell_type != "markdown" or _nbgrader(cell):
            problems.append(f"{where}: a vignette is a plain Markdown cell, not code or an nbgrader cell")
        if not re.match(rf"{re.escape(VIGNETTE_HEADING)}[ \t]*\S", text):
            problems.append(f"{where}: a vignette starts with the heading '{VIGNETTE_HEADING} <short title>'")
        if not re.search(r"^\*Fictional\b", text, flags=re.M):
            problems.append(f"{where}: a vignette says it is fictional, in a line starting '*Fictional: a made-up "
                            "client, written for teaching; ...*'")
        starts = {}
        for label in VIGNETTE_LABELS:
            found = re.search(rf"^{re.escape(label)}", text, flags=re.M)
            if found:
                starts[label] = found.start()
            else:
                problems.append(f"{where}: the vignette lacks the part {label}, at the start of a line")
        order = sorted(starts, key=starts.get)
        if order != [label for label in VIGNETTE_LABELS if label in starts]:
            problems.append(f"{where}: the vignette's parts should come in the order {', '.join(VIGNETTE_LABELS)}")
        for label in VIGNETTE_LABELS[1:3]:
            if label in starts:
                following = [starts[x] for x in starts if starts[x] > starts[label]]
                part = text[starts[label]:min(following, default=len(text))]
                if not references.cited_keys(part):
                    problems.append(f"{where}: the part {label} cites no source ([@key])")
    return problems


def check_verdict_exercises(nb) -> list[str]:
    """Verdict exercises give partial credit: the test cell's last line is ``key.points_earned(answers, P)``.

    A test cell that uses a verdict key (``check_format``,
    ``require_all_correct`` or ``points_earned``) must end with a bare
    ``....points_earned(answers, P)``, P equal to the cell's nbgrader points:
    nbgrader scores a test cell by the number its last result shows and
    refuses one above the cell's points; an assignment, a trailing
    semicolon or a later line would hide the number and give full marks.
    """
    problems = []
    for i, cell in enumerate(nb.cells):
        meta = _nbgrader(cell)
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        if not _VERDICT_CALL.search(cell.source):
            continue
        where, points = _where(i, cell), meta.get("points")
        code = [line.strip() for line in cell.source.splitlines() if line.strip() and not line.strip().startswith("#")]
        last = _POINTS_EARNED_LINE.match(code[-1]) if code else None
        if ".require_all_correct(" in cell.source:
            problems.append(f"{where}: a verdict exercise gives partial credit; replace require_all_correct with "
                            f"points_earned(answers, {points}) as the cell's last line")
        elif not last:
            problems.append(f"{where}: a verdict exercise's test cell must end with "
                            f"'KEY.points_earned(answers, {points})' as its last line (no assignment, no "
                            f"semicolon, nothing after it but '### END HIDDEN TESTS'); "
                            f"found {code[-1] if code else ''!r}")
        elif int(last.group(1)) != points:
            problems.append(f"{where}: points_earned(answers, {last.group(1)}) should give the cell's "
                            f"{points} points")
    return problems


LESSON_CHECKS = [check_outputs_stripped, check_nbgrader_metadata, check_structure,
                 check_citations, check_figures_and_widgets, check_written_answers, check_vignettes,
                 check_verdict_exercises, check_stated_time]


def check_lesson(path: Path) -> list[str]:
    """All lesson checks on one notebook file, each problem prefixed with the file name."""
    nb = nbformat.read(path, as_version=4)
    return [f"{path.name}: {p}" for check in LESSON_CHECKS for p in check(nb)]


def lesson_paths(modules_dir: Path = MODULES_DIR) -> list[Path]:
    """The lesson notebooks: every notebook directly inside an assignment folder."""
    from ..grader.nbgrader_api import assignments

    return [p for name in assignments(modules_dir) for p in sorted((Path(modules_dir) / name).glob("*.ipynb"))]


def check_module(folder: Path) -> list[str]:
    """Checks on a module (assignment folder) as a whole: at least one client vignette (format 2)."""
    folder = Path(folder)
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(VIGNETTE_TAG in _tags(c) and c.cell_type == "markdown" for c in nb.cells):
            return []
    return [f"{folder.name}: no lesson in this module has a client vignette (a Markdown cell tagged "
            f"'{VIGNETTE_TAG}', in the shape given in docs/AUTHORING.md)"]


def module_paths(modules_dir: Path = MODULES_DIR) -> list[Path]:
    """The module folders (nbgrader assignments)."""
    from ..grader.nbgrader_api import assignments

    return [Path(modules_dir) / name for name in assignments(modules_dir)]


def check_datasheets(folder: Path | None = None) -> list[str]:
    """Every data file is named in a datasheet that has the required sections."""
    folder = Path(folder or datasets_dir())
    sheets = {p: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    problems = []
    for sheet, text in sheets.items():
        for heading in DATASHEET_HEADINGS:
            if not re.search(rf"^{re.escape(heading)}\s*$", text, flags=re.M):
                problems.append(f"{sheet.name}: missing section '{heading}'")
        if not re.search(r"\b(REAL|SIMULATED)\b", text):
            problems.append(f"{sheet.name}: must say REAL or SIMULATED in capitals")
    for data_file in sorted(p for p in folder.rglob("*") if p.suffix in DATA_SUFFIXES):
        if not any(data_file.name in text for text in sheets.values()):
            problems.append(f"{data_file.name}: no datasheet in {folder.name}/ names this file")
    return problems


def strip_outputs(path: Path) -> None:
    """Remove outputs and execution counts, except in nbval-checked cells."""
    nb = nbformat.read(path, as_version=4)
    _strip(nb)
    nbformat.write(nb, path)


def _strip(nb) -> None:
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and CHECK_OUTPUT_TAG not in _tags(cell):
            cell.outputs = []
            cell.execution_count = None


def refresh_checked_outputs(path: Path, timeout: int = 300) -> None:
    """Execute a notebook and store outputs only in nbval-checked cells (the numbers prose quotes)."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    _strip(nb)
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check lesson notebooks and datasets.")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("check")
    strip = sub.add_parser("strip")
    strip.add_argument("notebooks", nargs="+", type=Path)
    refresh = sub.add_parser("refresh", help="re-run and store outputs of nbval-checked cells")
    refresh.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.action in ("strip", "refresh"):
        for path in args.notebooks:
            (strip_outputs if args.action == "strip" else refresh_checked_outputs)(path)
        return 0
    problems = ([p for path in lesson_paths() for p in check_lesson(path)]
                + [p for folder in module_paths() for p in check_module(folder)]
                + lesson_time.start_page_problems(MODULES_DIR / "START-HERE.ipynb") + check_datasheets())
    print("\n".join(problems) if problems else "All lessons and datasets pass the checks.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
