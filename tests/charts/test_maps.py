"""The regional map's deck is built without a browser: layers, data, view and basemap."""

import json

import pandas as pd
import pytest

from dashboard.charts.maps import View, basemap, fit_view, region_deck

GRID = pd.DataFrame(
    {"lat": [39.9, 39.95, 31.2], "lon": [116.4, 116.45, 121.5], "value": [3.0, 1.0, 2.5]}
)
CLINICS = pd.DataFrame(
    {
        "clinic_id": [1, 2],
        "city_id": [1, 2],
        "lat": [39.91, 31.23],
        "lon": [116.41, 121.47],
        "radius": [12.0, 20.0],
        "specialty": ["eye", "dental"],
        "tip": ["明视眼科\n营业收入: ¥1,000", "Dental\nRevenue: ¥2,000"],
    }
)
CITIES = pd.DataFrame(
    {
        "city_id": [1, 2],
        "lat": [39.9042, 31.2304],
        "lon": [116.4074, 121.4737],
        "label": ["北京", "上海"],
        "tip": ["北京 · 一线", "上海 · 一线"],
    }
)


def _spec(**kwargs) -> dict:
    view = kwargs.pop("view", View(35.0, 118.0, 4.5))
    return json.loads(region_deck(GRID, CLINICS, CITIES, view, **kwargs).to_json())


def _layer(spec: dict, layer_id: str) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


def test_deck_layers_data_and_view():
    spec = _spec(radius_m=2500)
    assert [layer["id"] for layer in spec["layers"]] == [
        "background",
        "heat",
        "cities",
        "city-labels",
        "clinics",
    ]
    heat = _layer(spec, "heat")
    assert heat["@@type"] == "HexagonLayer"
    assert heat["data"] == GRID.to_dict(orient="records")
    assert heat["radius"] == 2500
    # Literal strings reach deck.gl as strings, not as accessor expressions.
    assert heat["colorAggregation"] == "SUM"
    assert heat["getColorWeight"] == "@@=value"
    clinics = _layer(spec, "clinics")
    assert [d["clinic_id"] for d in clinics["data"]] == [1, 2]
    assert [d["radius"] for d in clinics["data"]] == [12.0, 20.0]
    assert clinics["pickable"] is True and clinics["radiusUnits"] == "pixels"
    assert clinics["data"][0]["tip"].startswith("明视眼科")
    assert [d["label"] for d in _layer(spec, "city-labels")["data"]] == ["北京", "上海"]
    assert _layer(spec, "city-labels")["characterSet"] == "auto"
    assert _layer(spec, "cities")["pickable"] is True
    assert not _layer(spec, "heat")["pickable"]
    view = spec["initialViewState"]
    assert (view["latitude"], view["longitude"], view["zoom"]) == (35.0, 118.0, 4.5)


def test_no_basemap_by_default_draws_on_a_plain_background():
    spec = _spec()
    # pydeck's style sentinel: Streamlit then draws no basemap (map_style=None would fetch Carto).
    assert spec["mapStyle"] == "__MAP_STYLE__"
    assert "mapProvider" not in spec
    assert _layer(spec, "background")["getFillColor"] == [236, 239, 243]
    assert basemap("") == {"map_provider": None}


@pytest.mark.parametrize(
    ("style", "provider", "style_out"),
    [
        ("light", "carto", "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"),
        ("https://tiles.intranet/style.json", "carto", "https://tiles.intranet/style.json"),
        ("mapbox://styles/mapbox/light-v11", "mapbox", "mapbox://styles/mapbox/light-v11"),
    ],
)
def test_configured_basemap_replaces_the_background(style, provider, style_out):
    spec = _spec(map_style=style)
    assert spec["mapProvider"] == provider
    assert spec["mapStyle"] == style_out
    assert "background" not in [layer["id"] for layer in spec["layers"]]


def test_heat_kind_and_unknown_kind():
    heat = _layer(_spec(kind="heat"), "heat")
    assert heat["@@type"] == "HeatmapLayer"
    assert heat["getWeight"] == "@@=value" and heat["aggregation"] == "SUM"
    with pytest.raises(ValueError):
        _spec(kind="bars")


def test_fit_view_frames_the_points():
    one_city = fit_view(pd.Series([34.70, 34.80]), pd.Series([113.55, 113.70]))
    china = fit_view(pd.Series([22.5, 39.9, 25.0]), pd.Series([102.7, 121.5, 116.4]))
    assert one_city.zoom > china.zoom
    assert china.latitude == pytest.approx((22.5 + 39.9) / 2)
    assert china.longitude == pytest.approx((102.7 + 121.5) / 2)
    assert 3.0 <= china.zoom <= 10.5
    empty = fit_view(pd.Series([], dtype=float), pd.Series([], dtype=float))
    assert (empty.latitude, empty.longitude) == (35.0, 105.0)


def test_deck_tooltip_uses_the_shared_tip_field():
    deck = region_deck(GRID, CLINICS, CITIES, View(35, 118, 4))
    assert deck._tooltip == {"text": "{tip}"}
