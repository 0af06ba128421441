"""Data that contains HTML or script is shown as text, never run or rendered as markup.

A warehouse whose city, clinic, channel and customer names are markup (a script tag, a bold
tag, an image with an onerror handler) is served by its own ``opsdash run``; every page is
opened in headless Chromium: nothing sets ``window.__xss``, no element from the data appears
in the document, and the filter bar shows the names literally.
"""

from __future__ import annotations

import pytest

from dashboard.navigation import PAGES
from dashboard.settings import Settings, duckdb_url
from tests.browser import helpers as h
from tests.browser.conftest import _start, _stop

pytestmark = pytest.mark.browser

MARKUP = '<script>window.__xss=1</script><b>bold</b><img src=x onerror="window.__xss=2">'
CITY_ID = 10


def hostile(tag: str) -> str:
    """A distinct markup name per entity (names are unique in the reference tables)."""
    return f"{MARKUP}{tag}"


@pytest.fixture(scope="module")
def markup_server(browser, raw, tmp_path_factory):
    """``opsdash run`` over the test chain with markup names, in demo mode (names unmasked)."""
    from dashboard.warehouse.writer import replace_tables

    frames = dict(raw)
    cities = frames["cities"].copy()
    row = cities.city_id == CITY_ID
    cities.loc[row, "name_zh"], cities.loc[row, "name_en"] = hostile("城"), hostile("City")
    clinics = frames["clinics"].copy()
    for i, clinic_id in enumerate(clinics.loc[clinics.city_id == CITY_ID, "clinic_id"]):
        row = clinics.clinic_id == clinic_id
        clinics.loc[row, "name_zh"], clinics.loc[row, "name_en"] = (
            hostile(f"店{i}"),
            hostile(f"C{i}"),
        )
    channels = frames["channels"].copy()
    row = channels.code == "douyin"
    channels.loc[row, "name_zh"], channels.loc[row, "name_en"] = hostile("渠道"), hostile("Ch")
    customers = frames["customers"].copy()
    # The busiest referrers, so the names reach the referrer rankings.
    top = customers.referrer_id.value_counts().index[:20]
    customers.loc[customers.customer_id.isin(top), "name"] = hostile("人")
    frames.update(cities=cities, clinics=clinics, channels=channels, customers=customers)

    tmp = tmp_path_factory.mktemp("markup")
    url = duckdb_url(tmp / "markup.duckdb")
    replace_tables(Settings(warehouse_url=url), frames, source="tests")
    srv = _start(url, tmp)
    try:
        yield srv
    finally:
        _stop(srv.process)


INJECTED = """() => ({
    xss: window.__xss,
    bold: [...document.querySelectorAll('b')].filter(b => b.textContent === 'bold').length,
    img: [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length,
    script: [...document.querySelectorAll('script')]
        .filter(s => s.textContent.includes('__xss')).length,
})"""


# Every page once, the languages taking turns (each page load takes a while).
VISITS = [(p.id, h.LANGS[i % 2]) for i, p in enumerate(p for p in PAGES if not p.restricted)]


@pytest.mark.parametrize(("page_id", "lang"), VISITS)
def test_markup_in_data_is_shown_as_text(browser, markup_server, page_id, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        url = h.page_url(markup_server.base_url, page_id, lang, city=str(CITY_ID), channel="douyin")
        h.open_page(page, url, h.title_of(page_id, lang))
        # Let any late-rendered element (charts, tables, maps) settle before looking.
        page.wait_for_timeout(1500)
        found = page.evaluate(INJECTED)
        assert found == {"xss": None, "bold": 0, "img": 0, "script": 0}, (page_id, found)
        # The picked city and channel are shown, by their literal names, in the filter bar.
        sidebar = page.locator(h.SIDEBAR).inner_text()
        assert MARKUP in sidebar, sidebar[:500]
        assert not h.exception_texts(page)
    finally:
        context.close()
