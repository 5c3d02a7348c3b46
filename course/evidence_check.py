"""Checking a reference list: the seed article on burnout (module 01, lesson 5).

For each reference the seed article lists, the course records a short form
of how it was cited and what a check of databases and publisher pages found
(from the course's evidence file, section E). Learners choose a verdict; the
answer key is stored only as hashes, so reading this file does not give it
away (a determined learner could still try every option: fine for
self-study, not for exams).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from .errors import CheckFailed

VERDICTS = {
    "verified": "the reference exists as cited (whatever it says about the claim)",
    "verified with errors": "the paper exists, but details in the citation are wrong or incomplete",
    "mixed up": "details from two different real papers have been combined into one citation",
    "not found": "no paper matching the citation could be found",
    "not a research source": "a consumer web page, not something a research check can verify",
}

# Short forms of the seed's citations (titles shortened) and what checking found.
SEED_001_REFERENCES = [
    ("delooff2018",
     "de Looff, Cornet, Embregts, Nijman & Didden (2018). 'Associations of sympathetic and parasympathetic "
     "activity ...' (a systematic review). PLoS ONE 13(10), e0205741.",
     "A review with these authors, title, journal, volume and DOI exists. For burnout specifically, its authors "
     "say no firm conclusion could be drawn; the links with heart rate and HRV were for job stress."),
    ("grossi2015",
     "Grossi, Perski, Evengård, Blomkvist & Orth-Gomér (2015). 'Burnout is associated with reduced "
     "parasympathetic activity ...'. BioMed Res Int 2015, article 431725.",
     "The title, journal, article number and DOI belong to a 2015 paper by de Vente, van Amsterdam, Olff, "
     "Kamphuis and Emmelkamp. The five names listed did write a paper together, in 2003, on physiological "
     "correlates of burnout in women (J Psychosom Res), about inflammation and HbA1c."),
    ("olff2007",
     "Olff, Langeland, Draijer & Gersons (2007). 'Gender differences in ...'. Psychol Bull 133(2), 183-204.",
     "The paper exists with these details. It reviews PTSD, not burnout; the article itself calls it a "
     "general reference."),
    ("sertoz2008",
     "Sertöz, Binbay & Koylu (2008). 'The role of BDNF and HPA axis ...'. "
     "Prog Neuropsychopharmacol Biol Psychiatry 32(6), 1459-1465.",
     "A paper with this title, journal, volume, pages and DOI exists, but it has six authors (Onen Sertoz, "
     "Binbay, Koylu, Noyan, Yıldırım, Elbi Mete). It found no HPA-axis difference in burnout, and lower BDNF."),
    ("steptoe2004",
     "Steptoe & Willemsen (2004). 'Cholinergic anti-inflammatory pathway ...'. "
     "Behav Brain Res 146(1-2), 11-21.",
     "No paper with this title by these authors turns up. Their real 2004 paper is about job control and "
     "ambulatory blood pressure (J Hypertens). The pathway named in the title comes from Tracey's group."),
    ("verywell_mind2025",
     "Verywell Mind (2025). A web article on the parasympathetic nervous system and mental health.",
     "A consumer health website article, with no authors or study data given in the citation."),
    ("verywell_health2022",
     "Verywell Health (2022). A web article explaining the HPA axis.",
     "A consumer health website article; the citation also contains leftover fragments of web addresses."),
]

_ANSWER_HASHES = {
    "delooff2018": "f7b951be",
    "grossi2015": "e27fef8c",
    "olff2007": "dc8adc49",
    "sertoz2008": "4a1bb268",
    "steptoe2004": "f22b1d2d",
    "verywell_mind2025": "3e12256c",
    "verywell_health2022": "a6b26951",
}


def _digest(ref_id: str, verdict: str) -> str:
    return hashlib.sha256(f"seed001|{ref_id}|{verdict.strip().lower()}".encode()).hexdigest()[:8]


def references_table() -> pd.DataFrame:
    """The seed's references as a table: id, how it was cited, what a check found."""
    return pd.DataFrame(SEED_001_REFERENCES, columns=["ref_id", "as_cited", "what_the_check_found"])


def check_format(verdicts) -> None:
    """Explain, without revealing answers, whether ``verdicts`` is complete and uses the allowed words."""
    if not isinstance(verdicts, dict):
        raise CheckFailed("`verdicts` should be a dictionary like {\"delooff2018\": \"verified\", ...}.")
    missing = [ref for ref, *_ in SEED_001_REFERENCES if ref not in verdicts]
    if missing:
        raise CheckFailed(f"Give a verdict for every reference; missing: {', '.join(missing)}.")
    extra = [key for key in verdicts if key not in _ANSWER_HASHES]
    if extra:
        raise CheckFailed(f"These keys are not references in the list: {', '.join(map(str, extra))}.")
    wrong = {k: v for k, v in verdicts.items() if not isinstance(v, str) or v.strip().lower() not in VERDICTS}
    if wrong:
        raise CheckFailed(f"Use one of the five verdicts exactly as written; not: {wrong}.",
                          hint="The options are: " + "; ".join(f"'{v}'" for v in VERDICTS))


def number_correct(verdicts: dict) -> int:
    """How many verdicts match the answer key (after :func:`check_format`)."""
    check_format(verdicts)
    return sum(_digest(ref, verdict) == _ANSWER_HASHES[ref] for ref, verdict in verdicts.items())


def require_all_correct(verdicts: dict) -> None:
    """Pass only when every verdict matches the check; otherwise say how many do."""
    right = number_correct(verdicts)
    if right < len(_ANSWER_HASHES):
        raise CheckFailed(f"{right} of {len(_ANSWER_HASHES)} verdicts match what the check found.",
                          hint="Reread what the check found for each reference, and the meaning of each verdict.")
