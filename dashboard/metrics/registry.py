"""The KPI registry: each KPI defined once (id, unit, direction, query, column or formula).

Names in both languages live in the catalogue under ``kpi.<id>`` (definitions under
``kpi_help.<id>``); every page, export and the seed's targets read these definitions, and
README's KPI table (generated from here, ``scripts/kpi_table.py``) names each one's SQL file
and test. The registry is declared whole below: nothing adds to it at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dashboard.i18n import t
from dashboard.metrics.arithmetic import is_missing, roi, safe_div
from dashboard.metrics.payback import MONTH_COLUMNS, cumulative_per_customer, payback_month

UNITS = ("count", "money", "rate", "ratio", "days", "score", "hours")
DIRECTIONS = ("up", "down")
PERSPECTIVES = ("financial", "customer", "process", "learning")

# A result row of a KPI's query: numbers, and text such as 到诊率's ``arrival_basis``.
Row = Mapping[str, Any]
Formula = Callable[[Row], float | None]


@dataclass(frozen=True)
class Kpi:
    """One KPI: how it is computed, shown and judged."""

    id: str
    unit: str
    direction: str
    query: str
    column: str | None = None
    formula: Formula | None = None
    perspective: str | None = None
    # True when the value accumulates over the period (a count or sum): a target is then
    # prorated by elapsed days while the period is in progress. False for levels (rates,
    # averages, ratios), which are judged against the target itself.
    cumulative: bool = False

    def __post_init__(self) -> None:
        bad_perspective = self.perspective is not None and self.perspective not in PERSPECTIVES
        if self.unit not in UNITS or self.direction not in DIRECTIONS or bad_perspective:
            raise ValueError(f"bad KPI definition {self.id}")
        if (self.column is None) == (self.formula is None):
            raise ValueError(f"KPI {self.id} needs exactly one of column or formula")

    def name(self, lang: str) -> str:
        """The KPI's name in ``lang``."""
        return t(f"kpi.{self.id}", lang)

    def value(self, row: Row) -> float | None:
        """The KPI's value from a result row of its query."""
        if self.formula is not None:
            return self.formula(row)
        assert self.column is not None  # exactly one of column and formula (__post_init__)
        value = row.get(self.column)
        return None if value is None else float(value)

    @property
    def higher_is_better(self) -> bool:
        """True when a larger value is good."""
        return self.direction == "up"


def _cac(row: Row) -> float | None:
    return safe_div(row.get("spend"), row.get("new_customers"))


def _roi(row: Row) -> float | None:
    return roi(row.get("new_customer_revenue"), row.get("spend"))


def _per_customer(row: Row) -> float | None:
    return safe_div(row.get("revenue"), row.get("paying_customers"))


def _repeat(row: Row) -> float | None:
    return safe_div(row.get("returning_customers"), row.get("paying_customers"))


def _repurchase(days: int) -> Formula:
    """Of the new customers whose first ``days`` days are over, the share who bought again."""

    def formula(row: Row) -> float | None:
        return safe_div(row.get(f"repurchased_{days}"), row.get(f"mature_{days}"))

    return formula


def _satisfaction(row: Row) -> float | None:
    return safe_div(row.get("score_sum"), row.get("responses"))


def _top_share(row: Row) -> float | None:
    return safe_div(row.get("top_scores"), row.get("responses"))


# 到诊率 has two definitions. "appointments" (预约到诊, as clinics define it): of the visits due
# in the period (appointment_at, up to the data's end), the share whose lead arrived. Where the
# leads carry no appointment times, "cohort": of the bookings made in the period, the share
# that arrived (any time up to the data's end). Either way numerator and denominator count
# the same leads, so the rate cannot exceed 100%. The definition is chosen once per selection:
# appointments when at least APPOINTMENT_COVERAGE of the selection's bookings carry one.
ARRIVAL_BASES = ("appointments", "cohort")
APPOINTMENT_COVERAGE = 0.8


def basis_for(with_appointment, bookings, appointments=None) -> str:
    """The 到诊率 definition for a selection with these counts ("appointments" or "cohort")."""
    share = safe_div(with_appointment, bookings)
    if share is None:  # no bookings: appointments due in the period still decide
        return "appointments" if not is_missing(appointments) and appointments > 0 else "cohort"
    return "appointments" if share >= APPOINTMENT_COVERAGE else "cohort"


def arrival_basis(row: Row) -> str:
    """Which 到诊率 definition ``row`` uses: its ``arrival_basis`` if set, else its selection's."""
    basis = row.get("arrival_basis")
    if basis in ARRIVAL_BASES:
        return str(basis)
    if "selection_bookings" in row:
        return basis_for(
            row.get("selection_booked_with_appointment"), row.get("selection_bookings")
        )
    return basis_for(
        row.get("booked_with_appointment"), row.get("bookings"), row.get("appointments")
    )


