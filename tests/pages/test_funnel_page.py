"""AppTest of the funnel page in both languages: sections, controls from the URL, narrowing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dashboard.formatting import fmt_value
from dashboard.i18n import catalogue, t
from dashboard.metrics import funnel as fm
from dashboard.metrics.maturity import COMPLETE_SHARE
from tests.pages.apptest import all_text, open_page
from tests.pages.test_default_views import data_as_of

# The window the default view opens on: the longest at least COMPLETE_SHARE of the last four
# weeks' leads have had (test_default_views checks the rule against the raw rows).
DEFAULT_WINDOW = 7

# The default period: the last four complete weeks before the test chain's end (2026-11-15).
# The default period: the data ends on Sunday 2026-11-15, so its week is complete and is the
# last of the four complete weeks.
START, END = date(2026, 10, 19), date(2026, 11, 15)


def _cohort(raw, start: date = START, end: date = END):
    leads = raw["leads"]
    lo, hi = (
        datetime.combine(start, datetime.min.time()),
        datetime.combine(end, datetime.min.time()),
    )
    return leads[(leads.created_at >= lo) & (leads.created_at < hi + timedelta(days=1))]


def _cohort_size(raw, start: date = START, end: date = END) -> int:
    return len(_cohort(raw, start, end))


def _cohort_line(raw, lang: str, window: int | None) -> str:
    """The page's cohort line from the raw rows: lead → paid deal over every created lead,
    marked maturing when less than COMPLETE_SHARE of the leads have had the whole window."""
    c = _cohort(raw)
    paid = c.paid_at.notna()
    mark = ""
    if window is not None:
        paid &= c.paid_at < c.created_at + timedelta(days=window)
        had = (c.created_at <= data_as_of(raw) - timedelta(days=window)).mean()
        mark = "" if had >= COMPLETE_SHARE else t("funnel.maturing_mark", lang)
    return t(
        "funnel.cohort_summary",
        lang,
        leads=fmt_value(len(c), "count", lang),
        start=START,
        end=END,
        window=(
            t("funnel.window_none", lang)
            if window is None
            else t("funnel.window_days", lang, n=window)
        ),
        rate=fmt_value(paid.sum() / len(c), "rate", lang) + mark,
    )


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funnel_page_shows_every_section(duckdb_warehouse, raw, lang):
    at = open_page("funnel", lang)
    _no_exception(at)
    assert at.title[0].value == t("page.funnel", lang)
    subheaders = [s.value for s in at.subheader]
    dim = t("funnel.dimension.channel", lang)
    for want in ("funnel.stages", "funnel.weekly", "funnel.traffic"):
        assert t(want, lang) in subheaders
    assert t("funnel.breakdown", lang, dimension=dim) in subheaders
    text = all_text(at)
    assert _cohort_line(raw, lang, DEFAULT_WINDOW) in text
    assert t("funnel.impressions_rule", lang) in text
    assert t("funnel.cohort_rule", lang, window=DEFAULT_WINDOW) in text
    assert t("funnel.names_rule", lang) in text
    assert t("funnel.base_rule", lang) in text
    for stage in fm.STAGES:
        assert t(f"funnel.stage.{stage}", lang) in text
    # The sample has walk-ins and phone bookings: the missing stage times are named.
    assert any(t("funnel.stage_time.bookings", lang) in i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 4
    assert len(at.dataframe) == 4  # stages, breakdown, weekly (in the expander), clinics
    breakdown = at.dataframe[1].value
    assert len(breakdown) == fm.DEFAULT_TOP_N + 1  # top N and "other" (14 channels)
    assert "nan" not in text.replace("Nanyang", "") and "None" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_controls_come_from_the_url(duckdb_warehouse, raw, lang):
    at = open_page(
        "funnel",
        lang,
        funnel_window="14",
        funnel_top="5",
        # A bound select keeps its label in the URL.
        funnel_dim=t("funnel.col.city", lang),
        funnel_compare=t("funnel.compare_option.last_year", lang),
    )
    _no_exception(at)
    text = all_text(at)
    assert t("funnel.cohort_rule", lang, window=14) in text
    assert t("funnel.breakdown", lang, dimension=t("funnel.dimension.city", lang)) in [
        s.value for s in at.subheader
    ]
    assert len(at.dataframe[1].value) == 6  # top 5 cities and "other"
    last_year = (START - timedelta(days=364), END - timedelta(days=364))
    caption = t(
        "funnel.compare_caption",
        lang,
        compare=t("funnel.compare.last_year", lang),
        start=last_year[0],
        end=last_year[1],
    )
    assert caption in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_url_values_fall_back_to_defaults(duckdb_warehouse, lang):
    at = open_page(
        "funnel",
        lang,
        funnel_window="31",
        funnel_top="lots",
        funnel_dim="'; drop",
        funnel_compare="",
    )
    _no_exception(at)
    text = all_text(at)
    assert t("funnel.cohort_rule", lang, window=DEFAULT_WINDOW) in text
    assert len(at.dataframe[1].value) == fm.DEFAULT_TOP_N + 1


@pytest.mark.parametrize(
    ("lang", "value"), [("en", "none"), ("zh", "不限"), ("en", "No limit"), ("zh", "NONE")]
)
def test_no_limit_window_from_the_url(duckdb_warehouse, raw, lang, value):
    """?funnel_window=none (or the option's label in either language) counts every deal."""
    at = open_page("funnel", lang, funnel_window=value)
    _no_exception(at)
    text = all_text(at)
    assert _cohort_line(raw, lang, None) in text
    assert t("funnel.cohort_rule_none", lang) in text
    assert t("funnel.maturing_rule_none", lang) in text
    # The widget shows the option, and the URL keeps its code.
    assert at.session_state["funnel_window"] == fm.NO_LIMIT
    assert at.query_params["funnel_window"] == fm.NO_LIMIT
    # Instead of the maturing line: how long the cohort's leads have had by the data's end.
    intro = catalogue()["funnel.unlimited_summary"][lang].split("{")[0]
    assert any(i.value.startswith(intro) for i in at.info)


def test_no_limit_survives_the_language_switch_and_the_default_leaves_the_url(
    duckdb_warehouse, raw
):
    at = open_page("funnel", "zh", funnel_window="不限")
    _no_exception(at)
    at.radio(key="lang").set_value("en").run()
    _no_exception(at)
    window = next(w for w in at.get("segmented_control") if w.key == "funnel_window")
    assert window.value == fm.NO_LIMIT
    assert window.format_func(fm.NO_LIMIT) == "No limit"
    assert at.query_params["funnel_window"] == fm.NO_LIMIT
    assert _cohort_line(raw, "en", None) in all_text(at)
    window.set_value(DEFAULT_WINDOW).run()
    _no_exception(at)
    assert "funnel_window" not in at.query_params  # the default is not written
    assert _cohort_line(raw, "en", DEFAULT_WINDOW) in all_text(at)


@pytest.mark.parametrize("window", ["180", "365"])
def test_long_windows_from_the_url(duckdb_warehouse, raw, window):
    at = open_page("funnel", "en", funnel_window=window)
    _no_exception(at)
    text = all_text(at)
    assert _cohort_line(raw, "en", int(window)) in text
    assert t("funnel.cohort_rule", "en", window=int(window)) in text


def test_narrowing_to_a_clicked_channel(duckdb_warehouse, raw):
    """What a click on a bar does (the callback sets the global filter) narrows every section."""
    channel = int(raw["channels"].channel_id.iloc[3])
    name = raw["channels"].set_index("channel_id").loc[channel, "name_en"]
    # The click's callback sets the sidebar's channel filter (tests/ui/test_funnel_widgets.py);
    # here the same filter arrives through the URL, as a copied link would bring it.
    at = open_page("funnel", "en", channel=name)
    _no_exception(at)
    breakdown = at.dataframe[1].value
    assert breakdown.iloc[:, 0].tolist() == [name]
    leads = raw["leads"]
    lo = datetime.combine(START, datetime.min.time())
    hi = datetime.combine(END + timedelta(days=1), datetime.min.time())
    want = (
        (leads.created_at >= lo) & (leads.created_at < hi) & (leads.channel_id == channel)
    ).sum()
    assert breakdown.iloc[0, 1] == fmt_value(want, "count", "en")


def test_empty_period_shows_the_empty_state(duckdb_warehouse):
    at = open_page("funnel", "en", period="Custom", dates=["2019-01-07", "2019-01-13"])
    _no_exception(at)
    assert t("state.empty", "en") in [i.value for i in at.info]
