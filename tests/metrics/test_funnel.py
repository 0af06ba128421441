"""Pure funnel logic: stage rates, top N + other, week alignment, maturing, traffic or retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.filters import Filters
from dashboard.metrics import funnel as fm
from dashboard.metrics import traffic_retention as tr


def _row(**counts) -> dict:
    row = {s: 0 for s in fm.STAGES}
    row.update(counts)
    return row


def test_stage_table_rates_and_drop_off():
    row = _row(
        impressions=20_000, leads=1000, inquiries=400, bookings=200, arrivals=50, paid_deals=40
    )
    row.update(bookings_median_hours=18.0, bookings_p75_hours=40.0, bookings_untimed=7)
    table = fm.stage_table(row).set_index("stage")
    assert list(table.index) == list(fm.STAGES)
    assert table.loc["leads", "from_previous"] == pytest.approx(1000 / 20_000)
    assert table.loc["inquiries", "from_previous"] == pytest.approx(400 / 1000)
    assert table.loc["bookings", "from_previous"] == pytest.approx(0.5)
    assert table.loc["arrivals", "from_leads"] == pytest.approx(50 / 1000)
    assert table.loc["paid_deals", "from_leads"] == pytest.approx(40 / 1000)
    assert table.loc["leads", "from_leads"] == pytest.approx(1.0)
    assert table.loc["paid_deals", "drop_off"] == 10
    assert table.loc["paid_deals", "drop_off_rate"] == pytest.approx(0.2)
    assert table.loc["bookings", "median_hours"] == 18.0
    assert table.loc["bookings", "untimed"] == 7
    assert table.loc["arrivals", "median_hours"] is None
    assert table.loc["paid_deals", "untimed"] is None  # a deal is only counted by its time
    for col in ("from_previous", "from_leads", "drop_off", "drop_off_rate", "untimed"):
        assert table.loc["impressions", col] is None
    # No drop-off from impressions to leads: views are not people.
    assert table.loc["leads", "drop_off"] is None and table.loc["leads", "drop_off_rate"] is None
    assert table.loc["inquiries", "drop_off"] == 600


def test_stage_table_without_denominators_gives_none_not_nan():
    table = fm.stage_table(_row(impressions=0, leads=0)).set_index("stage")
    assert table.loc["leads", "from_previous"] is None
    assert table.loc["inquiries", "from_previous"] is None
    assert table.loc["paid_deals", "from_leads"] is None
    assert table.loc["bookings", "drop_off_rate"] is None
    nan_row = _row(impressions=float("nan"), inquiries_median_hours=float("nan"))
    table = fm.stage_table(nan_row).set_index("stage")
    assert table.loc["inquiries", "median_hours"] is None


def test_deal_only_data_is_not_a_perfect_funnel():
    """Leads with only a deal time: every rate over created leads, none above 100%."""
    row = _row(impressions=50, leads=1000, inquiries=105, bookings=105, arrivals=105)
    row.update(paid_deals=105, inquiries_untimed=105, bookings_untimed=105, arrivals_untimed=105)
    table = fm.stage_table(row).set_index("stage")
    assert table.loc["paid_deals", "from_leads"] == pytest.approx(0.105)
    assert table.loc["inquiries", "from_previous"] == pytest.approx(0.105)
    # More leads than impressions: not a rate (referrals, walk-ins), shown as "—".
    assert table.loc["leads", "from_previous"] is None
    rates = table[["from_previous", "from_leads"]].to_numpy().ravel()
    assert all(r is None or 0 <= r <= 1 for r in rates)


def test_period_ratio_is_none_above_the_whole():
    assert fm.period_ratio(5, 1000) == pytest.approx(0.005)
    assert fm.period_ratio(1000, 1000) == pytest.approx(1.0)
    assert fm.period_ratio(1001, 1000) is None
    assert fm.period_ratio(3, 0) is None


def test_with_rates_none_on_zero():
    frame = pd.DataFrame(
        {
            "impressions": [1000, 0],
            "leads": [20, 8],
            "inquiries": [10, 5],
            "bookings": [5, 0],
            "arrivals": [2, 0],
            "paid_deals": [1, 0],
        }
    )
    out = fm.with_rates(frame)
    assert out.loc[0, "leads_rate"] == pytest.approx(0.02)
    assert out.loc[1, "leads_rate"] is None
    assert out.loc[0, "inquiries_rate"] == pytest.approx(0.5)
    assert out.loc[1, "arrivals_rate"] is None
    assert out.loc[0, "overall_rate"] == pytest.approx(0.05)
    assert out.loc[1, "overall_rate"] == 0.0


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (7, 7),
        ("7", 7),
        (" 365 ", 365),
        ("none", fm.NO_LIMIT),
        ("NONE", fm.NO_LIMIT),
        (31, fm.DEFAULT_WINDOW),
        (None, fm.DEFAULT_WINDOW),
        ("", fm.DEFAULT_WINDOW),
    ],
)
def test_parse_window(value, want):
    assert fm.parse_window(value) == want


def test_windows_reach_a_year_and_no_limit():
    assert fm.WINDOWS == (7, 14, 30, 60, 90, 180, 365, "none")
    assert fm.window_days("none") is None and fm.window_days(180) == 180


def _members(leads: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": list(range(1, len(leads) + 1)),
            "leads": leads,
            "impressions": [x * 100 for x in leads],
            "inquiries": [x - 1 for x in leads],
            "bookings": [x // 2 for x in leads],
            "arrivals": [x // 4 for x in leads],
            "paid_deals": [x // 8 for x in leads],
            "members": 1,
        }
    )


def test_top_n_with_other_sums_the_rest():
    frame = _members([5, 50, 20, 20, 8, 100])
    out = fm.top_n_with_other(frame, 3)
    assert out["key"].tolist() == [6, 2, 3, fm.OTHER]  # ties by key
    other = out.iloc[-1]
    rest = frame[frame.key.isin([4, 5, 1])]
    assert bool(other["is_other"]) and other["members"] == 3
    for col in fm.COUNT_COLUMNS:
        assert other[col] == rest[col].sum()
        assert out[col].sum() == frame[col].sum()


def test_top_n_without_rest_has_no_other():
    out = fm.top_n_with_other(_members([3, 2]), 5)
    assert len(out) == 2 and not out["is_other"].any()


def test_align_comparison_week_by_week():
    weeks = pd.date_range("2026-10-19", periods=4, freq="7D")
    now = pd.DataFrame({"week_start": weeks, "x": [1, 2, 3, 4]})
    earlier = pd.date_range("2025-10-20", periods=5, freq="7D")
    before = pd.DataFrame({"week_start": earlier, "x": [5, 6, 7, 8, 9]})
    out = fm.align_comparison(now, before)
    assert len(out) == 4
    assert out["cmp_x"].tolist() == [5, 6, 7, 8]
    assert (out["cmp_week_start"] == earlier[:4]).all()
    short = fm.align_comparison(now, before.iloc[:2])
    assert short["cmp_x"].isna().sum() == 2


def test_mark_maturing():
    weekly = pd.DataFrame({"leads": [10, 10, 0], "maturing_leads": [0, 4, 0]})
    out = fm.mark_maturing(weekly)
    assert out["is_maturing"].tolist() == [False, True, False]
    assert out.loc[1, "maturing_share"] == pytest.approx(0.4)
    assert out.loc[2, "maturing_share"] is None


def test_maturing_after_is_the_window_before_the_data_end():
    end = datetime(2026, 11, 15, 23, 59)
    assert fm.maturing_after(end, 30) == end - timedelta(days=30)
    # A lead created exactly the window before the end has had its full window.
    lead = end - timedelta(days=30)
    assert not lead > fm.maturing_after(end, 30)
    assert fm.maturing_after(None, 30) == datetime.max
    # No limit: no window is still open, so no lead is maturing.
    assert fm.maturing_after(end, None) is None


def test_comparison_filters():
    f = Filters(date(2026, 10, 19), date(2026, 11, 15), cities=(3,))
    prev = fm.comparison_filters(f, "previous")
    assert (prev.start, prev.end) == (date(2026, 9, 21), date(2026, 10, 18))
    last = fm.comparison_filters(f, "last_year")
    assert last.start.weekday() == f.start.weekday()
    assert (f.start - last.start).days == 364 and last.days == f.days
    assert last.cities == (3,)


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (None, "unknown"),
        (0.0, "lacks_traffic"),
        (24.99, "lacks_traffic"),
        (25.0, "below_healthy"),
        (49.9, "below_healthy"),
        (50.0, "healthy"),
    ],
)
def test_traffic_status_thresholds(value, want):
    assert tr.traffic_status(value) == want


def test_retention_status_needs_enough_first_visits():
    assert tr.retention_status("lacks_traffic", 0.01) == "not_judged"
    assert tr.retention_status("healthy", None) == "not_judged"
    assert tr.retention_status("below_healthy", tr.RETENTION_MIN_SHARE - 0.01) == "lacks_retention"
    assert tr.retention_status("healthy", tr.RETENTION_MIN_SHARE) == "retains"


def test_days_open():
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    assert tr.days_open(date(2020, 1, 1), start, end) == 31
    assert tr.days_open(date(2026, 10, 22), start, end) == 10
    assert tr.days_open(date(2026, 11, 2), start, end) == 0
    assert tr.days_open(None, start, end) == 31


def test_classify_and_summarise():
    clinics = pd.DataFrame(
        {
            "clinic_id": [1, 2, 3, 4],
            "doctors": [2, 1, 0, 1],
            "opened_on": [pd.Timestamp("2020-01-01")] * 3 + [pd.Timestamp("2026-10-22")],
            "first_visits": [30, 70, 10, 20],
            "revenue": [1000.0, 1000.0, 0.0, 500.0],
            "repeat_revenue": [100.0, 700.0, 0.0, 100.0],
            "referred_revenue": [50.0, 100.0, 0.0, 0.0],
            "retained_revenue": [140.0, 750.0, 0.0, 100.0],
        }
    )
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    out = tr.classify(clinics, start, end).set_index("clinic_id")
    month = 31 / tr.DAYS_PER_MONTH
    assert out.loc[1, "per_doctor_month"] == pytest.approx(30 / (2 * month))  # 14.7: lacks
    assert out.loc[2, "per_doctor_month"] == pytest.approx(70 / month)  # 68.7: healthy
    assert out.loc[3, "per_doctor_month"] is None  # no doctors
    assert out.loc[3, "retained_share"] is None  # no revenue
    # Opened ten days before the end: 20 first visits in 10 days is about 61 a month.
    assert out.loc[4, "per_doctor_month"] == pytest.approx(20 / (10 / tr.DAYS_PER_MONTH))
    assert out["traffic_status"].tolist() == ["lacks_traffic", "healthy", "unknown", "healthy"]
    assert out["retention_status"].tolist() == [
        "not_judged",
        "retains",
        "not_judged",
        "lacks_retention",
    ]
    summary = tr.summarise(out.reset_index())
    assert summary.lacks_traffic == (1,)
    assert summary.lacks_retention == (4,)
    assert summary.retained_share == pytest.approx((140 + 750 + 100) / 2500)
    doctor_months = 2 * month + month + 0 + 10 / tr.DAYS_PER_MONTH
    assert summary.first_visits_per_doctor_month == pytest.approx(130 / doctor_months)
