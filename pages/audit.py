"""Audit log (admins only): sign-ins, page views and exports."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports.audit import load, tables

ctx = ui.page_header("audit")
if not ctx.can_read_audit:
    st.error(t("audit.only_admin", ctx.lang))
    st.stop()
st.caption(t("audit.intro", ctx.lang))
with ui.guard(ctx.lang):
    report = load.load(limit=1000)
    names = load.names(ctx.lang)
ui.show_table(tables.display(report, ctx.lang, names))
