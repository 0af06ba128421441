"""Member lifecycle charts: stages at the period end, the flows Sankey, retention heat, tiers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.theme import PALETTE, style
from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc

STAGE_COLOURS = {
    "none": "#b8c2cc",
    "new": PALETTE[6],
    "active": PALETTE[2],
    "won_back": PALETTE[4],
    "dormant": PALETTE[1],
    "lapsed": PALETTE[3],
}
TIER_COLOURS = {"high": PALETTE[0], "mid": PALETTE[6], "low": "#9aa5b1"}


def _stage(stage: str, lang: str) -> str:
    return t(f"members.stage.{stage}", lang)


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def stage_bars(stages: pd.DataFrame, lang: str) -> go.Figure:
    """Customers per stage at the period end, one bar each in the stages' order."""
    fig = go.Figure(
        go.Bar(
            x=[_stage(s, lang) for s in stages["stage"]],
            y=stages["customers"].astype(float),
            marker_color=[STAGE_COLOURS[s] for s in stages["stage"]],
            text=[f"{int(v):,}" for v in stages["customers"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text=t("members.chart.customers", lang))
    fig = style(fig, height=300)
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig


def flows_sankey(flows: pd.DataFrame, snapshots: list, lang: str) -> go.Figure:
    """Stages at each month end as columns of nodes; links carry the customers who moved.

    "No purchase yet" appears only as a source: it feeds the new customers of each month.
    Stage names label the first and last columns (colours carry them in between; every
    node names itself on hover) so that labels never overlap on a projector.
    """
    nodes: dict[tuple[int, str], int] = {}
    labels: list[str] = []
    names: list[str] = []
    colours: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    steps = max(len(snapshots) - 1, 1)
    index = {day: i for i, day in enumerate(snapshots)}
    order = ("none", *lc.STAGES)

    def node(col: int, stage: str) -> int:
        if (col, stage) not in nodes:
            nodes[(col, stage)] = len(names)
            names.append(_stage(stage, lang))
            labels.append(_stage(stage, lang) if col in (0, steps) else "")
            colours.append(STAGE_COLOURS[stage])
            xs.append(0.001 + 0.998 * col / steps)
            # Centres kept off the edges, so the bottom stage's node and label are not cut.
            ys.append(0.06 + 0.88 * order.index(stage) / (len(order) - 1))
        return nodes[(col, stage)]

    source, target, value, link_colours = [], [], [], []
    for row in flows.itertuples(index=False):
        if row.customers <= 0 or row.start not in index:
            continue
        col = index[row.start]
        source.append(node(col, row.from_stage))
        target.append(node(col + 1, row.to_stage))
        value.append(int(row.customers))
        link_colours.append(_rgba(STAGE_COLOURS[row.to_stage], 0.35))
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node=dict(
                label=labels,
                customdata=names,
                color=colours,
                x=xs,
                y=ys,
                pad=12,
                thickness=14,
                hovertemplate="%{customdata}: %{value:,.0f}<extra></extra>",
            ),
            link=dict(source=source, target=target, value=value, color=link_colours),
            valueformat=",.0f",
        )
    )
    ticks = [
        dict(
            x=i / steps,
            y=1.0,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            # Month ends as months; the period end (last column) as its date.
            text=pd.Timestamp(day).strftime("%Y-%m-%d" if i == steps else "%Y-%m"),
            showarrow=False,
            font=dict(size=12),
        )
        for i, day in enumerate(snapshots)
    ]
    fig.update_layout(annotations=ticks)
    fig = style(fig, height=440)
    fig.update_layout(margin=dict(l=10, r=10, t=36, b=10), hovermode="closest")
    return fig


def retention_heatmap(cohorts: pd.DataFrame, lang: str) -> go.Figure:
    """Cohorts (rows) × months since first purchase (columns), coloured by the share buying again.

    Months the data has not reached are gaps (no colour, no text), not 0%; the month still in
    progress at the data's end carries a "*" after its share (and after a cohort's label when
    its first-purchase month itself is in progress).
    """
    columns = lc.retention_columns(cohorts)
    maturing = [None if k is None or pd.isna(k) else int(k) for k in cohorts["maturing"]]
    z = [
        [None if v is None or pd.isna(v) else float(v) for v in row]
        for row in cohorts[columns].itertuples(index=False, name=None)
    ]
    text = [
        ["" if v is None else f"{v:.0%}" + ("*" if k == j + 1 else "") for j, v in enumerate(row)]
        for row, k in zip(z, maturing, strict=True)
    ]
    months = [t("members.col.month_k", lang, k=int(c[1:])) for c in columns]
    cohort_labels = [
        f"{pd.Timestamp(d):%Y-%m}{'*' if k == 0 else ''} ({n:,})"
        for d, n, k in zip(cohorts["cohort"], cohorts["customers"], maturing, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=months,
            y=cohort_labels,
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=11 if len(columns) <= 12 else 9),
            colorscale="Blues",
            hoverongaps=False,
            colorbar=dict(tickformat=".0%", title=dict(text=t("members.chart.retention", lang))),
            hovertemplate="%{y} · %{x}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title_text=t("members.chart.cohort", lang))
    fig.update_xaxes(title_text=t("members.chart.months_since", lang), side="top")
    # 24 cohorts need more room than 2; a row of text stays readable either way.
    fig = style(fig, height=max(260, min(760, 120 + 26 * len(cohort_labels))))
    fig.update_layout(hovermode="closest")
    return fig


def tier_bars(tiers: pd.DataFrame, lang: str) -> go.Figure:
    """Share of customers and share of lifetime value per value tier, side by side."""
    names = [t(f"members.tier.{x}", lang) for x in tiers["tier"]]
    fig = go.Figure()
    for column, label, colour in (
        ("share", t("members.col.share", lang), PALETTE[6]),
        ("ltv_share", t("members.col.ltv_share", lang), PALETTE[0]),
    ):
        values = [None if v is None else float(v) for v in tiers[column]]
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                name=label,
                marker_color=colour,
                text=["" if v is None else f"{v:.0%}" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x}: %{y:.1%}<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig = style(fig, height=300)
    fig.update_layout(hovermode="closest")
    return fig
