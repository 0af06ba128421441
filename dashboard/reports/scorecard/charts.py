"""The scorecard's city league as a heat table: attainment by status, icon and text in each cell."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import style
from dashboard.literal import html

# Light tints so the black cell text stays readable on a projector; the text and icon carry
# the status as well, so the colour is never the only cue.
STATUS_COLOURS = {"red": "#f5b7b1", "amber": "#fde2a6", "green": "#b9e4c9", "none": "#eceff1"}
_CODES = {"red": 0, "amber": 1, "green": 2, "none": 3}
ROW_HEIGHT = 34


def _scale() -> list[list[object]]:
    """A discrete colour scale over the status codes 0…3."""
    out: list[list[object]] = []
    for name, code in _CODES.items():
        out.append([code / 4, STATUS_COLOURS[name]])
        out.append([(code + 1) / 4, STATUS_COLOURS[name]])
    return out


def league_heat(table: pd.DataFrame) -> go.Figure:
    """Cities (rows, in ``rank`` order) × KPIs (columns): status colour, label text, hover detail.

    ``table`` has rank, city, kpi, label, status and a ``hover`` column per cell (Plotly
    markup, its names already escaped); city names are drawn as text.
    """
    cities = list(dict.fromkeys(table.sort_values("rank")["city"]))
    kpis = list(dict.fromkeys(table["kpi"]))
    cell = {(r.city, r.kpi): r for r in table.itertuples(index=False)}
    z, text, hover = [], [], []
    for city in cities:
        z_row, t_row, h_row = [], [], []
        for k in kpis:
            r = cell.get((city, k))
            status = (r.status if r is not None and isinstance(r.status, str) else None) or "none"
            z_row.append(_CODES[status] + 0.5)  # the middle of its colour band
            t_row.append(r.label if r is not None else "")
            h_row.append(r.hover if r is not None else "")
        z.append(z_row)
        text.append(t_row)
        hover.append(h_row)
    fig = go.Figure(
        go.Heatmap(
            x=kpis,
            y=[html(c) for c in cities],
            z=z,
            zmin=0,
            zmax=4,
            colorscale=_scale(),
            showscale=False,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=15, color="#1b1b1b"),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=3,
            ygap=3,
        )
    )
    fig = style(fig, height=max(220, 80 + ROW_HEIGHT * len(cities)))
    fig.update_layout(hovermode="closest", margin=dict(l=10, r=10, t=30, b=10))
    fig.update_xaxes(side="top", tickfont=dict(size=14))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=14))
    return fig
