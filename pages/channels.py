"""Channel CAC / ROI: channel economics and ranking, weekly spend and revenue, the budget
against plan with its reserve and pacing, and the private-traffic planner."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports.channels import charts, load, tables
from dashboard.ui import channels_widgets as widgets
from dashboard.ui import export_widgets

ctx = ui.page_header("channels")
lang = ctx.lang
with ui.guard(lang):
    # The view opens on a horizon the period's new customers have had (else the period ROI).
    default = load.default_view(ctx.filters, ctx.scope, ctx.data_end)
controls = widgets.controls(
    lang, widgets.ChannelControls(horizon=default.horizon, rank_by=default.rank_by)
)
with ui.guard(lang):
    report = load.load(
        ctx.filters,
        ctx.scope,
        horizon=controls.horizon,
        grouping=controls.grouping,
        rank_by=controls.rank_by,
        data_end=ctx.data_end,
    )

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

tab_channels, tab_budget, tab_planner = st.tabs(
    [
        t("channels.tab.channels", lang),
        t("channels.tab.budget", lang),
        t("channels.tab.planner", lang),
    ]
)

with tab_channels:
    for rule in tables.definitions(report, lang):
        st.caption(rule)
    maturity = tables.maturity_note(report, lang)
    if maturity:
        st.info(maturity, icon=":material/hourglass_top:")
    widgets.totals(report, lang)

    st.subheader(t("channels.ranking", lang))
    st.caption(tables.ranking_note(report, lang))
    widgets.table(tables.ranking_styler(report, lang), rows=len(report.rows))

    st.subheader(t("channels.bubble", lang, horizon=report.horizon))
    bubbles = tables.bubble_table(report, lang)
    widgets.bubble_chart(
        charts.bubble(bubbles, tables.colour_column(report), lang, report.horizon),
        tables.members(report),
    )
    st.caption(tables.bubble_note(bubbles, lang))

    st.subheader(t("channels.weekly", lang))
    weekly = tables.weekly_table(report, lang)
    st.plotly_chart(charts.weekly(weekly, tables.row_order(report, lang), lang), width="stretch")
    with st.expander(t("channels.weekly_table", lang)):
        widgets.table(tables.format_table(weekly, tables.weekly_columns(report, lang), lang))

    st.subheader(t("channels.detail", lang))
    widgets.table(tables.detail_styler(report, lang), rows=len(report.rows))

with tab_budget:
    plan = report.budget
    for note in tables.budget_notes(plan, lang):
        st.caption(note)
    if not plan.has_plan:
        st.info(t("channels.budget.no_plan", lang))
    widgets.budget_cards(plan, lang)

    st.subheader(t("channels.budget.split_title", lang))
    split, reserve = tables.split_table(plan, lang), tables.reserve_table(plan, lang)
    st.plotly_chart(charts.budget_bars(split, reserve, lang), width="stretch")
    widgets.table(
        tables.format_table(split, tables.split_columns(lang), lang, costs=tables.COST_COLUMNS)
    )
    st.markdown(f"**{t('channels.budget.reserve_title', lang)}**")
    widgets.table(
        tables.format_table(reserve, tables.reserve_columns(lang), lang, costs=("overspend",))
    )

    st.subheader(t("channels.budget.pacing_title", lang))
    st.caption(tables.pacing_note(plan, lang))
    pacing = tables.pacing_table(plan, lang)
    st.plotly_chart(charts.pacing_bars(pacing, lang), width="stretch")
    widgets.table(
        tables.format_table(pacing, tables.pacing_columns(lang), lang, costs=tables.COST_COLUMNS)
    )

with tab_planner:
    st.caption(t("channels.planner.formula", lang))
    st.caption(t("channels.planner.definition", lang, horizon=report.horizon))
    widgets.planner(report.private, lang)
    st.markdown(f"**{t('channels.planner.actuals', lang)}**")
    widgets.table(
        tables.format_table(
            tables.planner_table(report), tables.planner_columns(report, lang), lang
        )
    )
export_widgets.export_button(ctx, "channels", lambda: tables.sheets(report, ctx.lang))
