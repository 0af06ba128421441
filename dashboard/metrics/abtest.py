"""A/B test statistics on per-variant aggregates: intervals, lifts, p-values, chance to beat.

Everything here works on counts and sums (units, conversions, Σvalue, Σvalue²) so the warehouse
aggregates and no raw rows reach Python. Conventions, chosen to match GrowthBook/Eppo/Statsig:

- conversion: two-proportion z-test with the pooled variance (the test's null); the absolute
  lift's interval is Newcombe's hybrid score interval (Newcombe 1998, method 10: built from
  the two Wilson intervals; unlike the Wald interval it stays sound for small samples and
  rates near 0 or 1); a variant's rate has a Wilson score interval;
- value per unit (revenue): Welch's t-test with Satterthwaite degrees of freedom; the absolute
  lift's interval uses the same t quantile; a variant's mean has a t interval;
- relative lift (treatment ÷ control − 1): delta-method standard error, normal quantile;
- chance to beat control: conversion — exact Beta–Binomial posterior with a flat Beta(1, 1)
  prior; revenue — normal approximation Φ(Δ / se), i.e. a flat prior on the two means.

The array functions (``proportion_arrays``, ``mean_arrays``) are the one implementation; they
take numpy arrays (the cumulative timeline evaluates hundreds of days at once) and return NaN
where a figure is undefined. The scalar functions wrap them and turn NaN into None with a
reason code, so nothing downstream ever sees NaN or ±inf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from dashboard.metrics.intervals import LEVEL, Interval, wilson_bounds, z_value

CONFIDENCE = LEVEL
# Above this many successes in both arms the exact Beta sum is replaced by its normal limit.
EXACT_BETA_LIMIT = 1_000_000
SRM_THRESHOLD = 0.001


@dataclass(frozen=True)
class Comparison:
    """Treatment against control on one metric."""

    metric: str  # "conversion" or "revenue"
    control: float | None  # control rate or mean value per unit
    treatment: float | None
    absolute: Interval  # treatment − control
    relative: Interval  # treatment ÷ control − 1 (delta method)
    statistic: float | None  # z or t
    df: float | None  # Welch degrees of freedom; None for the z-test
    p_value: float | None
    chance_to_beat: float | None
    se: float | None  # standard error of the absolute lift (unpooled)
    reason: str | None = None  # why the test itself is undefined


def _none(x) -> float | None:
    """A finite float, or None for NaN, ±inf and None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _relative(mean_c, var_mean_c, mean_t, var_mean_t, z) -> tuple:
    """treatment ÷ control − 1 and its delta-method half-width (arrays; NaN when undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(mean_c != 0, mean_t / mean_c - 1, np.nan)
        var = var_mean_t / mean_c**2 + mean_t**2 * var_mean_c / mean_c**4
        half = np.where((mean_c != 0) & (var > 0), z * np.sqrt(var), np.nan)
    return rel, half


def proportion_arrays(x_c, n_c, x_t, n_t, confidence: float = CONFIDENCE) -> dict:
    """Rates, lifts with intervals, pooled z and p-value for arrays of counts (NaN if undefined)."""
    x_c, n_c, x_t, n_t = (np.asarray(a, dtype=float) for a in (x_c, n_c, x_t, n_t))
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_c, p_t = x_c / n_c, x_t / n_t
        var_c, var_t = p_c * (1 - p_c) / n_c, p_t * (1 - p_t) / n_t
        se = np.sqrt(var_c + var_t)
        diff = p_t - p_c
        # Newcombe's hybrid score interval: each arm's distance to its Wilson bounds.
        lo_c, hi_c = wilson_bounds(x_c, n_c, confidence)
        lo_t, hi_t = wilson_bounds(x_t, n_t, confidence)
        abs_lo = diff - np.sqrt((p_t - lo_t) ** 2 + (hi_c - p_c) ** 2)
        abs_hi = diff + np.sqrt((hi_t - p_t) ** 2 + (p_c - lo_c) ** 2)
        pooled = (x_c + x_t) / (n_c + n_t)
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
        stat = np.where(se0 > 0, diff / se0, np.nan)
    rel, rel_half = _relative(p_c, var_c, p_t, var_t, z)
    return {
        "control": p_c, "treatment": p_t, "abs": diff, "abs_lo": abs_lo,
        "abs_hi": abs_hi, "rel": rel, "rel_lo": rel - rel_half, "rel_hi": rel + rel_half,
        "stat": stat, "p": 2 * special.ndtr(-np.abs(stat)), "se": se,
    }  # fmt: skip


def mean_arrays(n_c, s_c, ss_c, n_t, s_t, ss_t, confidence: float = CONFIDENCE) -> dict:
    """Means, lifts with intervals, Welch t, df and p-value for arrays of sums (NaN if undefined)."""
    n_c, s_c, ss_c, n_t, s_t, ss_t = (
        np.asarray(a, dtype=float) for a in (n_c, s_c, ss_c, n_t, s_t, ss_t)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        m_c, v_c = _mean_var(n_c, s_c, ss_c)
        m_t, v_t = _mean_var(n_t, s_t, ss_t)
        vm_c, vm_t = v_c / n_c, v_t / n_t
        se2 = vm_c + vm_t
        se = np.where(se2 > 0, np.sqrt(se2), np.nan)
        diff = m_t - m_c
        # Welch–Satterthwaite; a zero-variance arm contributes nothing to the denominator.
        denom = np.where(vm_c > 0, vm_c**2 / (n_c - 1), 0.0) + np.where(
            vm_t > 0, vm_t**2 / (n_t - 1), 0.0
        )
        df = np.where(denom > 0, se2**2 / denom, np.nan)
        stat = diff / se
        q = special.stdtrit(df, 0.5 + confidence / 2)
    rel, rel_half = _relative(m_c, vm_c, m_t, vm_t, z_value(confidence))
    return {
        "control": m_c, "treatment": m_t, "abs": diff, "abs_lo": diff - q * se,
        "abs_hi": diff + q * se, "rel": rel, "rel_lo": rel - rel_half, "rel_hi": rel + rel_half,
        "stat": stat, "df": df, "p": 2 * special.stdtr(df, -np.abs(stat)), "se": se,
    }  # fmt: skip


def _mean_var(n, total, total_sq):
    mean = np.where(n > 0, total / n, np.nan)
    # Rounding in Σx² − (Σx)²/n can leave a tiny negative for constant data: clip at zero.
    var = np.where(n > 1, np.maximum(0.0, (total_sq - total * total / n) / (n - 1)), np.nan)
    return mean, var


def moments(n: int, total: float, total_sq: float) -> tuple[float | None, float | None]:
    """Mean and sample variance (n − 1) from a count, a sum and a sum of squares."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, var = _mean_var(np.float64(n), np.float64(total), np.float64(total_sq))
    return _none(mean), _none(var)


