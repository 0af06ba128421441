"""Power of a two-sample z-test: minimum detectable effect and the sample a chosen effect needs.

The model is statsmodels' ``NormalIndPower``: a standardised effect d = Δ / σ, n₁ control units
and n₂ = ratio · n₁ treatment units, power = Φ(d·√n − z) + Φ(−d·√n − z) with n = n₁n₂ / (n₁ + n₂)
and z the two-sided critical value (both tails counted). σ is the control arm's standard
deviation: √(p(1 − p)) for a conversion rate, the sample SD of value per unit for revenue.
"""

from __future__ import annotations

import math

from scipy import optimize, special

ALPHA = 0.05
POWER = 0.80
_XTOL = 1e-14


def power(effect: float, nobs1: float, ratio: float = 1.0, alpha: float = ALPHA) -> float:
    """Power of the two-sided two-sample z-test for standardised effect ``effect``."""
    nobs = 1.0 / (1.0 / nobs1 + 1.0 / (nobs1 * ratio))
    crit = -special.ndtri(alpha / 2)
    shift = effect * math.sqrt(nobs)
    return float(special.ndtr(shift - crit) + special.ndtr(-crit - shift))


def detectable_effect(
    nobs1: float, ratio: float = 1.0, alpha: float = ALPHA, target: float = POWER
) -> float | None:
    """The standardised effect d that ``nobs1`` and ``ratio`` detect with power ``target``."""
    if nobs1 <= 0 or ratio <= 0:
        return None
    nobs = 1.0 / (1.0 / nobs1 + 1.0 / (nobs1 * ratio))
    # The one-tail closed form is a lower bound; the root lies just above it.
    guess = (-special.ndtri(alpha / 2) + special.ndtri(target)) / math.sqrt(nobs)
    return _root(lambda d: power(d, nobs1, ratio, alpha) - target, guess * 0.5, guess * 1.5)


def sample_size(
    effect: float, ratio: float = 1.0, alpha: float = ALPHA, target: float = POWER
) -> float | None:
    """Control units n₁ (treatment n₁ · ratio) to detect standardised effect ``effect``."""
    if effect <= 0 or ratio <= 0:
        return None
    guess = (-special.ndtri(alpha / 2) + special.ndtri(target)) ** 2 * (1 + 1 / ratio) / effect**2
    return _root(
        lambda n: power(effect, n, ratio, alpha) - target, max(guess * 0.5, 1e-9), guess * 1.5
    )


def _root(f, low: float, high: float) -> float | None:
    """The root of ``f`` between low and high, widening the bracket as needed."""
    for _ in range(60):
        if f(low) < 0 < f(high):
            return float(optimize.brentq(f, low, high, xtol=_XTOL, rtol=1e-15, maxiter=500))
        low, high = low / 2, high * 2
    return None


def conversion_sigma(rate: float | None) -> float | None:
    """Standard deviation of a 0/1 outcome at ``rate``; None when it is 0 or undefined."""
    if rate is None or not 0 < rate < 1:
        return None
    return math.sqrt(rate * (1 - rate))
