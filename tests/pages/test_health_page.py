"""The data-health page in AppTest: what an analyst sees, and that other roles cannot open it.

The warehouse is the gappy chain of tests/reports/health_chain.py loaded through the loader;
the page's figures are checked against pandas over its CSV rows. Admins and analysts see the
page (and demo mode, whose viewer is an admin, as on the audit page); managers and region
leads neither find it in the navigation nor get it from the page script itself.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import Viewer
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.settings import ROOT, Settings, duckdb_url
from dashboard.ui.context import _KEY as CONTEXT_KEY
from dashboard.ui.context import PageContext
from dashboard.warehouse import engine as wh
from tests.conftest import activate, use_policy
from tests.pages.apptest import AUTH, ENTRY, all_text, open_page
from tests.reports import health_chain

PAGE = str(ROOT / "pages" / "health.py")
POLICY = (
    '[users."boss@clinic.example"]\nrole = "admin"\n'
    '[users."analyst@clinic.example"]\nrole = "analyst"\n'
    '[users."manager@clinic.example"]\nrole = "manager"\n'
    '[users."lead@clinic.example"]\nrole = "region_lead"\ncities = ["郑州"]\n'
)


@pytest.fixture(scope="module")
def gappy_file(tmp_path_factory):
    """The gappy chain's folder and a DuckDB file it was loaded into."""
    folder = health_chain.write(
        tmp_path_factory.mktemp("health_page") / "in", health_chain.chain(gaps=True)
    )
    settings = Settings(warehouse_url=duckdb_url(folder.parent / "w.duckdb"))
    result = load_directory(settings, folder, lang="en")
    assert result.ok, [p.reason for p in result.problems]
    yield settings, folder
    wh.dispose_all()


@pytest.fixture
def signin(gappy_file, tmp_path, monkeypatch):
    settings, folder = gappy_file
    activate(settings, monkeypatch)
    use_policy(tmp_path, monkeypatch, POLICY)
    return folder


def run_as(email: str, lang: str = "en", page: str | None = PAGE) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_analyst_sees_the_report(signin, lang):
    at = run_as("analyst@clinic.example", lang)
    assert at.title[0].value == t("page.health", lang)
    assert not at.error
    raw = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in signin.glob("*.csv")}
    # Rows per table, as the CSV files hold them.
    tables = at.dataframe[0].value
    rows = dict(zip(tables.iloc[:, 0], tables.iloc[:, 1], strict=True))
    for name in ("leads", "orders", "customers", "channel_daily", "referral_rewards"):
        label = f"{t(f'health.table.{name}', lang)} ({name})"
        assert rows[label] == len(raw[name]), name
    # The warnings, each with the pages it affects.
    warnings = [w.value for w in at.warning]
    share = (raw["customers"].home_lat == "").mean()
    count = int((raw["customers"].home_lat == "").sum())
    home = t("health.warn.customers_no_home", lang, share=f"{share:.1%}", count=f"{count:,}")
    assert any(home in w and t("page.regions", lang) in w for w in warnings), warnings
    kinds = dict(zip(raw["channels"].channel_id, raw["channels"].kind, strict=True))
    referral = int((raw["leads"].channel_id.map(kinds) == "referral").sum())
    assert any(
        t("health.warn.referral_without_rewards", lang, count=referral) in w for w in warnings
    )
    # The share of leads with an inquiry time, in the leads' field table.
    leads = at.dataframe[1].value
    inquiry = leads[leads.iloc[:, 0] == f"{t('health.field.inquiry_at', lang)} (inquiry_at)"]
    expected = (raw["leads"].inquiry_at != "").mean()
    assert inquiry.iloc[0, 2] == f"{expected:.1%}"


@pytest.mark.parametrize("email", ["manager@clinic.example", "lead@clinic.example"])
def test_other_roles_do_not_get_it_listed(signin, email):
    at = run_as(email, page=None)
    # Not among the viewer's pages, so the page's script cannot be switched to (a link to
    # /health falls back to the default page); the audit page is withheld the same way.
    for page in ("health", "audit"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    assert t("health.tables_title", "en") not in all_text(at)


def test_admin_and_analyst_get_it_listed(signin):
    for email in ("boss@clinic.example", "analyst@clinic.example"):
        at = run_as(email)
        assert at.title[0].value == t("page.health", "en")


def _run_script_as(role: str, lang: str) -> AppTest:
    """The page script alone (no entry script, no navigation) for a viewer of ``role``."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    viewer = Viewer(user="x@clinic.example", role=role, scope=Scope.all())
    period = Filters(start=date(2023, 1, 1), end=date(2023, 1, 31))
    at.session_state[CONTEXT_KEY] = PageContext(
        lang=lang, filters=period, scope=Scope.all(), data_end=None, viewer=viewer
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("role", ["manager", "region_lead", "finance"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_script_refuses_other_roles_itself(signin, role, lang):
    """Server-side: even run directly, the page stops before reading any data."""
    at = _run_script_as(role, lang)
    assert [e.value for e in at.error] == [t("health.only_roles", lang)]
    assert not at.dataframe and not at.warning


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_page_script_serves_admins_and_analysts(signin, role):
    at = _run_script_as(role, "en")
    assert not at.error
    assert at.dataframe and at.warning


def test_demo_mode_lists_the_page_as_for_admins(gappy_file, monkeypatch):
    """Without sign-in the viewer is an administrator (as for the audit page)."""
    activate(gappy_file[0], monkeypatch)
    at = open_page("health", "en")
    assert not at.exception
    assert at.title[0].value == t("page.health", "en")
