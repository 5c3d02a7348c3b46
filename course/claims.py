"""Checking an article's claims against the evidence (module 02, lesson 01).

The seed article of module 02 (a 2025 Norwegian blog post arguing that
exposure therapy works badly) makes a handful of factual claims. Each row of
:data:`CLAIMS` holds a paraphrase of one claim, a checkable version of it,
the best evidence the course found (with citation keys from
``references.json``, the evidence label from the course's evidence file and
the kind of study), and a verdict in one of the five words of
:data:`VERDICTS`. The verdicts follow the course's evidence file, section E
("The seed's factual claims").

:data:`PRACTICE` is a second, separate set of statements for the graded
exercise. Its answer key is stored only as hashes, like
:mod:`course.evidence_check`, so reading this file does not give it away
(a determined learner could still try every option: fine for self-study,
not for exams).

References
----------
Evidence and keys: see ``references.json``; the main sources are
Lewis et al. (2020) [@lewis2020dropout], Imel et al. (2013) [@imel2013],
Varker et al. (2021) [@varker2021], Powers et al. (2010) [@powers2010],
Cusack et al. (2016) [@cusack2016], Rozental et al. (2017) [@rozental2017],
Berge et al. (2020) [@berge2020] and Craske et al. (2014) [@craske2014].
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from .errors import CheckFailed

VERDICTS = {
    "supported": "good evidence agrees with the checkable version",
    "partly supported": "part of the claim holds, or it holds only in some settings, and part does not",
    "contradicted": "good evidence points the other way",
    "not supported by the cited source": "the article's own reference for the claim does not show it "
                                         "(it studies something else, shows the opposite, or is not a study)",
    "not quantified": "no study found puts a usable number on it: the data are missing or too sparse",
}

#: Evidence labels from the course's evidence file that may be taught as fact.
LABELS = ("High", "Medium")


@dataclass(frozen=True)
class Evidence:
    """One finding: plain-language text, citation keys, evidence label and kind of study."""

    finding: str
    keys: tuple
    label: str
    design: str

    def strength(self) -> str:
        """The label and the kind of study, e.g. ``"High · meta-analysis of RCTs"``."""
        return f"{self.label} · {self.design}"


@dataclass(frozen=True)
class Claim:
    """One claim of the article, made checkable, with evidence, verdict and the numbers to plot."""

    claim_id: str
    short: str
    article_says: str
    checkable: str
    evidence: tuple
    verdict: str
    why: str
    unit: str = ""
    numbers: tuple = ()  # (label, value, is_the_article's_figure)

    def keys(self) -> list[str]:
        """Every citation key the claim's evidence uses, in order, without repeats."""
        seen = []
        for item in self.evidence:
            seen += [k for k in item.keys if k not in seen]
        return seen


