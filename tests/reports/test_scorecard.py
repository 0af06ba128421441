"""The scorecard report against independent pandas computations over the raw rows (both backends):
actuals, targets, attainment, status, pacing, trend, sparkline, scope switch and city league."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dashboard.export.sheet import COLUMN_UNITS
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.metrics.registry import SCORECARD_KPIS, kpi
from dashboard.reports.scorecard import load as scorecard_load
from dashboard.reports.scorecard import tables as scorecard_tables
from tests.reports.kpi_expected import Raw, approx_equal, expected_status, target
from tests.reports.kpi_expected import kpis as expected_kpis

DATA_END = date(2026, 11, 15)
GLOBAL = Filters(date(2026, 10, 19), date(2026, 11, 15))  # the sidebar period: ignored here
ZHENGZHOU = 10


@pytest.fixture(scope="module")
def r(raw) -> Raw:
    return Raw(raw)


def _rows(report) -> dict[str, dict]:
    return {row["kpi_id"]: row for row in report.rows.to_dict("records")}


def test_complete_month_chain(warehouse, r):
    report = scorecard_load.load(GLOBAL, Scope.all(), "month", "2026-10", "chain", DATA_END)
    assert not report.in_progress and report.elapsed_days == 31 and not report.is_empty
    rows = _rows(report)
    assert list(rows) == [k for ids in SCORECARD_KPIS.values() for k in ids]
    oct_ = Filters(date(2026, 10, 1), date(2026, 10, 31))
    want = expected_kpis(r, oct_)
    before = expected_kpis(r, Filters(date(2026, 9, 1), date(2026, 9, 30)))
    for kpi_id, row in rows.items():
        k = kpi(kpi_id)
        assert approx_equal(row["actual"], want[kpi_id]), kpi_id
        goal = target(r, kpi_id, "month", oct_.start, oct_.end, "chain", 0)
        assert approx_equal(row["target"], goal), kpi_id
        assert row["status"] == expected_status(want[kpi_id], goal, k.higher_is_better) or (
            row["status"] is None and goal is None
        ), kpi_id
        if goal:
            ratio = want[kpi_id] / goal
            assert row["attainment"] == pytest.approx(ratio if k.higher_is_better else 2 - ratio)
        assert approx_equal(row["previous"], before[kpi_id]), kpi_id
    # The seed sets no target for the share of 5s: it shows a value and no (false) status.
    top = rows["satisfaction_top_share"]
    assert top["actual"] is not None and top["status"] is None and top["reason"] == "no_target"


def test_month_in_progress_is_judged_on_pacing(warehouse, r):
    report = scorecard_load.load(GLOBAL, Scope.all(), "month", "2026-11", "chain", DATA_END)
    assert report.in_progress and report.elapsed_days == 15
    assert (report.comparison.start, report.comparison.end) == (
        date(2026, 10, 1),
        date(2026, 10, 15),
    )
    rows = _rows(report)
    to_date = expected_kpis(r, Filters(date(2026, 11, 1), DATA_END))
    like_for_like = expected_kpis(r, Filters(date(2026, 10, 1), date(2026, 10, 15)))
    nov = (date(2026, 11, 1), date(2026, 11, 30))
    for kpi_id in ("revenue", "new_members", "training_hours_per_staff"):  # cumulative
        row, goal = rows[kpi_id], target(r, kpi_id, "month", *nov, "chain", 0)
        assert row["pacing"]
        assert row["target_to_date"] == pytest.approx(goal * 15 / 30)
        assert row["projection"] == pytest.approx(to_date[kpi_id] * 30 / 15)
        assert row["status"] == expected_status(to_date[kpi_id], goal * 15 / 30, True)
        assert approx_equal(row["previous"], like_for_like[kpi_id])
    for kpi_id in ("arrival_rate", "cac", "complaint_rate"):  # levels: the target itself
        row, goal = rows[kpi_id], target(r, kpi_id, "month", *nov, "chain", 0)
        assert not row["pacing"] and row["target_to_date"] == pytest.approx(goal)
        assert row["status"] == expected_status(to_date[kpi_id], goal, kpi(kpi_id).higher_is_better)


def test_sparkline_is_twelve_complete_weeks(warehouse, r):
    report = scorecard_load.load(GLOBAL, Scope.all(), "month", "2026-11", "chain", DATA_END)
    assert len(report.weeks) == 12 and report.weeks[-1] == date(2026, 11, 9)
    spark = _rows(report)["arrival_rate"]["spark"]
    assert len(spark) == 12
    for week_start, value in zip(report.weeks[-3:], spark[-3:], strict=True):
        want = expected_kpis(r, Filters(week_start, week_start + timedelta(days=6)))["arrival_rate"]
        assert approx_equal(value, want)


def test_city_and_clinic_scope(warehouse, r):
    city = scorecard_load.load(
        GLOBAL, Scope.all(), "month", "2026-10", f"city-{ZHENGZHOU}", DATA_END
    )
    rows = _rows(city)
    want = expected_kpis(r, Filters(date(2026, 10, 1), date(2026, 10, 31), cities=(ZHENGZHOU,)))
    assert approx_equal(rows["revenue"]["actual"], want["revenue"])
    goal = target(r, "revenue", "month", date(2026, 10, 1), date(2026, 10, 31), "city", ZHENGZHOU)
    assert rows["revenue"]["target"] == pytest.approx(goal)
    # The seed has no city target for satisfaction: value only.
    assert rows["satisfaction_mean"]["status"] is None and rows["satisfaction_mean"]["actual"]
    clinic_id = int(r.clinics.loc[r.clinics.city_id == ZHENGZHOU, "clinic_id"].iloc[0])
    clinic = scorecard_load.load(
        GLOBAL, Scope.all(), "month", "2026-10", f"clinic-{clinic_id}", DATA_END
    )
    c_rows = _rows(clinic)
    c_want = expected_kpis(r, Filters(date(2026, 10, 1), date(2026, 10, 31), clinics=(clinic_id,)))
    assert approx_equal(c_rows["new_members"]["actual"], c_want["new_members"])
    assert all(row["reason"] == "no_target" for row in c_rows.values() if row["actual"] is not None)


def test_filters_that_narrow_the_scope_are_not_judged(warehouse, r):
    f = Filters(GLOBAL.start, GLOBAL.end, specialties=("dental",))
    report = scorecard_load.load(f, Scope.all(), "month", "2026-10", "chain", DATA_END)
    assert report.narrowing == ("specialty",)
    rows = _rows(report)
    want = expected_kpis(r, Filters(date(2026, 10, 1), date(2026, 10, 31), specialties=("dental",)))
    assert approx_equal(rows["revenue"]["actual"], want["revenue"])
    assert rows["revenue"]["target"] is not None and rows["revenue"]["status"] is None
    assert rows["revenue"]["reason"] == "not_comparable"
    assert report.league_narrowing == ("specialty",)
    assert report.league["status"].isna().all()


def test_city_league(warehouse, r):
    report = scorecard_load.load(GLOBAL, Scope.all(), "month", "2026-11", "chain", DATA_END)
    assert set(report.league_kpis) == set(
        r.targets.loc[
            (r.targets.scope_kind == "city")
            & (r.targets.period_kind == "month")
            & (r.targets.period_start == date(2026, 11, 1)),
            "kpi_id",
        ]
    )
    table = scorecard_tables.league_table(report, "en")
    assert table["city_id"].nunique() == r.clinics["city_id"].nunique()
    for row in table.to_dict("records"):
        actual = expected_kpis(r, Filters(date(2026, 11, 1), DATA_END, cities=(row["city_id"],)))[
            row["kpi_id"]
        ]
        goal = target(
            r, row["kpi_id"], "month", date(2026, 11, 1), date(2026, 11, 30), "city", row["city_id"]
        )
        assert approx_equal(row["actual"], actual)
        assert row["target_to_date"] == pytest.approx(goal * 15 / 30)
        assert row["attainment"] == pytest.approx(actual / (goal * 15 / 30))
        assert row["status"] == expected_status(actual, goal * 15 / 30, True)
        assert row["label"].startswith(f"{row['attainment']:.0%}")
    means = table.groupby("rank")["attainment"].mean()
    assert list(means) == sorted(means, reverse=True)  # rank 1 has the best mean attainment


def test_restricted_viewer_sees_only_their_cities(warehouse, r):
    scope = Scope(frozenset({ZHENGZHOU}))
    opts = scorecard_load.options(GLOBAL, scope, DATA_END)
    assert "chain" not in opts.scopes and opts.default_scope == f"city-{ZHENGZHOU}"
    report = scorecard_load.load(GLOBAL, scope, "month", "2026-11", "chain", DATA_END)
    assert report.target_scope.code == f"city-{ZHENGZHOU}"
    assert set(report.league["city_id"]) == {ZHENGZHOU}


def test_odd_controls_fall_back(warehouse):
    report = scorecard_load.load(GLOBAL, Scope.all(), "fortnight", "nonsense", "city-999", DATA_END)
    assert report.period.code == "2026-11" and report.target_scope.code == "chain"
    future = scorecard_load.load(GLOBAL, Scope.all(), "quarter", "2027-Q2", None, DATA_END)
    assert future.period.code == "2026-Q4" and future.in_progress
    assert all(reason == "no_target" for reason in future.rows["reason"].dropna())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets_and_tables(warehouse, lang):
    report = scorecard_load.load(GLOBAL, Scope.all(), "month", "2026-11", "chain", DATA_END)
    for perspective in SCORECARD_KPIS:
        table = scorecard_tables.kpi_table(report, perspective, lang)
        assert len(table) == len(SCORECARD_KPIS[perspective])
        assert {"outlook", "target", "status", "spark"} <= set(table.columns)
        assert not table.drop(columns="spark").isna().any().any()
    sheets = scorecard_tables.sheets(report, lang)
    assert len(sheets) == 3
    for sheet in sheets:
        assert all(c.unit in COLUMN_UNITS for c in sheet.columns)
        assert sheet.table().shape[1] == len(sheet.columns)
    assert len(sheets[0].frame) == len(report.rows) and len(sheets[1].frame) == 12
    shown = sheets[0].table()[t("scorecard.col.unit", lang)].tolist()
    assert shown == [t(f"kpi_unit.{kpi(k).unit}", lang) for k in report.rows["kpi_id"]]
