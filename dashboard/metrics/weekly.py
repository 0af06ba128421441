"""The weekly review's logic: headline KPIs against last week, the 4-week average and targets,
top movers by city × channel, and north-star campaign progress (pure: numbers and frames in)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.compare import Delta, compare
from dashboard.metrics.registry import kpi
from dashboard.metrics.target_scope import TargetScope
from dashboard.metrics.targets import Judgement, judge, pacing_line

AVERAGE_WEEKS = 4
TOP_MOVERS = 5
MOVER_METRICS = ("arrivals", "revenue")


@dataclass(frozen=True)
class Headline:
    """One headline KPI of the week."""

    kpi_id: str
    this_week: float | None
    last_week: float | None
    delta: Delta
    average: float | None
    vs_average: Delta
    judgement: Judgement


def weekly_average(
    value: float | None, cumulative: bool, weeks: int = AVERAGE_WEEKS
) -> float | None:
    """A KPI's weekly average from its value over ``weeks`` weeks.

    A count or sum is divided by the weeks; a rate or ratio is already the pooled value of the
    span (e.g. spend ÷ new customers of the four weeks), which weighs each week by its volume.
    """
    if is_missing(value):
        return None
    return float(value) / weeks if cumulative else float(value)


def headlines(
    kpi_ids: Sequence[str],
    this_week: Mapping[str, float | None],
    last_week: Mapping[str, float | None],
    four_weeks: Mapping[str, float | None],
    targets: Mapping[str, float],
) -> tuple[Headline, ...]:
    """Each KPI: this week, last week and the change, the 4-week average, and the week's target."""
    out = []
    for kpi_id in kpi_ids:
        k = kpi(kpi_id)
        now, before = this_week.get(kpi_id), last_week.get(kpi_id)
        avg = weekly_average(four_weeks.get(kpi_id), k.cumulative)
        out.append(
            Headline(
                kpi_id=kpi_id,
                this_week=now,
                last_week=before,
                delta=compare(now, before, k.higher_is_better),
                average=avg,
                vs_average=compare(now, avg, k.higher_is_better),
                judgement=judge(now, targets.get(kpi_id), k.higher_is_better, k.cumulative, 7, 7),
            )
        )
    return tuple(out)


def movers(
    frame: pd.DataFrame, metric: str, n: int = TOP_MOVERS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The city × channel rows with the largest rise and the largest fall of ``metric``.

    ``frame`` has ``<metric>_this`` and ``<metric>_last``; each result adds ``change`` and keeps
    at most ``n`` rows, largest absolute change first (ties by city, then channel).
    """
    if frame.empty:
        empty = frame.assign(change=pd.Series(dtype=float))
        return empty, empty
    out = frame.assign(
        change=frame[f"{metric}_this"].astype(float) - frame[f"{metric}_last"].astype(float)
    )
    keys = ["change", "city_id", "channel_id"]
    up = out[out["change"] > 0].sort_values(keys, ascending=[False, True, True]).head(n)
    down = out[out["change"] < 0].sort_values(keys, ascending=[True, True, True]).head(n)
    return up.reset_index(drop=True), down.reset_index(drop=True)


@dataclass(frozen=True)
class NorthStar:
    """A campaign target and its progress to ``as_of`` on a straight-line pace."""

    kpi_id: str
    label_zh: str
    label_en: str
    scope: TargetScope
    start: date
    end: date
    as_of: date
    target: float
    actual: float | None
    judgement: Judgement
    daily: pd.DataFrame  # date, value, cumulative (to as_of), pace (every campaign day)

    @property
    def days(self) -> int:
        """Days in the campaign, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def elapsed(self) -> int:
        """Campaign days up to ``as_of`` (0 before it starts)."""
        if self.as_of < self.start:
            return 0
        return (min(self.as_of, self.end) - self.start).days + 1

    @property
    def share_of_target(self) -> float | None:
        """Actual to date ÷ the whole campaign's target."""
        if is_missing(self.actual) or not self.target:
            return None
        return float(self.actual) / float(self.target)


def north_star(
    kpi_id: str,
    labels: tuple[str, str],
    scope: TargetScope,
    start: date,
    end: date,
    as_of: date,
    target: float,
    daily_values: Mapping[date, float | None],
    actual: float | None = None,
) -> NorthStar:
    """Progress of a campaign: cumulative actual per day against the straight line to target.

    For a cumulative KPI the actual to date is the sum of the daily values; for a level KPI
    (a rate) pass ``actual`` computed over the days so far and the line is only drawn flat.
    """
    k = kpi(kpi_id)
    days = (end - start).days + 1
    elapsed = 0 if as_of < start else (min(as_of, end) - start).days + 1
    pace = pacing_line(target, days) if k.cumulative else [float(target)] * days
    rows, total = [], 0.0
    for i in range(days):
        day = start + timedelta(days=i)
        value = daily_values.get(day)
        seen = i < elapsed
        if seen and k.cumulative:
            total += 0.0 if is_missing(value) else float(value)
        rows.append(
            {
                "date": day,
                "value": (0.0 if is_missing(value) else float(value)) if seen else None,
                "cumulative": total if seen and k.cumulative else None,
                "pace": pace[i],
            }
        )
    if k.cumulative:
        actual = total if elapsed else None
    j = judge(actual, target, k.higher_is_better, k.cumulative, days, elapsed)
    return NorthStar(
        kpi_id,
        labels[0],
        labels[1],
        scope,
        start,
        end,
        as_of,
        float(target),
        actual,
        j,
        pd.DataFrame(rows, columns=["date", "value", "cumulative", "pace"]),
    )


def pick_campaign(campaigns: pd.DataFrame, as_of: date) -> int | None:
    """Index of the campaign in progress at ``as_of``, else the latest that had started, else None."""
    if campaigns.empty:
        return None
    starts = pd.to_datetime(campaigns["period_start"]).dt.date
    ends = pd.to_datetime(campaigns["period_end"]).dt.date
    running = campaigns[(starts <= as_of) & (ends >= as_of)]
    if not running.empty:
        return int(running.index[0])
    started = campaigns[starts <= as_of]
    if not started.empty:
        return int(started.assign(s=starts).sort_values("s", ascending=False).index[0])
    return int(campaigns.index[0])
