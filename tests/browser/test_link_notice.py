"""A deep link with values that name nothing, in a real browser: the notice is shown above the
page and kept through the app's own reruns, and a line goes when the viewer changes its control."""

from __future__ import annotations

import time

import pytest

from dashboard import data
from dashboard.filters import Scope
from dashboard.i18n import t
from tests.browser import helpers as h

pytestmark = pytest.mark.browser


def notice(page) -> str:
    """The link notice's text ("" when there is none): the alert whose lines say "ignored"."""
    alerts = page.locator(f'{h.MAIN} [data-testid="stAlertContainer"]')
    found = [x for x in alerts.all_inner_texts() if "已忽略" in x or "ignored" in x]
    assert len(found) <= 1, found
    return found[0] if found else ""


@pytest.mark.parametrize("lang", h.LANGS)
def test_a_broken_deep_link_says_what_it_ignored_until_the_viewer_changes_it(
    fresh_page, base_url, query_layer, lang
):
    page = fresh_page
    title = h.title_of("funnel", lang)
    url = h.page_url(base_url, "funnel", lang, city="999999", funnel_top="7")
    h.open_page(page, url, title)
    first = notice(page)
    assert "999999" in first and t("filters.cities", lang) in first, first
    assert t("funnel.control.top_n", lang) in first and "7" in first, first
    time.sleep(2)  # nothing the app reruns by itself loses it
    h.wait_idle(page, title)
    assert notice(page) == first
    assert not h.exception_texts(page)

    period = h.sidebar_widget(page, "stSelectbox", t("filters.period", lang))
    h.rerun(page, lambda: h.pick_option(page, period, t("preset.ytd", lang)), title)
    assert notice(page) == first, "another filter leaves the lines (they are still true)"
    cities = h.sidebar_widget(page, "stMultiSelect", t("filters.cities", lang))
    city = str(data.run("filter_cities", None, Scope.all()).iloc[0][f"name_{lang}"])
    h.rerun(page, lambda: h.pick_option(page, cities, city), title)
    left = notice(page)
    assert t("filters.cities", lang) not in left and t("funnel.control.top_n", lang) in left
    assert not h.exception_texts(page)
    assert not page.console.errors, page.console.errors
