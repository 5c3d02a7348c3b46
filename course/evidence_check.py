"""Checking a reference list: the seed articles' references, verdict by verdict.

For each reference a seed article lists, the course records a short form of
how it was cited and what a check of databases and publisher pages found
(from the course's evidence file, section E). Learners choose a verdict; the
answer key is stored only as hashes, so reading this file does not give it
away (a determined learner could still try every option: fine for
self-study, not for exams).

Module 01 uses :data:`SEED_001` (burnout), module 02 :data:`SEED_000`
(exposure therapy).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from .errors import CheckFailed

VERDICTS = {
    "verified": "the reference exists as cited (whatever it says about the claim)",
    "verified with errors": "the paper exists, but details in the citation are wrong or incomplete",
    "mixed up": "details from two different real papers have been combined into one citation",
    "not found": "no paper matching the citation could be found",
    "not a research source": "a book of ideas, a consumer web page or a blog: not something a research check can verify",
}


@dataclass(frozen=True)
class ReferenceSet:
    """One article's reference list: ``(ref_id, as_cited, what_the_check_found)`` rows and hashed verdicts."""

    name: str
    rows: tuple
    answer_hashes: dict

    def _digest(self, ref_id: str, verdict: str) -> str:
        return hashlib.sha256(f"{self.name}|{ref_id}|{verdict.strip().lower()}".encode()).hexdigest()[:8]

    def table(self) -> pd.DataFrame:
        """The references as a table: id, how it was cited, what a check found."""
        return pd.DataFrame(list(self.rows), columns=["ref_id", "as_cited", "what_the_check_found"])

    def check_format(self, verdicts) -> None:
        """Explain, without revealing answers, whether ``verdicts`` is complete and uses the allowed words."""
        if not isinstance(verdicts, dict):
            raise CheckFailed("`verdicts` should be a dictionary like {\"ref_id\": \"verified\", ...}.")
        missing = [ref for ref, *_ in self.rows if ref not in verdicts]
        if missing:
            raise CheckFailed(f"Give a verdict for every reference; missing: {', '.join(missing)}.")
        extra = [key for key in verdicts if key not in self.answer_hashes]
        if extra:
            raise CheckFailed(f"These keys are not references in the list: {', '.join(map(str, extra))}.")
        wrong = {k: v for k, v in verdicts.items() if not isinstance(v, str) or v.strip().lower() not in VERDICTS}
        if wrong:
            raise CheckFailed(f"Use one of the five verdicts exactly as written; not: {wrong}.",
                              hint="The options are: " + "; ".join(f"'{v}'" for v in VERDICTS))

    def number_correct(self, verdicts: dict) -> int:
        """How many verdicts match the answer key (after :meth:`check_format`)."""
        self.check_format(verdicts)
        return sum(self._digest(ref, v) == self.answer_hashes[ref] for ref, v in verdicts.items())

    def require_all_correct(self, verdicts: dict) -> None:
        """Pass only when every verdict matches the check; otherwise say how many do."""
        right = self.number_correct(verdicts)
        if right < len(self.answer_hashes):
            raise CheckFailed(f"{right} of {len(self.answer_hashes)} verdicts match what the check found.",
                              hint="Reread what the check found for each reference, and the meaning of each verdict.")


SEED_001 = ReferenceSet("seed001", (
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
), {
    "delooff2018": "f7b951be",
    "grossi2015": "e27fef8c",
    "olff2007": "dc8adc49",
    "sertoz2008": "4a1bb268",
    "steptoe2004": "f22b1d2d",
    "verywell_mind2025": "3e12256c",
    "verywell_health2022": "a6b26951",
})

SEED_000 = ReferenceSet("seed000", (
    ("andersen2021",
     "Andersen & Lambert (2021). 'Dropout rates in exposure-based ...' (a meta-analytic review). "
     "J Clin Psychol 77(1), 1-15, with a DOI ending jclp.23587.",
     "No record, index entry or citing paper with this title or DOI turns up, and none of the dropout "
     "meta-analyses or the 2023 meta-review of 12 dropout meta-analyses mentions it. The DOI's number looks "
     "like those given to articles from 2023-2024, not 2021. Lambert is a real psychotherapy researcher."),
    ("foa2007",
     "Foa, Hembree & Rothbaum (2007). Prolonged Exposure Therapy for PTSD, therapist guide. Oxford University Press.",
     "A well-known treatment manual in Oxford's 'Treatments That Work' series, with these authors and year."),
    ("lewis2020",
     "Lewis, Roberts, Andrew, Starling & Bisson (2020). 'Dropout from psychological therapies for PTSD in "
     "adults ...'. Eur J Psychotraumatol 11(1), doi 10.1080/20008198.2019.1709709.",
     "The title, journal, year and DOI belong to a dropout meta-analysis by Lewis, Roberts, Gibson and Bisson. "
     "Andrew and Starling are co-authors of a different 2020 Lewis paper, on the efficacy of the same "
     "therapies. The dropout paper found 16% pooled dropout."),
    ("rozental2017",
     "Rozental, Magnusson, Boettcher, Andersson & Carlbring (2017). 'For better or worse ...' (a pooled "
     "analysis of deterioration in internet CBT). J Consult Clin Psychol 85(2), 160-177.",
     "The paper exists with these authors and journal details. It is about internet-delivered CBT, not exposure "
     "therapy, and found that untreated controls deteriorated about three times as often as treated patients."),
    ("mills1982",
     "Mills & Pransky (1982). A book on the 'Three Principles'. Gordon Publishers.",
     "A book setting out the 'Three Principles' ideas; it reports no studies."),
    ("banks2009",
     "Banks (2009). The Missing Link. Pransky & Associates.",
     "A book by Sydney Banks on the 'Three Principles'; it reports no studies."),
    ("lakhan2024",
     "Lakhan (2024). 'What is neuroplasticity?' Verywell Mind.",
     "A consumer health website article."),
    ("mckay2016",
     "McKay (2016). 'Seven principles of neuroscience ...'. A blog post.",
     "A blog post for coaches."),
    ("siegel2023",
     "Siegel & Drulis (2023). 'An interpersonal neurobiology perspective ...'. "
     "Archives of Psychiatry. PMC9897608.",
     "A paper with these authors, this title and this PubMed Central number exists, but it was published in "
     "Annals of General Psychiatry (22:5). It is a conceptual essay, not a study of exposure therapy."),
), {
    "andersen2021": "21c8be71",
    "foa2007": "bc093ab7",
    "lewis2020": "a9670cd8",
    "rozental2017": "82e01315",
    "mills1982": "78ec505f",
    "banks2009": "d3500fe2",
    "lakhan2024": "279f1935",
    "mckay2016": "06ffef99",
    "siegel2023": "4a5b4a2f",
})
