"""Checking an article's claims against the evidence (module 02, lesson 01).

The seed article of module 02 (a 2025 Norwegian blog post arguing that
exposure therapy works badly) makes a handful of factual claims. Each row of
:data:`CLAIMS` holds a paraphrase of one claim, a checkable version of it,
the best evidence the course found (with citation keys from
``references.json``, the evidence label from the course's evidence file and
the kind of study), and a verdict in one of the five words of
:data:`VERDICTS`. The verdicts follow the course's evidence files (EVIDENCE.md
section E, "The seed's factual claims", updated by EVIDENCE-3.md for relapse)
and issue #15's review: a "partly supported" claim states its parts, so the
learner can see which part holds.

:data:`PRACTICE` is a second, separate set of statements for the graded
exercise. Its answer key is stored only as hashes
(:class:`course.verdicts.VerdictKey`), so reading the package does not give
it away (a determined learner could still try every option: fine for
self-study, not for exams).

The content lives in ``course/content/exposure_claims.toml``; this module
checks it and turns it into :class:`Claim` objects.

References
----------
Evidence and keys: see ``references.json``; the main sources are
Lewis et al. (2020) [@lewis2020dropout], Imel et al. (2013) [@imel2013],
Varker et al. (2021) [@varker2021], Powers et al. (2010) [@powers2010],
Cusack et al. (2016) [@cusack2016], Rozental et al. (2017) [@rozental2017],
Berge et al. (2020) [@berge2020], Craske et al. (2014) [@craske2014],
Levy et al. (2021) [@levy2021], van Dis et al. (2020) [@vandis2020] and
Resick et al. (2012) [@resick2012]; for complex trauma, Spinazzola et al.
(2005) [@spinazzola2005], Najavits (2015) [@najavits2015], Cloitre et al.
(2011) [@cloitre2011], de Jongh et al. (2016) [@dejongh2016] and Karatzias
et al. (2019) [@karatzias2019].
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import content
from .errors import DataError
from .i18n import tr

#: The content file this module reads.
CONTENT_FILE = "exposure_claims.toml"

_DATA = content.read_toml(CONTENT_FILE)

#: The five verdicts on a claim, with what each means.
VERDICTS = content.verdict_words(_DATA, CONTENT_FILE)

#: Evidence labels from the course's evidence file that may be taught as fact.
LABELS = tuple(_DATA.get("labels", ()))


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


def _claim(record: dict, where: str, verdicts: dict, labels: tuple) -> Claim:
    """One checked ``[[claims]]`` record as a :class:`Claim`."""
    content.check_record(record, where, {
        "claim_id": "text", "short": "text", "article_says": "text", "checkable": "text", "verdict": "text",
        "why": "text", "evidence": "records"}, {"unit": "text", "numbers": "records"})
    if record["verdict"] not in verdicts:
        words = ", ".join(verdicts)
        raise DataError(tr("{where}: the verdict {verdict} is not one of: {words}.", where=where,
                           verdict=repr(record["verdict"]), words=words))
    evidence = []
    for item in record["evidence"]:
        content.check_record(item, tr("{where}, evidence", where=where), {"finding": "text", "keys": "texts",
                                                                          "label": "text", "design": "text"})
        if item["label"] not in labels:
            taught = ", ".join(labels)
            raise DataError(tr("{where}: the evidence label {label} is not one that may be taught ({taught}).",
                               where=where, label=repr(item["label"]), taught=taught))
        evidence.append(Evidence(item["finding"], tuple(item["keys"]), item["label"], item["design"]))
    if not evidence:
        raise DataError(tr("{where}: a claim needs at least one piece of evidence.", where=where))
    numbers = []
    for item in record.get("numbers", []):
        content.check_record(item, tr("{where}, numbers", where=where), {"label": "text", "value": "number",
                                                                         "from_article": "flag"})
        numbers.append((item["label"], float(item["value"]), item["from_article"]))
    if bool(numbers) != bool(record.get("unit")):
        raise DataError(tr("{where}: a claim with numbers to plot needs their unit, and a unit needs numbers.",
                           where=where))
    return Claim(record["claim_id"], record["short"], record["article_says"], record["checkable"],
                 tuple(evidence), record["verdict"], record["why"], record.get("unit", ""), tuple(numbers))


def load_claims(path=CONTENT_FILE) -> tuple:
    """Read and check the ``[[claims]]`` of a content file (default :data:`CONTENT_FILE`).

    Raises
    ------
    course.errors.DataError
        Naming the file, the claim and the field, if anything is missing,
        misspelt, of the wrong kind, or not one of the file's verdicts and labels.
    """
    path = content.content_path(path)
    data = content.read_toml(path)
    content.check_record(data, path.name, {"labels": "texts", "verdicts": "table", "claims": "records"},
                         {"practice": "table"})
    verdicts, labels = content.verdict_words(data, path.name), tuple(data["labels"])
    claims = tuple(_claim(record, tr("{name}, claim {number} ({claim_id})", name=path.name, number=number,
                                     claim_id=record.get("claim_id", "no claim_id")),
                          verdicts, labels)
                   for number, record in enumerate(data["claims"], start=1))
    ids = [c.claim_id for c in claims]
    if len(set(ids)) != len(ids):
        found = ", ".join(ids)
        raise DataError(tr("{name}: every claim needs its own claim_id; found {ids}.", name=path.name, ids=found))
    return claims


#: The article's claims, in the order the claim checker shows them.
CLAIMS = load_claims()


def by_id(claim_id: str) -> Claim:
    """The claim with this id; a plain sentence if there is none."""
    for claim in CLAIMS:
        if claim.claim_id == claim_id:
            return claim
    ids = ", ".join(c.claim_id for c in CLAIMS)
    raise KeyError(tr("No claim called {claim_id}; the ids are: {ids}.", claim_id=repr(claim_id), ids=ids))


def table() -> pd.DataFrame:
    """The claims as a table: id, what the article says (paraphrased), the checkable version, the verdict."""
    return pd.DataFrame([(c.claim_id, c.article_says, c.checkable, c.verdict) for c in CLAIMS],
                        columns=["claim_id", "article_says", "checkable", "verdict"])


def card(claim: Claim) -> str:
    """Plain text for one claim: checkable version, evidence with keys and strength, verdict."""
    lines = [tr("The article says (paraphrased): {text}", text=claim.article_says),
             tr("Checkable version: {text}", text=claim.checkable), tr("Best evidence:")]
    for item in claim.evidence:
        keys = f" [{'; '.join(item.keys)}]" if item.keys else ""
        lines.append(tr("  - {finding}{keys} (strength: {strength})", finding=item.finding, keys=keys,
                        strength=item.strength()))
    lines.append(tr("Verdict: {verdict}. {why}", verdict=claim.verdict.upper(), why=claim.why))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the graded practice set

#: Statements to classify with one of :data:`VERDICTS` (``statement_id``, ``statement``); key stored as hashes.
PRACTICE = content.verdict_key(CONTENT_FILE, "practice")
