"""Regional metrics: what a city cell shows, low-sample rates, week-on-week ranking, map grid.

Pure functions over frames and numbers. A rate whose denominator is under ``LOW_SAMPLE_MIN``
is flagged ``low_sample``: it is shown with its value as text but not coloured or ranked,
so a city with 3 bookings and 3 arrivals does not top the board at 100%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.metrics.arithmetic import Cell, is_missing, pct_change
from dashboard.metrics.registry import Row, basis_for, kpi

# Below this many cases (bookings, feedback responses, paying customers) a city's rate is too
# noisy to colour: with n = 30 a 50% rate still has a 95% interval of about ±18 points.
LOW_SAMPLE_MIN = 30
TIERS = ("tier1", "new_tier1", "tier2", "tier3")
# The counts regions_breakdown returns per group; rates use the registry's column names.
COUNT_COLUMNS = (
    "bookings",
    "arrivals",
    "revenue",
    "paying_customers",
    "new_customers",
    "responses",
    "complaints",
    # 到诊率's counts (see dashboard.metrics.registry.arrival_basis)
    "appointments",
    "appointment_arrivals",
    "booked_arrivals",
    "booked_with_appointment",
)


@dataclass(frozen=True)
class CityMetric:
    """A figure the regional page can colour: a count (``column``) or a registry rate.

    Rates are the KPI registry's own (``kpi_id``'s formula over the same column names);
    ``denominator`` names the count that decides whether a rate is low-sample.
    """

    id: str
    unit: str
    direction: str
    column: str | None = None
    denominator: str | None = None
    kpi_id: str | None = None
    on_map: bool = False

    @property
    def is_rate(self) -> bool:
        """True when the figure is a ratio of two counts (and so can be low-sample)."""
        return self.denominator is not None

    @property
    def higher_is_better(self) -> bool:
        """True when a larger value is good news."""
        return self.direction == "up"

    def value(self, row: Row) -> float | None:
        """The figure from one row of counts (None when a rate has no denominator)."""
        if self.column is not None:
            return _clean(row.get(self.column))
        assert self.kpi_id is not None  # a metric is a count (column) or a registry rate
        return kpi(self.kpi_id).value(row)

    def base(self, basis: str | None) -> str | None:
        """The count a rate divides by: 到诊率's follows its definition (appointments due or
        bookings made)."""
        if self.kpi_id == "arrival_rate":
            return "appointments" if basis == "appointments" else "bookings"
        return self.denominator


def _from_kpi(kpi_id: str, denominator: str) -> CityMetric:
    k = kpi(kpi_id)
    return CityMetric(kpi_id, k.unit, k.direction, denominator=denominator, kpi_id=kpi_id)


METRICS: dict[str, CityMetric] = {
    m.id: m
    for m in (
        CityMetric("customers", "count", "up", "paying_customers", on_map=True),
        CityMetric("arrivals", "count", "up", "arrivals", kpi_id="arrivals", on_map=True),
        CityMetric("revenue", "money", "up", "revenue", kpi_id="revenue", on_map=True),
        CityMetric(
            "new_customers", "count", "up", "new_customers", kpi_id="new_customers", on_map=True
        ),
        CityMetric("complaints", "count", "down", "complaints", on_map=True),
        _from_kpi("arrival_rate", "bookings"),
        _from_kpi("complaint_rate", "responses"),
        _from_kpi("value_per_customer", "paying_customers"),
    )
}
MAP_METRICS: tuple[str, ...] = tuple(m.id for m in METRICS.values() if m.on_map)
TABLE_METRICS: tuple[str, ...] = tuple(METRICS)


def metric(metric_id: str) -> CityMetric:
    """The regional metric ``metric_id``."""
    return METRICS[metric_id]


def selection_basis(frame: pd.DataFrame) -> str:
    """到诊率's definition for the selection whose counts ``frame`` holds (all rows together)."""
    total = frame[["booked_with_appointment", "bookings", "appointments"]].sum()
    return basis_for(*(float(total[c]) for c in total.index))


