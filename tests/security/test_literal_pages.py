"""Names from the data are shown literally on every page (AppTest, both languages).

The warehouse's every free-text field holds Markdown links and images, LaTeX, HTML, Streamlit
directives, a formula and control characters (tests/security/hostile.py). Each page runs without
exception; no string Streamlit renders as Markdown (bodies, labels, help, options) holds a payload
unescaped, no Plotly text holds its markup; and where a page names customers, clinics, channels,
campaigns or experiments in its sentences, the names read exactly as stored.
"""

from __future__ import annotations

import pytest

from dashboard import data
from dashboard.navigation import PAGES
from dashboard.settings import Settings, duckdb_url
from tests.conftest import activate
from tests.pages.apptest import displayed, open_page
from tests.security import hostile as h

CITY_ID = 10
# The default view, and a quarter narrowed to one city: the scorecard and weekly targets are
# then the city's (named on the page), the referrer ranking is the city's own top list.
VIEWS = {
    "default": {},
    "city": {"city": str(CITY_ID), "referrers_level": "city", "period": "quarter"},
}
# Pages whose sentences (Markdown) name something from the data, per view.
NAMES_IN_TEXT = {
    "default": {"weekly", "funnel", "experiments", "referrers"},
    "city": {"weekly", "funnel", "experiments", "referrers", "scorecard"},
}


@pytest.fixture(scope="module")
def hostile_settings(raw, tmp_path_factory) -> Settings:
    """A DuckDB warehouse of the test chain with every free-text value hostile."""
    from dashboard.warehouse.writer import replace_tables

    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    replace_tables(settings, h.hostile_frames(raw), source="tests")
    return settings


@pytest.fixture
def hostile_warehouse(hostile_settings, monkeypatch) -> Settings:
    """The data layer pointed at the hostile warehouse."""
    yield activate(hostile_settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


def test_hostile_frames_cover_the_text_columns(raw):
    frames = h.hostile_frames(raw)
    customers = frames["customers"]["name"]
    assert customers.str.len().max() == 40  # as long as the column allows
    assert customers.nunique() == raw["customers"]["name"].nunique()
    assert frames["clinics"]["name_en"].is_unique
    assert any("](https://evil.example" in n for n in frames["clinics"]["name_en"])
    # Equal values stay equal: the cities of a region share its (hostile) name.
    assert frames["cities"]["region_en"].nunique() == raw["cities"]["region_en"].nunique()
    # Variant codes change together in both tables, and raw is left as it was.
    assert set(frames["experiment_exposures"]["variant_code"]) <= set(
        frames["experiment_variants"]["variant_code"]
    )
    assert not any(h.EVIL in str(n) for n in raw["customers"]["name"])
    assert h.hostile_text(3, None).__len__() == h.LONGEST


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [p.id for p in PAGES])
def test_names_are_shown_literally(hostile_warehouse, page, lang, view):
    at = open_page(page, lang, timeout=120, **VIEWS[view])
    assert not at.exception, [e.value for e in at.exception]
    sources = h.markdown_sources(at)
    assert sources, "the page rendered some Markdown"
    found = h.unescaped(sources)
    assert not found, f"{page}: data rendered as Markdown: {found[:5]}"
    drawn = [s for s in h.plotly_strings(at) if any(m in s for m in h.PLOTLY_MARKERS)]
    assert not drawn, f"{page}: data drawn as Plotly markup: {drawn[:3]}"
    if page in NAMES_IN_TEXT[view]:
        text = "\n".join(displayed(s) for _, s in sources)
        literal = [p for p in h.PAYLOADS + h.SHORT if p in text]
        assert literal, f"{page}: no name from the data is shown in the page's text"
