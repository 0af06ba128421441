"""Sign-in mode in AppTest with a mocked st.login identity: sign-in, no-access, scoped views."""

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from tests.conftest import use_policy
from tests.pages.apptest import AUTH, ENTRY, all_text


@pytest.fixture
def signin_mode(duckdb_warehouse, raw, tmp_path, monkeypatch):
    zz = raw["cities"].loc[raw["cities"].name_en == "Zhengzhou"].iloc[0]
    use_policy(
        tmp_path,
        monkeypatch,
        '[users."lead@clinic.example"]\nrole = "region_lead"\ncities = ["郑州"]\n'
        '[users."cfo@clinic.example"]\nrole = "finance"\n',
    )
    return int(zz.city_id)


def run_as(user: dict | None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.query_params["lang"] = lang
    at.user = user or {"is_logged_in": False}
    at.run()
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_mode_shows_banner(duckdb_warehouse, lang):
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert t("app.demo_banner", lang) in all_text(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_signed_out_sees_only_sign_in(signin_mode, lang):
    at = run_as(None, lang)
    assert not at.exception
    assert at.title[0].value == t("auth.sign_in_title", lang)
    assert not at.metric and not at.dataframe and not at.multiselect


def test_unknown_user_gets_polite_no_access(signin_mode):
    at = run_as(
        {"is_logged_in": True, "email": "stranger@elsewhere.example", "email_verified": True}
    )
    assert not at.exception
    assert at.title[0].value == t("auth.no_access_title", "en")
    assert not at.metric and not at.dataframe and not at.multiselect


def test_region_lead_filter_lists_only_their_city(signin_mode, raw):
    at = run_as({"is_logged_in": True, "email": "lead@clinic.example", "email_verified": True})
    assert not at.exception
    city_box = at.multiselect(key="city")
    assert city_box.options == ["Zhengzhou"]
    assert "Demo" not in all_text(at)


def test_url_cannot_widen_region_lead_scope(signin_mode, raw):
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.query_params["lang"] = "en"
    at.query_params["city"] = ["Shanghai", "Beijing"]
    at.user = {"is_logged_in": True, "email": "lead@clinic.example", "email_verified": True}
    at.run()
    assert not at.exception
    assert at.multiselect(key="city").value == []
