"""Multiple-testing correction: Benjamini–Hochberg adjusted p-values (false discovery rate)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """BH-adjusted p-values in the input order; None entries stay None and are not counted.

    adjusted p₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎ · m / j, capped at 1 (Benjamini & Hochberg 1995),
    where m is the number of p-values present, as ``scipy.stats.false_discovery_control``
    computes it. Rejecting adjusted p < q controls the FDR at q.
    """
    present = [(i, p) for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    out: list[float | None] = [None] * len(p_values)
    if not present:
        return out
    raw = np.array([p for _, p in present], dtype=float)
    adjusted = stats.false_discovery_control(raw, method="bh")
    for (pos, _), value in zip(present, adjusted.tolist(), strict=True):
        out[pos] = float(value)
    return out