def arrival_counts(row: Row) -> tuple[float | None, float | None]:
    """(arrived, base) of 到诊率 under the row's definition."""
    if arrival_basis(row) == "appointments":
        return row.get("appointment_arrivals"), row.get("appointments")
    return row.get("booked_arrivals"), row.get("bookings")


def arrival_rate_name(basis: str, lang: str) -> str:
    """到诊率's name saying which definition is shown."""
    return t("kpi.arrival_rate" if basis == "appointments" else "kpi_cohort.arrival_rate", lang)


def arrival_rate_help(basis: str, lang: str) -> str:
    """到诊率's definition as shown (the cohort's where that is the one used)."""
    key = "kpi_help.arrival_rate" if basis == "appointments" else "kpi_cohort_help.arrival_rate"
    return t(key, lang)


def kpi_label(kpi_id: str, lang: str, basis: str = "appointments") -> str:
    """A KPI's name as shown: 到诊率's says which definition ``basis`` is."""
    return arrival_rate_name(basis, lang) if kpi_id == "arrival_rate" else t(f"kpi.{kpi_id}", lang)


def kpi_help(kpi_id: str, lang: str, basis: str = "appointments") -> str:
    """A KPI's definition as shown: 到诊率's is the one ``basis`` names."""
    return (
        arrival_rate_help(basis, lang)
        if kpi_id == "arrival_rate"
        else t(f"kpi_help.{kpi_id}", lang)
    )


def _arrival_rate(row: Row) -> float | None:
    return safe_div(*arrival_counts(row))


def _booking_completion(row: Row) -> float | None:
    # Of the leads that inquired in the period, the share that booked (same leads).
    return safe_div(row.get("inquiries_booked"), row.get("inquiries"))


def _complaint_rate(row: Row) -> float | None:
    return safe_div(row.get("complaints"), row.get("responses"))


def _training_per_staff(row: Row) -> float | None:
    # Average staff on the payroll of open clinics over the period's days.
    return safe_div(row.get("training_hours"), safe_div(row.get("staff_days"), row.get("days")))


def _first_visits_per_doctor(row: Row) -> float | None:
    doctors = safe_div(row.get("doctor_days"), row.get("days"))
    return safe_div(safe_div(row.get("first_visits"), doctors), row.get("months"))


def _cost_per_lead(row: Row) -> float | None:
    return safe_div(row.get("spend"), row.get("leads"))


def _lead_customer_rate(row: Row) -> float | None:
    # Of the period's new leads, the share that became paying customers (same leads).
    return safe_div(row.get("new_leads_paid"), row.get("new_leads"))


def _roas_horizon(row: Row) -> float | None:
    return safe_div(row.get("revenue_horizon"), row.get("spend"))


def _roi_horizon(row: Row) -> float | None:
    return roi(row.get("revenue_horizon"), row.get("spend"))


def _ltv(row: Row) -> float | None:
    return safe_div(row.get("cohort_revenue"), row.get("cohort_customers"))


def _ltv_cac(row: Row) -> float | None:
    return safe_div(_ltv(row), _cac(row))


def _payback(row: Row) -> float | None:
    curve = [row.get(c) for c in MONTH_COLUMNS]
    return payback_month(cumulative_per_customer(curve, row.get("cohort_customers")), _cac(row))


# kpi_funnel, kpi_money and kpi_quality at grain 'total' give the period's values (overview,
# weekly review, scorecard); at grain 'week', 'day' or 'city' they feed trends, sparklines,
# pacing and league tables. A test checks every KPI against pandas at each grain.
_FUNNEL = "kpi_funnel"
_MONEY = "kpi_money"
_QUALITY = "kpi_quality"
_REPURCHASE = "kpi_repurchase"  # its own query: only the member page reads it
# The channels page: channels_weekly's sums per channel (spend, leads, new customers, revenue
# within the horizon), joined with channels_ltv's first-purchase cohorts for the LTV KPIs. Its
# CAC and marketing ROI are the overview's KPIs above, over the channel's rows.
_CHANNELS = "channels_weekly"
_COHORTS = "channels_ltv"

