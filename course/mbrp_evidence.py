"""What the evidence on mindfulness-based relapse prevention says, and how sure it is.

Used in module 03, lesson 02 ("What the evidence says, graded by certainty").
Three parts:

* :data:`SEED_002_CLAIMS`, a hashed claim-verdict exercise on the seed
  article about mindfulness in addiction treatment. For each claim the course
  records a paraphrase of what the article says and what a check of the
  sources found (from the course's evidence file, section E, seed 002).
  Learners choose a verdict; the answer key is stored only as hashes, like
  :mod:`course.evidence_check` (a determined learner could still try every
  option: fine for self-study, not for exams).
* :func:`effect_estimates` and :func:`forest_plot`: the main published effect
  estimates with their 95 % confidence intervals, one row per outcome, on two
  separate scales (standardised mean differences and odds ratios). Nothing is
  pooled across rows: they are different outcomes, comparisons and studies.
* :func:`relative_risk`, :func:`risk_difference` and
  :func:`number_needed_to_treat` for two proportions, such as the share of
  people no longer misusing opioids in a trial's two arms.

References
----------
.. [1] Bowen S, Witkiewitz K, Clifasefi SL, et al. (2014). Relative efficacy of
   mindfulness-based relapse prevention, standard relapse prevention, and
   treatment as usual for substance use disorders: a randomized clinical
   trial. *JAMA Psychiatry* 71(5):547-556. doi:10.1001/jamapsychiatry.2013.4546
.. [2] Grant S, Colaiaco B, Motala A, et al. (2017). Mindfulness-based relapse
   prevention for substance use disorders: a systematic review and
   meta-analysis. *J Addict Med* 11(5):386-396.
.. [3] Goldberg SB, Pace B, Griskaitis M, et al. (2021). Mindfulness-based
   interventions for substance use disorders. *Cochrane Database Syst Rev*
   10:CD011723. doi:10.1002/14651858.CD011723.pub2
.. [4] Li W, Howard MO, Garland EL, McGovern P, Lazar M (2017). Mindfulness
   treatment for substance misuse: a systematic review and meta-analysis.
   *J Subst Abuse Treat* 75:62-96.
.. [5] Garland EL, Hanley AW, Nakamura Y, et al. (2022). Mindfulness-Oriented
   Recovery Enhancement vs supportive group therapy for co-occurring opioid
   misuse and chronic pain in primary care. *JAMA Intern Med* 182(4):407-417.
   doi:10.1001/jamainternmed.2022.0033
.. [6] Balshem H, Helfand M, Schünemann HJ, et al. (2011). GRADE guidelines:
   3. Rating the quality of evidence. *J Clin Epidemiol* 64(4):401-406.
   doi:10.1016/j.jclinepi.2010.07.015
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import CheckFailed, DataError

#: The five verdicts a learner can give a claim, with what each means.
CLAIM_VERDICTS = {
    "accurate": "the statement matches what the cited or relevant sources report",
    "partly accurate": "part of the statement matches the sources and part does not "
                       "(for example the right finding at the wrong time point, or one wrong number)",
    "overstated": "the sources report something weaker or more uncertain than the statement says",
    "wrong details": "the cited paper exists, but the citation gets its journal wrong, "
                     "or mixes up what its numbers measured",
    "not found": "no paper matching the citation could be found",
}


@dataclass(frozen=True)
class ClaimSet:
    """One article's claims: ``(claim_id, the_article_says, what_the_check_found)`` rows and hashed verdicts."""

    name: str
    rows: tuple
    answer_hashes: dict

    def _digest(self, claim_id: str, verdict: str) -> str:
        return hashlib.sha256(f"{self.name}|{claim_id}|{verdict.strip().lower()}".encode()).hexdigest()[:8]

    def table(self) -> pd.DataFrame:
        """The claims as a table: id, what the article says (paraphrased), what a check found."""
        return pd.DataFrame(list(self.rows), columns=["claim_id", "the_article_says", "what_the_check_found"])

    def check_format(self, verdicts) -> None:
        """Explain, without revealing answers, whether ``verdicts`` is complete and uses the allowed words."""
        if not isinstance(verdicts, dict):
            raise CheckFailed("`verdicts` should be a dictionary like {\"claim_id\": \"accurate\", ...}.")
        missing = [claim for claim, *_ in self.rows if claim not in verdicts]
        if missing:
            raise CheckFailed(f"Give a verdict for every claim; missing: {', '.join(missing)}.")
        extra = [key for key in verdicts if key not in self.answer_hashes]
        if extra:
            raise CheckFailed(f"These keys are not claims in the list: {', '.join(map(str, extra))}.")
        wrong = {k: v for k, v in verdicts.items()
                 if not isinstance(v, str) or v.strip().lower() not in CLAIM_VERDICTS}
        if wrong:
            raise CheckFailed(f"Use one of the five verdicts exactly as written; not: {wrong}.",
                              hint="The options are: " + "; ".join(f"'{v}'" for v in CLAIM_VERDICTS))

    def number_correct(self, verdicts: dict) -> int:
        """How many verdicts match the answer key (after :meth:`check_format`)."""
        self.check_format(verdicts)
        return sum(self._digest(claim, v) == self.answer_hashes[claim] for claim, v in verdicts.items())

    def require_all_correct(self, verdicts: dict) -> None:
        """Pass only when every verdict matches the check; otherwise say how many do."""
        right = self.number_correct(verdicts)
        if right < len(self.answer_hashes):
            raise CheckFailed(f"{right} of {len(self.answer_hashes)} verdicts match what the check found.",
                              hint="Reread what the check found for each claim, and the meaning of each verdict.")


