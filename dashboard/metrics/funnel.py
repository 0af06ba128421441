"""Cohort funnel logic: stages, the conversion window, maturing cohorts, rates, top N and other.

The counting itself happens in the warehouse (queries/funnel_*.sql); these functions turn
the aggregated rows into rates, drop-offs, top-N tables and aligned comparison weeks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics.arithmetic import is_missing, safe_div

STAGES: tuple[str, ...] = ("impressions", "inquiries", "bookings", "arrivals", "paid_deals")
LEAD_STAGES: tuple[str, ...] = STAGES[1:]
FIRST_LEAD_STAGE = "inquiries"
WINDOWS: tuple[int, ...] = (7, 14, 30, 60, 90)
DEFAULT_WINDOW = 30
DIMENSIONS: tuple[str, ...] = ("channel", "city", "clinic", "specialty")
DEFAULT_DIMENSION = "channel"
TOP_N: tuple[int, ...] = (5, 8, 10, 15, 20)
DEFAULT_TOP_N = 8
COMPARISONS: tuple[str, ...] = ("previous", "last_year")
DEFAULT_COMPARISON = "previous"
# 52 weeks, so "the same weeks last year" starts on the same weekday as this period.
LAST_YEAR_DAYS = 364
OTHER = "other"


def maturing_after(data_end: datetime | None, window_days: int) -> datetime:
    """Leads created after this moment have not yet had the full window before the data's end."""
    if data_end is None:
        # No data: nothing can be maturing; a far-past cutoff would mark everything instead.
        return datetime.max
    return data_end - timedelta(days=window_days)


def comparison_filters(filters: Filters, comparison: str) -> Filters:
    """The comparison period: the previous period of equal length, or the same weeks last year."""
    if comparison == "last_year":
        shift = timedelta(days=LAST_YEAR_DAYS)
        return replace(filters, start=filters.start - shift, end=filters.end - shift)
    return filters.previous()


def _value(row: Mapping[str, object], key: str) -> float | None:
    value = row.get(key)
    return None if is_missing(value) else float(value)


def stage_table(row: Mapping[str, object]) -> pd.DataFrame:
    """Per stage: count, conversion from the previous and the first lead stage, drop-off, times.

    ``row`` is the funnel_stages result. Times are hours from the previous stage; impressions
    have none. Ratios without a denominator are None (shown as "—").
    """
    first = _value(row, FIRST_LEAD_STAGE)
    records = []
    previous: float | None = None
    for stage in STAGES:
        count = _value(row, stage) or 0.0
        from_previous = safe_div(count, previous)
        records.append(
            {
                "stage": stage,
                "count": count,
                "from_previous": from_previous,
                "from_first": None if stage == "impressions" else safe_div(count, first),
                "drop_off": None if previous is None else previous - count,
                "drop_off_rate": None if from_previous is None else 1.0 - from_previous,
                "median_hours": _value(row, f"{stage}_median_hours"),
                "p75_hours": _value(row, f"{stage}_p75_hours"),
            }
        )
        previous = count
    return pd.DataFrame(records, dtype=object)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise numerator ÷ denominator, None where the denominator is 0 or missing."""
    return pd.Series(
        [safe_div(n, d) for n, d in zip(numerator, denominator, strict=True)],
        index=numerator.index,
        dtype=object,
    )


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Add each stage's conversion from the previous stage and overall (paid ÷ inquiries).

    Columns ``<stage>_rate`` (from the previous stage; inquiries from impressions, a period
    ratio) and ``overall_rate``. Works on any frame with the stage count columns.
    """
    out = frame.copy()
    for previous, stage in zip(STAGES, STAGES[1:], strict=False):
        out[f"{stage}_rate"] = _ratio(out[stage], out[previous])
    out["overall_rate"] = _ratio(out["paid_deals"], out[FIRST_LEAD_STAGE])
    return out


COUNT_COLUMNS: tuple[str, ...] = ("leads", *STAGES)


def top_n_with_other(frame: pd.DataFrame, n: int, key: str = "key") -> pd.DataFrame:
    """The ``n`` members with the most leads, then one "other" row summing the rest.

    ``frame`` has a ``key`` column and the count columns; rates are recomputed afterwards
    from the summed counts (a rate of "other" is its own ratio, not an average of ratios).
    """
    ranked = frame.sort_values(["leads", key], ascending=[False, True], kind="stable")
    top = ranked.head(n).assign(is_other=False)
    rest = ranked.iloc[n:]
    if rest.empty:
        return top.reset_index(drop=True)
    other = {c: rest[c].sum() for c in COUNT_COLUMNS}
    other.update({key: OTHER, "is_other": True, "members": len(rest)})
    return pd.concat([top, pd.DataFrame([other])], ignore_index=True)


def align_comparison(current: pd.DataFrame, comparison: pd.DataFrame) -> pd.DataFrame:
    """Put the comparison period's weeks beside this period's, week by week in order.

    Both periods have the same number of days, so the k-th week of one faces the k-th week
    of the other; comparison columns get the prefix ``cmp_`` and keep their own week start.
    """
    left = current.reset_index(drop=True)
    right = comparison.reset_index(drop=True).head(len(left)).add_prefix("cmp_")
    return pd.concat([left, right], axis=1)


def mark_maturing(weekly: pd.DataFrame) -> pd.DataFrame:
    """Flag weeks holding leads that have not had the full window yet, and their share."""
    out = weekly.copy()
    out["maturing_share"] = _ratio(out["maturing_leads"], out["leads"])
    out["is_maturing"] = out["maturing_leads"] > 0
    return out
