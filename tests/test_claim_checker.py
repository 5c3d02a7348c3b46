"""The claim-checker demo: in-place updates, labelled dropdown, headless and interactive paths."""

from __future__ import annotations


import matplotlib.pyplot as plt
import pytest

from course import claims
from course.widgets import claim_checker as demo_module


def test_update_moves_bars_and_keeps_the_figure():
    plot = demo_module.ClaimPlot("dropout_half")
    fig, bars = plot.fig, list(plot.bars)
    assert [b.get_width() for b in bars[:2]] == [50.0, 16.0]
    assert sum(b.get_visible() for b in bars) == 7
    plot.update("low_effect")
    assert plot.fig is fig and list(plot.bars) == bars
    assert [b.get_width() for b in bars if b.get_visible()] == [1.08, 0.68, 0.77, 0.41]
    assert "verdict: contradicted" in plot.title.get_text()
    plot.update("relapse_common")  # one number since issue 15 (Levy 2021: 14% relapsed)
    assert [b.get_width() for b in bars if b.get_visible()] == [14.0, 86.0]
    assert "No numbers" not in plot.message.get_text()
    plot.update("insight_alternative")
    assert not any(b.get_visible() for b in bars)
    assert "No numbers" in plot.message.get_text()
    plt.close(fig)


def test_summary_and_alt_text_give_the_numbers():
    plot = demo_module.ClaimPlot("causes_harm")
    text = plot.summary()
    assert "NOT SUPPORTED BY THE CITED SOURCE" in text
    assert "Treated patients (Rozental) 5.8; Control patients (Rozental) 17.4" in text
    assert plot.render().alt.endswith(text)
    plt.close(plot.fig)


def test_card_html_escapes_and_lists_every_key():
    claim = claims.by_id("dropout_half")
    card = demo_module.card_html(claim)
    for key in claim.keys():
        assert key in card
    assert "Strength:" in card and "Verdict: partly supported" in card
    assert "'up to 50%'" not in card  # quotes are escaped for HTML


def test_headless_draws_once_without_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    assert demo_module.claim_checker_demo() is None
    assert "Claim 'Up to half of patients drop out': verdict PARTLY SUPPORTED" in capsys.readouterr().out


def test_interactive_demo_has_a_labelled_dropdown_that_redraws(monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = demo_module.claim_checker_demo()
    dropdown, card, _ = box.children
    assert dropdown.description == "The article's claim"
    assert len(dropdown.options) == len(claims.CLAIMS)
    assert "Verdict: partly supported" in card.value
    dropdown.value = "low_effect"
    assert "powers2010" in card.value and "Verdict: contradicted" in card.value


def test_unknown_claim_is_explained():
    with pytest.raises(KeyError, match="ids are"):
        demo_module.ClaimPlot("no_such_claim")
    plt.close("all")
