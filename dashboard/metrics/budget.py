"""Budget against actual: the 4:3:3 split, the 15% contingency reserve, and month pacing.

Budgets are planned per month × city × category. A period that covers part of a month gets
that month's plan pro rata by days (the same straight line the pacing uses). The reserve is
"used" by (a) expenses booked to the reserve and (b) every overspend of a spending category
above its plan, counted per city and month — an underspend elsewhere does not offset it,
because each city's monthly line is what its budget holder answers for.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.metrics.arithmetic import safe_div

SPENDING: tuple[str, ...] = ("marketing", "service", "operations")
RESERVE = "reserve"
TARGET_SPLIT: dict[str, float] = {"marketing": 0.4, "service": 0.3, "operations": 0.3}
RESERVE_TARGET = 0.15  # of the whole budget; the 4:3:3 split is of the other 85%
KEYS = ["month_start", "city_id", "category"]


def days_in_month(month_start: date) -> int:
    """Number of days of the month starting on ``month_start``."""
    return calendar.monthrange(month_start.year, month_start.month)[1]


def overlap_days(month_start: date, start: date, end: date) -> int:
    """Days of the month that fall within [start, end] (inclusive)."""
    month_end = month_start + timedelta(days=days_in_month(month_start) - 1)
    first, last = max(month_start, start), min(month_end, end)
    return max(0, (last - first).days + 1)


def _as_date(value: object) -> date:
    return pd.Timestamp(value).date()


def prorate(plan: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Monthly plan rows scaled to the share of each month inside [start, end]; others dropped."""
    months = plan["month_start"].map(_as_date)
    share = pd.Series(
        [overlap_days(m, start, end) / days_in_month(m) for m in months],
        index=plan.index,
        dtype=float,
    )
    out = plan.assign(month_start=months, amount=plan["amount"].astype(float) * share)
    return out.loc[share > 0].reset_index(drop=True)


def lines(plan: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Plan and actual per month × city × category, with the overspend above plan."""
    p = plan.assign(month_start=plan["month_start"].map(_as_date)).rename(
        columns={"amount": "plan"}
    )
    a = actual.assign(month_start=actual["month_start"].map(_as_date))
    a = a.rename(columns={"amount": "actual"})
    out = p[[*KEYS, "plan"]].merge(a[[*KEYS, "actual"]], on=KEYS, how="outer")
    out[["plan", "actual"]] = out[["plan", "actual"]].fillna(0.0).astype(float)
    spending = out["category"].isin(SPENDING)
    out["overspend"] = (out["actual"] - out["plan"]).clip(lower=0.0).where(spending, 0.0)
    return out


@dataclass(frozen=True)
class Reserve:
    """The contingency reserve: planned, drawn directly, drawn by overspend, and what is left."""

    plan: float
    direct: float
    overspend: float
    spending_plan: float

    @property
    def used(self) -> float:
        """Reserve used = direct reserve expenses + overspend above plan."""
        return self.direct + self.overspend

    @property
    def remaining(self) -> float:
        """Planned reserve minus what is used (negative: the reserve is exhausted)."""
        return self.plan - self.used

    @property
    def used_share(self) -> float | None:
        """Used ÷ planned reserve (None without a reserve plan)."""
        return safe_div(self.used, self.plan)

    @property
    def plan_share(self) -> float | None:
        """Planned reserve ÷ the whole budget, reserve included (the playbook's 15%)."""
        return safe_div(self.plan, self.spending_plan + self.plan)


def reserve(budget_lines: pd.DataFrame) -> Reserve:
    """The reserve's status over the lines."""
    by_cat = budget_lines.groupby("category")[["plan", "actual"]].sum()
    spending_plan = float(by_cat.reindex(list(SPENDING))["plan"].fillna(0).sum())
    return Reserve(
        plan=float(by_cat["plan"].get(RESERVE, 0.0)),
        direct=float(by_cat["actual"].get(RESERVE, 0.0)),
        overspend=float(budget_lines["overspend"].sum()),
        spending_plan=spending_plan,
    )


def split(budget_lines: pd.DataFrame) -> pd.DataFrame:
    """One row per spending category: plan, actual, shares against the 4:3:3 target, variance."""
    by_cat = budget_lines.groupby("category")[["plan", "actual", "overspend"]].sum()
    by_cat = by_cat.reindex(list(SPENDING)).fillna(0.0)
    plan_total, actual_total = by_cat["plan"].sum(), by_cat["actual"].sum()
    rows = []
    for cat in SPENDING:
        plan, actual = float(by_cat.at[cat, "plan"]), float(by_cat.at[cat, "actual"])
        rows.append(
            {
                "category": cat,
                "plan": plan,
                "target_share": TARGET_SPLIT[cat],
                "plan_share": safe_div(plan, plan_total),
                "actual": actual,
                "actual_share": safe_div(actual, actual_total),
                "variance": actual - plan,
                "variance_pct": safe_div(actual - plan, plan),
                "overspend": float(by_cat.at[cat, "overspend"]),
            }
        )
    return pd.DataFrame(rows)


def pacing(
    month_plan: pd.DataFrame, month_actual: pd.DataFrame, month_start: date, as_of: date
) -> pd.DataFrame:
    """Spent so far in the month against the straight line plan × elapsed days ÷ days in month.

    One row per spending category and a total row; ``pace`` = spent ÷ expected (1 = on track),
    ``projected`` = spent ÷ elapsed × days in month.
    """
    days = days_in_month(month_start)
    elapsed = overlap_days(month_start, month_start, as_of)
    plan = month_plan.groupby("category")["amount"].sum()
    spent = month_actual.groupby("category")["amount"].sum()
    rows = []
    for cat in (*SPENDING, "total"):
        p = float(plan.reindex(list(SPENDING)).sum()) if cat == "total" else float(plan.get(cat, 0))
        s = (
            float(spent.reindex(list(SPENDING)).sum())
            if cat == "total"
            else float(spent.get(cat, 0))
        )
        expected = p * elapsed / days
        projected = safe_div(s * days, elapsed)
        rows.append(
            {
                "category": cat,
                "plan": p,
                "expected": expected,
                "spent": s,
                "pace": safe_div(s, expected),
                "projected": projected,
                "projected_variance": None if projected is None else projected - p,
                "elapsed_days": elapsed,
                "days_in_month": days,
            }
        )
    return pd.DataFrame(rows)
