"""Balanced scorecard: every KPI against its target for one period and scope, plus a city league.

The period is a target period (ISO week, month, quarter or year) picked on the page; the
global date preset does not apply. Actuals respect the city/specialty/clinic/channel filters
and the viewer's scope; targets are judged only when the actuals cover the whole target scope.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from dashboard import clock, data
from dashboard.filters import Filters, Scope, cities_in_view
from dashboard.metrics.compare import compare
from dashboard.metrics.evaluate import frame_values
from dashboard.metrics.periods import (
    KINDS,
    Period,
    last_complete_week,
    parse_period,
    period_containing,
    recent_periods,
)
from dashboard.metrics.registry import SCORECARD_KPIS, arrival_basis, kpi
from dashboard.metrics.rows import column_tuples, object_frame
from dashboard.metrics.target_scope import TargetScope, narrowing, scoped_filters
from dashboard.metrics.targets import Judgement, index_targets, judge
from dashboard.page_context import PageContext
from dashboard.reports import kpis
from dashboard.reports.scorecard.model import DEFAULT_KIND, ScorecardData, ScorecardOptions

SPARK_WEEKS = 12
PERIOD_LIMITS = {"week": 26, "month": 24, "quarter": 8, "year": 3}
ALL_KPIS: tuple[str, ...] = tuple(k for ids in SCORECARD_KPIS.values() for k in ids)


def clinics_without_doctors(filters: Filters, scope: Scope) -> int:
    """Clinics in the filters and scope with no doctor count (first visits per doctor is "—")."""
    return int(data.run("clinics_without_doctors", filters, scope)["clinics"].iloc[0])


def options(filters: Filters, scope: Scope, data_end: date) -> ScorecardOptions:
    """Periods of each kind up to the data's end, and the scopes the viewer may pick."""
    cities = data.run("filter_cities", None, scope)
    clinics = data.run("filter_clinics", None, scope)
    return _options(filters, scope, data_end, cities, clinics)


def _options(
    filters: Filters, scope: Scope, data_end: date, cities: pd.DataFrame, clinics: pd.DataFrame
) -> ScorecardOptions:
    """``options`` from city and clinic lists already read."""
    periods = {
        kind: tuple(p.code for p in recent_periods(kind, date(1900, 1, 1), data_end, limit))
        for kind, limit in PERIOD_LIMITS.items()
    }
    # Out-of-scope picks never widen (or empty) the choices: the cities the data covers.
    in_view = cities_in_view(filters, scope)
    names: dict[str, tuple[str, str]] = {}
    if not scope.is_restricted:
        names["chain"] = ("全连锁", "Whole chain")
    for city, zh, en in column_tuples(cities, "city_id", "name_zh", "name_en"):
        if not in_view or city in in_view:
            names[TargetScope("city", int(city)).code] = (zh, en)
    for clinic, city, specialty, zh, en in column_tuples(
        clinics, "clinic_id", "city_id", "specialty", "name_zh", "name_en"
    ):
        if (
            (not in_view or city in in_view)
            and (not filters.specialties or specialty in filters.specialties)
            and (not filters.clinics or clinic in filters.clinics)
        ):
            names[TargetScope("clinic", int(clinic)).code] = (zh, en)
    codes = tuple(names)
    return ScorecardOptions(periods, codes, names, _default_scope(filters, in_view, codes))


def _default_scope(filters: Filters, in_view: tuple[int, ...], codes: tuple[str, ...]) -> str:
    """One clinic or one city picked in the filters: that scope; else the chain if allowed."""
    picks = []
    if len(filters.clinics) == 1:
        picks.append(TargetScope("clinic", filters.clinics[0]).code)
    if len(in_view) == 1:
        picks.append(TargetScope("city", in_view[0]).code)
    picks.append("chain")
    return next((c for c in picks if c in codes), codes[0] if codes else "chain")


def resolve_period(kind: str | None, code: str | None, data_end: date) -> Period:
    """The picked period, or the one in progress at the data's end when the pick is odd."""
    kind = kind if kind in KINDS else DEFAULT_KIND
    try:
        period = parse_period(kind, code or "")
    except ValueError:
        return period_containing(kind, data_end)
    return period if period.start <= data_end else period_containing(kind, data_end)


