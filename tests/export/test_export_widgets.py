"""AppTest: the Export to Excel button on every page, disabled for roles without exports,
and the weekly pack and detail exports prepared from the page (recorded in the audit log)."""

from io import BytesIO

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit, data, navigation
from dashboard.auth import Viewer
from dashboard.export import pack, service
from dashboard.filters import Filters, Scope, iso_week_range
from dashboard.i18n import t
from tests.export.helpers import open_workbook
from tests.pages.apptest import AUTH, ENTRY, all_text, open_page


@pytest.fixture
def audited(duckdb_warehouse, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("OPSDASH_AUDIT_URL", url)
    data.settings.cache_clear()
    return url


def download_labels(at: AppTest) -> dict[str, str]:
    return {b.key: b.label for b in at.get("download_button")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_has_the_button_and_more_exports(audited, lang):
    at = open_page("overview", lang)
    assert not at.exception, [e.value for e in at.exception]
    assert download_labels(at)["export_overview"] == t("export.button", lang)
    assert [e.label for e in at.expander] == [t("export.more", lang)]
    assert at.button(key="export_pack_prepare").label == t("export.pack.prepare", lang)


@pytest.mark.parametrize("page_id", [p.id for p in navigation.exported() if p.id != "overview"])
def test_every_page_has_the_button(audited, page_id):
    at = open_page(page_id, "en")
    assert not at.exception, [e.value for e in at.exception]
    assert download_labels(at).get(f"export_{page_id}") == t("export.button", "en"), (
        f"pages/{page_id}.py has no export button yet"
    )


def test_prepare_pack_and_detail_from_the_page(audited):
    at = open_page("weekly", "en")
    assert not at.exception
    week = at.selectbox(key="export_pack_week").value
    at.button(key="export_pack_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "export_pack_download" in download_labels(at)
    assert t("export.pack.download", "en", week=week) in download_labels(at).values()
    at.radio(key="export_detail_kind").set_value("leads").run()
    at.button(key="export_detail_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "export_detail_download" in download_labels(at)
    events = audit.read(audited, event="export")
    assert set(events.what) == {f"pack:{week}", "detail:leads"}
    assert set(events.user) == {"demo"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_role_without_exports_sees_why(audited, tmp_path, monkeypatch, lang):
    policy = tmp_path / "access_policy.toml"
    policy.write_text('[users."ana@clinic.example"]\nrole = "analyst"\n', encoding="utf-8")
    monkeypatch.setenv("OPSDASH_ACCESS_POLICY", str(policy))
    data.settings.cache_clear()
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.query_params["lang"] = lang
    at.user = {"is_logged_in": True, "email": "ana@clinic.example", "email_verified": True}
    at.run()
    assert not at.exception
    assert not download_labels(at), "no download for an analyst"
    button = at.button(key="export_overview")
    assert button.disabled and button.label == t("export.button", lang)
    assert t("auth.export_not_allowed", lang) in all_text(at)
    assert not at.expander


def test_page_download_is_recorded(audited, raw):
    viewer = Viewer(user="cfo@clinic.example", role="finance", scope=Scope.all())
    f = Filters(*iso_week_range(2026, 46))
    info = service.export_info(viewer, f, "en")
    page = navigation.exported()[0]
    sheets, _ = pack.page_sheets(page, info, data.data_as_of().date())
    wb = open_workbook(BytesIO(service.page_bytes(info, "overview", sheets, audited)))
    assert wb.sheetnames[0] == t("export.cover.sheet", "en")
    event = audit.read(audited).iloc[0]
    assert (event.user, event.role, event.event, event.what) == (
        "cfo@clinic.example",
        "finance",
        "export",
        "page:overview",
    )
    assert event.rows == sum(len(s.frame) for s in sheets)
    assert "2026-11-09" in event.filters
