"""The SIMULATED trial-arm dataset: regenerated from its seed, and re-pooling recovers its anchors."""

from __future__ import annotations

import pytest

from course import dropout_data, dropout_sim
from course.errors import DataError


@pytest.fixture(scope="module")
def table():
    return dropout_sim.load_dropout_trials_sim()


# Byte-identical regeneration from the seed, another seed, the loader's column, cell and
# "simulated" checks and the missing file: tested for every simulated dataset in
# test_simulated_datasets.py.


def test_anchors_are_lewis_therapies_with_at_least_five_arms_plus_waitlist():
    a = dropout_sim.anchors()
    assert list(a["abbreviation"]) == ["CBT-T", "CPT", "CT", "NET", "PE", "VRE", "EMDR", "CBT", "PCT", "SC",
                                       "RT", "Group CBT-T", "WL"]
    lewis = dropout_data.load_lewis2020().set_index("abbreviation")
    assert (a["k_studies"] >= 5).all()
    assert int(lewis.loc["PE", "k_studies"]) == 22 and float(lewis.loc["PE", "dropout_pct"]) == 22
    assert "TAU" not in set(a["abbreviation"])


def test_shape_labels_and_simulated_flag(table):
    assert list(table.columns) == list(dropout_sim.DATASET_COLUMNS)
    assert len(table) == int(dropout_sim.anchors()["k_studies"].sum()) == 192
    assert table["simulated"].all() and table["study_id"].str.startswith("SIM-").all()
    assert table["study_id"].is_unique
    assert set(table["format"]) == {"individual", "group"}
    assert set(table.loc[table["format"] == "group", "therapy"]) == {"Group CBT-T"}
    assert set(table["population"]) == {"civilian", "military"}
    assert (table["n_dropout"] >= 0).all() and (table["n_dropout"] <= table["n_randomised"]).all()
    assert table["n_randomised"].between(10, 150).all()
    assert table["n_randomised"].median() == pytest.approx(dropout_sim.MEDIAN_ARM_SIZE, abs=3)
    counts = table["therapy"].value_counts()
    for a in dropout_sim.anchors().itertuples():
        assert counts[a.abbreviation] == a.k_studies


def test_dl_repooling_recovers_each_anchor(table):
    result = dropout_sim.repool_by_therapy(table, "DL")
    assert (result["pooled_pct"] - result["anchor_pct"]).abs().max() <= dropout_sim.ACCEPT_PCT
    assert (result["i2_pct"] - result["anchor_i2_pct"]).abs().max() <= dropout_sim.ACCEPT_I2


def test_reml_repooling_recovers_each_anchor_and_roughly_its_tau2(table):
    result = dropout_sim.repool_by_therapy(table, "REML")
    assert (result["pooled_pct"] - result["anchor_pct"]).abs().max() <= 2.0
    ratio = result["tau2"] / result["target_tau2"]
    assert ratio.between(0.5, 2.0).all(), result[["therapy", "tau2", "target_tau2"]]


def test_tau2_conversion_worked_example():
    # 22 arms of 33 people at p = 0.22, I² = 72.56 %: v = 1/(33*0.22*0.78) and tau² = v * I²/(1 - I²).
    v = 1 / (33 * 0.22 * 0.78)
    assert dropout_sim.target_tau2(72.56, 0.22, [33] * 22) == pytest.approx(v * 0.7256 / 0.2744)
    assert dropout_sim.target_tau2(72.56, 0.22, [33] * 22) == pytest.approx(0.467, abs=0.001)


def test_population_is_drawn_with_the_stated_share(table):
    share = (table["population"] == "military").mean()
    assert share == pytest.approx(dropout_sim.MILITARY_SHARE, abs=0.05)


def test_loader_refuses_impossible_counts(tmp_path, table):
    bad = tmp_path / dropout_sim.DATASET_FILE
    for column, value, words in [("n_dropout", 999, "line 3: n_dropout is 999, more than n_randomised"),
                                 ("n_dropout", -1, "line 3: n_dropout is -1 people; it must be at least 0"),
                                 ("n_randomised", 0, "line 3: n_randomised is 0 people; it must be greater than 0")]:
        damaged = table.copy()
        damaged.loc[1, column] = value
        damaged.to_csv(bad, index=False)
        with pytest.raises(DataError, match=words):
            dropout_sim.load_dropout_trials_sim(bad)
