"""Data health (admins and analysts): rows and date coverage, filled shares, warnings per page."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports import health, health_text

ctx = ui.page_header("health")
# Refused here too, not only left out of the navigation: a link must not open it.
if not ctx.can_read_health:
    st.error(t("health.only_roles", ctx.lang))
    st.stop()
lang = ctx.lang
st.caption(t("health.intro", lang))
with ui.guard(lang):
    report = health.load()

st.subheader(t("health.warnings_title", lang))
for finding in report.warnings:
    affects = t("health.affects", lang, pages=health_text.pages(finding, lang))
    st.warning(f"{health_text.message(finding, lang)}  \n{affects}", icon=":material/warning:")
if not report.warnings:
    st.success(t("health.no_warnings", lang), icon=":material/check_circle:")
st.caption(t("health.thresholds", lang))

st.subheader(t("health.tables_title", lang))
ui.show_table(health_text.tables_frame(report, lang))

st.subheader(t("health.fields_title", lang))
for table in health.FIELD_TABLES:
    st.markdown(f"**{health_text.table_label(table, lang)}**")
    ui.show_table(health_text.fields_frame(report, table, lang))
