"""A/B statistics against scipy and statsmodels (to 1e-9) on generated cases, and edge cases."""

import math

import numpy as np
import pytest
from scipy import integrate, stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from dashboard.metrics import abtest, intervals

REL = 1e-9


def _close(got, want, rel=REL, abs_=1e-12):
    assert got == pytest.approx(float(want), rel=rel, abs=abs_)


def _proportion_cases(seed: int, count: int = 40):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n_c, n_t = (int(v) for v in rng.integers(30, 200_000, size=2))
        rate = float(rng.uniform(0.005, 0.6))
        lift = float(rng.uniform(-0.3, 0.3))
        x_c = int(rng.binomial(n_c, rate))
        x_t = int(rng.binomial(n_t, min(0.99, rate * (1 + lift))))
        yield x_c, n_c, x_t, n_t


@pytest.mark.parametrize("case", list(_proportion_cases(1)))
def test_conversion_matches_statsmodels(case):
    x_c, n_c, x_t, n_t = case
    got = abtest.compare_proportions(x_c, n_c, x_t, n_t)
    # proportions_ztest pools the variance under the null, as the board does.
    z, p = proportions_ztest([x_t, x_c], [n_t, n_c])
    _close(got.statistic, z)
    _close(got.p_value, p, abs_=1e-15)
    low, high = confint_proportions_2indep(x_t, n_t, x_c, n_c, method="newcomb", compare="diff")
    _close(got.absolute.low, low)
    _close(got.absolute.high, high)
    _close(got.absolute.estimate, x_t / n_t - x_c / n_c)
    for x, n in ((x_c, n_c), (x_t, n_t)):
        interval = intervals.wilson(x, n)
        w_low, w_high = proportion_confint(x, n, alpha=0.05, method="wilson")
        _close(interval.low, w_low)
        _close(interval.high, w_high)


def _delta_relative(mean_c, var_mean_c, mean_t, var_mean_t):
    """The delta method written as J Σ Jᵀ for g(c, t) = t / c − 1 (an independent derivation)."""
    jac = np.array([[-mean_t / mean_c**2, 1 / mean_c]])
    cov = np.diag([var_mean_c, var_mean_t])
    se = math.sqrt(float((jac @ cov @ jac.T)[0, 0]))
    z = stats.norm.ppf(0.975)
    rel = mean_t / mean_c - 1
    return rel, rel - z * se, rel + z * se


@pytest.mark.parametrize("case", list(_proportion_cases(2, 15)))
def test_relative_lift_is_the_delta_method(case):
    x_c, n_c, x_t, n_t = case
    got = abtest.compare_proportions(x_c, n_c, x_t, n_t).relative
    p_c, p_t = x_c / n_c, x_t / n_t
    rel, low, high = _delta_relative(p_c, p_c * (1 - p_c) / n_c, p_t, p_t * (1 - p_t) / n_t)
    _close(got.estimate, rel)
    _close(got.low, low)
    _close(got.high, high)


def _revenue_samples(seed: int):
    rng = np.random.default_rng(seed)
    for _ in range(25):
        n_c, n_t = (int(v) for v in rng.integers(20, 6_000, size=2))
        buy_c, buy_t = rng.uniform(0.02, 0.5, size=2)
        mean = float(rng.uniform(50, 5_000))
        c = np.where(rng.random(n_c) < buy_c, rng.lognormal(np.log(mean), 0.7, n_c), 0.0)
        t = np.where(rng.random(n_t) < buy_t, rng.lognormal(np.log(mean * 1.1), 0.7, n_t), 0.0)
        yield np.round(c, 2), np.round(t, 2)


@pytest.mark.parametrize("samples", list(_revenue_samples(3)))
def test_revenue_matches_scipy_welch(samples):
    c, t = samples
    got = abtest.compare_means(len(c), c.sum(), (c * c).sum(), len(t), t.sum(), (t * t).sum())
    want = stats.ttest_ind(t, c, equal_var=False)
    _close(got.statistic, want.statistic)
    _close(got.p_value, want.pvalue, abs_=1e-15)
    _close(got.df, want.df)
    ci = want.confidence_interval(0.95)
    _close(got.absolute.low, ci.low)
    _close(got.absolute.high, ci.high)
    _close(got.control, c.mean())
    _close(got.chance_to_beat, stats.norm.cdf((t.mean() - c.mean()) / got.se))
    rel, low, high = _delta_relative(
        c.mean(), c.var(ddof=1) / len(c), t.mean(), t.var(ddof=1) / len(t)
    )
    _close(got.relative.estimate, rel)
    _close(got.relative.low, low)
    _close(got.relative.high, high)
    mean = abtest.mean_interval(len(t), t.sum(), (t * t).sum())
    t_low, t_high = stats.t.interval(0.95, len(t) - 1, loc=t.mean(), scale=stats.sem(t))
    _close(mean.low, t_low)
    _close(mean.high, t_high)


