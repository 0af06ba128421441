"""Funnel charts: the stage funnel, the breakdown bars, weekly conversion, traffic or retention."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.theme import BAD, GOOD, NEUTRAL, PALETTE, style, week_ticks
from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.literal import html
from dashboard.metrics.funnel import LEAD_STAGES, STAGES
from dashboard.metrics.traffic_retention import (
    FIRST_VISITS_HEALTHY,
    FIRST_VISITS_LOW,
    RETENTION_MIN_SHARE,
)

MATURING_FILL = "rgba(93, 109, 126, 0.14)"
COMPARISON = "#9aa5b1"
_STATUS_COLOURS = {"lacks_traffic": BAD, "below_healthy": PALETTE[1], "healthy": GOOD}


def _stage(stage: str, lang: str) -> str:
    return t(f"funnel.stage.{stage}", lang)


def stage_funnel(stages: pd.DataFrame, lang: str) -> go.Figure:
    """The created leads and their stages as a funnel with the share of the previous stage and
    of the created leads; impressions in the title.

    Impressions are a period total orders of magnitude above the lead stages, so they are
    named in the title rather than drawn on the same scale.
    """
    rows = stages.set_index("stage")
    counts = [float(rows.loc[s, "count"]) for s in LEAD_STAGES]
    # Shares from the stage table, not Plotly's own percentages: a stage after a zero count
    # reads "—" there, where Plotly would print NaN.
    of_leads = [fmt_value(rows.loc[s, "from_leads"], "rate", lang) for s in LEAD_STAGES]
    previous = [fmt_value(rows.loc[s, "from_previous"], "rate", lang) for s in LEAD_STAGES]
    previous[0] = ""  # leads ÷ impressions is a period ratio, named in the table
    label = t("funnel.col.from_leads", lang)
    step = t("funnel.col.from_previous", lang)
    fig = go.Figure(
        go.Funnel(
            y=[_stage(s, lang) for s in LEAD_STAGES],
            x=counts,
            text=[f"{c:,.0f}<br>{share}" for c, share in zip(counts, of_leads, strict=True)],
            textinfo="text",
            customdata=list(zip(of_leads, previous, strict=True)),
            marker=dict(color=[PALETTE[i] for i in range(len(LEAD_STAGES))]),
            connector=dict(fillcolor="rgba(31, 95, 168, 0.08)"),
            hovertemplate="%{y}: %{x:,.0f}<br>"
            + label
            + " %{customdata[0]}<br>"
            + step
            + " %{customdata[1]}<extra></extra>",
        )
    )
    impressions = fmt_value(float(rows.loc["impressions", "count"]), "count", lang)
    fig.update_layout(title=dict(text=t("funnel.chart.impressions_note", lang, value=impressions)))
    return style(fig, height=320)


def breakdown_bars(breakdown: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped bars: one group per member (top N + other), one bar per lead stage.

    Every bar carries its member's key as customdata, so a click can narrow the page to it.
    """
    names = [html(n) for n in breakdown[f"name_{lang}"]]
    keys = [str(k) for k in breakdown["key"]]
    fig = go.Figure()
    for i, stage in enumerate(LEAD_STAGES):
        fig.add_trace(
            go.Bar(
                x=names,
                y=breakdown[stage].astype(float),
                name=_stage(stage, lang),
                marker_color=PALETTE[i],
                customdata=keys,
                hovertemplate="%{x}<br>" + _stage(stage, lang) + ": %{y:,.0f}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", clickmode="event+select", hovermode="closest")
    fig.update_yaxes(title_text=t("funnel.chart.count", lang))
    return style(fig, height=380)


def _maturing_band(fig: go.Figure, weekly: pd.DataFrame, lang: str) -> None:
    """Shade the weeks that still hold maturing leads, on every panel."""
    maturing = weekly.loc[weekly["is_maturing"].astype(bool), "week_start"]
    if maturing.empty:
        return
    start = pd.Timestamp(maturing.min()) - pd.Timedelta(days=3.5)
    end = pd.Timestamp(weekly["week_start"].max()) + pd.Timedelta(days=3.5)
    fig.add_vrect(
        x0=start,
        x1=end,
        fillcolor=MATURING_FILL,
        line_width=0,
        layer="below",
        row="all",
        col="all",
    )
    # Labelled at the foot of the first panel, clear of the titles and the legend.
    fig.add_annotation(
        x=end,
        y=0,
        xref="x",
        yref="y domain",
        text=t("funnel.chart.maturing", lang),
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font=dict(color=NEUTRAL),
    )


def weekly_conversion(weekly: pd.DataFrame, lang: str, comparison_label: str) -> go.Figure:
    """Small multiples: each stage's conversion by week and lead → paid deal (paid ÷ created
    leads), this period against the comparison.

    Weeks with maturing leads are drawn with open markers on a grey band, so an incomplete
    cohort does not read as a collapse.
    """
    # Each step from the stage before it, then the headline over created leads.
    columns = [f"{s}_rate" for s in STAGES[1:]] + ["overall_rate"]
    titles = [
        f"{_stage(prev, lang)} → {_stage(s, lang)}"
        for prev, s in zip(STAGES, STAGES[1:], strict=False)
    ] + [t("funnel.col.overall_rate", lang)]
    fig = make_subplots(
        rows=3,
        cols=2,
        subplot_titles=titles,
        vertical_spacing=0.12,
        horizontal_spacing=0.08,
    )
    maturing = weekly["is_maturing"].astype(bool).tolist()
    symbols = ["circle-open" if m else "circle" for m in maturing]
    # A long window can leave the comparison weeks maturing too: same open markers.
    cmp_maturing = weekly.get("cmp_is_maturing", pd.Series(False, index=weekly.index))
    cmp_symbols = ["circle-open" if m is True else "circle" for m in cmp_maturing.tolist()]
    share = [0.0 if s is None or pd.isna(s) else float(s) for s in weekly["maturing_share"]]
    maturing_label = t("funnel.chart.maturing", lang)
    this_period = t("funnel.chart.this_period", lang)
    for i, column in enumerate(columns):
        r, c = divmod(i, 2)
        fig.add_trace(
            go.Scatter(
                x=weekly["week_start"],
                y=weekly.get(f"cmp_{column}"),
                mode="lines+markers",
                name=comparison_label,
                line=dict(color=COMPARISON, width=2, dash="dash"),
                marker=dict(size=6, color=COMPARISON, symbol=cmp_symbols),
                hovertemplate="%{y:.2%}<extra>" + comparison_label + "</extra>",
                showlegend=i == 0,
                legendgroup="cmp",
            ),
            row=r + 1,
            col=c + 1,
        )
        fig.add_trace(
            go.Scatter(
                x=weekly["week_start"],
                y=weekly[column],
                mode="lines+markers",
                name=this_period,
                line=dict(color=PALETTE[0], width=2.5),
                marker=dict(size=9, symbol=symbols, color=PALETTE[0], line=dict(width=2)),
                customdata=share,
                hovertemplate="%{x|%Y-%m-%d}: %{y:.2%} · "
                + maturing_label
                + " %{customdata:.0%}<extra>"
                + this_period
                + "</extra>",
                showlegend=i == 0,
                legendgroup="now",
            ),
            row=r + 1,
            col=c + 1,
        )
    _maturing_band(fig, weekly, lang)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    # Impressions → leads is a fraction of a percent.
    fig.update_yaxes(tickformat=".2%", row=1, col=1)
    week_ticks(fig, weekly["week_start"], most=5)
    fig = style(fig, height=760)
    fig.update_layout(
        hovermode="closest",
        margin=dict(t=80),
        legend=dict(orientation="h", yanchor="bottom", y=1.08, x=0),
    )
    return fig


def traffic_scatter(clinics: pd.DataFrame, lang: str) -> go.Figure:
    """Clinics by first visits per doctor per month against repeat + referral revenue share."""
    fig = go.Figure()
    shown = clinics[clinics["per_doctor_month"].notna() & clinics["retained_share"].notna()]
    for status, colour in _STATUS_COLOURS.items():
        part = shown[shown["traffic_status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["per_doctor_month"].astype(float),
                y=part["retained_share"].astype(float),
                mode="markers",
                name=t(f"funnel.traffic_status.{status}", lang),
                text=[html(n) for n in part[f"name_{lang}"]],
                marker=dict(color=colour, size=11, line=dict(width=1, color="white")),
                hovertemplate="%{text}<br>%{x:.1f} · %{y:.1%}<extra></extra>",
            )
        )
    for value, key in ((FIRST_VISITS_LOW, "low_line"), (FIRST_VISITS_HEALTHY, "healthy_line")):
        fig.add_vline(
            x=value,
            line=dict(color=NEUTRAL, dash="dot"),
            annotation_text=t(f"funnel.chart.{key}", lang, value=f"{value:.0f}"),
            annotation_position="bottom right",
        )
    fig.add_hline(
        y=RETENTION_MIN_SHARE,
        line=dict(color=NEUTRAL, dash="dot"),
        annotation_text=t("funnel.chart.share_line", lang, value=f"{RETENTION_MIN_SHARE:.0%}"),
        annotation_position="top right",
    )
    fig.update_xaxes(title_text=t("funnel.chart.per_doctor_month", lang), rangemode="tozero")
    fig.update_yaxes(
        title_text=t("funnel.chart.retained_share", lang), tickformat=".0%", rangemode="tozero"
    )
    fig = style(fig, height=420)
    fig.update_layout(hovermode="closest")
    return fig
