"""AppTest of the member lifecycle page in both languages, with thresholds from the URL."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.i18n import t
from dashboard.metrics import lifecycle as lc
from tests.pages.apptest import all_text, open_page, same_view
from tests.reports.test_members_cohorts import data_end


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_every_section(duckdb_warehouse, raw, lang):
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
    # Cohorts followed to the data's end, stated in the page's language.
    cohorts = t(
        "members.cohorts_rule", lang, most=lc.MAX_COHORTS, as_of=f"{data_end(raw):%Y-%m-%d}"
    )
    assert cohorts in text


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
    odd_values = {"members_active": "abc", "members_months": "13", "members_tier_high": "-5"}
    plain = open_page("members", lang)
    same_view(open_page("members", lang, **odd_values), plain, odd_values)
    assert plain.session_state["members_active"] == lc.DEFAULT_ACTIVE_DAYS


@pytest.mark.parametrize("page", ["members", "referrers"])
def test_empty_period_shows_empty_state(duckdb_warehouse, page):
    at = open_page(page, "en", period="Custom", dates=["2019-01-07", "2019-01-13"])
    assert not at.exception, [e.value for e in at.exception]
    assert t("state.empty", "en") in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cohorts_over_a_long_period(duckdb_warehouse, raw, lang):
    # 28 months touched: the latest 24 are shown, said in one line, followed to the data's end.
    at = open_page("members", lang, period="Custom", dates=["2024-08-15", "2026-11-15"])
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    note = t(
        "members.cohorts_truncated", lang, touched=28, shown=24, first="2024-12", last="2026-11"
    )
    assert note in captions
    end = data_end(raw)
    rule = t("members.cohorts_rule", lang, most=lc.MAX_COHORTS, as_of=f"{end:%Y-%m-%d}")
    assert any(c.startswith(rule) for c in captions)
    if (end.normalize() + pd.Timedelta(days=1)).day != 1:
        assert t("members.cohorts_maturing", lang, month=f"{end:%Y-%m}") in captions
    heat = at.get("plotly_chart")[2].proto.spec
    assert "2024-12" in heat and "2024-11 (" not in heat
    table = at.dataframe[3].value  # the cohort table in the expander
    assert len(table) == 24
    assert table.iloc[-1, 0] == f"{end:%Y-%m}*"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cohorts_of_a_period_inside_one_month(duckdb_warehouse, lang):
    at = open_page("members", lang, period="Custom", dates=["2026-09-08", "2026-09-21"])
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[3].value
    assert table.iloc[:, 0].tolist() == ["2026-09"]
    opening = t("members.cohorts_truncated", lang, touched=28, shown=24, first="", last="")
    assert not any(c.value.startswith(opening.split("28")[0]) for c in at.caption)
