"""Weekly trend charts: small multiples of one line per KPI."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.theme import PALETTE, style, week_ticks
from dashboard.formatting import money_symbol


def weekly_small_multiples(
    weekly: pd.DataFrame, series: list[tuple[str, str, str]], cols: int = 4
) -> go.Figure:
    """One small line chart per (column, title, unit) of ``weekly`` against week_start."""
    rows = max(1, math.ceil(len(series) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[title for _, title, _ in series],
        vertical_spacing=0.18,
        horizontal_spacing=0.06,
    )
    for i, (column, title, unit) in enumerate(series):
        r, c = divmod(i, cols)
        fig.add_trace(
            go.Scatter(
                x=weekly["week_start"],
                y=weekly[column],
                mode="lines+markers",
                name=title,
                line=dict(color=PALETTE[i % len(PALETTE)], width=2),
                hovertemplate="%{x|%Y-%m-%d}: %{y:,.0f}<extra>" + title + "</extra>",
                showlegend=False,
            ),
            row=r + 1,
            col=c + 1,
        )
        if unit == "money":
            fig.update_yaxes(tickprefix=money_symbol(), row=r + 1, col=c + 1)
    week_ticks(fig, weekly["week_start"])
    fig = style(fig, height=260 * rows)
    fig.update_layout(hovermode="closest")
    return fig
