"""The regions page in a language: map tooltips, heat-table texts, the ranking table, sheets.

Everything here is derived from a ``RegionsData`` plus the language; the page only renders
(charts.py draws the map and heat tables from the texts built here). The Excel sheets (the
ranking, both heat tables, the clinics and the map grid) hold raw numbers with a unit per
column (the workbook writer formats them); their headers, titles and notes are the page's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from dashboard import labels
from dashboard.export.sheet import Column, Sheet
from dashboard.formatting import DASH, fmt_change, fmt_compact, fmt_delta, fmt_value
from dashboard.i18n import t
from dashboard.literal import html, md
from dashboard.metrics.arithmetic import Cell, is_missing
from dashboard.metrics.regions import COUNT_COLUMNS, LOW_SAMPLE_MIN, CityMetric, HeatGrid, metric
from dashboard.metrics.registry import kpi_help, kpi_label
from dashboard.reports.regions.model import HeatLabels, MapPoints, RegionsData

TIP_FIGURES = ("revenue", "arrivals", "customers", "new_customers", "complaints")


def metric_name(metric_id: str, lang: str, basis: str = "appointments") -> str:
    """A regional metric's name in ``lang`` (到诊率's says which definition ``basis`` is)."""
    kpi_id = metric(metric_id).kpi_id
    return kpi_label(kpi_id, lang, basis) if kpi_id else t(f"regions.metric.{metric_id}", lang)


def metric_help(metric_id: str, lang: str, basis: str = "appointments") -> str:
    """How a regional metric is computed, in ``lang`` (the registry's words for its KPIs)."""
    kpi_id = metric(metric_id).kpi_id
    if kpi_id:
        return f"{kpi_label(kpi_id, lang, basis)}: {kpi_help(kpi_id, lang, basis)}"
    return t(f"regions.metric_help.{metric_id}", lang)


def name_col(lang: str) -> str:
    """The name column of a dimension table in ``lang``."""
    return "name_zh" if lang == "zh" else "name_en"


def city_names(report: RegionsData, lang: str) -> dict[int, str]:
    """City id → name in ``lang`` for the shown cities."""
    return dict(zip(report.cities["city_id"], report.cities[name_col(lang)], strict=True))


def clinic_cities(report: RegionsData) -> dict[int, int]:
    """Clinic id → city id for the shown clinics (to keep a clinic pick inside a picked city)."""
    return {
        int(k): int(c)
        for k, c in zip(report.clinics["clinic_id"], report.clinics["city_id"], strict=True)
    }


# ---------------------------------------------------------------- map


def _tip(lines: Sequence[str]) -> str:
    return "\n".join(lines)


def _figure_lines(row: pd.Series, lang: str) -> list[str]:
    return [
        f"{metric_name(k, lang)}: {fmt_value(metric(k).value(row), metric(k).unit, lang)}"
        for k in TIP_FIGURES
    ]


def map_points(report: RegionsData, lang: str) -> MapPoints:
    """The map's clinic and city markers with their tooltips in ``lang`` (charts.map_deck draws them)."""
    names = city_names(report, lang)
    clinics = report.clinics.assign(
        tip=[
            _tip(
                [
                    str(row[name_col(lang)]),
                    f"{names.get(int(row['city_id']), '')} · "
                    + labels.code_label(
                        "specialty", row.specialty, lang, row.get(f"specialty_{lang}")
                    ),
                    *_figure_lines(row, lang),
                    t("regions.tip.click_clinic", lang),
                ]
            )
            for _, row in report.clinics.iterrows()
        ]
    )
    totals = report.city_totals.set_index("city_id")
    city_rows = []
    for _, city in report.cities.iterrows():
        cid = int(city["city_id"])
        figures = totals.loc[cid] if cid in totals.index else pd.Series(0.0, index=COUNT_COLUMNS)
        header = f"{city[name_col(lang)]} · {t(f'tier.{city.tier}', lang)}"
        clinics_line = t("regions.tip.clinics", lang, n=int(city["clinics"]))
        city_rows.append(
            {
                "city_id": cid,
                "lat": city["lat"],
                "lon": city["lon"],
                "label": city[name_col(lang)],
                "tip": _tip(
                    [
                        header,
                        clinics_line,
                        *_figure_lines(figures, lang),
                        t("regions.tip.click_city", lang),
                    ]
                ),
            }
        )
    cities = pd.DataFrame(city_rows, columns=["city_id", "lat", "lon", "label", "tip"])
    return MapPoints(clinics, cities)


def map_notes(report: RegionsData, lang: str) -> list[str]:
    """The legend and caveats shown under the map."""
    m = report.map_metric
    # Hexagons are drawn 2 × radius across; the heat layer smooths the grid's cells (1° ≈ 111 km).
    km = report.radius_m * 2 / 1000 if report.layer == "hexagon" else report.step * 111
    notes = [
        t(f"regions.legend.{report.layer}", lang, metric=metric_name(m, lang), km=f"{km:.0f}"),
        t("regions.legend.markers", lang),
        metric_help(m, lang),
    ]
    if report.unplaced:
        amount = fmt_value(report.unplaced, metric(m).unit, lang)
        notes.append(t("regions.unplaced", lang, amount=amount, metric=metric_name(m, lang)))
    if report.at_city:
        amount = fmt_value(report.at_city, metric(m).unit, lang)
        notes.append(t("regions.at_city", lang, amount=amount, metric=metric_name(m, lang)))
    if report.clinics_at_city:
        notes.append(t("regions.clinics_at_city", lang, n=report.clinics_at_city))
    if not report.map_style:
        notes.append(t("regions.basemap_none", lang))
    return notes


def specialty_legend(report: RegionsData, lang: str) -> str:
    """Coloured dots naming the specialties shown (Streamlit markdown colours match the markers)."""
    clinics = report.clinics
    colours = labels.specialty_colors(clinics["specialty"])
    names = labels.loaded_labels(clinics, "specialty")
    # Loaded labels are the user's text: escaped so that they never act as markdown.
    return "  ".join(
        f":{colours[s][1]}[●] {md(names[s][lang])}"
        for s in labels.ordered_codes(clinics["specialty"])
    )


# ---------------------------------------------------------------- heat tables


def _row_labels(report: RegionsData, grid: HeatGrid, lang: str) -> list[tuple[str, str]]:
    names = city_names(report, lang)
    return [
        (t(f"tier.{tier}", lang), names[cid])
        for cid, tier in zip(grid.row_ids, grid.row_tiers, strict=True)
    ]


def _cell_texts(
    grid: HeatGrid,
    m: CityMetric,
    lang: str,
    rows: list[tuple[str, str]],
    cols: list[str],
    basis: str = "appointments",
) -> tuple[list[list[str]], list[list[str]]]:
    name = metric_name(m.id, lang, basis)
    texts, hovers = [], []
    for r, (_, city) in enumerate(rows):
        trow, hrow = [], []
        for c, col in enumerate(cols):
            v, n, low = grid.value[r][c], grid.n[r][c], grid.low[r][c]
            shown = fmt_compact(v, m.unit, lang)
            # Plotly hover text (markup: <br>): the city and channel names are escaped.
            hover = f"{html(city)} · {html(col)}<br>{name}: {fmt_value(v, m.unit, lang)}"
            if m.is_rate:
                hover += "<br>" + t("regions.hover_n", lang, n=fmt_value(n or 0, "count", lang))
            if low:
                shown = f"({shown})"
                hover += "<br>" + t(
                    "regions.low_sample_cell", lang, n=int(n or 0), min=LOW_SAMPLE_MIN
                )
            elif m.is_rate and v is None:
                hover += "<br>" + t("regions.no_denominator", lang)
            trow.append(shown)
            hrow.append(hover)
        texts.append(trow)
        hovers.append(hrow)
    return texts, hovers


def week_label(week: date) -> str:
    """A week column's label: its Monday as MM-DD."""
    return week.strftime("%m-%d")


def channel_labels(report: RegionsData, lang: str) -> list[str]:
    """Column labels of the city × channel matrix."""
    return report.channels[name_col(lang)].tolist()


def heat_labels(report: RegionsData, which: str, lang: str) -> HeatLabels:
    """The texts of the city × week (``which`` "weekly") or city × channel ("channel") heat table
    of the table metric (charts.heat_figure draws it)."""
    if which == "weekly":
        grid, cols = report.weekly, [week_label(w) for w in report.weeks]
    else:
        grid, cols = report.by_channel, channel_labels(report, lang)
    x_title = t("regions.axis.week" if which == "weekly" else "regions.axis.channel", lang)
    m = metric(report.table_metric)
    rows = _row_labels(report, grid, lang)
    text, hover = _cell_texts(grid, m, lang, rows, cols, report.arrival_basis)
    return HeatLabels(
        grid=grid,
        rows=rows,
        cols=cols,
        text=text,
        hover=hover,
        colorbar_title=metric_name(m.id, lang, report.arrival_basis),
        x_title=x_title,
    )


def table_notes(report: RegionsData, lang: str) -> list[str]:
    """The rules under the heat tables: definition, attribution, low-sample threshold."""
    m = metric(report.table_metric)
    notes = [metric_help(m.id, lang, report.arrival_basis), t("regions.attribution", lang)]
    if m.is_rate:
        notes.append(t("regions.low_sample_rule", lang, min=LOW_SAMPLE_MIN))
    return notes


# ---------------------------------------------------------------- ranking


def _span(span: tuple[date, date]) -> str:
    return f"{span[0]:%m-%d}–{span[1]:%m-%d}"


def ranking_columns(report: RegionsData, lang: str) -> dict[str, str]:
    """Ranking column key → header in ``lang`` (the screen table and the sheet share them)."""
    name = metric_name(report.table_metric, lang, report.arrival_basis)
    this_span, last_span = report.spans
    return {
        "rank": t("regions.col.rank", lang),
        "city": t("regions.col.city", lang),
        "tier_label": t("regions.col.tier", lang),
        "value": t("regions.col.period_value", lang, metric=name),
        "n": t("regions.col.n", lang),
        "this_week": t("regions.col.this_week", lang, span=_span(this_span)),
        "last_week": t("regions.col.last_week", lang, span=_span(last_span)),
        "change": t("regions.col.change", lang),
        "change_pct": t("regions.col.change_pct", lang),
        "verdict_label": t("regions.col.verdict", lang),
        "note": t("regions.col.note", lang),
    }


def ranking_frame(report: RegionsData, lang: str) -> pd.DataFrame:
    """The ranking with city, tier, verdict and low-sample note labelled in ``lang``."""
    names = city_names(report, lang)
    r = report.ranking
    low_any = r["low_sample"] | r["this_week_low"] | r["last_week_low"]
    return r.assign(
        city=[names[int(c)] for c in r["city_id"]],
        tier_label=[t(f"tier.{x}", lang) for x in r["tier"]],
        verdict_label=[t(f"regions.verdict.{v}", lang) for v in r["verdict"]],
        note=[
            t("regions.low_sample_note", lang, min=LOW_SAMPLE_MIN) if low else "" for low in low_any
        ],
    )


def ranking_table(report: RegionsData, lang: str) -> pd.DataFrame:
    """The city ranking as shown: formatted values, week-on-week change and verdict."""
    m = metric(report.table_metric)
    frame = ranking_frame(report, lang)
    headers = ranking_columns(report, lang)

    def fmt(v: Cell) -> str:
        return fmt_value(None if is_missing(v) else float(v), m.unit, lang)

    change = (
        [fmt_delta(None if is_missing(c) else float(c), "rate", lang) for c in frame["change"]]
        if m.unit == "rate"
        else [fmt_change(None if is_missing(p) else p) for p in frame["change_pct"]]
    )
    shown = pd.DataFrame(
        {
            headers["rank"]: [DASH if is_missing(x) else str(int(x)) for x in frame["rank"]],
            headers["city"]: frame["city"],
            headers["tier_label"]: frame["tier_label"],
            headers["value"]: [fmt(v) for v in frame["value"]],
            **(
                {headers["n"]: [fmt_value(n, "count", lang) for n in frame["n"]]}
                if m.is_rate
                else {}
            ),
            headers["this_week"]: [fmt(v) for v in frame["this_week"]],
            headers["last_week"]: [fmt(v) for v in frame["last_week"]],
            headers["change"]: change,
            headers["verdict_label"]: frame["verdict_label"],
            headers["note"]: frame["note"],
        }
    )
    return shown


def ranking_city_ids(report: RegionsData) -> list[int]:
    """City id of each ranking row, in display order (for row clicks)."""
    return [int(c) for c in report.ranking["city_id"]]


# ---------------------------------------------------------------- Excel


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
        *(_tip_column(k, lang) for k in TIP_FIGURES),
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


def _tip_column(key: str, lang: str) -> Column:
    """The column of one of the tooltip's figures (each a count with its own column)."""
    m = metric(key)
    assert m.column is not None  # TIP_FIGURES are counts, never registry rates
    return Column(m.column, metric_name(key, lang), m.unit)
