"""The global filters, the viewer's scope, date presets, and the where-clauses they become.

This is the one place where dynamic filters turn into SQL: each active filter becomes a
fixed clause text over a whitelisted column expression and a bound parameter, so no
value ever reaches the SQL text. Query files mark where the clauses go with a
placeholder such as ``{{ filters city=k.city_id clinic=l.clinic_id channel=l.channel_id }}``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

T = TypeVar("T")

PRESETS = (
    "this_week",
    "last_week",
    "last_4_weeks",
    "this_month",
    "last_month",
    "quarter",
    "ytd",
    "custom",
)
# The period a page opens with when the link names none (the filter bar and the benchmark).
DEFAULT_PRESET = "last_4_weeks"
DIMENSIONS = ("city", "specialty", "clinic", "channel")
# The days a period may span. Pages compare with the previous period and the same weeks a
# year earlier, so a period near the ends of Python's and the databases' date range
# (0001-01-01, 9999-12-31) would overflow; no clinic chain has data outside these.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
_COLUMN_EXPR = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")


class ScopeError(PermissionError):
    """A query would read data outside the viewer's scope."""


@dataclass(frozen=True)
class Scope:
    """The cities a viewer may see; ``cities=None`` means every city."""

    cities: frozenset[int] | None = None

    @classmethod
    def all(cls) -> Scope:
        """Full access (demo mode, head office)."""
        return cls(None)

    @property
    def is_restricted(self) -> bool:
        """True when the viewer may see only some cities."""
        return self.cities is not None

    def allows(self, city_id: int) -> bool:
        """True when the viewer may see this city."""
        return self.cities is None or city_id in self.cities


@dataclass(frozen=True)
class Filters:
    """What the filter bar selected: an inclusive date range and dimension picks (empty = all)."""

    start: date
    end: date
    cities: tuple[int, ...] = ()
    specialties: tuple[str, ...] = ()
    clinics: tuple[int, ...] = ()
    channels: tuple[int, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=True)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end date before start date")

    @property
    def days(self) -> int:
        """Length of the period in days (inclusive)."""
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The same filters over the previous period of equal length."""
        span = timedelta(days=self.days)
        return replace(self, start=self.start - span, end=self.end - span)

    def with_period(self, start: date, end: date) -> Filters:
        """The same filters over another period."""
        return replace(self, start=start, end=end)

    def period_params(self) -> dict[str, object]:
        """Bound parameters every query may use for the period."""
        return {
            "start_date": self.start,
            "end_date": self.end,
            "start_ts": datetime.combine(self.start, time.min),
            "end_ts": datetime.combine(self.end + timedelta(days=1), time.min),
        }


def pick(value: object, allowed: Sequence[T], default: T) -> T:
    """A page control's value when it is one of ``allowed``, else ``default`` (odd links, calls).

    Compared as given and as text, so a link's "30" picks the option 30 (the option is returned).
    """
    for option in allowed:
        if value == option or str(value) == str(option):
            return option
    return default


def effective_cities(filters: Filters, scope: Scope) -> tuple[int, ...]:
    """The cities a query should read: the picked ones within scope (empty tuple = no city filter)."""
    picked = tuple(c for c in filters.cities if scope.allows(c))
    if picked:
        return picked
    return ()


def cities_in_view(filters: Filters, scope: Scope) -> tuple[int, ...]:
    """The cities the data of ``filters`` covers for this viewer (empty tuple = no city filter).

    The picked cities within scope; a pick of only out-of-scope cities covers the whole scope
    (as the query clauses do), never "every city".
    """
    picked = effective_cities(filters, scope)
    if filters.cities and not picked and scope.is_restricted:
        return tuple(sorted(scope.cities or ()))
    return picked


def where_clauses(
    filters: Filters, scope: Scope, columns: dict[str, str], prefix: str = "f"
) -> tuple[list[str], dict[str, object]]:
    """Build ``(clauses, params)`` for the active filters over the given column expressions.

    ``columns`` maps a dimension (city, specialty, clinic, channel) to a column expression
    such as ``k.city_id``. Scope is always enforced; a restricted scope with no city column
    raises ScopeError (fail closed rather than leak other cities).
    """
    for dim, expr in columns.items():
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown filter dimension {dim!r}")
        if not _COLUMN_EXPR.match(expr):
            raise ValueError(f"not a column expression: {expr!r}")
    clauses: list[str] = []
    params: dict[str, object] = {}
    picks = {
        "city": effective_cities(filters, scope),
        "specialty": tuple(filters.specialties),
        "clinic": tuple(filters.clinics),
        "channel": tuple(filters.channels),
    }
    # A pick of only out-of-scope cities must not fall back to "all cities".
    if filters.cities and not picks["city"] and scope.cities is not None:  # restricted
        picks["city"] = tuple(sorted(scope.cities))
    for dim, expr in columns.items():
        values = picks[dim]
        if values:
            name = f"{prefix}_{dim}"
            clauses.append(f"{expr} in :{name}")
            params[name] = list(values)
    if scope.cities is not None:  # restricted
        if "city" not in columns:
            raise ScopeError("query has no city column but the viewer's scope is restricted")
        name = f"{prefix}_scope_cities"
        clauses.append(f"{columns['city']} in :{name}")
        params[name] = sorted(scope.cities) or [-1]
    return clauses, params


def preset_range(preset: str, anchor: date) -> tuple[date, date]:
    """The inclusive date range of a preset, relative to ``anchor`` (the data's last day)."""
    monday = anchor - timedelta(days=anchor.weekday())
    # The latest complete ISO week ends on the anchor when the anchor is a Sunday: data that
    # runs to Sunday has finished that week, and "last week" is the week just ended.
    complete_end = anchor if anchor.weekday() == 6 else monday - timedelta(days=1)
    if preset == "this_week":
        return monday, anchor
    if preset == "last_week":
        return complete_end - timedelta(days=6), complete_end
    if preset == "last_4_weeks":
        return complete_end - timedelta(days=27), complete_end
    if preset == "this_month":
        return anchor.replace(day=1), anchor
    if preset == "last_month":
        first = anchor.replace(day=1)
        prev_end = first - timedelta(days=1)
        return prev_end.replace(day=1), prev_end
    if preset == "quarter":
        q_month = 3 * ((anchor.month - 1) // 3) + 1
        return anchor.replace(month=q_month, day=1), anchor
    if preset == "ytd":
        return anchor.replace(month=1, day=1), anchor
    raise ValueError(f"unknown preset {preset!r}")


def iso_week_range(year: int, week: int) -> tuple[date, date]:
    """Monday and Sunday of an ISO week."""
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=6)


def parse_iso_week(text: str) -> tuple[int, int]:
    """Parse '2026-W46' into (2026, 46); raise ValueError on anything else."""
    m = re.fullmatch(r"(\d{4})-W(\d{1,2})", text.strip())
    if not m:
        raise ValueError(f"not an ISO week: {text!r} (expected e.g. 2026-W46)")
    year, week = int(m.group(1)), int(m.group(2))
    date.fromisocalendar(year, week, 1)  # raises ValueError for week 53 in a 52-week year
    return year, week
