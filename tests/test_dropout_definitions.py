"""Dropout under different definitions: the reference percentages, the SIMULATED flow, the figures."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import dropout_definitions as dd
from course.errors import CheckFailed, NotAttempted


# --- the three percentages (also the exercises' reference answers) ---------------------------------

def test_dropout_pct_by_hand_and_against_published_counts():
    assert dd.dropout_pct(100, 80) == pytest.approx(20.0)
    assert dd.dropout_pct(3, 0) == pytest.approx(100.0)
    assert dd.dropout_pct(7, 7) == 0.0
    # Wright 2024 IPD: 221 of 823 did not complete the post-treatment assessment = 27%
    assert dd.dropout_pct(823, 823 - 221) == pytest.approx(26.85, abs=0.01)
    # ... civilians 133/581 = 23%, military and veterans 75/178 = 42%
    assert round(dd.dropout_pct(581, 581 - 133)) == 23
    assert round(dd.dropout_pct(178, 178 - 75)) == 42


def test_numpy_integers_and_whole_floats_are_accepted():
    assert dd.dropout_pct(np.int64(50), np.int64(40)) == pytest.approx(20.0)
    assert dd.during_treatment_dropout_pct(84.0, 62.0) == pytest.approx(100 * 22 / 84)


@pytest.mark.parametrize("func,args", [
    (dd.dropout_pct, (0, 0)),
    (dd.during_treatment_dropout_pct, (0, 0)),
    (dd.pretreatment_dropout_pct, (0, 0)),
    (dd.dropout_pct, (10, 11)),
    (dd.dropout_pct, (-5, 0)),
    (dd.dropout_pct, (10.5, 3)),
    (dd.during_treatment_dropout_pct, (5, 6)),
    (dd.pretreatment_dropout_pct, (5, 6)),
    (dd.dropout_pct, ("ten", 3)),
])
def test_impossible_or_empty_counts_raise_a_plain_value_error(func, args):
    with pytest.raises(ValueError) as info:
        func(*args)
    assert "Traceback" not in str(info.value) and len(str(info.value)) > 20


def test_zero_denominator_message_says_why():
    with pytest.raises(ValueError, match="nobody to take a percentage of"):
        dd.dropout_pct(0, 0)


def test_split_uses_two_different_denominators():
    pre, during = dd.split_dropout_pct(100, 84, 62)
    assert pre == pytest.approx(16.0)
    assert during == pytest.approx(100 * 22 / 84)
    # Not the same as the share of all randomised who left during treatment (22 %).
    assert during != pytest.approx(22.0)
    with pytest.raises(ValueError):
        dd.split_dropout_pct(10, 0, 0)


# --- the SIMULATED flow ------------------------------------------------------------------------

def test_default_flow_reproduces_fernandez_2015_figures():
    flow = dd.cohort_flow(**dd.DEFAULTS)
    assert flow == {"randomised": 100, "started": 84, "mid_treatment": 69, "completed": 62,
                    "left_treatment": 38, "completers_assessed": 59, "leavers_assessed": 9, "assessed": 68}
    pre, during = dd.split_dropout_pct(flow["randomised"], flow["started"], flow["completed"])
    assert round(pre, 1) == 16.0          # Fernandez 2015: 15.9 % before the first session
    assert round(during, 1) == 26.2       # Fernandez 2015: 26.2 % after treatment started
    # with continuous (unrounded) people the two default stage losses give exactly 26.2 % of starters
    assert 1 - (1 - 0.18) * (1 - 0.10) == pytest.approx(0.262)


def test_most_during_treatment_loss_is_before_mid_treatment_by_default():
    flow = dd.cohort_flow()
    assert flow["started"] - flow["mid_treatment"] > flow["mid_treatment"] - flow["completed"]  # Gutner 2016


def test_flow_is_monotone_and_consistent_for_random_settings():
    rng = np.random.default_rng(7)
    for _ in range(200):
        settings = dict(n_randomised=int(rng.integers(0, 400)),
                        lost_before_start_pct=rng.uniform(0, 100), lost_before_mid_pct=rng.uniform(0, 100),
                        lost_after_mid_pct=rng.uniform(0, 100), completers_not_assessed_pct=rng.uniform(0, 100),
                        leavers_assessed_pct=rng.uniform(0, 100))
        f = dd.cohort_flow(**settings)
        assert f["randomised"] >= f["started"] >= f["mid_treatment"] >= f["completed"] >= f["completers_assessed"] >= 0
        assert f["left_treatment"] == f["randomised"] - f["completed"]
        assert 0 <= f["leavers_assessed"] <= f["left_treatment"]
        assert f["assessed"] == f["completers_assessed"] + f["leavers_assessed"] <= f["randomised"]


def test_extreme_settings():
    nobody_lost = dd.cohort_flow(100, 0, 0, 0, 0, 0)
    assert nobody_lost["completed"] == nobody_lost["assessed"] == 100
    everyone_lost = dd.cohort_flow(100, 100, 0, 0, 0, 100)
    assert everyone_lost["started"] == 0 and everyone_lost["assessed"] == 100
    table = dd.definition_table(everyone_lost)
    assert math.isnan(table.loc[2, "dropout_pct"])       # nobody started: undefined, not 0
    assert table.loc[3, "dropout_pct"] == 0.0             # yet everyone gave the assessment
    with pytest.raises(ValueError, match="between 0 and 100"):
        dd.cohort_flow(100, 120)


def test_definition_table_matches_the_reference_functions():
    flow = dd.cohort_flow()
    table = dd.definition_table(flow)
    assert list(table["definition"]) == list(dd.DEFINITIONS)
    np.testing.assert_allclose(table["dropout_pct"], [
        dd.pretreatment_dropout_pct(100, 84),
        dd.dropout_pct(100, 62),
        dd.during_treatment_dropout_pct(84, 62),
        dd.dropout_pct(100, 68),
    ])
    np.testing.assert_allclose(table["dropout_pct"], [16.0, 38.0, 100 * 22 / 84, 32.0])
    assert list(table["out_of"]) == [100, 100, 84, 100]


def test_full_follow_up_makes_study_dropout_smaller_than_treatment_dropout():
    table = dd.definition_table(dd.cohort_flow(leavers_assessed_pct=100, completers_not_assessed_pct=0))
    assert table.loc[3, "dropout_pct"] == 0.0 and table.loc[1, "dropout_pct"] == 38.0


# --- the exercise helper -------------------------------------------------------------------------

def test_check_raises_accepts_a_raise_and_explains_everything_else():
    from course import feedback

    feedback.check_raises(dd.dropout_pct, (0, 0), problem="nobody randomised")
    with pytest.raises(CheckFailed, match="divided by zero"):
        feedback.check_raises(lambda n, c: 100 * (n - c) / n, (0, 0), problem="nobody randomised", name="dropout_pct")
    with pytest.raises(CheckFailed, match="returned nan"):
        feedback.check_raises(lambda n, c: float("nan"), (0, 0), problem="nobody randomised")
    with pytest.raises(CheckFailed, match="KeyError"):
        feedback.check_raises(lambda n, c: {}["x"], (0, 0), problem="nobody randomised")

    def stub(n, c):
        raise NotImplementedError()
    with pytest.raises(NotAttempted):
        feedback.check_raises(stub, (0, 0), problem="nobody randomised")


# --- figures of the published tables ---------------------------------------------------------------

def test_lewis_plot_table_keeps_k_at_least_3_sorted_with_controls():
    table = dd.lewis_table_for_plot()
    assert len(table) == 20
    assert table["k_studies"].min() >= 3
    assert list(table["dropout_pct"]) == sorted(table["dropout_pct"])
    assert set(table.loc[table["course_grouping"] == "control", "abbreviation"]) == {"WL", "TAU", "MA"}
    assert table.iloc[-1]["abbreviation"] == "CPT" and table.iloc[-1]["dropout_pct"] == 30
    assert "EFT" not in set(table["abbreviation"])  # a single study (39 %) is left out


def test_lewis_alt_text_is_written_from_the_data():
    table = dd.lewis_table_for_plot()
    alt = dd.describe_lewis_plot(table)
    for needed in ("20 therapies", "Psychoeducation (1%)", "Cognitive Processing Therapy (30%)",
                   "Prolonged Exposure 22%", "Waitlist 11% (8-15)", "16%"):
        assert needed in alt
    fig = dd.plot_lewis_table3(table)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 20 and "Waitlist (k=53)" in [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)


def test_headline_plot_and_alt_text():
    table = dd.headline_table()
    assert len(table) == 16 and table["dropout_pct"].max() == 47
    alt = dd.describe_headline_plot(table)
    assert "from 6.8%" in alt and "to 47%" in alt and "39% (gutner2016)" in alt and "42% (wright2024)" in alt
    assert "4 have a 95% confidence interval" in alt
    fig = dd.plot_headline_estimates(table)
    plt.close(fig)


def test_pair_part_reads_one_number_and_explains_a_wrong_shape():
    from course import feedback

    pre = feedback.part_of(dd.split_dropout_pct, 0, "pretreatment")
    assert pre.__name__ == "pretreatment part of split_dropout_pct"
    assert pre(100, 84, 62) == pytest.approx(16.0)
    with pytest.raises(CheckFailed, match="should return 2 numbers"):
        feedback.check_value(feedback.part_of(lambda r, s, c: 5.0, 0, "pretreatment"), [100, 84, 62], 16.0)

    def stub(r, s, c):
        raise NotImplementedError()
    with pytest.raises(NotAttempted):
        feedback.check_value(feedback.part_of(stub, 1, "during-treatment"), [100, 84, 62], 26.2)