#: The seed article on mindfulness in addiction treatment (seed 002), claim by claim (paraphrased).
SEED_002_CLAIMS = ClaimSet("seed002", (
    ("li2017_craving",
     "Mindfulness-based treatment lowers craving with a small-to-moderate effect (Hedges' g about 0.33), "
     "citing Li et al. (2017) in Drug and Alcohol Dependence.",
     "The meta-analysis by Li, Howard, Garland, McGovern and Lazar (2017) exists, in the Journal of Substance "
     "Abuse Treatment. In its authors' own reporting, an effect of about -0.33 was for substance misuse; the "
     "effect on craving was medium (about -0.63)."),
    ("bowen2014_12_months",
     "MBRP gave a lower risk of relapse at 12 months than both treatment as usual and standard relapse "
     "prevention (Bowen et al. 2014, JAMA Psychiatry).",
     "The trial exists as cited. The lower relapse risk compared with treatment as usual was reported at the "
     "6-month follow-up, for both MBRP and relapse prevention, and relapse prevention did better than MBRP on "
     "time to first drug use. At 12 months MBRP had fewer days of use and less heavy drinking than both."),
    ("garland2019",
     "Mindfulness-Oriented Recovery Enhancement (MORE) reduced opioid misuse, citing Garland et al. (2019) "
     "in Psychotherapy and Psychosomatics.",
     "No paper on MORE in Psychotherapy and Psychosomatics in 2019 turned up in the sources searched."),
    ("garland2022",
     "MORE gave a clinically relevant fall in opioid misuse in people with chronic pain who use opioids "
     "(Garland et al. 2022, JAMA Internal Medicine).",
     "The trial exists as cited: 45.0 % of the MORE group versus 24.4 % of the supportive-therapy group were no "
     "longer misusing opioids at 9 months. The participants were primary-care patients with chronic pain on "
     "long-term opioids, not people in addiction aftercare."),
    ("goldberg2018",
     "Mindfulness lowers stress and negative mood, with gains in sleep and anxiety, citing Goldberg et al. "
     "(2018) in JAMA Internal Medicine.",
     "Goldberg et al. (2018) is a meta-analysis of mindfulness for psychiatric disorders in Clinical Psychology "
     "Review. The meditation meta-analysis in JAMA Internal Medicine is a different paper, by Goyal et al. "
     "(2014). Neither is about people with substance use problems specifically."),
    ("session_format",
     "An MBRP group meets once a week for 8 weeks, for 60 to 90 minutes each time.",
     "Eight weekly sessions matches the MBRP trial protocol, but the protocol's sessions last 2 hours."),
    ("zero_adverse_effects",
     "Studies report zero adverse effects of mindfulness in addiction treatment.",
     "The MBRP meta-analysis found negligible evidence of adverse events, and the Cochrane review found that "
     "data on harm were minimal: little was collected or reported about harms."),
    ("weak_relapse_evidence",
     "The evidence for an effect on relapse itself is weak.",
     "The MBRP meta-analysis found no significant difference in relapse (odds ratio 0.72, 95 % CI 0.46 to "
     "1.13), rated low quality. The Cochrane review found low-certainty evidence of a slight fall in days of "
     "use, and very uncertain evidence for most other outcomes."),
), {
    "li2017_craving": "02e905bf",
    "bowen2014_12_months": "d508305b",
    "garland2019": "79a43447",
    "garland2022": "a8831def",
    "goldberg2018": "ec0b0fca",
    "session_format": "804cdfc8",
    "zero_adverse_effects": "cf66da2f",
    "weak_relapse_evidence": "01189372",
})


