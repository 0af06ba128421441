"""Cumulative lifts and recent traffic from the warehouse's running totals (hand-built rows)."""

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from dashboard.metrics.abtest_timeline import cumulative_lifts, recent_traffic


def _running(exp_id, days, day_units, c, t, control="A", code="B"):
    """Rows as queries/experiments_daily.sql returns them: running (units, conversions)."""
    return pd.DataFrame(
        {
            "experiment_id": exp_id,
            "variant_code": code,
            "control_code": control,
            "day": pd.to_datetime(days).date,
            "day_units": day_units,
            "units_c": [u for u, _ in c],
            "conversions_c": [x for _, x in c],
            "value_sum_c": 0.0,
            "value_sq_sum_c": 0.0,
            "units_t": [u for u, _ in t],
            "conversions_t": [x for _, x in t],
            "value_sum_t": 0.0,
            "value_sq_sum_t": 0.0,
        }  # fmt: skip
    )


def test_cumulative_lift_per_day_is_the_test_on_the_running_totals():
    days = ["2026-09-01", "2026-09-02", "2026-09-04"]
    c, t = [(100, 0), (220, 20), (400, 40)], [(90, 0), (210, 30), (410, 60)]
    running = _running(1, days, [190, 240, 380], c, t)
    got = cumulative_lifts(running, pd.DataFrame({"experiment_id": [1], "metric": ["conversion"]}))
    assert got["units_t"].tolist() == [90, 210, 410]
    # Day one has no conversions anywhere: no p-value and no lift, shown as "—", never NaN text.
    assert pd.isna(got.loc[0, "p_value"]) and pd.isna(got.loc[0, "rel_lift"])
    z, p = proportions_ztest([60, 40], [410, 400])
    assert got.loc[2, "p_value"] == pytest.approx(p, rel=1e-9)
    assert got.loc[2, "rel_lift"] == pytest.approx((60 / 410) / (40 / 400) - 1, rel=1e-12)


def test_experiments_without_a_single_control_get_no_timeline():
    days = ["2026-09-01", "2026-09-01"]
    running = pd.concat(
        [
            _running(2, days[:1], [50], [(20, 2)], [(30, 3)], control="A"),
            _running(2, days[1:], [50], [(25, 2)], [(30, 3)], control="C"),
        ]
    )
    got = cumulative_lifts(running, pd.DataFrame({"experiment_id": [2], "metric": ["conversion"]}))
    assert got.empty


def test_recent_traffic_uses_the_last_seven_days_or_fewer():
    old = _running(1, pd.date_range("2026-08-01", periods=20), list(range(1, 21)),
                   [(1, 0)] * 20, [(1, 0)] * 20)  # fmt: skip
    young = _running(2, ["2026-09-01", "2026-09-03"], [30, 50], [(1, 0)] * 2, [(1, 0)] * 2)
    traffic = recent_traffic(pd.concat([old, young]))
    assert traffic[1] == pytest.approx(sum(range(14, 21)) / 7)
    # Three calendar days since the start, one of them without exposures.
    assert traffic[2] == pytest.approx(80 / 3)
    assert recent_traffic(old.iloc[0:0]) == {}
