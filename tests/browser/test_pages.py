"""Every page in a real browser: loads cleanly in both languages, the sidebar."""

from __future__ import annotations

import warnings

import pytest

from dashboard.auth import Viewer
from dashboard.i18n import t
from dashboard.navigation import pages_by_section
from tests.browser import helpers as h

pytestmark = pytest.mark.browser


def _problems(page, console: h.ConsoleLog) -> str:
    """A readable summary of what went wrong on a page (the server log follows in the report)."""
    lines = [f"url: {page.url}"]
    lines += [f"exception element: {x[:300]}" for x in h.exception_texts(page)]
    lines += [f"console: {x}" for x in console.errors]
    return "\n".join(lines)


def test_first_request_to_a_fresh_server_can_be_a_deep_link(server):
    """A link to a page straight after start (no prior visit) runs the entry script and page."""
    visit = server.first_visit
    assert not visit.error, f"{visit.url}: {visit.error}\ntitles {visit.titles}"
    assert visit.titles == [h.title_of("weekly", "en")], visit.url
    assert not visit.exceptions, visit.exceptions
    assert not visit.console.errors, visit.console.errors
    # The entry script ran: demo banner, and the page's own content beneath its title.
    assert t("app.demo_banner", "en") in visit.text
    assert t("weekly.summary_title", "en") in visit.text


@pytest.mark.parametrize("lang", h.LANGS)
@pytest.mark.parametrize("page_id", h.PAGE_IDS)
def test_page_loads_cleanly(page, base_url, page_id, lang):
    """The page renders its title with no exception element and no console error, in both
    languages, without sideways scrolling at 1280×720."""
    title = h.title_of(page_id, lang)
    page.set_viewport_size({"width": 1280, "height": 720})
    h.open_page(page, h.page_url(base_url, page_id, lang), title)
    assert not h.exception_texts(page), _problems(page, page.console)
    headings = [x.strip() for x in page.locator("h1").all_inner_texts()]
    assert headings[:1] == [title], headings
    assert h.first_alert(page) == t("app.demo_banner", lang)  # demo mode, atop the main area
    # The weekly review meeting walks through the pages on a 1280×720 projector.
    widths = page.evaluate(
        """() => [document.documentElement, document.querySelector('[data-testid="stMain"]')]
            .map(e => [e.scrollWidth, e.clientWidth])"""
    )
    for scroll, client in widths:
        assert scroll <= client, f"horizontal scrolling at 1280×720 ({scroll} > {client} px)"

    assert not h.exception_texts(page), _problems(page, page.console)
    assert not page.console.errors, _problems(page, page.console)
    if page.console.external:
        warnings.warn(
            f"{page_id} ({lang}) reached for other hosts (blocked here, as on an intranet): "
            + ", ".join(sorted(set(page.console.external))),
            stacklevel=1,
        )


@pytest.mark.parametrize("lang", h.LANGS)
def test_sidebar_lists_exactly_the_pages_in_their_sections(page, base_url, lang):
    """Section headers and page titles from the catalogue, in dashboard/navigation.py's order."""
    h.open_page(page, h.page_url(base_url, "overview", lang), h.title_of("overview", lang))
    viewer = Viewer.demo_viewer()  # the server runs in demo mode
    expected = [
        (
            t(f"section.{section}", lang),
            [(h.title_of(p.id, lang), h.page_path(p.id)) for p in specs],
        )
        for section, specs in pages_by_section(viewer).items()
        if specs
    ]
    assert h.sidebar_nav(page) == expected
    # Every page is listed outright, not behind a "view more" toggle.
    assert page.locator('[data-testid="stSidebarNavViewButton"]').count() == 0
    assert not page.console.errors, page.console.errors
