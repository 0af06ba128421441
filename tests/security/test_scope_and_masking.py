"""City scope and masking on every page, as a signed-in viewer would get them (AppTest + st.login).

Properties, for random region-lead policies (hypothesis):
- a region lead's page equals an administrator's page filtered to the lead's cities, even
  when the lead's URL names other cities (so no row, total or option leaks from elsewhere);
- the filter bar lists only the lead's cities;
- no other city's name appears anywhere in the lead's page.
And for roles without personal data (finance, analyst): no customer's phone number or full
name appears anywhere in any page.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pandas.api.types import is_numeric_dtype
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.navigation import PAGES
from dashboard.settings import ROOT
from tests.conftest import use_policy
from tests.pages.apptest import AUTH, ENTRY, link_notice
from tests.pages.apptest import all_text as page_text

USER_PAGES = [p.id for p in PAGES if not p.restricted]
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def policy_file(duckdb_warehouse, tmp_path, monkeypatch):
    """A policy file the test rewrites per example; the data layer reads it per run."""
    return use_policy(tmp_path, monkeypatch)


def run_page(page: str, email: str, lang: str = "en", **query) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    # A link naming cities outside the viewer's access says so, without their names (checked
    # with the whole page's text); a valid link says nothing.
    outside = email.startswith("lead@") and bool(query.get("city"))
    notice = link_notice(at.main)
    assert (t("link.reason.access", lang) in notice) if outside else not notice, notice
    return at


def all_text(node) -> str:
    """A page's text (``apptest.all_text``); a main area's without the link notice.

    A lead's link here names other cities, so the lead's main area starts with the notice
    (see ``run_page``); the rest must be the administrator's page. The whole page's text keeps
    it, for "no other city is named anywhere". Done here so that the property's body is
    unchanged: hypothesis derives the examples it draws from that source.
    """
    text = page_text(node)
    notice = "" if isinstance(node, AppTest) else link_notice(node)
    return text.replace("\n" + notice, "", 1) if notice else text


def _write_policy(path, lead_cities: list[str]) -> None:
    cities = ", ".join(f'"{c}"' for c in lead_cities)
    path.write_text(
        f'[users."lead@clinic.example"]\nrole = "region_lead"\ncities = [{cities}]\n'
        '[users."boss@clinic.example"]\nrole = "admin"\n'
        '[users."cfo@clinic.example"]\nrole = "finance"\n'
        '[users."analyst@clinic.example"]\nrole = "analyst"\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("page", USER_PAGES)
def test_region_lead_sees_exactly_their_cities(page, policy_file, raw):
    names = sorted(raw["cities"].name_en)

    @settings(
        max_examples=2,
        deadline=None,
        derandomize=True,
        phases=(Phase.generate,),  # no shrinking: each example is two full page runs
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(st.sets(st.sampled_from(names), min_size=1, max_size=3))
    def check(lead_cities):
        _write_policy(policy_file, sorted(lead_cities))
        others = [n for n in names if n not in lead_cities]
        lead = run_page(page, "lead@clinic.example", city=others[:2])
        boss = run_page(page, "boss@clinic.example", city=sorted(lead_cities))
        # The city filter offers only the lead's cities.
        assert sorted(lead.multiselect(key="city").options) == sorted(lead_cities)
        # Same page as the administrator filtered to those cities: no row or total leaks.
        lead_main, boss_main = all_text(lead.main), all_text(boss.main)
        assert lead_main == boss_main
        # No other city is named anywhere (main area or sidebar).
        text = all_text(lead)
        leaked = [c for c in others if re.search(rf"\b{re.escape(c)}\b", text)]
        assert not leaked, f"{page} shows other cities: {leaked}"

    check()


@pytest.mark.parametrize("role", ["cfo", "analyst"])
@pytest.mark.parametrize("page", USER_PAGES)
def test_no_personal_data_for_roles_without_it(page, role, policy_file, raw):
    _write_policy(policy_file, ["Zhengzhou"])
    text = all_text(run_page(page, f"{role}@clinic.example", lang="zh"))
    phones = set(raw["customers"].phone.astype(str))
    leaked = [p for p in PHONE.findall(text) if p in phones]
    assert not leaked, f"{page} shows phone numbers to {role}: {leaked[:3]}"
    shown = set(TOKEN.findall(text)) & _customer_names(raw)
    assert not shown, f"{page} shows customer names to {role}: {sorted(shown)[:5]}"


def test_personal_data_check_sees_names_and_phones_when_allowed(policy_file, raw):
    """The check above can fail: an administrator's referrer page shows names and phones."""
    _write_policy(policy_file, ["Zhengzhou"])
    text = all_text(run_page("referrers", "boss@clinic.example", lang="zh"))
    assert set(TOKEN.findall(text)) & _customer_names(raw)
    assert set(PHONE.findall(text)) & set(raw["customers"].phone.astype(str))


# A standalone Chinese word of 2-4 characters: a table cell, a list item, a tooltip value.
TOKEN = re.compile(r"(?<![\u4e00-\u9fff*])([\u4e00-\u9fff]{2,4})(?![\u4e00-\u9fff*])")


def _customer_names(raw) -> set[str]:
    """Customers' full names that only a personal-data column holds.

    A name that is also a word of the catalogue or a value of any column that is not personal
    data (an experiment owner, a clinic, a campaign) may be shown to anyone, so it is no leak:
    the sample's staff names (周杰, 李娜) are common names that customers have too.
    """
    from dashboard import schema
    from dashboard.i18n import catalogue

    words: set[str] = set()
    for entry in catalogue().values():
        words.update(TOKEN.findall(entry["zh"]))
    for table, frame in raw.items():
        personal = schema.PERSONAL_COLUMNS.get(table, ())
        for col in frame.columns:
            if col not in personal and not is_numeric_dtype(frame[col]):
                words.update(TOKEN.findall(" ".join(frame[col].dropna().astype(str))))
    return set(raw["customers"].name.astype(str)) - words
