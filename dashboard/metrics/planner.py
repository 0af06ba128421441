"""The private-traffic revenue formula (私域业绩), forwards and backwards.

revenue = followers × arrival conversion × (1 + repeat rate + referral rate) × average ticket.
Each follower who arrives buys once; repeat and referral rates add purchases per arrived
customer (10% repeat, 10% referral → 1.2 purchases each). Pure numbers in and out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard.metrics.arithmetic import is_missing, safe_div


@dataclass(frozen=True)
class PlannerInputs:
    """The formula's inputs: rates as fractions (0.5 = 50%), ticket in CNY."""

    followers: float | None
    arrival_rate: float | None
    repeat_rate: float | None
    referral_rate: float | None
    ticket: float | None


@dataclass(frozen=True)
class PlannerResult:
    """Revenue (or followers needed) and the intermediate figures, with a reason when missing."""

    value: float | None
    customers: float | None
    purchases_per_customer: float | None
    reason: str | None = None


def purchases_per_customer(repeat_rate: float | None, referral_rate: float | None) -> float | None:
    """1 + repeat rate + referral rate: purchases each arrived customer brings."""
    if is_missing(repeat_rate) or is_missing(referral_rate):
        return None
    return 1.0 + float(repeat_rate) + float(referral_rate)


@dataclass(frozen=True)
class _Checked:
    """The inputs once present, finite and non-negative (followers 0 when not used)."""

    followers: float
    arrival_rate: float
    per_customer: float
    ticket: float


def _checked(inputs: PlannerInputs, with_followers: bool) -> _Checked | str:
    """The checked inputs, or the reason ("missing_input", "negative_input") they fail."""
    values = [inputs.arrival_rate, inputs.repeat_rate, inputs.referral_rate, inputs.ticket]
    if with_followers:
        values.append(inputs.followers)
    present = [float(v) for v in values if not is_missing(v)]
    if len(present) < len(values) or not all(math.isfinite(v) for v in present):
        return "missing_input"
    if any(v < 0 for v in present):
        return "negative_input"
    arrival, repeat, referral, ticket = present[:4]
    followers = present[4] if with_followers else 0.0
    return _Checked(followers, arrival, 1.0 + repeat + referral, ticket)


def revenue(inputs: PlannerInputs) -> PlannerResult:
    """Revenue the followers bring: followers × arrival × (1 + repeat + referral) × ticket."""
    checked = _checked(inputs, with_followers=True)
    if isinstance(checked, str):
        return PlannerResult(None, None, None, checked)
    customers = checked.followers * checked.arrival_rate
    per_customer = checked.per_customer
    return PlannerResult(customers * per_customer * checked.ticket, customers, per_customer)


def followers_needed(target_revenue: float | None, inputs: PlannerInputs) -> PlannerResult:
    """Followers needed for a revenue target (倒推): target ÷ (arrival × (1+repeat+referral) × ticket).

    ``inputs.followers`` is ignored. A zero arrival rate or ticket makes any positive target
    unreachable: the result is None with reason "unreachable", never infinity.
    """
    checked = _checked(inputs, with_followers=False)
    if isinstance(checked, str):
        return PlannerResult(None, None, None, checked)
    if is_missing(target_revenue):
        return PlannerResult(None, None, None, "missing_input")
    target = float(target_revenue)
    if target < 0:
        return PlannerResult(None, None, None, "negative_input")
    per_customer = checked.per_customer
    revenue_per_follower = checked.arrival_rate * per_customer * checked.ticket
    if revenue_per_follower == 0:
        if target == 0:
            return PlannerResult(0.0, 0.0, per_customer)
        return PlannerResult(None, None, per_customer, "unreachable")
    followers = target / revenue_per_follower
    return PlannerResult(followers, followers * checked.arrival_rate, per_customer)


def whole_followers(followers: float | None) -> int | None:
    """Followers rounded up to a whole person (a plan cannot recruit 0.3 of a follower)."""
    if is_missing(followers):
        return None
    # Guard against float noise such as 7200.000000001 becoming 7201.
    return int(math.ceil(round(float(followers), 6)))


# The playbook's worked example: 7,200 followers, 50% arrive, 10% repeat, 10% refer, ¥100 ticket.
PLAYBOOK_EXAMPLE = PlannerInputs(
    followers=7200, arrival_rate=0.5, repeat_rate=0.1, referral_rate=0.1, ticket=100.0
)


def actual_inputs(
    followers: int,
    arrived: int,
    customers: int,
    repeaters: int,
    referred: int,
    orders: int,
    revenue: float,
) -> PlannerInputs:
    """The formula's inputs measured on data: arrived ÷ followers, repeaters ÷ customers,
    referred ÷ customers, revenue ÷ orders (None where the denominator is zero)."""
    return PlannerInputs(
        followers=float(followers),
        arrival_rate=safe_div(arrived, followers),
        repeat_rate=safe_div(repeaters, customers),
        referral_rate=safe_div(referred, customers),
        ticket=safe_div(revenue, orders),
    )
