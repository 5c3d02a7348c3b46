"""The MBRP protocol designer demo: in-place updates, labels, headless path, controls and export."""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import protocol
from course.widgets import protocol_designer as demo_module


def test_session_months_are_weekly():
    np.testing.assert_allclose(demo_module.session_months(3), [0, 7 / 30.4375, 14 / 30.4375])


def test_update_moves_artists_and_keeps_the_figure():
    plot = demo_module.ProtocolPlot()
    fig, line, verdict = plot.fig, plot.sessions_line, plot.verdict
    assert len(line.get_xdata()) == 8
    assert verdict.get_text() == "0 problems, 0 cautions and 1 note."
    plot.update(sessions=6, assessments=["baseline", "post"])
    assert plot.fig is fig and plot.sessions_line is line and plot.verdict is verdict
    assert len(line.get_xdata()) == 6
    assert not plot.points["12m"].get_visible() and plot.points["baseline"].get_visible()
    assert plot.points["post"].get_xdata()[0] == pytest.approx(42 / 30.4375)
    assert verdict.get_text() == "2 problems, 0 cautions and 1 note."
    assert "12 contact hours" in plot.ax.get_title()
    plt.close(fig)


def test_summary_alt_text_and_escaped_warnings():
    plot = demo_module.ProtocolPlot(protocol.EXAMPLE_PLAN)
    plot.update(session_minutes=90)
    text = plot.summary()
    assert text.startswith("Plan: 8 weekly sessions of 90 min (12 contact hours)")
    assert text.endswith("Check: 0 problems, 1 caution and 1 note.")
    alt = plot.render().alt
    assert alt.startswith("Timeline") and alt.endswith(text)
    report = plot.warnings_html()
    assert "shorter than the trial protocol" in report and "&#x27;s" in report  # apostrophes escaped
    plt.close(plot.fig)


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.protocol_designer_demo() is None
    assert "Plan: 8 weekly sessions of 120 min (16 contact hours)" in capsys.readouterr().out


def test_interactive_demo_has_labelled_controls_that_redraw_and_export(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.protocol_designer_demo(folder=tmp_path)
    controls = box.controls
    sliders = [controls[f] for f in demo_module.SLIDERS]
    for s in sliders:
        assert s.description and s.continuous_update is False
    boxes = [c for k, c in controls.items() if ":" in k]
    assert len(boxes) == 5 + 5 + 6 and all(b.description for b in boxes)
    assert set(controls) == {*demo_module.SLIDERS, *(k for k in controls if ":" in k), "name", "notes", "deviations"}
    assert box.export.description == "Export handout"

    caption, report = box.caption, box.report
    kids = list(box.children)
    assert kids.index(controls["notes"]) < kids.index(caption) < kids.index(box.figure) < kids.index(report) \
        < kids.index(box.status)
    controls["session_minutes"].value = 90
    assert "90 min (12 contact hours)" in caption.value and "shorter than the trial protocol" in report.value
    controls["screening:trauma_screening_and_referral"].value = False
    assert "trauma_screening_and_referral" not in box.plot.plan["screening"]
    assert "No trauma screening" in report.value
    controls["assessments:12m"].value = False
    assert "Follow-up stops before 12 months" in report.value and "assessment points at baseline, post, 3m, 6m" \
        in box.plot.render().alt
    controls["deviations"].value = ("session-length: our rooms are booked for ninety minutes only\n"
                                    "nonsense line <i>")
    assert box.plot.plan["deviations"] == {"session-length": "our rooms are booked for ninety minutes only"}
    assert "Recorded reason: our rooms are booked" in report.value
    assert "Not understood" in report.value and "nonsense line &lt;i&gt;" in report.value
    controls["notes"].value = "<b>bold?</b>"
    controls["name"].value = "Tuesday group"
    assert box.plot.plan["notes"] == "<b>bold?</b>" and box.plot.plan["name"] == "Tuesday group"

    box.export.click()
    box.export.click()
    written = sorted(p.name for p in tmp_path.iterdir())
    assert len(written) == 6 and sum(name.endswith(".html") for name in written) == 2
    assert "Saved" in box.status.value and str(tmp_path.resolve()) in box.status.value
    page = next(p for p in tmp_path.iterdir() if p.suffix == ".html").read_text(encoding="utf-8")
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page and "90" in page