def with_values(
    frame: pd.DataFrame, m: CityMetric, min_n: int = LOW_SAMPLE_MIN, basis: str | None = None
) -> pd.DataFrame:
    """Add ``value``, ``n`` (the rate's denominator, else NaN) and ``low_sample`` for ``m``.

    A rate with no denominator is NaN (shown as "—"); never inf. ``basis`` is 到诊率's
    definition for the whole selection (one for every row); by default the frame's own.
    """
    out = frame.copy()
    basis = basis or selection_basis(out)
    rows = out[list(COUNT_COLUMNS)].to_dict(orient="records")
    values = [m.value({**row, "arrival_basis": basis}) for row in rows]
    out["value"] = pd.Series(values, index=out.index, dtype=float)
    if not m.is_rate:
        out["n"] = np.nan
        out["low_sample"] = False
        return out
    den = pd.to_numeric(out[m.base(basis)], errors="coerce").astype(float)
    out["n"] = den
    out["low_sample"] = (den > 0) & (den < min_n)
    return out


def tier_rank(tier: str) -> int:
    """Position of a city tier in display order (unknown tiers last)."""
    return TIERS.index(tier) if tier in TIERS else len(TIERS)


def order_cities(cities: pd.DataFrame) -> pd.DataFrame:
    """Cities in display order: by tier (tier 1 first), then by id; index reset."""
    keyed = cities.assign(_tier=cities["tier"].map(tier_rank))
    return keyed.sort_values(["_tier", "city_id"]).drop(columns="_tier").reset_index(drop=True)


@dataclass(frozen=True)
class HeatGrid:
    """A matrix of cells for a heat table: rows are cities (grouped by tier), columns labels.

    ``z`` holds the colour value (None for missing or low-sample cells), ``low`` marks the
    low-sample cells, ``value`` and ``n`` the raw figures for text and hover.
    """

    row_ids: tuple[int, ...]
    row_tiers: tuple[str, ...]
    col_keys: tuple[object, ...]
    value: tuple[tuple[float | None, ...], ...]
    n: tuple[tuple[float | None, ...], ...]
    low: tuple[tuple[bool, ...], ...]

    @property
    def z(self) -> tuple[tuple[float | None, ...], ...]:
        """The colour values: low-sample and missing cells are None (drawn grey)."""
        return tuple(
            tuple(None if (lo or v is None) else v for v, lo in zip(vs, ls, strict=True))
            for vs, ls in zip(self.value, self.low, strict=True)
        )


def _clean(value: Cell) -> float | None:
    return None if is_missing(value) else float(value)


def heat_grid(
    cells: pd.DataFrame,
    cities: pd.DataFrame,
    col: str,
    col_keys: list,
    m: CityMetric,
    basis: str | None = None,
) -> HeatGrid:
    """The city × ``col`` matrix of metric ``m`` over ``cells`` (rows of the breakdown).

    Every shown city gets a row and every key in ``col_keys`` a column, zero-filled where the
    warehouse returned nothing (a count of nothing is 0; a rate of nothing is missing).
    """
    ordered = order_cities(cities)
    keys = list(col_keys)
    base = cells[["city_id", col, *COUNT_COLUMNS]]
    full = pd.MultiIndex.from_product([ordered["city_id"].tolist(), keys], names=["city_id", col])
    filled = base.set_index(["city_id", col]).reindex(full, fill_value=0).reset_index()
    valued = with_values(filled, m, basis=basis)
    value = valued["value"].to_numpy(dtype=float).reshape(len(ordered), len(keys))
    n = valued["n"].to_numpy(dtype=float).reshape(len(ordered), len(keys))
    low = valued["low_sample"].to_numpy(dtype=bool).reshape(len(ordered), len(keys))
    return HeatGrid(
        row_ids=tuple(int(c) for c in ordered["city_id"]),
        row_tiers=tuple(ordered["tier"]),
        col_keys=tuple(keys),
        value=tuple(tuple(_clean(v) for v in row) for row in value),
        n=tuple(tuple(_clean(v) for v in row) for row in n),
        low=tuple(tuple(bool(x) for x in row) for row in low),
    )


