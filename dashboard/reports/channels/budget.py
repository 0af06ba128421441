"""The channels page's budget section: plan against actual (the 4:3:3 split), the reserve and
month pacing, loaded for the period (its tables are in ``tables``).

Budgets are planned per city, so this section follows the city filter (and the viewer's
scope) only; specialty, clinic and channel filters do not split a city's plan.
"""

from __future__ import annotations

from datetime import date

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics import budget as bm
from dashboard.reports.channels.model import BudgetData


def _month(day: date) -> date:
    return day.replace(day=1)


def _plan(filters: Filters, scope: Scope, first: date, last: date) -> data.Query:
    return data.query(
        "budget_plan", filters, scope, from_month=_month(first), to_month=_month(last)
    )


def load(filters: Filters, scope: Scope, data_end: date) -> BudgetData:
    """The budget section for the period, and pacing through the month containing ``data_end``."""
    # Only the city pick reaches these queries: a smaller cache key, the same numbers.
    period = Filters(filters.start, filters.end, cities=filters.cities)
    month_start = _month(data_end)
    month = Filters(month_start, data_end, cities=filters.cities)
    plan, actual, month_plan, month_actual = data.run_all(
        _plan(period, scope, period.start, period.end),
        data.query("budget_actual", period, scope),
        _plan(month, scope, month_start, month_start),
        data.query("budget_actual", month, scope),
    )
    lines = bm.lines(bm.prorate(plan, period.start, period.end), actual)
    pacing = bm.pacing(month_plan, month_actual, month_start, data_end)
    return BudgetData(
        start=filters.start,
        end=filters.end,
        split=bm.split(lines),
        reserve=bm.reserve(lines),
        pacing=pacing,
        month_start=month_start,
        as_of=data_end,
        narrowed=bool(filters.specialties or filters.clinics or filters.channels),
    )
