"""Channel economics on hand-built rows: ratios, "—" with reasons, grouping, LTV and payback."""

import math

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from dashboard.metrics import channels as cm
from dashboard.metrics import payback


def _row(**values) -> dict:
    row = {c: 0.0 for c in (*cm.ADDITIVE, "cohort_customers", *payback.MONTH_COLUMNS)}
    row.update(values)
    row["cohort_revenue"] = sum(row[c] for c in payback.MONTH_COLUMNS)
    return row


def test_ratios_of_one_channel():
    months = {f"m{i}": v for i, v in enumerate([3_000, 600, 600, 500] + [0] * 8)}
    row = _row(
        spend=50_000,
        leads=2_000,
        new_leads=1_500,
        new_leads_paid=150,
        new_customers=40,
        revenue_horizon=150_000,
        new_customer_revenue=120_000,
        cohort_customers=2,
        **months,
    )
    got = cm.derive_row(row)
    assert got["cost_per_lead"] == pytest.approx(25.0)
    assert got["cac"] == pytest.approx(1_250.0)
    assert got["roas_horizon"] == pytest.approx(3.0)
    assert got["roi_horizon"] == pytest.approx(2.0)  # the playbook's (150,000 − 50,000) ÷ 50,000
    assert got["marketing_roi"] == pytest.approx(1.4)
    assert got["lead_customer_rate"] == pytest.approx(0.1)
    assert got["ltv_12m"] == pytest.approx(4_700 / 2)
    assert got["ltv_cac"] == pytest.approx(2_350 / 1_250)
    # Cumulative per customer: 1,500 after month 1, 1,800 after month 2 ≥ 1,250 → month 1.
    assert got["payback_months"] == 1
    assert got["low_sample"] is False
    assert got["reasons"] == ()


def test_no_new_customers_and_no_spend_give_none_with_reasons():
    got = cm.derive_row(_row())
    for key in cm.DERIVED:
        assert got[key] is None, key
    assert set(got["reasons"]) == {"no_leads", "no_new_customers", "no_spend", "no_cohort"}
    assert got["cac_low"] is None and got["cac_high"] is None
    assert got["conversion_low"] is None
    assert got["low_sample"] is True
    for value in got.values():
        assert not (isinstance(value, float) and (math.isinf(value) or math.isnan(value)))


def test_spend_without_new_customers():
    got = cm.derive_row(_row(spend=9_000, leads=30, new_leads=20, cohort_customers=5, m0=1_000))
    assert got["cac"] is None and got["ltv_cac"] is None and got["payback_months"] is None
    assert got["cost_per_lead"] == pytest.approx(300.0)
    assert got["roi_horizon"] == pytest.approx(-1.0)  # spend with no revenue: lost it all
    assert got["cac_low"] is None and got["cac_high"] is None  # no interval without events
    assert "no_new_customers" in got["reasons"] and "no_spend" not in got["reasons"]


def test_new_customers_without_spend():
    got = cm.derive_row(
        _row(new_customers=12, revenue_horizon=8_000, leads=40, new_leads=40, new_leads_paid=6)
    )
    assert got["cac"] == 0.0
    assert got["roas_horizon"] is None and got["roi_horizon"] is None
    assert "no_spend" in got["reasons"]
    low, high = proportion_confint(6, 40, alpha=0.05, method="wilson")
    assert got["conversion_low"] == pytest.approx(low)
    assert got["conversion_high"] == pytest.approx(high)


def test_low_sample_threshold():
    assert cm.derive_row(_row(new_customers=29, spend=1))["low_sample"] is True
    assert cm.derive_row(_row(new_customers=30, spend=1))["low_sample"] is False


def test_payback_month_and_beyond_twelve():
    assert payback.payback_month([100, 200, 300], 200) == 2
    assert payback.payback_month([100, 200, 300], 301) is None
    assert payback.payback_month(None, 100) is None
    assert payback.payback_month([100], None) is None
    got = cm.derive_row(_row(spend=10_000, new_customers=40, cohort_customers=10, m0=100, m5=100))
    assert got["payback_months"] is None
    assert "no_payback" in got["reasons"]


def test_cumulative_per_customer():
    assert payback.cumulative_per_customer([10, None, 20], 2) == [5.0, 5.0, 15.0]
    assert payback.cumulative_per_customer([10], 0) is None


def test_group_sums_and_members():
    channels = pd.DataFrame(
        [
            {"channel_id": 1, "kind": "wechat", "tier": "core", **_row(spend=10, new_customers=1)},
            {"channel_id": 2, "kind": "wechat", "tier": "core", **_row(spend=20, new_customers=2)},
            {
                "channel_id": 3,
                "kind": "search",
                "tier": "potential",
                **_row(spend=5, new_customers=0),
            },
        ]
    )
    by_kind = cm.group(channels, "kind").set_index("kind")
    assert by_kind.loc["wechat", "spend"] == 30
    assert by_kind.loc["wechat", "channel_ids"] == (1, 2)
    assert by_kind.loc["search", "channel_ids"] == (3,)
    by_channel = cm.group(channels, "channel")
    assert list(by_channel["key"]) == ["1", "2", "3"]
    with pytest.raises(ValueError):
        cm.group(channels, "city")


def test_cohort_wide_pivots_months():
    long = pd.DataFrame(
        {
            "channel_id": [1, 1, 2, 3],
            "cohort_customers": [4, 4, 1, 2],
            "month_index": [0, 11, 3, None],
            "revenue": [100.0, 50.0, 7.0, None],
        }
    )
    wide = cm.cohort_wide(long).set_index("channel_id")
    assert wide.loc[1, "m0"] == 100.0 and wide.loc[1, "m11"] == 50.0 and wide.loc[1, "m5"] == 0.0
    assert wide.loc[2, "m3"] == 7.0
    assert (
        wide.loc[3, "cohort_customers"] == 2 and wide.loc[3, list(payback.MONTH_COLUMNS)].sum() == 0
    )
    assert cm.cohort_wide(long.iloc[0:0]).empty
