"""Multiple-testing correction: Benjamini–Hochberg adjusted p-values (false discovery rate)."""

from __future__ import annotations

import math

import numpy as np


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """BH-adjusted p-values in the input order; None entries stay None and are not counted.

    adjusted p₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎ · m / j, capped at 1 (Benjamini & Hochberg 1995),
    where m is the number of p-values present. Rejecting adjusted p < q controls the FDR at q.
    """
    present = [i for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    out: list[float | None] = [None] * len(p_values)
    m = len(present)
    if m == 0:
        return out
    raw = np.array([float(p_values[i]) for i in present])
    order = np.argsort(raw, kind="mergesort")
    ranked = raw[order] * m / np.arange(1, m + 1)
    # Step-up: each adjusted value is the smallest of itself and every larger-rank value.
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    for rank, pos in enumerate(order):
        out[present[pos]] = float(adjusted[rank])
    return out