CLAIMS = (
    Claim(
        "standard_method",
        "Exposure is a standard, widely used method",
        "Exposure therapy has for decades been one of the most used treatments for anxiety, phobias and "
        "post-traumatic stress, is well known and standardised, and is called the 'gold standard'.",
        "There is a published, standard manual for exposure therapy for PTSD, and systematic reviews rate the "
        "evidence for it highly.",
        (
            Evidence("A therapist guide for prolonged exposure (PE) for PTSD is published in Oxford's "
                     "'Treatments That Work' series.", ("foa2007",), "High", "treatment manual (exists as cited)"),
            Evidence("A review of 64 trials rated the strength of evidence as high for exposure therapy, "
                     "including PE.", ("cusack2016",), "High", "systematic review and meta-analysis"),
            Evidence("A review of 114 trials for guidelines found the strongest evidence among manualised "
                     "trauma-focused CBT for CPT, cognitive therapy and PE.", ("lewis2020efficacy",), "High",
                     "systematic review and meta-analysis of RCTs"),
        ),
        "supported",
        "The article's starting point is fair: the method is standardised and well researched.",
    ),
    Claim(
        "dropout_half",
        "Up to half of patients drop out",
        "Dropout is high: up to 50% of patients stop before the treatment is finished.",
        "In trials of exposure-based therapy for PTSD, dropout is typically around half of the patients.",
        (
            Evidence("Pooled dropout across randomised trials of psychological therapies for adult PTSD: 16% "
                     "(95% CI 14-18%).", ("lewis2020dropout",), "High", "meta-analysis of RCTs"),
            Evidence("Average dropout from active PTSD treatments in trials: 18%; single studies varied widely.",
                     ("imel2013",), "High", "meta-analysis of 42 studies"),
            Evidence("Mean dropout from guideline-recommended PTSD treatments: 20.9% (85 RCTs).",
                     ("varker2021",), "High", "meta-analysis of RCTs"),
            Evidence("By therapy: prolonged exposure 22%, cognitive processing therapy 30%, waitlist arms 11%.",
                     ("lewis2020dropout",), "High", "meta-analysis of RCTs (table by therapy)"),
            Evidence("Single studies reach about 52%, according to a later paper citing Imel et al.; this is "
                     "the maximum across studies, not a typical value.", ("imel2013",), "Medium",
                     "secondary citation of a meta-analysis"),
            Evidence("Among 321 women in trials of CBT for PTSD, 39% dropped out; those who did mostly left by "
                     "mid-treatment, with the same pattern in every therapy.", ("gutner2016",), "High",
                     "analysis of randomised trial data"),
            Evidence("Dropout in routine care is higher than in trials.", ("najavits2015",), "High",
                     "narrative review of real-world studies"),
        ),
        "partly supported",
        "Figures near half occur in single studies and in routine care, but pooled trial dropout is about one "
        "in five or six; 'up to 50%' is true of the worst cases, not of the typical one.",
        unit="% who dropped out",
        numbers=(("The article: 'up to'", 50.0, True), ("All PTSD therapies (Lewis)", 16.0, False),
                 ("Active treatments (Imel)", 18.0, False), ("Guideline therapies (Varker)", 20.9, False),
                 ("Prolonged exposure (Lewis)", 22.0, False), ("Cognitive processing therapy (Lewis)", 30.0, False),
                 ("Waitlist arms (Lewis)", 11.0, False)),
    ),
    Claim(
        "poorly_tolerated",
        "Many people cannot tolerate it",
        "Exposure is a method that many people do not tolerate.",
        "Trauma-focused therapies such as exposure lose more patients than therapies without a trauma focus.",
        (
            Evidence("Therapies with a trauma focus were significantly associated with greater dropout.",
                     ("lewis2020dropout",), "High", "meta-analysis of RCTs"),
            Evidence("Military and veteran samples: 27.1% dropout from trauma-focused and 16.1% from "
                     "non-trauma-focused treatment; 6.8% from waitlist.", ("edwardsstewart2021",), "High",
                     "meta-analysis of 26 RCTs"),
            Evidence("In head-to-head comparisons of active treatments, dropout did not differ, except that "
                     "trauma-focused treatments lost more than Present-Centered Therapy.", ("imel2013",), "High",
                     "meta-analysis of 42 studies"),
            Evidence("In civilians, dropout was similar in recommended treatments and in control arms; in military "
                     "samples most of the extra trauma-focused dropout happened before treatment started.",
                     ("varker2021",), "High", "meta-analysis of 85 RCTs"),
        ),
        "partly supported",
        "A real and fair concern: trauma-focused therapies lose somewhat more people, most clearly in military "
        "samples, but direct comparisons mostly show similar dropout.",
        unit="% who dropped out",
        numbers=(("Trauma-focused, military (Edwards-Stewart)", 27.1, False),
                 ("Non-trauma-focused, military (Edwards-Stewart)", 16.1, False),
                 ("Waitlist, military (Edwards-Stewart)", 6.8, False),
                 ("Prolonged exposure (Lewis)", 22.0, False),
                 ("CBT without trauma focus (Lewis)", 14.0, False),
                 ("Present-centred therapy (Lewis)", 20.0, False)),
    ),
    Claim(
        "low_effect",
        "The effect is low",
        "The effect is low: many people only get temporary relief.",
        "Exposure therapy for PTSD gives small improvements compared with control conditions, and they fade.",
        (
            Evidence("Prolonged exposure versus waitlist or placebo control (13 RCTs, N = 675): Hedges' g = 1.08 "
                     "after treatment and 0.68 at follow-up; no difference from other active treatments.",
                     ("powers2010",), "High", "meta-analysis of RCTs"),
            Evidence("High strength of evidence for exposure; fewer than 4 patients need treating for one to "
                     "lose the PTSD diagnosis (NNT < 4).", ("cusack2016",), "High",
                     "systematic review and meta-analysis"),
        ),
        "contradicted",
        "Against control conditions the effect is large after treatment and still clearly present (g = 0.68) at "
        "follow-up.",
        unit="Hedges' g versus control (prolonged exposure)",
        numbers=(("Primary outcome, after treatment", 1.08, False), ("Primary outcome, follow-up", 0.68, False),
                 ("Secondary outcomes, after treatment", 0.77, False), ("Secondary outcomes, follow-up", 0.41, False)),
    ),
    Claim(
        "relapse_common",
        "Relapse is common",
        "Relapse is common after exposure therapy.",
        "A large share of people who improve with exposure therapy lose that improvement later.",
        (
            Evidence("A systematic review of PTSD relapse in veterans found 8 eligible studies; few reported "
                     "relapse outcomes fully, and most were at high risk of attrition bias.", ("berge2020",), "High",
                     "systematic review"),
            Evidence("The inhibitory-learning account acknowledges that many people fail to benefit from exposure "
                     "or see their fear return.", ("craske2014",), "High", "theoretical review"),
        ),
        "not quantified",
        "Return of fear is real and acknowledged, but no study found puts a number on how common relapse is.",
    ),
    Claim(
        "causes_harm",
        "Exposure can make people worse",
        "In many cases exposure does not work at all, or it does harm.",
        "People who receive exposure therapy deteriorate more often than people who receive no treatment.",
        (
            Evidence("The only reference in the article's list about getting worse is a study of internet-delivered "
                     "CBT, not exposure therapy: 5.8% of treated patients and 17.4% of controls reliably "
                     "deteriorated (OR 3.10 for controls). These figures are High as presented at a 2016 "
                     "conference, Medium that the 2017 journal paper reports the same.", ("rozental2017",), "High",
                     "individual-patient-data meta-analysis of 29 trials"),
            Evidence("Adverse events were generally not reported in PTSD treatment trials.", ("cusack2016",), "High",
                     "systematic review and meta-analysis"),
            Evidence("Most exposure therapy studies did not measure or report adverse events.", ("iom2008",), "High",
                     "systematic review by an expert committee"),
        ),
        "not supported by the cited source",
        "The study the article lists found the opposite (untreated people got worse more often) and is not about "
        "exposure; the fair caveat is that harms are rarely measured.",
        unit="% who reliably deteriorated (internet CBT, not exposure)",
        numbers=(("Treated patients (Rozental)", 5.8, False), ("Control patients (Rozental)", 17.4, False)),
    ),
    Claim(
        "insight_alternative",
        "Safety and insight work better",
        "A safety- and insight-based approach ('safety + insight = change', drawing on the 'Three Principles' "
        "and neuroplasticity) brings deeper and more lasting change than exposure.",
        "An insight-and-safety approach helps people with anxiety or PTSD more than exposure therapy does.",
        (
            Evidence("The references listed for this framing are two books on the 'Three Principles', a consumer "
                     "web page, a blog post and one journal paper; the paper is a conceptual essay on interpersonal "
                     "neurobiology (with its journal misnamed), and none of them reports a study of a therapy.",
                     ("siegel2023",), "High", "reference check; conceptual paper"),
        ),
        "not supported by the cited source",
        "No trial comparing this approach with exposure is cited; the sources are ideas, not tests of them.",
    ),
)


