"""Member lifecycle: stages at the end of the period (激活-活跃-沉寂-召回), month-to-month flows,
repeat purchases, first-purchase cohort retention and value tiers by lifetime value."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports.members import charts, load, tables
from dashboard.reports.members.model import REPEAT_KPIS
from dashboard.reports.sheet_display import display
from dashboard.ui import export_widgets, members_widgets

ctx = ui.page_header("members")
lang = ctx.lang
controls = members_widgets.controls(lang)
with ui.guard(lang):
    report = load.load(ctx.filters, ctx.scope, **controls.as_kwargs())

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

rules = tables.rules(report, lang)
for key in ("bad_thresholds", "bad_tiers"):
    if key in rules:
        st.warning(rules[key])
stage_sheet, flow_sheet, transition_sheet, cohort_sheet, tier_sheet, stage_tier_sheet = (
    tables.sheets(report, lang)
)

st.subheader(stage_sheet.title)
st.caption(rules["stages"])
st.caption(rules["scope"])
left, right = st.columns([3, 2])
left.plotly_chart(charts.stage_bars(report.stages, lang), width="stretch")
with right:
    st.markdown(f"**{t('members.repeat', lang)}**")
    # The returning share is complete; a repurchase window not over for every new customer is
    # marked maturing, with the share that has had it.
    labels, notes = tables.maturing_texts(report, lang)
    ui.kpi_cards(report.repeat, REPEAT_KPIS, lang, per_row=2, labels=labels, notes=notes)
    st.caption(t("members.repeat_rule", lang))
    for note in notes.values():
        st.caption(note)
ui.show_table(display(stage_sheet, lang))
st.caption(stage_sheet.notes[-1])

st.subheader(flow_sheet.title)
st.caption(rules["flows"])
st.plotly_chart(charts.flows_sankey(report.flows, list(report.snapshots), lang), width="stretch")
st.markdown(f"**{transition_sheet.title}**")
st.caption(rules["transitions"])
ui.show_table(display(transition_sheet, lang))
with st.expander(flow_sheet.title):
    ui.show_table(display(flow_sheet, lang))

st.subheader(cohort_sheet.title)
if "cohorts_truncated" in rules:
    st.caption(rules["cohorts_truncated"])
st.caption(f"{rules['cohorts']} {rules['dash']}")
if "cohorts_maturing" in rules:
    st.caption(rules["cohorts_maturing"])
st.plotly_chart(charts.retention_heatmap(report.cohorts, lang), width="stretch")
with st.expander(cohort_sheet.title):
    ui.show_table(display(cohort_sheet, lang))

st.subheader(tier_sheet.title)
st.caption(rules["tiers"])
left, right = st.columns([2, 3])
left.plotly_chart(charts.tier_bars(report.tier_table, lang), width="stretch")
with right:
    ui.show_table(display(tier_sheet, lang))
    st.markdown(f"**{stage_tier_sheet.title}**")
    ui.show_table(display(stage_tier_sheet, lang))
export_widgets.export_button(ctx, "members", lambda: tables.sheets(report, ctx.lang))
