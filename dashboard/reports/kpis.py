"""Registry KPIs from the warehouse: run each KPI's query once per grain and evaluate it.

Shared by the scorecard, the weekly review, the overview and the members page: each KPI's
query and formula come from the metric registry, so every page (and its exports) shows one
definition of every KPI. ``measures_many`` reads several periods or grains at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Plan:
    """The queries some reads need, and how to turn their frames back into measures.

    For a report that runs other queries beside its KPI reads, all in one ``data.run_all``.
    """

    queries: tuple[data.Query, ...]
    sizes: tuple[int, ...]  # how many of the queries each read takes, in order

    def measures(self, frames: Sequence[pd.DataFrame]) -> list[pd.DataFrame]:
        """Each read's measures (one row per bucket) from the frames of ``queries``."""
        out, start = [], 0
        for size in self.sizes:
            mine = list(frames[start : start + size])
            start += size
            for frame in mine:
                frame["bucket_start"] = pd.to_datetime(frame["bucket_start"]).dt.date
                frame["city_id"] = frame["city_id"].astype(int)
            out.append(merge_measures(mine))
        return out


def plan(reads: Sequence[Read], scope: Scope) -> Plan:
    """The queries of every read (each KPI query once per read)."""
    queries: list[data.Query] = []
    sizes = []
    for ids, filters, grain in reads:
        if grain not in GRAINS:
            raise ValueError(f"unknown grain {grain!r}")
        names = sorted({kpi(k).query for k in ids})
        queries.extend(data.query(n, filters, scope, grain=grain) for n in names)
        sizes.append(len(names))
    return Plan(tuple(queries), tuple(sizes))


def measures_many(reads: Sequence[Read], scope: Scope) -> list[pd.DataFrame]:
    """``measures`` of every read, in order; all their queries run at once."""
    planned = plan(reads, scope)
    return planned.measures(data.run_all(*planned.queries))


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
