"""The data-health checks: every condition that changes what a page shows, as one declarative list.

A check has an id, the catalogue key of its warning (``health.warn.<id>``), the pages whose
figures it changes, a measure over the report's facts (optionally its own named query) and a
threshold: the warning shows when the measure is above it. To add a check, add one ``Check``
to ``CHECKS`` (and its message to dashboard/i18n/health.toml).

Thresholds: a share of rows without a value warns above 5% (a few gaps in a large table move
no figure visibly; more do); a clinic without doctors or coordinates warns at the first one
(each clinic is a row of its page); a date gap warns at one day; an empty table warns always.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dashboard.reports.health.model import Facts, Finding

SHARE_THRESHOLD = 0.05  # a missing share above 5% warns


@dataclass(frozen=True)
class Measure:
    """A check's measured value and the values its message names."""

    value: float
    params: dict[str, object]


@dataclass(frozen=True)
class Check:
    """One condition: when ``measure`` is above ``threshold``, warn for ``pages``."""

    id: str
    pages: tuple[str, ...]
    measure: Callable[[Facts], Measure | None]  # None: not applicable (e.g. an empty table)
    threshold: float = 0.0
    query: str = ""  # a named query the measure reads from ``facts.frames``

    @property
    def message(self) -> str:
        """The warning's catalogue key."""
        return f"health.warn.{self.id}"


def missing(table: str, column: str) -> Callable[[Facts], Measure | None]:
    """The share of ``table``'s rows without ``column`` (a counted column of its fields query)."""

    def measure(facts: Facts) -> Measure | None:
        field = facts.fields.get((table, column))
        if field is None or not field.rows:
            return None
        count = field.rows - field.filled
        return Measure(count / field.rows, {"share": count / field.rows, "count": count})

    return measure


def untimed(stage: str) -> Callable[[Facts], Measure | None]:
    """The share of the leads counted at ``stage`` (reached it or later) without its time."""

    def measure(facts: Facts) -> Measure | None:
        row = facts.frames["health_lead_stages"].iloc[0]
        reached, count = int(row[stage]), int(row[f"{stage}_untimed"])
        if not reached:
            return None
        return Measure(count / reached, {"share": count / reached, "count": count})

    return measure


def empty(table: str) -> Callable[[Facts], Measure | None]:
    """1 when ``table`` holds no rows, else 0."""

    def measure(facts: Facts) -> Measure | None:
        cov = facts.tables.get(table)
        return None if cov is None else Measure(float(cov.rows == 0), {})

    return measure


# Facts whose dates a page sets against channel spend (CAC, ROI).
_SPENT_ON = ("leads", "orders")


def spend_starts_late(facts: Facts) -> Measure | None:
    """Days by which the earliest lead or order precedes the first day of channel spend."""
    spend = facts.tables.get("channel_daily")
    dated = [(c.first, c.table) for t in _SPENT_ON if (c := facts.tables.get(t)) and c.first]
    if spend is None or spend.first is None or not dated:
        return None
    first, table = min(dated)
    return Measure(
        _days(first, spend.first), {"facts": table, "first": first, "spend": spend.first}
    )


def spend_ends_early(facts: Facts) -> Measure | None:
    """Days by which the latest lead or order follows the last day of channel spend."""
    spend = facts.tables.get("channel_daily")
    dated = [(c.last, c.table) for t in _SPENT_ON if (c := facts.tables.get(t)) and c.last]
    if spend is None or spend.last is None or not dated:
        return None
    last, table = max(dated)
    return Measure(_days(spend.last, last), {"facts": table, "last": last, "spend": spend.last})


def bookings_no_appointment(facts: Facts) -> Measure | None:
    """The share of bookings (leads with a booking time) without an appointment time."""
    row = facts.frames["health_lead_stages"].iloc[0]
    booked, count = int(row["booked"]), int(row["booked_no_appointment"])
    if not booked:
        return None
    return Measure(count / booked, {"share": count / booked, "count": count})