# ---------------------------------------------------------------------------
# Published effect estimates for the forest-style figure
# ---------------------------------------------------------------------------

#: Columns of :func:`effect_estimates`.
ESTIMATE_COLUMNS = ["source", "outcome", "comparison", "scale", "estimate", "ci_low", "ci_high", "certainty"]

_ESTIMATES = (
    ("grant2017", "Withdrawal/craving", "MBRP vs comparators (9 RCTs)", "SMD",
     -0.13, -0.19, -0.08, "certainty rating not seen by the course"),
    ("li2017", "Substance misuse", "mindfulness treatments vs controls (6 RCTs)", "SMD",
     -0.33, -0.88, -0.14, "conference-abstract figures; CI as printed"),
    ("li2017", "Craving", "mindfulness treatments vs controls (7 RCTs)", "SMD",
     -0.63, -1.17, -0.08, "conference-abstract figures"),
    ("grant2017", "Relapse", "MBRP vs comparators (9 RCTs)", "odds ratio",
     0.72, 0.46, 1.13, "low quality (the review's rating)"),
    ("grant2017", "Treatment dropout", "MBRP vs comparators (9 RCTs)", "odds ratio",
     0.81, 0.40, 1.62, "certainty rating not seen by the course"),
)


def effect_estimates() -> pd.DataFrame:
    """The main published effect estimates on mindfulness for substance use, one row per outcome.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ESTIMATE_COLUMNS`. ``scale`` is ``"SMD"`` (a
        standardised mean difference, Cohen's *d* or similar; negative means
        less craving or less use with mindfulness) or ``"odds ratio"`` (below
        1 means lower odds with MBRP). ``ci_low`` and ``ci_high`` bound the
        95 % confidence interval.

    Notes
    -----
    The rows are different outcomes from different reviews and comparisons.
    They are shown side by side, never pooled. The Li et al. (2017) values
    come from a conference abstract of the same team (the course labels them
    Medium); the printed interval for substance misuse is lopsided around
    its estimate, which may be a printing error.

    References
    ----------
    .. [1] Grant S et al. (2017). *J Addict Med* 11(5):386-396.
    .. [2] Li W et al. (2017). *J Subst Abuse Treat* 75:62-96.
    """
    return pd.DataFrame(list(_ESTIMATES), columns=ESTIMATE_COLUMNS)


