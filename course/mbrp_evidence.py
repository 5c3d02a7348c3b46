"""What the evidence on mindfulness-based relapse prevention says, and how sure it is.

Used in module 03, lesson 02 ("What the evidence says, graded by certainty").
Two parts, both kept as data in ``course/content/``:

* :data:`SEED_002_CLAIMS`, a hashed claim-verdict exercise on the seed
  article about mindfulness in addiction treatment (``mbrp_claims.toml``).
  For each claim the course records a paraphrase of what the article says
  and what a check of the sources found (from the course's evidence file,
  section E, seed 002). Learners choose a verdict from
  :data:`CLAIM_VERDICTS`; the answer key is stored only as hashes
  (:class:`course.verdicts.VerdictKey`; a determined learner could still
  try every option: fine for self-study, not for exams). Twelve claims: the
  article's citations (Garland 2019 [7]_ is a real trial in another journal
  than the one cited) and four claims without a usable citation (trauma
  symptoms [8]_, home practice [9]_, the physiology table [10]_, the pairing
  with DBT and ACT).
* :func:`effect_estimates` and :func:`forest_plot`: the main published effect
  estimates with their 95 % confidence intervals, one row per outcome, on two
  separate scales (standardised mean differences and odds ratios) from
  ``mbrp_estimates.csv``. Nothing is pooled across rows: they are different
  outcomes, comparisons and studies.

Risk ratios, risk differences, numbers needed to treat and plain-words
readings of a ratio's confidence interval are in :mod:`course.effects`;
:data:`GARLAND2022_NOT_MISUSING` holds the two proportions the lesson
applies them to.

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
.. [7] Garland EL, Hanley AW, Riquino MR, et al. (2019). Mindfulness-oriented
   recovery enhancement reduces opioid misuse risk via analgesic and positive
   psychological mechanisms: a randomized controlled trial. *J Consult Clin
   Psychol* 87(10):927-940. doi:10.1037/ccp0000390
.. [8] Roos CR, Bowen S, Witkiewitz K (2017). Baseline patterns of substance use
   disorder severity and depression and anxiety symptoms moderate the efficacy
   of mindfulness-based relapse prevention. *J Consult Clin Psychol* 85(11).
.. [9] Bowen S, Kurz AS (2012). Between-session practice and therapeutic
   alliance as predictors of mindfulness after mindfulness-based relapse
   prevention. *J Clin Psychol* 68(3):236-245. doi:10.1002/jclp.20855
.. [10] Pascoe MC, Thompson DR, Jenkins ZM, Ski CF (2017). Mindfulness mediates
   the physiological markers of stress: systematic review and meta-analysis.
   *J Psychiatr Res* 95:156-178. doi:10.1016/j.jpsychires.2017.08.004
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import content
from .i18n import N_, format_number, tr

#: The content file of the claim-verdict exercise.
CLAIMS_FILE = "mbrp_claims.toml"
#: The content file of the published estimates.
ESTIMATES_FILE = "mbrp_estimates.csv"

#: The five verdicts a learner can give a claim, with what each means.
CLAIM_VERDICTS = content.verdict_words(content.read_toml(CLAIMS_FILE), CLAIMS_FILE)

#: The seed article on mindfulness in addiction treatment (seed 002), claim by claim (paraphrased):
#: ``claim_id``, ``the_article_says``, ``what_the_check_found``.
SEED_002_CLAIMS = content.verdict_key(CLAIMS_FILE, "seed002")

#: Garland et al. (2022): share no longer misusing opioids at 9 months, MORE versus supportive therapy.
GARLAND2022_NOT_MISUSING = {"more": 0.450, "supportive_therapy": 0.244}


# ---------------------------------------------------------------------------
# Published effect estimates for the forest-style figure
# ---------------------------------------------------------------------------

#: Columns of :func:`effect_estimates`.
ESTIMATE_COLUMNS = list(content.ESTIMATE_COLUMNS)


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
    They are shown side by side, never pooled. ``certainty`` holds the GRADE
    rating each Grant et al. (2017) outcome received in that review's own
    abstract (low for craving, frequency of use and relapse; very low for
    dropout) [1]_. A narrow interval, as for craving, is not a high rating:
    the interval comes from the analysis model, the rating from the whole
    body of evidence (risk of bias, attrition, few trials) [3]_. The null
    result on frequency of use (SMD 0.02, -0.40 to 0.44) is the row that
    answers the claim that mindfulness reduces substance use. The Li et al. (2017) values
    come from a conference abstract of the same team (the course labels them
    Medium); the printed interval for substance misuse is lopsided around
    its estimate, which may be a printing error.

    References
    ----------
    .. [1] Grant S et al. (2017). *J Addict Med* 11(5):386-396.
    .. [2] Li W et al. (2017). *J Subst Abuse Treat* 75:62-96.
    .. [3] Balshem H et al. (2011). GRADE guidelines: 3. *J Clin Epidemiol* 64(4):401-406.
    """
    return content.read_estimates(ESTIMATES_FILE)


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
    scales = [("SMD", tr("Standardised mean difference (negative = less with mindfulness)"), 0.0),
              ("odds ratio", tr("Odds ratio, log scale (below 1 = lower odds with MBRP)"), 1.0)]
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
            ax.annotate(tr("{estimate} ({low} to {high})", estimate=_num(row.estimate), low=_num(row.ci_low),
                           high=_num(row.ci_high)), (1.02, yi),
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
            ax.set_xticks(ticks, [format_number(t, "g") for t in ticks])
            ax.minorticks_off()
        else:
            ax.set_xlim(-1.35, 0.75)
    fig.suptitle(tr("Separate outcomes on separate scales, not pooled"), fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig


def _num(value: float) -> str:
    """Two decimals with a true minus sign, as printed in the figure."""
    return format_number(value, ".2f").replace("-", "\u2212")


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
            fields = dict(outcome=r.outcome.lower(), author=_author(r.source), estimate=r.estimate, low=r.ci_low,
                          high=r.ci_high, null=null)
            if crosses:
                items.append(tr("{outcome} ({author}) {estimate:g}, 95% CI {low:g} to {high:g}, crossing {null:g}",
                                **fields))
            else:
                items.append(tr("{outcome} ({author}) {estimate:g}, 95% CI {low:g} to {high:g}, not crossing "
                                "{null:g}", **fields))
        listed = "; ".join(items)
        parts.append(tr("{scale} panel: {items}", scale=tr(_SCALE_NAMES[scale]), items=listed))
    panels = ". ".join(parts)
    return tr("Forest-style chart of published estimates with 95% confidence intervals, in two panels and not "
              "pooled. {panels}.", panels=panels)


#: How each scale is named in the alt text.
_SCALE_NAMES = {"SMD": N_("SMD"), "odds ratio": N_("odds ratio")}
