"""The HRV lab (course.widgets.hrv_lab): the 10x rule, analysis, uploads and the widget."""

from __future__ import annotations

import datetime

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import artefacts, data, spectral
from course.errors import DataError
from course.widgets import hrv_lab


@pytest.fixture(scope="module")
def five_min():
    return data.load_nsrdb_nn("5min")


def csv_bytes(values, header="nn_ms", fmt="{:g}", sep="\n") -> bytes:
    return (header + sep + sep.join(fmt.format(v) for v in values) + "\n").encode()


# --- the 10x rule ----------------------------------------------------------------------


def test_shortest_recordings_follow_the_ten_times_rule():
    assert hrv_lab.shortest_recording_s(0.15) == pytest.approx(66.67, abs=0.01)
    assert hrv_lab.shortest_recording_s(0.04) == pytest.approx(250.0)
    assert hrv_lab.MIN_DURATION_S["VLF"] == pytest.approx(3030.3, abs=0.1)
    assert hrv_lab.recording_long_enough(250, 0.04) is True  # exactly ten cycles is enough
    assert hrv_lab.recording_long_enough(249.9, 0.04) is False
    assert hrv_lab.recording_long_enough(60, 0.15) is False
    with pytest.raises(DataError):
        hrv_lab.shortest_recording_s(0)


# --- analyse ---------------------------------------------------------------------------


def test_five_minute_recording_shows_lf_and_hf_but_not_vlf(five_min):
    report = hrv_lab.analyse(five_min, source="5 min")
    f = report.frequency
    assert f["vlf_ms2"] is None
    assert f["lf_ms2"] == pytest.approx(spectral.frequency_domain(five_min)["lf_ms2"])
    assert f["lf_hf"] == pytest.approx(0.318, abs=0.005)
    assert report.time_domain["sdnn_ms"] == pytest.approx(95.69, abs=0.01)
    assert report.n_flagged == 23 and not report.corrected
    assert not any("shorter than 5 minutes" in w for w in report.warnings)  # 299.6 s counts as 5 min
    assert any(w.startswith("VLF power needs at least 3030 s") for w in report.warnings)
    assert any(w.startswith("23 of 337 intervals (6.8 %) differ") for w in report.warnings)


def test_hour_long_recording_shows_vlf_too():
    report = hrv_lab.analyse(data.load_nsrdb_nn("60min"))
    assert report.frequency["vlf_ms2"] is not None and report.frequency["vlf_ms2"] > 0
    assert not any("VLF" in w for w in report.warnings)


def test_ninety_seconds_gives_hf_but_no_lf(five_min):
    short = five_min[:100]  # 88 s
    report = hrv_lab.analyse(short)
    assert report.frequency["hf_ms2"] is not None
    assert report.frequency["lf_ms2"] is None and report.frequency["lf_hf"] is None
    assert report.warnings[0] == ("The recording lasts 88 s. The 10x rule needs at least 250 s for the LF band, "
                                  "so LF power and LF/HF are not shown; HF power is.")
    assert any("shorter than 5 minutes" in w for w in report.warnings)
    assert dict(report.rows())["LF power"] == "not shown (recording too short)"


def test_under_a_minute_gives_no_spectrum_at_all(five_min):
    report = hrv_lab.analyse(five_min[:50])  # 45 s
    assert all(report.frequency[k] is None for k in ("vlf_ms2", "lf_ms2", "hf_ms2", "lf_hf"))
    assert report.warnings[0].startswith("The recording lasts only 45 s. The 10x rule needs at least 67 s")
    assert report.time_domain["n_intervals"] == 50  # time domain is still reported


def test_correction_replaces_flagged_intervals_and_says_so(five_min):
    broken = artefacts.add_missed_beat(five_min, 150)
    plain = hrv_lab.analyse(broken)
    fixed = hrv_lab.analyse(broken, correct=True, threshold=0.5)
    assert fixed.n_flagged == 1 and fixed.corrected
    assert fixed.time_domain["rmssd_ms"] < plain.time_domain["rmssd_ms"]
    assert "replaced by interpolation" in fixed.warnings[-1]
    assert "as they are" in plain.warnings[-1]
    assert dict(fixed.rows())["Flagged intervals"] == "1 of 336 (corrected)"