def referral_without_rewards(facts: Facts) -> Measure | None:
    """1 when referral channels have leads but no referral reward is loaded."""
    row = facts.frames["health_referral"].iloc[0]
    leads = int(row["referral_leads"])
    return Measure(float(leads > 0 and int(row["rewards"]) == 0), {"count": leads})


def _days(earlier: date, later: date) -> float:
    return float((later - earlier).days)


# The pages each table's rows feed, for "nothing loaded" (an empty table warns, never fails).
# referral_rewards has its own check (an empty table matters only with referral leads).
EMPTY_TABLE_PAGES: dict[str, tuple[str, ...]] = {
    "leads": ("overview", "weekly", "funnel", "channels", "scorecard", "regions"),
    "orders": ("overview", "weekly", "channels", "referrers", "members", "scorecard", "regions"),
    "customers": ("referrers", "members", "regions"),
    "channel_daily": ("overview", "weekly", "funnel", "channels", "scorecard"),
    "experiments": ("experiments",),
    "feedback": ("scorecard", "regions"),
    "staff_training": ("scorecard",),
    "budgets": ("channels",),
    "expenses": ("channels",),
    "scorecard_targets": ("scorecard", "weekly"),
}

# Dated event counts (overview, weekly review, scorecard) count a stage on its own time only.
_STAGE_PAGES = ("funnel", "overview", "weekly", "scorecard")

CHECKS: tuple[Check, ...] = (
    *(Check(f"empty_{t}", pages, empty(t)) for t, pages in EMPTY_TABLE_PAGES.items()),
    *(
        Check(f"untimed_{s}", _STAGE_PAGES, untimed(s), SHARE_THRESHOLD, "health_lead_stages")
        for s in ("inquiry", "booking", "arrival")
    ),
    # 到诊率 needs appointment times (registry.arrival_basis): the pages that show it.
    Check(
        "bookings_no_appointment",
        ("weekly", "scorecard", "regions"),
        bookings_no_appointment,
        SHARE_THRESHOLD,
        "health_lead_stages",
    ),
    Check("spend_starts_late", ("channels", "overview", "weekly", "scorecard"), spend_starts_late),
    Check("spend_ends_early", ("channels", "overview", "weekly", "scorecard"), spend_ends_early),
    Check(
        "referral_without_rewards", ("channels",), referral_without_rewards, 0.0, "health_referral"
    ),
    Check("customers_no_home", ("regions",), missing("customers", "home_point"), SHARE_THRESHOLD),
    # No page cuts by gender or age yet: the warning is for analyses of the exported rows.
    Check("customers_no_gender", (), missing("customers", "gender"), SHARE_THRESHOLD),
    Check("customers_no_birth_year", (), missing("customers", "birth_year"), SHARE_THRESHOLD),
    Check("clinics_no_doctors", ("funnel", "scorecard"), missing("clinics", "doctors")),
    Check("clinics_no_point", ("regions",), missing("clinics", "point")),
    Check(
        "exposures_no_value",
        ("experiments",),
        missing("experiment_exposures", "value"),
        SHARE_THRESHOLD,
    ),
    Check(
        "exposures_no_clinic",
        ("experiments",),
        missing("experiment_exposures", "clinic_id"),
        SHARE_THRESHOLD,
    ),
)


def evaluate(facts: Facts) -> tuple[Finding, ...]:
    """The warnings of every check whose measure is above its threshold, in ``CHECKS`` order."""
    found: list[Finding] = []
    for check in CHECKS:
        measured = check.measure(facts)
        if measured is not None and measured.value > check.threshold:
            found.append(
                Finding(
                    check=check.id,
                    message=check.message,
                    pages=check.pages,
                    value=measured.value,
                    params=tuple(measured.params.items()),
                )
            )
    return tuple(found)
