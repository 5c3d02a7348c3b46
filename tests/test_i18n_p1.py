"""Messages of the p1 modules come out in bokmål under ``i18n.using("nb")`` and in English otherwise."""

import pytest

from course import data, feedback, i18n, norms, plotting, progress, protocol, rr_import, verdicts
from course.errors import CheckFailed, DataError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _message(func, *args, **kwargs):
    with pytest.raises((CheckFailed, DataError)) as info:
        func(*args, **kwargs)
    return info.value


def test_feedback_check_value_in_both_languages_with_a_decimal_comma():
    def half(x):
        return x / 2

    english = _message(feedback.check_value, half, [3], 2.5)
    assert english.message == "`half(3)` gave 1.5, but the expected value is 2.5."
    assert english._render_traceback_()[0].startswith("Not yet: ")
    with i18n.using("nb"):
        bokmal = _message(feedback.check_value, half, [3], 2.5)
        heading = bokmal._render_traceback_()[0]
    assert bokmal.message == "`half(3)` ga 1,5, men forventet verdi er 2,5."
    assert heading.startswith("Ikke ennå: ")


def test_feedback_stub_hint_and_error_heading_in_bokmal():
    with i18n.using("nb"):
        exc = _message(feedback.answer, "svar", {})
        lines = exc._render_traceback_()
    assert lines[0] == "Ikke besvart ennå: Det finnes ingen `svar` ennå."
    assert lines[1].startswith("Tips: Kjør svarcellen ovenfor")
    assert "`feedback.not_answered()`" in lines[1]
    english = _message(feedback.answer, "answer", {})
    assert str(english).splitlines()[1].startswith("Hint: Run the answer cell above")


def test_data_error_in_both_languages(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("nn_ms\n" + "800\n" * 3, encoding="utf-8")
    assert "holds only 3 interval(s); at least 10 are needed" in _message(data.read_nn_csv, path).message
    with i18n.using("nb"):
        exc = _message(data.read_nn_csv, path)
    assert exc.message == "Filen 'short.csv' har bare 3 intervall(er); det trengs minst 10."
    assert exc.hint.startswith("Bruk et lengre opptak")


def test_rr_import_notes_write_percentages_the_norwegian_way():
    raw = b"RR\n" + b"\n".join(b"0.8" for _ in range(400))
    english = rr_import.read_rr_export(raw, "watch.csv")
    assert english.notes[0].startswith("Read the intervals from the column 'RR'")
    assert english.correction_note("delete").startswith("0 of 400 intervals (0.0 %) were deleted")
    with i18n.using("nb"):
        bokmal = rr_import.read_rr_export(raw, "watch.csv")
        note = bokmal.correction_note("delete")
    assert bokmal.notes[0] == "Leste intervallene fra kolonnen 'RR' (navnet)."
    assert note.startswith("0 av 400 intervaller (0,0 %) ble slettet")
    assert "høyst 5 % flagget" in note


def test_verdict_feedback_in_bokmal():
    key = verdicts.VerdictKey(name="t", columns=("id", "text"), rows=(("a", "x"), ("b", "y")),
                              verdicts={"yes": "", "no": ""},
                              answer_hashes=verdicts.VerdictKey.hashes_for("t", {"a": "yes", "b": "no"}))
    with i18n.using("nb"):
        exc = _message(key.require_all_correct, {"a": "yes", "b": "yes"})
        wrong_word = _message(key.check_format, {"a": "maybe", "b": "yes"})
    assert exc.message == "1 av 2 vurderinger stemmer med fasiten."
    assert wrong_word.message.startswith("Bruk ett av de to vurderingsordene")
    assert "'yes'; 'no'" in wrong_word.hint  # the answer words stay English
    assert _message(key.require_all_correct, {"a": "yes", "b": "yes"}).message == "1 of 2 verdicts match the answer key."


def test_protocol_warning_summary_and_handout_in_bokmal():
    plan = dict(protocol.EXAMPLE_PLAN, group_size=16, session_minutes=90)
    with i18n.using("nb"):
        warnings = protocol.check_protocol(plan)
        summary = protocol.summarise(warnings)
        page = protocol.plan_to_html(plan)
    assert summary == "1 problem, 1 forsiktighetsmerknad og 1 merknad."
    assert warnings[0].message == "En gruppe på 16 er større enn studiens grupper på 10-14."
    assert '<html lang="nb">' in page and "Kontakttid: 12 timer i gruppe." in page
    assert "Autopilot og tilbakefall" in page
    english = protocol.check_protocol(plan)
    assert protocol.summarise(english) == "1 problem, 1 caution and 1 note."
    assert '<html lang="en">' in protocol.plan_to_html(plan)


def test_plotting_alt_text_and_norms_table_in_bokmal():
    nn = [800.0, 810.0, 790.5, 805.0]
    with i18n.using("nb"):
        alt = plotting.describe_tachogram(nn)
        table = norms.compare_with_norms({"sdnn_ms": 20.0})
    assert alt.startswith("Linjediagram over 4 NN-intervaller")
    assert table.loc[0, "where"] == "under det publiserte området"
    assert norms.compare_with_norms({"sdnn_ms": 20.0}).loc[0, "where"] == norms.BELOW
    assert plotting.describe_tachogram(nn).startswith("Line chart of 4 NN intervals")


def test_progress_report_in_bokmal(tmp_path):
    report = progress.SaveReport(notebooks=2, answers=1234)
    with i18n.using("nb"):
        line = report.lines()[0]
        restored = progress.NotebookRestore("a.ipynb", restored=["x"]).lines()[0]
    assert line == "Lagret 1234 svar fra 2 notatbøker."
    assert restored == "a.ipynb: gjenopprettet 1 svar (x)."
    assert report.lines()[0] == "Saved 1234 answers from 2 notebooks."
