"""Demo: the claim checker for the exposure-therapy article (module 02, lesson 01).

Choose one of the article's claims from a labelled dropdown; the demo shows
the checkable version, the best evidence with citation keys, the strength of
each piece of evidence and the verdict, and a bar chart of the numbers
behind the claim where there are any. The content lives in
:mod:`course.claims`; this module only displays it. One figure is created
once and its bars are updated in place.
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt

from .. import claims, plotting
from ..i18n import format_number, tr

#: The claim shown first.
DEFAULT_CLAIM = "dropout_half"
MAX_BARS = max(len(c.numbers) for c in claims.CLAIMS)


class ClaimPlot:
    """A horizontal bar chart of one claim's numbers (the article's figure in a different colour)."""

    def __init__(self, claim_id: str = DEFAULT_CLAIM):
        claims.by_id(claim_id)  # explain an unknown id before any figure exists
        self.fig, self.ax = plt.subplots(figsize=(7.5, 3.4))
        positions = list(range(MAX_BARS))
        self.bars = self.ax.barh(positions, [0.0] * MAX_BARS, color=plotting.PALETTE["blue"])
        self.values = [self.ax.text(0, y, "", va="center", ha="left", fontsize=9) for y in positions]
        self.ax.set_yticks(positions, [""] * MAX_BARS)
        self.ax.invert_yaxis()
        self.message = self.ax.text(0.5, 0.5, "", transform=self.ax.transAxes, ha="center", va="center",
                                    wrap=True, fontsize=10)
        self.title = self.fig.suptitle("", fontsize=10)
        self.fig.subplots_adjust(left=0.42, right=0.95, top=0.88, bottom=0.17)
        self.claim = None
        self.update(claim_id)

    def update(self, claim_id: str) -> None:
        """Show ``claim_id``: move the bars, labels and title; no new figure."""
        self.claim = claims.by_id(claim_id)
        numbers = self.claim.numbers
        top = max([v for _, v, _ in numbers] + [1e-9])
        labels = []
        for i, bar in enumerate(self.bars):
            if i < len(numbers):
                label, value, from_article = numbers[i]
                bar.set_width(value)
                bar.set_facecolor(plotting.PALETTE["vermillion"] if from_article else plotting.PALETTE["blue"])
                bar.set_edgecolor(plotting.PALETTE["black"] if from_article else plotting.PALETTE["blue"])
                bar.set_hatch("//" if from_article else "")
                bar.set_visible(True)
                self.values[i].set_position((value + top * 0.01, i))
                self.values[i].set_text(format_number(value, "g"))
                labels.append(label)
            else:
                bar.set_visible(False)
                self.values[i].set_text("")
                labels.append("")
        self.ax.set_yticks(range(MAX_BARS), labels, fontsize=8.5)
        self.ax.set_xlim(0, top * 1.15)
        self.ax.set_ylim(max(len(numbers), 1) - 0.5, -0.5)
        self.ax.set_xlabel(self.claim.unit if numbers else "")
        if numbers:
            self.ax.set_axis_on()
        else:
            self.ax.set_axis_off()
        self.message.set_text("" if numbers else tr("No numbers to plot for this claim.\n"
                                                    "Read the evidence and verdict in the text."))
        self.title.set_text(tr("Claim: {short}  |  verdict: {verdict}", short=self.claim.short,
                               verdict=self.claim.verdict))

    def summary(self) -> str:
        """One or two sentences: the claim, its verdict and its numbers."""
        c = self.claim
        text = tr("Claim '{short}': verdict {verdict}.", short=c.short, verdict=c.verdict.upper())
        if c.numbers:
            shown = "; ".join(f"{label} {format_number(value, 'g')}" for label, value, _ in c.numbers)
            text += tr(" Numbers shown ({unit}): {numbers}.", unit=c.unit, numbers=shown)
        return text

    def alt_text(self) -> str:
        """Alt text written from the claim's numbers."""
        article = any(from_article for *_, from_article in self.claim.numbers)
        if not self.claim.numbers:
            alt = tr("Empty chart for the article's claim")
        elif article:
            alt = tr("Horizontal bar chart for the article's claim, the article's own figure hatched")
        else:
            alt = tr("Horizontal bar chart for the article's claim")
        return alt + ". " + self.summary()

    def render(self) -> plotting.AltFigure:
        """The current figure with alt text written from the numbers."""
        return plotting.render(self.fig, self.alt_text(), close=False)


def card_html(claim: claims.Claim) -> str:
    """The claim card as HTML: checkable version, evidence with keys and strength, verdict."""
    strength = html.escape(tr("Strength:"))
    items = "".join(
        f"<li>{html.escape(e.finding)}"
        + (f" <code>[{html.escape('; '.join(e.keys))}]</code>" if e.keys else "")
        + f"<br><em>{strength}</em> {html.escape(e.strength())}</li>"
        for e in claim.evidence)
    says, checkable = html.escape(tr("The article says (paraphrased):")), html.escape(tr("Checkable version:"))
    best, verdict = html.escape(tr("Best evidence:")), html.escape(tr("Verdict: {verdict}.", verdict=claim.verdict))
    return (f"<p><strong>{says}</strong> {html.escape(claim.article_says)}</p>"
            f"<p><strong>{checkable}</strong> {html.escape(claim.checkable)}</p>"
            f"<p><strong>{best}</strong></p><ul>{items}</ul>"
            f"<p><strong>{verdict}</strong> {html.escape(claim.why)}</p>")


def claim_checker_demo(claim_id: str = DEFAULT_CLAIM):
    """A dropdown of the article's claims; shows evidence, strength, verdict and a chart for the chosen one.

    Parameters
    ----------
    claim_id : str
        The claim shown first (an id from :data:`course.claims.CLAIMS`).

    Returns
    -------
    ipywidgets.VBox or None
        The dropdown, card and figure, or ``None`` when :func:`course.widgets.headless`
        (then the default claim is drawn once and summarised in one line).

    References
    ----------
    The evidence behind each claim is cited by key in :mod:`course.claims`.
    """
    from . import controls_demo, draw_once, headless

    plot = ClaimPlot(claim_id)
    if headless():
        return draw_once(plot)

    import ipywidgets as widgets

    dropdown = widgets.Dropdown(options=[(c.short, c.claim_id) for c in claims.CLAIMS], value=claim_id,
                                description=tr("The article's claim"), style={"description_width": "initial"},

                                layout=widgets.Layout(width="520px"))
    return controls_demo(plot, {"claim_id": dropdown}, caption=lambda p: card_html(p.claim))
