"""AppTest of the weekly review in both languages: week from the URL, cards, movers, north star."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t
from dashboard.metrics.registry import WEEKLY_KPIS, kpi
from tests.pages.apptest import all_text, open_page


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weekly_default_is_the_last_complete_week(duckdb_warehouse, lang):
    at = open_page("weekly", lang)
    _ok(at)
    assert at.title[0].value == t("page.weekly", lang)
    subheaders = [s.value for s in at.subheader]
    for key in (
        "weekly.summary_title",
        "weekly.headline_title",
        "weekly.movers.title",
        "weekly.star.title",
    ):
        assert t(key, lang) in subheaders
    text = all_text(at)
    assert t("weekly.note_period", lang) in text  # says the global date preset does not apply
    assert "2026-W46" in text and "2026-11-09" in text
    assert [m.label for m in at.metric] == [kpi(k).name(lang) for k in WEEKLY_KPIS]
    assert (
        t("weekly.target_scope", lang, scope="全连锁" if lang == "zh" else "the whole chain")
        in text
    )
    assert ("郑州平台到院冲刺" if lang == "zh" else "Zhengzhou arrivals push") in text
    assert len(at.get("plotly_chart")) == 1
    assert len(at.dataframe) == 5  # headline table and four mover tables
    assert not re.search(r"\bnan\b|\bNone\b", text)
    # The arrows carry words, not just colour.
    assert t("scorecard.verdict.better", lang) in text or t("scorecard.verdict.worse", lang) in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_week_from_the_url_and_filters(duckdb_warehouse, lang):
    at = open_page("weekly", lang, week="2026-W40", city="10")
    _ok(at)
    text = all_text(at)
    assert "2026-W40" in text and "2026-09-28" in text
    assert ("郑州" if lang == "zh" else "Zhengzhou") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_week_is_ignored(duckdb_warehouse, lang):
    at = open_page("weekly", lang, week="2026-W99")
    _ok(at)
    assert "2026-W46" in all_text(at)
