"""The overview page's tables for Excel: the KPI comparison and the table beneath the trends."""

from __future__ import annotations

import pandas as pd

from dashboard.export.sheet import Column, Sheet
from dashboard.i18n import t
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.reports.overview.model import TREND_KPIS, OverviewData


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
