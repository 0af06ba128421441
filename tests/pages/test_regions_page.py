"""AppTest of the regions page in both languages: map, ranking and heat tables render."""

import json
import re

import pytest

from dashboard.i18n import t
from dashboard.reports.regions.tables import metric_name
from dashboard.ui import regions_widgets as widgets
from dashboard.ui.regions_widgets import picked_cell_city, picked_row_city
from tests.pages.apptest import all_text, open_page, same_view


def _deck(at) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_regions_page_renders(duckdb_warehouse, raw, lang):
    at = open_page("regions", lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("page.regions", lang)
    text = all_text(at)
    name = metric_name("arrival_rate", lang)
    for key in ("regions.map_title",):
        assert t(key, lang) in text
    assert t("regions.ranking_title", lang, metric=name) in text
    assert t("regions.weekly_title", lang, metric=name) in text
    assert t("regions.channel_title", lang, metric=name) in text
    # Every city appears in the ranking, in the viewer's language.
    ranking = at.dataframe[0].value
    col = "name_zh" if lang == "zh" else "name_en"
    assert set(ranking[t("regions.col.city", lang)]) == set(raw["cities"][col])
    deck = _deck(at)
    ids = [layer["id"] for layer in deck["layers"]]
    assert ids == ["background", "heat", "cities", "city-labels", "clinics"]
    assert deck.get("mapStyle") == "__MAP_STYLE__"  # no basemap: nothing fetched
    labels = next(layer for layer in deck["layers"] if layer["id"] == "city-labels")
    assert {d["label"] for d in labels["data"]} == set(raw["cities"][col])
    assert len(at.get("plotly_chart")) == 2
    assert t("regions.basemap_none", lang) in text
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_url_picks_metrics_and_ignores_odd_values(duckdb_warehouse, lang):
    # URL-bound pickers with a format_func keep their shown label in the URL.
    at = open_page(
        "regions",
        lang,
        regions_map=metric_name("revenue", lang),
        regions_metric=metric_name("complaint_rate", lang),
        regions_layer=t("regions.layer.heat", lang),
    )
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert t("regions.ranking_title", lang, metric=metric_name("complaint_rate", lang)) in text
    assert t("regions.low_sample_rule", lang, min=30) in text
    heat = next(layer for layer in _deck(at)["layers"] if layer["id"] == "heat")
    assert heat["@@type"] == "HeatmapLayer"
    odd_values = {"regions_map": "bogus", "regions_metric": "1;drop", "regions_layer": "x"}
    same_view(open_page("regions", lang, **odd_values), open_page("regions", lang), odd_values)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_filter_narrows_the_page(duckdb_warehouse, raw, lang):
    city = int(raw["cities"].city_id.iloc[9])
    name = raw["cities"][f"name_{lang}"].iloc[9]
    at = open_page("regions", lang, city=name)  # the filter bar keeps city names in the URL
    assert not at.exception, [e.value for e in at.exception]
    ranking = at.dataframe[0].value
    assert len(ranking) == 1
    clinics = next(layer for layer in _deck(at)["layers"] if layer["id"] == "clinics")
    assert {d["city_id"] for d in clinics["data"]} == {city}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_period_shows_empty_state(duckdb_warehouse, lang):
    custom = t("preset.custom", lang)
    at = open_page("regions", lang, period=custom, dates=["2019-01-07", "2019-01-13"])
    assert not at.exception, [e.value for e in at.exception]
    assert t("state.empty", lang) in all_text(at)


def test_clicks_become_city_picks():
    ids = [7, 3, 9]
    assert picked_row_city({"selection": {"rows": [1]}}, ids) == 3
    assert picked_row_city({"selection": {"rows": []}}, ids) is None
    assert picked_row_city({"selection": {"rows": [5]}}, ids) is None
    assert picked_row_city(None, ids) is None
    assert picked_cell_city({"selection": {"points": [{"customdata": 9, "x": "11-09"}]}}) == 9
    assert picked_cell_city({"selection": {"points": [{"customdata": [4]}]}}) == 4
    assert picked_cell_city({"selection": {"points": []}}) is None
    assert picked_cell_city(None) is None


def test_a_map_click_sets_the_global_filter(monkeypatch):
    class FakeStreamlit:
        session_state: dict = {}

    fake = FakeStreamlit()
    fake.session_state = {
        "regions_map_pick_x": {"selection": {"objects": {"cities": [{"city_id": 3}]}}},
        "clinic": [11, 20],
    }
    monkeypatch.setattr(widgets, "st", fake)
    widgets._on_map_pick("regions_map_pick_x", {11: 3, 20: 5})
    assert fake.session_state["city"] == [3]
    assert fake.session_state["clinic"] == [11]
    fake.session_state["regions_map_pick_x"] = {
        "selection": {"objects": {"clinics": [{"clinic_id": 20, "city_id": 5}]}}
    }
    widgets._on_map_pick("regions_map_pick_x", {11: 3, 20: 5})
    assert (fake.session_state["city"], fake.session_state["clinic"]) == ([5], [20])
