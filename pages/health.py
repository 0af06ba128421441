"""Data health (admins and analysts): rows and date coverage, filled shares, warnings per page."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports.health import load, model, tables

ctx = ui.page_header("health")
# Refused here too, not only left out of the navigation: a link must not open it.
if not ctx.can_read_health:
    st.error(t("health.only_roles", ctx.lang))
    st.stop()
lang = ctx.lang
st.caption(t("health.intro", lang))
with ui.guard(lang):
    report = load.load()

st.subheader(t("health.warnings_title", lang))
for finding in report.warnings:
    affects = t("health.affects", lang, pages=tables.pages(finding, lang))
    st.warning(f"{tables.message(finding, lang)}  \n{affects}", icon=":material/warning:")
if not report.warnings:
    st.success(t("health.no_warnings", lang), icon=":material/check_circle:")
st.caption(t("health.thresholds", lang))

st.subheader(t("health.tables_title", lang))
ui.show_table(tables.tables_frame(report, lang))

st.subheader(t("health.fields_title", lang))
for table in model.FIELD_TABLES:
    st.markdown(f"**{tables.table_label(table, lang)}**")
    ui.show_table(tables.fields_frame(report, table, lang))
