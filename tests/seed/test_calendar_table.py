"""The seed's holidays: the library's, as its demand model needs them; no calendar of its own."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pandas as pd

from dashboard.seed.calendar_table import seed_holidays, spring_festival_breaks
from dashboard.seed.core import window_for

END = date(2026, 11, 15)  # the seed tests' end date (conftest)


def test_the_seed_leaves_the_calendar_to_the_writer(small):
    assert "calendar" not in small
    assert small["calendar_overrides"].empty


def test_seed_holidays_are_the_librarys_days_off():
    window = window_for(END)
    got = seed_holidays(window)
    expected = []
    day = date(window.start.year - 2, 1, 1)
    while day <= date(window.end.year + 1, 12, 31):
        try:
            off, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a year the library does not cover: no holidays
            off, name = False, None
        if off and name:
            expected.append((pd.Timestamp(day), chinese_calendar.Holiday(name).chinese, name))
        day += timedelta(days=1)
    assert list(zip(got["date"], got["name_zh"], got["name_en"], strict=True)) == expected
    assert (pd.Timestamp("2024-02-10"), "春节", "Spring Festival") in expected


def test_spring_festival_breaks():
    breaks = spring_festival_breaks(seed_holidays(window_for(END)))
    assert (date(2024, 2, 10), date(2024, 2, 17)) in breaks
    assert (date(2025, 1, 28), date(2025, 2, 4)) in breaks
    assert (date(2026, 2, 15), date(2026, 2, 23)) in breaks
