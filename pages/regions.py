"""Regions: the city lens — a map of a metric at customers' homes, city ranking, heat tables."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.reports.regions import charts, load, tables
from dashboard.ui import export_widgets
from dashboard.ui import regions_widgets as widgets

ctx = ui.page_header("regions")
st.subheader(t("regions.map_title", ctx.lang))
map_metric, layer = widgets.map_controls(ctx.lang)
map_area = st.container()
st.subheader(t("regions.heat_title", ctx.lang))
table_metric = widgets.table_control(ctx.lang)
with ui.guard(ctx.lang):
    report = load.load(ctx.filters, ctx.scope, map_metric, table_metric, layer)

if report.is_empty:
    ui.empty_state(ctx)
    st.stop()

clinic_city = tables.clinic_cities(report)
with map_area:
    widgets.region_map(
        charts.map_deck(report, tables.map_points(report, ctx.lang)),
        ctx.filters,
        clinic_city,
        alt=t(
            "regions.map_alt",
            ctx.lang,
            metric=tables.metric_name(report.map_metric, ctx.lang, report.arrival_basis),
        ),
    )
    st.caption(
        tables.specialty_legend(report, ctx.lang)
        + "  \n"
        + "  \n".join(tables.map_notes(report, ctx.lang))
    )
    st.caption(t("regions.click_map", ctx.lang))

table_name = tables.metric_name(report.table_metric, ctx.lang, report.arrival_basis)
st.subheader(t("regions.ranking_title", ctx.lang, metric=table_name))
widgets.ranking_table(
    tables.ranking_table(report, ctx.lang),
    tables.ranking_city_ids(report),
    ctx.filters,
    clinic_city,
)
st.subheader(t("regions.weekly_title", ctx.lang, metric=table_name))
weekly = charts.heat_figure(report, tables.heat_labels(report, "weekly", ctx.lang))
widgets.heat_table(weekly, "weekly", ctx.filters, clinic_city)
st.subheader(t("regions.channel_title", ctx.lang, metric=table_name))
by_channel = charts.heat_figure(report, tables.heat_labels(report, "channel", ctx.lang))
widgets.heat_table(by_channel, "channel", ctx.filters, clinic_city)
st.caption(
    "  \n".join([*tables.table_notes(report, ctx.lang), t("regions.click_tables", ctx.lang)])
)
export_widgets.export_button(ctx, "regions", lambda: tables.sheets(report, ctx.lang))
