"""Funnel: the period's lead cohort through the stages, its breakdown, weekly conversion,
and whether each clinic lacks traffic or retention."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports.funnel import charts, load, tables
from dashboard.ui import export_widgets, funnel_widgets

ctx = ui.page_header("funnel")
lang = ctx.lang
with ui.guard(lang):
    # The view opens on a window most of the period's leads have had (dashboard.metrics.maturity).
    default_window = load.default_window(ctx.filters, ctx.scope)
controls = funnel_widgets.controls(lang, default_window)
with ui.guard(lang):
    report = load.load(ctx.filters, ctx.scope, **controls.as_kwargs())

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

text = tables.texts(report, lang)
rules = tables.rules(lang, report.window)
stage_sheet, breakdown_sheet, weekly_sheet, clinic_sheet = tables.sheets(report, lang)

st.markdown(f"**{text.cohort}**")
if text.maturing:
    st.info(text.maturing, icon=":material/hourglass_top:")
if text.untimed:
    st.info(text.untimed, icon=":material/schedule:")

st.subheader(t("funnel.stages", lang))
st.caption(f"{rules['cohort']} {rules['default']}")
st.caption(rules["base"])
st.caption(rules["names"])
st.caption(rules["impressions"])
st.plotly_chart(charts.stage_funnel(report.stages, lang), width="stretch")
ui.show_table(tables.display(stage_sheet, lang))
st.caption(f"{rules['time']} {rules['dash']}")

st.subheader(breakdown_sheet.title)
st.caption(f"{breakdown_sheet.notes[0]} {rules['rates']} {rules['click']}")
funnel_widgets.breakdown_chart(charts.breakdown_bars(report.breakdown, lang), report.dimension)
ui.show_table(tables.display(breakdown_sheet, lang))

st.subheader(t("funnel.weekly", lang))
st.caption(f"{text.comparison} {rules['maturing']}")
comparison = t(f"funnel.compare.{report.comparison}", lang)
st.plotly_chart(charts.weekly_conversion(report.weekly, lang, comparison), width="stretch")
with st.expander(t("funnel.weekly_table", lang)):
    ui.show_table(tables.display(weekly_sheet, lang))

st.subheader(t("funnel.traffic", lang))
st.caption(f"{rules['traffic']} {rules['retention']}")
st.warning(text.lacks_traffic, icon=":material/person_add:")
st.warning(text.lacks_retention, icon=":material/replay:")
st.caption(text.chain)
if text.no_doctors:
    st.info(text.no_doctors, icon=":material/help:")
st.plotly_chart(charts.traffic_scatter(report.clinics, lang), width="stretch")
ui.show_table(tables.display(clinic_sheet, lang))
export_widgets.export_button(ctx, "funnel", lambda: tables.sheets(report, ctx.lang))
