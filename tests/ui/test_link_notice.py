"""A link value that names nothing valid is never dropped silently (AppTest, the real app).

Every URL parameter of every page, with a value that names nothing valid, gets one line in a
notice at the top of the page, in the viewer's language, naming the control and the value; the
page runs and shows exactly what it shows without that value (the fallback). Valid links, by
code or by name, get no notice. A region lead's link to another region's city is told "does not
exist or is outside your access", without the other city's name.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.metrics import channels as cm
from dashboard.metrics.regions import MAP_METRICS, TABLE_METRICS
from dashboard.navigation import PAGES
from dashboard.settings import ROOT
from dashboard.ui.linknotice import ICON
from tests.conftest import use_policy
from tests.pages.apptest import (
    AUTH,
    ENTRY,
    all_text,
    controls,
    displayed,
    link_notice,
    main_text,
    open_page,
)

LANGS = ["zh", "en"]

# (page, the link's other values, the parameter, its invalid value, the control's label key,
#  controls whose value differs from the fallback run by design).
CASES = [
    ("overview", {}, "period", "garbage", "filters.period", ()),
    ("overview", {"period": "custom"}, "dates", ["0001-01-01", "2026-01-01"], "filters.dates", ()),
    ("overview", {"period": "custom"}, "dates", ["soon", "later"], "filters.dates", ()),
    ("overview", {"period": "custom"}, "dates", ["2026-01-01"], "filters.dates", ("dates",)),
    ("overview", {}, "dates", ["2026-01-01", "2026-02-01"], "filters.dates", ()),
    ("overview", {}, "city", "999999", "filters.cities", ()),
    ("overview", {}, "specialty", "nose", "filters.specialties", ()),
    ("overview", {}, "clinic", "999999", "filters.clinics", ()),
    ("overview", {}, "channel", "999999", "filters.channels", ()),
    ("funnel", {}, "funnel_window", "99999", "funnel.control.window", ()),
    ("funnel", {}, "funnel_top", "7", "funnel.control.top_n", ()),
    ("funnel", {}, "funnel_compare", "garbage", "funnel.control.comparison", ()),
    ("funnel", {}, "funnel_dim", "garbage", "funnel.control.dimension", ()),
    ("members", {}, "members_active", "99999", "members.control.active_days", ()),
    ("members", {}, "members_lapse", "abc", "members.control.lapse_days", ()),
    ("members", {}, "members_tier_mid", "-5", "members.control.tier_mid", ()),
    ("members", {}, "members_tier_high", "abc", "members.control.tier_high", ()),
    ("members", {}, "members_months", "13", "members.control.months", ()),
    ("experiments", {"period": "ytd"}, "experiments_lift", "7", "abtest.target_lift", ()),
    ("experiments", {"period": "ytd"}, "experiments_pick", "999999", "abtest.pick", ()),
    ("weekly", {}, "week", "2026-W99", "weekly.control.week", ()),
    ("weekly", {}, "weekly_campaign", "garbage", "weekly.control.campaign", ()),
    ("scorecard", {}, "scorecard_kind", "garbage", "scorecard.control.kind", ()),
    ("scorecard", {}, "scorecard_period", "1999-01", "scorecard.control.period", ()),
    ("scorecard", {}, "scorecard_scope", "garbage", "scorecard.control.scope", ()),
    ("regions", {}, "regions_map", "garbage", "regions.control.map_metric", ()),
    ("regions", {}, "regions_layer", "garbage", "regions.control.layer", ()),
    ("regions", {}, "regions_metric", "garbage", "regions.control.table_metric", ()),
    ("referrers", {}, "referrers_basis", "garbage", "referrers.control.basis", ()),
    ("referrers", {}, "referrers_level", "garbage", "referrers.control.level", ()),
    (
        "referrers",
        {"referrers_level": "region"},
        "referrers_region",
        "garbage",
        "referrers.control.region",
        (),
    ),
    (
        "referrers",
        {"referrers_level": "city"},
        "referrers_city",
        "garbage",
        "referrers.control.city",
        (),
    ),
    # referrers_id takes any text (a customer number as the source writes it): a number that
    # is not found is said on the page itself (tests/security/test_injection.py).
    ("channels", {}, "channels_horizon", "999", "channels.control.horizon", ()),
    ("channels", {}, "channels_group", "garbage", "channels.control.grouping", ()),
    ("channels", {}, "channels_rank", "garbage", "channels.control.rank_by", ()),
]

_baselines: dict[tuple, tuple[str, dict]] = {}


def notice(at: AppTest) -> str:
    """The link notice's text as displayed ("" when there is none); one at most, in the main area."""
    assert len([w for w in at.main.warning if w.icon == ICON]) <= 1
    assert not link_notice(at.sidebar)
    return link_notice(at.main)


