"""No immature headline by default (#22 item 4): each page's default view opens on a horizon or
window the period's cohort has had (``dashboard.metrics.maturity``), and shows the maturing
figures beside it as such. Every expectation comes from pandas over the raw rows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest

from dashboard.formatting import fmt_date, fmt_value
from dashboard.i18n import t
from dashboard.metrics import maturity as mt
from dashboard.metrics.registry import kpi
from dashboard.reports.channels.tables import label
from tests.pages.apptest import all_text, open_page

# The sample's data end (tests/conftest.py TEST_END, a Sunday) and the default period: the
# four complete ISO weeks ending with it.
START, END = date(2026, 10, 19), date(2026, 11, 15)
YTD = (date(2026, 1, 1), END)
HORIZONS = (30, 90, 180, 365)
WINDOWS = (7, 14, 30, 60, 90, 180, 365)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", "2026-11-16")


def data_as_of(raw) -> datetime:
    """The latest fact timestamp, from the raw tables (every stage, orders, exposures...)."""
    leads = raw["leads"]
    stamps = [leads[c].max() for c in ("created_at", "inquiry_at", "booked_at", "arrived_at")]
    stamps += [leads["paid_at"].max(), raw["orders"]["ordered_at"].max()]
    stamps += [
        raw["experiment_exposures"]["exposed_at"].max(),
        raw["feedback"]["submitted_at"].max(),
    ]
    stamps += [pd.Timestamp(raw["channel_daily"]["date"].max())]
    stamps += [pd.Timestamp(raw["staff_training"]["date"].max())]
    return max(pd.Timestamp(s) for s in stamps if pd.notna(s)).to_pydatetime()


def _first_orders(raw) -> pd.DataFrame:
    """Each customer's first order (ties: the lowest order id) with the acquisition channel."""
    orders = raw["orders"].sort_values(["ordered_at", "order_id"])
    first = orders.groupby("customer_id", as_index=False).first()
    return first.merge(raw["customers"][["customer_id", "acquisition_channel_id"]], how="left")


def _new_customers(raw, start: date, end: date) -> pd.DataFrame:
    first = _first_orders(raw)
    lo, hi = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    return first[(first.ordered_at >= lo) & (first.ordered_at < hi)]


def _horizon_shares(raw, start: date, end: date) -> dict[int, float]:
    """Per horizon, the share of the period's new customers whose horizon ended by the data's end."""
    new = _new_customers(raw, start, end)
    end_ts = datetime.combine(data_as_of(raw).date() + timedelta(days=1), time.min)
    return {h: float((new.ordered_at + timedelta(days=h) <= end_ts).mean()) for h in HORIZONS}


def _expected_horizon(shares: dict[int, float]) -> int | None:
    complete = [h for h in HORIZONS if shares[h] >= mt.COMPLETE_SHARE]
    return max(complete) if complete else None


