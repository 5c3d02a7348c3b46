"""The HRV lab (course.widgets.hrv_lab): the analysis and the widget.

The science it wires together is tested where it lives: the 10x rule and windowed spectra in
``test_spectral.py``, reading uploads in ``test_data.py``, the spectrum and artefact figures in
``test_plotting.py``.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from course import artefacts, data, spectral
from course.errors import DataError
from course.widgets import hrv_lab


@pytest.fixture(scope="module")
def five_min():
    return data.load_nsrdb_nn("5min")


def csv_bytes(values, header="nn_ms", fmt="{:g}", sep="\n") -> bytes:
    return (header + sep + sep.join(fmt.format(v) for v in values) + "\n").encode()


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
    problem = lab.load_bytes(b"nn_ms\n800\n", "bad.csv")
    assert "holds only 1 interval(s)" in problem and "Problem with the file" in lab.message_html()
    plt.close(fig)


def test_update_chooses_the_source_and_the_correction(five_min):
    lab = hrv_lab.HRVLab("5min")
    assert lab.has_figure and lab.summary() == lab.report.summary()
    lab.update(correct=True)
    assert lab.correct and lab.report.corrected and lab.source == "5min" and lab.method == "interpolate"
    lab.update(method="delete")
    assert lab.report.method == "delete" and lab.report.nn_ms.size == 337 - 23
    assert lab.summary().startswith("MIT-BIH recording, 5 minutes: 314 intervals")
    lab.update(method="interpolate")
    assert lab.summary().startswith("MIT-BIH recording, 5 minutes: 337 intervals")
    lab.update(source="60min", correct=False)
    assert lab.report.time_domain["n_intervals"] == 4684 and not lab.report.corrected
    lab.update(source="upload")
    assert not lab.has_figure and lab.problem.startswith("No file uploaded yet")
    assert "<table>" not in lab.message_html()
    plt.close(lab.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert hrv_lab.hrv_lab_demo() is None
    assert "337 intervals over 300 s" in capsys.readouterr().out


FIXTURES = Path(__file__).parent / "fixtures" / "rr_exports"


@pytest.fixture
def interactive(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = hrv_lab.hrv_lab_demo()
    (chooser, upload), (column, units, method) = box.children[0].children, box.children[1].children
    yield box, chooser, upload, column, units, method, box.children[2]
    plt.close(box.plot.fig)


def _upload_value(name, content):
    return ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
             "last_modified": datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)},)


def test_controls_are_labelled_and_keyboard_usable(interactive):
    box, chooser, upload, column, units, method, report = interactive
    assert chooser.description == "Recording" and upload.description == "Upload CSV"
    assert upload.accept == ".csv,.txt" and upload.multiple is False
    assert column.description == "Column" and column.layout.display == "none"  # hidden until ambiguous
    assert units.description == "Units" and units.value is None
    assert [label for label, _ in units.options] == ["Detect automatically", "Milliseconds", "Seconds"]
    assert method.description == "Flagged beats" and method.value == "none"
    assert "SDNN" in report.value and "95.7 ms" in report.value


def test_uploading_a_good_file_switches_to_it(interactive, five_min):
    box, chooser, upload, column, units, method, report = interactive
    upload.value = _upload_value("mine.csv", csv_bytes(five_min[:120]))
    assert chooser.value == "upload"
    assert "About your file" in report.value and "Read the intervals from the column &#x27;nn_ms&#x27;" in report.value
    assert "The recording lasts" in report.value and "LF power and LF/HF are not shown" in report.value
    assert "as lesson 1 showed" in report.value
    assert report.value.count("shorter than 5 minutes") == 0  # the file's note replaces the generic warning
    flagged = int(artefacts.flag_artefacts(five_min[:120]).sum())
    assert flagged > 0 and f"{flagged} of 120</td>" in report.value
    method.value = "interpolate"
    assert f"{flagged} of 120 (corrected)" in report.value and "replaced by interpolation" in report.value
    assert "were corrected by interpolation" in report.value
    method.value = "delete"
    assert f"{flagged} of 120 (deleted)" in report.value and "were deleted" in report.value
    assert box.plot.report.nn_ms.size == 120 - flagged


def test_polar_export_in_seconds_loads_and_says_it_converted(interactive):
    box, chooser, upload, column, units, method, report = interactive
    upload.value = _upload_value("watch_seconds.csv", (FIXTURES / "watch_seconds.csv").read_bytes())
    assert chooser.value == "upload" and "Problem" not in report.value
    assert "Read as seconds and converted to milliseconds" in report.value
    assert "Education, not clinical advice: a very irregular trace" in report.value
    units.value = "ms"  # the learner overrides the detection: 0.75 ms is impossible, said in a sentence
    assert "Problem with the file:" in report.value and "Read as milliseconds" in report.value
    assert "Traceback" not in report.value
    units.value = "s"
    assert "Read as seconds, as you chose" in report.value and "Problem" not in report.value


def test_a_missed_beat_is_flagged_and_shown_not_refused(interactive):
    box, chooser, upload, column, units, method, report = interactive
    upload.value = _upload_value("ectopic_and_missed.csv", (FIXTURES / "ectopic_and_missed.csv").read_bytes())
    assert chooser.value == "upload" and "Problem" not in report.value
    assert "line 122: 3000 ms" in report.value and "still usable" in report.value
    lab = box.plot
    assert len(lab.marks.get_offsets()) == lab.report.n_flagged == 7
    alt = lab.render().alt
    assert "7 flagged interval(s) (" in alt and "1 possible missed beats" in alt and "2 possible premature" in alt
    method.value = "interpolate"
    assert "7 of 395 intervals (1.8 %) were corrected by interpolation" in report.value
    assert "and interpolated" in lab.render().alt


def test_frequent_ectopics_bring_the_medical_note(interactive):
    box, chooser, upload, column, units, method, report = interactive
    upload.value = _upload_value("frequent.csv", (FIXTURES / "frequent_ectopics.csv").read_bytes())
    assert "are for a doctor" in report.value and "medical matter, not an artefact to tidy away" in report.value
    assert "do not interpret HRV from this recording" in report.value
    assert report.value.count("are for a doctor") == 1  # the full note, not the short reminder as well


def test_column_menu_appears_only_when_ambiguous(interactive):
    box, chooser, upload, column, units, method, report = interactive
    upload.value = _upload_value("polar_rr.txt", (FIXTURES / "polar_rr.txt").read_bytes())
    assert column.layout.display == "none"
    upload.value = _upload_value("two.csv", (FIXTURES / "two_rr_columns.csv").read_bytes())
    assert column.layout.display is None and [v for _, v in column.options] == ["ecg_rr", "strap_rr"]
    assert column.value == "ecg_rr" and "Choose another in the Column menu" in report.value
    column.value = "strap_rr"
    assert box.plot.imported.column == "strap_rr" and chooser.value == "upload"
    assert "Read the intervals from the column &#x27;strap_rr&#x27;" in report.value


def test_uploading_a_bad_file_shows_a_sentence_not_a_traceback(interactive):
    box, chooser, upload, column, units, method, report = interactive
    upload.value = _upload_value("hr.csv", (FIXTURES / "heart_rate_bpm.csv").read_bytes())
    assert "Problem with the file:" in report.value
    assert "looks like heart rates in beats per minute, not intervals between beats" in report.value
    assert "Traceback" not in report.value
    assert chooser.value == "5min"  # the good recording stays chosen


def test_choosing_upload_before_uploading_explains_what_to_do(interactive):
    box, chooser, upload, column, units, method, report = interactive
    chooser.value = "upload"
    assert "No file uploaded yet" in report.value
    chooser.value = "60min"
    assert "4684" in report.value and "Problem" not in report.value


def test_unknown_source_is_refused_and_analysis_problems_become_sentences(monkeypatch):
    with pytest.raises(DataError, match="no recording called 'week'"):
        hrv_lab.HRVLab("week")
    lab = hrv_lab.HRVLab("5min")

    def broken(*args, **kwargs):
        raise DataError("Something in the series cannot be analysed.", hint="Check the file.")

    monkeypatch.setattr(hrv_lab, "analyse", broken)
    lab.update(correct=True)
    assert lab.problem == "Something in the series cannot be analysed. Check the file."
    assert "Problem with the file:" in lab.message_html()
    plt.close(lab.fig)
