"""The weekly review's north-star chart: cumulative actual against a straight-line pace to target."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import BAD, GOOD, NEUTRAL, PALETTE, style
from dashboard.formatting import money_symbol


def north_star_chart(
    daily: pd.DataFrame,
    target: float,
    as_of,
    labels: dict[str, str],
    on_pace: bool | None,
    money: bool = False,
) -> go.Figure:
    """Cumulative actual (solid), the straight line from 0 to target (dashed), the target level.

    ``labels`` holds the legend names (actual, pace, target, today) and the axis title (axis).
    The actual line is drawn thick with markers so it reads without its colour; a text label
    at its end names the value.
    """
    seen = daily.dropna(subset=["cumulative"])
    colour = NEUTRAL if on_pace is None else GOOD if on_pace else BAD
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=daily["date"],
            y=daily["pace"],
            mode="lines",
            name=labels["pace"],
            line=dict(color=NEUTRAL, width=2, dash="dash"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=seen["date"],
            y=seen["cumulative"],
            mode="lines+markers",
            name=labels["actual"],
            line=dict(color=colour if on_pace is not None else PALETTE[0], width=4),
            marker=dict(size=5),
        )
    )
    if not seen.empty:
        last = seen.iloc[-1]
        text = (
            f"{money_symbol()}{last['cumulative']:,.0f}" if money else f"{last['cumulative']:,.0f}"
        )
        fig.add_annotation(
            x=last["date"],
            y=last["cumulative"],
            text=text,
            showarrow=True,
            arrowhead=0,
            ax=30,
            ay=-25,
            font=dict(size=16),
        )
    fig.add_hline(
        y=target,
        line=dict(color=PALETTE[1], width=2, dash="dot"),
        annotation_text=f"{labels['target']}: {money_symbol() if money else ''}{target:,.0f}",
        annotation_position="top left",
        annotation_font=dict(size=14),
    )
    fig.add_vline(
        x=pd.Timestamp(as_of).timestamp() * 1000,  # epoch ms: Plotly's date axes accept it here
        line=dict(color="#999999", width=1),
        annotation_text=f"{labels['today']} {pd.Timestamp(as_of):%m-%d}",
        annotation_position="bottom right",
    )
    fig = style(fig, height=340)
    fig.update_layout(hovermode="x unified", margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(title_text=labels["axis"], tickformat="%m-%d")
    if money:
        fig.update_yaxes(tickprefix=money_symbol())
    return fig
