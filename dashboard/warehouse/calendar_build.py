"""The ``calendar`` table, built by the writer inside every load's (and seed's) atomic write.

After the loaded tables are written, one statement takes the earliest and latest date of
every date column of the warehouse (incoming and kept tables alike); the calendar then holds
every day from 1 January of the earliest year (or of today's year, if earlier) to 31
December of the latest (or of today's year). Weeks and months are computed from the date;
holidays and 调休 come from the library (``public_holidays``); the user's
``calendar_overrides`` rows replace the library's flags on the days they list. So a fact date
outside the calendar cannot happen, and no page undercounts for want of a calendar row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from dashboard import clock, schema
from dashboard.warehouse import public_holidays

FILE = "file"  # holiday_source of a day a calendar.csv row overrides

# Dates the calendar need not reach: a clinic's opening day describes the clinic, it is not
# an event a page counts by day (a clinic opened in 1998 would otherwise add six years of
# calendar the holiday library does not cover, and a warning about them).
NOT_COVERED: frozenset[tuple[str, str]] = frozenset({("clinics", "opened_on")})

OVERRIDE_COLUMNS = ("date", "is_holiday", "holiday_name", "holiday_name_en", "is_workday")


def date_columns() -> list[tuple[str, str]]:
    """(table, column) of every date or timestamp column the calendar must cover."""
    found = []
    for name in schema.TABLE_ORDER:
        for column in schema.table(name).columns:
            if isinstance(column.type, sa.Date | sa.DateTime) and (name, column.name) not in (
                NOT_COVERED
            ):
                found.append((name, column.name))
    return found


def span_sql() -> str:
    """One statement: the earliest and the latest day of every covered column (nulls if none).

    One select per column, so PostgreSQL answers each min and max from an index where there
    is one. Table and column names come from the schema, never from input.
    """
    parts = [
        f"select cast(min({column}) as date) as lo, cast(max({column}) as date) as hi "  # noqa: S608
        f"from {table}"
        for table, column in date_columns()
    ]
    return "select min(lo), max(hi) from (\n" + "\nunion all\n".join(parts) + "\n) spans"  # noqa: S608


def calendar_span(lo: date | None, hi: date | None, today: date) -> tuple[date, date]:
    """Whole years from the earliest date (or today) to the latest date (or today)."""
    first = min(d for d in (lo, today) if d is not None)
    last = max(d for d in (hi, today) if d is not None)
    return date(first.year, 1, 1), date(last.year, 12, 31)


def build(first: date, last: date, overrides: pd.DataFrame | None = None) -> pd.DataFrame:
    """The calendar rows from ``first`` to ``last``, in the declared column order."""
    days = pd.date_range(first, last, freq="D").as_unit("s")
    iso = days.isocalendar()
    dow = days.day_of_week.to_numpy() + 1
    flags = public_holidays.day_flags(days)
    if overrides is not None and len(overrides):
        flags = resolve(flags, overrides)
    out = pd.DataFrame(
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
        }
    )
    for column in ("is_holiday", "holiday_name", "is_workday", "holiday_name_en", "holiday_source"):
        out[column] = flags[column].to_numpy()
    return out[[c.name for c in schema.calendar.columns]]


def resolve(library: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """The library's flags (indexed by day) with the override rows applied.

    An empty override cell keeps the library's value. A day made a holiday takes the file's
    names (both, the English one possibly empty) and is no workday unless the file says so;
    a library holiday made an ordinary day loses its names and is a workday on Monday-Friday.
    """
    out = library.copy()
    rows = overrides.assign(date=pd.to_datetime(overrides["date"]).dt.as_unit("s"))
    rows = rows.drop_duplicates("date", keep="last").set_index("date")
    rows = rows[rows.index.isin(out.index)]
    if rows.empty:
        return out
    day = rows.index
    lib = out.loc[day]
    lib_holiday = lib["is_holiday"].to_numpy(dtype=bool)
    given = rows["is_holiday"].astype("boolean")
    made_holiday = given.fillna(False).to_numpy(dtype=bool)
    cleared = (~given.fillna(True)).to_numpy(dtype=bool)
    holiday = made_holiday | (lib_holiday & ~cleared)
    weekday = day.day_of_week.to_numpy() < 5
    derived = np.where(
        holiday, False, np.where(cleared & lib_holiday, weekday, lib["is_workday"].to_numpy())
    )
    workday = rows["is_workday"].astype("boolean").to_numpy(dtype=object, na_value=None)
    workday = np.where(pd.isna(workday), derived, workday).astype(bool)
    for column in ("holiday_name", "holiday_name_en"):
        # A day made a holiday takes the file's names; a cleared one has none; others keep.
        keep = np.where(cleared, None, lib[column].to_numpy(dtype=object))
        out.loc[day, column] = np.where(made_holiday, rows[column].to_numpy(dtype=object), keep)
    out.loc[day, "is_holiday"] = holiday
    out.loc[day, "is_workday"] = workday
    out.loc[day, "holiday_source"] = FILE
    return out


def rebuild(
    fetch: Callable[[str], Sequence[Sequence[Any]]], replace: Callable[[pd.DataFrame], None]
) -> tuple[date, date]:
    """Build the calendar from the warehouse as written so far; return its first and last day.

    ``fetch(sql)`` runs a query inside the writer's transaction and returns its rows;
    ``replace(frame)`` empties the calendar and writes ``frame`` into it.
    """
    lo, hi = fetch(span_sql())[0]
    first, last = calendar_span(_as_date(lo), _as_date(hi), clock.today())
    columns = ", ".join(OVERRIDE_COLUMNS)
    rows = fetch(f"select {columns} from calendar_overrides")  # noqa: S608
    overrides = pd.DataFrame(rows, columns=list(OVERRIDE_COLUMNS))
    replace(build(first, last, overrides))
    return first, last


def _as_date(value) -> date | None:
    """A driver's date (or timestamp) as a date; None stays None."""
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value