def _beta_integral(x_c, n_c, x_t, n_t):
    """P(p_t > p_c) by numerical integration of the two flat-prior Beta posteriors."""
    post_c = stats.beta(1 + x_c, 1 + n_c - x_c)
    post_t = stats.beta(1 + x_t, 1 + n_t - x_t)
    lo = min(post_c.ppf(1e-15), post_t.ppf(1e-15))
    hi = max(post_c.isf(1e-15), post_t.isf(1e-15))
    # P(T > C) = ∫ f_C(x) · P(T > x) dx; points around both modes help quad.
    value, _ = integrate.quad(
        lambda x: post_c.pdf(x) * post_t.sf(x), lo, hi, epsabs=1e-14, epsrel=1e-12,
        limit=500, points=[post_c.mean(), post_t.mean()],
    )  # fmt: skip
    return value


@pytest.mark.parametrize(
    "case",
    [(5, 40, 9, 41), (0, 150, 3, 160), (30, 300, 30, 300), (214, 5053, 254, 5111),
     (1296, 5073, 1703, 5091), (12, 12, 10, 12), (160, 3362, 119, 3414)],
)  # fmt: skip
def test_chance_to_beat_is_the_exact_beta_posterior(case):
    got = abtest.chance_to_beat_beta(*case)
    _close(got, _beta_integral(*case), abs_=1e-10)


def test_chance_to_beat_symmetry_and_monte_carlo():
    p = abtest.chance_to_beat_beta(40, 500, 55, 480)
    q = abtest.chance_to_beat_beta(55, 480, 40, 500)
    assert p + q == pytest.approx(1.0, abs=1e-12)
    rng = np.random.default_rng(9)
    draws = rng.beta(56, 426, 400_000) > rng.beta(41, 461, 400_000)
    assert p == pytest.approx(draws.mean(), abs=0.003)


@pytest.mark.parametrize("seed", range(6))
def test_srm_matches_scipy_chisquare(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    share = rng.dirichlet(np.ones(k))
    units = rng.multinomial(int(rng.integers(500, 100_000)), share)
    got = abtest.srm_check(units.tolist(), share.tolist())
    want = stats.chisquare(units, units.sum() * share)
    _close(got.chi2, want.statistic)
    _close(got.p_value, want.pvalue, abs_=1e-15)
    assert got.df == k - 1


# --- Zero conversions, identical rates, empty arms: None with a reason, never NaN or inf ---------


def _finite_or_none(value):
    return value is None or math.isfinite(value)


def _all_values(cmp: abtest.Comparison):
    yield from (cmp.control, cmp.treatment, cmp.statistic, cmp.df, cmp.p_value,
                cmp.chance_to_beat, cmp.se)  # fmt: skip
    for interval in (cmp.absolute, cmp.relative):
        yield from (interval.estimate, interval.low, interval.high)


@pytest.mark.parametrize(
    ("case", "p_value"),
    [
        ((0, 500, 0, 480), None),  # no conversions anywhere: nothing to test
        ((0, 500, 7, 480), "finite"),  # zero control: no relative lift
        ((12, 500, 12, 500), 1.0),  # identical rates
        ((500, 500, 480, 480), None),  # everyone converted in both arms
        ((0, 0, 5, 100), None),  # an empty arm
    ],
)
def test_conversion_edge_cases_never_nan(case, p_value):
    with np.errstate(all="raise"):  # any 0/0 or x/0 inside would raise here
        got = abtest.compare_proportions(*case)
    assert all(_finite_or_none(v) for v in _all_values(got))
    if p_value is None:
        assert got.p_value is None and got.reason
    elif p_value == "finite":
        assert got.p_value is not None and got.relative.estimate is None
        assert got.relative.reason == "control_zero"
    else:
        assert got.p_value == pytest.approx(p_value)
        assert got.absolute.estimate == 0 and got.relative.estimate == 0
    assert _finite_or_none(abtest.chance_to_beat_beta(*case))


@pytest.mark.parametrize(
    "case",
    [
        (100, 0.0, 0.0, 120, 0.0, 0.0),  # no revenue at all
        (100, 500.0, 2500.0, 100, 500.0, 2500.0),  # every unit paid exactly 5 in both arms
        (1, 30.0, 900.0, 50, 100.0, 2000.0),  # one unit: no variance
        (0, 0.0, 0.0, 10, 1.0, 1.0),
        (80, 0.0, 0.0, 90, 450.0, 9000.0),  # zero control mean, treatment with variance
    ],
)
def test_revenue_edge_cases_never_nan(case):
    with np.errstate(all="raise"):
        got = abtest.compare_means(*case)
    assert all(_finite_or_none(v) for v in _all_values(got))
    assert got.p_value is None or 0 <= got.p_value <= 1


def test_srm_edge_cases():
    assert abtest.srm_check([0, 0], [0.5, 0.5]).p_value is None
    assert abtest.srm_check([10], [1.0]).p_value is None
    unplanned = abtest.srm_check([100, 90, 5], [0.5, 0.5, 0.0])
    assert unplanned.failed and unplanned.reason == "unplanned_variant"
    # A 0% variant with no units takes no part; shares that do not sum to 1 are normalised.
    a = abtest.srm_check([100, 90, 0], [0.5, 0.5, 0.0])
    b = abtest.srm_check([100, 90], [2, 2])
    assert a.p_value == pytest.approx(b.p_value) and not a.failed
