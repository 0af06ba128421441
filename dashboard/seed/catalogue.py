"""The service catalogue (``services.csv``): what a deal or a repeat purchase buys, and its price."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.seed.core import draw_discrete
from dashboard.seed.reference import SPECIALTIES


def pick_services(
    services: pd.DataFrame, spec: np.ndarray, weight_col: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A service row for each item of the given specialties, and its price (whole yuan)."""
    idx = np.zeros(len(spec), dtype=np.int16)
    svc_spec = services["specialty"].to_numpy()
    for s, name in enumerate(SPECIALTIES):
        rows = np.flatnonzero(svc_spec == name)
        w = services[weight_col].to_numpy(float)[rows]
        sel = np.flatnonzero(spec == s)
        idx[sel] = rows[draw_discrete(w, rng.random(len(sel), dtype=np.float32))]
    lo = services["price_min"].to_numpy(float)[idx]
    hi = services["price_max"].to_numpy(float)[idx]
    # Prices bunch in the lower part of each range (entry packages sell most); a power of a
    # uniform does that as well as a beta draw at a tenth of the cost.
    price = lo + (hi - lo) * rng.random(len(idx), dtype=np.float32) ** np.float32(1.5)
    # Big tickets are quoted to the ten yuan, small ones to the yuan.
    price = np.where(price >= 1000, np.round(price, -1), np.round(price))
    return idx, price


def service_columns(
    services: pd.DataFrame, idx: np.ndarray
) -> tuple[pd.Categorical, pd.Categorical]:
    """``orders.service`` and ``orders.category`` as categoricals (cheap for millions of rows)."""
    names = services["service"].tolist()
    cats = sorted(set(services["category"]))
    cat_code = np.array([cats.index(c) for c in services["category"]])[idx]
    return (
        pd.Categorical.from_codes(idx, categories=names),
        pd.Categorical.from_codes(cat_code, categories=cats),
    )
