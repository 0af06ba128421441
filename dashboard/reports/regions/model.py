"""The regions page's report type, its defaults, and the texts its map and heat tables draw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard.charts.maps import View
from dashboard.filters import Filters
from dashboard.metrics import regions as rm

DEFAULT_MAP_METRIC = "customers"
DEFAULT_TABLE_METRIC = "arrival_rate"
DEFAULT_LAYER = "hexagon"


@dataclass(frozen=True)
class RegionsData:
    """What the regions page shows (language-neutral; labels are added when displayed)."""

    filters: Filters
    map_metric: str
    table_metric: str
    layer: str
    cities: pd.DataFrame  # shown cities in display order (tier, then id)
    clinics: pd.DataFrame  # shown clinics with their period figures and marker radius
    grid: pd.DataFrame  # map cells: cell_y, cell_x, lat, lon, value of the map metric
    step: float
    radius_m: float
    view: View
    city_totals: pd.DataFrame  # breakdown rows of grain 'city'
    weeks: tuple[date, ...]
    weekly: rm.HeatGrid
    channels: pd.DataFrame  # channel_id, code, name_zh, name_en (columns of the matrix)
    by_channel: rm.HeatGrid
    ranking: pd.DataFrame
    spans: tuple[tuple[date, date], tuple[date, date]]
    unplaced: float | None  # map-metric amount with no home location (None when not additive)
    at_city: float = 0.0  # map-metric amount of customers placed at their home city's centre
    clinics_at_city: int = 0  # shown clinics without coordinates, placed at their city's centre
    map_style: str = ""
    is_empty: bool = False
    arrival_basis: str = "appointments"  # 到诊率's definition here (registry.arrival_basis)


@dataclass(frozen=True)
class MapPoints:
    """The map's clinic and city markers, each with its tooltip in one language."""

    clinics: pd.DataFrame
    cities: pd.DataFrame  # city_id, lat, lon, label, tip


@dataclass(frozen=True)
class HeatLabels:
    """One heat table's texts in one language: row and column labels, cells, hovers, titles."""

    grid: rm.HeatGrid
    rows: list[tuple[str, str]]  # (tier label, city name) per row of ``grid``
    cols: list[str]
    text: list[list[str]]
    hover: list[list[str]]  # Plotly markup, names already escaped
    colorbar_title: str
    x_title: str
