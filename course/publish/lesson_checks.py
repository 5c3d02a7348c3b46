"""Checks that keep lesson notebooks consistent (run by the tests, usable by authors).

    python -m course.publish.lesson_checks check             # every notebook under modules/
    python -m course.publish.lesson_checks strip NOTEBOOK    # clear outputs except nbval-checked cells
    python -m course.publish.lesson_checks refresh NOTEBOOK  # re-run; keep outputs of nbval-checked cells

Each check takes a notebook (nbformat node) and returns a list of problems,
one plain sentence each; an empty list means the notebook passes.
The conventions are written down in docs/AUTHORING.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import nbformat

from .. import references
from ..paths import MODULES_DIR, datasets_dir

CHECK_OUTPUT_TAG = "nbval-check-output"
IGNORE_OUTPUT_TAG = "nbval-ignore-output"
DATASHEET_HEADINGS = ["## Files", "## Real or simulated", "## Source and provenance",
                      "## Licence and attribution", "## Columns", "## How it was made"]
DATA_SUFFIXES = {".csv", ".tsv", ".json", ".npy", ".parquet"}
REQUIRED_LESSON_HEADINGS = ["## Learning objectives", "## Key points", "## References"]


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
    """Every cited key exists, and the References cell matches the citations."""
    table = references.load()
    problems = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for key in references.cited_keys(cell.source):
                if key not in table:
                    problems.append(f"cell {i}: cites [@{key}], which is not in references.json")
    if not problems:
        refs = [c for c in nb.cells if references.REFERENCES_TAG in _tags(c)]
        if len(refs) != 1:
            problems.append("needs one Markdown cell tagged 'references'")
        elif refs[0].source != references.bibliography(references._notebook_keys(nb), table):
            problems.append("the References cell is out of date (python -m course.references sync ...)")
    return problems


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


LESSON_CHECKS = [check_outputs_stripped, check_nbgrader_metadata, check_structure,
                 check_citations, check_figures_and_widgets]


def check_lesson(path: Path) -> list[str]:
    """All lesson checks on one notebook file, each problem prefixed with the file name."""
    nb = nbformat.read(path, as_version=4)
    return [f"{path.name}: {p}" for check in LESSON_CHECKS for p in check(nb)]


def lesson_paths(modules_dir: Path = MODULES_DIR) -> list[Path]:
    """The lesson notebooks: every notebook directly inside an assignment folder."""
    from ..grader.nbgrader_api import assignments

    return [p for name in assignments(modules_dir) for p in sorted((Path(modules_dir) / name).glob("*.ipynb"))]


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
    problems = [p for path in lesson_paths() for p in check_lesson(path)] + check_datasheets()
    print("\n".join(problems) if problems else "All lessons and datasets pass the checks.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
