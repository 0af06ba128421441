"""Filters as a person uses them: a pick updates the page and the URL; the URL restores the view."""

from __future__ import annotations

import pytest

from dashboard import data
from dashboard.filters import Scope
from dashboard.i18n import t
from tests.browser import helpers as h

pytestmark = pytest.mark.browser

CITY_EN = "Zhengzhou"  # the region lead of the domain notes; any city with data would do


def city_label(lang: str) -> str:
    """The display name of the test city in ``lang``, from the warehouse."""
    cities = data.run("filter_cities", None, Scope.all())
    row = cities[cities["name_en"] == CITY_EN]
    assert not row.empty, f"{CITY_EN} is not among the generated cities"
    return str(row.iloc[0][f"name_{lang}"])


def city_code() -> str:
    """The test city's stable code as the URL keeps it (its id)."""
    cities = data.run("filter_cities", None, Scope.all())
    return str(int(cities.loc[cities["name_en"] == CITY_EN, "city_id"].iloc[0]))


def period_caption(page) -> str:
    """The period line under the page title (start to end, days, data as of)."""
    return page.locator(f'{h.MAIN} [data-testid="stCaptionContainer"]').first.inner_text().strip()


@pytest.mark.parametrize("lang", h.LANGS)
def test_filters_update_page_and_url_and_the_link_restores_the_view(
    page, fresh_page, base_url, query_layer, lang
):
    """Pick a city, then a period preset: each changes the KPI cards and adds its query
    parameter; the resulting URL, opened in a brand-new browser context, shows the same view."""
    title = h.title_of("overview", lang)
    h.open_page(page, h.page_url(base_url, "overview", lang), title)
    before = h.metrics(page)
    assert len(before) >= 5, before

    city = city_label(lang)
    cities = h.sidebar_widget(page, "stMultiSelect", t("filters.cities", lang))
    h.rerun(page, lambda: h.pick_option(page, cities, city), title)
    # The URL keeps stable codes (the city's id), not the displayed label.
    assert h.query_of(page.url).get("city") == [city_code()], page.url
    assert h.multiselect_values(cities) == [city]
    narrowed = h.metrics(page)
    assert narrowed.keys() == before.keys()
    assert narrowed != before, "picking a city did not change any KPI card"

    preset = t("preset.last_week", lang)
    period = h.sidebar_widget(page, "stSelectbox", t("filters.period", lang))
    h.rerun(page, lambda: h.pick_option(page, period, preset), title)
    query = h.query_of(page.url)
    assert query.get("period") == ["last_week"], page.url
    assert query.get("city") == [city_code()], page.url
    assert query.get("lang") == [lang], page.url
    last_week = h.metrics(page)
    assert last_week != narrowed, "changing the period did not change any KPI card"
    caption = period_caption(page)
    assert not page.console.errors, page.console.errors

    link = page.url
    h.open_page(fresh_page, link, title)
    assert h.metrics(fresh_page) == last_week
    assert period_caption(fresh_page) == caption
    assert h.multiselect_values(
        h.sidebar_widget(fresh_page, "stMultiSelect", t("filters.cities", lang))
    ) == [city]
    assert (
        h.selectbox_value(h.sidebar_widget(fresh_page, "stSelectbox", t("filters.period", lang)))
        == preset
    )
    assert h.query_of(fresh_page.url) == h.query_of(link)
    assert not h.exception_texts(fresh_page)
    assert not fresh_page.console.errors, fresh_page.console.errors


def test_language_switch_keeps_the_view_and_the_link_reproduces_it(
    page, fresh_page, base_url, query_layer
):
    """Switching 中文 → English in the sidebar re-labels the page and its filters, keeps the
    picked city and period; a link with Chinese labels is rewritten to stable codes, which the
    language switch leaves alone, and that URL opened in a brand-new context shows the same view."""
    zh_city, en_city = city_label("zh"), city_label("en")
    url = h.page_url(base_url, "overview", "zh", city=zh_city, period=t("preset.last_week", "zh"))
    h.open_page(page, url, h.title_of("overview", "zh"))
    english = page.locator(f'{h.SIDEBAR} [data-testid="stRadio"] label', has_text="English")
    h.rerun(page, english.click, h.title_of("overview", "en"))
    cards = h.metrics(page)
    cities = h.sidebar_widget(page, "stMultiSelect", t("filters.cities", "en"))
    period = h.sidebar_widget(page, "stSelectbox", t("filters.period", "en"))
    assert h.multiselect_values(cities) == [en_city]
    assert h.selectbox_value(period) == t("preset.last_week", "en")
    query = h.query_of(page.url)
    assert query.get("lang") == ["en"], page.url
    assert query.get("city") == [city_code()], page.url
    assert query.get("period") == ["last_week"], page.url
    assert not page.console.errors, page.console.errors

    h.open_page(fresh_page, page.url, h.title_of("overview", "en"))
    assert h.metrics(fresh_page) == cards
    assert h.multiselect_values(
        h.sidebar_widget(fresh_page, "stMultiSelect", t("filters.cities", "en"))
    ) == [en_city]
