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
    with_zero = meta.study_table([0, 3], [15, 15])
    assert (with_zero["ci_low_pct"] <= with_zero["pct"]).all() and (with_zero["pct"] < with_zero["ci_high_pct"]).all()


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


# --- Hartung-Knapp(-Sidik-Jonkman) confidence interval for the average (issue #15, item 11) -------------

def test_hksj_matches_statsmodels_with_dl():
    y, v = meta.logit_proportion(EVENTS, N)
    ref = combine_effects(y, v, method_re="dl", use_t=True)
    res = meta.pool(y, v, "DL", ci="HKSJ")
    assert res.ci_method == "HKSJ"
    assert res.ci_se == pytest.approx(ref.sd_eff_w_re_hksj, abs=1e-10)
    np.testing.assert_allclose(res.ci, ref.conf_int(use_t=True)[3], atol=1e-10)
    # the estimate, tau², Q and the prediction interval do not change with the CI method
    plain = meta.pool(y, v, "DL")
    assert (res.estimate, res.tau2, res.Q, res.pi) == (plain.estimate, plain.tau2, plain.Q, plain.pi)


def test_hksj_matches_statsmodels_on_random_sets():
    checked = 0
    for events, n in random_sets(5, 12):
        y, v = meta.logit_proportion(events, n)
        ref = combine_effects(y, v, method_re="dl", use_t=True)
        if ref.tau2 <= 0:  # statsmodels does not truncate a negative DL tau² at 0
            continue
        res = meta.pool(y, v, "DL", ci="HKSJ")
        np.testing.assert_allclose(res.ci, ref.conf_int(use_t=True)[3], atol=1e-9)
        checked += 1
    assert checked >= 5


def test_hksj_with_reml_weights_matches_weighted_least_squares():
    # HKSJ is WLS with weights 1 / (v + tau²) and an estimated scale, t with k - 1 df (statsmodels' docstring).
    from statsmodels.regression.linear_model import WLS

    for events, n in [(EVENTS, N)] + list(random_sets(2, 5)):
        y, v = meta.logit_proportion(events, n)
        res = meta.pool(y, v, "REML", ci="HKSJ")
        fit = WLS(y, np.ones((len(y), 1)), weights=1 / (v + res.tau2)).fit()
        assert fit.params[0] == pytest.approx(res.estimate, abs=1e-10)
        assert fit.bse[0] == pytest.approx(res.ci_se, rel=1e-9)
        np.testing.assert_allclose(fit.conf_int(0.05)[0], res.ci, atol=1e-9)


def test_hksj_widens_the_interval_with_few_studies():
    # Three heterogeneous arms: t with 2 df is 4.30 instead of 1.96.
    y, v = meta.logit_proportion([3, 12, 8], [40, 45, 35])
    normal = meta.pool(y, v, "DL")
    hk = meta.pool(y, v, "DL", ci="HKSJ")
    assert stats.t.ppf(0.975, 2) == pytest.approx(4.302653, abs=1e-6)
    assert hk.ci[1] - hk.ci[0] > 1.5 * (normal.ci[1] - normal.ci[0])
    # The simulated VRE arms (k = 5): wider as well.
    table = dropout_sim.load_dropout_trials_sim()
    vre = table[table["therapy"] == "VRE"]
    a = meta.pool_proportions(vre["n_dropout"], vre["n_randomised"], "REML")
    b = meta.pool_proportions(vre["n_dropout"], vre["n_randomised"], "REML", ci="HKSJ")
    assert b.ci_pct[0] < a.ci_pct[0] and b.ci_pct[1] > a.ci_pct[1]
    assert "HKSJ, t with 4 df" in b.summary() and "(HKSJ)" in meta.describe_pool(b)


def test_modified_hksj_is_never_narrower_than_t_times_the_model_se():
    # Arms that agree better than chance (Q < k - 1): plain HKSJ shrinks the SE, the modification does not.
    y, v = meta.logit_proportion([10, 10, 11, 10], [50, 50, 50, 50])
    plain, hk, mhk = (meta.pool(y, v, "DL", ci=c) for c in ("normal", "HKSJ", "mHKSJ"))
    assert hk.ci_se < plain.se
    assert mhk.ci_se == pytest.approx(plain.se)
    t3 = stats.t.ppf(0.975, 3)
    assert mhk.ci[1] - mhk.estimate == pytest.approx(t3 * plain.se)
    # When the arms scatter more than chance, the modification changes nothing.
    y, v = meta.logit_proportion(EVENTS, N)
    assert meta.pool(y, v, "DL", ci="mHKSJ").ci == pytest.approx(meta.pool(y, v, "DL", ci="HKSJ").ci)


def test_hksj_refuses_one_study_and_unknown_ci_methods():
    with pytest.raises(meta.DataError, match="at least 2 studies"):
        meta.pool([0.1], [0.1], "DL", ci="HKSJ")
    with pytest.raises(ValueError, match="ci must be one of"):
        meta.pool([0.1, 0.2], [0.1, 0.1], "DL", ci="bootstrap")
    assert meta.pool([0.1, 0.2], [0.1, 0.1], "DL", ci="hksj").ci_method == "HKSJ"


