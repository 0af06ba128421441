"""The regional map as a pydeck Deck: heat of a metric at customers' homes, clinics, cities.

Pure: takes ready frames and returns a ``pydeck.Deck`` (no Streamlit). Layers carry ids so
Streamlit can report clicks per layer: ``clinics`` and ``cities`` are pickable and carry a
pre-rendered ``tip`` text (one tooltip template serves every layer).

Basemap (``[opsdash] map_style`` in secrets.toml or ``OPSDASH_MAP_STYLE``):

- ``""`` (default): no basemap at all, so nothing is fetched from the internet; a plain
  light-grey background layer and the city labels give the orientation.
- ``"light"``, ``"dark"``, ``"road"`` or a style URL such as
  ``https://basemaps.cartocdn.com/gl/positron-gl-style/style.json``: a Carto/MapLibre
  basemap (a self-hosted MapLibre ``style.json`` on the intranet works the same way).
- ``"mapbox://styles/mapbox/light-v11"``: a Mapbox style; set ``MAPBOX_API_KEY``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pydeck as pdk

from dashboard import labels

# Yellow → red (ColorBrewer YlOrRd): reads as "more" on a projector and in grey-scale print.
HEAT_COLORS = (
    (255, 255, 178),
    (254, 217, 118),
    (254, 178, 76),
    (253, 141, 60),
    (240, 59, 32),
    (189, 0, 38),
)
SPECIALTY_COLORS = labels.SPECIALTY_COLORS  # other specialties: labels.specialty_colors
BACKGROUND = (236, 239, 243)
CITY_RING = (70, 80, 95)
LAYER_KINDS = ("hexagon", "heat")
CLINICS_LAYER = "clinics"
CITIES_LAYER = "cities"
# pydeck reads a bare string as an accessor expression; literal strings must be quoted.
# The whole Web-Mercator world, so panning never leaves the plain background.
_WORLD = [[-180.0, -85.0], [180.0, -85.0], [180.0, 85.0], [-180.0, 85.0]]


@dataclass(frozen=True)
class View:
    """Where the map opens: centre and zoom."""

    latitude: float
    longitude: float
    zoom: float


def fit_view(
    lats: pd.Series, lons: pd.Series, min_zoom: float = 3.0, max_zoom: float = 10.5
) -> View:
    """A view that shows every point: centre of the bounding box, zoom from its span."""
    lats, lons = pd.Series(lats, dtype=float).dropna(), pd.Series(lons, dtype=float).dropna()
    if lats.empty or lons.empty:
        return View(35.0, 105.0, 3.3)  # mainland China
    lat_span = max(lats.max() - lats.min(), 0.3)
    lon_span = max(lons.max() - lons.min(), 0.3)
    # A 256-pixel tile spans 360° at zoom 0; the map is about 1000 × 520 pixels, with margin.
    zoom = min(
        math.log2(1000 * 360 / (256 * lon_span * 1.4)),
        math.log2(520 * 180 / (256 * lat_span * 1.6)),
    )
    return View(
        latitude=float((lats.max() + lats.min()) / 2),
        longitude=float((lons.max() + lons.min()) / 2),
        zoom=round(min(max(zoom, min_zoom), max_zoom), 2),
    )


def basemap(map_style: str) -> dict[str, object]:
    """The Deck's basemap arguments for a configured style ('' = none, works offline)."""
    style = (map_style or "").strip()
    if not style:
        # map_provider=None leaves pydeck's style sentinel, which Streamlit reads as "no
        # basemap"; map_style=None would instead fetch Streamlit's default Carto tiles.
        return {"map_provider": None}
    if style.startswith("mapbox://"):
        return {"map_provider": "mapbox", "map_style": style}
    return {"map_provider": "carto", "map_style": style}


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Plain JSON-able rows (pydeck serialises lists of dicts on every pandas version)."""
    out = frame.loc[:, columns].astype(object).where(frame.loc[:, columns].notna(), None)
    return out.to_dict(orient="records")


def heat_layer(grid: pd.DataFrame, kind: str, radius_m: float) -> pdk.Layer:
    """The metric at home locations: hexagons (weighted sums) or a smooth heat map."""
    data = _records(grid, ["lat", "lon", "value"])
    colors = [list(c) for c in HEAT_COLORS]
    if kind == "heat":
        return pdk.Layer(
            "HeatmapLayer",
            id="heat",
            data=data,
            get_position=["lon", "lat"],
            get_weight="value",
            aggregation='"SUM"',
            radius_pixels=40,
            color_range=colors,
            opacity=0.75,
            pickable=False,
        )
    return pdk.Layer(
        "HexagonLayer",
        id="heat",
        data=data,
        get_position=["lon", "lat"],
        get_color_weight="value",
        color_aggregation='"SUM"',
        get_elevation_weight="value",
        elevation_aggregation='"SUM"',
        radius=radius_m,
        coverage=0.92,
        extruded=False,
        gpu_aggregation=False,
        color_range=colors,
        opacity=0.7,
        pickable=False,
    )


def region_deck(
    grid: pd.DataFrame,
    clinics: pd.DataFrame,
    cities: pd.DataFrame,
    view: View,
    *,
    kind: str = "hexagon",
    radius_m: float = 2000,
    map_style: str = "",
) -> pdk.Deck:
    """The regional map.

    ``grid``: lat, lon, value (cell centres); ``clinics``: clinic_id, city_id, lat, lon,
    radius (pixels), specialty, tip; ``cities``: city_id, lat, lon, label, tip.
    """
    if kind not in LAYER_KINDS:
        raise ValueError(f"unknown layer kind {kind!r}")
    base = basemap(map_style)
    layers: list[pdk.Layer] = []
    if base["map_provider"] is None:
        layers.append(
            pdk.Layer(
                "SolidPolygonLayer",
                id="background",
                data=[{"polygon": _WORLD}],
                get_polygon="polygon",
                get_fill_color=list(BACKGROUND),
                pickable=False,
            )
        )
    layers.append(heat_layer(grid, kind, radius_m))
    city_data = _records(cities, ["city_id", "lat", "lon", "label", "tip"])
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            id=CITIES_LAYER,
            data=city_data,
            get_position=["lon", "lat"],
            get_radius=14,
            radius_units='"pixels"',
            stroked=True,
            filled=True,
            get_fill_color=[255, 255, 255, 40],
            get_line_color=list(CITY_RING),
            line_width_units='"pixels"',
            get_line_width=1.5,
            pickable=True,
            auto_highlight=True,
        )
    )
    layers.append(
        pdk.Layer(
            "TextLayer",
            id="city-labels",
            data=city_data,
            get_position=["lon", "lat"],
            get_text="label",
            get_size=14,
            get_color=[30, 35, 45],
            get_text_anchor='"start"',
            get_alignment_baseline='"center"',
            get_pixel_offset=[17, 0],
            character_set='"auto"',
            font_family='"Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"',
            outline_width=3,
            outline_color=[255, 255, 255],
            font_settings={"sdf": True},
            pickable=False,
        )
    )
    colours = labels.specialty_colors(clinics["specialty"])
    clinic_data = clinics.assign(
        color=[list(colours[str(s)][0]) + [220] for s in clinics["specialty"]]
    )
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            id=CLINICS_LAYER,
            data=_records(
                clinic_data, ["clinic_id", "city_id", "lat", "lon", "radius", "color", "tip"]
            ),
            get_position=["lon", "lat"],
            get_radius="radius",
            radius_units='"pixels"',
            get_fill_color="color",
            stroked=True,
            get_line_color=[255, 255, 255],
            line_width_min_pixels=1,
            pickable=True,
            auto_highlight=True,
        )
    )
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(
            latitude=view.latitude, longitude=view.longitude, zoom=view.zoom, pitch=0, bearing=0
        ),
        tooltip={"text": "{tip}"},
        **base,
    )
