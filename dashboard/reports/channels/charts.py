"""Channel charts: CAC against ROI, weekly spend and revenue per channel, budget and pacing."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.theme import BAD, GOOD, NEUTRAL, PALETTE, style, week_ticks
from dashboard.formatting import fmt_value, money_symbol
from dashboard.i18n import t
from dashboard.literal import html

MAX_BUBBLE_PX = 48
LOW_SAMPLE_SYMBOL = "circle-open"


def bubble(table: pd.DataFrame, colour_by: str | None, lang: str, horizon: int) -> go.Figure:
    """CAC (x) against ROI within the horizon (y), bubble area by spend, one colour per group.

    ``table`` is the report's bubble table; rows without CAC or ROI are not drawn (the page
    lists them). Low-sample rows are hollow and carry their CAC range as an error bar.
    Names are drawn as text: Plotly would render markup in them (dashboard.literal.html).
    """
    rows = table[table["plotted"]]
    fig = go.Figure()
    biggest = float(rows["spend"].max()) if not rows.empty else 0.0
    sizeref = 2.0 * biggest / MAX_BUBBLE_PX**2 if biggest > 0 else 1.0
    groups = rows[colour_by].fillna("") if colour_by else pd.Series("", index=rows.index)
    for i, (group, part) in enumerate(rows.groupby(groups, sort=True)):
        colour = PALETTE[i % len(PALETTE)]
        low = part["low_sample"].astype(bool)
        fig.add_trace(
            go.Scatter(
                x=part["cac"],
                y=part["roi_horizon"],
                mode="markers+text",
                text=[html(n) for n in part["name"]],
                textposition="top center",
                textfont=dict(size=11),
                name=html(group) if colour_by else t("channels.chart.channels", lang),
                marker=dict(
                    size=part["spend"].clip(lower=0).astype(float),
                    sizemode="area",
                    sizeref=sizeref,
                    sizemin=6,
                    color=colour,
                    symbol=[LOW_SAMPLE_SYMBOL if flag else "circle" for flag in low],
                    line=dict(width=2, color=colour),
                    opacity=0.75,
                ),
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=(part["cac_high"] - part["cac"]).where(low).fillna(0).clip(lower=0),
                    arrayminus=(part["cac"] - part["cac_low"]).where(low).fillna(0).clip(lower=0),
                    color=colour,
                    thickness=1,
                ),
                customdata=[
                    [key, fmt_value(s, "money", lang)]
                    for key, s in zip(part["key"], part["spend"], strict=True)
                ],
                hovertemplate=(
                    "%{text}<br>CAC "
                    + money_symbol()
                    + "%{x:,.0f}<br>ROI %{y:.2f}<br>"
                    + t("channels.chart.spend", lang)
                    + " %{customdata[1]}<extra></extra>"
                ),
            )
        )
    fig.add_hline(y=0, line_dash="dash", line_color=NEUTRAL)
    # CAC spans orders of magnitude (partner referrals at tens of yuan, media at thousands):
    # a log axis keeps the cheap channels apart instead of stacked against zero.
    ticks = [m * 10**e for e in range(0, 7) for m in (1, 2, 5)]
    fig.update_xaxes(
        title=t("channels.chart.cac_axis", lang),
        type="log",
        tickmode="array",
        tickvals=ticks,
        ticktext=[f"{money_symbol()}{v:,}" for v in ticks],
    )
    fig.update_yaxes(title=t("channels.chart.roi_axis", lang, horizon=horizon))
    fig = style(fig, height=460)
    fig.update_layout(hovermode="closest")
    return fig


def weekly(table: pd.DataFrame, names: list[str], lang: str, cols: int = 4) -> go.Figure:
    """One small chart per row name: spend as bars, new customers' revenue as a line, by week."""
    names = names or [""]
    rows = max(1, math.ceil(len(names) / cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[html(n) for n in names],
        vertical_spacing=min(0.12, 0.5 / rows),
        horizontal_spacing=0.05,
    )
    spend_label = t("channels.chart.spend", lang)
    revenue_label = t("channels.chart.revenue", lang)
    for i, name in enumerate(names):
        r, c = divmod(i, cols)
        part = table[table["name"] == name]
        fig.add_trace(
            go.Bar(
                x=part["week_start"],
                y=part["spend"],
                name=spend_label,
                marker_color=PALETTE[0],
                showlegend=i == 0,
                legendgroup="spend",
                hovertemplate="%{x|%Y-%m-%d}: "
                + money_symbol()
                + "%{y:,.0f}<extra>"
                + spend_label
                + "</extra>",
            ),
            row=r + 1,
            col=c + 1,
        )
        fig.add_trace(
            go.Scatter(
                x=part["week_start"],
                y=part["revenue"],
                name=revenue_label,
                mode="lines+markers",
                line=dict(color=PALETTE[1], width=2),
                showlegend=i == 0,
                legendgroup="revenue",
                hovertemplate="%{x|%Y-%m-%d}: "
                + money_symbol()
                + "%{y:,.0f}<extra>"
                + revenue_label
                + "</extra>",
            ),
            row=r + 1,
            col=c + 1,
        )
    fig.update_yaxes(tickprefix=money_symbol())
    week_ticks(fig, table["week_start"], most=5)
    fig = style(fig, height=max(300, 220 * rows))
    fig.update_layout(hovermode="closest", bargap=0.3)
    return fig


def budget_bars(split: pd.DataFrame, reserve: pd.DataFrame, lang: str) -> go.Figure:
    """Plan against actual per spending category, and the reserve's plan against its use."""
    names = list(split["name"]) + list(reserve["name"])
    plan = list(split["plan"]) + list(reserve["plan"])
    actual = list(split["actual"]) + list(reserve["used"])
    over = [a > p for a, p in zip(actual, plan, strict=True)]
    fig = go.Figure(
        [
            go.Bar(x=names, y=plan, name=t("channels.chart.plan", lang), marker_color=NEUTRAL),
            go.Bar(
                x=names,
                y=actual,
                name=t("channels.chart.actual", lang),
                marker_color=[BAD if o else GOOD for o in over],
                text=[fmt_value(a, "money", lang) for a in actual],
                textposition="outside",
            ),
        ]
    )
    fig.update_yaxes(tickprefix=money_symbol(), rangemode="tozero")
    fig = style(fig, height=380)
    fig.update_layout(barmode="group", hovermode="x")
    return fig


def pacing_bars(pacing: pd.DataFrame, lang: str) -> go.Figure:
    """Spent so far against the straight-line expectation, with the full month's plan marked."""
    names = list(pacing["name"])
    ahead = [
        s > e if e else False for s, e in zip(pacing["spent"], pacing["expected"], strict=True)
    ]
    fig = go.Figure(
        [
            go.Bar(
                y=names,
                x=pacing["expected"],
                orientation="h",
                name=t("channels.chart.expected", lang),
                marker_color="rgba(93, 109, 126, 0.35)",
            ),
            go.Bar(
                y=names,
                x=pacing["spent"],
                orientation="h",
                name=t("channels.chart.spent", lang),
                marker_color=[BAD if a else GOOD for a in ahead],
                text=[fmt_value(p, "ratio", lang) for p in pacing["pace"]],
                textposition="outside",
            ),
            go.Scatter(
                y=names,
                x=pacing["plan"],
                mode="markers",
                name=t("channels.chart.month_plan", lang),
                marker=dict(symbol="line-ns-open", size=22, color=PALETTE[3], line=dict(width=3)),
            ),
        ]
    )
    fig.update_xaxes(tickprefix=money_symbol(), rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    fig = style(fig, height=360)
    fig.update_layout(barmode="group", hovermode="y", bargap=0.25)
    return fig