# --- The back-transformed mean logit is a median (item 12) ----------------------------------------------

def test_logit_normal_mean_against_simulation_and_the_median():
    rng = np.random.default_rng(8)
    for mu, tau2 in [(-1.27, 0.53), (-2.0, 1.0), (0.5, 0.2)]:
        draws = meta.inv_logit(rng.normal(mu, math.sqrt(tau2), 400_000))
        mean = meta.logit_normal_mean(mu, tau2)
        assert mean == pytest.approx(draws.mean(), abs=2e-3)
        assert np.median(draws) == pytest.approx(meta.inv_logit(mu), abs=2e-3)  # the median is inv_logit(mu)
        assert (mean - meta.inv_logit(mu)) * mu < 0  # the mean lies nearer 50 %
    assert meta.logit_normal_mean(-1.0, 0.0) == pytest.approx(meta.inv_logit(-1.0))
    with pytest.raises(meta.DataError):
        meta.logit_normal_mean(0.0, -0.1)
    res = meta.pool_proportions(EVENTS, N, "REML")
    assert res.mean_pct() == pytest.approx(100 * meta.logit_normal_mean(res.logit.estimate, res.tau2))
    assert res.mean_pct() > res.estimate_pct


# --- Single-arm intervals: Wilson and Clopper-Pearson (item 13) --------------------------------------

def test_single_arm_intervals_match_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(13)
    n = rng.integers(1, 150, 300)
    e = rng.integers(0, n + 1)
    e[:5], n[:5] = [0, 0, 7, 12, 1], [20, 1, 7, 40, 1]  # zero events, all events, tiny arms
    for ours, name in [(meta.wilson_interval, "wilson"), (meta.clopper_pearson_interval, "beta")]:
        low, high = ours(e, n)
        ref_low, ref_high = proportion_confint(e, n, alpha=0.05, method=name)
        np.testing.assert_allclose(low, ref_low, atol=1e-10)
        np.testing.assert_allclose(high, ref_high, atol=1e-10)
    low, high = meta.wilson_interval(3, 30, level=0.9)
    ref = proportion_confint(3, 30, alpha=0.1, method="wilson")
    assert (low[0], high[0]) == pytest.approx(ref)


def test_zero_event_arm_interval_starts_at_zero_only_without_the_logit():
    wilson = meta.study_table([0, 5], [20, 40])
    cp = meta.study_table([0, 5], [20, 40], interval="clopper-pearson")
    logit = meta.study_table([0, 5], [20, 40], interval="logit")
    assert wilson["ci_low_pct"][0] == 0.0 and cp["ci_low_pct"][0] == 0.0
    assert logit["ci_low_pct"][0] > 0.0  # the continuity-corrected logit keeps it off 0 %
    assert cp["ci_high_pct"][0] == pytest.approx(100 * (1 - 0.025 ** (1 / 20)))  # exact upper limit for 0 of 20
    assert list(wilson["y"]) == list(logit["y"])  # pooling inputs are unchanged
    with pytest.raises(ValueError, match="interval must be one of"):
        meta.study_table([1], [10], interval="wald")
    with pytest.raises(meta.DataError):
        meta.wilson_interval([5], [3])


# --- A prediction interval from a published summary (item 14) ------------------------------------------

def test_prediction_from_published_is_exact_for_equal_variances():
    # Equal within-study variances: the DL result, summarised as (pooled %, CI, I², k), gives back tau² and the PI.
    rng = np.random.default_rng(21)
    for k in (4, 10, 22):
        y = rng.normal(-1.3, 0.8, k)
        v = np.full(k, 0.12)
        res = meta.pool(y, v, "DL")
        assert res.tau2 > 0
        pct = [100 * meta.inv_logit(x) for x in (res.estimate, *res.ci)]
        back = meta.prediction_from_published(pct[0], pct[1], pct[2], res.I2, k)
        assert back.tau2 == pytest.approx(res.tau2, rel=1e-9)
        assert back.s2 == pytest.approx(0.12, rel=1e-9)
        assert back.se == pytest.approx(res.se, rel=1e-9)
        assert back.pi_pct == pytest.approx(tuple(100 * meta.inv_logit(x) for x in res.pi), rel=1e-9)


