"""Power of a two-sample z-test: minimum detectable effect and the sample a chosen effect needs.

The model is statsmodels' ``NormalIndPower``: a standardised effect d = Δ / σ, n₁ control units
and n₂ = ratio · n₁ treatment units, power = Φ(d·√n − z) + Φ(−d·√n − z) with n = n₁n₂ / (n₁ + n₂)
and z the two-sided critical value (both tails counted). σ is the control arm's standard
deviation: √(p(1 − p)) for a conversion rate, the sample SD of value per unit for revenue.

Power depends on d and n only through the shift s = d·√n, so for a given α and target power
there is one shift s*; then the detectable effect is s* / √n and the sample is (s* / d)² in
closed form. s* is solved once per (α, target) and reused.
"""

from __future__ import annotations

import functools
import math

from scipy import optimize, special

ALPHA = 0.05
POWER = 0.80


def power(effect: float, nobs1: float, ratio: float = 1.0, alpha: float = ALPHA) -> float:
    """Power of the two-sided two-sample z-test for standardised effect ``effect``."""
    nobs = 1.0 / (1.0 / nobs1 + 1.0 / (nobs1 * ratio))
    crit = -special.ndtri(alpha / 2)
    shift = effect * math.sqrt(nobs)
    return float(special.ndtr(shift - crit) + special.ndtr(-crit - shift))


@functools.lru_cache(maxsize=64)
def critical_shift(alpha: float = ALPHA, target: float = POWER) -> float | None:
    """The shift s = d·√n at which the test has power ``target``; None when none exists.

    Power rises from α at s = 0 towards 1, so a shift exists only for α < target < 1.
    """
    if not (0 < alpha < 1 and alpha < target < 1):
        return None
    crit = float(-special.ndtri(alpha / 2))

    def excess(s: float) -> float:
        return float(special.ndtr(s - crit) + special.ndtr(-crit - s)) - target

    # The one-tail closed form ignores the far tail's (positive) share, so power there is at
    # least the target: [0, one-tail] brackets the root.
    high = crit + float(special.ndtri(target))
    if excess(high) <= 0:
        return high
    return float(optimize.brentq(excess, 0.0, high, xtol=1e-300, rtol=1e-15, maxiter=500))


def _nobs(nobs1: float, ratio: float) -> float:
    """The effective sample n = n₁n₂ / (n₁ + n₂) of n₁ and n₂ = ratio · n₁."""
    return 1.0 / (1.0 / nobs1 + 1.0 / (nobs1 * ratio))


def detectable_effect(
    nobs1: float, ratio: float = 1.0, alpha: float = ALPHA, target: float = POWER
) -> float | None:
    """The standardised effect d that ``nobs1`` and ``ratio`` detect with power ``target``."""
    shift = critical_shift(alpha, target)
    if shift is None or nobs1 <= 0 or ratio <= 0:
        return None
    return shift / math.sqrt(_nobs(nobs1, ratio))


def sample_size(
    effect: float, ratio: float = 1.0, alpha: float = ALPHA, target: float = POWER
) -> float | None:
    """Control units n₁ (treatment n₁ · ratio) to detect standardised effect ``effect``."""
    shift = critical_shift(alpha, target)
    if shift is None or effect <= 0 or ratio <= 0:
        return None
    # n = n₁ · ratio / (1 + ratio) must reach (s / d)².
    return (shift / effect) ** 2 * (1.0 + 1.0 / ratio)


def conversion_sigma(rate: float | None) -> float | None:
    """Standard deviation of a 0/1 outcome at ``rate``; None when it is 0 or undefined."""
    if rate is None or not 0 < rate < 1:
        return None
    return math.sqrt(rate * (1 - rate))
