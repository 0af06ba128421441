"""Native Excel line charts for the trend tables of a workbook (the weekly series).

A table whose first date column holds distinct days (a time series) gets line charts of
its count, money and rate columns beside it: one chart per unit and order of magnitude,
so that, say, impressions in millions do not flatten arrivals in hundreds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from openpyxl.chart import LineChart, Reference

from dashboard.export.formats import NUMBER_FORMATS
from dashboard.export.sheet import Column

CHART_UNITS = ("count", "money", "rate")
MAX_CHARTS = 3
MAX_SERIES = 4
MAX_POINTS = 400
MAGNITUDE = 10.0
CHART_ROWS = 16  # rows one chart covers at its default height


@dataclass(frozen=True)
class TrendChart:
    """One chart: its title, unit, the x column and the series columns (0-based positions)."""

    title: str
    unit: str
    x: int
    series: tuple[int, ...]


def _x_column(columns: Sequence[Column], frame: pd.DataFrame) -> int | None:
    for i, c in enumerate(columns):
        if c.unit == "date":
            values = pd.to_datetime(frame[c.key], errors="coerce")
            if values.notna().all() and values.is_unique and 2 <= len(values) <= MAX_POINTS:
                return i
            return None
    return None


def _peak(frame: pd.DataFrame, key: str) -> float | None:
    values = pd.to_numeric(frame[key], errors="coerce").abs()
    peak = values.max()
    return None if pd.isna(peak) else float(peak)


def trend_charts(columns: Sequence[Column], frame: pd.DataFrame) -> list[TrendChart]:
    """The charts a table deserves: none unless it is a time series with numeric columns."""
    x = _x_column(columns, frame)
    if x is None:
        return []
    groups: list[tuple[str, float, list[int]]] = []
    for i, c in enumerate(columns):
        if c.unit not in CHART_UNITS or i == x:
            continue
        peak = _peak(frame, c.key)
        if peak is None:
            continue
        for unit, top, members in groups:
            fits = top == 0 or peak == 0 or max(top, peak) / min(top, peak) <= MAGNITUDE
            if unit == c.unit and fits and len(members) < MAX_SERIES:
                members.append(i)
                break
        else:
            groups.append((c.unit, peak, [i]))
    return [
        TrendChart(" / ".join(columns[i].label for i in members), unit, x, tuple(members))
        for unit, _, members in groups[:MAX_CHARTS]
    ]


def add_charts(
    ws,
    charts: Sequence[TrendChart],
    first_col: int,
    header_row: int,
    last_row: int,
    anchor: str,
    step_rows: int = CHART_ROWS,
) -> None:
    """Place ``charts`` (over the table at ``header_row``..``last_row``) from ``anchor`` down."""
    col_letters = "".join(ch for ch in anchor if ch.isalpha())
    row = int("".join(ch for ch in anchor if ch.isdigit()))
    for spec in charts:
        chart = LineChart()
        chart.title = spec.title
        # Centimetres, fractions allowed (openpyxl's own default height is 7.5); the stubs
        # declare width an int.
        chart.height, chart.width = 7.5, 17.0  # type: ignore[assignment]
        chart.y_axis.number_format = NUMBER_FORMATS[spec.unit]
        chart.x_axis.number_format = "mm-dd"
        # openpyxl ≥ 3.1 hides axes unless told otherwise.
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if chart.legend is not None:  # a new chart always has one
            chart.legend.position = "b"
        for i in spec.series:
            ref = Reference(ws, min_col=first_col + i, min_row=header_row, max_row=last_row)
            chart.add_data(ref, titles_from_data=True)
        x = first_col + spec.x
        chart.set_categories(Reference(ws, min_col=x, min_row=header_row + 1, max_row=last_row))
        ws.add_chart(chart, f"{col_letters}{row}")
        row += step_rows
