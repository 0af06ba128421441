"""Registry KPIs from the warehouse: run each KPI's query once per grain and evaluate it.

Shared by the scorecard, the weekly review, the overview and the members page: each KPI's
query and formula come from the metric registry, so every page (and its exports) shows one
definition of every KPI. ``measures_many`` reads several periods or grains at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics.evaluate import frame_values, merge_measures, row_values
from dashboard.metrics.registry import kpi

GRAINS = ("total", "week", "day", "city")


class Read(NamedTuple):
    """Some KPIs over one set of filters at one grain, for ``measures_many``."""

    kpi_ids: Iterable[str]
    filters: Filters
    grain: str = "total"


def measures_many(reads: Sequence[Read], scope: Scope) -> list[pd.DataFrame]:
    """``measures`` of every read, in order; all their queries run at once."""
    groups: list[list[data.Query]] = []
    for ids, filters, grain in reads:
        if grain not in GRAINS:
            raise ValueError(f"unknown grain {grain!r}")
        names = sorted({kpi(k).query for k in ids})
        groups.append([data.query(n, filters, scope, grain=grain) for n in names])
    frames = iter(data.run_all(*(q for group in groups for q in group)))
    out = []
    for group in groups:
        mine = [next(frames) for _ in group]
        for frame in mine:
            frame["bucket_start"] = pd.to_datetime(frame["bucket_start"]).dt.date
            frame["city_id"] = frame["city_id"].astype(int)
        out.append(merge_measures(mine))
    return out


def measures(
    kpi_ids: Iterable[str], filters: Filters, scope: Scope, grain: str = "total"
) -> pd.DataFrame:
    """One row per bucket (bucket_start, city_id) with the measures of every query needed."""
    return measures_many([Read(kpi_ids, filters, grain)], scope)[0]


def totals_of(measured: pd.DataFrame, kpi_ids: Iterable[str]) -> dict[str, float | None]:
    """Each KPI's value from a "total" grain's measures (None where it has no value)."""
    row = measured.iloc[0].to_dict() if not measured.empty else {}
    return row_values(row, list(kpi_ids))


def totals(kpi_ids: Iterable[str], filters: Filters, scope: Scope) -> dict[str, float | None]:
    """Each KPI's value over the whole period (None where it has no value)."""
    ids = list(kpi_ids)
    return totals_of(measures(ids, filters, scope, "total"), ids)


def by_grain(kpi_ids: Iterable[str], filters: Filters, scope: Scope, grain: str) -> pd.DataFrame:
    """Each KPI's value per bucket of ``grain`` (bucket_start, city_id, one column per KPI)."""
    ids = list(kpi_ids)
    return frame_values(measures(ids, filters, scope, grain), ids)
