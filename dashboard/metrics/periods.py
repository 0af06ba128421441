"""Target periods (ISO week, month, quarter, year, campaign): bounds, codes, elapsed days.

A period is inclusive of both ends, like ``scorecard_targets.period_start/period_end``.
Codes are language-neutral so they can live in the URL: ``2026-W46``, ``2026-11``,
``2026-Q4``, ``2026``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("week", "month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """An inclusive span of days of one kind."""

    kind: str
    start: date
    end: date

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def code(self) -> str:
        """The language-neutral code of the period (also its URL value)."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def to_date(self, data_end: date) -> date:
        """The last day with data inside the period (the period's end when it is complete)."""
        return min(self.end, data_end)

    def elapsed_days(self, data_end: date) -> int:
        """Days of the period that have data: 0 before it starts, ``days`` once complete."""
        if data_end < self.start:
            return 0
        return (self.to_date(data_end) - self.start).days + 1

    def in_progress(self, data_end: date) -> bool:
        """True when the data ends inside the period (judged on pacing)."""
        return self.start <= data_end < self.end

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return period_containing(self.kind, self.start - timedelta(days=1))

    def first_days(self, n: int) -> Period:
        """The first ``n`` days of this period (a like-for-like span for comparisons)."""
        n = max(1, min(n, self.days))
        return Period(self.kind, self.start, self.start + timedelta(days=n - 1))


def period_containing(kind: str, day: date) -> Period:
    """The period of ``kind`` that contains ``day``."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        return Period(kind, start, _month_end(start))
    if kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return Period(kind, start, _month_end(_add_months(start, 2)))
    if kind == "year":
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown period kind {kind!r}")


_CODES = {
    "week": re.compile(r"^(\d{4})-W(\d{1,2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


def parse_period(kind: str, code: str) -> Period:
    """The period of ``kind`` with ``code``; ValueError for anything else."""
    pattern = _CODES.get(kind)
    m = pattern.match(code.strip()) if pattern else None
    if not m:
        raise ValueError(f"not a {kind} code: {code!r}")
    year = int(m.group(1))
    if kind == "week":
        return period_containing(kind, date.fromisocalendar(year, int(m.group(2)), 1))
    if kind == "month":
        return period_containing(kind, date(year, int(m.group(2)), 1))
    if kind == "quarter":
        return period_containing(kind, date(year, 3 * int(m.group(2)) - 2, 1))
    return period_containing(kind, date(year, 1, 1))


def recent_periods(kind: str, first_day: date, data_end: date, limit: int = 60) -> list[Period]:
    """Periods of ``kind`` that have started by ``data_end``, newest first, back to ``first_day``."""
    out: list[Period] = []
    p = period_containing(kind, data_end)
    while p.end >= first_day and len(out) < limit:
        out.append(p)
        p = p.previous()
    return out


def last_complete_week(data_end: date) -> Period:
    """The last ISO week (Monday–Sunday) that ends on or before ``data_end``."""
    week = period_containing("week", data_end)
    return week if week.end <= data_end else week.previous()


def months_in(start: date, end: date) -> float:
    """Calendar months covered by an inclusive span, each day counting 1 ÷ its month's length."""
    total, day = 0.0, start
    while day <= end:
        month_end = _month_end(day.replace(day=1))
        last = min(month_end, end)
        total += ((last - day).days + 1) / month_end.day
        day = last + timedelta(days=1)
    return total


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _add_months(first, 1) - timedelta(days=1)
