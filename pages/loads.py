"""Load history (admins only): every seed, load and undo of the warehouse; one load in detail."""

import streamlit as st

from dashboard import data, ui
from dashboard.i18n import t
from dashboard.reports.loads import load, tables

ctx = ui.page_header("loads")
# Refused here too, not only left out of the navigation: a link must not open it.
if not ctx.can_read_audit:
    st.error(t("loads.only_admin", ctx.lang))
    st.stop()
lang = ctx.lang
versions = data.settings().undo_versions
st.caption(t("loads.intro", lang))
st.caption(t("loads.undo", lang, versions=versions) if versions else t("loads.undo_off", lang))
with ui.guard(lang):
    history = load.load()
if history.empty:
    st.info(t("loads.none", lang))
    st.stop()
# The status names a batch ("undone by batch 7"): wide enough to read without opening the cell.
status = {t("loads.col.status", lang): st.column_config.TextColumn(width="medium")}
ui.show_table(tables.display(history, lang), column_config=status)

# One load in detail: a full load's tables make a long cell above, here one per line.
st.subheader(t("loads.detail_title", lang))
# Selectbox options are plain text: names from the history need no escaping.
batch = st.selectbox(
    t("loads.pick", lang),
    history["batch_id"].astype(int).tolist(),
    format_func=lambda b: tables.batch_label(history, b, lang),
    key="loads_batch",
)
ui.show_table(tables.tables_detail(history, batch, lang))
files = tables.files_detail(history, batch, lang)
if files.empty:
    st.caption(t("loads.no_files", lang))
else:
    ui.show_table(files)
