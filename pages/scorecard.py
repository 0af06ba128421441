"""Balanced scorecard: four perspectives of KPIs against targets, and a city league table."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.metrics.registry import SCORECARD_KPIS
from dashboard.reports.scorecard import load, tables
from dashboard.ui import export_widgets
from dashboard.ui import scorecard_widgets as sw

ctx = ui.page_header("scorecard")
st.caption(t("scorecard.note_period", ctx.lang))
if ctx.data_end is None:
    ui.empty_state(ctx)
    st.stop()
with ui.guard(ctx.lang):
    opts = load.options(ctx.filters, ctx.scope, ctx.data_end)
    chosen = sw.controls(opts, ctx.lang)
    report = load.load(
        ctx.filters, ctx.scope, chosen.kind, chosen.period, chosen.scope, ctx.data_end
    )

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

sw.period_banner(report, opts, ctx.lang)
sw.status_cards(report, ctx.lang)
for perspective in SCORECARD_KPIS:
    st.subheader(t(f"scorecard.perspective.{perspective}", ctx.lang))
    sw.kpi_table(tables.kpi_table(report, perspective, ctx.lang), report, ctx.lang)
st.caption(t("scorecard.definitions", ctx.lang))
with ui.guard(ctx.lang):
    no_doctors = load.clinics_without_doctors(ctx.filters, ctx.scope)
if no_doctors:
    st.caption(t("scorecard.no_doctors", ctx.lang, n=no_doctors))
sw.league(report, tables.league_table(report, ctx.lang), ctx.lang)
export_widgets.export_button(ctx, "scorecard", lambda: tables.sheets(report, ctx.lang))
