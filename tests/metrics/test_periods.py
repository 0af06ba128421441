"""Target periods: bounds, codes, the previous period, elapsed days and months in a span."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.metrics.periods import (
    last_complete_week,
    months_in,
    parse_period,
    period_containing,
    recent_periods,
)


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "code"),
    [
        ("week", date(2026, 11, 15), date(2026, 11, 9), date(2026, 11, 15), "2026-W46"),
        ("week", date(2026, 12, 31), date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
        ("week", date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3), "2026-W53"),
        ("month", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("quarter", date(2026, 11, 15), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("year", date(2026, 11, 15), date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_period_containing_and_codes(kind, day, start, end, code):
    p = period_containing(kind, day)
    assert (p.start, p.end, p.code) == (start, end, code)
    assert parse_period(kind, code) == p


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("week", "2025-W53"),
        ("month", "2026-13"),
        ("quarter", "2026-Q5"),
        ("year", "26"),
        ("week", "x"),
    ],
)
def test_bad_codes_raise(kind, code):
    with pytest.raises(ValueError):
        parse_period(kind, code)


def test_previous_and_first_days():
    nov = period_containing("month", date(2026, 11, 15))
    assert nov.previous() == period_containing("month", date(2026, 10, 1))
    assert period_containing("month", date(2026, 3, 5)).previous().days == 28
    like = nov.previous().first_days(nov.elapsed_days(date(2026, 11, 15)))
    assert (like.start, like.end) == (date(2026, 10, 1), date(2026, 10, 15))
    assert period_containing("month", date(2026, 2, 1)).first_days(31).days == 28


def test_elapsed_and_in_progress():
    nov = period_containing("month", date(2026, 11, 1))
    assert nov.elapsed_days(date(2026, 11, 15)) == 15 and nov.in_progress(date(2026, 11, 15))
    assert nov.elapsed_days(date(2026, 12, 3)) == 30 and not nov.in_progress(date(2026, 12, 3))
    assert nov.elapsed_days(date(2026, 10, 31)) == 0 and not nov.in_progress(date(2026, 10, 31))
    assert not nov.in_progress(date(2026, 11, 30))  # the last day with data completes it


def test_last_complete_week():
    assert last_complete_week(date(2026, 11, 15)).code == "2026-W46"  # a Sunday
    assert last_complete_week(date(2026, 11, 18)).code == "2026-W46"  # a Wednesday
    assert last_complete_week(date(2026, 11, 16)).code == "2026-W46"  # a Monday


def test_recent_periods_newest_first():
    months = recent_periods("month", date(2026, 1, 1), date(2026, 11, 15))
    assert [p.code for p in months[:2]] == ["2026-11", "2026-10"] and months[-1].code == "2026-01"
    assert len(recent_periods("week", date(2000, 1, 1), date(2026, 11, 15), limit=5)) == 5


def test_months_in():
    assert months_in(date(2026, 11, 1), date(2026, 11, 30)) == pytest.approx(1.0)
    assert months_in(date(2026, 10, 1), date(2026, 12, 31)) == pytest.approx(3.0)
    assert months_in(date(2026, 2, 15), date(2026, 3, 14)) == pytest.approx(14 / 28 + 14 / 31)
    week = date(2026, 11, 9)
    assert months_in(week, week + timedelta(days=6)) == pytest.approx(7 / 30)
