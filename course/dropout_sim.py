"""SIMULATED trial arms with dropout counts, anchored to Lewis et al. (2020) Table 3.

The file ``datasets/dropout_trials_sim.csv`` (module 02, lesson 03) holds one
row per simulated trial arm: therapy, format, population, people randomised
and dropouts. No row is a real trial. The per-therapy anchors are read from
:func:`course.dropout_data.load_lewis2020`: the number of study arms ``k``,
the pooled dropout % and I², for every therapy with ``k >= 5`` plus the
waitlist arms.

How each therapy's arms are made (seeded, so the file can be regenerated):

1. ``k`` arm sizes from a log-normal distribution with median
   :data:`MEDIAN_ARM_SIZE` (33: Wright et al. 2024 pooled 823 people from the
   trauma-focused CBT arms of 25 trials, about 33 per arm) and spread
   :data:`ARM_SIZE_SPREAD`, rounded and kept between 10 and 150.
2. Heterogeneity: I² is turned into a between-study variance on the logit
   scale, ``tau² = s² I² / (1 - I²)``, where ``s²`` is the typical
   within-study variance (Higgins & Thompson 2002) of these arm sizes at the
   anchor proportion ``p``, each arm's variance being ``1 / (n p (1 - p))``.
3. True logits for the arms: standard normal draws, standardised to mean 0
   and SD 1, then scaled by ``tau`` and centred on ``logit(p)``, so the
   arms' true values have exactly the anchor's mean and spread.
4. Dropouts: a binomial draw for each arm from its true proportion.
5. Population: each arm is military/veteran with probability
   :data:`MILITARY_SHARE` (illustrative), with **no** effect on dropout,
   because Lewis et al. (2020) found military/veteran-only samples not
   associated with dropout. Format is "group" only for Group CBT-T.

References
----------
.. [1] Lewis C, Roberts NP, Gibson S, Bisson JI (2020). Dropout from
   psychological therapies for post-traumatic stress disorder (PTSD) in
   adults: systematic review and meta-analysis. *Eur J Psychotraumatol*
   11(1):1709709. doi:10.1080/20008198.2019.1709709
.. [2] Wright S, Karyotaki E, Cuijpers P, et al. (2024). Predictors of study
   dropout in cognitive-behavioural therapy with a trauma focus for PTSD in
   adults: an individual participant data meta-analysis. *BMJ Ment Health*
   27(1):e301159. doi:10.1136/bmjment-2024-301159
.. [3] Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a
   meta-analysis. *Stat Med* 21(11):1539-1558. doi:10.1002/sim.1186
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from . import meta, simulated
from .dropout_data import load_lewis2020

#: The simulated dataset's file in ``datasets/`` (declared as :data:`DATASET`).
DATASET_FILE = "dropout_trials_sim.csv"
#: Seed of the committed file.
DATASET_SEED = 2020
#: Its columns in file order, with the kind of value each holds (see :mod:`course.simulated`).
DATASET_COLUMNS = {"study_id": "text", "therapy": "text", "format": "text", "population": "text",
                   "n_randomised": "integer", "n_dropout": "integer", "simulated": "flag"}
#: Therapies of Lewis (2020) Table 3 with at least this many study arms are simulated.
MIN_K = 5
#: Control conditions are left out, except the waitlist arms.
KEEP_CONTROLS = ("WL",)
#: Median arm size (people randomised): 823 people / 25 trials in Wright et al. (2024), about 33.
MEDIAN_ARM_SIZE = 33
#: SD of log arm size (illustrative: most arms between about 15 and 75 people).
ARM_SIZE_SPREAD = 0.4
#: Smallest and largest arm (people randomised); drawn sizes outside are clipped to these limits.
ARM_SIZE_LIMITS = (10, 150)
#: The generating tau stays within these multiples of the tau converted from I².
TAU_RANGE = (0.5, 1.6)
#: A draw is kept when the DL re-analysis is within this many percentage points of the anchor dropout %.
ACCEPT_PCT = 0.5
#: A draw is kept only if its DL re-analysis is also within this many points of the anchor I² (%).
ACCEPT_I2 = 5.0
#: Draws tried per therapy before giving up.
MAX_DRAWS = 50
#: Share of arms with military or veteran samples (illustrative; no effect on dropout).
MILITARY_SHARE = 0.25


def anchors() -> pd.DataFrame:
    """The Lewis (2020) Table 3 rows the simulation is anchored to.

    Returns
    -------
    pandas.DataFrame
        Columns ``therapy`` (full name), ``abbreviation``, ``k_studies``,
        ``dropout_pct``, ``i2_pct``: therapies with ``k >= 5`` (controls left
        out) plus the waitlist arms, in the order of the table.

    References
    ----------
    .. [1] Lewis C, Roberts NP, Gibson S, Bisson JI (2020). *Eur J
       Psychotraumatol* 11(1):1709709, Table 3.
    """
    table = load_lewis2020()
    keep = (table["k_studies"] >= MIN_K) & ((table["course_grouping"] != "control")
                                              | table["abbreviation"].isin(KEEP_CONTROLS))
    cols = ["therapy", "abbreviation", "k_studies", "dropout_pct", "i2_pct"]
    return table.loc[keep, cols].reset_index(drop=True)


def target_tau2(i2_pct: float, p: float, sizes) -> float:
    """tau² on the logit scale that gives ``i2_pct`` for arms of these ``sizes`` at proportion ``p``.

    Parameters
    ----------
    i2_pct : float
        I² in percent.
    p : float
        Anchor proportion (fraction).
    sizes : array_like
        Arm sizes (people).

    Returns
    -------
    float
        ``s² I² / (1 - I²)`` with ``s²`` the typical within-study variance of
        variances ``1 / (n p (1 - p))``.

    References
    ----------
    .. [1] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    """
    v = 1.0 / (np.asarray(sizes, dtype=float) * p * (1.0 - p))
    return meta.tau2_from_i2(i2_pct, meta.typical_within_variance(v))


def _arm_sizes(rng, k: int) -> np.ndarray:
    raw = rng.lognormal(np.log(MEDIAN_ARM_SIZE), ARM_SIZE_SPREAD, k)
    return np.clip(np.round(raw), *ARM_SIZE_LIMITS).astype(int)


def _counts_for(sizes, z, u, mu: float, tau: float) -> np.ndarray:
    """Dropouts for fixed random numbers: true logits ``mu + tau z``, binomial quantiles at ``u``."""
    from scipy import stats

    true_p = meta.inv_logit(mu + tau * z)
    return stats.binom.ppf(u, sizes, true_p).astype(int)


def _bisect(f, low: float, high: float, target: float, steps: int = 40) -> float:
    """The x in [low, high] where the (increasing) f(x) crosses ``target``."""
    for _ in range(steps):
        mid = 0.5 * (low + high)
        if f(mid) < target:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def calibrate(sizes, z, u, dropout_pct: float, i2_pct: float, rounds: int = 3):
    """Generating mean logit and tau that make the DL re-analysis reproduce the anchors.

    With the random numbers ``z`` (true-logit deviations) and ``u`` (binomial
    quantiles) held fixed, the generating mean logit is moved until the
    DerSimonian-Laird pooled proportion equals ``dropout_pct``, then tau
    (kept within :data:`TAU_RANGE` times the converted tau of
    :func:`target_tau2`) until I² equals ``i2_pct``; the two steps are
    alternated ``rounds`` times.

    Returns
    -------
    mu, tau : float
        Generating mean and SD of the true logits.
    result : course.meta.PooledProportion
        The DL re-analysis of the counts they give.
    """
    p = dropout_pct / 100.0
    tau0 = float(np.sqrt(target_tau2(i2_pct, p, sizes)))
    mu, tau = meta.logit(p), tau0

    def pooled(mu_, tau_):
        return meta.pool_proportions(_counts_for(sizes, z, u, mu_, tau_), sizes, "DL")

    for _ in range(rounds):
        mu = _bisect(lambda m: pooled(m, tau).logit.estimate, mu - 1.5, mu + 1.5, meta.logit(p))
        tau = _bisect(lambda t: pooled(mu, t).I2, TAU_RANGE[0] * tau0, TAU_RANGE[1] * tau0, i2_pct)
    mu = _bisect(lambda m: pooled(m, tau).logit.estimate, mu - 1.5, mu + 1.5, meta.logit(p))
    return mu, tau, pooled(mu, tau)


def _acceptable(result, dropout_pct: float, i2_pct: float) -> bool:
    return (abs(result.estimate_pct - dropout_pct) <= ACCEPT_PCT
            and abs(result.I2 - i2_pct) <= ACCEPT_I2)


def simulate_dataset(seed: int = DATASET_SEED) -> pd.DataFrame:
    """Generate the SIMULATED arms of ``datasets/dropout_trials_sim.csv``.

    For each anchor therapy (:func:`anchors`): arm sizes, standardised normal
    deviations ``z`` for the true logits and uniform numbers ``u`` for the
    binomial dropout counts are drawn once; :func:`calibrate` then sets the
    generating mean and tau; population is drawn last.

    Parameters
    ----------
    seed : int
        Seed for :func:`numpy.random.default_rng`; the committed file uses
        :data:`DATASET_SEED`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DATASET_COLUMNS`, one row per simulated arm;
        ``therapy`` holds the abbreviation used in Lewis (2020) Table 3
        (as in :func:`course.dropout_data.load_lewis2020`).

    References
    ----------
    .. [1] Lewis C, Roberts NP, Gibson S, Bisson JI (2020). *Eur J
       Psychotraumatol* 11(1):1709709, Table 3.
    .. [2] Wright S et al. (2024). *BMJ Ment Health* 27(1):e301159.
    .. [3] Higgins JPT, Thompson SG (2002). *Stat Med* 21(11):1539-1558.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for a in anchors().itertuples(index=False):
        k = int(a.k_studies)
        sizes = _arm_sizes(rng, k)
        for _ in range(MAX_DRAWS):
            z = rng.standard_normal(k)
            z = (z - z.mean()) / z.std(ddof=1)
            u = rng.random(k)
            mu, tau, result = calibrate(sizes, z, u, float(a.dropout_pct), float(a.i2_pct))
            if _acceptable(result, float(a.dropout_pct), float(a.i2_pct)):
                break
        else:
            raise RuntimeError(f"No acceptable draw for {a.abbreviation} in {MAX_DRAWS} tries.")
        dropouts = _counts_for(sizes, z, u, mu, tau)
        military = rng.random(k) < MILITARY_SHARE
        fmt = "group" if a.abbreviation.lower().startswith("group") else "individual"
        code = a.abbreviation.replace(" ", "").replace("-", "")
        for i in range(k):
            rows.append((f"SIM-{code}-{i + 1:02d}", a.abbreviation, fmt,
                         "military" if military[i] else "civilian", int(sizes[i]), int(dropouts[i]), True))
    return pd.DataFrame(rows, columns=list(DATASET_COLUMNS))


#: The SIMULATED dataset ``datasets/dropout_trials_sim.csv``, declared once; written and loaded by
#: :mod:`course.simulated`.
DATASET = simulated.SimulatedDataset(
    file_name=DATASET_FILE,
    seed=DATASET_SEED,
    columns=DATASET_COLUMNS,
    simulate=simulate_dataset,
    checks=(simulated.greater_than("n_randomised", 0, unit="people"),
            simulated.at_least("n_dropout", 0, unit="people"),
            simulated.not_more_than("n_dropout", "n_randomised")),
)


def load_dropout_trials_sim(path=None) -> pd.DataFrame:
    """Load the SIMULATED trial arms and check them.

    Parameters
    ----------
    path : path-like, optional
        Default: ``datasets/dropout_trials_sim.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DATASET_COLUMNS`; ``n_randomised`` and ``n_dropout``
        as integers (people), ``simulated`` as booleans (all True).

    Raises
    ------
    course.errors.DataError
        If the file is missing, lacks a column, holds a non-number where a
        whole number belongs, has a row not marked simulated, an arm with no
        people, or more dropouts than people. The message names the file
        and the line.

    References
    ----------
    .. [1] Lewis C et al. (2020). *Eur J Psychotraumatol* 11(1):1709709, Table 3.
    """
    return DATASET.load(path)


def therapy_names() -> dict:
    """Abbreviation -> full therapy name, for the simulated therapies (Lewis 2020 Table 3)."""
    a = anchors()
    return dict(zip(a["abbreviation"], a["therapy"]))


def repool_by_therapy(table: pd.DataFrame | None = None, method: str = "REML") -> pd.DataFrame:
    """Pool each therapy's simulated arms and set the result beside its anchor.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Simulated arms (default: the committed file).
    method : {"REML", "DL", "FE"}

    Returns
    -------
    pandas.DataFrame
        One row per therapy: ``therapy``, ``k``, ``anchor_pct``,
        ``pooled_pct``, ``anchor_i2_pct``, ``i2_pct``, ``target_tau2``,
        ``tau2``, plus the observed range ``min_pct`` and ``max_pct``.

    References
    ----------
    .. [1] Lewis C et al. (2020). *Eur J Psychotraumatol* 11(1):1709709, Table 3.
    """
    table = load_dropout_trials_sim() if table is None else table
    out = []
    for a in anchors().itertuples(index=False):
        arms = table[table["therapy"] == a.abbreviation]
        res = meta.pool_proportions(arms["n_dropout"], arms["n_randomised"], method)
        raw = 100.0 * arms["n_dropout"] / arms["n_randomised"]
        out.append(dict(therapy=a.abbreviation, k=res.k, anchor_pct=float(a.dropout_pct),
                        pooled_pct=res.estimate_pct, anchor_i2_pct=float(a.i2_pct), i2_pct=res.I2,
                        target_tau2=target_tau2(a.i2_pct, a.dropout_pct / 100, arms["n_randomised"]),
                        tau2=res.tau2, min_pct=float(raw.min()), max_pct=float(raw.max())))
    return pd.DataFrame(out)