def load(
    filters: Filters,
    scope: Scope,
    kind: str | None = DEFAULT_KIND,
    period_code: str | None = None,
    scope_code: str | None = None,
    data_end: date | None = None,
) -> ScorecardData:
    """Actual, target, attainment, status, trend and sparkline of every scorecard KPI."""
    data_end = data_end or _data_end()
    period = resolve_period(kind, period_code, data_end)
    # The city and clinic lists are read once here and shared by the steps below.
    cities = data.run("filter_cities", None, scope)
    clinics = data.run("filter_clinics", None, scope)
    choices = _options(filters, scope, data_end, cities, clinics)
    if scope_code not in choices.scopes:
        scope_code = choices.default_scope
    target_scope = TargetScope.parse(scope_code) or TargetScope("chain")
    clinic_city = _clinic_cities(clinics)
    actual_filters = scoped_filters(filters, target_scope, clinic_city)
    elapsed = period.elapsed_days(data_end)
    to_date = period.first_days(elapsed) if elapsed else period
    comparison = period.previous().first_days(max(elapsed, 1))

    targets = index_targets(
        data.run(
            "kpi_targets",
            None,
            scope,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
        )
    )
    league_kpis = _league_kpis(targets)
    weeks = _spark_weeks(period, data_end)
    # Every KPI read of the page at once: the period to date, its comparison, the sparkline
    # weeks and (when cities have targets) the city league.
    reads = [
        kpis.Read(ALL_KPIS, actual_filters.with_period(to_date.start, to_date.end)),
        kpis.Read(ALL_KPIS, actual_filters.with_period(comparison.start, comparison.end)),
        kpis.Read(
            ALL_KPIS, actual_filters.with_period(weeks[0], weeks[-1] + timedelta(days=6)), "week"
        ),
    ]
    if league_kpis and elapsed:
        league_filters = filters.with_period(to_date.start, to_date.end)
        reads.append(kpis.Read(league_kpis, league_filters, "city"))
    measured = kpis.measures_many(reads, scope)
    current = kpis.totals_of(measured[0], ALL_KPIS)
    before = kpis.totals_of(measured[1], ALL_KPIS)
    blocked = narrowing(filters, target_scope.kind)
    spark = _sparklines(frame_values(measured[2], ALL_KPIS), weeks)
    rows = []
    for perspective, ids in SCORECARD_KPIS.items():
        for kpi_id in ids:
            k = kpi(kpi_id)
            target = targets.get((kpi_id, target_scope.kind, target_scope.id))
            j = _judge(kpi_id, current[kpi_id], target, period, elapsed, blocked)
            d = compare(current[kpi_id], before[kpi_id], k.higher_is_better)
            rows.append(_row(perspective, kpi_id, j, d, spark.get(kpi_id, [])))
    league_values = frame_values(measured[3], league_kpis) if len(measured) > 3 else None
    league, league_blocked = _league(
        filters, period, elapsed, targets, cities, league_kpis, league_values
    )
    empty = elapsed == 0 or all(current[k] in (None, 0.0) for k in ("revenue", "arrival_rate"))
    first = measured[0].iloc[0].to_dict() if not measured[0].empty else {}
    return ScorecardData(
        arrival_basis=arrival_basis(first),
        period=period,
        data_end=data_end,
        target_scope=target_scope,
        elapsed_days=elapsed,
        comparison=comparison,
        narrowing=blocked,
        rows=_frame(rows),
        weeks=weeks,
        league=league,
        league_kpis=league_kpis,
        league_narrowing=league_blocked,
        is_empty=empty,
    )


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The KPI rows as one object block: object keeps None as None (no NaN)."""
    if not rows:
        return pd.DataFrame(rows, dtype=object)
    names = list(rows[0])
    return object_frame([[row[c] for c in names] for row in rows], names)


def _data_end() -> date:
    as_of = data.data_as_of()
    return as_of.date() if as_of else clock.today()


def _clinic_cities(clinics: pd.DataFrame) -> dict[int, int]:
    return dict(zip(clinics["clinic_id"].astype(int), clinics["city_id"].astype(int), strict=True))


def _judge(
    kpi_id: str,
    actual: float | None,
    target: float | None,
    period: Period,
    elapsed: int,
    blocked: tuple[str, ...],
) -> Judgement:
    """Judge one KPI; with narrowing filters keep the target visible but give no status."""
    k = kpi(kpi_id)
    j = judge(actual, target, k.higher_is_better, k.cumulative, period.days, elapsed)
    if blocked and j.status is not None:
        return Judgement(
            j.actual,
            j.target,
            j.target_to_date,
            None,
            None,
            "not_comparable",
            j.projection,
            j.pacing,
            j.elapsed_share,
        )
    return j


def _row(perspective: str, kpi_id: str, j: Judgement, d, spark: list) -> dict[str, object]:
    # Only a cumulative KPI is prorated and projected; a level is judged against the target.
    paced = j.pacing and kpi(kpi_id).cumulative
    return {
        "perspective": perspective,
        "kpi_id": kpi_id,
        "actual": j.actual,
        "target": j.target,
        "target_to_date": j.target_to_date,
        "attainment": j.attainment,
        "status": j.status,
        "reason": j.reason,
        "projection": j.projection if paced else None,
        "pacing": paced,
        "previous": d.previous,
        "change_pct": d.change_pct,
        "verdict": d.verdict,
        "spark": spark,
    }


def _spark_weeks(period: Period, data_end: date) -> tuple[date, ...]:
    """The Mondays of the 12 complete ISO weeks up to the period's last day with data."""
    last = last_complete_week(min(period.to_date(data_end), data_end))
    first = last.start - timedelta(weeks=SPARK_WEEKS - 1)
    return tuple(first + timedelta(weeks=i) for i in range(SPARK_WEEKS))


