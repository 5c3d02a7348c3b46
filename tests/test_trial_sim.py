"""The SIMULATED three-arm MBRP trial: regenerated from its seed, design anchors, scenarios, fast simulations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import logrank_test as lifelines_logrank

from course import survival, trial_sim
from course.errors import DataError


@pytest.fixture(scope="module")
def table():
    return trial_sim.load_trial_sim()


# Byte-identical regeneration from the seed, another seed, the loader's column, cell and
# "simulated" checks and the missing file: tested for every simulated dataset in
# test_simulated_datasets.py.


def test_another_scenario_gives_different_data():
    assert not trial_sim.simulate_dataset(scenario="no_effect").equals(trial_sim.simulate_dataset())
    with pytest.raises(DataError):
        trial_sim.simulate_dataset(scenario="miracle")


def test_design_mirrors_bowen_2014(table):
    assert list(table.columns) == list(trial_sim.DATASET_COLUMNS)
    assert table["arm"].value_counts().to_dict() == {"MBRP": 103, "TAU": 95, "RP": 88}
    assert table["simulated"].all() and (table["scenario"] == "pooled_meta_analysis").all()
    assert table["participant_id"].is_unique
    assert table["pacs_m12"].isna().sum() == 53  # Cochrane table: 53 missing of 286
    assert table.groupby("arm")["pacs_m12"].apply(lambda s: s.isna().sum()).to_dict() == {"MBRP": 19, "RP": 16, "TAU": 18}
    assert table["age"].between(18, 70).all()
    assert abs((table["sex"] == "male").mean() - 0.715) < 0.06


def test_scores_stay_in_the_questionnaire_ranges_and_vanish_after_dropout(table):
    pacs = table[[f"pacs_m{m}" for m in trial_sim.VISIT_DAYS]].stack()
    ffmq = table[[f"ffmq_m{m}" for m in trial_sim.VISIT_DAYS]].stack()
    assert pacs.between(0, 30).all() and ffmq.between(39, 195).all()
    assert table["pacs_m0"].notna().all()
    for month in (3, 6, 12):
        gone = table["last_visit_month"] < month
        assert table.loc[gone, f"pacs_m{month}"].isna().all() and table.loc[~gone, f"pacs_m{month}"].notna().all()


def test_survival_columns(table):
    assert table["days_to_first_use"].between(1, 365).all()
    assert set(table["first_use_observed"]) == {0, 1}
    completers_censored = (table["last_visit_month"] == 12) & (table["first_use_observed"] == 0)
    assert (table.loc[completers_censored, "days_to_first_use"] == 365).all()
    leavers_censored = (table["last_visit_month"] < 12) & (table["first_use_observed"] == 0)
    assert (table.loc[leavers_censored, "days_to_first_use"] < 365).all()


def test_what_the_datasheet_says_about_this_draw(table):
    tau, mbrp = table[table["arm"] == "TAU"], table[table["arm"] == "MBRP"]
    gap_sd = (tau["pacs_m12"].mean() - mbrp["pacs_m12"].mean()) / table["pacs_m12"].std()
    assert gap_sd > 0.13
    two = table[table["arm"].isin(["MBRP", "TAU"])].assign(MBRP=lambda d: (d["arm"] == "MBRP").astype(int))
    hr = survival.cox_hazard_ratio(two, "days_to_first_use", "first_use_observed", ["MBRP"]).iloc[0]
    assert round(hr["hazard_ratio"], 2) == 0.70 and hr["ci_high"] > 1


def test_scenario_parameters_are_the_cited_figures():
    pooled = trial_sim.SCENARIOS["pooled_meta_analysis"]
    assert pooled["craving_smd"] == -0.13 and pooled["hazard_ratio"] == 0.80
    assert trial_sim.SCENARIOS["single_trial_illustrative"]["craving_smd"] == -0.63
    assert "ILLUSTRATIVE" in trial_sim.SCENARIOS["single_trial_illustrative"]["label"]


def test_or_to_hazard_ratio_reproduces_the_risk():
    hr = trial_sim.or_to_hazard_ratio(0.72, 0.6)
    p1 = 1 - (1 - 0.6) ** hr
    assert p1 / (1 - p1) / (0.6 / 0.4) == pytest.approx(0.72)
    assert trial_sim.or_to_hazard_ratio(1.0) == pytest.approx(1.0)


def test_large_simulated_trial_recovers_the_hazard_ratio_and_control_risk():
    times, events, group = trial_sim.simulate_two_arm(0.6, 4000, 0.0, seed=5)
    t, e = times[0], events[0]
    control_risk = 1 - survival.survival_at(t[group == 0], e[group == 0], [364.999])[0]
    assert control_risk == pytest.approx(0.60, abs=0.02)
    rate = lambda g: e[group == g].sum() / t[group == g].sum()  # noqa: E731
    assert rate(1) / rate(0) == pytest.approx(0.6, abs=0.05)


def test_attrition_censors_about_that_share_early():
    times, events, _ = trial_sim.simulate_two_arm(1.0, 5000, 0.3, seed=6)
    early_censored = ((events[0] == 0) & (times[0] < 365)).mean()
    # leavers who have not used yet by the day they leave
    assert 0.15 < early_censored < 0.3


@pytest.mark.parametrize("seed", range(4))
def test_vectorised_logrank_matches_lifelines(seed):
    times, events, group = trial_sim.simulate_two_arm(0.8, 60, 0.2, replicates=3, seed=seed)
    got = trial_sim.logrank_chi2_many(times, events, group)
    for r in range(3):
        t, e = times[r], events[r]
        expected = lifelines_logrank(t[group == 0], t[group == 1], e[group == 0], e[group == 1]).test_statistic
        assert got[r] == pytest.approx(expected, rel=1e-9)


def test_power_summary_analytic_and_simulated_agree_and_are_cached():
    trial_sim.power_summary.cache_clear()
    bowen = trial_sim.power_summary(0.8, 95, 0.185)
    assert bowen["analytic_power"] == pytest.approx(bowen["simulated_power"], abs=0.08)
    assert bowen["analytic_power"] < 0.3
    big = trial_sim.power_summary(0.8, 630, 0.185)
    assert big["analytic_power"] > 0.75 and big["simulated_power"] > 0.75
    null = trial_sim.power_summary(1.0, 95, 0.185)
    assert null["analytic_power"] == pytest.approx(0.05) and null["simulated_power"] < 0.1
    assert trial_sim.power_summary(0.8, 95, 0.185) is bowen
    assert trial_sim.power_summary.cache_info().hits >= 1


def test_expected_event_share_matches_simulation():
    lam = trial_sim.baseline_hazard()
    share = trial_sim.expected_event_share(lam, 0.3)
    _, events, _ = trial_sim.simulate_two_arm(1.0, 20000, 0.3, seed=9)
    assert events.mean() == pytest.approx(share, abs=0.01)
    assert trial_sim.expected_event_share(lam, 0.0) == pytest.approx(0.60)


def test_loader_rejects_scores_outside_the_questionnaires_and_unknown_arms(tmp_path):
    path = trial_sim.DATASET.write(tmp_path)
    frame = pd.read_csv(path)
    frame.loc[1, "pacs_m0"] = 31
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match="line 3: pacs_m0 is 31; it must lie between 0 and 30"):
        trial_sim.load_trial_sim(path)
    frame.loc[1, "pacs_m0"] = 12
    frame.loc[4, "ffmq_m12"] = 38
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match="line 6: ffmq_m12 is 38; it must lie between 39 and 195"):
        trial_sim.load_trial_sim(path)
    frame.loc[4, "ffmq_m12"] = 120
    frame.loc[5, "arm"] = "CBT"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match="line 7: unknown arm 'CBT'"):
        trial_sim.load_trial_sim(path)


def test_bad_simulation_settings():
    with pytest.raises(DataError):
        trial_sim.simulate_two_arm(0.8, 50, 1.2)
    with pytest.raises(DataError):
        trial_sim.simulate_two_arm(-1, 50, 0.1)
    assert math.isfinite(trial_sim.baseline_hazard())
    assert np.isclose(1 - math.exp(-trial_sim.baseline_hazard() * 365), 0.6)
