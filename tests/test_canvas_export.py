"""The Canvas grade file: course.grader.canvas_export lays the reports' lms.csv out as Canvas imports it.

The lms.csv files are written by the report's own writer
(``course.grader.report.write_lms_csv``), so the test covers the real hand-over.
Checked: Canvas's identity columns and the assignment headers, the Points
Possible row, one row per learner with their points, an empty cell for no
submission or failed grading, the Canvas id from "lms-<id>" hub users (and
TLJH's "jupyter-lms-<id>" system users), the roster for everyone else, names
with commas, quotes and æøå surviving the round trip, and a sentence (no
traceback) for a learner without a Canvas id or a report not written yet.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from course.grader import canvas_export as ce
from course.grader import report as gr

A1, A2 = "01-nervous-system", "02-stress-response"


def lms(rows):
    """A report's lms.csv table: (student_id, last, first, score, max, status) per learner."""
    return pd.DataFrame([{"student_id": sid, "last_name": last, "first_name": first, "email": "",
                          "score": score, "max_score": top, "percent": round(100 * score / top, 1),
                          "status": status} for sid, last, first, score, top, status in rows],
                        columns=gr.CSV_COLUMNS)


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    gr.write_lms_csv(lms([
        ("lms-1001", "Ødegård", "Åse", 8.0, 8.0, "graded"),
        ("jupyter-lms-1002", 'Berg, "Bjørn"', "Per", 5.5, 8.0, "awaiting manual grading"),
        ("lms-1003", "Ås", "Ærlig", 0.0, 8.0, "missing"),
        ("ola", "Nordmann", "Ola", 4.0, 8.0, "graded"),
    ]), folder / A1 / "lms.csv")
    gr.write_lms_csv(lms([
        ("lms-1001", "Ødegård", "Åse", 3.0, 6.0, "graded"),
        ("jupyter-lms-1002", 'Berg, "Bjørn"', "Per", 0.0, 6.0, "grading failed"),
        ("ola", "Nordmann", "Ola", 6.0, 6.0, "graded"),
    ]), folder / A2 / "lms.csv")
    roster = tmp_path / "canvas-export.csv"
    with open(roster, "w", encoding="utf-8-sig", newline="") as handle:  # as Canvas writes it (with a BOM)
        csv.writer(handle).writerows([
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Modul 1 (4411)"],
            ["    Points Possible", "", "", "", "", "8"],
            ["Nordmann, Ola", "2077", "S2077", "ola", "KLIN-101 H26", ""],
            ["Ødegård, Åse", "1001", "S1001", "ase@uio.no", "KLIN-101 H26", ""],
        ])
    return folder, roster


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_file_has_canvas_columns_and_one_row_per_learner(reports, tmp_path):
    folder, roster = reports
    out = ce.export([A1, A2], folder, tmp_path / "grades-canvas.csv", {A1: "Modul 1: Nervesystemet (4411)"}, roster)
    rows = read(out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Modul 1: Nervesystemet (4411)", A2]
    assert rows[1] == ["Points Possible", "", "", "", "", "8", "6"]
    by_id = {r[1]: r for r in rows[2:]}
    assert len(rows) - 2 == len(by_id) == 4
    assert by_id["1001"] == ["Ødegård, Åse", "1001", "S1001", "ase@uio.no", "KLIN-101 H26", "8", "3"]
    assert by_id["1002"] == ['Berg, "Bjørn", Per', "1002", "", "", "", "5.5", ""]  # TLJH name; grading failed: empty
    assert by_id["1003"] == ["Ås, Ærlig", "1003", "", "", "", "", ""]  # no submission, not in A2: empty cells
    assert by_id["2077"] == ["Nordmann, Ola", "2077", "S2077", "ola", "KLIN-101 H26", "4", "6"]  # from the roster


def test_quotes_commas_and_norwegian_letters_are_quoted_not_mangled(reports, tmp_path):
    folder, roster = reports
    out = ce.export([A1], folder, tmp_path / "grades.csv", {}, roster)
    text = out.read_text(encoding="utf-8")
    assert '"Berg, ""Bjørn"", Per"' in text  # CSV quoting, not a split cell
    assert {r[0] for r in read(out)[2:]} == {'Berg, "Bjørn", Per', "Ødegård, Åse", "Ås, Ærlig", "Nordmann, Ola"}


def test_a_learner_without_a_canvas_id_stops_the_export_with_their_name(reports, tmp_path):
    folder, _ = reports
    with pytest.raises(ce.CanvasExportError, match=r"No Canvas user for ola: .*--roster"):
        ce.export([A1, A2], folder, tmp_path / "grades.csv", {})
    assert not (tmp_path / "grades.csv").exists()


def test_command_line_problems_are_one_sentence(reports, tmp_path, capsys):
    folder, roster = reports
    assert ce.main([A1, "03-missing", "--reports", str(folder), "--roster", str(roster)]) == 1
    err = capsys.readouterr().err
    assert "run python -m course.grader.report 03-missing first" in err and "Traceback" not in err
    assert ce.main([A1, "--reports", str(folder), "--column", "Modul 1 (4411)"]) == 1
    assert "ASSIGNMENT=Canvas name (canvas id)" in capsys.readouterr().err
    out = tmp_path / "ok.csv"
    assert ce.main([A1, A2, "--reports", str(folder), "--roster", str(roster), "-o", str(out)]) == 0
    assert len(read(out)) == 2 + 4