def ratio_ci_in_words(estimate: float, low: float, high: float, what: str = "odds") -> str:
    """Say in plain words what a ratio and its 95 % confidence interval allow.

    Parameters
    ----------
    estimate, low, high : float
        A ratio (odds ratio, risk ratio or hazard ratio) and its 95 %
        confidence limits; all above zero, with ``low <= estimate <= high``.
    what : str, default "odds"
        What the ratio compares ("odds", "risk", ...), used in the sentence.

    Returns
    -------
    str
        For example, for 0.72 (0.46 to 1.13): "Best estimate: 28 % lower
        odds. The data are compatible with anything from 54 % lower to 13 %
        higher odds, so 'no difference' is not ruled out."

    Raises
    ------
    course.errors.DataError
        If a value is not above zero or the interval does not contain the
        estimate.
    """
    values = (estimate, low, high)
    if any(not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0
           for v in values):
        raise DataError(f"A ratio and its confidence limits must be numbers above zero, not {values}.")
    if not low <= estimate <= high:
        raise DataError(f"The interval {low} to {high} should contain the estimate {estimate}.",
                        hint="Check the order: estimate, lower limit, upper limit.")

    def words(ratio: float) -> str:
        change = round(100 * (ratio - 1))
        if change == 0:
            return f"the same {what}"
        return f"{abs(change)} % {'lower' if change < 0 else 'higher'} {what}"

    text = f"Best estimate: {words(estimate)}. The data are compatible with anything from {words(low)} to {words(high)}"
    if low <= 1 <= high:
        return text + ", so 'no difference' is not ruled out."
    return text + ", so 'no difference' is unlikely."


