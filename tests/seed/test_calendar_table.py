"""The calendar: span, ISO weeks and Chinese public holidays."""

from __future__ import annotations

import pandas as pd


def test_calendar_span_and_weeks(small):
    cal = small["calendar"]
    assert cal["date"].min() <= pd.Timestamp("2022-11-01")  # two years before the first fact
    assert cal["date"].max() >= pd.Timestamp("2027-11-15")  # a year after the end date
    assert cal["date"].diff().dropna().eq(pd.Timedelta(days=1)).all()
    assert (cal["week_start"].dt.day_of_week == 0).all()
    assert (cal["day_of_week"] == cal["date"].dt.day_of_week + 1).all()
    assert (cal["month_start"].dt.day == 1).all()
    iso = cal["date"].dt.isocalendar()
    assert (cal["iso_week"] == iso["week"]).all() and (cal["iso_year"] == iso["year"]).all()


def test_spring_festival_and_other_holidays(small):
    cal = small["calendar"].set_index("date")
    for day in ("2024-02-10", "2025-01-29", "2026-02-17", "2027-02-06"):
        assert cal.loc[day, "holiday_name"] == "春节", day
    assert cal.loc["2026-10-01", "holiday_name"] == "国庆节"
    assert cal.loc["2025-05-01", "holiday_name"] == "劳动节"
    assert not cal.loc["2026-03-10", "is_holiday"]
    assert cal["holiday_name"].notna().equals(cal["is_holiday"])
