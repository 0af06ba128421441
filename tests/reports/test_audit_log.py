"""The audit page shows events in words: translated events, roles, page titles and filters."""

import json
from datetime import date

import pandas as pd
import pytest

from dashboard import audit, data, navigation
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.page_context import PageContext
from dashboard.reports.audit import load as audit_load
from dashboard.reports.audit import tables as audit_tables
from tests.pages.apptest import all_text, open_page


@pytest.fixture
def audit_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("OPSDASH_AUDIT_URL", url)
    data.settings.cache_clear()
    yield url
    audit.dispose()
    data.settings.cache_clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filters_read_as_names(duckdb_warehouse, raw, lang):
    city = raw["cities"].iloc[2]
    clinic = raw["clinics"].iloc[5]
    name = "name_zh" if lang == "zh" else "name_en"
    stored = json.dumps(
        {
            "start": "2026-10-12",
            "end": "2026-11-08",
            "cities": [int(city.city_id)],
            "specialties": ["dental"],
            "clinics": [int(clinic.clinic_id)],
            "channels": [],
            "extra": [],
        }
    )
    text = audit_tables.describe_filters(stored, lang, audit_load.names(lang))
    assert "2026-10-12 – 2026-11-08" in text
    assert city[name] in text and clinic[name] in text
    assert t("specialty.dental", lang) in text
    assert t("filters.channels", lang) not in text  # not narrowed: not mentioned
    assert audit_tables.describe_filters("not json", lang, {}) == "not json"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_audit_page_names_the_page_and_the_event(duckdb_warehouse, raw, audit_url, lang):
    f = Filters(date(2026, 11, 9), date(2026, 11, 15), cities=(int(raw["cities"].city_id[0]),))
    audit.record(audit_url, "cfo@clinic.example", "finance", "export", "overview.xlsx", f, rows=42)
    at = open_page("overview", lang)  # the default page is recorded by its id, not ""
    at = open_page("audit", lang)
    assert not at.exception
    table = at.dataframe[0].value
    events = table[t("audit.event", lang)].tolist()
    assert t("audit.events.export", lang) in events and t("audit.events.page_view", lang) in events
    views = table[table[t("audit.event", lang)] == t("audit.events.page_view", lang)]
    assert t("page.overview", lang) in views[t("audit.what", lang)].tolist()
    assert "" not in views[t("audit.what", lang)].tolist()
    export = table[table[t("audit.event", lang)] == t("audit.events.export", lang)].iloc[0]
    assert export[t("audit.role", lang)] == t("role.finance", lang)
    city_name = raw["cities"]["name_zh" if lang == "zh" else "name_en"][0]
    assert city_name in export[t("audit.filters", lang)]
    assert "{" not in all_text(at)  # no raw JSON on the page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_registry_view_is_the_page_table(duckdb_warehouse, raw, audit_url, lang):
    """The registry's build and tables give the table the page shows, filter names filled in."""
    f = Filters(date(2026, 11, 9), date(2026, 11, 15), clinics=(int(raw["clinics"].clinic_id[3]),))
    audit.record(audit_url, "cfo@clinic.example", "finance", "export", "funnel.xlsx", f, rows=7)
    spec = navigation.page("audit")
    ctx = PageContext(f, Scope.all(), date(2026, 11, 15), lang)
    (table,) = spec.tables(spec.build(ctx), lang)
    shown = audit_tables.display(audit_load.load(limit=1000), lang, audit_load.names(lang))
    pd.testing.assert_frame_equal(table, shown)
    clinic = raw["clinics"]["name_zh" if lang == "zh" else "name_en"].iloc[3]
    assert clinic in table[t("audit.filters", lang)].iloc[0]
