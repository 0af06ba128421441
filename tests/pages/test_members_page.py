"""AppTest of the member lifecycle page in both languages, with thresholds from the URL."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc
from tests.pages.apptest import all_text, open_page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_every_section(duckdb_warehouse, lang):
    at = open_page("members", lang)
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert at.title[0].value == t("page.members", lang)
    for key in ("members.stages", "members.flows", "members.cohorts", "members.tiers"):
        assert t(key, lang) in text, key
    for stage in lc.STAGES:
        assert t(f"members.stage.{stage}", lang) in text
    assert t("kpi.repeat_rate", lang) in text
    assert len(at.get("plotly_chart")) == 4
    rule = t("members.stage_rule", lang, active=lc.DEFAULT_ACTIVE_DAYS, lapse=lc.DEFAULT_LAPSE_DAYS)
    assert rule in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_thresholds_come_from_the_url(duckdb_warehouse, lang):
    at = open_page(
        "members",
        lang,
        members_active="60",
        members_lapse="200",
        members_tier_mid="3000",
        members_tier_high="15000",
        members_months="3",
    )
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert t("members.stage_rule", lang, active=60, lapse=200) in text
    assert t("members.tiers_rule", lang, mid="¥3,000", high="¥15,000") in text
    flows = at.dataframe[2].value
    assert flows.iloc[:, 0].nunique() == 3  # three monthly steps


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unusable_thresholds_warn_and_fall_back(duckdb_warehouse, lang):
    at = open_page("members", lang, members_active="400", members_lapse="100")
    assert not at.exception, [e.value for e in at.exception]
    warning = t(
        "members.bad_thresholds", lang, active=lc.DEFAULT_ACTIVE_DAYS, lapse=lc.DEFAULT_LAPSE_DAYS
    )
    assert warning in [w.value for w in at.warning]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_url_values_are_ignored(duckdb_warehouse, lang):
    at = open_page(
        "members", lang, members_active="abc", members_months="13", members_tier_high="-5"
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("page.members", lang)


@pytest.mark.parametrize("page", ["members", "referrers"])
def test_empty_period_shows_empty_state(duckdb_warehouse, page):
    at = open_page(page, "en", period="Custom", dates=["2019-01-07", "2019-01-13"])
    assert not at.exception, [e.value for e in at.exception]
    assert t("state.empty", "en") in [i.value for i in at.info]
