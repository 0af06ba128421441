"""Every registry KPI from the warehouse against an independent pandas computation (both backends),
at each grain the scorecard and weekly review use (period, week, day, city)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics.registry import KPIS, SCORECARD_KPIS, WEEKLY_KPIS
from dashboard.reports import kpis
from tests.reports.kpi_expected import Raw, approx_equal
from tests.reports.kpi_expected import kpis as expected_kpis

ALL = tuple(
    k for k in KPIS if KPIS[k].query in ("kpi_funnel", "kpi_money", "kpi_quality", "kpi_repurchase")
)
CASES = [
    Filters(date(2026, 10, 1), date(2026, 10, 31)),
    # A year back: every repurchase window (90, 180, 365 days) has ended.
    Filters(date(2025, 6, 1), date(2025, 8, 31)),
    Filters(date(2026, 11, 1), date(2026, 11, 15), specialties=("dental", "eye")),
    Filters(date(2026, 9, 7), date(2026, 9, 20), cities=(10,), channels=(1, 4, 11)),
]


@pytest.fixture(scope="module")
def r(raw) -> Raw:
    return Raw(raw)


def test_scorecard_and_weekly_kpis_are_registered():
    ids = {k for ids in SCORECARD_KPIS.values() for k in ids}
    assert ids <= set(KPIS) and set(WEEKLY_KPIS) <= set(KPIS)
    for perspective, ids_ in SCORECARD_KPIS.items():
        assert all(KPIS[k].perspective == perspective for k in ids_)


@pytest.mark.parametrize("f", CASES, ids=["month", "year-back", "specialties", "city-channels"])
def test_every_kpi_matches_pandas(warehouse, r, f):
    got = kpis.totals(ALL, f, Scope.all())
    want = expected_kpis(r, f)
    for kpi_id in ALL:
        assert approx_equal(got[kpi_id], want[kpi_id]), (kpi_id, got[kpi_id], want[kpi_id])


def test_week_grain_matches_pandas_per_week(warehouse, r):
    start = date(2026, 10, 12)
    f = Filters(start, start + timedelta(weeks=4, days=-1))
    weekly = kpis.by_grain(ALL, f, Scope.all(), "week")
    assert list(weekly["bucket_start"]) == [start + timedelta(weeks=i) for i in range(4)]
    for row in weekly.to_dict("records"):
        week = f.with_period(row["bucket_start"], row["bucket_start"] + timedelta(days=6))
        want = expected_kpis(r, week)
        for kpi_id in ALL:
            assert approx_equal(row[kpi_id], want[kpi_id]), (row["bucket_start"], kpi_id)


def test_city_grain_matches_pandas_per_city(warehouse, r):
    f = Filters(date(2026, 11, 1), date(2026, 11, 15))
    by_city = kpis.by_grain(ALL, f, Scope.all(), "city")
    assert sorted(by_city["city_id"]) == sorted(r.clinics["city_id"].unique())
    for row in by_city.to_dict("records"):
        want = expected_kpis(r, Filters(f.start, f.end, cities=(row["city_id"],)))
        for kpi_id in ALL:
            assert approx_equal(row[kpi_id], want[kpi_id]), (row["city_id"], kpi_id)


def test_day_grain_sums_to_the_period(warehouse, r):
    f = Filters(date(2026, 10, 1), date(2026, 10, 10), cities=(10,))
    daily = kpis.by_grain(["arrivals", "revenue"], f, Scope.all(), "day")
    assert len(daily) == 10
    want = expected_kpis(r, f)
    assert daily["arrivals"].sum() == want["arrivals"]
    assert daily["revenue"].sum() == pytest.approx(want["revenue"])


def test_restricted_scope_cannot_widen(warehouse, r):
    f = Filters(date(2026, 10, 1), date(2026, 10, 31), cities=(1,))
    got = kpis.totals(["arrivals", "new_members"], f, Scope(frozenset({10})))
    want = expected_kpis(r, Filters(f.start, f.end, cities=(10,)))
    assert got["arrivals"] == want["arrivals"] and got["new_members"] == want["new_members"]


def test_empty_period_gives_no_values(warehouse):
    got = kpis.totals(ALL, Filters(date(2019, 1, 7), date(2019, 1, 13)), Scope.all())
    assert got["cac"] is None and got["repeat_rate"] is None and got["lead_to_arrival_days"] is None
    assert got["arrivals"] in (0.0, None)


def test_several_reads_at_once_match_pandas_each(warehouse, r):
    # Three periods and two grains in one run: each read gets its own figures back, in order.
    reads = [kpis.Read(ALL, f) for f in CASES]
    week = Filters(date(2026, 10, 12), date(2026, 10, 18))
    reads.append(kpis.Read(["arrivals", "revenue"], week, "week"))
    measured = kpis.measures_many(reads, Scope.all())
    assert len(measured) == len(reads)
    for f, frame in zip(CASES, measured, strict=False):
        got, want = kpis.totals_of(frame, ALL), expected_kpis(r, f)
        for kpi_id in ALL:
            assert approx_equal(got[kpi_id], want[kpi_id]), (f, kpi_id)
    weekly = measured[-1]
    assert list(weekly["bucket_start"]) == [week.start]
    want = expected_kpis(r, week)
    got = kpis.totals_of(weekly, ["arrivals", "revenue"])
    assert got["arrivals"] == want["arrivals"]
    assert got["revenue"] == pytest.approx(want["revenue"])


def test_a_plan_runs_beside_other_queries(warehouse, raw, r):
    f = CASES[0]
    planned = kpis.plan([kpis.Read(ALL, f), kpis.Read(ALL, f.previous())], Scope.all())
    other, *frames = data.run_all(data.query("filter_cities", None, Scope.all()), *planned.queries)
    assert other["city_id"].tolist() == sorted(raw["cities"]["city_id"])
    now, before = planned.measures(frames)
    for frame, period in ((now, f), (before, f.previous())):
        got, want = kpis.totals_of(frame, ALL), expected_kpis(r, period)
        for kpi_id in ALL:
            assert approx_equal(got[kpi_id], want[kpi_id]), (period, kpi_id)


def test_unknown_grain_is_refused(warehouse):
    with pytest.raises(ValueError, match="grain"):
        kpis.plan([kpis.Read(ALL, CASES[0], "fortnight")], Scope.all())
