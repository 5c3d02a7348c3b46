"""The course's grades as a file for Canvas's gradebook import ("Import" in Canvas's Grades page).

Run from the course root, after ``python -m course.grader.report ASSIGNMENT`` for
each assignment (that writes ``grading/reports/<assignment>/lms.csv``, the one
place grades are shaped for an LMS; this command only lays those files out as
Canvas reads them)::

    python -m course.grader.canvas_export 01-nervous-system 02-exposure-critique \\
        --column "01-nervous-system=Modul 1: Nervesystemet (4411)" -o grades-canvas.csv

The file (UTF-8, comma-separated, quoted where needed), as Canvas's own gradebook
export lays it out:

==================  ==========================================================
``Student``         "Last, First" (from the roster, else nbgrader's gradebook,
                    else the hub user name). Canvas shows it; it does not match on it.
``ID``              the Canvas user id: Canvas matches each row on this column.
``SIS User ID``     from the roster (``--roster``), else empty.
``SIS Login ID``    from the roster, else empty.
``Section``         from the roster, else empty.
one per assignment  the header names the Canvas assignment as Canvas writes it,
                    ``Name (canvas assignment id)``: give it with ``--column``.
                    A header without ``(id)`` makes Canvas create a new
                    assignment of that name. Cells: the points (manual score if
                    given, else autograded); empty for a learner with no
                    submission or whose grading failed (Canvas then leaves
                    that grade as it is). A learner awaiting manual grading
                    gets the points so far: grade by hand before exporting.
==================  ==========================================================

The second row, ``Points Possible``, holds each assignment's maximum (Canvas uses
it for a new assignment's points; for an existing one it is only shown).

Who is who: with login from Canvas (deploy/README.md, "Login from Canvas (LTI
1.3)") every hub user is ``lms-<Canvas user id>`` (on TLJH the nbgrader student id
is the system user ``jupyter-lms-<id>``), so the ID comes from the name. For other
learners, pass Canvas's own gradebook export as ``--roster``: a learner whose
nbgrader id equals a roster row's SIS Login ID or SIS User ID gets that row's ID.
A learner found neither way stops the export with their names.

Grades go to Canvas only through this file: LTI grade passback (Assignment and
Grade Services) is not built.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..errors import CourseError, explained_on_the_command_line
from .report import CSV_COLUMNS

IDENTITY_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
POINTS_ROW = "Points Possible"
LMS_USER = re.compile(r"(?:jupyter-)?lms-(\d+)")
#: Report statuses (course.grader.report.status) whose score goes to Canvas; "missing" and
#: "grading failed" leave the cell empty, so Canvas keeps the grade it has.
EXPORTED_STATUSES = {"graded", "awaiting manual grading"}


class CanvasExportError(CourseError):
    """A Canvas grade file that cannot be written (no report yet, a learner without a Canvas id)."""


@dataclass(frozen=True)
class CanvasUser:
    """One row of Canvas's identity columns."""

    student: str
    id: str
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""


def read_lms_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a report's ``lms.csv`` (columns :data:`course.grader.report.CSV_COLUMNS`)."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != CSV_COLUMNS:
            raise CanvasExportError(f"{path} is not a grade file written by python -m course.grader.report "
                                    f"(its columns are {reader.fieldnames}).")
        return list(reader)


