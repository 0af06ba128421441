"""Confidence intervals for small samples: Wilson for proportions, Garwood for counts.

Pure functions over numbers; a bound that does not exist (no trials, no events) is None,
never NaN or infinity, so the page can show "—" with a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

# The level every interval on the dashboard uses unless told otherwise.
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """A point estimate with its lower and upper bound (None where the bound does not exist)."""

    estimate: float | None
    low: float | None
    high: float | None
    level: float = LEVEL

    @property
    def known(self) -> bool:
        """True when both bounds exist."""
        return self.low is not None and self.high is not None


def z_value(level: float = LEVEL) -> float:
    """The two-sided standard-normal quantile for ``level`` (1.96 for 95%)."""
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson(successes: int, trials: int, level: float = LEVEL) -> Interval:
    """Wilson score interval for a binomial proportion; empty when there are no trials."""
    if trials is None or trials <= 0:
        return Interval(None, None, None, level)
    if successes < 0 or successes > trials:
        raise ValueError("successes must lie between 0 and trials")
    n, p, z = float(trials), successes / trials, z_value(level)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At p = 0 or 1 one bound is exactly 0 or 1; set it so rounding noise cannot cross p.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high, level)


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
    return Interval(
        float(cost) / events, float(cost) / counts.high, float(cost) / counts.low, level
    )
