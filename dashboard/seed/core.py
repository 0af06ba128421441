"""Shared plumbing of the generator: the data window, random streams and time conversions.

Times are carried as integer seconds since the window's first midnight while generating
(cheap to add, compare and sort) and turned into pandas columns only at the end.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True)
class Window:
    """The span the facts cover: from ``start`` (a month's first day) to ``end`` inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Number of days in the window, ``end`` included."""
        return (self.end - self.start).days + 1

    @property
    def horizon(self) -> int:
        """Seconds from the start to the end of ``end``: nothing may happen at or after it."""
        return self.days * DAY

    def day_dates(self) -> np.ndarray:
        """The window's days as ``datetime64[D]``."""
        return np.datetime64(self.start, "D") + np.arange(self.days)

    def day_of(self, when: date) -> int:
        """Index of ``when`` within the window (may be negative or past the end)."""
        return (when - self.start).days


def window_for(end_date: date) -> Window:
    """Two years of facts ending at ``end_date``, starting on a month's first day.

    Starting on the first of the month 24 months back keeps every month in the history
    whole, so month-on-month and year-on-year comparisons never meet a partial month.
    """
    start = date(end_date.year - 2, end_date.month, 1)
    return Window(start=start, end=end_date)


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per generator step.

    Keyed by name so that changing how one table is drawn never shifts another table's
    values: the sample data stays stable across unrelated edits.
    """
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


_LUT_SIZE = 1 << 16


def draw_discrete(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Category indexes for uniforms ``u`` under ``weights``, via a lookup table.

    A 65,536-entry table turns the per-draw binary search into one array lookup (ten
    times faster on millions of draws); probabilities are exact to 1/65,536.
    """
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    cdf /= cdf[-1]
    lut = np.searchsorted(cdf, (np.arange(_LUT_SIZE) + 0.5) / _LUT_SIZE, side="right")
    lut = np.minimum(lut, len(cdf) - 1).astype(np.int32)
    return lut[(u * _LUT_SIZE).astype(np.int32)]


def timestamps(
    window: Window, seconds: np.ndarray, present: np.ndarray | None = None
) -> np.ndarray:
    """Seconds since the window start as ``datetime64[s]``, NaT where not ``present``."""
    # Shift to epoch seconds and reinterpret: one pass, no timedelta conversion.
    base = np.datetime64(window.start, "s").astype(np.int64)
    out = seconds.astype(np.int64) + base
    if present is not None:
        out = np.where(present, out, np.iinfo(np.int64).min)  # int64 min is NaT
    return out.view("datetime64[s]")


def dates(window: Window, day_index: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Day indexes as midnight ``datetime64[s]`` values (the frames' date representation).

    Date columns are carried as midnight timestamps: pandas has no native date dtype, the
    writer casts them to DATE, and CSV export prints them as plain dates.
    """
    return timestamps(window, day_index.astype(np.int64) * DAY, present)


def date_column(values: list[date] | np.ndarray) -> np.ndarray:
    """Python dates (or ``datetime64[D]``) as midnight ``datetime64[s]``."""
    return np.asarray(values, dtype="datetime64[D]").astype("datetime64[s]")


def frame(columns: dict) -> pd.DataFrame:
    """A DataFrame that keeps each column as its own array.

    ``copy=False`` stops pandas from consolidating same-typed columns into 2-D blocks,
    which for ten million leads costs seconds of pure copying.
    """
    return pd.DataFrame(columns, copy=False)


def nullable_int(values: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    """An ``Int64`` column without copying through objects."""
    return pd.arrays.IntegerArray(values.astype(np.int64, copy=False), ~present)


def money(values: np.ndarray) -> np.ndarray:
    """Round to fen and clip at zero: money is never negative."""
    return np.round(np.maximum(values, 0.0), 2)


def month_starts(first: date, last: date) -> list[date]:
    """First days of every month from ``first``'s month to ``last``'s month."""
    out, cur = [], date(first.year, first.month, 1)
    while cur <= last:
        out.append(cur)
        cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
    return out


def month_end(month_start: date) -> date:
    """Last day of the month that starts on ``month_start``."""
    nxt = date(month_start.year + (month_start.month == 12), month_start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)