def week_spans(end: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The last week of a period (Monday to ``end``) and the same days one week earlier.

    Comparing like-for-like days keeps a week in progress fair against a complete one.
    """
    monday = end - timedelta(days=end.weekday())
    week = timedelta(days=7)
    return (monday, end), (monday - week, end - week)


def ranking(
    totals: pd.DataFrame,
    this_week: pd.DataFrame,
    last_week: pd.DataFrame,
    cities: pd.DataFrame,
    m: CityMetric,
    basis: str | None = None,
) -> pd.DataFrame:
    """Cities ranked by ``m`` over the period (best first), with the week-on-week change.

    Low-sample and missing values are not ranked (rank NaN) and sort last. ``change`` is the
    absolute change, ``change_pct`` the relative one (None without a base), ``verdict`` is
    better/worse/flat/unknown following the metric's direction.
    """
    ids = cities[["city_id"]]

    def valued(frame: pd.DataFrame) -> pd.DataFrame:
        filled = ids.merge(frame[["city_id", *COUNT_COLUMNS]], on="city_id", how="left")
        return with_values(filled.fillna({c: 0 for c in COUNT_COLUMNS}), m, basis=basis)

    basis = basis or selection_basis(totals)
    period, now, before = valued(totals), valued(this_week), valued(last_week)
    out = cities[["city_id", "tier"]].copy()
    out["value"] = period["value"].to_numpy()
    out["n"] = period["n"].to_numpy()
    out["low_sample"] = period["low_sample"].to_numpy()
    out["this_week"] = now["value"].to_numpy()
    out["this_week_low"] = now["low_sample"].to_numpy()
    out["last_week"] = before["value"].to_numpy()
    out["last_week_low"] = before["low_sample"].to_numpy()
    comparable = ~(out["this_week_low"] | out["last_week_low"])
    out["change"] = (out["this_week"] - out["last_week"]).where(comparable)
    out["change_pct"] = [
        pct_change(_clean(a), _clean(b)) if ok else None
        for a, b, ok in zip(out["this_week"], out["last_week"], comparable, strict=True)
    ]
    out["verdict"] = [_verdict(c, m.higher_is_better) for c in out["change"]]
    rankable = out["value"].notna() & ~out["low_sample"]
    score = out["value"].where(rankable)
    out["rank"] = score.rank(ascending=not m.higher_is_better, method="min")
    out["_order"] = out["rank"].fillna(math.inf)
    out = out.sort_values(["_order", "city_id"]).drop(columns="_order").reset_index(drop=True)
    return out


def _verdict(change: Cell, higher_is_better: bool) -> str:
    if is_missing(change):
        return "unknown"
    if change == 0:
        return "flat"
    return "better" if (change > 0) == higher_is_better else "worse"


def grid_step(n_cities: int) -> float:
    """Grid cell size in degrees for a map of ``n_cities`` (finer when zoomed into a few)."""
    if n_cities <= 1:
        return 0.01
    if n_cities <= 4:
        return 0.02
    return 0.05


def hexagon_radius_m(step: float, zoom: float, latitude: float, pixels: float = 7.0) -> float:
    """Hexagon radius in metres: about ``pixels`` on screen at the opening zoom.

    A country-wide view then shows one readable hexagon or two per city, a city view
    kilometre-sized ones; never finer than the grid cells (1° ≈ 111 km).
    """
    metres_per_pixel = 156_543.03 * math.cos(math.radians(latitude)) / 2**zoom
    return float(round(max(metres_per_pixel * pixels, step * 111_000)))


def cell_centres(grid: pd.DataFrame, step: float) -> pd.DataFrame:
    """Grid rows (cell_y, cell_x, value) with the cells' centre coordinates lat, lon."""
    out = grid.copy()
    # Rounded so 0.05 * 453 shows as 22.65, not 22.650000000000002.
    out["lat"] = (out["cell_y"].astype(float) * step).round(6)
    out["lon"] = (out["cell_x"].astype(float) * step).round(6)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    return out


def marker_radius(revenue: pd.Series, smallest: float = 5.0, largest: float = 26.0) -> pd.Series:
    """Clinic marker radius in pixels: area grows with revenue (square root), within bounds."""
    rev = pd.to_numeric(revenue, errors="coerce").fillna(0).clip(lower=0).astype(float)
    top = rev.max()
    if not top or top <= 0:
        return pd.Series(smallest, index=rev.index)
    return smallest + (largest - smallest) * np.sqrt(rev / top)
