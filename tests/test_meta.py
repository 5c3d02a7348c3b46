"""Meta-analysis of proportions: logits, pooling (FE, DL, REML), Q, I², prediction interval, plots."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from course import dropout_sim, meta

# Five made-up arms with clear heterogeneity (Q > k - 1).
EVENTS = np.array([5, 12, 3, 20, 9])
N = np.array([40, 35, 50, 60, 30])


def random_sets(seed=0, count=10):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        k = int(rng.integers(3, 25))
        n = rng.integers(15, 120, k)
        p = meta.inv_logit(rng.normal(-1.5, 0.7, k))
        yield rng.binomial(n, p), n


def test_logit_and_inverse():
    assert meta.logit(0.5) == 0.0
    assert meta.logit(0.2) == pytest.approx(math.log(0.25))
    x = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(meta.logit(meta.inv_logit(x)), x, atol=1e-12)
    with pytest.raises(ValueError, match="between 0 and 1"):
        meta.logit(20)


def test_logit_proportion_hand_example():
    y, v = meta.logit_proportion([10], [40])  # p = 0.25
    assert y[0] == pytest.approx(math.log(10 / 30))
    assert v[0] == pytest.approx(1 / 10 + 1 / 30)
    assert v[0] == pytest.approx(1 / (40 * 0.25 * 0.75))


def test_logit_variance_matches_the_delta_method():
    # Delta method: var(g(p_hat)) ~ g'(p)^2 p(1-p)/n with g = logit, g'(p) = 1/(p(1-p)).
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(10, 500))
        e = int(rng.integers(1, n))
        p = e / n
        h = 1e-6
        derivative = (meta.logit(p + h) - meta.logit(p - h)) / (2 * h)
        delta = derivative ** 2 * p * (1 - p) / n
        _, v = meta.logit_proportion(e, n)
        assert v[0] == pytest.approx(delta, rel=1e-6)


def test_logit_variance_is_close_to_the_simulated_sampling_variance():
    rng = np.random.default_rng(4)
    n, p = 400, 0.2
    draws = rng.binomial(n, p, 40000)
    empirical = np.var(np.log(draws / (n - draws)))
    _, v = meta.logit_proportion(int(n * p), n)
    assert empirical == pytest.approx(v[0], rel=0.05)


def test_continuity_correction_only_for_zero_or_all_events():
    y, v = meta.logit_proportion([0, 20, 5], [20, 20, 20])
    assert y[0] == pytest.approx(math.log(0.5 / 20.5))
    assert v[0] == pytest.approx(1 / 0.5 + 1 / 20.5)
    assert y[1] == pytest.approx(-y[0])
    assert y[2] == pytest.approx(math.log(5 / 15)) and v[2] == pytest.approx(1 / 5 + 1 / 15)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(v))


def test_logit_proportion_rejects_impossible_counts():
    with pytest.raises(ValueError):
        meta.logit_proportion([5], [3])
    with pytest.raises(ValueError):
        meta.logit_proportion([1, 2], [10])


def test_fixed_effect_and_dl_match_statsmodels():
    y, v = meta.logit_proportion(EVENTS, N)
    ref = combine_effects(y, v, method_re="chi2")
    assert ref.q > len(y) - 1  # heterogeneous, so DL's tau² is not truncated
    dl = meta.pool(y, v, "DL")
    assert dl.estimate == pytest.approx(ref.mean_effect_re, abs=1e-8)
    assert dl.se == pytest.approx(ref.sd_eff_w_re, abs=1e-8)
    assert dl.tau2 == pytest.approx(ref.tau2, abs=1e-8)
    assert dl.Q == pytest.approx(ref.q, abs=1e-8)
    assert dl.I2 == pytest.approx(100 * ref.i2, abs=1e-8)
    fe = meta.pool(y, v, "FE")
    assert fe.estimate == pytest.approx(ref.mean_effect_fe, abs=1e-8)
    assert fe.se == pytest.approx(ref.sd_eff_w_fe, abs=1e-8)
    assert fe.tau2 == 0 and fe.Q == dl.Q
    low, high = dl.ci
    assert low == pytest.approx(dl.estimate - 1.959963984540054 * dl.se)
    assert high - dl.estimate == pytest.approx(dl.estimate - low)


def test_dl_matches_statsmodels_on_random_sets():
    for events, n in random_sets():
        y, v = meta.logit_proportion(events, n)
        ref = combine_effects(y, v, method_re="chi2")
        dl = meta.pool(y, v, "DL")
        assert dl.Q == pytest.approx(ref.q, abs=1e-8)
        assert dl.tau2 == pytest.approx(max(0.0, ref.tau2), abs=1e-8)
        assert dl.I2 == pytest.approx(max(0.0, 100 * ref.i2), abs=1e-8)
        if ref.tau2 > 0:
            assert dl.estimate == pytest.approx(ref.mean_effect_re, abs=1e-8)
            assert dl.se == pytest.approx(ref.sd_eff_w_re, abs=1e-8)


def test_dl_truncates_tau2_at_zero_when_studies_agree():
    y, v = meta.logit_proportion([10, 10, 11], [50, 50, 50])
    res = meta.pool(y, v, "DL")
    assert res.Q < 2 and res.tau2 == 0.0 and res.I2 == 0.0
    assert res.estimate == pytest.approx(meta.pool(y, v, "FE").estimate)


def _restricted_ll_from_scratch(tau2, y, v):
    # Independent formula: REML log-likelihood of y ~ N(mu 1, diag(v + tau2)) with mu profiled out.
    cov = np.diag(v + tau2)
    inv = np.linalg.inv(cov)
    x = np.ones((len(y), 1))
    xtx = x.T @ inv @ x
    beta = np.linalg.solve(xtx, x.T @ inv @ y)
    r = y - (x @ beta).ravel()
    return -0.5 * (np.linalg.slogdet(cov)[1] + np.linalg.slogdet(xtx)[1] + r @ inv @ r)


def test_restricted_likelihood_matches_the_matrix_formula():
    y, v = meta.logit_proportion(EVENTS, N)
    for tau2 in (0.0, 0.1, 0.7):
        assert meta.restricted_log_likelihood(tau2, y, v) == pytest.approx(_restricted_ll_from_scratch(tau2, y, v))


def test_reml_matches_direct_maximisation():
    sets = [meta.logit_proportion(EVENTS, N)] + [meta.logit_proportion(e, n) for e, n in random_sets(1, 6)]
    for y, v in sets:
        fit = optimize.minimize_scalar(lambda t: -_restricted_ll_from_scratch(t, y, v),
                                       bounds=(0.0, 20.0), method="bounded", options={"xatol": 1e-10})
        res = meta.pool(y, v, "REML")
        assert res.tau2 == pytest.approx(fit.x, abs=1e-5)
        w = 1 / (v + res.tau2)
        assert res.estimate == pytest.approx(np.sum(w * y) / w.sum())


def test_reml_differs_from_dl_here():
    y, v = meta.logit_proportion(EVENTS, N)
    assert abs(meta.pool(y, v, "REML").tau2 - meta.pool(y, v, "DL").tau2) > 1e-3


def test_i_squared_edge_cases():
    assert meta.i_squared(0.0, 5) == 0.0
    assert meta.i_squared(3.0, 5) == 0.0  # Q below its degrees of freedom
    assert meta.i_squared(4.0, 5) == 0.0
    assert meta.i_squared(8.0, 5) == pytest.approx(50.0)
    assert meta.i_squared(40.0, 5) == pytest.approx(90.0)


def test_prediction_interval_hand_example():
    # mu = -1, SE = 0.2, tau² = 0.21, k = 10: half-width = t_{0.975, 8} * sqrt(0.21 + 0.04) = 2.306004 * 0.5
    low, high = meta.prediction_interval(-1.0, 0.2, 0.21, 10)
    assert low == pytest.approx(-1.0 - 1.1530024, abs=1e-6)
    assert high == pytest.approx(-1.0 + 1.1530024, abs=1e-6)
    with pytest.raises(ValueError, match="at least 3"):
        meta.prediction_interval(0.0, 0.1, 0.1, 2)


def test_pool_gives_prediction_interval_only_for_random_effects_with_three_studies():
    y, v = meta.logit_proportion(EVENTS, N)
    res = meta.pool(y, v, "REML")
    expected = meta.prediction_interval(res.estimate, res.se, res.tau2, 5)
    assert res.pi == pytest.approx(expected)
    assert res.pi[0] < res.ci[0] and res.pi[1] > res.ci[1]
    assert all(math.isnan(x) for x in meta.pool(y, v, "FE").pi)
    assert all(math.isnan(x) for x in meta.pool(y[:2], v[:2], "DL").pi)
    assert res.weights.sum() == pytest.approx(1.0)


def test_pool_rejects_unknown_method_and_bad_input():
    with pytest.raises(ValueError, match="method"):
        meta.pool([0.1, 0.2], [0.1, 0.1], "ML")
    with pytest.raises(ValueError):
        meta.pool([0.1, 0.2], [0.1, 0.0])


def test_pool_proportions_back_transforms_to_percent():
    res = meta.pool_proportions(EVENTS, N, "DL")
    assert res.estimate_pct == pytest.approx(100 * meta.inv_logit(res.logit.estimate))
    assert res.ci_pct[0] < res.estimate_pct < res.ci_pct[1]
    assert res.pi_pct[0] < res.ci_pct[0]
    assert res.k == 5 and res.I2 == res.logit.I2
    assert res.summary().startswith("5 arms, DL: pooled")
    assert f"{res.estimate_pct:.1f} %" in meta.describe_pool(res)


def test_fixed_effect_pool_of_identical_arms_is_their_proportion():
    res = meta.pool_proportions([6, 6, 6], [30, 30, 30], "FE")
    assert res.estimate_pct == pytest.approx(20.0)
    assert res.Q == pytest.approx(0.0) and res.I2 == 0.0


def test_typical_variance_links_dl_tau2_and_i2():
    # Higgins & Thompson (2002): with s² the typical variance, I² = tau²_DL / (tau²_DL + s²).
    y, v = meta.logit_proportion(EVENTS, N)
    res = meta.pool(y, v, "DL")
    s2 = meta.typical_within_variance(v)
    assert 100 * res.tau2 / (res.tau2 + s2) == pytest.approx(res.I2)
    assert meta.tau2_from_i2(res.I2, s2) == pytest.approx(res.tau2)
    assert meta.typical_within_variance([0.2, 0.2, 0.2]) == pytest.approx(0.2)


def test_study_table_intervals_contain_the_raw_percent():
    table = meta.study_table(EVENTS, N, labels=list("abcde"))
    assert list(table["label"]) == list("abcde")
    assert (table["ci_low_pct"] < table["pct"]).all() and (table["pct"] < table["ci_high_pct"]).all()


def test_forest_plot_draws_every_study_the_diamond_and_the_pi():
    fig = meta.forest_plot(EVENTS, N, labels=list("abcde"), method="REML", title="t")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:5] == list("abcde") and "prediction" in labels
    res = meta.pool_proportions(EVENTS, N, "REML")
    diamond = ax.patches[0].get_xy()
    assert diamond[:, 0].min() == pytest.approx(res.ci_pct[0])
    assert diamond[:, 0].max() == pytest.approx(res.ci_pct[1])
    plt.close(fig)


def test_funnel_plot_has_inverted_se_axis():
    fig = meta.funnel_plot(EVENTS, N)
    ax = fig.axes[0]
    bottom, top = ax.get_ylim()
    assert bottom > top == 0
    _, v = meta.logit_proportion(EVENTS, N)
    np.testing.assert_allclose(np.sort(ax.collections[0].get_offsets()[:, 1]), np.sort(np.sqrt(v)))
    plt.close(fig)


def test_simulated_pe_arms_give_a_wider_prediction_than_confidence_interval():
    table = dropout_sim.load_dropout_trials_sim()
    pe = table[table["therapy"] == "PE"]
    res = meta.pool_proportions(pe["n_dropout"], pe["n_randomised"], "REML")
    assert res.pi_pct[1] - res.pi_pct[0] > 3 * (res.ci_pct[1] - res.ci_pct[0])
    assert stats.t.ppf(0.975, res.k - 2) > 1.96
