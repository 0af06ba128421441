"""The regions page's Excel sheets: the ranking, both heat tables, the clinics and the map grid.

Each sheet holds raw numbers with a unit per column (the workbook writer formats them); the
headers, titles and notes are the ones the page shows, in the chosen language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from dashboard import labels
from dashboard.export.sheet import Column, Sheet
from dashboard.i18n import t
from dashboard.metrics.regions import LOW_SAMPLE_MIN, HeatGrid, metric
from dashboard.reports.regions_view import (
    TIP_FIGURES,
    channel_labels,
    city_names,
    map_notes,
    metric_name,
    name_col,
    ranking_columns,
    ranking_frame,
    table_notes,
    week_label,
)

if TYPE_CHECKING:
    from dashboard.reports.regions import RegionsData


def _ranking_sheet(report: RegionsData, lang: str) -> Sheet:
    m = metric(report.table_metric)
    headers = ranking_columns(report, lang)
    columns = [
        Column("rank", headers["rank"], "count"),
        Column("city", headers["city"]),
        Column("tier_label", headers["tier_label"]),
        Column("value", headers["value"], m.unit),
        *([Column("n", headers["n"], "count")] if m.is_rate else []),
        Column("this_week", headers["this_week"], m.unit),
        Column("last_week", headers["last_week"], m.unit),
        Column("change", t("regions.col.change_diff", lang), m.unit),
        Column("change_pct", headers["change_pct"], "rate"),
        Column("verdict_label", headers["verdict_label"]),
        Column("note", headers["note"]),
    ]
    notes = tuple(table_notes(report, lang))
    title = t("regions.ranking_title", lang, metric=metric_name(m.id, lang, report.arrival_basis))
    return Sheet(
        t("regions.sheet.ranking", lang), ranking_frame(report, lang), tuple(columns), title, notes
    )


def _grid_long(
    report: RegionsData, grid: HeatGrid, keys: list, labels: list[str], lang: str
) -> pd.DataFrame:
    names = city_names(report, lang)
    rows = []
    for r, cid in enumerate(grid.row_ids):
        for c, key in enumerate(keys):
            rows.append(
                {
                    "city": names[cid],
                    "tier_label": t(f"tier.{grid.row_tiers[r]}", lang),
                    "column": key,
                    "column_label": labels[c],
                    "value": grid.value[r][c],
                    "n": grid.n[r][c],
                    "note": t("regions.low_sample_note", lang, min=LOW_SAMPLE_MIN)
                    if grid.low[r][c]
                    else "",
                }
            )
    return pd.DataFrame(
        rows, columns=["city", "tier_label", "column", "column_label", "value", "n", "note"]
    )


def _heat_sheet(report: RegionsData, which: str, lang: str) -> Sheet:
    m = metric(report.table_metric)
    if which == "weekly":
        grid, keys = report.weekly, list(report.weeks)
        labels = [week_label(w) for w in keys]
        col = Column("column", t("regions.axis.week", lang), "date")
    else:
        grid, keys = report.by_channel, report.channels["channel_id"].tolist()
        labels = channel_labels(report, lang)
        col = Column("column_label", t("regions.axis.channel", lang))
    frame = _grid_long(report, grid, keys, labels, lang)
    columns = (
        Column("city", t("regions.col.city", lang)),
        Column("tier_label", t("regions.col.tier", lang)),
        col,
        Column("value", metric_name(m.id, lang, report.arrival_basis), m.unit),
        *((Column("n", t("regions.col.n", lang), "count"),) if m.is_rate else ()),
        Column("note", t("regions.col.note", lang)),
    )
    title = t(f"regions.{which}_title", lang, metric=metric_name(m.id, lang, report.arrival_basis))
    return Sheet(
        t(f"regions.sheet.{which}", lang), frame, columns, title, tuple(table_notes(report, lang))
    )


def _clinics_sheet(report: RegionsData, lang: str) -> Sheet:
    names = city_names(report, lang)
    frame = report.clinics.assign(
        name=report.clinics[name_col(lang)],
        city=[names.get(int(c), "") for c in report.clinics["city_id"]],
        specialty_label=labels.labels_in(report.clinics, "specialty", lang),
    )
    columns = (
        Column("name", t("regions.col.clinic", lang)),
        Column("city", t("regions.col.city", lang)),
        Column("specialty_label", t("regions.col.specialty", lang)),
        *(Column(metric(k).column, metric_name(k, lang), metric(k).unit) for k in TIP_FIGURES),
        Column("lat", t("regions.col.lat", lang), "number"),
        Column("lon", t("regions.col.lon", lang), "number"),
    )
    return Sheet(
        t("regions.sheet.clinics", lang),
        frame,
        columns,
        t("regions.map_title", lang),
        (t("regions.legend.markers", lang),),
    )


def _cells_sheet(report: RegionsData, lang: str) -> Sheet:
    m = metric(report.map_metric)
    columns = (
        Column("lat", t("regions.col.cell_lat", lang), "number"),
        Column("lon", t("regions.col.cell_lon", lang), "number"),
        Column("value", metric_name(m.id, lang, report.arrival_basis), m.unit),
    )
    notes = tuple(map_notes(report, lang))
    title = t("regions.cells_title", lang, metric=metric_name(m.id, lang, report.arrival_basis))
    return Sheet(t("regions.sheet.cells", lang), report.grid, columns, title, notes)


def sheets(report: RegionsData, lang: str) -> list[Sheet]:
    """The regions page's tables for Excel: ranking, both heat tables, clinics and map cells."""
    return [
        _ranking_sheet(report, lang),
        _heat_sheet(report, "weekly", lang),
        _heat_sheet(report, "channel", lang),
        _clinics_sheet(report, lang),
        _cells_sheet(report, lang),
    ]
