"""Names from the data are shown as typed in the browser: no link, image, math or icon from them.

One ``opsdash run`` serves the test chain with every free-text field hostile (Markdown links and
images pointing at evil.example, LaTeX, HTML, Streamlit directives; tests/security/hostile.py).
Every page is opened in headless Chromium: the document holds no ``<a>`` or ``<img>`` pointing
outside the app, no math, icon or coloured text made from a name, and the browser asks
evil.example for nothing; where a page names something from the data, it reads as stored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dashboard.navigation import PAGES
from dashboard.settings import Settings, duckdb_url
from tests.browser import helpers as h
from tests.browser.conftest import _start, _stop
from tests.security import hostile

pytestmark = pytest.mark.browser

# Each page twice: the default view in Chinese, a quarter of one city in English (the
# scorecard's and the weekly targets' scope is then a city, named on the page).
CITY = {"city": "10", "period": "quarter", "referrers_level": "city"}
VISITS = [
    pytest.param(p.id, lang, query, id=f"{p.id}-{lang}-{view}")
    for lang, view, query in (("zh", "default", {}), ("en", "city", CITY))
    for p in PAGES
    if not p.restricted
]
NAMES_SHOWN = {"weekly", "funnel", "experiments", "referrers"}

FOUND = """() => {
    const main = document.querySelector('[data-testid="stApp"]');
    const url = e => e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('src');
    const markdown = '[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]';
    return {
        links: [...main.querySelectorAll('a, img, image')]
            .map(e => [e.tagName.toLowerCase(), url(e)])
            .filter(([, u]) => u)
            .map(([t, u]) => [t, new URL(u, location.href).href]),
        math: main.querySelectorAll('.katex, math').length,
        icons: [...main.querySelectorAll(
            `:is(${markdown}) [role="img"], :is(${markdown}) img`
        )].map(e => e.outerHTML.slice(0, 120)),
        coloured: [...main.querySelectorAll('.stMarkdownColoredText, .stMarkdownBadge')]
            .map(e => e.textContent).filter(t => t !== '●'),
    };
}"""
SCROLL = """async () => {
    const main = document.querySelector('[data-testid="stMain"]');
    for (let y = 0; y <= main.scrollHeight; y += 600) {
        main.scrollTo(0, y);
        await new Promise(r => setTimeout(r, 60));
    }
}"""


@pytest.fixture(scope="module")
def hostile_server(browser, raw, tmp_path_factory):
    """``opsdash run`` over the test chain with every free-text value hostile (demo mode)."""
    from dashboard.warehouse.writer import replace_tables

    tmp = tmp_path_factory.mktemp("literal")
    url = duckdb_url(tmp / "hostile.duckdb")
    replace_tables(Settings(warehouse_url=url), hostile.hostile_frames(raw), source="tests")
    srv = _start(url, tmp)
    try:
        yield srv
    finally:
        _stop(srv.process)


def _outside(base: str, url: str) -> bool:
    """True for a link or image that leaves the app (data: and blob: images stay inside)."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob") and f"{parts.scheme}://{parts.netloc}" != base


@pytest.mark.parametrize(("page_id", "lang", "query"), VISITS)
def test_names_from_the_data_stay_text(browser, hostile_server, page_id, lang, query):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: requested.append(r.url))
        url = h.page_url(hostile_server.base_url, page_id, lang, **query)
        h.open_page(page, url, h.title_of(page_id, lang))
        # Down the page and back, so lazily drawn charts and images are all in the document.
        page.evaluate(SCROLL)
        page.wait_for_timeout(1500)
        found = page.evaluate(FOUND)
        outside = [(tag, u) for tag, u in found["links"] if _outside(hostile_server.base_url, u)]
        assert not outside, (page_id, outside[:5])
        assert found["math"] == 0, page_id
        assert not found["icons"], (page_id, found["icons"][:3])
        assert not found["coloured"], (page_id, found["coloured"][:3])
        assert not [u for u in requested if hostile.EVIL in u], page_id
        assert not h.exception_texts(page)
        if page_id in NAMES_SHOWN:
            text = h.main_text(page).replace("\u2060", "")
            shown = [p for p in hostile.PAYLOADS + hostile.SHORT if p in text]
            assert shown, f"{page_id}: no name from the data shown as typed"
    finally:
        context.close()
