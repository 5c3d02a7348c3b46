"""Loaders for the published dropout tables in ``datasets/`` (module 02).

See ``datasets/dropout_meta_analyses.md`` for where every number comes from.
"""

from __future__ import annotations

import pandas as pd

from .data import read_table
from .i18n import N_
from .paths import datasets_dir

#: Therapy names of Lewis et al. 2020 (datasets/lewis2020_dropout_by_therapy.csv) that the forest and dropout
#: figures show: marked here so that ``tr(name)`` shows them in the reader's language (the data keep English).
THERAPY_NAMES = (
    N_("Brief Eclectic Psychotherapy"), N_("Reconsolidation of Traumatic Memories"), N_("EMDR"),
    N_("Observed & Experiential Integration"), N_("Interpersonal Psychotherapy"),
    N_("Psychodynamic Psychotherapy"), N_("REM Desensitization"), N_("Emotional Freedom Technique"),
    N_("Dialogical Exposure Therapy"), N_("Internet-based CBT"), N_("Group CBT-T"),
    N_("Group Present Centred Therapy"), N_("Group and Individual CBT-T"), N_("Group Stabilizing Treatment"),
    N_("Group IPT"), N_("Group Supportive Counselling"), N_("Couples CBT-T"), N_("Psychoeducation"),
    N_("Couples Psychoeducation"), N_("Internet-based psychoeducation"), N_("Minimal attention/symptom monitoring"),
)

LEWIS_COLUMNS = {
    "therapy": "text", "abbreviation": "text", "course_grouping": "text", "k_studies": "integer",
    "dropout_pct": "number", "ci_low_pct": "number", "ci_high_pct": "number", "i2_pct": "number",
}
HEADLINE_COLUMNS = {
    "source_key": "text", "population": "text", "design": "text", "k_studies": "integer",
    "n_participants": "integer", "dropout_pct": "number", "ci_low_pct": "number", "ci_high_pct": "number",
    "how_dropout_was_counted": "text", "evidence_label": "text",
}


def load_lewis2020() -> pd.DataFrame:
    """Lewis et al. (2020) Table 3: pooled dropout (%) by therapy in RCTs for adult PTSD.

    References
    ----------
    Lewis C, Roberts NP, Gibson S, Bisson JI (2020). *Eur J Psychotraumatol*
    11(1):1709709. doi:10.1080/20008198.2019.1709709 [@lewis2020dropout]
    """
    return read_table(datasets_dir() / "lewis2020_dropout_by_therapy.csv", LEWIS_COLUMNS)


def load_dropout_meta_analyses() -> pd.DataFrame:
    """Headline dropout figures from the meta-analyses the course uses (one row per figure)."""
    return read_table(datasets_dir() / "dropout_meta_analyses.csv", HEADLINE_COLUMNS)
