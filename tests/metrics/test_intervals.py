"""Wilson and Garwood intervals against statsmodels / scipy, and their edge cases."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from dashboard.metrics.intervals import (
    cost_per_event,
    poisson_count,
    wilson,
    wilson_bounds,
    z_value,
)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (27, 400), (1, 1), (150, 151)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(k, n, level):
    low, high = proportion_confint(k, n, alpha=1 - level, method="wilson")
    got = wilson(k, n, level)
    assert got.estimate == pytest.approx(k / n)
    assert got.low == pytest.approx(low, abs=1e-12)
    assert got.high == pytest.approx(high, abs=1e-12)
    assert 0.0 <= got.low <= got.estimate <= got.high <= 1.0


@pytest.mark.parametrize("n", [1, 2, 7, 37, 263, 1000, 99_991])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_at_none_and_all_successes(n, level):
    # statsmodels leaves rounding noise at the ends (2.8e-17 for 0/7, 0.9999999999999999 for
    # 7/7); the bounds there are exactly 0 and 1.
    for k in (0, n):
        low, high = proportion_confint(k, n, alpha=1 - level, method="wilson")
        got = wilson(k, n, level)
        assert got.low == pytest.approx(low, abs=1e-15)
        assert got.high == pytest.approx(high, abs=1e-15)
    assert wilson(0, n, level).low == 0.0 and wilson(n, n, level).high == 1.0
    assert wilson(0, n, level).high < 1.0 and wilson(n, n, level).low > 0.0


def test_wilson_bounds_arrays_match_statsmodels():
    rng = np.random.default_rng(7)
    n = rng.integers(1, 5_000, 300)
    k = rng.binomial(n, rng.uniform(0, 1, 300))
    k[:20], k[20:40] = 0, n[20:40]  # both ends
    low, high = wilson_bounds(k, n)
    want_low, want_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(low, want_low, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(high, want_high, rtol=1e-12, atol=1e-15)
    assert (low[:20] == 0).all() and (high[20:40] == 1).all()
    for i in range(0, 300, 37):  # the scalar form is the array form
        got = wilson(int(k[i]), int(n[i]))
        assert (got.low, got.high) == (low[i], high[i])
    no_trials = wilson_bounds([0, 3], [0, 5])
    assert np.isnan(no_trials[0][0]) and np.isnan(no_trials[1][0])
    assert not np.isnan(no_trials[0][1])


def test_wilson_without_trials_is_empty():
    got = wilson(0, 0)
    assert (got.estimate, got.low, got.high) == (None, None, None)
    assert got.reason == "no_units"
    assert not got.known
    with pytest.raises(ValueError):
        wilson(5, 3)


@pytest.mark.parametrize("events", [0, 1, 4, 29, 30, 250])
def test_poisson_count_is_garwood(events):
    # Garwood's interval written through the gamma distribution (independent of chi2).
    alpha = 0.05
    low = 0.0 if events == 0 else stats.gamma.ppf(alpha / 2, events)
    high = stats.gamma.ppf(1 - alpha / 2, events + 1)
    got = poisson_count(events)
    assert got.low == pytest.approx(low, rel=1e-9, abs=1e-12)
    assert got.high == pytest.approx(high, rel=1e-9)
    assert got.low <= events <= got.high


def test_cost_per_event_brackets_the_estimate():
    got = cost_per_event(12_000.0, 8)
    counts = poisson_count(8)
    assert got.estimate == pytest.approx(1_500.0)
    assert got.low == pytest.approx(12_000.0 / counts.high)
    assert got.high == pytest.approx(12_000.0 / counts.low)
    assert got.low < got.estimate < got.high


def test_cost_per_event_without_events_is_empty():
    got = cost_per_event(5_000.0, 0)
    assert (got.estimate, got.low, got.high) == (None, None, None)  # never infinity on screen
    assert cost_per_event(None, 3).estimate is None


def test_z_value():
    assert z_value(0.95) == pytest.approx(1.959963984540054)
    for level in (0.8, 0.9, 0.99, 0.999):
        assert z_value(level) == pytest.approx(-stats.norm.ppf((1 - level) / 2), rel=1e-12)
    with pytest.raises(ValueError):
        z_value(1.0)
