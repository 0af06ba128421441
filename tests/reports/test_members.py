"""Member lifecycle against an independent walk over the raw orders, on DuckDB and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest

from dashboard.filters import Filters, Scope
from dashboard.metrics import lifecycle as lc
from dashboard.reports import kpis
from dashboard.reports.members import load as members
from dashboard.reports.members import tables as members_tables
from dashboard.reports.sheet_display import display
from tests.reports import members_oracle as oracle

PERIODS = [
    Filters(date(2026, 10, 19), date(2026, 11, 15)),
    Filters(date(2026, 9, 1), date(2026, 9, 30), specialties=("dental",)),
]


def _stage_counts(table: pd.DataFrame, day: date) -> dict[str, int]:
    counts = table[day].value_counts()
    return {s: int(counts.get(s, 0)) for s in lc.STAGES}


@pytest.mark.parametrize("f", PERIODS, ids=["4-weeks-to-end", "dental-september"])
def test_stages_and_flows_match_walk(warehouse, raw, f):
    report = members.load(f, Scope.all(), months=12)
    snapshots = lc.snapshot_dates(f.end)
    days = oracle.purchase_days(raw, f)
    table = oracle.stages(days, snapshots, lc.DEFAULT_ACTIVE_DAYS, lc.DEFAULT_LAPSE_DAYS)
    got = dict(zip(report.stages["stage"], report.stages["customers"], strict=True))
    assert got == _stage_counts(table, f.end)
    assert report.prospects == int((table[f.end] == "none").sum())
    for day in snapshots:
        counts = report.counts[report.counts["snapshot"] == day]
        assert dict(zip(counts["stage"], counts["customers"], strict=True)) == _stage_counts(
            table, day
        ), day
    want = oracle.transitions(table, snapshots)
    flows = Counter(
        {
            (r.start, r.end, r.from_stage, r.to_stage): int(r.customers)
            for r in report.flows.itertuples()
            if r.customers
        }
    )
    assert flows == want
    # Every stage the definition allows shows up somewhere in a year of the chain.
    assert {s for (_, _, _, s) in want} == set(lc.STAGES)


def test_thresholds_are_honoured(warehouse, raw):
    f = PERIODS[0]
    report = members.load(f, Scope.all(), active_days=60, lapse_days=200, months=3)
    assert (report.thresholds.active_days, report.thresholds.lapse_days) == (60, 200)
    days = oracle.purchase_days(raw, f)
    table = oracle.stages(days, lc.snapshot_dates(f.end), 60, 200)
    got = dict(zip(report.stages["stage"], report.stages["customers"], strict=True))
    assert got == _stage_counts(table, f.end)
    assert len(report.snapshots) == 4
    assert sorted(set(report.flows["end"])) == list(report.snapshots[1:])


def test_transition_table_is_last_step(warehouse, raw):
    f = PERIODS[0]
    report = members.load(f, Scope.all())
    start, end = report.last_step
    days = oracle.purchase_days(raw, f)
    table = oracle.stages(days, [start, end], lc.DEFAULT_ACTIVE_DAYS, lc.DEFAULT_LAPSE_DAYS)
    matrix = report.transitions.set_index("stage")
    for origin in (lc.NO_PURCHASE, *lc.STAGES):
        for target in lc.STAGES:
            want = int(((table[start] == origin) & (table[end] == target)).sum())
            assert matrix.loc[origin, target] == want, (origin, target)
    assert matrix.loc[list(lc.STAGES), "total"].sum() == int((table[start] != "none").sum())


def test_value_tiers_match_lifetime_values(warehouse, raw):
    f = PERIODS[0]
    report = members.load(f, Scope.all(), tier_mid=3000, tier_high=15000)
    ltv = oracle.lifetime_values(raw, f)
    tiers = pd.cut(
        ltv, [-1, 3000 - 1e-9, 15000 - 1e-9, float("inf")], labels=["low", "mid", "high"]
    )
    table = report.tier_table.set_index("tier")
    for tier in lc.TIERS:
        chosen = ltv[tiers == tier]
        assert table.loc[tier, "customers"] == len(chosen)
        assert table.loc[tier, "ltv"] == pytest.approx(chosen.sum())
        assert table.loc[tier, "ltv_share"] == pytest.approx(chosen.sum() / ltv.sum())
    assert report.stage_tier[list(lc.TIERS)].to_numpy().sum() == len(ltv)


def test_repeat_rate_is_the_registry_kpi(warehouse):
    f = PERIODS[0]
    report = members.load(f, Scope.all())
    assert (
        report.repeat["repeat_rate"].current
        == kpis.totals(["repeat_rate"], f, Scope.all())["repeat_rate"]
    )


def test_city_scope_is_home_city(warehouse, raw):
    f = PERIODS[0]
    city = int(raw["cities"]["city_id"].iloc[0])
    scoped = members.load(f, Scope(frozenset({city})))
    days = oracle.purchase_days(raw, f, Scope(frozenset({city})))
    table = oracle.stages(days, [f.end], lc.DEFAULT_ACTIVE_DAYS, lc.DEFAULT_LAPSE_DAYS)
    got = dict(zip(scoped.stages["stage"], scoped.stages["customers"], strict=True))
    assert got == _stage_counts(table, f.end)


def test_bad_controls_fall_back_to_defaults(warehouse):
    report = members.load(
        PERIODS[0], Scope.all(), active_days=400, lapse_days=100, tier_mid=9, tier_high=1, months=7
    )
    assert not report.thresholds_ok and not report.tiers_ok
    assert report.thresholds == lc.Thresholds() and report.tiers == lc.TierThresholds()
    assert report.months == lc.DEFAULT_MONTHS
    assert "bad_thresholds" in members_tables.rules(
        report, "zh"
    ) and "bad_tiers" in members_tables.rules(report, "en")


def test_empty_period_is_empty(warehouse):
    report = members.load(Filters(date(2019, 1, 7), date(2019, 1, 13)), Scope.all())
    assert report.is_empty
    assert report.stages["share"].isna().all() or all(v is None for v in report.stages["share"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets_are_the_tables_shown(duckdb_warehouse, lang):
    report = members.load(PERIODS[0], Scope.all())
    sheets = members_tables.sheets(report, lang)
    assert len({s.name for s in sheets}) == len(sheets)
    for sheet in sheets:
        table = sheet.table()
        assert len(table.columns) == len(sheet.columns)
        assert len(sheet.name) <= 31 and sheet.title
        shown = display(sheet, lang)
        assert list(shown.columns) == list(table.columns)
        cells = {str(v).lower() for v in shown.to_numpy().ravel()}
        assert not cells & {"nan", "nat", "none", "inf", "-inf"}