def mean_interval(
    n: int, total: float, total_sq: float, confidence: float = CONFIDENCE
) -> Interval:
    """Mean value per unit with its Student t interval."""
    mean, var = moments(n, total, total_sq)
    if mean is None:
        return Interval(None, None, None, confidence, "no_units")
    if var is None:
        return Interval(mean, None, None, confidence, "too_few_units")
    if var == 0:
        return Interval(mean, None, None, confidence, "no_variance")
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2)) * math.sqrt(var / n)
    return Interval(mean, mean - half, mean + half, confidence)


def _interval(r: dict, est: str, lo: str, hi: str, reason: str, level: float) -> Interval:
    e, low, high = _none(r[est]), _none(r[lo]), _none(r[hi])
    if e is None:
        return Interval(None, None, None, level, reason)
    if low is None or high is None:
        return Interval(e, None, None, level, "no_variance")
    return Interval(e, low, high, level)


def compare_proportions(
    x_c: int, n_c: int, x_t: int, n_t: int, confidence: float = CONFIDENCE
) -> Comparison:
    """Conversion of treatment against control: lifts, z-test, chance to beat."""
    if n_c <= 0 or n_t <= 0:
        return _undefined("conversion", "no_units")
    r = {k: v.item() for k, v in proportion_arrays(x_c, n_c, x_t, n_t, confidence).items()}
    p_value = _none(r["p"])
    return Comparison(
        metric="conversion",
        control=r["control"],
        treatment=r["treatment"],
        absolute=_interval(r, "abs", "abs_lo", "abs_hi", "no_variance", confidence),
        relative=_interval(r, "rel", "rel_lo", "rel_hi", "control_zero", confidence),
        statistic=_none(r["stat"]),
        df=None,
        p_value=p_value,
        chance_to_beat=chance_to_beat_beta(x_c, n_c, x_t, n_t),
        se=_none(r["se"]),
        # Both arms all-or-nothing and equal: there is nothing to test.
        reason=None if p_value is not None else "no_variance",
    )