def test_report_html_escapes_and_lists_warnings(five_min):
    report = hrv_lab.analyse(five_min, source="<script>")
    page = report.html()
    assert "<table>" in page and "<li>" in page and "RMSSD" in page
    assert "<script>" not in report.html()
    assert report.summary().startswith("<script>: 337 intervals over 300 s; SDNN 95.7 ms, RMSSD 101.3 ms")


def test_analyse_refuses_too_few_intervals():
    with pytest.raises(DataError, match="at least 10"):
        hrv_lab.analyse([800] * 9)


def test_windowed_frequency_shows_why_short_windows_mislead():
    hour = data.load_nsrdb_nn("60min")
    one_min = hrv_lab.windowed_frequency(hour, 60)
    five = hrv_lab.windowed_frequency(hour, 300)
    assert (len(one_min), len(five)) == (59, 11)
    assert not one_min["lf_allowed"].any() and five["lf_allowed"].all()
    spread = lambda t: t["lf_hf"].max() / t["lf_hf"].min()  # noqa: E731
    assert spread(one_min) > 3 * spread(five)


# --- uploads: real bad files through the widget's own path ------------------------------


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
     "Type 'RR' in the 'Column' box above."),
    ("empty.csv", b"", "The file 'empty.csv' is empty."),
    ("book.csv", b"PK\x03\x04\x00\x00binary", "The file 'book.csv' is not a text (CSV) file"),
    ("comma.csv", b"nn_ms,note\n" + b"812,5,ok\n" * 12, "line 2 has 3 field(s) but the header (line 1) has 2"),
])
def test_bad_files_become_sentences(name, content, expected):
    nn, problem = hrv_lab.read_upload(content, name)
    assert nn is None
    assert expected in problem
    assert "Traceback" not in problem and "read_nn_csv(" not in problem


def test_excel_style_file_with_semicolons_and_decimal_commas_is_read():
    content = b"nn_ms;note\n" + b"".join(f"{800 + i},5;ok\n".encode() for i in range(12))
    nn, problem = hrv_lab.read_upload(content, "excel.csv")
    assert problem is None
    assert nn[0] == 800.5 and nn.size == 12


def test_good_upload_matches_the_shipped_file(five_min):
    nn, problem = hrv_lab.read_upload(csv_bytes(five_min), "mine.txt")
    assert problem is None
    np.testing.assert_array_equal(nn, five_min)


def test_column_box_hint_and_chosen_column():
    content = b"time,RR\n" + b"".join(f"{i},{800 + i}\n".encode() for i in range(20))
    nn, problem = hrv_lab.read_upload(content, "watch.csv", column="RR")
    assert problem is None and nn.size == 20
    _, problem = hrv_lab.read_upload(b"a,b\n1,2\n3,4\n", "two.csv")
    assert problem.endswith("Type the name of the column that holds the intervals (in milliseconds) in the "
                            "'Column' box above.")


def test_strange_file_names_stay_inside_the_temporary_folder():
    nn, problem = hrv_lab.read_upload(csv_bytes([800] * 12), "../../etc/evil.csv")
    assert problem is None and nn.size == 12
    _, problem = hrv_lab.read_upload(b"", "")
    assert "'upload.csv' is empty" in problem


def test_upload_contents_reads_both_ipywidgets_formats():
    v8 = ({"name": "a.csv", "type": "text/csv", "size": 3, "content": memoryview(b"abc"), "last_modified": None},)
    v7 = {"a.csv": {"metadata": {"name": "a.csv"}, "content": b"abc"}}
    assert hrv_lab.upload_contents(v8) == (b"abc", "a.csv")
    assert hrv_lab.upload_contents(v7) == (b"abc", "a.csv")
    assert hrv_lab.upload_contents(()) is None


# --- the figure and the widget ---------------------------------------------------------


def test_lab_updates_the_same_figure_in_place(five_min):
    lab = hrv_lab.HRVLab("5min")
    fig, line = lab.fig, lab.tacho
    assert len(line.get_xdata()) == 337 and len(lab.marks.get_offsets()) == 23
    lab.select("60min")
    assert lab.fig is fig and lab.tacho is line and len(line.get_xdata()) == 4684
    assert lab.load_bytes(csv_bytes(five_min[:100]), "mine.csv") is None
    assert lab.source == "upload" and len(line.get_xdata()) == 100
    assert "Two charts for Your file 'mine.csv'" in lab.render().alt
    problem = lab.load_bytes(b"nn_ms\n1\n", "bad.csv")
    assert "holds only 1 interval(s)" in problem and "Problem with the file" in lab.message_html()
    plt.close(fig)


