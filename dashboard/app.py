"""Entry script: language, sign-in, filter bar and navigation; then the chosen page runs.

It lives in dashboard/ rather than beside pages/ on purpose: Streamlit auto-discovers a
``pages/`` folder next to the entry script and, on a fresh server, would run a deep-linked
page without this script. Pages are listed explicitly with st.navigation instead.
"""

from __future__ import annotations

import streamlit as st

from dashboard import audit, data
from dashboard.i18n import t
from dashboard.navigation import pages_by_section
from dashboard.reports import frame as frame_data
from dashboard.settings import ROOT
from dashboard.ui import context, filterbar, linknotice
from dashboard.ui.access import account_box, resolve_viewer
from dashboard.ui.frame import guard
from dashboard.warehouse.bootstrap import ensure_warehouse

st.set_page_config(
    page_title="诊所运营看板 · Clinic operations",
    # An emoji, not a :material/: icon: the favicon of the latter is fetched from the internet.
    page_icon="🏥",
    layout="wide",
)

linknotice.begin_run()
settings = data.settings()
lang = filterbar.language_picker(settings.language)
with guard(lang):
    # Never generates data: a missing or unreadable warehouse file is reported by the guard.
    with st.spinner(t("app.derived_update", lang)):
        ensure_warehouse(settings)
    # Every read of this page view sees one data version, even if a load finishes meanwhile.
    data.begin_view()
    viewer = resolve_viewer(settings, lang)

pages = {
    t(f"section.{section}", lang): [
        st.Page(
            str(ROOT / spec.script),
            title=t(f"page.{spec.id}", lang),
            icon=spec.icon,
            url_path=spec.id,
            default=spec.id == "overview",
        )
        for spec in specs
    ]
    for section, specs in pages_by_section(viewer).items()
}
page = st.navigation(pages)
account_box(viewer, lang)

with guard(lang):
    framed = frame_data.load(viewer.scope)
    data_end = framed.as_of.date() if framed.as_of else None
    filters = filterbar.filter_bar(lang, framed, data_end)
if framed.sample:
    # On top of every page, beside the demo banner: these figures are not the company's.
    st.info(t("app.sample_banner", lang), icon=":material/science:")

ctx = context.PageContext(
    lang=lang, filters=filters, scope=viewer.scope, data_end=data_end, viewer=viewer
)
context.publish(ctx)

# One audit event per page and filter change, not per rerun.
# The default page's url_path is "" (it is served at "/"), so it is named by its id.
page_id = page.url_path or "overview"
view_key = (page_id, filters)
if st.session_state.get("_opsdash_last_view") != view_key:
    st.session_state["_opsdash_last_view"] = view_key
    audit.record(settings.audit_url, viewer.user, viewer.role, "page_view", page_id, filters)

# The link notice sits above the page but is filled after it ran, so that the page's own
# controls (read inside page.run) are included; also when the page stops early (st.stop).
notice = st.empty()
try:
    page.run()
finally:
    linknotice.show(notice, lang, viewer.scope)
