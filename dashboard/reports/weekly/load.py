"""Weekly review (周例会): one ISO week against last week, the 4-week average and targets;
top movers by city × channel; the north-star campaign's progress; a generated summary.

The week is picked on the page (the global date preset does not apply); the city,
specialty, clinic and channel filters and the viewer's scope do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from dashboard import clock, data
from dashboard.filters import Filters, Scope
from dashboard.metrics import weekly as wm
from dashboard.metrics.evaluate import frame_values
from dashboard.metrics.periods import Period, last_complete_week, parse_period
from dashboard.metrics.registry import WEEKLY_KPIS, arrival_basis, kpi
from dashboard.metrics.target_scope import TargetScope, implied_scope, narrowing, scoped_filters
from dashboard.metrics.targets import index_targets
from dashboard.page_context import PageContext
from dashboard.reports import kpis
from dashboard.reports.weekly.model import WeeklyData

WEEK_CHOICES = 52


def week_options(data_end: date, limit: int = WEEK_CHOICES) -> tuple[str, ...]:
    """Complete ISO weeks up to the data's end, newest first (codes like 2026-W46)."""
    last = last_complete_week(data_end)
    return tuple((last.start - timedelta(weeks=i)).strftime("%G-W%V") for i in range(limit))


def resolve_week(code: str | None, data_end: date) -> Period:
    """The picked ISO week, or the last complete week when the pick is odd or in the future."""
    last = last_complete_week(data_end)
    try:
        week = parse_period("week", code or "")
    except ValueError:
        return last
    return week if week.end <= last.end else last


def campaign_code(row: dict) -> str:
    """A stable code of a campaign row: first day, KPI and scope."""
    start = pd.Timestamp(row["period_start"]).date().isoformat()
    return f"{start}:{row['kpi_id']}:{TargetScope(row['scope_kind'], int(row['scope_id'])).code}"


def campaign_options(filters: Filters, scope: Scope) -> pd.DataFrame:
    """The campaign targets the viewer may see (and the city filter allows), with their codes."""
    frame = data.run("weekly_campaigns", None, scope)
    if filters.cities:
        frame = frame[(frame["scope_kind"] == "chain") | frame["city_id"].isin(filters.cities)]
    frame = frame.reset_index(drop=True)
    return frame.assign(code=[campaign_code(r) for r in frame.to_dict("records")])


def load(
    filters: Filters,
    scope: Scope,
    week_code: str | None = None,
    campaign: str | None = None,
    data_end: date | None = None,
) -> WeeklyData:
    """Everything the weekly review shows for the picked week (and campaign)."""
    if data_end is None:
        as_of = data.data_as_of()
        data_end = as_of.date() if as_of else clock.today()
    week = resolve_week(week_code, data_end)
    last = week.previous()
    prior_start = week.start - timedelta(weeks=wm.AVERAGE_WEEKS)

    # The week's KPI reads and the movers at once.
    reads = kpis.plan(
        [
            kpis.Read(WEEKLY_KPIS, filters.with_period(prior_start, week.end), "week"),
            kpis.Read(WEEKLY_KPIS, filters.with_period(prior_start, last.end)),
        ],
        scope,
    )
    split = datetime.combine(week.start, time.min)
    frame, *kpi_frames = data.run_all(
        data.query(
            "weekly_movers", filters.with_period(last.start, week.end), scope, split_ts=split
        ),
        *reads.queries,
    )
    measured_weeks, measured_four = reads.measures(kpi_frames)
    weekly = frame_values(measured_weeks, WEEKLY_KPIS)
    by_week = {r["bucket_start"]: r for r in weekly.to_dict("records")}
    this_values = {k: by_week.get(week.start, {}).get(k) for k in WEEKLY_KPIS}
    last_values = {k: by_week.get(last.start, {}).get(k) for k in WEEKLY_KPIS}
    four = kpis.totals_of(measured_four, WEEKLY_KPIS)

    clinic_city = _clinic_cities(scope)
    target_scope = implied_scope(filters, scope, clinic_city)
    targets = _week_targets(week, scope, target_scope)
    heads = wm.headlines(WEEKLY_KPIS, this_values, last_values, four, targets)
    movers = {m: wm.movers(frame, m) for m in wm.MOVER_METRICS}

    campaigns = campaign_options(filters, scope)
    star, star_code, star_blocked = _north_star(
        filters, scope, campaigns, campaign, min(week.end, data_end), clinic_city
    )
    empty = all(not (this_values.get(k) or 0) for k in ("inquiries", "arrivals", "revenue"))
    return WeeklyData(
        week=week,
        data_end=data_end,
        target_scope=target_scope,
        target_scope_names=_scope_names(target_scope, scope),
        headlines=heads,
        movers=movers,
        campaigns=campaigns,
        campaign=star_code,
        north_star=star,
        north_star_narrowing=star_blocked,
        is_empty=empty,
        arrival_basis=arrival_basis(
            measured_weeks.iloc[0].to_dict() if not measured_weeks.empty else {}
        ),
    )


