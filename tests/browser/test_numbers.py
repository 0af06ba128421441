"""The headline numbers a person reads in the browser equal the query layer's for the same
filters: the overview's KPI cards and the funnel's cohort and stage table."""

from __future__ import annotations

import pytest

from dashboard.filters import Filters, Scope
from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.reports.funnel import load as funnel
from dashboard.reports.funnel import tables as funnel_tables
from dashboard.reports.overview import load as overview
from tests.browser import helpers as h

pytestmark = pytest.mark.browser

STAGE_COLUMNS = (
    "count",
    "from_previous",
    "from_leads",
    "drop_off",
    "drop_off_rate",
    "untimed",
    "median_hours",
    "p75_hours",
)


def _assert_period(page, filters: Filters, lang: str) -> None:
    """The page states the same period as the filters computed here."""
    summary = t("filters.summary", lang, start=filters.start, end=filters.end, days=filters.days)
    assert summary in h.main_text(page), f"the page shows another period than {summary!r}"


@pytest.mark.parametrize("view", h.VIEWS)
@pytest.mark.parametrize("lang", h.LANGS)
def test_overview_cards_equal_the_query_layer(page, base_url, query_layer, lang, view):
    """Each KPI card's value and change equal dashboard.reports.overview.load.load's."""
    filters, query = h.view_filters(view, lang)
    report = overview.load(filters, Scope.all())
    h.open_page(page, h.page_url(base_url, "overview", lang, **query), h.title_of("overview", lang))
    _assert_period(page, filters, lang)
    shown = h.metrics(page)
    assert set(shown) == {kpi(k).name(lang) for k in OVERVIEW_KPIS}
    for kpi_id in OVERVIEW_KPIS:
        value, delta = shown[kpi(kpi_id).name(lang)]
        d = report.deltas[kpi_id]
        h.assert_shown(value, d.current, f"{kpi_id} value")
        if d.change_pct is None:
            assert delta in ("", h.DASH), f"{kpi_id}: shows a change {delta!r} without a base"
        else:
            h.assert_shown(delta, d.change_pct, f"{kpi_id} change")
    assert not page.console.errors, page.console.errors


@pytest.mark.parametrize("view", h.VIEWS)
@pytest.mark.parametrize("lang", h.LANGS)
def test_funnel_headline_equals_the_query_layer(page, base_url, query_layer, lang, view):
    """The cohort line and every cell of the stage table equal dashboard.reports.funnel.load.load's."""
    filters, query = h.view_filters(view, lang)
    # The page opens on the window its maturity rule picks for the period (metrics/maturity.py).
    window = funnel.default_window(filters, Scope.all())
    report = funnel.load(filters, Scope.all(), window=window)
    h.open_page(page, h.page_url(base_url, "funnel", lang, **query), h.title_of("funnel", lang))
    _assert_period(page, filters, lang)
    assert report.cohort_leads > 0, "the view should have leads, or the test proves little"
    cohort = t(
        "funnel.cohort_summary",
        lang,
        leads=fmt_value(report.cohort_leads, "count", lang),
        start=filters.start,
        end=filters.end,
        window=funnel_tables.window_text(report.window, lang),
        rate=fmt_value(report.lead_to_deal, "rate", lang)
        # A window the period has not had in full is marked maturing beside its rate.
        + ("" if report.unlimited or report.window_complete else t("funnel.maturing_mark", lang)),
    )
    assert cohort in h.main_text(page)

    table = h.dataframe_rows(h.dataframe_with_header(page, t("funnel.col.stage", lang)))
    stage_col = t("funnel.col.stage", lang)
    expected = report.stages.to_dict("records")
    assert [r[stage_col] for r in table] == [
        t(f"funnel.stage.{r['stage']}", lang) for r in expected
    ]
    for row, want in zip(table, expected, strict=True):
        for column in STAGE_COLUMNS:
            header = t(f"funnel.col.{column}", lang)
            h.assert_shown(row[header], want[column], f"{want['stage']} {column}")
    assert not page.console.errors, page.console.errors
