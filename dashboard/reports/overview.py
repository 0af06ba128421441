"""Overview: headline KPIs of the period against the previous period, and weekly trends.

The KPIs come from the registry (their queries and formulas), so the overview, the weekly
review, the scorecard and the exports show one definition of each.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.metrics.compare import Delta, compare
from dashboard.metrics.evaluate import frame_values, row_values
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.reports import kpis

TREND_KPIS: tuple[str, ...] = (
    "impressions",
    "inquiries",
    "arrivals",
    "paid_deals",
    "revenue",
    "spend",
)


@dataclass(frozen=True)
class OverviewData:
    """What the overview page shows."""

    filters: Filters
    deltas: dict[str, Delta]
    weekly: pd.DataFrame
    is_empty: bool


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


def sheets(report: OverviewData, lang: str) -> list[Sheet]:
    """The overview's tables for Excel: the KPI comparison and the table beneath the trends."""
    f, prev = report.filters, report.filters.previous()
    rows = []
    for kpi_id in OVERVIEW_KPIS:
        d = report.deltas[kpi_id]
        rows.append(
            {
                "kpi": kpi(kpi_id).name(lang),
                # Not a column: the writer formats each row's numbers in the KPI's unit.
                "unit": kpi(kpi_id).unit,
                "current": d.current,
                "previous": d.previous,
                "change": d.change,
                "change_pct": d.change_pct,
                "verdict": t(f"overview.verdict.{d.verdict}", lang),
            }
        )
    kpi_sheet = Sheet(
        name=t("export.overview.kpi_sheet", lang),
        frame=pd.DataFrame(rows),
        columns=(
            Column("kpi", t("export.overview.kpi", lang), "text"),
            Column(
                "current", t("export.overview.current", lang, start=f.start, end=f.end), "number"
            ),
            Column(
                "previous",
                t("export.overview.previous", lang, start=prev.start, end=prev.end),
                "number",
            ),
            Column("change", t("compare.change", lang), "number"),
            Column("change_pct", t("export.overview.change_pct", lang), "rate"),
            Column("verdict", t("export.overview.verdict", lang), "text"),
        ),
        title=t("export.overview.kpi_title", lang),
    )
    trend_sheet = Sheet(
        name=t("export.overview.trend_sheet", lang),
        frame=report.weekly,
        columns=(
            Column("week_start", t("export.overview.week", lang), "date"),
            *(Column(k, kpi(k).name(lang), kpi(k).unit) for k in TREND_KPIS),
        ),
        title=t("overview.trends", lang),
        notes=(t("export.overview.trend_note", lang),),
    )
    return [kpi_sheet, trend_sheet]
