"""After a load: the years of the warehouse's calendar that have no holiday data.

The writer builds the calendar from every date in the warehouse; a year the holiday library
has not been released for gets weekends only (``holiday_source = 'weekends'``). The load
report says which years, so nobody reads a 调休 Saturday as a day off without being told.
"""

from __future__ import annotations

import sqlalchemy as sa

from dashboard import schema
from dashboard.loading.existing import open_duckdb_readonly
from dashboard.loading.problems import Problems
from dashboard.settings import Settings
from dashboard.warehouse.engine import get_engine
from dashboard.warehouse.public_holidays import WEEKENDS


def weekend_only_years(conn: sa.Connection) -> list[int]:
    """Years of the calendar whose holidays and 调休 the library does not know, in order."""
    cal = schema.calendar
    stmt = (
        sa.select(cal.c.year)
        .where(cal.c.holiday_source == sa.bindparam("source", WEEKENDS))
        .distinct()
        .order_by(cal.c.year)
    )
    return [int(row[0]) for row in conn.execute(stmt)]


def year_ranges(years: list[int]) -> str:
    """Sorted years as runs: [1998, 1999, 2000, 2027] -> '1998–2000, 2027'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def warn_weekends_only(settings: Settings, warnings: Problems) -> None:
    """Add a load warning naming the calendar's weekends-only years (nothing if none)."""
    try:
        years = _read_years(settings)
    except sa.exc.SQLAlchemyError:
        return  # the load is written already; a note that cannot be read must not undo it
    if years:
        warnings.add(
            "calendar", None, None, "load.calendar.weekends_only", years=year_ranges(years)
        )


def _read_years(settings: Settings) -> list[int]:
    if not settings.is_duckdb:
        with get_engine(settings).connect() as conn:
            return weekend_only_years(conn)
    engine, conn = open_duckdb_readonly(settings)
    try:
        return weekend_only_years(conn)
    finally:
        conn.close()
        engine.dispose()  # unpooled: the next load swaps the file
