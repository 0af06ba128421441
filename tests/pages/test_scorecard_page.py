"""AppTest of the scorecard page in both languages: perspectives, statuses, pacing, scope, league."""

from __future__ import annotations

import re

import pytest

from dashboard.i18n import t
from dashboard.metrics.registry import SCORECARD_KPIS, kpi
from tests.pages.apptest import all_text, open_page


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecard_default_is_the_month_in_progress(duckdb_warehouse, lang):
    at = open_page("scorecard", lang)
    _ok(at)
    assert at.title[0].value == t("page.scorecard", lang)
    subheaders = [s.value for s in at.subheader]
    for perspective in SCORECARD_KPIS:
        assert t(f"scorecard.perspective.{perspective}", lang) in subheaders
    assert t("scorecard.league_title", lang) in subheaders
    text = all_text(at)
    assert t("scorecard.note_period", lang) in text
    assert "2026-11" in text and "15/30" in text or "15 of 30" in text  # pacing banner
    for ids in SCORECARD_KPIS.values():
        for kpi_id in ids:
            assert kpi(kpi_id).name(lang) in text
    assert t("scorecard.reason_short.no_target", lang) in text  # satisfaction_top_share
    assert (
        t("scorecard.pace_short.green", lang) in text or t("scorecard.pace_short.red", lang) in text
    )
    assert len(at.dataframe) == 5  # four perspectives and the league table beneath the chart
    assert len(at.get("plotly_chart")) == 1
    assert not re.search(r"\bnan\b|\bNone\b", text)
    assert [m.label for m in at.metric] == [
        t(f"scorecard.count.{s}", lang) for s in ("green", "amber", "red", "none")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_controls_from_the_url(duckdb_warehouse, lang):
    zhengzhou = "郑州" if lang == "zh" else "Zhengzhou"
    at = open_page(
        "scorecard",
        lang,
        scorecard_kind=t("scorecard.kind.month", lang),
        scorecard_period="2026-10",
        scorecard_scope=zhengzhou,
    )
    _ok(at)
    text = all_text(at)
    assert (
        t("scorecard.period_complete", lang, period="2026-10", start="2026-10-01", end="2026-10-31")
        in text
    )
    assert t("scorecard.scope_line", lang, scope=zhengzhou) in text
    assert (
        t("scorecard.status_short.green", lang) in text
        or t("scorecard.status_short.red", lang) in text
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_narrowing_filters_and_odd_urls(duckdb_warehouse, lang):
    # A bound multiselect keeps its labels in the URL.
    dental = t("specialty.dental", lang)
    at = open_page(
        "scorecard", lang, specialty=dental, scorecard_period="1999-01", scorecard_scope="Atlantis"
    )
    _ok(at)
    text = all_text(at)
    assert t("filters.specialties", lang) in text
    assert t("scorecard.reason_short.not_comparable", lang) in text
    assert "2026-11" in text  # the odd period fell back to the one in progress
