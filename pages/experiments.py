"""A/B red-black board (效果红黑榜): which tests won, which lost, which need attention or time."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.literal import md
from dashboard.reports.experiments import load, model, tables
from dashboard.reports.experiments.charts import cumulative_chart, forest_plot
from dashboard.ui import experiments_widgets as widgets
from dashboard.ui import export_widgets

ctx = ui.page_header("experiments")
lang = ctx.lang
lift = widgets.target_lift_picker(lang)
with ui.guard(lang):
    report = load.load(ctx.filters, ctx.scope, target_lift=lift)

if report.unvalued:
    names = [md(r[2 if lang == "en" else 1]) for r in report.unvalued]
    st.info(
        t(
            "abtest.unvalued",
            lang,
            n=len(names),
            names=("、" if lang == "zh" else ", ").join(names),
        ),
        icon=":material/info:",
    )
if report.no_clinic_units:
    st.caption(t("abtest.no_clinic", lang, n=report.no_clinic_units))
if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

st.caption(t("abtest.definitions", lang))
if report.channel_ignored:
    st.info(t("abtest.channel_ignored", lang), icon=":material/info:")
widgets.summary(report.counts(), lang)

for verdict in model.LISTS:
    table = tables.display(report.listed(verdict), tables.LIST_COLUMNS[verdict], lang)
    widgets.board_list(verdict, table, lang, lift)

st.subheader(t("abtest.forest_title", lang))
st.caption(t("abtest.forest_help", lang))
verdict_names = {v: t(f"abtest.verdict.{v}", lang) for v in model.LISTS}
forest = forest_plot(
    tables.forest_frame(report, lang), verdict_names, t("abtest.forest_axis", lang)
)
st.plotly_chart(forest, width="stretch")
with st.expander(t("abtest.board_title", lang)):
    ui.show_table(tables.display(report.board, tables.LIST_COLUMNS["all"], lang))

st.subheader(t("abtest.detail_title", lang))
picked = widgets.experiment_picker(lambda g: tables.experiment_options(report, g), lang)
detail = tables.detail(report, picked, lang)
widgets.detail_card(detail.meta, lang)
ui.show_table(detail.comparisons)
st.markdown(f"**{t('abtest.variants_title', lang)}**")
ui.show_table(detail.variants)
st.markdown(f"**{t('abtest.cumulative_title', lang)}**")
st.caption(t("abtest.cumulative_help", lang))
axis, day = t("abtest.cumulative_axis", lang), t("abtest.day_axis", lang)
st.plotly_chart(cumulative_chart(detail.timeline, axis, day), width="stretch")
with st.expander(t("abtest.cumulative_data", lang)):
    ui.show_table(detail.timeline_table)

with st.expander(t("abtest.method_title", lang)):
    st.markdown(t("abtest.method", lang))
export_widgets.export_button(ctx, "experiments", lambda: tables.sheets(report, ctx.lang))