# One KPI per line reads as a table, so the formatter leaves this block alone.
# fmt: off
KPIS: dict[str, Kpi] = {
    k.id: k
    for k in (
        Kpi("impressions", "count", "up", _FUNNEL, column="impressions", cumulative=True),
        Kpi("inquiries", "count", "up", _FUNNEL, column="inquiries", cumulative=True),
        Kpi("bookings", "count", "up", _FUNNEL, column="bookings", cumulative=True),
        Kpi("arrivals", "count", "up", _FUNNEL, column="arrivals", cumulative=True),
        Kpi("paid_deals", "count", "up", _FUNNEL, column="paid_deals", cumulative=True),
        Kpi("revenue", "money", "up", _MONEY, column="revenue", perspective="financial",
            cumulative=True),
        Kpi("spend", "money", "down", _MONEY, column="spend", cumulative=True),
        Kpi("new_customers", "count", "up", _MONEY, column="new_customers", cumulative=True),
        Kpi("cac", "money", "down", _MONEY, formula=_cac, perspective="financial"),
        Kpi("marketing_roi", "ratio", "up", _MONEY, formula=_roi, perspective="financial"),
        # The balanced scorecard's other KPIs (issue #5), each with its perspective.
        Kpi("value_per_customer", "money", "up", _MONEY, formula=_per_customer,
            perspective="financial"),
        Kpi("new_members", "count", "up", _QUALITY, column="new_members", perspective="customer",
            cumulative=True),
        Kpi("satisfaction_mean", "score", "up", _QUALITY, formula=_satisfaction,
            perspective="customer"),
        Kpi("satisfaction_top_share", "rate", "up", _QUALITY, formula=_top_share,
            perspective="customer"),
        Kpi("repeat_rate", "rate", "up", _MONEY, formula=_repeat, perspective="customer"),
        # Repurchase of the period's new customers: the usual "did they come back" measure.
        Kpi("repurchase_90", "rate", "up", _REPURCHASE, formula=_repurchase(90)),
        Kpi("repurchase_180", "rate", "up", _REPURCHASE, formula=_repurchase(180)),
        Kpi("repurchase_365", "rate", "up", _REPURCHASE, formula=_repurchase(365)),
        Kpi("arrival_rate", "rate", "up", _FUNNEL, formula=_arrival_rate, perspective="process"),
        Kpi("booking_completion", "rate", "up", _FUNNEL, formula=_booking_completion,
            perspective="process"),
        Kpi("lead_to_arrival_days", "days", "down", _FUNNEL, column="lead_to_arrival_days",
            perspective="process"),
        Kpi("complaint_rate", "rate", "down", _QUALITY, formula=_complaint_rate,
            perspective="process"),
        Kpi("training_hours_per_staff", "hours", "up", _QUALITY, formula=_training_per_staff,
            perspective="learning", cumulative=True),
        Kpi("first_visits_per_doctor", "ratio", "up", _QUALITY, formula=_first_visits_per_doctor,
            perspective="learning"),
        # Channel economics (the channels page and its planner).
        Kpi("cost_per_lead", "money", "down", _CHANNELS, formula=_cost_per_lead),
        Kpi("lead_customer_rate", "rate", "up", _CHANNELS, formula=_lead_customer_rate),
        Kpi("roas_horizon", "ratio", "up", _CHANNELS, formula=_roas_horizon,
            perspective="financial"),
        Kpi("roi_horizon", "ratio", "up", _CHANNELS, formula=_roi_horizon, perspective="financial"),
        Kpi("ltv_12m", "money", "up", _COHORTS, formula=_ltv, perspective="financial"),
        Kpi("ltv_cac", "ratio", "up", _COHORTS, formula=_ltv_cac, perspective="financial"),
        Kpi("payback_months", "count", "down", _COHORTS, formula=_payback),
    )
}
# fmt: on

# The scorecard's KPIs by perspective, in display order (the list).
SCORECARD_KPIS: dict[str, tuple[str, ...]] = {
    "financial": ("revenue", "value_per_customer", "marketing_roi", "cac"),
    "customer": ("new_members", "satisfaction_mean", "satisfaction_top_share", "repeat_rate"),
    "process": ("arrival_rate", "booking_completion", "lead_to_arrival_days", "complaint_rate"),
    "learning": ("training_hours_per_staff", "first_visits_per_doctor"),
}

# The weekly review's headline KPIs, in display order (two rows of five on a projector).
WEEKLY_KPIS: tuple[str, ...] = (
    "inquiries",
    "arrivals",
    "paid_deals",
    "revenue",
    "value_per_customer",
    "new_customers",
    "spend",
    "cac",
    "marketing_roi",
    "arrival_rate",
)

OVERVIEW_KPIS: tuple[str, ...] = (
    "impressions",
    "inquiries",
    "arrivals",
    "paid_deals",
    "revenue",
    "spend",
    "new_customers",
    "cac",
    "marketing_roi",
)


def kpi(kpi_id: str) -> Kpi:
    """The registered KPI ``kpi_id``."""
    return KPIS[kpi_id]
