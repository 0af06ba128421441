"""AppTest: the red-black board runs in both languages and shows the lists, checks and detail."""

from datetime import date

import pytest

from dashboard.filters import Filters, Scope
from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.reports.experiments import load as experiments_load
from dashboard.reports.experiments import model as experiments_model
from tests.pages.apptest import all_text, open_page, same_view

YTD = Filters(date(2026, 1, 1), date(2026, 11, 15))  # the test chain ends 2026-11-15


def _open(lang: str, **query):
    # The period widget keeps its label in the URL, so the preset is given in the page language.
    return open_page("experiments", lang, timeout=120, period=t("preset.ytd", lang), **query)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_page_in_both_languages(duckdb_warehouse, raw, lang):
    at = _open(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("page.experiments", lang)
    text = all_text(at)
    for verdict in experiments_model.LISTS:
        assert t(f"abtest.list.{verdict}", lang) in text
    assert t("abtest.forest_title", lang) in text
    assert t("abtest.cumulative_title", lang) in text
    # The planted sample-ratio mismatch is under "needs attention", with its reason.
    assert t("abtest.reason.srm", lang, p="< 0.0001") in text
    assert t("abtest.reason.guardrail", lang) in text
    # Each list table shows the units counted from the raw exposure rows.
    x = raw["experiment_exposures"]
    e = raw["experiments"].set_index("code")
    minimal = e.loc["booking_minimal_screen", "experiment_id"]
    units_b = int(((x.experiment_id == minimal) & (x.variant_code == "B")).sum())
    red = at.dataframe[0].value
    names = red[t("abtest.col.experiment", lang)].tolist()
    assert e.loc["booking_minimal_screen", f"name_{lang}"] in names
    row = red.iloc[names.index(e.loc["booking_minimal_screen", f"name_{lang}"])]
    units_a = int(((x.experiment_id == minimal) & (x.variant_code == "A")).sum())
    want = f"{fmt_value(units_a, 'count', lang)} / {fmt_value(units_b, 'count', lang)}"
    assert row[t("abtest.col.units_pair", lang)] == want
    # The further metrics of the sample (day-1 and day-7 retention) are on the board by name.
    further = raw["experiment_metrics"]
    assert len(further) == 2
    for name in further[f"name_{lang}"]:
        assert name in text, name
    # The detail section shows the picked experiment's hypothesis, owner and metric.
    first = experiments_load.load(YTD, Scope.all()).experiments.iloc[0]
    assert first[f"hypothesis_{lang}"] in text
    assert first["owner"] in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_controls_pick_the_experiment_and_the_target_lift(duckdb_warehouse, raw, lang):
    at = _open(lang)
    e = raw["experiments"].set_index("code")
    countdown = int(e.loc["offer_countdown_banner", "experiment_id"])
    at.selectbox(key="experiments_pick").set_value(countdown).run()
    at.segmented_control(key="experiments_lift").set_value(20).run()
    assert not at.exception, [x.value for x in at.exception]
    text = all_text(at)
    assert e.loc["offer_countdown_banner", f"hypothesis_{lang}"] in text
    assert t("abtest.help.inconclusive", lang, lift="20%") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_copied_link_reproduces_the_target_lift(duckdb_warehouse, lang):
    at = _open(lang, experiments_lift="30")
    assert not at.exception, [x.value for x in at.exception]
    assert t("abtest.help.inconclusive", lang, lift="30%") in all_text(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_url_values_are_ignored(duckdb_warehouse, lang):
    odd_values = {"experiments_lift": "abc", "experiments_pick": "no such test; drop table x"}
    same_view(_open(lang, **odd_values), _open(lang), odd_values)


def test_default_period_and_channel_filter(duckdb_warehouse):
    at = open_page("experiments", "en", timeout=120, channel="1")
    assert not at.exception, [x.value for x in at.exception]
    text = all_text(at)
    assert t("abtest.definitions", "en") in text


def test_picked_experiment_stays_in_the_url_by_id_through_the_language_switch(
    duckdb_warehouse, raw
):
    """A link naming the experiment in English opens it on the Chinese page; the URL keeps its
    id, and the pick survives the switch to English (the names differ by language)."""
    e = raw["experiments"].set_index("code")
    countdown = int(e.loc["offer_countdown_banner", "experiment_id"])
    name_en = f"{e.loc['offer_countdown_banner', 'name_en']} (offer_countdown_banner)"
    at = _open("zh", experiments_pick=name_en)
    assert not at.exception, [x.value for x in at.exception]
    assert at.selectbox(key="experiments_pick").value == countdown
    assert at.query_params.get("experiments_pick") in (str(countdown), [str(countdown)])
    assert e.loc["offer_countdown_banner", "hypothesis_zh"] in all_text(at)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [x.value for x in at.exception]
    assert at.selectbox(key="experiments_pick").value == countdown
    assert e.loc["offer_countdown_banner", "hypothesis_en"] in all_text(at)
