"""Hostile URL values on every page: every widget key of the page gets SQL-injection and markup
strings; the page still runs, shows the same numbers, and leaks no error text."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.navigation import PAGES
from dashboard.ui.referrers_widgets import REFERRER_KEY
from tests.pages.apptest import all_text, displayed, link_notice, main_text, open_page

HOSTILE = [
    "1; drop table leads; --",
    "' or '1'='1",
    "<script>alert(1)</script>",
    "0 union select phone from customers",
]
LEAK_MARKERS = ("Traceback", "Catalog Error", "syntax error", "sqlalchemy", "psycopg", "duckdb.")


def _widget_keys(at) -> list[str]:
    keys = []
    for kind in (
        "selectbox",
        "multiselect",
        "radio",
        "number_input",
        "text_input",
        "date_input",
        "segmented_control",
        "pills",
        "select_slider",
        "slider",
        "toggle",
        "checkbox",
    ):
        for widget in at.get(kind):
            key = getattr(widget, "key", None)
            if key and not key.startswith("$$"):
                keys.append(key)
    # Free-text controls take any value as what the person typed: tested apart below.
    return sorted(set(keys) - {"lang"} - FREE_TEXT)


# The referrer picker takes a customer number as the source system writes it, so any text
# is a lookup, not an ignored link value.
FREE_TEXT = {REFERRER_KEY}


@pytest.mark.parametrize("page", [p.id for p in PAGES if not p.restricted])
def test_hostile_url_values_change_nothing(duckdb_warehouse, page):
    clean = open_page(page, "en")
    assert not clean.exception
    keys = _widget_keys(clean)
    assert keys, "the page has URL-bound controls"
    for value in HOSTILE:
        at = open_page(page, "en", **{k: value for k in keys})
        assert not at.exception, (page, value, [e.value for e in at.exception])
        text = all_text(at)
        leaks = [m for m in LEAK_MARKERS if m in text]
        assert not leaks, (page, value, leaks)
        # Values that are not options are dropped: the page shows what it shows by default,
        # under a notice that names them (as text).
        assert value in link_notice(at.main), (page, value)
        assert main_text(at) == all_text(clean.main), (page, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_referrer_number_is_only_looked_up(duckdb_warehouse, value):
    """Any text is a possible customer number: looked up with a bound parameter, not found,
    named literally in the warning; the ranking and the rest of the page stay the same."""
    clean = open_page("referrers", "en")
    at = open_page("referrers", "en", **{REFERRER_KEY: value})
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert not [m for m in LEAK_MARKERS if m in text]
    warnings = [displayed(w.value) for w in at.main.warning]
    assert t("referrers.not_found", "en", id=value) in warnings
    assert [df.value.to_dict() for df in at.dataframe[:1]] == [
        df.value.to_dict() for df in clean.dataframe[:1]
    ]
