"""Referrer charts: the weekly referral share of new customers and one referrer's network."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.theme import GOOD, NEUTRAL, PALETTE, style, week_ticks
from dashboard.i18n import t
from dashboard.literal import html

STATUS_COLOURS = {"paid": GOOD, "arrived": PALETTE[1], "registered": "#b8c2cc"}
ROOT_COLOUR = PALETTE[0]


def share_chart(weekly: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars of new customers (referred / other) per week, the referred share as a line."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    referred = weekly["referred"].astype(float)
    other = weekly["new_customers"].astype(float) - referred
    share = [None if v is None else float(v) for v in weekly["share"]]
    fig.add_trace(
        go.Bar(
            x=weekly["week_start"],
            y=referred,
            name=t("referrers.chart.referred", lang),
            marker_color=PALETTE[0],
            hovertemplate="%{x|%Y-%m-%d}: %{y:,.0f}<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Bar(
            x=weekly["week_start"],
            y=other,
            name=t("referrers.chart.other_new", lang),
            marker_color="#b8c2cc",
            hovertemplate="%{x|%Y-%m-%d}: %{y:,.0f}<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=weekly["week_start"],
            y=share,
            name=t("referrers.chart.share", lang),
            mode="lines+markers",
            line=dict(color=PALETTE[1], width=3),
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra></extra>",
            connectgaps=False,
        ),
        secondary_y=True,
    )
    fig.update_layout(barmode="stack", hovermode="x unified")
    fig.update_xaxes(title_text=t("referrers.chart.week", lang))
    week_ticks(fig, weekly["week_start"])
    fig.update_yaxes(title_text=t("referrers.chart.customers", lang), secondary_y=False)
    # An explicit range, so the share line sits inside its own axis with headroom for the
    # legend (Plotly otherwise lines the ticks up with the bars' grid and cuts them short).
    top = max([v for v in share if v is not None] or [0.0])
    fig.update_yaxes(
        title_text=t("referrers.chart.share", lang),
        tickformat=".0%",
        range=[0, max(top * 1.2, 0.05)],
        tickmode="auto",
        secondary_y=True,
        showgrid=False,
    )
    return style(fig, height=340)


def network_chart(tree: pd.DataFrame, lang: str) -> go.Figure:
    """The referrer at the centre, the people they brought around it, the next ring theirs.

    Each wedge is as wide as the branch it starts (the person and everyone they brought);
    colour says how far each person got (paid, arrived, registered). Labels are the names as
    given — masked by the report when the viewer may not see them.
    """
    statuses = {s: t(f"referrers.status.{s}", lang) for s in STATUS_COLOURS}
    colours = [
        ROOT_COLOUR if depth == 0 else STATUS_COLOURS.get(status, NEUTRAL)
        for depth, status in zip(tree["depth"], tree["status"], strict=True)
    ]
    names = [html(n) for n in tree["name"]]  # customers' own names: drawn as text
    hover = [
        f"{name}<br>{t(f'referrers.degree.{depth}', lang)} · {statuses.get(status, '')}"
        if depth
        else f"{name}<br>{t('referrers.degree.0', lang)}"
        for name, depth, status in zip(names, tree["depth"], tree["status"], strict=True)
    ]
    fig = go.Figure(
        go.Sunburst(
            ids=tree["id"],
            parents=tree["parent"],
            labels=names,
            values=tree["size"],
            branchvalues="total",
            marker=dict(colors=colours, line=dict(color="white", width=1)),
            hovertext=hover,
            hoverinfo="text",
            insidetextorientation="radial",
            maxdepth=3,
        )
    )
    # A legend of the status colours: invisible points that only carry the legend entries.
    for status, colour in STATUS_COLOURS.items():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker=dict(color=colour, size=12, symbol="square"),
                name=statuses[status],
                showlegend=True,
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig = style(fig, height=460)
    fig.update_layout(hovermode="closest", plot_bgcolor="rgba(0,0,0,0)")
    return fig