def _sparklines(weekly: pd.DataFrame, weeks: tuple[date, ...]) -> dict[str, list[float | None]]:
    """Each KPI's value in each of the sparkline's weeks (None for a week without a row)."""
    # The last row of a week wins, as it did when the rows were keyed by week.
    row_of = {start: i for i, start in enumerate(weekly["bucket_start"].tolist())}
    rows = [row_of.get(w) for w in weeks]
    spark = {}
    for k in ALL_KPIS:
        values = weekly[k].tolist() if k in weekly.columns else [None] * len(weekly)
        spark[k] = [None if i is None else values[i] for i in rows]
    return spark


def _league_kpis(targets: dict[tuple[str, str, int], float]) -> tuple[str, ...]:
    """The KPIs some city has a target for this period, in the registry's order."""
    with_city_targets = {kpi_id for (kpi_id, kind, _) in targets if kind == "city"}
    league_kpis = tuple(
        k for k in (*ALL_KPIS, *sorted(with_city_targets)) if k in with_city_targets
    )
    return tuple(dict.fromkeys(league_kpis))


def _league(
    filters: Filters,
    period: Period,
    elapsed: int,
    targets: dict[tuple[str, str, int], float],
    cities: pd.DataFrame,
    league_kpis: tuple[str, ...],
    values: pd.DataFrame | None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Cities × KPIs with a city target this period: actual, target to date, attainment, status.

    ``values`` are the league KPIs per city over the period to date (None when no city has a
    target or the period has not started).
    """
    blocked = tuple(n for n in narrowing(filters, "city") if n != "city")
    columns = [
        "city_id",
        "name_zh",
        "name_en",
        "kpi_id",
        "actual",
        "target",
        "target_to_date",
        "attainment",
        "status",
        "reason",
    ]
    if values is None:
        return pd.DataFrame(columns=columns), blocked
    names = {
        city: (zh, en) for city, zh, en in column_tuples(cities, "city_id", "name_zh", "name_en")
    }
    actuals = {k: values[k].tolist() for k in league_kpis}
    rows = []
    for i, city in enumerate(values["city_id"].tolist()):
        city = int(city)
        if city not in names:
            continue
        for kpi_id in league_kpis:
            target = targets.get((kpi_id, "city", city))
            j = _judge(kpi_id, actuals[kpi_id][i], target, period, elapsed, blocked)
            zh, en = names[city]
            rows.append(
                [city, zh, en, kpi_id, j.actual, j.target, j.target_to_date]
                + [j.attainment, j.status, j.reason]
            )
    if not rows:
        return pd.DataFrame([], columns=columns, dtype=object), blocked
    # One object block built at once: object dtype keeps None as None (no NaN).
    return object_frame(rows, columns), blocked


def target_period(filters: Filters) -> tuple[str, str]:
    """The (kind, code) a period's targets are judged on: the week, month, quarter or year it
    spans exactly, else the month it ends in."""
    for kind in ("week", "month", "quarter", "year"):
        p = period_containing(kind, filters.start)
        if (p.start, p.end) == (filters.start, filters.end):
            return kind, p.code
    return "month", period_containing("month", filters.end).code


def build(ctx: PageContext) -> ScorecardData:
    """The targets of the period the filters span, at the default scope (the registry's)."""
    kind, code = target_period(ctx.filters)
    opts = options(ctx.filters, ctx.scope, ctx.data_end)
    return load(ctx.filters, ctx.scope, kind, code, opts.default_scope, ctx.data_end)