def test_spectrum_figure_and_alt_text(five_min):
    fig, ax = hrv_lab.spectrum_figure(five_min, methods=("welch", "lomb"))
    assert len(ax.lines) == 2 and len(ax.patches) == 3  # two spectra, three shaded bands
    plt.close(fig)
    alt = hrv_lab.describe_spectrum(five_min)
    assert "HF band is at 0.24 Hz" in alt and "LF/HF 0.32" in alt


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert hrv_lab.hrv_lab_demo() is None
    assert "337 intervals over 300 s" in capsys.readouterr().out


@pytest.fixture
def interactive(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = hrv_lab.hrv_lab_demo()
    (chooser, upload), (column, correct) = box.children[0].children, box.children[1].children
    yield box, chooser, upload, column, correct, box.children[2]
    plt.close(box.lab.fig)


def _upload_value(name, content):
    return ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
             "last_modified": datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)},)


def test_controls_are_labelled_and_keyboard_usable(interactive):
    box, chooser, upload, column, correct, report = interactive
    assert chooser.description == "Recording" and upload.description == "Upload CSV"
    assert upload.accept == ".csv,.txt" and upload.multiple is False
    assert column.description == "Column" and column.continuous_update is False
    assert correct.description.startswith("Correct flagged intervals")
    assert "SDNN" in report.value and "95.7 ms" in report.value


def test_uploading_a_good_file_switches_to_it(interactive, five_min):
    box, chooser, upload, column, correct, report = interactive
    upload.value = _upload_value("mine.csv", csv_bytes(five_min[:120]))
    assert chooser.value == "upload"
    assert "The recording lasts" in report.value and "LF power and LF/HF are not shown" in report.value
    flagged = int(artefacts.flag_artefacts(five_min[:120]).sum())
    assert flagged > 0 and f"{flagged} of 120</td>" in report.value
    correct.value = True
    assert f"{flagged} of 120 (corrected)" in report.value and "replaced by interpolation" in report.value


def test_uploading_a_bad_file_shows_a_sentence_not_a_traceback(interactive):
    box, chooser, upload, column, correct, report = interactive
    upload.value = _upload_value("seconds.csv", csv_bytes([0.8] * 20, fmt="{:.1f}"))
    assert "Problem with the file:" in report.value
    assert "these look like seconds; multiply by 1000" in report.value
    assert "Traceback" not in report.value
    assert chooser.value == "5min"  # the good recording stays chosen


def test_wrong_column_can_be_fixed_in_the_box(interactive):
    box, chooser, upload, column, correct, report = interactive
    content = b"time,RR\n" + b"".join(f"{i},{800 + (i % 5) * 10}\n".encode() for i in range(40))
    upload.value = _upload_value("watch.csv", content)
    assert "Type &#x27;RR&#x27; in the &#x27;Column&#x27; box above." in report.value
    column.value = "RR"
    assert chooser.value == "upload"
    assert "Problem" not in report.value and "40" in report.value


def test_choosing_upload_before_uploading_explains_what_to_do(interactive):
    box, chooser, upload, column, correct, report = interactive
    chooser.value = "upload"
    assert "No file uploaded yet" in report.value
    chooser.value = "60min"
    assert "4684" in report.value and "Problem" not in report.value


def test_flag_figure_circles_the_flagged_intervals(five_min):
    fig, alt = hrv_lab.flag_figure(five_min)
    circles = fig.axes[0].collections[0].get_offsets()
    assert len(circles) == 23
    assert " 23 intervals differ from the median of their neighbours by more than 20 % and are circled" in alt
    assert "for example 1078 ms at 6 s" in alt
    plt.close(fig)


def test_unknown_source_is_refused_and_analysis_problems_become_sentences(monkeypatch):
    with pytest.raises(DataError, match="no recording called 'week'"):
        hrv_lab.HRVLab("week")
    lab = hrv_lab.HRVLab("5min")

    def broken(*args, **kwargs):
        raise DataError("Something in the series cannot be analysed.", hint="Check the file.")

    monkeypatch.setattr(hrv_lab, "analyse", broken)
    lab.set_correct(True)
    assert lab.problem == "Something in the series cannot be analysed. Check the file."
    assert "Problem with the file:" in lab.message_html()
    plt.close(lab.fig)
