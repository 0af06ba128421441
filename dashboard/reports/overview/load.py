"""Overview: headline KPIs of the period against the previous period, and weekly trends.

The KPIs come from the registry (their queries and formulas), so the overview, the weekly
review, the scorecard and the exports show one definition of each.
"""

from __future__ import annotations

import pandas as pd

from dashboard.filters import Filters, Scope
from dashboard.metrics.compare import compare
from dashboard.metrics.evaluate import frame_values, row_values
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.page_context import PageContext
from dashboard.reports import kpis
from dashboard.reports.overview.model import TREND_KPIS, OverviewData


def load(filters: Filters, scope: Scope) -> OverviewData:
    """Headline KPIs now and in the previous period of equal length, plus weekly trends."""
    measured_now, measured_before, measured_weeks = kpis.measures_many(
        [
            kpis.Read(OVERVIEW_KPIS, filters),
            kpis.Read(OVERVIEW_KPIS, filters.previous()),
            kpis.Read(TREND_KPIS, filters, "week"),
        ],
        scope,
    )
    now = measured_now.iloc[0].to_dict() if not measured_now.empty else {}
    current = row_values(now, OVERVIEW_KPIS)
    previous = kpis.totals_of(measured_before, OVERVIEW_KPIS)
    deltas = {
        kpi_id: compare(current[kpi_id], previous[kpi_id], kpi(kpi_id).higher_is_better)
        for kpi_id in OVERVIEW_KPIS
    }
    weekly = frame_values(measured_weeks, TREND_KPIS)
    weekly = weekly.rename(columns={"bucket_start": "week_start"}).drop(columns="city_id")
    # Label each week by its Monday (ISO week), even when the period starts mid-week.
    starts = pd.to_datetime(weekly["week_start"])
    weekly["week_start"] = (starts - pd.to_timedelta(starts.dt.day_of_week, unit="D")).dt.date
    weekly = weekly.astype({k: float for k in TREND_KPIS}).fillna(0.0)
    is_empty = all(not (now.get(c) or 0) for c in ("leads", "impressions", "revenue", "arrivals"))
    return OverviewData(filters=filters, deltas=deltas, weekly=weekly, is_empty=is_empty)


def build(ctx: PageContext) -> OverviewData:
    """The page's default view for the registry (the weekly pack and the benchmark)."""
    return load(ctx.filters, ctx.scope)
