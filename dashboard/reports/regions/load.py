"""Regions: the city lens — map of a metric at customers' homes, city heat tables, ranking.

``load`` runs the regional queries (every figure aggregated in the warehouse) and returns a
frozen ``RegionsData`` (model.py); display frames, map tooltips, heat-table texts and the Excel
sheets are built from it in tables.py, the pydeck map and Plotly heat tables in charts.py.
``narrowing`` turns a click on the map or a table into the global filter's new city/clinic
picks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from dashboard import data
from dashboard.charts.maps import CITIES_LAYER, CLINICS_LAYER, LAYER_KINDS, fit_view
from dashboard.filters import Filters, Scope, pick
from dashboard.metrics import regions as rm
from dashboard.page_context import PageContext
from dashboard.reports.regions.model import (
    DEFAULT_LAYER,
    DEFAULT_MAP_METRIC,
    DEFAULT_TABLE_METRIC,
    RegionsData,
)


def period_weeks(start: date, end: date) -> tuple[date, ...]:
    """Mondays of the ISO weeks that the period touches."""
    monday = start - timedelta(days=start.weekday())
    out = []
    while monday <= end:
        out.append(monday)
        monday += timedelta(days=7)
    return tuple(out)


def _grain(frame: pd.DataFrame, grain: str) -> pd.DataFrame:
    rows = frame[frame["grain"] == grain].copy()
    rows["city_id"] = rows["city_id"].astype("int64")
    for col in rm.COUNT_COLUMNS:
        rows[col] = pd.to_numeric(rows[col], errors="coerce").fillna(0).astype(float)
    if "week_start" in rows:
        rows["week_start"] = pd.to_datetime(rows["week_start"]).dt.date
    return rows.reset_index(drop=True)


def _breakdown_query(
    filters: Filters, scope: Scope, spans: tuple[tuple[date, date], ...]
) -> data.Query:
    """Counts by city, week, channel and clinic, and the two week-on-week spans, in one run."""
    (this_start, _), (last_start, last_end) = spans
    first_day = min(filters.start, last_start)
    return data.query(
        "regions_breakdown",
        filters,
        scope,
        from_ts=datetime.combine(first_day, time.min),
        this_start=this_start,
        last_start=last_start,
        last_end=last_end,
    )


def _clinic_figures(clinics: pd.DataFrame, breakdown: pd.DataFrame, n_cities: int) -> pd.DataFrame:
    per_clinic = _grain(breakdown, "clinic")[["clinic_id", *rm.COUNT_COLUMNS]]
    per_clinic = per_clinic.astype({"clinic_id": "int64"})
    out = clinics.merge(per_clinic, on="clinic_id", how="left")
    out[list(rm.COUNT_COLUMNS)] = out[list(rm.COUNT_COLUMNS)].fillna(0.0)
    # Smaller dots on a country-wide view, where a city's clinics sit within a few pixels.
    many = n_cities > 4
    out["radius"] = rm.marker_radius(
        out["revenue"], smallest=3.0 if many else 5.0, largest=8.0 if many else 22.0
    )
    return out


def _unplaced(m: rm.CityMetric, totals: pd.DataFrame, grid: pd.DataFrame) -> float | None:
    # Distinct customers are not additive across cities, so only sums are reconciled.
    if m.id == "customers":
        return None
    gap = float(totals[m.column].sum()) - float(grid["value"].sum())
    return gap if gap > 0.005 else 0.0


def load(
    filters: Filters,
    scope: Scope,
    map_metric: str | None = DEFAULT_MAP_METRIC,
    table_metric: str | None = DEFAULT_TABLE_METRIC,
    layer: str | None = DEFAULT_LAYER,
) -> RegionsData:
    """Every figure of the regions page for ``filters`` within ``scope`` (a cached report)."""
    return data.report(
        _load, filters, scope, map_metric=map_metric, table_metric=table_metric, layer=layer
    )


def _load(
    filters: Filters,
    scope: Scope,
    map_metric: str | None,
    table_metric: str | None,
    layer: str | None,
) -> RegionsData:
    """The report itself (``load`` caches it: a rerun skips assembling the eight results)."""
    map_metric = pick(map_metric, rm.MAP_METRICS, DEFAULT_MAP_METRIC)
    table_metric = pick(table_metric, rm.TABLE_METRICS, DEFAULT_TABLE_METRIC)
    layer = pick(layer, LAYER_KINDS, DEFAULT_LAYER)
    cities = rm.order_cities(data.run("regions_cities", filters, scope))
    step = rm.grid_step(len(cities))  # the map's grid follows the cities shown
    spans = rm.week_spans(filters.end)
    breakdown, clinics, grid, channels = data.run_all(
        _breakdown_query(filters, scope, spans),
        data.query("regions_clinics", filters, scope),
        data.query(f"regions_grid_{map_metric}", filters, scope, step=step),
        data.query("filter_channels", None, scope),
    )
    totals = _grain(breakdown, "city")
    grid = rm.cell_centres(grid, step)
    view_points = pd.concat([clinics[["lat", "lon"]], cities[["lat", "lon"]]])
    view = fit_view(view_points["lat"], view_points["lon"])
    weeks = period_weeks(filters.start, filters.end)
    if filters.channels:
        channels = channels[channels["channel_id"].isin(filters.channels)]
    channels = channels.reset_index(drop=True)
    m = rm.metric(table_metric)
    basis = rm.selection_basis(totals)  # 到诊率's definition, one for the whole page
    return RegionsData(
        filters=filters,
        map_metric=map_metric,
        table_metric=table_metric,
        layer=layer,
        cities=cities,
        clinics=_clinic_figures(clinics, breakdown, len(cities)),
        grid=grid,
        step=step,
        radius_m=rm.hexagon_radius_m(step, view.zoom, view.latitude),
        view=view,
        city_totals=totals,
        weeks=weeks,
        weekly=rm.heat_grid(
            _grain(breakdown, "week"), cities, "week_start", list(weeks), m, basis=basis
        ),
        channels=channels,
        by_channel=rm.heat_grid(
            _grain(breakdown, "channel").astype({"channel_id": "int64"}),
            cities,
            "channel_id",
            channels["channel_id"].tolist(),
            m,
            basis=basis,
        ),
        ranking=rm.ranking(
            totals,
            _grain(breakdown, "this_week"),
            _grain(breakdown, "last_week"),
            cities,
            m,
            basis=basis,
        ),
        arrival_basis=basis,
        spans=spans,
        unplaced=_unplaced(rm.metric(map_metric), totals, grid),
        at_city=float(pd.to_numeric(grid["at_city"], errors="coerce").fillna(0).sum()),
        clinics_at_city=int(clinics["at_city"].fillna(False).astype(bool).sum()),
        map_style=data.settings().map_style,
        is_empty=cities.empty or not totals[list(rm.COUNT_COLUMNS)].to_numpy().any(),
    )


def narrowing(
    # The map's selection as Streamlit hands it over: JSON objects, so their values are Any.
    objects: Mapping[str, Sequence[Mapping[str, Any]]] | None,
    current_clinics: Sequence[int],
    clinic_city: Mapping[int, int],
) -> dict[str, list[int]] | None:
    """The global filter after a click on the map: {'city': [...], 'clinic': [...]}, or None.

    A clinic narrows to that clinic (and its city); a city narrows to the city and keeps only
    the picked clinics that are in it, so a click never leaves an impossible filter.
    """
    objects = objects or {}
    clinics = objects.get(CLINICS_LAYER) or []
    if clinics and clinics[0].get("clinic_id") is not None:
        pick = clinics[0]
        return {"city": [int(pick["city_id"])], "clinic": [int(pick["clinic_id"])]}
    cities = objects.get(CITIES_LAYER) or []
    if cities and cities[0].get("city_id") is not None:
        return pick_city(int(cities[0]["city_id"]), current_clinics, clinic_city)
    return None


def pick_city(
    city_id: int, current_clinics: Sequence[int], clinic_city: Mapping[int, int]
) -> dict[str, list[int]]:
    """The global filter narrowed to one city (from the map or a table row)."""
    keep = [int(c) for c in current_clinics if clinic_city.get(int(c)) == city_id]
    return {"city": [city_id], "clinic": keep}


def build(ctx: PageContext) -> RegionsData:
    """The page's default view for the registry (the weekly pack and the benchmark)."""
    return load(ctx.filters, ctx.scope)
