"""Overview: headline KPIs against the previous period, and weekly trends."""

import streamlit as st

from dashboard import ui
from dashboard.charts.trends import weekly_small_multiples
from dashboard.i18n import t
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.reports.overview import load, tables
from dashboard.reports.overview.model import TREND_KPIS
from dashboard.ui import export_widgets

ctx = ui.page_header("overview")
with ui.guard(ctx.lang):
    report = load.load(ctx.filters, ctx.scope)

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

st.caption(t("overview.definitions", ctx.lang))
ui.kpi_cards(report.deltas, OVERVIEW_KPIS, ctx.lang)

st.subheader(t("overview.trends", ctx.lang))
series = [(k, kpi(k).name(ctx.lang), kpi(k).unit) for k in TREND_KPIS]
st.plotly_chart(weekly_small_multiples(report.weekly, series, cols=3), width="stretch")
export_widgets.export_button(ctx, "overview", lambda: tables.sheets(report, ctx.lang))
