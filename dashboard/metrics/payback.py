"""Payback of a channel's acquisition cost from its first-purchase cohort's monthly revenue."""

from __future__ import annotations

from dashboard.metrics.arithmetic import is_missing

LTV_MONTHS = 12
# The cohort's revenue per month since the first purchase, as channels_ltv's columns m0…m11.
MONTH_COLUMNS: tuple[str, ...] = tuple(f"m{i}" for i in range(LTV_MONTHS))


def cumulative_per_customer(
    monthly_revenue: list[float | None], customers: float | None
) -> list[float] | None:
    """Cumulative gross revenue per cohort customer at the end of months 1…12 (None: no cohort)."""
    if is_missing(customers) or not customers:
        return None
    out, total = [], 0.0
    for value in monthly_revenue:
        total += 0.0 if is_missing(value) else float(value)
        out.append(total / float(customers))
    return out


def payback_month(cumulative: list[float] | None, cac: float | None) -> int | None:
    """The first month (1-based) whose cumulative revenue per customer reaches CAC, else None."""
    if cumulative is None or is_missing(cac):
        return None
    for month, value in enumerate(cumulative, start=1):
        if value >= cac:
            return month
    return None
