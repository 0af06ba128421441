"""The scorecard and the weekly review for a region lead (sign-in mode): only their cities."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.settings import ROOT
from tests.conftest import use_policy
from tests.pages.apptest import AUTH, ENTRY, all_text


@pytest.fixture
def region_lead(duckdb_warehouse, tmp_path, monkeypatch):
    use_policy(
        tmp_path,
        monkeypatch,
        '[users."lead@clinic.example"]\nrole = "region_lead"\ncities = ["郑州"]\n',
    )


def _open(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.query_params["lang"] = lang
    at.user = {"is_logged_in": True, "email": "lead@clinic.example", "email_verified": True}
    at.run()
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecard_for_a_region_lead(region_lead, lang):
    at = _open("scorecard", lang)
    scope_box = at.selectbox(key="scorecard_scope")
    zhengzhou = "郑州" if lang == "zh" else "Zhengzhou"
    assert scope_box.value == "city-10" and "chain" not in scope_box.options
    text = all_text(at)
    assert t("scorecard.scope_line", lang, scope=zhengzhou) in text
    assert ("上海" if lang == "zh" else "Shanghai") not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_for_a_region_lead(region_lead, lang):
    at = _open("weekly", lang)
    text = all_text(at)
    assert ("郑州平台到院冲刺" if lang == "zh" else "Zhengzhou arrivals push") in text
    assert ("北京" if lang == "zh" else "Beijing") not in text
    # No chain targets for a region lead: their one city's targets, as for an admin filtering to it.
    zhengzhou = "郑州" if lang == "zh" else "Zhengzhou"
    assert t("weekly.target_scope", lang, scope=zhengzhou) in text
    assert t("weekly.no_target_scope", lang) not in text
