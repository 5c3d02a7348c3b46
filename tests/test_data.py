"""Loading NN-interval files: the shipped data, and every message a trainee may see."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course import data
from course.publish import datasets as make_datasets
from course.errors import DataError
from course.paths import datasets_dir

GOOD = [812, 845, 790, 830, 901, 877, 850, 822, 799, 810, 835, 860]


def write(tmp_path, text, name="nn.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def lines(header, values):
    return header + "\n" + "\n".join(str(v) for v in values) + "\n"


def message(path, **kwargs):
    with pytest.raises(DataError) as info:
        data.read_nn_csv(path, **kwargs)
    return str(info.value)


# --- the shipped recordings ----------------------------------------------------------


@pytest.mark.parametrize(
    "length, n, mean, total_ms, first, last",
    [("5min", 337, 888.9554896, 299_578, 859, 852), ("60min", 4684, 768.4383006, 3_599_365, 664, 930)],
)
def test_shipped_csvs_match_the_pyhrv_series(length, n, mean, total_ms, first, last):
    nn = data.load_nsrdb_nn(length)
    assert nn.dtype == np.float64 and nn.shape == (n,)
    assert nn.mean() == pytest.approx(mean, abs=1e-6)
    assert nn.sum() == total_ms
    assert nn[0] == first
    assert nn[-1] == last
    assert np.all(nn == np.round(nn))


@pytest.mark.parametrize("name, n", [("nsrdb_nn_5min.csv", 337), ("nsrdb_nn_60min.csv", 4684)])
def test_shipped_csv_layout(name, n):
    text = (datasets_dir() / name).read_text(encoding="utf-8")
    rows = text.splitlines()
    assert rows[0] == "beat,nn_ms"
    assert len(rows) == n + 1
    assert not any(row.startswith("#") for row in rows)
    beats = [int(row.split(",")[0]) for row in rows[1:]]
    assert beats == list(range(1, n + 1))
    assert all(re.fullmatch(r"\d+,\d+", row) for row in rows[1:])


def test_datasheet_has_the_required_sections_and_names_both_files():
    sheet = (datasets_dir() / "nsrdb_nn.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", sheet, flags=re.MULTILINE)
    for heading in [
        "Files",
        "Real or simulated",
        "Source and provenance",
        "Licence and attribution",
        "Columns",
        "How it was made",
        "Known limitations",
    ]:
        assert heading in headings
    files_section = sheet.split("## Files", 1)[1].split("\n## ", 1)[0]
    assert "nsrdb_nn_5min.csv" in files_section and "nsrdb_nn_60min.csv" in files_section
    assert "REAL" in sheet
    assert "10.1161/01.CIR.101.23.e215" in sheet


def test_unknown_recording_lists_the_options():
    with pytest.raises(DataError) as info:
        data.load_nsrdb_nn("10min")
    text = str(info.value)
    assert "'10min'" in text and "'5min'" in text and "'60min'" in text


def test_missing_shipped_file_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    with pytest.raises(DataError, match="nsrdb_nn_5min.csv' does not exist"):
        data.load_nsrdb_nn("5min")


# --- files that work -------------------------------------------------------------------


def test_reads_a_plain_file(tmp_path):
    nn = data.read_nn_csv(write(tmp_path, lines("nn_ms", GOOD)))
    assert nn.tolist() == [float(v) for v in GOOD]


def test_reads_another_column_by_name(tmp_path):
    text = "time_s,RR\n" + "\n".join(f"{i},{v}" for i, v in enumerate(GOOD)) + "\n"
    assert data.read_nn_csv(write(tmp_path, text), column="RR").tolist() == GOOD


def test_reads_semicolons_with_decimal_commas_from_norwegian_excel(tmp_path):
    text = "slag;nn_ms\r\n" + "".join(f"{i};{v},5\r\n" for i, v in enumerate(GOOD, 1))
    path = write(tmp_path, "\ufeff" + text, encoding="utf-8")
    assert data.read_nn_csv(path).tolist() == [v + 0.5 for v in GOOD]


def test_reads_cp1252_tab_separated_file(tmp_path):
    text = "måling\tnn_ms\n" + "".join(f"{i}\t{v}\n" for i, v in enumerate(GOOD, 1))
    path = write(tmp_path, text, encoding="cp1252")
    assert data.read_nn_csv(path).tolist() == GOOD


def test_blank_lines_at_the_end_are_ignored(tmp_path):
    path = write(tmp_path, lines("nn_ms", GOOD) + "\n\n")
    assert len(data.read_nn_csv(path)) == len(GOOD)


# --- every problem, in words -------------------------------------------------------------


def test_missing_file(tmp_path):
    text = message(tmp_path / "holter.csv")
    assert "'holter.csv' does not exist" in text and "Hint:" in text


def test_folder_instead_of_file(tmp_path):
    assert "is a folder" in message(tmp_path)


def test_empty_file(tmp_path):
    assert "'nn.csv' is empty" in message(write(tmp_path, ""))
    assert "is empty" in message(write(tmp_path, "\n  \n", name="blank.csv"))


def test_header_without_rows(tmp_path):
    assert "header line but no data rows" in message(write(tmp_path, "nn_ms\n"))


def test_excel_workbook_is_not_csv(tmp_path):
    text = message(write(tmp_path, b"PK\x03\x04\x14\x00\x06\x00rest-of-zip", name="nn.xlsx"))
    assert "'nn.xlsx' is not a text (CSV) file" in text and "Save As > CSV" in text


def test_unbalanced_quote_is_not_parseable(tmp_path):
    text = message(write(tmp_path, 'nn_ms\n812\n"845\n790\n'))
    assert "could not be read as a table" in text and "quotation marks" in text


def test_wrong_number_of_fields(tmp_path):
    text = message(write(tmp_path, "beat,nn_ms\n1,812\n2,845,3\n"))
    assert "line 3 has 3 field(s) but the header (line 1) has 2" in text


def test_decimal_commas_in_a_comma_file_are_explained(tmp_path):
    text = message(write(tmp_path, "nn_ms\n812,5\n845,0\n"))
    assert "line 2 has 2 field(s)" in text and "decimal comma" in text and "semicolon" in text


def test_missing_column_lists_columns_and_suggests_a_likely_name(tmp_path):
    body = "\n".join(f"{i},{i * 0.8:.1f},{v}" for i, v in enumerate(GOOD, 1))
    text = message(write(tmp_path, "beat,time_s,RR interval (ms)\n" + body + "\n"))
    assert "no column called 'nn_ms'" in text
    assert "Columns found: 'beat', 'time_s', 'RR interval (ms)'" in text
    assert "column='RR interval (ms)'" in text


@pytest.mark.parametrize("name", ["rri", "IBI", "nn_interval", "RR-intervall"])
def test_suggests_columns_named_like_intervals(tmp_path, name):
    body = "\n".join(f"{i},{v}" for i, v in enumerate(GOOD, 1))
    assert f"column={name!r}" in message(write(tmp_path, f"beat,{name}\n{body}\n"))


def test_missing_column_suggests_the_only_numeric_column(tmp_path):
    body = "\n".join(f"p{i},{v}" for i, v in enumerate(GOOD, 1))
    text = message(write(tmp_path, "subject,value\n" + body + "\n"))
    assert "Columns found: 'subject', 'value'" in text and "column='value'" in text


def test_missing_column_suggests_a_different_capitalisation(tmp_path):
    assert "column='NN_MS'" in message(write(tmp_path, lines("NN_MS", GOOD)))


def test_missing_column_without_a_suggestion(tmp_path):
    body = "\n".join(f"{v},{v + 1}" for v in GOOD)
    text = message(write(tmp_path, "a,b\n" + body + "\n"))
    assert "Columns found: 'a', 'b'" in text and "column='RR'" in text


def test_file_without_a_header_line(tmp_path):
    text = message(write(tmp_path, "\n".join(map(str, GOOD)) + "\n"))
    assert "no header line" in text and "'nn_ms'" in text


def test_non_numeric_cells_are_quoted_with_line_numbers(tmp_path):
    values = [str(v) for v in GOOD]
    values[2] = "790 ms"  # line 4 of the file
    values[5] = "artefact"  # line 7 of the file
    text = message(write(tmp_path, lines("nn_ms", values)))
    assert "2 value(s) in column 'nn_ms' that are not numbers" in text
    assert "line 4: '790 ms'" in text and "line 7: 'artefact'" in text


def test_many_non_numeric_cells_are_summarised(tmp_path):
    text = message(write(tmp_path, lines("nn_ms", ["x"] * 8 + GOOD)))
    assert "line 2: 'x'" in text and "line 6: 'x'" in text and "and 3 more" in text
    assert "line 7" not in text


def test_blank_cells_are_reported_with_line_numbers(tmp_path):
    body = "\n".join(f"{i},{'' if i == 4 else v}" for i, v in enumerate(GOOD, 1))
    text = message(write(tmp_path, "beat,nn_ms\n" + body + "\n"))
    assert "1 blank cell(s) in column 'nn_ms', at line(s) 5" in text


def test_blank_line_in_the_middle_is_a_blank_cell(tmp_path):
    text = message(write(tmp_path, "nn_ms\n812\n\n845\n" + "\n".join(map(str, GOOD)) + "\n"))
    assert "blank cell(s)" in text and "line(s) 3" in text


def test_seconds_are_not_silently_converted(tmp_path):
    text = message(write(tmp_path, lines("nn_ms", [v / 1000 for v in GOOD])))
    assert "look like seconds" in text and "multiply by 1000" in text


def test_implausible_intervals_are_listed(tmp_path):
    values = list(GOOD)
    values[4] = 3000  # line 6
    values[7] = 200  # line 9
    text = message(write(tmp_path, lines("nn_ms", values)))
    assert "2 interval(s) outside 250-2500 ms" in text
    assert "line 6: 3000 ms" in text and "line 9: 200 ms" in text
    assert "missed or extra beats" in text


def test_limits_of_the_plausible_range_are_allowed(tmp_path):
    assert data.read_nn_csv(write(tmp_path, lines("nn_ms", GOOD + [250, 2500]))).max() == 2500


def test_too_few_intervals(tmp_path):
    text = message(write(tmp_path, lines("nn_ms", GOOD[:5])))
    assert "holds only 5 interval(s); at least 10 are needed" in text


def test_infinite_text_is_not_a_number(tmp_path):
    assert "line 3: 'inf'" in message(write(tmp_path, lines("nn_ms", [812, "inf"] + GOOD)))


# --- the script that rebuilds the CSVs -----------------------------------------------------


def test_make_datasets_refuses_a_missing_folder(tmp_path, capsys):
    with pytest.raises(DataError, match="does not exist"):
        make_datasets.write_nsrdb_csvs(tmp_path / "nowhere", tmp_path)
    assert make_datasets.main(["--from", str(tmp_path / "nowhere"), "--to", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Data problem: The folder") and "does not exist" in err and "Traceback" not in err


def test_make_datasets_rebuilds_identical_csvs(tmp_path):
    source = tmp_path / "files"
    source.mkdir()
    np.save(source / "SampleNNISeriesShort.npy", data.load_nsrdb_nn("5min").astype(np.int64))
    np.save(source / "SampleNNISeriesLong.npy", data.load_nsrdb_nn("60min").astype(np.int64))
    written = make_datasets.write_nsrdb_csvs(source, tmp_path / "out", verify=False)
    assert sorted(path.name for path in written) == ["nsrdb_nn_5min.csv", "nsrdb_nn_60min.csv"]
    for path in written:
        assert path.read_bytes() == (datasets_dir() / path.name).read_bytes()
    texts = make_datasets.nsrdb_csv_texts(source, verify=False)
    assert make_datasets.differing_files(texts) == []
    assert make_datasets.differing_files(texts, tmp_path / "elsewhere") == list(texts)


def test_make_datasets_checks_the_checksum(tmp_path):
    source = tmp_path / "files"
    source.mkdir()
    np.save(source / "SampleNNISeriesShort.npy", np.array([800, 801, 802]))
    np.save(source / "SampleNNISeriesLong.npy", np.array([800, 801, 802]))
    with pytest.raises(DataError, match="not the pyHRV 0.5.0 file"):
        make_datasets.write_nsrdb_csvs(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_datasheet_summary_figures_match_course_hrv():
    from course.hrv import time_domain

    sheet = (datasets_dir() / "nsrdb_nn.md").read_text(encoding="utf-8")
    table = {}
    for row in re.findall(r"^\| (.+?) \| ([\d./ ]+) \| ([\d./ ]+) \|$", sheet, flags=re.MULTILINE):
        table[row[0]] = (row[1].strip(), row[2].strip())
    for column, length in enumerate(["5min", "60min"], start=0):
        result = time_domain(data.load_nsrdb_nn(length))
        assert table["n (intervals)"][column] == str(result["n_intervals"])
        assert table["duration (s)"][column] == f"{result['duration_s']:.3f}"
        assert table["mean NN (ms)"][column] == f"{result['mean_nn_ms']:.2f}"
        assert table["mean HR (bpm)"][column] == f"{result['mean_hr_bpm']:.2f}"
        assert table["SDNN (ms)"][column] == f"{result['sdnn_ms']:.2f}"
        assert table["RMSSD (ms)"][column] == f"{result['rmssd_ms']:.2f}"
        assert table["NN50 (count)"][column] == str(result["nn50"])
        assert table["pNN50 (%)"][column] == f"{result['pnn50_pct']:.2f}"


def csv_bytes(values, header="nn_ms", fmt="{:g}", sep="\n") -> bytes:
    return (header + sep + sep.join(fmt.format(v) for v in values) + "\n").encode()


# --- the strict reader on bytes (the course's own format; uploads go through course.rr_import) ---


def _read(content, name, column="nn_ms"):
    """(intervals, None) or (None, the sentence a learner would see)."""
    try:
        return data.read_nn_csv_bytes(content, name, column), None
    except DataError as exc:
        return None, data.problem_sentence(exc)


@pytest.mark.parametrize("name, content, expected", [
    ("seconds.csv", csv_bytes([0.81, 0.79, 0.85] * 10, fmt="{:.2f}"),
     "The values in column 'nn_ms' of 'seconds.csv' have a median of 0.81: these look like seconds; "
     "multiply by 1000 to get milliseconds."),
    ("notes.csv", b"nn_ms\n812\n845\nartefact\n790\n" + b"800\n" * 10,
     "The file 'notes.csv' has 1 value(s) in column 'nn_ms' that are not numbers: line 4: 'artefact'."),
    ("short.csv", csv_bytes([812, 845, 790]),
     "The file 'short.csv' holds only 3 interval(s); at least 10 are needed."),
    ("implausible.csv", csv_bytes([800] * 12 + [3200, 120]),
     "The file 'implausible.csv' has 2 interval(s) outside 250-2500 ms, the plausible range for adult NN "
     "intervals: line 14: 3200 ms, line 15: 120 ms."),
    ("watch.csv", b"time,RR\n" + b"".join(f"{i},{800 + i}\n".encode() for i in range(20)),
     "The file 'watch.csv' has no column called 'nn_ms'. Columns found: 'time', 'RR'. "
     "Use read_nn_csv(path, column='RR')."),
    ("empty.csv", b"", "The file 'empty.csv' is empty."),
    ("book.csv", b"PK\x03\x04\x00\x00binary", "The file 'book.csv' is not a text (CSV) file"),
    ("comma.csv", b"nn_ms,note\n" + b"812,5,ok\n" * 12, "line 2 has 3 field(s) but the header (line 1) has 2"),
])
def test_bad_files_become_sentences(name, content, expected):
    nn, problem = _read(content, name)
    assert nn is None
    assert expected in problem
    assert "Traceback" not in problem


def test_excel_style_file_with_semicolons_and_decimal_commas_is_read():
    content = b"nn_ms;note\n" + b"".join(f"{800 + i},5;ok\n".encode() for i in range(12))
    nn, problem = _read(content, "excel.csv")
    assert problem is None
    assert nn[0] == 800.5 and nn.size == 12


def test_good_upload_matches_the_shipped_file():
    five_min = data.load_nsrdb_nn("5min")
    nn, problem = _read(csv_bytes(five_min), "mine.txt")
    assert problem is None
    np.testing.assert_array_equal(nn, five_min)


def test_column_hint_and_chosen_column():
    content = b"time,RR\n" + b"".join(f"{i},{800 + i}\n".encode() for i in range(20))
    nn, problem = _read(content, "watch.csv", column="RR")
    assert problem is None and nn.size == 20
    _, problem = _read(b"a,b\n1,2\n3,4\n", "two.csv")
    assert problem.endswith("Pass the name of the column that holds the intervals in milliseconds, for "
                            "example read_nn_csv(path, column='RR').")


def test_strange_file_names_are_cut_to_their_last_part():
    nn, problem = _read(csv_bytes([800] * 12), "../../etc/evil.csv")
    assert problem is None and nn.size == 12
    _, problem = _read(b"", "../../etc/evil.csv")
    assert problem.startswith("The file 'evil.csv' is empty.")
    _, problem = _read(b"", "")
    assert "'upload.csv' is empty" in problem


def test_upload_contents_reads_both_ipywidgets_formats():
    v8 = ({"name": "a.csv", "type": "text/csv", "size": 3, "content": memoryview(b"abc"), "last_modified": None},)
    v7 = {"a.csv": {"metadata": {"name": "a.csv"}, "content": b"abc"}}
    assert data.upload_contents(v8) == (b"abc", "a.csv")
    assert data.upload_contents(v7) == (b"abc", "a.csv")
    assert data.upload_contents(()) is None


@pytest.mark.parametrize("content", [
    b"", b"PK\x03\x04binary", b"nn_ms\n", b"nn_ms,x\n800,1,2\n", b"nn_ms\n800\n\n900\n" + b"800\n" * 10,
    csv_bytes([0.8] * 12, fmt="{:.1f}"), csv_bytes([800] * 12 + [3000]), b"time,RR\n" + b"1,800\n" * 12,
])
def test_bytes_get_the_same_checks_and_messages_as_a_file(tmp_path, content):
    with pytest.raises(DataError) as from_bytes:
        data.read_nn_csv_bytes(content, "mine.csv")
    assert str(from_bytes.value) == message(write(tmp_path, content, name="mine.csv"))


def test_good_bytes_give_the_same_intervals_as_the_file(tmp_path):
    content = lines("nn_ms", GOOD).encode()
    np.testing.assert_array_equal(data.read_nn_csv_bytes(memoryview(content), "mine.csv"),
                                  data.read_nn_csv(write(tmp_path, content)))


def test_problem_sentence_joins_message_and_hint():
    assert data.problem_sentence(DataError("The file is empty.", hint="Export it again.")) == (
        "The file is empty. Export it again.")
    assert data.problem_sentence(DataError("The file is empty.")) == "The file is empty."
