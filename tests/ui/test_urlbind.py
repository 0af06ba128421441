"""URL-bound pickers keep stable codes in the URL: links with labels in either language are
read, rewritten to codes, and the language switch keeps every pick (AppTest, the real app)."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.metrics.target_scope import TargetScope
from tests.pages.apptest import link_notice, open_page


def _ids(raw, name_en: str) -> int:
    cities = raw["cities"]
    return int(cities.loc[cities.name_en == name_en, "city_id"].iloc[0])


def _url(at, key: str) -> list[str]:
    """A query parameter's values after the run (AppTest keeps one value as a plain str)."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("link_lang", ["zh", "en"])
def test_filter_links_by_label_become_codes_and_survive_the_language_switch(
    duckdb_warehouse, raw, link_lang
):
    zhengzhou = _ids(raw, "Zhengzhou")
    city = raw["cities"].set_index("city_id").loc[zhengzhou, f"name_{link_lang}"]
    at = open_page(
        "funnel",
        "zh",
        city=city,
        period=t("preset.last_week", link_lang),
        specialty=t("specialty.dental", link_lang),
        funnel_dim=t("funnel.col.clinic", link_lang),
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="city").value == [zhengzhou]
    assert at.selectbox(key="period").value == "last_week"
    assert at.multiselect(key="specialty").value == ["dental"]
    assert at.selectbox(key="funnel_dim").value == "clinic"
    codes = {
        "city": [str(zhengzhou)],
        "period": ["last_week"],
        "specialty": ["dental"],
        "funnel_dim": ["clinic"],
    }
    assert {k: _url(at, k) for k in codes} == codes
    before = at.main.markdown.values

    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="city").value == [zhengzhou]
    assert at.multiselect(key="city").format_func(zhengzhou) == "Zhengzhou"
    assert at.selectbox(key="period").value == "last_week"
    assert at.multiselect(key="specialty").value == ["dental"]
    assert at.selectbox(key="funnel_dim").value == "clinic"
    assert {k: _url(at, k) for k in codes} == codes
    assert _url(at, "lang") == ["en"]
    assert at.main.markdown.values != before  # re-labelled


def test_codes_in_links_and_defaults_kept_out_of_the_url(duckdb_warehouse, raw):
    at = open_page("overview", "en", city=["10", "Atlantis"], channel="douyin", period="ytd")
    assert not at.exception
    douyin = int(raw["channels"].loc[raw["channels"].code == "douyin", "channel_id"].iloc[0])
    assert at.multiselect(key="city").value == [10]
    assert at.multiselect(key="channel").value == [douyin]
    assert _url(at, "city") == ["10"] and _url(at, "channel") == [str(douyin)]
    assert _url(at, "period") == ["ytd"]
    at.selectbox(key="period").set_value("last_4_weeks").run()
    assert "period" not in at.query_params, "the default period is not written"


@pytest.mark.parametrize(
    ("page", "key", "code", "label_key"),
    [
        ("funnel", "funnel_compare", "last_year", "funnel.compare_option.last_year"),
        ("referrers", "referrers_basis", "arrived", "referrers.basis.arrived"),
        ("referrers", "referrers_level", "city", "referrers.level.city"),
        ("regions", "regions_layer", "heat", "regions.layer.heat"),
        ("scorecard", "scorecard_kind", "week", "scorecard.kind.week"),
    ],
)
def test_page_controls_keep_codes_in_the_url(duckdb_warehouse, page, key, code, label_key):
    """A page's own translated picker: a label link (zh) is read, the URL keeps the code, and
    the code survives the switch to English."""
    at = open_page(page, "zh", **{key: t(label_key, "zh")})
    assert not at.exception, [e.value for e in at.exception]
    widget = next(
        w for kind in ("selectbox", "segmented_control") for w in at.get(kind) if w.key == key
    )
    assert widget.value == code
    assert _url(at, key) == [code]
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    widget = next(
        w for kind in ("selectbox", "segmented_control") for w in at.get(kind) if w.key == key
    )
    assert widget.value == code
    assert _url(at, key) == [code]


def test_scorecard_scope_keeps_its_code_through_the_language_switch(duckdb_warehouse, raw):
    """Scope names differ by language: a link with the Chinese name is read, the URL keeps the
    scope's code, and the picked scope survives the switch to English."""
    code = TargetScope("city", _ids(raw, "Zhengzhou")).code
    at = open_page("scorecard", "zh", scorecard_scope="郑州")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="scorecard_scope").value == code
    assert _url(at, "scorecard_scope") == [code]
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    scope = at.selectbox(key="scorecard_scope")
    assert scope.value == code and scope.format_func(code) == "Zhengzhou"
    assert _url(at, "scorecard_scope") == [code]


def test_channels_controls_take_codes_only_and_keep_them_through_the_language_switch(
    duckdb_warehouse,
):
    """The channels page's controls are bound by code alone (urlbind.choice, by_label=False):
    a code link is read and kept through the switch to English; a label link is ignored."""
    at = open_page("channels", "zh", channels_group="kind", channels_horizon="180")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="channels_group").value == "kind"
    assert _url(at, "channels_group") == ["kind"] and _url(at, "channels_horizon") == ["180"]
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    group = at.selectbox(key="channels_group")
    assert group.value == "kind" and group.format_func("kind") == t("channels.grouping.kind", "en")
    assert _url(at, "channels_group") == ["kind"] and _url(at, "channels_horizon") == ["180"]

    by_label = open_page("channels", "en", channels_group=t("channels.grouping.kind", "en"))
    assert not by_label.exception, [e.value for e in by_label.exception]
    assert by_label.selectbox(key="channels_group").value != "kind"
    assert "channels_group" not in by_label.query_params
    assert t("channels.grouping.kind", "en") in link_notice(by_label.main)  # said, not dropped
