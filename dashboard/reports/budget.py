"""Budget against actual for the channels page: the 4:3:3 split, the reserve, month pacing.

Budgets are planned per city, so this section follows the city filter (and the viewer's
scope) only; specialty, clinic and channel filters do not split a city's plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import data
from dashboard.export.sheet import Column, Sheet
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.metrics import budget as bm

# Amounts over plan: positive is bad news (red), negative good (green).
COST_COLUMNS = ("variance", "variance_pct", "overspend", "projected_variance")


@dataclass(frozen=True)
class BudgetData:
    """Plan against actual over the period, the reserve, and pacing through the current month."""

    start: date
    end: date
    split: pd.DataFrame  # one row per spending category
    reserve: bm.Reserve
    pacing: pd.DataFrame  # one row per spending category and a total row
    month_start: date
    as_of: date
    narrowed: bool  # specialty / clinic / channel filters were set and do not apply here

    @property
    def has_plan(self) -> bool:
        """True when any budget is planned for the period."""
        return bool(self.split["plan"].sum() or self.reserve.plan)

    @property
    def plan_total(self) -> float:
        """The spending plan of the period (reserve excluded)."""
        return float(self.split["plan"].sum())

    @property
    def actual_total(self) -> float:
        """What was spent in the period (reserve draws excluded)."""
        return float(self.split["actual"].sum())


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


def category_name(category: str, lang: str) -> str:
    """A budget category's name (marketing, service, operations, reserve, total)."""
    return t(f"channels.budget.category.{category}", lang)


def _col(key: str, label: str, unit: str, lang: str) -> Column:
    return Column(key, t(f"channels.budget.col.{label}", lang), unit)


def split_table(report: BudgetData, lang: str) -> pd.DataFrame:
    """The split table with category names (shown under the plan-vs-actual chart)."""
    return report.split.assign(name=[category_name(c, lang) for c in report.split["category"]])


def reserve_table(report: BudgetData, lang: str) -> pd.DataFrame:
    """The reserve as one row: plan, its share, direct draws, overspend, used, remaining."""
    r = report.reserve
    return pd.DataFrame(
        [
            {
                "name": category_name("reserve", lang),
                "plan": r.plan,
                "plan_share": r.plan_share,
                "target_share": bm.RESERVE_TARGET,
                "direct": r.direct,
                "overspend": r.overspend,
                "used": r.used,
                "used_share": r.used_share,
                "remaining": r.remaining,
            }
        ]
    )


def pacing_table(report: BudgetData, lang: str) -> pd.DataFrame:
    """The pacing rows with category names (shown under the pacing chart)."""
    return report.pacing.assign(name=[category_name(c, lang) for c in report.pacing["category"]])


def split_columns(lang: str) -> tuple[Column, ...]:
    """Columns of the split table, in display order."""
    return (
        _col("name", "category", "text", lang),
        _col("plan", "plan", "money", lang),
        _col("target_share", "target_share", "rate", lang),
        _col("plan_share", "plan_share", "rate", lang),
        _col("actual", "actual", "money", lang),
        _col("actual_share", "actual_share", "rate", lang),
        _col("variance", "variance", "money", lang),
        _col("variance_pct", "variance_pct", "rate", lang),
        _col("overspend", "overspend", "money", lang),
    )


def reserve_columns(lang: str) -> tuple[Column, ...]:
    """Columns of the reserve table, in display order."""
    return (
        _col("name", "category", "text", lang),
        _col("plan", "plan", "money", lang),
        _col("plan_share", "reserve_share", "rate", lang),
        _col("target_share", "target_share", "rate", lang),
        _col("direct", "direct", "money", lang),
        _col("overspend", "overspend", "money", lang),
        _col("used", "used", "money", lang),
        _col("used_share", "used_share", "rate", lang),
        _col("remaining", "remaining", "money", lang),
    )


def pacing_columns(lang: str) -> tuple[Column, ...]:
    """Columns of the pacing table, in display order."""
    return (
        _col("name", "category", "text", lang),
        _col("plan", "month_plan", "money", lang),
        _col("expected", "expected", "money", lang),
        _col("spent", "spent", "money", lang),
        _col("pace", "pace", "ratio", lang),
        _col("projected", "projected", "money", lang),
        _col("projected_variance", "projected_variance", "money", lang),
    )


def notes(report: BudgetData, lang: str) -> tuple[str, ...]:
    """The definitions shown above the budget tables (and in the workbook)."""
    out = [
        t("channels.budget.rule_prorate", lang),
        t("channels.budget.rule_reserve", lang),
    ]
    if report.narrowed:
        out.append(t("channels.budget.city_only", lang))
    return tuple(out)


def pacing_note(report: BudgetData, lang: str) -> str:
    """How far the current month has run (the pacing's straight line)."""
    row = report.pacing.iloc[0]
    return t(
        "channels.budget.pacing_rule",
        lang,
        month=report.month_start.strftime("%Y-%m"),
        elapsed=int(row["elapsed_days"]),
        days=int(row["days_in_month"]),
        as_of=report.as_of.isoformat(),
    )


def sheets(report: BudgetData, lang: str) -> list[Sheet]:
    """The budget tables: split (beneath the plan-vs-actual chart), reserve, pacing."""
    period = t("channels.budget.period", lang, start=report.start, end=report.end)
    return [
        Sheet(
            t("channels.sheet.budget", lang),
            split_table(report, lang),
            split_columns(lang),
            f"{t('channels.budget.split_title', lang)} · {period}",
            notes(report, lang),
        ),
        Sheet(
            t("channels.sheet.reserve", lang),
            reserve_table(report, lang),
            reserve_columns(lang),
            f"{t('channels.budget.reserve_title', lang)} · {period}",
            notes(report, lang),
        ),
        Sheet(
            t("channels.sheet.pacing", lang),
            pacing_table(report, lang),
            pacing_columns(lang),
            t("channels.budget.pacing_title", lang),
            (pacing_note(report, lang),),
        ),
    ]