def forest_plot(estimates: pd.DataFrame | None = None):
    """Draw the estimates with their 95 % CIs: SMDs in one panel, odds ratios (log axis) in another.

    Parameters
    ----------
    estimates : pandas.DataFrame, optional
        Rows as in :func:`effect_estimates` (the default).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, each with a vertical line at "no difference" (0 for an
        SMD, 1 for an odds ratio). Nothing is pooled: there is no summary
        diamond.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    table = effect_estimates() if estimates is None else estimates
    scales = [("SMD", "Standardised mean difference (negative = less with mindfulness)", 0.0),
              ("odds ratio", "Odds ratio, log scale (below 1 = lower odds with MBRP)", 1.0)]
    counts = [int((table["scale"] == s).sum()) for s, *_ in scales]
    fig, axes = plt.subplots(2, 1, figsize=(8.0, 1.3 + 0.55 * sum(counts)),
                             gridspec_kw={"height_ratios": [max(c, 1) for c in counts]})
    colours = {"grant2017": plotting.PALETTE["blue"], "li2017": plotting.PALETTE["vermillion"]}
    markers = {"grant2017": "s", "li2017": "o"}
    for ax, (scale, xlabel, null) in zip(axes, scales):
        rows = table[table["scale"] == scale].reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        for yi, row in zip(y, rows.itertuples()):
            colour = colours.get(row.source, plotting.PALETTE["black"])
            ax.plot([row.ci_low, row.ci_high], [yi, yi], color=colour, linewidth=2)
            ax.plot(row.estimate, yi, markers.get(row.source, "D"), color=colour, markersize=7)
            ax.annotate(f"{_num(row.estimate)} ({_num(row.ci_low)} to {_num(row.ci_high)})", (1.02, yi),
                        xycoords=("axes fraction", "data"), va="center", fontsize=8.5)
        ax.axvline(null, color=plotting.PALETTE["black"], linestyle="--", linewidth=1)
        ax.set_yticks(y, [f"{r.outcome}\n{_author(r.source)}: {r.certainty}" for r in rows.itertuples()],
                      fontsize=8.5)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel(xlabel, fontsize=9.5)
        ax.grid(axis="y", visible=False)
        if scale == "odds ratio":
            ax.set_xscale("log")
            ax.set_xlim(0.3, 3.2)
            ticks = [0.4, 0.6, 1.0, 1.6, 2.5]
            ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
            ax.minorticks_off()
        else:
            ax.set_xlim(-1.35, 0.75)
    fig.suptitle("Separate outcomes on separate scales, not pooled", fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig


def _num(value: float) -> str:
    """Two decimals with a true minus sign, as printed in the figure."""
    return f"{value:.2f}".replace("-", "\u2212")


def _author(source: str) -> str:
    return {"grant2017": "Grant 2017", "li2017": "Li 2017"}.get(source, source)


def describe_forest(estimates: pd.DataFrame | None = None) -> str:
    """Alt text for :func:`forest_plot`, written from the estimates it shows."""
    table = effect_estimates() if estimates is None else estimates
    parts = []
    for scale, null in (("SMD", 0.0), ("odds ratio", 1.0)):
        rows = table[table["scale"] == scale]
        items = []
        for r in rows.itertuples():
            crosses = r.ci_low <= null <= r.ci_high
            items.append(f"{r.outcome.lower()} ({_author(r.source)}) {r.estimate:g}, 95% CI {r.ci_low:g} to "
                         f"{r.ci_high:g}, {'crossing' if crosses else 'not crossing'} {null:g}")
        parts.append(f"{scale} panel: " + "; ".join(items))
    return ("Forest-style chart of published estimates with 95% confidence intervals, in two panels and not "
            "pooled. " + ". ".join(parts) + ".")


# ---------------------------------------------------------------------------
# Two proportions: relative risk, risk difference, number needed to treat
# ---------------------------------------------------------------------------

#: Garland et al. (2022): share no longer misusing opioids at 9 months, MORE versus supportive therapy.
GARLAND2022_NOT_MISUSING = {"more": 0.450, "supportive_therapy": 0.244}


def _check_proportions(p_treated: float, p_control: float) -> None:
    for label, p in (("treated group's", p_treated), ("control group's", p_control)):
        if not isinstance(p, (int, float, np.floating, np.integer)) or isinstance(p, bool) or not math.isfinite(p):
            raise DataError(f"The {label} proportion must be a number, not {p!r}.")
        if not 0 <= p <= 1:
            hint = "Give proportions between 0 and 1: 45.0 % is 0.450." if 1 < p <= 100 else None
            raise DataError(f"The {label} proportion must lie between 0 and 1 (got {p}).", hint=hint)


def relative_risk(p_treated: float, p_control: float) -> float:
    """Relative risk (risk ratio) of an outcome: ``p_treated / p_control``.

    Parameters
    ----------
    p_treated, p_control : float
        Proportions (0 to 1) of each group with the outcome.

    Returns
    -------
    float
        Above 1 when the outcome is more common in the treated group. When
        the outcome is good (for example "no longer misusing"), this is
        sometimes called the relative benefit.

    Raises
    ------
    course.errors.DataError
        If a proportion is not between 0 and 1, or ``p_control`` is 0.

    References
    ----------
    .. [1] Garland EL et al. (2022). *JAMA Intern Med* 182(4):407-417 (the
       45.0 % versus 24.4 % used in the lesson).
    """
    _check_proportions(p_treated, p_control)
    if p_control == 0:
        raise DataError("The relative risk is undefined when no one in the control group has the outcome.")
    return p_treated / p_control


def risk_difference(p_treated: float, p_control: float) -> float:
    """Absolute risk difference ``p_treated - p_control`` (a proportion; times 100 for percentage points).

    Raises
    ------
    course.errors.DataError
        If a proportion is not between 0 and 1.
    """
    _check_proportions(p_treated, p_control)
    return p_treated - p_control


def number_needed_to_treat(p_treated: float, p_control: float) -> float:
    """Number needed to treat, ``1 / |p_treated - p_control|``, not rounded.

    By convention it is reported rounded **up** to a whole person. It says
    how many people would need the treatment instead of the control for one
    more of them to have the outcome (when the treatment helps).

    Raises
    ------
    course.errors.DataError
        If a proportion is not between 0 and 1, or the two are equal (the
        number is then infinite).

    References
    ----------
    .. [1] Laupacis A, Sackett DL, Roberts RS (1988). An assessment of
       clinically useful measures of the consequences of treatment.
       *N Engl J Med* 318(26):1728-1733.
    """
    difference = risk_difference(p_treated, p_control)
    if difference == 0:
        raise DataError("The two proportions are equal, so the number needed to treat is infinite.")
    return 1 / abs(difference)
