"""AppTest: the channels page in both languages, its URL-bound controls, planner and empty state."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.reports.channels.tables import label
from dashboard.settings import ROOT
from dashboard.ui.channels_widgets import selected_key
from tests.pages.apptest import ENTRY, all_text, open_page

# The horizon the default view (last four weeks) opens on: none is complete, so the shortest.
DEFAULT_HORIZON = 30


def _open(lang: str, **state: object) -> AppTest:
    """Open the page with widget state set directly (for widgets whose URL form is a label)."""
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.session_state["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(str(ROOT / "pages" / "channels.py"))
    at.run()
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_every_section(duckdb_warehouse, raw, lang):
    at = open_page("channels", lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("page.channels", lang)
    subheaders = [s.value for s in at.subheader]
    for key in (
        "channels.ranking",
        "channels.weekly",
        "channels.detail",
        "channels.budget.split_title",
        "channels.budget.pacing_title",
    ):
        assert t(key, lang) in subheaders, key
    # The default view: no horizon is complete for the last four weeks' new customers, so the
    # shortest, marked maturing (test_default_views checks the rule against the raw rows).
    assert t("channels.bubble", lang, horizon=DEFAULT_HORIZON) in subheaders
    text = all_text(at)
    for column in ("cac", "roi_horizon", "ltv_cac", "payback_months"):
        assert label(column, lang, DEFAULT_HORIZON, maturing=True) in text, column
    assert raw["channels"][f"name_{lang}"].iloc[0] in text
    assert t("channels.planner.revenue", lang) in text
    assert t("channels.budget.card.used_share", lang) in text
    assert len(at.get("plotly_chart")) == 4
    assert "nan" not in text.lower().replace("nanjing", "") and "inf" not in text.split()


def test_controls_come_from_the_url(duckdb_warehouse):
    at = open_page("channels", "zh", channels_horizon="90")
    assert not at.exception, [e.value for e in at.exception]
    assert t("channels.bubble", "zh", horizon=90) in [s.value for s in at.subheader]
    assert at.query_params["channels_horizon"] == "90"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_grouping_by_kind_from_the_url(duckdb_warehouse, lang):
    at = open_page("channels", lang, channels_group="kind", channels_rank="cac")
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert t("channels.kind.wechat", lang) in text
    assert t("channels.ranking_rule", lang, metric=label("cac", lang), min=30) in text


def test_odd_control_values_are_ignored(duckdb_warehouse):
    at = open_page("channels", "en", channels_horizon="7", channels_group="city; drop")
    assert not at.exception, [e.value for e in at.exception]
    assert t("channels.bubble", "en", horizon=DEFAULT_HORIZON) in [s.value for s in at.subheader]
    assert "channels_horizon" not in at.query_params


def test_planner_reproduces_the_worked_example(duckdb_warehouse):
    at = _open("en")
    for key, value in (
        ("followers", 7_200),
        ("arrival", 50.0),
        ("repeat", 10.0),
        ("referral", 10.0),
        ("ticket", 100.0),
        ("target", 432_000.0),
    ):
        at.number_input(key=f"channels_pl_{key}").set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("channels.planner.revenue", "en")] == fmt_value(432_000, "money", "en")
    assert metrics[t("channels.planner.needed", "en")] == fmt_value(7_200, "count", "en")
    at.number_input(key="channels_pl_arrival").set_value(0.0)
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("channels.planner.needed", "en")] == "—"
    assert t("channels.planner.reason.unreachable", "en") in all_text(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_filters_show_the_empty_state(duckdb_warehouse, lang):
    at = _open(lang, period="custom", dates=(date(2019, 1, 7), date(2019, 1, 13)))
    assert not at.exception, [e.value for e in at.exception]
    assert t("state.empty", lang) in [i.value for i in at.info]


def test_a_bubble_click_picks_its_row_key():
    state = {"selection": {"points": [{"customdata": ["12", "¥1,200"]}]}}
    assert selected_key(state) == "12"
    assert selected_key({"selection": {"points": []}}) is None
    assert selected_key(None) is None