def by_id(claim_id: str) -> Claim:
    """The claim with this id; a plain sentence if there is none."""
    for claim in CLAIMS:
        if claim.claim_id == claim_id:
            return claim
    raise KeyError(f"No claim called {claim_id!r}; the ids are: {', '.join(c.claim_id for c in CLAIMS)}.")


def table() -> pd.DataFrame:
    """The claims as a table: id, what the article says (paraphrased), the checkable version, the verdict."""
    return pd.DataFrame([(c.claim_id, c.article_says, c.checkable, c.verdict) for c in CLAIMS],
                        columns=["claim_id", "article_says", "checkable", "verdict"])


def card(claim: Claim) -> str:
    """Plain text for one claim: checkable version, evidence with keys and strength, verdict."""
    lines = [f"The article says (paraphrased): {claim.article_says}",
             f"Checkable version: {claim.checkable}", "Best evidence:"]
    for item in claim.evidence:
        keys = f" [{'; '.join(item.keys)}]" if item.keys else ""
        lines.append(f"  - {item.finding}{keys} (strength: {item.strength()})")
    lines.append(f"Verdict: {claim.verdict.upper()}. {claim.why}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the graded practice set

@dataclass(frozen=True)
class PracticeSet:
    """Statements to classify with one of :data:`VERDICTS`; the key is stored as hashes only."""

    name: str
    rows: tuple  # (statement_id, statement)
    answer_hashes: dict

    def _digest(self, statement_id: str, verdict: str) -> str:
        return hashlib.sha256(f"{self.name}|{statement_id}|{verdict.strip().lower()}".encode()).hexdigest()[:8]

    def table(self) -> pd.DataFrame:
        """The statements as a table: id and statement."""
        return pd.DataFrame(list(self.rows), columns=["statement_id", "statement"])

    def check_format(self, answers) -> None:
        """Explain, without revealing answers, whether ``answers`` is complete and uses the allowed words."""
        if not isinstance(answers, dict):
            raise CheckFailed("`claim_verdicts` should be a dictionary like {\"statement_id\": \"supported\", ...}.")
        missing = [sid for sid, _ in self.rows if sid not in answers]
        if missing:
            raise CheckFailed(f"Give a verdict for every statement; missing: {', '.join(missing)}.")
        extra = [key for key in answers if key not in self.answer_hashes]
        if extra:
            raise CheckFailed(f"These keys are not statements in the list: {', '.join(map(str, extra))}.")
        wrong = {k: v for k, v in answers.items() if not isinstance(v, str) or v.strip().lower() not in VERDICTS}
        if wrong:
            raise CheckFailed(f"Use one of the five verdicts exactly as written; not: {wrong}.",
                              hint="The options are: " + "; ".join(f"'{v}'" for v in VERDICTS))

    def number_correct(self, answers: dict) -> int:
        """How many verdicts match the answer key (after :meth:`check_format`)."""
        self.check_format(answers)
        return sum(self._digest(sid, v) == self.answer_hashes[sid] for sid, v in answers.items())

    def require_all_correct(self, answers: dict) -> None:
        """Pass only when every verdict matches the key; otherwise say how many do."""
        right = self.number_correct(answers)
        if right < len(self.answer_hashes):
            raise CheckFailed(f"{right} of {len(self.answer_hashes)} verdicts match the evidence.",
                              hint="Reread the claim checker's evidence for each statement, and the tie-break "
                                   "rule: if the statement names a source that does not show it, choose "
                                   "'not supported by the cited source'.")


PRACTICE = PracticeSet("claims-m02", (
    ("a_pooled_dropout",
     "In randomised trials of psychological therapies for adult PTSD, about one participant in six drops out "
     "(pooled over the trials)."),
    ("b_pe_beats_others",
     "Prolonged exposure works clearly better than other active trauma therapies such as CPT or EMDR."),
    ("c_rozental_harm",
     "Rozental and colleagues (2017) showed that exposure therapy makes about one patient in six worse."),
    ("d_harms_rare",
     "PTSD treatment trials show that adverse events from exposure therapy are rare."),
    ("e_effect_lasts",
     "Prolonged exposure helps a lot by the end of treatment, and the whole benefit is kept at follow-up."),
    ("f_military_dropout",
     "In trials with military and veteran participants, trauma-focused therapy arms lose more participants "
     "than non-trauma-focused arms."),
), {
    "a_pooled_dropout": "53fef8c4",
    "b_pe_beats_others": "a365b382",
    "c_rozental_harm": "14eefa91",
    "d_harms_rare": "b7b407c4",
    "e_effect_lasts": "27601d25",
    "f_military_dropout": "e6983812",
})
