"""Weekly review (周例会): the week against last week, the 4-week average and targets; top movers;
north-star progress; a generated summary. Laid out for a projector (1280×720)."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.literal import md
from dashboard.metrics.weekly import MOVER_METRICS
from dashboard.reports.weekly import load, tables
from dashboard.ui import export_widgets
from dashboard.ui import weekly_widgets as ww

ctx = ui.page_header("weekly")
st.caption(t("weekly.note_period", ctx.lang))
if ctx.data_end is None:
    ui.empty_state(ctx)
    st.stop()
with ui.guard(ctx.lang):
    left, right = st.columns(2)
    with left:
        week = ww.week_picker(load.week_options(ctx.data_end), ctx.lang)
    campaigns = load.campaign_options(ctx.filters, ctx.scope)
    with right:
        campaign = ww.campaign_picker(
            campaigns, load.default_campaign(campaigns, week, ctx.data_end), ctx.lang
        )
    report = load.load(ctx.filters, ctx.scope, week, campaign, ctx.data_end)

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

ww.week_line(report, ctx.lang)
st.subheader(t("weekly.summary_title", ctx.lang))
# The sentences name channels, cities and the campaign; they are plain text (also in Excel).
st.markdown("\n".join(f"- {md(line)}" for line in tables.summary(report, ctx.lang)))
st.caption(t("weekly.summary_note", ctx.lang))

st.subheader(t("weekly.headline_title", ctx.lang))
ww.target_note(report, ctx.lang)
ww.headline_cards(tables.cards(report, ctx.lang), ctx.lang)
with st.expander(t("weekly.table_title", ctx.lang)):
    ww.headline_table(tables.headline_table(report, ctx.lang), ctx.lang)

ww.movers(
    {
        (metric, direction): tables.movers_table(report, metric, direction, ctx.lang)
        for metric in MOVER_METRICS
        for direction in ("up", "down")
    },
    ctx.lang,
)

st.subheader(t("weekly.star.title", ctx.lang))
ww.north_star(report, ctx.lang)
st.caption(t("weekly.definitions", ctx.lang))
export_widgets.export_button(
    ctx, "weekly", lambda: tables.sheets(report, ctx.lang), week=report.week.code
)