def compare_means(
    n_c: int, sum_c: float, sumsq_c: float, n_t: int, sum_t: float, sumsq_t: float,
    confidence: float = CONFIDENCE,
) -> Comparison:  # fmt: skip
    """Value per unit of treatment against control: Welch's t-test, lifts, chance to beat."""
    if n_c <= 0 or n_t <= 0:
        return _undefined("revenue", "no_units")
    if n_c < 2 or n_t < 2:
        return _undefined("revenue", "too_few_units", sum_c / n_c, sum_t / n_t)
    r = mean_arrays(n_c, sum_c, sumsq_c, n_t, sum_t, sumsq_t, confidence)
    r = {k: v.item() for k, v in r.items()}
    p_value, se = _none(r["p"]), _none(r["se"])
    chance = None if se is None else float(special.ndtr(r["abs"] / se))
    return Comparison(
        metric="revenue",
        control=r["control"],
        treatment=r["treatment"],
        absolute=_interval(r, "abs", "abs_lo", "abs_hi", "no_variance", confidence),
        relative=_interval(r, "rel", "rel_lo", "rel_hi", "control_zero", confidence),
        statistic=_none(r["stat"]),
        df=_none(r["df"]),
        p_value=p_value,
        chance_to_beat=chance,
        se=se,
        reason=None if p_value is not None else "no_variance",
    )


def _undefined(
    metric: str, reason: str, control: float | None = None, treatment: float | None = None
) -> Comparison:
    empty = Interval(None, None, None, reason=reason)
    return Comparison(
        metric, control, treatment, empty, empty, None, None, None, None, None, reason
    )


def chance_to_beat_beta(x_c: int, n_c: int, x_t: int, n_t: int) -> float | None:
    """P(p_t > p_c) under Beta(1 + x, 1 + n − x) posteriors (flat prior), exactly.

    Evan Miller's closed form, summed over the arm with fewer successes in log space; above
    EXACT_BETA_LIMIT successes in both arms the normal limit of the posteriors is used.
    """
    if n_c <= 0 or n_t <= 0:
        return None
    a_c, b_c = 1.0 + x_c, 1.0 + n_c - x_c
    a_t, b_t = 1.0 + x_t, 1.0 + n_t - x_t
    if min(a_c, a_t) > EXACT_BETA_LIMIT:
        return _beta_normal(a_c, b_c, a_t, b_t)
    if a_t <= a_c:
        return _clip01(_miller(a_c, b_c, a_t, b_t))
    return _clip01(1.0 - _miller(a_t, b_t, a_c, b_c))


def _miller(a_a: float, b_a: float, a_b: float, b_b: float) -> float:
    """P(B > A) for Beta(a_a, b_a) and Beta(a_b, b_b) with integer a_b (sum of a_b terms)."""
    i = np.arange(int(a_b), dtype=float)
    log_terms = (
        special.betaln(a_a + i, b_a + b_b)
        - np.log(b_b + i)
        - special.betaln(1 + i, b_b)
        - special.betaln(a_a, b_a)
    )
    top = log_terms.max()
    return float(math.exp(top) * np.exp(log_terms - top).sum())


def _beta_normal(a_c: float, b_c: float, a_t: float, b_t: float) -> float:
    def mean_var(a: float, b: float) -> tuple[float, float]:
        return a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))

    m_c, v_c = mean_var(a_c, b_c)
    m_t, v_t = mean_var(a_t, b_t)
    return float(special.ndtr((m_t - m_c) / math.sqrt(v_c + v_t)))


def _clip01(x: float) -> float:
    return min(1.0, max(0.0, x))


@dataclass(frozen=True)
class SrmCheck:
    """Sample-ratio-mismatch check: chi-square of observed units against the planned split."""

    chi2: float | None
    df: int | None
    p_value: float | None
    failed: bool
    reason: str | None = None


def srm_check(units: list[int], planned: list[float], threshold: float = SRM_THRESHOLD) -> SrmCheck:
    """Chi-square goodness of fit of units per variant to the planned shares (fail at p < threshold).

    Shares are normalised to sum to one. Units in a variant planned at 0% are a mismatch by
    definition (p = 0); variants planned at 0% with no units take no part.
    """
    obs = np.asarray(units, dtype=float)
    share = np.asarray(planned, dtype=float)
    if len(obs) != len(share) or np.any(share < 0) or np.any(obs < 0):
        return SrmCheck(None, None, None, False, "bad_plan")
    if np.any((share == 0) & (obs > 0)):
        return SrmCheck(None, None, 0.0, True, "unplanned_variant")
    keep = share > 0
    obs, share = obs[keep], share[keep]
    if len(obs) < 2:
        return SrmCheck(None, None, None, False, "one_variant")
    total = obs.sum()
    if total <= 0:
        return SrmCheck(None, None, None, False, "no_units")
    expected = total * share / share.sum()
    chi2 = float(((obs - expected) ** 2 / expected).sum())
    df = len(obs) - 1
    p_value = float(special.chdtrc(df, chi2))
    return SrmCheck(chi2, df, p_value, p_value < threshold)