def view(page: str, lang: str, **query) -> tuple[str, dict]:
    """The main text and controls of a page opened with ``query`` (cached per test session)."""
    key = (page, lang, tuple(sorted((k, str(v)) for k, v in query.items())))
    if key not in _baselines:
        at = open_page(page, lang, timeout=120, **query)
        assert not at.exception, [e.value for e in at.exception]
        assert not notice(at)
        _baselines[key] = (main_text(at), controls(at))
    return _baselines[key]


def _values(value) -> list[str]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("page", "base", "param", "value", "label_key", "differs"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{len(_values(c[3]))}" for c in CASES],
)
def test_an_invalid_link_value_is_named_and_the_fallback_shown(
    duckdb_warehouse, lang, page, base, param, value, label_key, differs
):
    at = open_page(page, lang, timeout=120, **base, **{param: value})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t(f"page.{page}", lang)
    line = notice(at)
    assert line, f"no notice for {param}={value}"
    assert t(label_key, lang) in line
    for raw in _values(value):
        assert raw in line
    assert ("已忽略" if lang == "zh" else "ignored") in line
    # The page is the one the link shows without that value.
    text, shown = view(page, lang, **base)
    assert main_text(at) == text
    assert {k: v for k, v in controls(at).items() if k not in differs} == {
        k: v for k, v in shown.items() if k not in differs
    }


@pytest.mark.parametrize("lang", LANGS)
def test_dates_ending_before_they_start_are_swapped_and_said(duckdb_warehouse, lang):
    at = open_page("overview", lang, period="custom", dates=["2026-03-01", "2026-01-01"])
    assert not at.exception
    line = notice(at)
    assert "2026-03-01" in line and t("filters.dates", lang) in line
    summary = t("filters.summary", lang, start="2026-01-01", end="2026-03-01", days=60)
    assert summary in at.main.caption[0].value
    assert summary in line  # what is shown instead


@pytest.mark.parametrize("lang", LANGS)
def test_a_clinic_outside_the_picked_city_is_said(duckdb_warehouse, raw, lang):
    clinics = raw["clinics"]
    city = int(clinics.city_id.iloc[0])
    other = int(clinics.loc[clinics.city_id != city, "clinic_id"].iloc[0])
    at = open_page("overview", lang, city=str(city), clinic=str(other))
    assert not at.exception
    assert at.multiselect(key="city").value == [city]
    assert at.multiselect(key="clinic").value == []
    line = notice(at)
    assert t("filters.clinics", lang) in line and str(other) in line


def test_an_unknown_language_is_said_in_the_default_language(duckdb_warehouse):
    at = open_page("overview", "xx")
    assert not at.exception
    assert at.radio(key="lang").value == "zh"  # the default language
    line = notice(at)
    assert t("app.language", "zh") in line and "xx" in line and "中文" in line
    assert main_text(at) == view("overview", "zh")[0]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", [p.id for p in PAGES])
def test_a_filter_link_is_explained_on_every_page(duckdb_warehouse, page, lang):
    at = open_page(page, lang, timeout=120, city="999999", period="garbage")
    assert not at.exception, [e.value for e in at.exception]
    line = notice(at)
    assert "999999" in line and t("filters.cities", lang) in line
    assert "garbage" in line and t("filters.period", lang) in line
    assert at.multiselect(key="city").value == []
    assert at.selectbox(key="period").value == "last_4_weeks"


def _valid_links(raw, lang: str) -> dict[str, dict]:
    cities = raw["cities"].set_index("name_en", drop=False)
    zhengzhou = int(cities.loc["Zhengzhou", "city_id"])
    clinics = raw["clinics"]
    clinic = int(
        clinics.loc[
            (clinics.city_id == zhengzhou) & (clinics.specialty == "dental"), "clinic_id"
        ].iloc[0]
    )
    return {
        "overview": {
            "city": cities.loc["Zhengzhou", f"name_{lang}"],
            "period": t("preset.last_week", "zh"),
            "specialty": t("specialty.dental", "en"),
            "channel": "douyin",
            "clinic": str(clinic),
        },
        "custom": {"period": "custom", "dates": ["2026-01-01", "2026-02-01"], "city": "10"},
        "funnel": {
            "funnel_window": "60",
            "funnel_top": "10",
            "funnel_compare": "last_year",
            "funnel_dim": t("funnel.col.clinic", lang),
        },
        "members": {
            "members_active": "60",
            "members_lapse": "200",
            "members_tier_mid": "3000",
            "members_tier_high": "15000",
            "members_months": "3",
        },
        "experiments": {"period": "ytd", "experiments_lift": "20"},
        "weekly": {"week": "2026-W40", "city": str(zhengzhou)},
        "scorecard": {
            "scorecard_kind": "week",
            "scorecard_period": "2026-W45",
            "scorecard_scope": "郑州",
        },
        "regions": {
            "regions_map": MAP_METRICS[-1],
            "regions_layer": "heat",
            "regions_metric": TABLE_METRICS[-1],
        },
        "referrers": {
            "referrers_basis": "arrived",
            "referrers_level": "city",
            "referrers_city": "Zhengzhou",
            "referrers_id": "1",
        },
        "channels": {
            "channels_horizon": "30",
            "channels_group": "kind",
            "channels_rank": cm.RANKABLE[-1],
        },
    }


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "case",
    ["overview", "custom", "funnel", "members", "experiments", "weekly", "scorecard", "regions",
     "referrers", "channels"],
)  # fmt: skip
def test_valid_links_by_code_or_name_get_no_notice(duckdb_warehouse, raw, case, lang):
    query = _valid_links(raw, lang)[case]
    page = "overview" if case == "custom" else case
    at = open_page(page, lang, timeout=120, **query)
    assert not at.exception, [e.value for e in at.exception]
    assert not notice(at), notice(at)
    shown = controls(at)
    for key in query:
        assert shown[key] not in (None, [], ()), key
    if case == "funnel":
        assert shown["funnel_window"] == 60 and shown["funnel_dim"] == "clinic"


