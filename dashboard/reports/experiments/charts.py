"""Red-black board charts: a forest plot of lifts and one experiment's cumulative lift over time."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import NEUTRAL, PALETTE, style
from dashboard.literal import html

# 红榜 is red and 黑榜 black, as the board is named; the other lists stay quiet.
VERDICT_COLOURS = {
    "red": "#c0392b",
    "black": "#222222",
    "attention": "#e07b00",
    "inconclusive": NEUTRAL,
    "too_early": "#aab2bd",
}


def forest_plot(frame: pd.DataFrame, verdict_names: dict[str, str], axis_title: str) -> go.Figure:
    """Relative lift with its 95% interval per comparison, one row each, coloured by verdict.

    ``frame`` has label, verdict, rel_lift, rel_lo, rel_hi (rows without a lift are skipped).
    """
    rows = frame[frame["rel_lift"].notna()].iloc[::-1]  # first row on top
    fig = go.Figure()
    for verdict, colour in VERDICT_COLOURS.items():
        part = rows[rows["verdict"] == verdict]
        if part.empty:
            continue
        lift = part["rel_lift"].astype(float)
        fig.add_trace(
            go.Scatter(
                x=lift,
                y=[html(x) for x in part["label"]],
                mode="markers",
                name=verdict_names.get(verdict, verdict),
                marker=dict(color=colour, size=10, symbol="square"),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=(part["rel_hi"].astype(float) - lift).fillna(0),
                    arrayminus=(lift - part["rel_lo"].astype(float)).fillna(0),
                    color=colour,
                    thickness=2,
                    width=4,
                ),
                customdata=part[["rel_lo", "rel_hi"]].astype(float),
                hovertemplate="%{y}<br>%{x:+.1%} [%{customdata[0]:+.1%}, %{customdata[1]:+.1%}]"
                "<extra></extra>",
            )
        )
    fig.add_vline(x=0, line=dict(color="#888888", width=1, dash="dash"))
    fig.update_xaxes(title=axis_title, tickformat="+.0%", zeroline=False)
    fig.update_yaxes(
        categoryorder="array", categoryarray=[html(x) for x in rows["label"]], automargin=True
    )
    fig = style(fig, height=max(260, 90 + 34 * len(rows)))
    fig.update_layout(hovermode="closest")
    return fig


def cumulative_chart(timeline: pd.DataFrame, axis_title: str, day_title: str) -> go.Figure:
    """Cumulative relative lift per treatment by day, with its 95% interval as a band.

    ``timeline`` has label, day, rel_lift, rel_lo, rel_hi for one experiment.
    """
    fig = go.Figure()
    for i, (name, part) in enumerate(timeline.groupby("label", sort=True)):
        label = html(name)  # experiment and variant names, drawn as text
        colour = PALETTE[i % len(PALETTE)]
        part = part.sort_values("day")
        band = part[part["rel_lo"].notna() & part["rel_hi"].notna()]
        fig.add_trace(
            go.Scatter(
                x=list(band["day"]) + list(band["day"])[::-1],
                y=list(band["rel_hi"].astype(float)) + list(band["rel_lo"].astype(float))[::-1],
                fill="toself",
                fillcolor=_transparent(colour),
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=part["day"],
                y=part["rel_lift"].astype(float),
                mode="lines",
                name=label,
                line=dict(color=colour, width=2),
                hovertemplate="%{x|%Y-%m-%d}: %{y:+.1%}<extra>" + label + "</extra>",
            )
        )
    fig.add_hline(y=0, line=dict(color="#888888", width=1, dash="dash"))
    fig.update_yaxes(title=axis_title, tickformat="+.0%")
    fig.update_xaxes(title=day_title, tickformat="%m-%d")
    fig = style(fig, height=340)
    fig.update_layout(hovermode="closest")
    return fig


def _transparent(hex_colour: str, alpha: float = 0.18) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
