"""AppTest: every page of the navigation runs without exception, in both languages."""

import pytest

from dashboard.i18n import t
from dashboard.navigation import PAGES
from tests.pages.apptest import open_page


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [p.id for p in PAGES])
def test_page_runs(duckdb_warehouse, page, lang):
    at = open_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t(f"page.{page}", lang)
    # The frame's freshness line is on every page.
    caption = " ".join(c.value for c in at.caption)
    assert t("app.data_as_of", lang, when="").split("{")[0].strip() in caption


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_url_values_are_ignored(duckdb_warehouse, lang):
    at = open_page(
        "overview", lang, city="Atlantis", period="every-day", clinic="1; drop table leads"
    )
    assert not at.exception
    assert at.title[0].value == t("page.overview", lang)