def _cards(at) -> list[str]:
    return [str(m.label) for m in at.metric]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_channels_open_on_the_period_roi_when_no_horizon_is_complete(duckdb_warehouse, raw, lang):
    shares = _horizon_shares(raw, START, END)
    # Four weeks ending with the data: no new customer has had even 30 days.
    assert _expected_horizon(shares) is None and shares[30] == 0.0
    at = open_page("channels", lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["channels_horizon"] == min(HORIZONS)
    assert at.session_state["channels_rank"] == "marketing_roi"
    assert "channels_horizon" not in at.query_params  # the default is not written
    cards = _cards(at)
    period_roi = label("marketing_roi", lang)
    maturing_roi = label("roi_horizon", lang, 30, maturing=True)
    # The complete figure is the headline; the horizon's ROI follows it, marked maturing.
    assert cards.index(period_roi) < cards.index(maturing_roi)
    assert label("roi_horizon", lang, 30) not in cards
    note = t(
        "channels.maturing",
        lang,
        roi=label("roi_horizon", lang, 30),
        period_roi=period_roi,
        share=fmt_value(shares[30], "rate", lang),
        horizon=30,
    )
    text = all_text(at)
    assert note in [i.value for i in at.info]
    assert t("channels.ranking_rule", lang, metric=period_roi, min=30) in text
    assert t("channels.rule.default_view", lang, share="70%") in text


def test_channels_open_on_the_longest_complete_horizon(duckdb_warehouse, raw):
    shares = _horizon_shares(raw, *YTD)
    expected = _expected_horizon(shares)
    assert expected is not None  # the year to date has had at least one horizon
    at = open_page("channels", "en", period="ytd")
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["channels_horizon"] == expected
    assert at.session_state["channels_rank"] == "roi_horizon"
    cards = _cards(at)
    assert label("roi_horizon", "en", expected) in cards
    assert cards.index(label("roi_horizon", "en", expected)) < cards.index(
        label("marketing_roi", "en")
    )
    if shares[expected] < 1:
        note = t(
            "channels.maturity",
            "en",
            share=fmt_value(shares[expected], "rate", "en"),
            horizon=expected,
        )
        assert note in [i.value for i in at.info]


def test_a_url_horizon_is_kept_with_its_maturing_note(duckdb_warehouse, raw):
    shares = _horizon_shares(raw, START, END)
    at = open_page("channels", "zh", channels_horizon="90")
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["channels_horizon"] == 90
    assert at.query_params["channels_horizon"] == "90"
    assert label("roi_horizon", "zh", 90, maturing=True) in _cards(at)
    note = t(
        "channels.maturing",
        "zh",
        roi=label("roi_horizon", "zh", 90),
        period_roi=label("marketing_roi", "zh"),
        share=fmt_value(shares[90], "rate", "zh"),
        horizon=90,
    )
    assert note in [i.value for i in at.info]


def _cohort(raw, start: date = START, end: date = END) -> pd.DataFrame:
    leads = raw["leads"]
    lo, hi = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    return leads[(leads.created_at >= lo) & (leads.created_at < hi)]


def _window_shares(raw) -> dict[int, float]:
    """Per window, the share of the period's leads created at least that long before the end."""
    cohort, as_of = _cohort(raw), data_as_of(raw)
    return {w: float((cohort.created_at <= as_of - timedelta(days=w)).mean()) for w in WINDOWS}


def _headline(raw, lang: str, window: int, maturing: bool) -> str:
    c = _cohort(raw)
    paid = c.paid_at.notna() & (c.paid_at < c.created_at + timedelta(days=window))
    rate = fmt_value(paid.sum() / len(c), "rate", lang)
    return t(
        "funnel.cohort_summary",
        lang,
        leads=fmt_value(len(c), "count", lang),
        start=START,
        end=END,
        window=t("funnel.window_days", lang, n=window),
        rate=rate + (t("funnel.maturing_mark", lang) if maturing else ""),
    )


def _maturing_line(raw, lang: str, window: int) -> str:
    c, as_of = _cohort(raw), data_as_of(raw)
    cutoff = as_of - timedelta(days=window)
    maturing = int((c.created_at > cutoff).sum())
    return t(
        "funnel.maturing_summary",
        lang,
        maturing=fmt_value(maturing, "count", lang),
        share=fmt_value(maturing / len(c), "rate", lang),
        cutoff=fmt_date(cutoff, lang),
        window=window,
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funnel_opens_on_the_longest_window_most_leads_have_had(duckdb_warehouse, raw, lang):
    shares = _window_shares(raw)
    complete = [w for w in WINDOWS if shares[w] >= mt.COMPLETE_SHARE]
    expected = max(complete) if complete else min(WINDOWS)
    # The data ends on a Sunday after the busiest week (11.11): under 70% of the leads have had
    # even 7 days, so the view opens on the shortest window, its headline marked maturing.
    assert expected == 7 and shares[7] < mt.COMPLETE_SHARE
    at = open_page("funnel", lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["funnel_window"] == expected
    assert "funnel_window" not in at.query_params
    text = all_text(at)
    assert _headline(raw, lang, expected, maturing=True) in text
    assert t("funnel.default_rule", lang, share="70%") in text
    # Its remaining maturing leads are shown as such beside it.
    assert _maturing_line(raw, lang, expected) in [i.value for i in at.info]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_url_window_is_kept_and_marked_maturing(duckdb_warehouse, raw, lang):
    at = open_page("funnel", lang, funnel_window="30")
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["funnel_window"] == "30"
    text = all_text(at)
    assert _headline(raw, lang, 30, maturing=True) in text
    assert _maturing_line(raw, lang, 30) in [i.value for i in at.info]


def _repurchase_shares(raw, start: date, end: date) -> dict[int, float]:
    """Per window, the share of the period's new customers whose window ended by the last order."""
    new = _new_customers(raw, start, end)
    last_day = raw["orders"]["ordered_at"].max().date()
    first_day = new.ordered_at.dt.date
    return {d: float((first_day + timedelta(days=d) <= last_day).mean()) for d in (90, 180, 365)}


@pytest.mark.parametrize(("lang", "period"), [("zh", None), ("en", "ytd")])
def test_members_mark_repurchase_windows_that_are_not_over(duckdb_warehouse, raw, lang, period):
    start, end = YTD if period else (START, END)
    shares = _repurchase_shares(raw, start, end)
    at = open_page("members", lang, **({"period": period} if period else {}))
    assert not at.exception, [e.value for e in at.exception]
    cards = _cards(at)
    text = all_text(at)
    assert kpi("repeat_rate").name(lang) in cards  # complete: shown as is
    for days, share in shares.items():
        name = kpi(f"repurchase_{days}").name(lang)
        if share < 1:
            assert t("members.maturing_label", lang, name=name) in cards
            note = t(
                "members.maturing_note",
                lang,
                name=name,
                days=days,
                share=fmt_value(share, "rate", lang),
            )
            assert note in text
        else:
            assert name in cards
    if period:
        assert 0 < shares[90] < 1  # a share between none and all is stated


def test_funnel_opens_on_a_complete_window_when_the_period_has_had_one(duckdb_warehouse, raw):
    start, end = date(2026, 10, 1), date(2026, 10, 31)  # last month, two weeks before the end
    cohort, as_of = _cohort(raw, start, end), data_as_of(raw)
    shares = {w: (cohort.created_at <= as_of - timedelta(days=w)).mean() for w in WINDOWS}
    expected = max(w for w in WINDOWS if shares[w] >= mt.COMPLETE_SHARE)
    at = open_page("funnel", "en", period="last_month")
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["funnel_window"] == expected
    paid = cohort.paid_at.notna() & (cohort.paid_at < cohort.created_at + timedelta(days=expected))
    headline = t(
        "funnel.cohort_summary",
        "en",
        leads=fmt_value(len(cohort), "count", "en"),
        start=start,
        end=end,
        window=t("funnel.window_days", "en", n=expected),
        rate=fmt_value(paid.sum() / len(cohort), "rate", "en"),  # complete: no mark
    )
    assert headline in all_text(at)
