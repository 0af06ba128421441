"""Mainland China public holidays and adjusted working days (调休), from ``chinesecalendar``.

The library (module ``chinese_calendar``) carries the State Council's schedule year by year:
every day off of each holiday (weekend days inside a break included) and the weekend days
made working days in exchange. It knows the years it has been released for and raises
``NotImplementedError`` for any other; such a year gets weekends only here, never a guess, and
its days say so in ``holiday_source``.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import chinese_calendar
import numpy as np
import pandas as pd

LIBRARY = "chinese_calendar"  # holiday_source of a day the library covers
WEEKENDS = "weekends"  # holiday_source of a day in a year the library does not cover


@lru_cache(maxsize=256)
def covered(year: int) -> bool:
    """True when the library has the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def day_flags(days: pd.DatetimeIndex) -> pd.DataFrame:
    """Per day: is_holiday, is_workday, holiday_name (zh), holiday_name_en, holiday_source."""
    weekday = days.day_of_week.to_numpy() < 5
    known = np.array([covered(int(y)) for y in days.year], dtype=bool)
    # The library's own tables (what its get_holiday_detail and is_workday read), mapped in
    # one pass: a day off named after a holiday is a holiday; a named working day is a 调休
    # Saturday or Sunday.
    as_dates = pd.Series(days.date, index=days)
    off = as_dates.map(chinese_calendar.holidays)
    made_workday = as_dates.isin(list(chinese_calendar.workdays)).to_numpy()
    holiday = known & off.notna().to_numpy() & ~made_workday
    workday = np.where(known, made_workday | (weekday & off.isna().to_numpy()), weekday)
    name_en = off.where(holiday)
    name_zh = name_en.map({h.value: h.chinese for h in chinese_calendar.Holiday})
    return pd.DataFrame(
        {
            "is_holiday": holiday,
            "is_workday": workday.astype(bool),
            "holiday_name": name_zh.to_numpy(),
            "holiday_name_en": name_en.to_numpy(),
            "holiday_source": np.where(known, LIBRARY, WEEKENDS).astype(object),
        },
        index=days,
    )


def holiday_days(first: date, last: date) -> pd.DataFrame:
    """The public holidays from ``first`` to ``last``: date, name_zh, name_en (covered years only)."""
    flags = day_flags(pd.date_range(first, last, freq="D"))
    days = flags[flags["is_holiday"]]
    return pd.DataFrame(
        {
            "date": days.index,
            "name_zh": days["holiday_name"].to_numpy(),
            "name_en": days["holiday_name_en"].to_numpy(),
        }
    ).reset_index(drop=True)
