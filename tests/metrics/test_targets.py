"""Attainment, status and pacing on hand-built edge cases: lower-is-better KPIs, a zero target,
a missing target, a missing value, boundaries at exactly 10%, and periods in progress."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.metrics.targets import attainment, index_targets, judge, pacing_line, status


@pytest.mark.parametrize(
    ("actual", "target", "up", "expected"),
    [
        (100, 100, True, "green"),  # exactly on target
        (120, 100, True, "green"),
        (95, 100, True, "amber"),
        (90, 100, True, "amber"),  # exactly 10% short is still within 10%
        (89.9, 100, True, "red"),
        (0, 100, True, "red"),
        # Lower is better (CAC, complaint rate, days to arrival): under target is good.
        (80, 100, False, "green"),
        (100, 100, False, "green"),
        (105, 100, False, "amber"),
        (110, 100, False, "amber"),
        (110.1, 100, False, "red"),
        (0.02, 0.015, False, "red"),
        # A zero target: on or beyond it is green; nothing is "within 10%" of zero.
        (0, 0, True, "green"),
        (3, 0, True, "green"),
        (0, 0, False, "green"),
        (1, 0, False, "red"),
        (-1, 0, True, "red"),
        # Negative targets (a loss-making ROI plan) still follow the direction.
        (-0.5, -1.0, True, "green"),
        (-1.05, -1.0, True, "amber"),
    ],
)
def test_status(actual, target, up, expected):
    assert status(actual, target, up) == expected


@pytest.mark.parametrize(
    ("actual", "target"), [(None, 100), (100, None), (None, None), (float("nan"), 1)]
)
def test_missing_actual_or_target_has_no_status(actual, target):
    assert status(actual, target, True) is None
    assert attainment(actual, target, True) is None


def test_attainment_is_direction_aware():
    assert attainment(120, 100, True) == pytest.approx(1.2)
    assert attainment(80, 100, False) == pytest.approx(1.2)  # 20% under a cost target
    assert attainment(110, 100, False) == pytest.approx(0.9)
    assert attainment(5, 0, True) is None  # no percentage of a zero target


@given(
    actual=st.floats(-1e6, 1e6, allow_nan=False),
    target=st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
    up=st.booleans(),
)
def test_status_agrees_with_attainment(actual, target, up):
    a = attainment(actual, target, up)
    s = status(actual, target, up)
    if a >= 1 + 1e-9:
        assert s == "green"
    elif a < 0.9 - 1e-9:
        assert s == "red"
    elif 0.9 + 1e-9 <= a < 1 - 1e-9:
        assert s == "amber"


def test_missing_target_shows_value_without_status():
    j = judge(42.0, None, True, cumulative=True, period_days=30, elapsed_days=30)
    assert j.actual == 42.0 and j.status is None and j.reason == "no_target"
    assert j.attainment is None and j.target is None


def test_missing_value_is_not_a_false_red():
    j = judge(None, 0.5, True, cumulative=False, period_days=30, elapsed_days=30)
    assert j.status is None and j.reason == "no_value"


def test_cumulative_kpi_in_progress_is_judged_on_pacing():
    # 15 of 30 days gone: 520 against a month target of 1,000 is ahead of the 500 due by now.
    j = judge(520.0, 1000.0, True, cumulative=True, period_days=30, elapsed_days=15)
    assert j.pacing and j.elapsed_share == 0.5
    assert j.target_to_date == pytest.approx(500.0)
    assert j.projection == pytest.approx(1040.0)
    assert j.status == "green" and j.attainment == pytest.approx(1.04)
    # The same actual against the full target would look like a false red.
    assert status(520.0, 1000.0, True) == "red"
    behind = judge(460.0, 1000.0, True, cumulative=True, period_days=30, elapsed_days=15)
    assert behind.status == "amber" and behind.projection == pytest.approx(920.0)


def test_cost_kpi_in_progress_prorates_the_budget():
    # Spend (lower is better) of 60% of the month's budget after half the month is over pace.
    j = judge(600.0, 1000.0, False, cumulative=True, period_days=30, elapsed_days=15)
    assert j.target_to_date == pytest.approx(500.0)
    assert j.status == "red" and j.projection == pytest.approx(1200.0)


def test_level_kpi_in_progress_is_judged_against_the_target_itself():
    j = judge(0.62, 0.60, True, cumulative=False, period_days=30, elapsed_days=10)
    assert j.pacing and j.target_to_date == 0.60 and j.projection == 0.62
    assert j.status == "green"


def test_complete_and_not_started_periods():
    done = judge(900.0, 1000.0, True, cumulative=True, period_days=30, elapsed_days=30)
    assert not done.pacing and done.target_to_date == 1000.0 and done.status == "amber"
    future = judge(None, 1000.0, True, cumulative=True, period_days=30, elapsed_days=0)
    assert future.status is None and future.reason == "not_started"


def test_index_targets_and_pacing_line():
    frame = pd.DataFrame(
        {
            "kpi_id": ["revenue", "revenue", "arrivals"],
            "scope_kind": ["chain", "city", "city"],
            "scope_id": [0, 10, 10],
            "target": [1000.0, 200.0, float("nan")],
        }
    )
    index = index_targets(frame)
    assert index == {("revenue", "chain", 0): 1000.0, ("revenue", "city", 10): 200.0}
    assert index_targets(frame.iloc[0:0]) == {}
    line = pacing_line(400.0, 56)
    assert len(line) == 56 and line[-1] == pytest.approx(400.0) and line[27] == pytest.approx(200.0)
