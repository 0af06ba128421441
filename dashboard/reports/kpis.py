"""Registry KPIs from the warehouse: run each KPI's query once per grain and evaluate it.

Shared by the scorecard and the weekly review: each KPI's query and formula come from the
metric registry, so both pages (and their exports) show one definition of every KPI.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics.evaluate import frame_values, merge_measures, row_values
from dashboard.metrics.registry import kpi

GRAINS = ("total", "week", "day", "city")


def measures(
    kpi_ids: Iterable[str], filters: Filters, scope: Scope, grain: str = "total"
) -> pd.DataFrame:
    """One row per bucket (bucket_start, city_id) with the measures of every query needed."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    names = sorted({kpi(k).query for k in kpi_ids})
    frames = data.run_all(*(data.query(n, filters, scope, grain=grain) for n in names))
    for frame in frames:
        frame["bucket_start"] = pd.to_datetime(frame["bucket_start"]).dt.date
        frame["city_id"] = frame["city_id"].astype(int)
    return merge_measures(frames)


def totals(kpi_ids: Iterable[str], filters: Filters, scope: Scope) -> dict[str, float | None]:
    """Each KPI's value over the whole period (None where it has no value)."""
    ids = list(kpi_ids)
    frame = measures(ids, filters, scope, "total")
    row = frame.iloc[0].to_dict() if not frame.empty else {}
    return row_values(row, ids)


def by_grain(kpi_ids: Iterable[str], filters: Filters, scope: Scope, grain: str) -> pd.DataFrame:
    """Each KPI's value per bucket of ``grain`` (bucket_start, city_id, one column per KPI)."""
    ids = list(kpi_ids)
    return frame_values(measures(ids, filters, scope, grain), ids)