@pytest.mark.parametrize("lang", LANGS)
def test_pickers_filled_from_the_data_take_their_names_silently(duckdb_warehouse, lang):
    """The experiment and the campaign named in a link (by label or code) are picked, no notice."""
    base = open_page("experiments", lang, timeout=120, period="ytd")
    label = base.selectbox(key="experiments_pick").options[1]
    at = open_page("experiments", lang, timeout=120, period="ytd", experiments_pick=label)
    assert not at.exception and not notice(at)
    assert at.selectbox(key="experiments_pick").index == 1
    weekly = open_page("weekly", lang)
    codes = weekly.selectbox(key="weekly_campaign").options
    assert codes
    week = weekly.selectbox(key="week").options[1]
    at = open_page("weekly", lang, week=week)
    assert not at.exception and not notice(at)
    assert at.selectbox(key="week").value == week


@pytest.mark.parametrize("lang", LANGS)
def test_the_notice_stays_through_reruns_until_the_viewer_changes_the_control(
    duckdb_warehouse, lang
):
    at = open_page("funnel", lang, city="999999", funnel_dim="garbage")
    first = notice(at)
    assert "999999" in first and "garbage" in first
    at.run()
    assert notice(at) == first, "an immediate rerun keeps the notice"
    at.selectbox(key="period").set_value("ytd").run()
    assert notice(at) == first, "another control leaves both lines (they are still true)"
    at.multiselect(key="city").set_value([10]).run()
    assert "999999" not in notice(at) and "garbage" in notice(at)
    at.selectbox(key="funnel_dim").set_value("city").run()
    assert not notice(at)


def test_the_language_switch_clears_the_notice(duckdb_warehouse):
    at = open_page("overview", "zh", city="999999")
    assert notice(at)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert not notice(at)


@pytest.mark.parametrize("lang", LANGS)
def test_a_hostile_link_value_is_shown_as_text(duckdb_warehouse, lang):
    evil = "[x](https://e.example) **b** :red[y]"
    at = open_page("overview", lang, channel=[evil, "x" * 500])
    assert not at.exception
    source = next(w.value for w in at.main.warning if w.icon == ICON)
    assert "](https" not in source and "**b**" not in source and ":red[" not in source
    assert evil in displayed(source)
    assert "x" * 40 + "…" in source and "x" * 41 not in source  # a long value is cut


@pytest.fixture
def policy_file(duckdb_warehouse, tmp_path, monkeypatch):
    """Sign-in mode: a region lead who sees Beijing only."""
    return use_policy(
        tmp_path,
        monkeypatch,
        '[users."lead@clinic.example"]\nrole = "region_lead"\ncities = ["Beijing"]\n',
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", ["overview", "referrers"])
def test_a_region_leads_link_to_another_city_is_said_without_its_name(policy_file, raw, page, lang):
    cities = raw["cities"]
    zhengzhou = cities.loc[cities.name_en == "Zhengzhou"].iloc[0]
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "lead@clinic.example", "email_verified": True}
    at.query_params["lang"] = lang
    at.query_params["city"] = [str(zhengzhou.city_id), zhengzhou.name_en, zhengzhou.name_zh]
    if page == "referrers":
        at.query_params["referrers_level"] = "city"
        at.query_params["referrers_city"] = zhengzhou[f"name_{lang}"]
    at.run()
    if page != "overview":
        at.switch_page(str(ROOT / "pages" / f"{page}.py"))
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    line = notice(at)
    access = t("link.reason.access", lang)
    assert line.count(access) == (2 if page == "referrers" else 1)
    assert str(zhengzhou.city_id) in line
    assert at.multiselect(key="city").value == []  # all of the lead's cities
    text = all_text(at)
    others = cities.loc[cities.name_en != "Beijing"]
    for name in others.name_en:
        assert not re.search(rf"\b{re.escape(name)}\b", text), name
    for name in others.name_zh:
        assert name not in text, name
