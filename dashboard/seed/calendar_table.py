"""The ``calendar`` table: one row per day with ISO weeks, months and Chinese public holidays."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dashboard.seed.core import Window


def calendar_span(window: Window) -> tuple[date, date]:
    """From 1 January two years before the first fact to 31 December a year after the end.

    Whole years on both sides so that year-on-year comparisons and forward-looking
    targets (the current quarter, a campaign that ends after today) always find their days.
    """
    return date(window.start.year - 2, 1, 1), date(window.end.year + 1, 12, 31)


def build_calendar(window: Window, holidays: pd.DataFrame) -> pd.DataFrame:
    """The calendar table, holiday flags and names taken from ``holidays.csv``."""
    first, last = calendar_span(window)
    days = pd.date_range(first, last, freq="D").as_unit("s")
    iso = days.isocalendar()
    names = holidays.set_index(holidays["date"].dt.as_unit("s"))["name_zh"]
    holiday_name = pd.Series(days.map(names), dtype="str")
    dow = days.day_of_week.to_numpy() + 1
    return pd.DataFrame(
        {
            "date": days,
            "iso_year": iso["year"].to_numpy(np.int32),
            "iso_week": iso["week"].to_numpy(np.int32),
            "week_start": days - pd.to_timedelta(dow - 1, unit="D"),
            "month_start": days.to_period("M").to_timestamp().as_unit("s"),
            "year": days.year.to_numpy(np.int32),
            "quarter": days.quarter.to_numpy(np.int32),
            "month": days.month.to_numpy(np.int32),
            "day_of_week": dow.astype(np.int32),
            "is_holiday": holiday_name.notna().to_numpy(),
            "holiday_name": holiday_name.to_numpy(),
        }
    )


def window_holidays(window: Window, holidays: pd.DataFrame) -> pd.DataFrame:
    """Holidays that fall inside the window, with their day index."""
    start = pd.Timestamp(window.start)
    inside = holidays[(holidays["date"] >= start) & (holidays["date"] <= pd.Timestamp(window.end))]
    out = inside.copy()
    out["day"] = (out["date"] - start).dt.days.astype(int)
    return out


def spring_festival_breaks(holidays: pd.DataFrame) -> list[tuple[date, date]]:
    """First and last day of each year's Spring Festival break."""
    sf = holidays[holidays["name_en"] == "Spring Festival"]
    spans = sf.groupby(sf["date"].dt.year)["date"].agg(["min", "max"])
    return [(a.date(), b.date()) for a, b in zip(spans["min"], spans["max"], strict=True)]