def default_campaign(campaigns: pd.DataFrame, week_code: str | None, data_end: date) -> str | None:
    """The code of the campaign in progress at the reviewed week's end (else the latest started)."""
    index = wm.pick_campaign(campaigns, min(resolve_week(week_code, data_end).end, data_end))
    return None if index is None else str(campaigns.loc[index, "code"])


def _scope_names(target_scope: TargetScope | None, scope: Scope) -> tuple[str, str] | None:
    """The (zh, en) names of a target scope."""
    if target_scope is None:
        return None
    if target_scope.kind == "chain":
        return ("全连锁", "the whole chain")
    query, key = (
        ("filter_cities", "city_id")
        if target_scope.kind == "city"
        else ("filter_clinics", "clinic_id")
    )
    frame = data.run(query, None, scope)
    row = frame[frame[key] == target_scope.id]
    if row.empty:
        return None
    return (str(row["name_zh"].iloc[0]), str(row["name_en"].iloc[0]))


def _clinic_cities(scope: Scope) -> dict[int, int]:
    clinics = data.run("filter_clinics", None, scope)
    return dict(zip(clinics["clinic_id"].astype(int), clinics["city_id"].astype(int), strict=True))


def _week_targets(week: Period, scope: Scope, target_scope: TargetScope | None) -> dict[str, float]:
    """The week's targets at the scope the filters select exactly (none when they cut across)."""
    if target_scope is None:
        return {}
    frame = data.run(
        "kpi_targets", None, scope, period_kind="week", period_start=week.start, period_end=week.end
    )
    index = index_targets(frame)
    return {
        kpi_id: value
        for (kpi_id, kind, ident), value in index.items()
        if kind == target_scope.kind and ident == target_scope.id
    }


def _north_star(
    filters: Filters,
    scope: Scope,
    campaigns: pd.DataFrame,
    code: str | None,
    as_of: date,
    clinic_city: dict[int, int],
) -> tuple[wm.NorthStar | None, str | None, tuple[str, ...]]:
    """The chosen (or default) campaign's progress to ``as_of`` under the page's filters."""
    if campaigns.empty:
        return None, None, ()
    picked = campaigns.index[campaigns["code"] == code]
    index = int(picked[0]) if len(picked) else wm.pick_campaign(campaigns, as_of)
    row = campaigns.loc[index].to_dict()
    target_scope = TargetScope(str(row["scope_kind"]), int(row["scope_id"]))
    start = pd.Timestamp(row["period_start"]).date()
    end = pd.Timestamp(row["period_end"]).date()
    kpi_id = str(row["kpi_id"])
    star_filters = scoped_filters(filters, target_scope, clinic_city)
    last_day = min(as_of, end)
    daily: dict[date, float | None] = {}
    actual = None
    if last_day >= start:
        days = kpis.by_grain([kpi_id], star_filters.with_period(start, last_day), scope, "day")
        daily = {r["bucket_start"]: r[kpi_id] for r in days.to_dict("records")}
        if not kpi(kpi_id).cumulative:
            # A level (a rate) over the campaign so far is not a sum of days: ask for it whole.
            actual = kpis.totals([kpi_id], star_filters.with_period(start, last_day), scope)[kpi_id]
    labels = (str(row.get("label_zh") or kpi_id), str(row.get("label_en") or kpi_id))
    star = wm.north_star(
        kpi_id, labels, target_scope, start, end, as_of, float(row["target"]), daily, actual
    )
    blocked = narrowing(filters, target_scope.kind)
    if blocked and star.judgement.status is not None:
        # The target is for the whole campaign scope; a narrower actual is not judged against it.
        j = replace(star.judgement, attainment=None, status=None, reason="not_comparable")
        star = replace(star, judgement=j)
    return star, str(row["code"]), blocked


def review_week(filters: Filters, data_end: date) -> Period:
    """The week a review of a period covers: the last complete week in it (or before its end)."""
    return last_complete_week(min(filters.end, data_end))


def build(ctx: PageContext) -> WeeklyData:
    """The review of the period's last complete week, its campaign in progress (the registry's)."""
    week = review_week(ctx.filters, ctx.data_end).code
    return load(ctx.filters, ctx.scope, week_code=week, data_end=ctx.data_end)
