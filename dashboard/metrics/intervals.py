"""Confidence intervals: Wilson for proportions, Garwood for counts; the normal quantile.

The one implementation of each on the dashboard (the A/B statistics use these too). Pure
functions over numbers; a bound that does not exist (no trials, no events) is None, never NaN
or infinity, so the page can show "—" with a reason.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from scipy import stats

# The level every interval on the dashboard uses unless told otherwise.
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A point estimate with its lower and upper bound (None where the bound does not exist).

    ``reason`` names why the estimate or its bounds are missing (e.g. ``no_units``).
    """

    estimate: float | None
    low: float | None
    high: float | None
    level: float = LEVEL
    reason: str | None = None

    @property
    def known(self) -> bool:
        """True when both bounds exist."""
        return self.low is not None and self.high is not None


@functools.lru_cache(maxsize=32)
def z_value(level: float = LEVEL) -> float:
    """The two-sided standard-normal quantile for ``level`` (1.96 for 95%)."""
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    # Cached: scipy's distribution call costs ~50 µs and the A/B board asks once per comparison.
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson_bounds(successes, trials, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score bounds for arrays of successes and trials (NaN where there are no trials).

    At 0 successes the lower bound is exactly 0 and at ``trials`` successes the upper bound is
    exactly 1: the formula gives them only up to rounding noise, which could cross the estimate.
    """
    x, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low = np.where(x == 0, 0.0, np.maximum(0.0, centre - half))
        high = np.where(x == n, 1.0, np.minimum(1.0, centre + half))
    none = ~(n > 0)
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


def wilson(successes: int, trials: int, level: float = LEVEL) -> Interval:
    """Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998 method 3);
    empty, with reason ``no_units``, when there are no trials."""
    if trials is None or trials <= 0:
        return Interval(None, None, None, level, "no_units")
    if successes < 0 or successes > trials:
        raise ValueError("successes must lie between 0 and trials")
    low, high = wilson_bounds(successes, trials, level)
    return Interval(successes / trials, float(low), float(high), level)


def poisson_count(events: int, level: float = LEVEL) -> Interval:
    """Exact (Garwood) interval for the mean of a Poisson count; the lower bound of 0 events is 0."""
    if events is None or events < 0:
        return Interval(None, None, None, level)
    alpha = 1 - level
    low = 0.0 if events == 0 else float(stats.chi2.ppf(alpha / 2, 2 * events) / 2)
    high = float(stats.chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2)
    return Interval(float(events), low, high, level)


def cost_per_event(cost: float | None, events: int, level: float = LEVEL) -> Interval:
    """Interval of cost ÷ events when the events are a Poisson count (e.g. CAC of a small channel).

    The cost is taken as known; the count's Garwood bounds give the cost's bounds
    (more events → lower cost). With no events there is no cost per event and no interval.
    """
    if cost is None or events is None or events <= 0:
        return Interval(None, None, None, level)
    counts = poisson_count(events, level)
    if counts.low is None or counts.high is None:  # not with events > 0; narrows the types
        return Interval(None, None, None, level)
    return Interval(
        float(cost) / events, float(cost) / counts.high, float(cost) / counts.low, level
    )