def read_roster(path: Path) -> list[CanvasUser]:
    """Canvas's own gradebook export (Grades -> Export): its identity columns, one user a row."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("Student", "ID") if c not in (reader.fieldnames or [])]
        if missing:
            raise CanvasExportError(f"{path} has no {' or '.join(missing)} column: use the file Canvas writes "
                                    "with Grades -> Export.")
        return [CanvasUser(row["Student"], row["ID"].strip(), row.get("SIS User ID", ""),
                           row.get("SIS Login ID", ""), row.get("Section", ""))
                for row in reader if row["ID"].strip().isdigit()]  # skips "Points Possible" and test students


def canvas_user(student_id: str, name: str, roster: Sequence[CanvasUser]) -> CanvasUser | None:
    """The Canvas user an nbgrader student id belongs to, or ``None``."""
    match = LMS_USER.fullmatch(student_id)
    for user in roster:
        if (match and user.id == match[1]) or student_id in (user.sis_login_id, user.sis_user_id):
            return user
    return CanvasUser(name or student_id, match[1]) if match else None


def canvas_rows(grades: Mapping[str, list[dict[str, str]]], headers: Mapping[str, str],
                roster: Sequence[CanvasUser] = ()) -> list[list[str]]:
    """The file's rows: header, Points Possible, one row per learner (sorted by name).

    ``grades`` maps each assignment to its ``lms.csv`` rows; ``headers`` maps an
    assignment to its Canvas column header (the assignment's own name if absent).
    """
    assignments = list(grades)
    points = {a: next((r["max_score"] for r in rows), "") for a, rows in grades.items()}
    learners: dict[str, CanvasUser] = {}
    scores: dict[str, dict[str, str]] = {}
    unmapped = []
    for assignment, rows in grades.items():
        for row in rows:
            name = ", ".join(p for p in (row["last_name"], row["first_name"]) if p)
            user = canvas_user(row["student_id"], name, roster)
            if user is None:
                unmapped.append(row["student_id"])
                continue
            learners.setdefault(user.id, user)
            if row["status"] in EXPORTED_STATUSES:
                scores.setdefault(user.id, {})[assignment] = _points(row["score"])
    if unmapped:
        names = ", ".join(sorted(set(unmapped)))
        raise CanvasExportError(
            f"No Canvas user for {names}: their names are not lms-<Canvas user id> (login from Canvas) and no "
            "roster row has them as SIS Login ID or SIS User ID. Pass Canvas's gradebook export with --roster.")
    table = [IDENTITY_COLUMNS + [headers.get(a, a) for a in assignments],
             [POINTS_ROW, "", "", "", ""] + [_points(points[a]) for a in assignments]]
    for user in sorted(learners.values(), key=lambda u: (u.student.casefold(), u.id)):
        got = scores.get(user.id, {})
        table.append([user.student, user.id, user.sis_user_id, user.sis_login_id, user.section] +
                     [got.get(a, "") for a in assignments])
    return table


def _points(value: str) -> str:
    """``8.0`` -> ``8``, ``7.5`` -> ``7.5`` (Canvas accepts both; whole numbers read better)."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def write_canvas_csv(rows: Iterable[Sequence[str]], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def parse_columns(pairs: Sequence[str]) -> dict[str, str]:
    """``ASSIGNMENT=Canvas header`` pairs from the command line."""
    headers = {}
    for pair in pairs:
        assignment, sep, header = pair.partition("=")
        if not sep or not assignment.strip() or not header.strip():
            raise CanvasExportError(f"--column {pair!r} should read ASSIGNMENT=Canvas name (canvas id), e.g. "
                                    "\"01-nervous-system=Modul 1 (4411)\".")
        headers[assignment.strip()] = header.strip()
    return headers


def export(assignments: Sequence[str], reports: Path, out: Path, headers: Mapping[str, str],
           roster: Path | None = None) -> Path:
    """Read each assignment's ``lms.csv`` under ``reports`` and write the Canvas file ``out``."""
    unknown = sorted(set(headers) - set(assignments))
    if unknown:
        raise CanvasExportError(f"--column names {', '.join(unknown)}, which is not among the assignments to export.")
    grades = {}
    for assignment in assignments:
        path = Path(reports) / assignment / "lms.csv"
        if not path.exists():
            raise CanvasExportError(f"There is no {path} yet: run python -m course.grader.report {assignment} first.")
        grades[assignment] = read_lms_csv(path)
    users = read_roster(roster) if roster else []
    return write_canvas_csv(canvas_rows(grades, headers, users), out)


@explained_on_the_command_line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course.grader.canvas_export",
        description="Write the grades of one or more assignments as a CSV file for Canvas's gradebook import. "
                    "Run python -m course.grader.report for each assignment first.")
    parser.add_argument("assignments", nargs="+", metavar="ASSIGNMENT", help="e.g. 01-nervous-system")
    parser.add_argument("-o", "--out", type=Path, default=Path("grades-canvas.csv"),
                        help="the file to write (default: grades-canvas.csv)")
    parser.add_argument("--reports", type=Path, default=Path("grading") / "reports",
                        help="where the reports are (default: grading/reports)")
    parser.add_argument("--column", action="append", default=[], metavar="ASSIGNMENT=HEADER",
                        help="the Canvas column for an assignment, as in Canvas's export: 'Name (canvas id)'")
    parser.add_argument("--roster", type=Path, help="Canvas's own gradebook export, for names, SIS ids and sections")
    args = parser.parse_args(argv)
    path = export(args.assignments, args.reports, args.out, parse_columns(args.column), args.roster)
    print(f"Canvas grades: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
