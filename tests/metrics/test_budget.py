"""Budget arithmetic on hand-built rows: proration, the split, the reserve, pacing."""

from datetime import date

import pandas as pd
import pytest

from dashboard.metrics import budget as bm


def _plan(rows):
    return pd.DataFrame(rows, columns=["month_start", "city_id", "category", "amount"])


def test_days_and_overlap():
    assert bm.days_in_month(date(2026, 2, 1)) == 28
    assert bm.days_in_month(date(2024, 2, 1)) == 29
    assert bm.overlap_days(date(2026, 10, 1), date(2026, 10, 19), date(2026, 11, 15)) == 13
    assert bm.overlap_days(date(2026, 11, 1), date(2026, 10, 19), date(2026, 11, 15)) == 15
    assert bm.overlap_days(date(2026, 12, 1), date(2026, 10, 19), date(2026, 11, 15)) == 0


def test_prorate_by_days():
    plan = _plan(
        [
            (date(2026, 10, 1), 1, "marketing", 31_000.0),
            (date(2026, 11, 1), 1, "marketing", 30_000.0),
            (date(2026, 12, 1), 1, "marketing", 99_000.0),
        ]
    )
    got = bm.prorate(plan, date(2026, 10, 19), date(2026, 11, 15))
    assert list(got["amount"]) == pytest.approx([13_000.0, 15_000.0])


def test_split_reserve_and_overspend_per_city_month():
    m = date(2026, 10, 1)
    plan = _plan(
        [
            (m, 1, "marketing", 400.0),
            (m, 1, "service", 300.0),
            (m, 1, "operations", 300.0),
            (m, 1, "reserve", 176.5),
            (m, 2, "marketing", 400.0),
            (m, 2, "service", 300.0),
            (m, 2, "operations", 300.0),
        ]
    )
    actual = _plan(
        [
            (m, 1, "marketing", 450.0),
            (m, 1, "service", 250.0),
            (m, 1, "operations", 300.0),
            (m, 1, "reserve", 20.0),
            (m, 2, "marketing", 350.0),
            (m, 2, "service", 330.0),
        ]
    )
    lines = bm.lines(plan, actual)
    split = bm.split(lines).set_index("category")
    assert split.loc["marketing", "plan"] == 800 and split.loc["marketing", "actual"] == 800
    assert split.loc["marketing", "plan_share"] == pytest.approx(0.4)
    assert split.loc["marketing", "target_share"] == 0.4
    assert split.loc["service", "variance"] == pytest.approx(-20.0)
    assert split.loc["operations", "actual_share"] == pytest.approx(300 / 1_680)
    # City 1 marketing +50 and city 2 service +30 draw on the reserve although the chain's
    # marketing is on plan overall: savings in another city do not offset them.
    assert split.loc["marketing", "overspend"] == 50 and split.loc["service", "overspend"] == 30
    reserve = bm.reserve(lines)
    assert reserve.direct == 20 and reserve.overspend == 80 and reserve.used == 100
    assert reserve.remaining == pytest.approx(76.5)
    assert reserve.used_share == pytest.approx(100 / 176.5)
    assert reserve.plan_share == pytest.approx(176.5 / (2_000 + 176.5))


def test_reserve_without_plan_has_no_share():
    lines = bm.lines(_plan([]), _plan([(date(2026, 10, 1), 1, "reserve", 5.0)]))
    reserve = bm.reserve(lines)
    assert reserve.used == 5.0 and reserve.used_share is None and reserve.plan_share is None
    split = bm.split(lines)
    assert split["plan_share"].isna().all()  # missing in the frame, "—" on screen
    assert split["variance_pct"].isna().all()


def test_pacing_straight_line():
    m = date(2026, 11, 1)
    plan = _plan(
        [
            (m, 1, "marketing", 30_000.0),
            (m, 1, "service", 9_000.0),
            (m, 2, "marketing", 30_000.0),
            (m, 1, "reserve", 1_000.0),
        ]
    )
    spent = _plan([(m, 1, "marketing", 40_000.0), (m, 1, "service", 3_000.0)])
    got = bm.pacing(plan, spent, m, date(2026, 11, 15)).set_index("category")
    assert got.loc["marketing", "expected"] == pytest.approx(60_000 * 15 / 30)
    assert got.loc["marketing", "pace"] == pytest.approx(40_000 / 30_000)
    assert got.loc["marketing", "projected"] == pytest.approx(80_000)
    assert pd.isna(got.loc["operations", "pace"])  # nothing planned: no pace, not infinity
    assert got.loc["total", "plan"] == pytest.approx(69_000)  # the reserve is not spending
    assert got.loc["total", "spent"] == pytest.approx(43_000)
    assert got.loc["total", "elapsed_days"] == 15 and got.loc["total", "days_in_month"] == 30
