"""Cohort funnel logic: stages, the conversion window, maturing cohorts, rates, top N and other.

The counting itself happens in the warehouse (queries/funnel_*.sql); these functions turn
the aggregated rows into rates, drop-offs, top-N tables and aligned comparison weeks.

Every cohort rate's base is the leads created in the period (the ``leads`` stage), never
the leads with an inquiry time: data without inquiry times (walk-ins, phone bookings, CRMs
that record only the deal) would otherwise show every deal as a 100% conversion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import pandas as pd

from dashboard.filters import Filters
from dashboard.metrics.arithmetic import Cell, is_missing, safe_div

STAGES: tuple[str, ...] = (
    "impressions",
    "leads",
    "inquiries",
    "bookings",
    "arrivals",
    "paid_deals",
)
# The cohort's stages: the created leads, then the stages they reach.
LEAD_STAGES: tuple[str, ...] = STAGES[1:]
# The base of every cohort rate.
BASE_STAGE = "leads"
# Stages a lead can be counted at without a time of its own (it reached a later one).
SKIPPABLE_STAGES: tuple[str, ...] = ("inquiries", "bookings", "arrivals")
# The conversion window's URL code for "count every stage reached by the data's end".
NO_LIMIT = "none"
# Long windows for the months-long cycles of implants, orthodontics and eye or aesthetic
# surgery; "no limit" for the lead → deal conversion the channel page shows.
WINDOWS: tuple[int | str, ...] = (7, 14, 30, 60, 90, 180, 365, NO_LIMIT)
# 30 days: the default view is the last four weeks, so a longer window would leave most of
# its leads maturing; the longer ones are a click (and a URL value) away.
DEFAULT_WINDOW: int | str = 30
DIMENSIONS: tuple[str, ...] = ("channel", "city", "clinic", "specialty")
DEFAULT_DIMENSION = "channel"
TOP_N: tuple[int, ...] = (5, 8, 10, 15, 20)
DEFAULT_TOP_N = 8
COMPARISONS: tuple[str, ...] = ("previous", "last_year")
DEFAULT_COMPARISON = "previous"
# 52 weeks, so "the same weeks last year" starts on the same weekday as this period.
LAST_YEAR_DAYS = 364
OTHER = "other"


def parse_window(value: object) -> int | str:
    """The window option a control or URL value names (``7``, ``"7"``, ``"none"``), or the default."""
    if value is None:
        # Nothing picked: the default, not the "none" option that str(None) would spell.
        return DEFAULT_WINDOW
    text = str(value).strip().casefold()
    for option in WINDOWS:
        if text == str(option):
            return option
    return DEFAULT_WINDOW


def window_days(window: int | str) -> int | None:
    """The window in days, or None for no limit (the SQL's ``:window_days``)."""
    return None if window == NO_LIMIT else int(window)


def maturing_after(data_end: datetime | None, window_days: int | None) -> datetime | None:
    """Leads created after this moment have not yet had the full window before the data's end.

    None without a limit: no lead is waiting for a window to close, so none is maturing.
    """
    if window_days is None:
        return None
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


def _value(row: Mapping[str, Cell], key: str) -> float | None:
    value = row.get(key)
    return None if is_missing(value) else float(value)


def period_ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Leads ÷ impressions of the period, None without impressions or above 100%.

    The two are period totals, not one cohort: more leads than impressions means the
    impressions do not cover where the leads came from (referrals, walk-ins), not a rate.
    """
    ratio = safe_div(numerator, denominator)
    return None if ratio is None or ratio > 1.0 else ratio


def _step(stage: str, count: float | None, previous: float | None) -> float | None:
    """Conversion into ``stage`` from the stage before it (a period ratio out of impressions)."""
    if stage == STAGES[1]:
        return period_ratio(count, previous)
    return safe_div(count, previous)


def stage_table(row: Mapping[str, object]) -> pd.DataFrame:
    """Per stage: count, conversion from the previous stage and of created leads, drop-off, times.

    ``row`` is the funnel_stages result. Times are hours from the previous stage; impressions
    and leads have none. ``untimed``: leads counted at a stage without a time of their own
    (they reached a later stage). Ratios without a denominator are None (shown as "—").
    """
    base = _value(row, BASE_STAGE)
    records = []
    previous: float | None = None
    for stage in STAGES:
        count = _value(row, stage) or 0.0
        from_previous = None if previous is None else _step(stage, count, previous)
        # Drop-off is between lead stages: impressions are views, not people who left.
        in_cohort = stage in LEAD_STAGES[1:]
        records.append(
            {
                "stage": stage,
                "count": count,
                "from_previous": from_previous,
                "from_leads": None if stage == "impressions" else safe_div(count, base),
                # (the first stage, impressions, is outside the cohort: previous is set by then)
                "drop_off": previous - count if in_cohort and previous is not None else None,
                "drop_off_rate": (
                    1.0 - from_previous if in_cohort and from_previous is not None else None
                ),
                "untimed": _value(row, f"{stage}_untimed") if stage in SKIPPABLE_STAGES else None,
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
    """Add each stage's conversion from the previous stage and overall (paid ÷ created leads).

    Columns ``<stage>_rate`` (from the previous stage; leads from impressions, a period ratio)
    and ``overall_rate``. Works on any frame with the stage count columns.
    """
    out = frame.copy()
    for previous, stage in zip(STAGES, STAGES[1:], strict=False):
        out[f"{stage}_rate"] = pd.Series(
            [_step(stage, n, d) for n, d in zip(out[stage], out[previous], strict=True)],
            index=out.index,
            dtype=object,
        )
    out["overall_rate"] = _ratio(out["paid_deals"], out[BASE_STAGE])
    return out


COUNT_COLUMNS: tuple[str, ...] = STAGES


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
