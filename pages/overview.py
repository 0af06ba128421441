"""Overview: headline KPIs against the previous period, and weekly trends."""

import streamlit as st

from dashboard import ui
from dashboard.charts.trends import weekly_small_multiples
from dashboard.i18n import t
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.reports import overview
from dashboard.ui import export_widgets

ctx = ui.page_header("overview")
with ui.guard(ctx.lang):
    report = overview.load(ctx.filters, ctx.scope)

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

st.caption(t("overview.definitions", ctx.lang))
ui.kpi_cards(report.deltas, OVERVIEW_KPIS, ctx.lang)

st.subheader(t("overview.trends", ctx.lang))
series = [
    (k, kpi(k).name(ctx.lang), kpi(k).unit)
    for k in ("impressions", "inquiries", "arrivals", "paid_deals", "revenue", "spend")
]
st.plotly_chart(weekly_small_multiples(report.weekly, series, cols=3), width="stretch")
export_widgets.export_button(ctx, "overview", lambda: overview.sheets(report, ctx.lang))
