"""The regions page's charts: the pydeck map, and heat tables of cities (rows grouped by tier)
against weeks or channels (Plotly).

Low-sample cells are drawn in a flat grey with their value as text in brackets, never on
the colour scale, so a noisy rate cannot look like the best or worst city. An invisible
marker sits on every cell: it carries the hover text and the city id, so clicking a cell
can narrow the global filter to that city (Plotly heatmaps themselves are not selectable).
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import pydeck as pdk

from dashboard.charts.maps import region_deck
from dashboard.charts.theme import style
from dashboard.literal import html
from dashboard.metrics.regions import HeatGrid, metric
from dashboard.reports.regions.model import HeatLabels, MapPoints, RegionsData

LOW_SAMPLE_GREY = "#d5d8dc"
EMPTY_GREY = "#f4f5f7"
UP_SCALE = "Blues"
DOWN_SCALE = "OrRd"
ROW_HEIGHT = 30
DARK_INK = "#1b1f24"
MUTED_INK = "#4d5560"


def _shades(z: list[list[float | None]]) -> list[list[float | None]]:
    """Each coloured cell's position 0..1 on the colour scale (None when not coloured)."""
    known = [v for row in z for v in row if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
    span = hi - lo
    return [[None if v is None else ((v - lo) / span if span else 0.5) for v in row] for row in z]


def _ink(shade: float | None, low: bool) -> str:
    """Text colour that stays readable on the cell: white on the dark end of the scale."""
    if low or shade is None:
        return MUTED_INK
    return "#ffffff" if shade > 0.6 else DARK_INK


def heat_table(
    grid: HeatGrid,
    row_labels: Sequence[tuple[str, str]],
    col_labels: Sequence[str],
    text: Sequence[Sequence[str]],
    hover: Sequence[Sequence[str]],
    *,
    higher_is_better: bool,
    colorbar_title: str,
    x_title: str = "",
    value_format: str = ",.0f",
) -> go.Figure:
    """A city × column heat table.

    ``row_labels`` are (tier label, city label) per row of ``grid``; ``text`` is what each cell
    shows and ``hover`` its tooltip (Plotly markup, names already escaped), both in the grid's
    shape. Labels are drawn as text (escaped here).
    """
    row_labels = [(html(tier), html(city)) for tier, city in row_labels]
    y = [[tier for tier, _ in row_labels], [city for _, city in row_labels]]
    x = [html(c) for c in col_labels]
    z = [list(row) for row in grid.z]
    low = [[1 if lo else None for lo in row] for row in grid.low]
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=x,
            y=y,
            z=z,
            colorscale=UP_SCALE if higher_is_better else DOWN_SCALE,
            # The bar's title sits on top and short: a long metric name would be cut at the side.
            colorbar=dict(
                title=dict(text=colorbar_title, side="top"), tickformat=value_format, thickness=14
            ),
            xgap=2,
            ygap=2,
            hoverinfo="skip",
            name="",
        )
    )
    if any(v for row in low for v in row):
        fig.add_trace(
            go.Heatmap(
                x=x,
                y=y,
                z=low,
                colorscale=[[0, LOW_SAMPLE_GREY], [1, LOW_SAMPLE_GREY]],
                showscale=False,
                xgap=2,
                ygap=2,
                hoverinfo="skip",
                name="",
            )
        )
    # Cell texts and hover/click targets: one invisible square marker per cell.
    xs, ys_tier, ys_city, texts, hovers, ids, inks = [], [], [], [], [], [], []
    shade = _shades(z)
    for r, (tier, city) in enumerate(row_labels):
        for c, col in enumerate(x):
            xs.append(col)
            ys_tier.append(tier)
            ys_city.append(city)
            texts.append(text[r][c])
            hovers.append(hover[r][c])
            ids.append(grid.row_ids[r])
            inks.append(_ink(shade[r][c], grid.low[r][c]))
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=[ys_tier, ys_city],
            mode="markers+text",
            text=texts,
            textfont=dict(size=11, color=inks),
            hovertext=hovers,
            hoverinfo="text",
            customdata=ids,
            marker=dict(symbol="square", size=26, opacity=0),
            selected=dict(marker=dict(opacity=0)),
            unselected=dict(marker=dict(opacity=0)),
            showlegend=False,
            name="",
        )
    )
    # Long labels (channel names) are slanted rather than overlapping, and get their own room.
    slant = 0 if max((len(str(v)) for v in x), default=0) <= 6 else -35
    height = 90 + ROW_HEIGHT * len(row_labels) + (130 if slant else 0)
    fig = style(fig, height=max(220, height))
    fig.update_layout(
        hovermode="closest",
        plot_bgcolor=EMPTY_GREY,
        margin=dict(l=10, r=10, t=20, b=10),
        clickmode="event+select",
        dragmode=False,
    )
    fig.update_xaxes(
        title_text=x_title, side="top", showgrid=False, tickangle=slant, type="category"
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, type="multicategory")
    return fig


def map_deck(report: RegionsData, points: MapPoints) -> pdk.Deck:
    """The regional map of the report, its markers and tooltips from ``points``."""
    return region_deck(
        report.grid,
        points.clinics,
        points.cities,
        report.view,
        kind=report.layer,
        radius_m=report.radius_m,
        map_style=report.map_style,
    )


def heat_figure(report: RegionsData, heat: HeatLabels) -> go.Figure:
    """One heat table of the report's table metric, with the texts of ``heat``."""
    m = metric(report.table_metric)
    coloured = [v for row in heat.grid.z for v in row if v is not None]
    # Small rates (complaints: 1–5%) need a decimal on the colour bar to tell ticks apart.
    fine = bool(coloured) and max(coloured) - min(coloured) < 0.1
    fmt = (".1%" if fine else ".0%") if m.unit == "rate" else ",.0f"
    return heat_table(
        heat.grid,
        heat.rows,
        heat.cols,
        heat.text,
        heat.hover,
        higher_is_better=m.higher_is_better,
        colorbar_title=heat.colorbar_title,
        x_title=heat.x_title,
        value_format=fmt,
    )
