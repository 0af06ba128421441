"""Streamlit pieces of the regions page: its URL-bound controls and click-to-filter charts.

A click on the map, a ranking row or a heat-table cell narrows the global filter through
an ``on_select`` callback: callbacks run before the next script run, the only moment the
filter bar's widgets (keys ``city`` and ``clinic``, bound to the URL) may be changed.
Chart keys carry a digest of the filters, so a new filter starts with no stale selection.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
import streamlit as st

from dashboard.charts.maps import LAYER_KINDS
from dashboard.filters import Filters
from dashboard.i18n import t
from dashboard.metrics.regions import MAP_METRICS, TABLE_METRICS
from dashboard.reports.regions import load as regions_load
from dashboard.reports.regions import model as regions_model
from dashboard.reports.regions.tables import metric_name
from dashboard.ui import urlbind


def _digest(filters: Filters) -> str:
    return f"{zlib.crc32(repr(filters).encode()):08x}"


def _apply(picks: Mapping[str, list[int]] | None) -> None:
    for key, values in (picks or {}).items():
        st.session_state[key] = list(values)


def map_controls(lang: str) -> tuple[str, str]:
    """The map's pickers (metric and layer), kept in the URL."""
    left, right = st.columns([4, 1.3])
    # Translated labels: kept in the URL by code (see dashboard.ui.urlbind).
    map_metric = urlbind.choice(
        left,
        "segmented_control",
        t("regions.control.map_metric", lang),
        MAP_METRICS,
        regions_model.DEFAULT_MAP_METRIC,
        metric_name,
        lang,
        key="regions_map",
        required=True,
    )
    layer = urlbind.choice(
        right,
        "segmented_control",
        t("regions.control.layer", lang),
        LAYER_KINDS,
        regions_model.DEFAULT_LAYER,
        lambda k, g: t(f"regions.layer.{k}", g),
        lang,
        key="regions_layer",
        required=True,
    )
    return map_metric or regions_model.DEFAULT_MAP_METRIC, layer or regions_model.DEFAULT_LAYER


def table_control(lang: str) -> str:
    """The metric of the ranking and heat tables, kept in the URL."""
    left, _ = st.columns([2, 3])
    picked = urlbind.choice(
        left,
        "selectbox",
        t("regions.control.table_metric", lang),
        TABLE_METRICS,
        regions_model.DEFAULT_TABLE_METRIC,
        metric_name,
        lang,
        key="regions_metric",
    )
    return picked or regions_model.DEFAULT_TABLE_METRIC


def _on_map_pick(key: str, clinic_city: dict[int, int]) -> None:
    state = st.session_state.get(key) or {}
    selection = state.get("selection") or {}
    current = st.session_state.get("clinic") or []
    _apply(regions_load.narrowing(selection.get("objects"), current, clinic_city))


def region_map(deck: pdk.Deck, filters: Filters, clinic_city: dict[int, int], alt: str) -> None:
    """The map; clicking a clinic or a city ring narrows the global filter to it."""
    key = f"regions_map_pick_{_digest(filters)}"
    st.pydeck_chart(
        deck,
        height=540,
        on_select=lambda: _on_map_pick(key, clinic_city),
        selection_mode="single-object",
        key=key,
        alt=alt,
    )


def picked_row_city(state: Mapping | None, city_ids: Sequence[int]) -> int | None:
    """The city of the ranking row a click selected, or None."""
    rows = ((state or {}).get("selection") or {}).get("rows") or []
    if rows and 0 <= rows[0] < len(city_ids):
        return int(city_ids[rows[0]])
    return None


def _on_row_pick(key: str, city_ids: Sequence[int], clinic_city: dict[int, int]) -> None:
    city = picked_row_city(st.session_state.get(key), city_ids)
    if city is not None:
        _apply(regions_load.pick_city(city, st.session_state.get("clinic") or [], clinic_city))


def ranking_table(
    frame: pd.DataFrame, city_ids: Sequence[int], filters: Filters, clinic_city: dict[int, int]
) -> None:
    """The city ranking; clicking a row narrows the global filter to that city."""
    key = f"regions_rank_pick_{_digest(filters)}"
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        # Every city visible at once (no inner scroll), as the meeting reads the whole board.
        height=min(38 + 35 * len(frame), 38 + 35 * 40),
        on_select=lambda: _on_row_pick(key, city_ids, clinic_city),
        selection_mode="single-row",
        key=key,
    )


def picked_cell_city(state: Mapping | None) -> int | None:
    """The city (row) of the heat-table cell a click selected, or None."""
    points = ((state or {}).get("selection") or {}).get("points") or []
    for point in points:
        city = point.get("customdata")
        if isinstance(city, list):
            city = city[0] if city else None
        if city is not None:
            return int(city)
    return None


def _on_cell_pick(key: str, clinic_city: dict[int, int]) -> None:
    city = picked_cell_city(st.session_state.get(key))
    if city is not None:
        _apply(regions_load.pick_city(city, st.session_state.get("clinic") or [], clinic_city))


def heat_table(fig: go.Figure, name: str, filters: Filters, clinic_city: dict[int, int]) -> None:
    """A heat table; clicking a cell narrows the global filter to that row's city."""
    key = f"regions_{name}_pick_{_digest(filters)}"
    st.plotly_chart(
        fig,
        width="stretch",
        on_select=lambda: _on_cell_pick(key, clinic_city),
        selection_mode="points",
        key=key,
        config={"displayModeBar": False},
    )
