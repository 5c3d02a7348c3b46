"""Reading real RR exports (course.rr_import): the fixture corpus, then each decision on its own.

The corpus lives in tests/fixtures/rr_exports/ (rebuild it with make_corpus.py there). Every file is
either accepted, with the notes the HRV lab shows, or refused with one sentence, through the same
function the lab calls. The speed of refusing an over-size file is measured in
benchmarks/rr_import_speed.py, not here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from course import data, rr_import
from course.errors import DataError
from course.i18n import using

FIXTURES = Path(__file__).parent / "fixtures" / "rr_exports"
_spec = importlib.util.spec_from_file_location("make_corpus", FIXTURES / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)


@pytest.fixture(scope="module")
def base():
    return make_corpus.base_series()


def read(name, **options):
    return rr_import.read_rr_export((FIXTURES / name).read_bytes(), name, **options)


# --- the corpus: accepted files ----------------------------------------------------------

ACCEPTED = [  # file, column chosen, units read, note that must be shown
    ("polar_rr.txt", "RR", "ms", "Read the intervals from the column 'RR' (its name)."),
    ("app_rr_ms.csv", "rr_ms", "ms", "Read the intervals from the column 'rr_ms' (its name)."),
    ("strap_rr_parenthesis.csv", "RR (ms)", "ms", "Read the intervals from the column 'RR (ms)' (its name)."),
    ("sensor_logger_semicolon.txt", "RR-interval [ms]", "ms", "from the column 'RR-interval [ms]' (its name)"),
    ("app_with_preamble.csv", "RR (ms)", "ms", "Skipped 4 line(s) of text (such as the device's name or the date) "
                                               "above the header on line 5."),
    ("phone_bare_list.txt", "column 1", "ms", "The file has no header line; its numbers were read as RR intervals."),
    ("watch_seconds.csv", "rr_s", "s", "Read as seconds and converted to milliseconds (× 1000)"),
    ("excel_semicolon_decimal_comma.csv", "RR-intervall (s)", "s", "Read as seconds and converted to milliseconds"),
    ("bare_seconds_decimal_comma.txt", "column 1", "s", "Read as seconds and converted to milliseconds"),
    ("bom_crlf.csv", "RR (ms)", "ms", "Read the intervals from the column 'RR (ms)' (its name)."),
    ("latin1_norwegian.csv", "RR (ms)", "ms", "it was read as Latin-1"),
    ("excel_unicode_text.txt", "RR (ms)", "ms", "The file is UTF-16 text (Excel's \"Unicode Text\")"),
]


@pytest.mark.parametrize("name, column, units, note", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_real_exports_are_read_with_their_notes(name, column, units, note, base):
    result = read(name)
    assert result.column == column and result.units == units and result.units_detected
    assert any(note in n for n in result.notes), result.notes
    np.testing.assert_allclose(result.rr_ms, base, atol=0.5)  # the same intervals, in ms, whatever the format
    assert not result.ambiguous and result.usable and not result.medical_flag
    assert result.n_flagged == 2 and result.duration_s == pytest.approx(base.sum() / 1000, abs=0.5)


def test_latin1_file_keeps_the_norwegian_letters_and_skips_the_counter_column():
    result = read("latin1_norwegian.csv")
    assert result.notes[0] == "The file is not UTF-8 text; it was read as Latin-1 (Western European)."
    assert result.lines[0] == 2  # the header is line 1


def test_missed_and_premature_beats_are_flagged_not_refused():
    result = read("ectopic_and_missed.csv")
    assert result.rr_ms.size == 395 and result.rr_ms.max() == 3000
    i = int(np.argmax(result.rr_ms))
    assert result.flagged[i] and result.kinds[i] == "long" and result.lines[i] == 122
    assert result.kinds.count("premature") == 2 and result.kinds.count("pause") == 2
    assert result.n_flagged == 7 and result.usable and not result.medical_flag
    assert any("line 122: 3000 ms" in n and "flagged, not refused" in n for n in result.notes)
    assert any("still usable" in n for n in result.notes)
    fixed = rr_import.corrected(result, "interpolate")
    assert fixed.size == 395 and fixed.max() < 1500 and np.array_equal(fixed[~result.flagged],
                                                                      result.rr_ms[~result.flagged])
    assert rr_import.corrected(result, "delete").size == 395 - 7
    assert np.array_equal(rr_import.corrected(result, "none"), result.rr_ms)
    assert result.correction_note("interpolate") == ("7 of 395 intervals (1.8 %) were corrected by interpolation: "
                                                     "at most 5 % flagged, so by the course's own rule (not a "
                                                     "published standard) the recording is still usable.")


def test_frequent_ectopic_beats_are_a_medical_matter_and_make_the_recording_unusable():
    result = read("frequent_ectopics.csv")
    assert result.n_premature >= rr_import.ECTOPIC_MEDICAL_COUNT and result.medical_flag
    assert not result.usable and result.flagged_pct > rr_import.USABLE_FLAGGED_PCT
    assert any("do not interpret HRV from this recording" in n for n in result.notes)
    assert result.notes[-1].endswith(rr_import.MEDICAL_NOTE)
    assert "palpitations, fainting or chest pain" in rr_import.MEDICAL_NOTE
    assert "not clinical advice" in rr_import.MEDICAL_NOTE
    assert "do not interpret" in result.correction_note("interpolate")


def test_one_premature_beat_in_a_short_recording_is_counted_in_the_singular():
    rr = [800 + (i % 3) * 5 for i in range(90)]  # 72 s, so one premature beat is more than 1 % of the intervals
    rr[30], rr[31] = 500, 1100  # early beat, then the compensatory pause
    result = rr_import.read_rr_export(("rr_ms\n" + "\n".join(map(str, rr))).encode(), "short.csv")
    assert result.n_premature == 1 and result.medical_flag
    assert result.notes[-1].startswith("1 beat looks premature (ectopic). ")
    with using("nb"):
        again = rr_import.read_rr_export(("rr_ms\n" + "\n".join(map(str, rr))).encode(), "short.csv")
    assert again.notes[-1].startswith("1 slag ser ut som ekstraslag (ektopisk). ")


def test_two_interval_columns_offer_the_choice():
    result = read("two_rr_columns.csv")
    assert result.ambiguous and result.choices == ["ecg_rr", "strap_rr"] and result.column == "ecg_rr"
    assert "Choose another in the Column menu" in result.notes[0]
    other = read("two_rr_columns.csv", column="strap_rr")
    assert other.column == "strap_rr" and other.ambiguous and not np.array_equal(other.rr_ms, result.rr_ms)
    assert other.notes[0] == "Read the intervals from the column 'strap_rr', as you chose."


def test_under_five_minutes_is_read_with_a_note_tied_to_lesson_1():
    result = read("four_minutes.csv")
    assert 60 < result.duration_s < 290
    assert any("less than the 5 minutes" in n and "lesson 1" in n for n in result.notes)
    assert not any("lesson 1" in n for n in read("polar_rr.txt").notes)


def test_units_can_be_overridden_and_the_override_is_said():
    as_ms = read("polar_rr.txt", units="ms")
    assert not as_ms.units_detected and as_ms.notes[1] == "Read as milliseconds, as you chose."
    seconds = read("watch_seconds.csv", units="s")
    assert seconds.notes[1] == "Read as seconds, as you chose (converted to milliseconds, × 1000)."
    with pytest.raises(DataError, match=r"Read as milliseconds, the values in 'rr_s' .* median of 0.75 ms"):
        read("watch_seconds.csv", units="ms")
    with pytest.raises(DataError, match="median of 750000 ms"):
        read("polar_rr.txt", units="s")
    with pytest.raises(DataError, match="not an option"):
        read("polar_rr.txt", units="minutes")


# --- the corpus: refused files, one sentence each ----------------------------------------

REFUSED = [
    ("empty.csv", "The file 'empty.csv' is empty."),
    ("only_blank_lines.csv", "The file 'only_blank_lines.csv' is empty."),
    ("utf16_empty.txt", "The file 'utf16_empty.txt' is empty."),
    ("workbook.xlsx", "The file 'workbook.xlsx' is not a text file; it may be an Excel workbook"),
    ("heart_rate_bpm.csv", "The column 'HR (bpm)' of 'heart_rate_bpm.csv' (median 81) looks like heart rates in "
                           "beats per minute, not intervals between beats."),
    ("heart_rate_unnamed.txt", "(median 80) look like heart rates in beats per minute, not intervals between beats."),
    ("nan_inf.csv", "has 2 missing or infinite value(s) (NaN or inf), at line(s) 102, 203"),
    ("negative_differences.csv", "an interval between two heartbeats is always positive, so this is not an RR series"),
    ("ultra_short.csv", "lasts only 39 s; the lab needs at least 60 s"),
    ("text_in_column.csv", "has 1 value(s) that are not numbers: line 42: '812 ms'."),
]


@pytest.mark.parametrize("name, sentence", REFUSED, ids=[r[0] for r in REFUSED])
def test_files_that_are_not_rr_series_are_refused_with_one_sentence(name, sentence):
    with pytest.raises(DataError) as caught:
        read(name)
    assert sentence in caught.value.message
    assert caught.value.message.count(". ") <= 1 and caught.value.message.endswith(".")
    result, problem = rr_import.try_read_rr_export((FIXTURES / name).read_bytes(), name)
    assert result is None and sentence in problem and "Traceback" not in problem


def test_over_two_hundred_thousand_intervals_are_refused_before_parsing(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(rr_import, "_parse", no_parsing)
    with pytest.raises(DataError, match=r"too large for the lab: it holds about 200,002 lines"):
        rr_import.read_rr_export(make_corpus.huge_export(), "holter.csv")


def test_just_under_the_limit_is_still_read():
    result = rr_import.read_rr_export(make_corpus.huge_export(rr_import.MAX_INTERVALS), "two-days.csv")
    assert result.rr_ms.size == rr_import.MAX_INTERVALS


def test_every_stored_file_is_what_make_corpus_writes():
    for name, content in make_corpus.corpus().items():
        assert (FIXTURES / name).read_bytes() == content, f"{name} is out of date: run make_corpus.py"


# --- smaller decisions ---------------------------------------------------------------------


def test_strictly_increasing_columns_are_taken_for_clocks_not_intervals():
    rows = "\n".join(f"{i * 0.8:.1f},{800 + (i % 7) * 5}" for i in range(120))
    result = rr_import.read_rr_export(f"t,value\n{rows}\n".encode(), "two.csv")
    assert result.column == "value" and not result.ambiguous


def test_only_clock_columns_are_refused():
    rows = "\n".join(f"{i},{i * 800}" for i in range(120))
    with pytest.raises(DataError, match="only clock times or counters"):
        rr_import.read_rr_export(f"beat,time_ms\n{rows}\n".encode(), "clock.csv")


def test_a_named_column_that_is_missing_lists_the_columns():
    with pytest.raises(DataError, match=r"no column called 'nn'. Columns found: 'RR'"):
        read("polar_rr.txt", column="nn")


def test_ragged_lines_are_a_sentence_with_the_line():
    content = b"time,RR\n" + b"".join(f"{i},{800 + i % 3}\n".encode() for i in range(100)) + b"5,800,12\n"
    with pytest.raises(DataError, match=r"near line 102: the lines do not all have the same number of columns"):
        rr_import.read_rr_export(content, "ragged.csv")


def test_values_in_neither_unit_are_refused():
    with pytest.raises(DataError, match="neither milliseconds .* nor seconds"):
        rr_import.read_rr_export(b"RR\n" + b"\n".join(b"8000" for _ in range(100)), "x.csv")


def test_mostly_implausible_values_are_refused():
    values = [3000] * 30 + [200] * 30 + [800] * 40
    with pytest.raises(DataError, match="More than half of the intervals"):
        rr_import.read_rr_export(("RR\n" + "\n".join(map(str, values))).encode(), "x.csv")


def test_blank_cells_inside_the_column_are_refused_with_their_lines():
    content = b"RR\n" + b"800\n" * 50 + b"\n" + b"810\n" * 50
    with pytest.raises(DataError, match=r"1 blank cell\(s\), at line\(s\) 52"):
        rr_import.read_rr_export(content, "gap.csv")


def test_the_shipped_recording_reads_the_same_as_the_loader():
    content = (datasets := Path(data.datasets_dir())) / "nsrdb_nn_5min.csv"
    result = rr_import.read_rr_export(content.read_bytes(), content.name)
    assert result.column == "nn_ms" and datasets.exists()
    np.testing.assert_array_equal(result.rr_ms, data.load_nsrdb_nn("5min"))


def test_classify_names_the_pattern_of_each_flagged_beat():
    rr = np.full(40, 800.0)
    rr[10], rr[11] = 520.0, 1080.0  # premature, then the compensatory pause
    rr[25] = 1600.0  # missed beat
    rr[33] = 420.0  # extra beat (a short interval with no pause after it)
    flagged = np.zeros(40, dtype=bool)
    flagged[[10, 11, 25, 33]] = True
    kinds = rr_import.classify(rr, flagged)
    assert [kinds[i] for i in (10, 11, 25, 33)] == ["premature", "pause", "long", "short"]
    assert kinds.count("") == 36


def test_a_clean_recording_says_nothing_is_flagged_and_makes_no_usability_claim():
    values = 800 + 20 * np.sin(np.arange(400) / 3)
    result = rr_import.read_rr_export(("RR\n" + "\n".join(f"{v:.0f}" for v in values)).encode(), "calm.csv")
    assert result.n_flagged == 0 and result.usable and not result.medical_flag
    assert result.notes[-1] == "No interval is flagged by lesson 3's 20 % rule; still look at the trace."
    assert not any("usable" in n for n in result.notes)


def test_all_the_intervals_on_one_line_are_read_as_a_list(base):
    for sep in (", ", ";", "\t", " "):
        content = sep.join(f"{v:.0f}" for v in base).encode()
        result = rr_import.read_rr_export(content, "one-line.txt")
        np.testing.assert_array_equal(result.rr_ms, base)
        assert result.notes[0].startswith("The file holds all its numbers on one line")
    seconds = ";".join(f"{v / 1000:.3f}".replace(".", ",") for v in base).encode()
    assert rr_import.read_rr_export(seconds, "one-line.txt").units == "s"


def test_repeated_column_names_are_told_apart():
    content = b"RR,RR\n" + b"\n".join(f"{800 + i % 5},{810 + i % 3}".encode() for i in range(100))
    result = rr_import.read_rr_export(content, "twice.csv")
    assert result.choices == ["RR", "RR (2)"] and result.column == "RR"
    assert rr_import.read_rr_export(content, "twice.csv", column="RR (2)").rr_ms[0] == 810


@pytest.mark.parametrize("content", [b"\xff\xfe\xff\xfe", b"\n\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf\n\n",
                                     b"RR,RR,x\n", b"\xef\xbb\xbf\xef\xbb\xbf\n" + b", ".join([b"812"] * 30)])
def test_odd_small_files_get_a_sentence_or_are_read(content):
    result, problem = rr_import.try_read_rr_export(content, "odd.csv")
    assert (result is None) != (problem is None)
    assert problem is None or "could not be read (" not in problem  # never the catch-all for a crash
