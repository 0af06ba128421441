"""Chinese public holidays for the demand model; the ``calendar`` table itself is the writer's.

The writer builds the calendar at every load and seed (``warehouse/calendar_build.py``); the
generator only needs to know when holidays fall, from the same library.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.seed.core import Window
from dashboard.warehouse import public_holidays


def seed_holidays(window: Window) -> pd.DataFrame:
    """Public holidays from two years before the window to a year after it: date, names.

    A year after the end because visits planned near the end may fall in the next Spring
    Festival; years the library does not cover have none (weekends only).
    """
    return public_holidays.holiday_days(
        date(window.start.year - 2, 1, 1), date(window.end.year + 1, 12, 31)
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
