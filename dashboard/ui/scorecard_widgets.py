"""The scorecard page's own widgets: URL-bound period and scope controls, status cards, tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.formatting import fmt_date
from dashboard.i18n import t
from dashboard.literal import t_md
from dashboard.metrics.periods import KINDS
from dashboard.reports.scorecard.charts import league_heat
from dashboard.reports.scorecard.model import DEFAULT_KIND, ScorecardData, ScorecardOptions
from dashboard.reports.scorecard.tables import status_counts, table_labels
from dashboard.ui import urlbind

_DIM_LABELS = {
    "city": "filters.cities",
    "specialty": "filters.specialties",
    "clinic": "filters.clinics",
    "channel": "filters.channels",
}


@dataclass(frozen=True)
class ScorecardControls:
    """The page-local choices: period kind, period code and scope code."""

    kind: str
    period: str | None
    scope: str


def controls(opts: ScorecardOptions, lang: str) -> ScorecardControls:
    """Period kind, period and scope in one row, each bound to the URL."""
    c_kind, c_period, c_scope = st.columns([2.6, 1.4, 3])
    # Translated labels: kept in the URL by code (see dashboard.ui.urlbind).
    kind = urlbind.choice(
        c_kind,
        "segmented_control",
        t("scorecard.control.kind", lang),
        KINDS,
        DEFAULT_KIND,
        lambda k, g: t(f"scorecard.kind.{k}", g),
        lang,
        key="scorecard_kind",
        required=True,
    )
    kind = kind if kind in KINDS else DEFAULT_KIND
    # Plain period codes (2026-11, 2026-Q4, 2026-W46) keep copied links the same in both languages.
    period = urlbind.plain(
        c_period,
        "selectbox",
        t("scorecard.control.period", lang),
        key="scorecard_period",
        options=list(opts.periods[kind]),
    )
    # Scope names differ by language: kept in the URL by code too (links with names still work).
    scope = urlbind.choice(
        c_scope,
        "selectbox",
        t("scorecard.control.scope", lang),
        opts.scopes,
        opts.default_scope,
        opts.scope_name,
        lang,
        key="scorecard_scope",
        scoped=True,
    )
    return ScorecardControls(kind=kind, period=period, scope=scope or opts.default_scope)


def dims_text(dims: tuple[str, ...], lang: str) -> str:
    """The names of filter dimensions, e.g. '专科、渠道'."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(t(_DIM_LABELS[d], lang) for d in dims)


def period_banner(report: ScorecardData, opts: ScorecardOptions, lang: str) -> None:
    """What the page judges: period, days elapsed, pacing rule, comparison, scope."""
    p = report.period
    values = dict(period=p.code, start=p.start, end=p.end)
    if report.in_progress:
        st.info(
            t(
                "scorecard.period_in_progress",
                lang,
                elapsed=report.elapsed_days,
                days=p.days,
                data_end=fmt_date(report.data_end, lang),
                **values,
            )
        )
    else:
        st.caption(t("scorecard.period_complete", lang, **values))
    c = report.comparison
    scope = opts.scope_name(report.target_scope.code, lang)
    st.caption(
        f"{t_md('scorecard.scope_line', lang, scope=scope)} · "
        f"{t('scorecard.comparison', lang, start=c.start, end=c.end)}"
    )
    if report.narrowing:
        st.warning(
            t_md("scorecard.narrowing", lang, dims=dims_text(report.narrowing, lang), scope=scope)
        )


def status_cards(report: ScorecardData, lang: str) -> None:
    """Four large counts: on target, within 10%, off target, without a status."""
    counts = status_counts(report)
    for col, key in zip(st.columns(4), ("green", "amber", "red", "none"), strict=True):
        col.metric(t(f"scorecard.count.{key}", lang), counts[key], border=True)


def kpi_table(frame: pd.DataFrame, report: ScorecardData, lang: str) -> None:
    """One perspective's KPIs with a 12-week sparkline column; status as icon and words."""
    labels = table_labels(report, lang)
    # Pixel widths keep every column on screen at 1280×720 with the sidebar open.
    widths = {
        "kpi": 135,
        "actual": 80,
        "target": 85,
        "outlook": 120,
        "attainment": 72,
        "status": 105,
        "trend": 115,
    }
    config: dict[str, Any] = {
        key: st.column_config.TextColumn(label, help=tip or None, width=widths.get(key))
        for key, (label, tip) in labels.items()
        if key != "spark"
    }
    label, tip = labels["spark"]
    config["spark"] = st.column_config.LineChartColumn(label, help=tip, width=90)
    styled = frame.style.apply(_status_colours, axis=None)
    st.dataframe(styled, hide_index=True, column_config=config, width="stretch")


def _status_colours(frame: pd.DataFrame) -> pd.DataFrame:
    """Background tints for the status cell (the text already says the status)."""
    out = pd.DataFrame("", index=frame.index, columns=frame.columns)
    tints = {"✔": "#d8f0e0", "▲": "#fdebc8", "✖": "#f9d3cf"}
    for i, text in frame["status"].items():
        tint = tints.get(str(text)[:1])
        if tint:
            out.at[i, "status"] = f"background-color: {tint}"
    return out


def league(report: ScorecardData, table: pd.DataFrame, lang: str) -> None:
    """The cities × KPIs heat table, its note, and the table beneath it."""
    st.subheader(t("scorecard.league_title", lang))
    if table.empty:
        st.info(t("scorecard.league_none", lang))
        return
    if report.league_narrowing:
        st.warning(
            t("scorecard.league_narrowing", lang, dims=dims_text(report.league_narrowing, lang))
        )
    st.caption(t("scorecard.league_note", lang))
    st.plotly_chart(league_heat(table), width="stretch", config={"displayModeBar": False})
    with st.expander(t("scorecard.league_table", lang)):
        st.dataframe(
            table[["rank", "city", "kpi", "label"]],
            hide_index=True,
            width="stretch",
            column_config={
                "rank": st.column_config.NumberColumn(t("scorecard.col.rank", lang)),
                "city": st.column_config.TextColumn(t("scorecard.col.city", lang)),
                "kpi": st.column_config.TextColumn(t("scorecard.col.kpi", lang)),
                "label": st.column_config.TextColumn(t("scorecard.col.attainment", lang)),
            },
        )