def test_prediction_from_published_lewis_pe_by_hand():
    # Lewis et al. 2020, Table 3, PE: 22 % (16 to 28 %), I² 72.56 %, 22 studies.
    out = meta.prediction_from_published(22, 16, 28, 72.56, 22)
    se = (math.log(0.28 / 0.72) - math.log(0.16 / 0.84)) / (2 * 1.959963984540054)
    tau2 = 0.7256 * 22 * se ** 2
    half = stats.t.ppf(0.975, 20) * math.sqrt(tau2 + se ** 2)
    mu = math.log(0.22 / 0.78)
    assert out.se == pytest.approx(se) and out.tau2 == pytest.approx(tau2)
    assert out.pi_pct == pytest.approx((100 / (1 + math.exp(-(mu - half))), 100 / (1 + math.exp(-(mu + half)))))
    assert 5.0 < out.pi_pct[0] < 6.0 and 57.0 < out.pi_pct[1] < 58.0  # the reviewer's "roughly 6-57 %"
    assert "95% prediction interval about 5.6 to 57.4 %" in out.summary()
    # The published CI is not symmetric on the logit scale; each half alone brackets the answer.
    lower = meta.prediction_from_published(22, 16, 28, 72.56, 22, half="lower")
    upper = meta.prediction_from_published(22, 16, 28, 72.56, 22, half="upper")
    assert lower.se == pytest.approx((mu - math.log(0.16 / 0.84)) / 1.959963984540054)
    assert upper.se == pytest.approx((math.log(0.28 / 0.72) - mu) / 1.959963984540054)
    assert lower.pi_pct[0] < out.pi_pct[0] < upper.pi_pct[0] and upper.pi_pct[1] < out.pi_pct[1] < lower.pi_pct[1]
    with pytest.raises(ValueError, match="half must be"):
        meta.prediction_from_published(22, 16, 28, 72.56, 22, half="both")


def test_prediction_from_published_refuses_what_it_cannot_use():
    with pytest.raises(meta.DataError, match="strictly between 0 and 100"):
        meta.prediction_from_published(17, 0, 51, 90.4, 3)  # BEP: a CI from exactly 0 % is not from a logit model
    with pytest.raises(meta.DataError, match="contain the estimate"):
        meta.prediction_from_published(22, 25, 28, 72.56, 22)
    with pytest.raises(meta.DataError, match="at least 3"):
        meta.prediction_from_published(22, 11, 36, 0.0, 2)
    with pytest.raises(meta.DataError, match="I²"):
        meta.prediction_from_published(22, 16, 28, 100.0, 22)


# --- The one-step binomial-normal GLMM (item 12) -------------------------------------------------------

def test_glmm_likelihood_matches_numerical_integration():
    from scipy import integrate
    from scipy.stats import binom, norm

    events, n = np.array([0, 7, 12, 30]), np.array([20, 40, 35, 60])
    for mu, tau in [(-1.2, 0.7), (-2.0, 1.5), (-0.5, 0.0)]:
        total = 0.0
        for e, m in zip(events, n):
            if tau == 0:
                total += binom.logpmf(e, m, meta.inv_logit(mu))
            else:
                f = lambda t: binom.pmf(e, m, meta.inv_logit(t)) * norm.pdf(t, mu, tau)  # noqa: E731
                total += math.log(integrate.quad(f, mu - 10 * tau, mu + 10 * tau, limit=200)[0])
        assert meta.glmm_log_likelihood(mu, tau, events, n) == pytest.approx(total, abs=1e-7)


def test_glmm_maximum_is_a_maximum_and_needs_no_correction():
    table = dropout_sim.load_dropout_trials_sim()
    pe = table[table["therapy"] == "PE"]
    assert (pe["n_dropout"] == 0).any()  # a zero-event arm enters as it is
    fit = meta.pool_proportions_glmm(pe["n_dropout"], pe["n_randomised"])
    tau = math.sqrt(fit.tau2)
    for dm, dt in [(0.02, 0), (-0.02, 0), (0, 0.02), (0, -0.02)]:
        assert meta.glmm_log_likelihood(fit.mu + dm, tau + dt, pe["n_dropout"], pe["n_randomised"]) < fit.loglik
    assert fit.ci_pct[0] < fit.estimate_pct < fit.ci_pct[1]
    assert fit.summary().startswith("22 arms, binomial-normal GLMM: pooled")


def test_glmm_without_heterogeneity_is_the_crude_proportion_with_the_binomial_se():
    events, n = np.array([10, 10, 11]), np.array([50, 50, 50])
    fit = meta.pool_proportions_glmm(events, n)
    assert fit.tau2 < 1e-6
    p = events.sum() / n.sum()
    assert fit.estimate_pct == pytest.approx(100 * p, abs=1e-4)
    assert fit.se == pytest.approx(1 / math.sqrt(n.sum() * p * (1 - p)), rel=1e-3)
    with pytest.raises(meta.DataError, match="no events at all"):
        meta.pool_proportions_glmm([0, 0], [10, 12])
    with pytest.raises(meta.DataError, match="at least 2"):
        meta.pool_proportions_glmm([3], [10])


def test_glmm_is_less_biased_than_the_two_step_logit_at_low_dropout():
    # Low true dropout and small arms: the two-step method's weights (and the 0.5 correction) pull the pooled
    # logit upwards; the GLMM's estimate of mu is close to unbiased (Stijnen et al. 2010; Lin & Chu 2020).
    rng = np.random.default_rng(5)
    true = meta.logit(0.11)
    two_step, glmm = [], []
    for _ in range(12):
        n = rng.integers(15, 60, 30)
        e = rng.binomial(n, meta.inv_logit(rng.normal(true, 0.8, 30)))
        two_step.append(meta.pool_proportions(e, n, "REML").logit.estimate - true)
        glmm.append(meta.pool_proportions_glmm(e, n, nodes=20).mu - true)
    assert np.mean(two_step) > 0.1
    assert abs(np.mean(glmm)) < 0.5 * np.mean(two_step)
