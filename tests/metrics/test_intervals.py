"""Wilson and Garwood intervals against statsmodels / scipy, and their edge cases."""

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from dashboard.metrics.intervals import cost_per_event, poisson_count, wilson, z_value


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (27, 400), (1, 1), (150, 151)])
@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(k, n, level):
    low, high = proportion_confint(k, n, alpha=1 - level, method="wilson")
    got = wilson(k, n, level)
    assert got.estimate == pytest.approx(k / n)
    assert got.low == pytest.approx(low, abs=1e-12)
    assert got.high == pytest.approx(high, abs=1e-12)
    assert 0.0 <= got.low <= got.estimate <= got.high <= 1.0


def test_wilson_without_trials_is_empty():
    got = wilson(0, 0)
    assert (got.estimate, got.low, got.high) == (None, None, None)
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
    with pytest.raises(ValueError):
        z_value(1.0)
