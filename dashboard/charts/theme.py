"""Shared chart styling: a few colours readable on a projector, CJK-capable fonts."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go

PALETTE = ("#1f5fa8", "#e07b00", "#2a9d55", "#c0392b", "#7b4fa0", "#5d6d7e", "#16a2b8", "#b8860b")
GOOD = "#2a9d55"
BAD = "#c0392b"
NEUTRAL = "#5d6d7e"
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, Helvetica, Arial, sans-serif"


def style(fig: go.Figure, height: int = 360) -> go.Figure:
    """Apply the dashboard's layout defaults to a figure."""
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(family=FONT, size=13),
        colorway=list(PALETTE),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        hovermode="x unified",
    )
    return fig


def week_ticks(fig: go.Figure, week_starts: Iterable[object], most: int = 6) -> go.Figure:
    """Label date axes on the weeks' own Mondays (Plotly's automatic weekly ticks fall on Sundays)."""
    weeks = sorted({pd.Timestamp(w) for w in week_starts if not pd.isna(w)})
    step = max(1, math.ceil(len(weeks) / most))
    shown = weeks[::step]
    fig.update_xaxes(
        tickmode="array", tickvals=shown, ticktext=[w.strftime("%m-%d") for w in shown]
    )
    return fig
