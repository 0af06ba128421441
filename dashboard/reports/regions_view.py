"""The regions page in a language: map layer inputs, heat-table texts, the ranking table, sheets.

Everything here is derived from a ``RegionsData`` plus the language; the page only renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from dashboard import labels
from dashboard.charts.maps import region_deck
from dashboard.charts.regions import heat_table
from dashboard.formatting import DASH, fmt_change, fmt_delta, fmt_value, money_symbol
from dashboard.i18n import t
from dashboard.literal import html, md
from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.regions import COUNT_COLUMNS, LOW_SAMPLE_MIN, CityMetric, HeatGrid, metric
from dashboard.metrics.registry import kpi_help, kpi_label

if TYPE_CHECKING:
    from dashboard.reports.regions import RegionsData

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


def compact(value: float | None, unit: str, lang: str) -> str:
    """A short cell text: 12.3万 / 12.3k for large numbers, else the normal format."""
    if is_missing(value):
        return DASH
    v = float(value)
    if unit in ("count", "money") and abs(v) >= 10_000:
        prefix = money_symbol() if unit == "money" else ""
        if lang == "zh":
            return f"{prefix}{v / 10_000:,.1f}万"
        return f"{prefix}{v / 1e6:,.2f}M" if abs(v) >= 1e6 else f"{prefix}{v / 1e3:,.1f}k"
    return fmt_value(v, unit, lang)


# ---------------------------------------------------------------- map


def _tip(lines: Sequence[str]) -> str:
    return "\n".join(lines)


def _figure_lines(row: pd.Series, lang: str) -> list[str]:
    return [
        f"{metric_name(k, lang)}: {fmt_value(metric(k).value(row), metric(k).unit, lang)}"
        for k in TIP_FIGURES
    ]


def map_deck(report: RegionsData, lang: str) -> pdk.Deck:
    """The regional map of the report, labelled in ``lang``."""
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
    return region_deck(
        report.grid,
        clinics,
        cities,
        report.view,
        kind=report.layer,
        radius_m=report.radius_m,
        map_style=report.map_style,
    )


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
            shown = compact(v, m.unit, lang)
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


def _heat(
    report: RegionsData, grid: HeatGrid, cols: list[str], x_title: str, lang: str
) -> go.Figure:
    m = metric(report.table_metric)
    rows = _row_labels(report, grid, lang)
    text, hover = _cell_texts(grid, m, lang, rows, cols, report.arrival_basis)
    coloured = [v for row in grid.z for v in row if v is not None]
    # Small rates (complaints: 1–5%) need a decimal on the colour bar to tell ticks apart.
    fine = bool(coloured) and max(coloured) - min(coloured) < 0.1
    fmt = (".1%" if fine else ".0%") if m.unit == "rate" else ",.0f"
    return heat_table(
        grid,
        rows,
        cols,
        text,
        hover,
        higher_is_better=m.higher_is_better,
        colorbar_title=metric_name(m.id, lang, report.arrival_basis),
        x_title=x_title,
        value_format=fmt,
    )


def week_label(week: date) -> str:
    """A week column's label: its Monday as MM-DD."""
    return week.strftime("%m-%d")


def weekly_figure(report: RegionsData, lang: str) -> go.Figure:
    """The city × week heat table of the table metric."""
    cols = [week_label(w) for w in report.weeks]
    return _heat(report, report.weekly, cols, t("regions.axis.week", lang), lang)


def channel_labels(report: RegionsData, lang: str) -> list[str]:
    """Column labels of the city × channel matrix."""
    return report.channels[name_col(lang)].tolist()


def channel_figure(report: RegionsData, lang: str) -> go.Figure:
    """The city × channel matrix of the table metric."""
    cols = channel_labels(report, lang)
    return _heat(report, report.by_channel, cols, t("regions.axis.channel", lang), lang)


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

    def fmt(v: object) -> str:
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
