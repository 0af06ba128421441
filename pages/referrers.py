"""Referrers: the top 50 super-customers overall, per region and per city; the weekly referral
share of new customers; one referrer's network and the people they brought, for follow-up."""

import streamlit as st

from dashboard import ui
from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.literal import md
from dashboard.reports.referrers import charts, load, tables
from dashboard.reports.sheet_display import display
from dashboard.ui import export_widgets
from dashboard.ui import referrers_widgets as widgets

ctx = ui.page_header("referrers")
lang = ctx.lang
c_basis, c_level, c_group = st.columns([2, 3, 2])
choice = widgets.controls(lang, (c_basis, c_level))
with ui.guard(lang):
    options = load.group_options(ctx.filters, ctx.scope, choice.basis, choice.level)
group = widgets.group_picker(options, choice.level, lang, c_group)

# The network's control sits in its own section below but is read before the data loads.
upper, network_slot = st.container(), st.empty()
lower = network_slot.container()
with lower:
    st.subheader(t("referrers.network", lang))
    st.caption(t("referrers.pick_hint", lang))
    referrer_id = widgets.referrer_picker(lang)

with ui.guard(lang):
    report = load.load(
        ctx.filters,
        ctx.scope,
        basis=choice.basis,
        level=choice.level,
        group=group,
        referrer_id=referrer_id,
        personal=ctx.can_see_personal,
    )

if report.is_empty:
    network_slot.empty()
    ui.empty_state(ctx)
    st.stop()

ranking_sheet, weekly_sheet, network_sheet = tables.sheets(report, lang)

with upper:
    st.caption(tables.rule(report, lang))
    m1, m2, m3 = st.columns(3)
    m1.metric(
        t("referrers.metric.referrers", lang),
        fmt_value(report.active_referrers, "count", lang),
        border=True,
    )
    m2.metric(
        t("referrers.metric.valid", lang),
        fmt_value(report.valid_referrals, "count", lang),
        border=True,
    )
    m3.metric(
        t("referrers.metric.share", lang),
        fmt_value(report.referral_share, "rate", lang),
        help=t("referrers.metric.share_help", lang),
        border=True,
    )
    st.subheader(md(ranking_sheet.title))  # names the region or city
    if report.ranking.empty:
        st.info(t("referrers.no_ranking", lang))
    else:
        widgets.ranking_table(display(ranking_sheet, lang), report.ranking_ids)
    for note in ranking_sheet.notes[1:]:
        st.caption(note)

    st.subheader(weekly_sheet.title)
    st.caption(weekly_sheet.notes[0])
    st.plotly_chart(charts.share_chart(report.weekly, lang), width="stretch")
    ui.show_table(display(weekly_sheet, lang))

with lower:
    for message, kind in tables.network_messages(report, lang):
        getattr(st, kind)(message)
    if report.has_network:
        st.caption(t("referrers.network_caption", lang))
        st.plotly_chart(charts.network_chart(report.network, lang), width="stretch")
        st.markdown(f"**{network_sheet.title}**")
        st.caption(" ".join(network_sheet.notes))
        ui.show_table(display(network_sheet, lang))
export_widgets.export_button(ctx, "referrers", lambda: tables.sheets(report, ctx.lang))
