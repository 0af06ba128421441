"""Scorecard targets: KPI ids, periods, scopes and the Zhengzhou north star."""

from __future__ import annotations

import pandas as pd

from dashboard.seed.targets import MONTHLY_CHAIN

REGISTRY = {
    "revenue", "value_per_customer", "marketing_roi", "cac", "new_members", "satisfaction_mean",
    "satisfaction_top_share", "repeat_rate", "arrival_rate", "booking_completion",
    "lead_to_arrival_days", "complaint_rate", "training_hours_per_staff",
    "first_visits_per_doctor", "arrivals", "paid_deals", "inquiries", "new_customers", "spend",
}  # fmt: skip


def _targets(frames, kind, scope):
    t = frames["scorecard_targets"]
    return t[(t["period_kind"] == kind) & (t["scope_kind"] == scope)]


def test_kpi_ids_come_from_the_registry_and_one_has_no_target(small):
    ids = set(small["scorecard_targets"]["kpi_id"])
    assert ids <= REGISTRY
    assert "satisfaction_top_share" not in ids
    assert set(MONTHLY_CHAIN) == REGISTRY - {"satisfaction_top_share"}


def test_monthly_chain_targets_for_every_month(small):
    monthly = _targets(small, "month", "chain")
    assert (monthly["scope_id"] == 0).all()
    per_kpi = monthly.groupby("kpi_id")["period_start"].agg(["min", "max", "count"])
    assert (per_kpi["min"] == pd.Timestamp("2024-11-01")).all()
    assert (per_kpi["max"] == pd.Timestamp("2026-12-01")).all()  # the month ahead is planned
    ends = monthly["period_end"] + pd.Timedelta(days=1)
    assert (ends.dt.day == 1).all()


def test_weekly_and_city_targets(small):
    weekly = _targets(small, "week", "chain")
    assert set(weekly["kpi_id"]) == {"arrivals", "revenue", "paid_deals", "inquiries"}
    assert (weekly["period_start"].dt.day_of_week == 0).all()
    assert ((weekly["period_end"] - weekly["period_start"]).dt.days == 6).all()
    city = _targets(small, "month", "city")
    assert set(city["kpi_id"]) == {"revenue", "arrivals", "new_customers"}
    assert set(city["scope_id"]) == set(small["cities"]["city_id"])


def test_zhengzhou_campaign_is_in_progress(small):
    campaign = _targets(small, "campaign", "city")
    assert len(campaign) == 1
    row = campaign.iloc[0]
    zhengzhou = small["cities"].set_index("name_en").loc["Zhengzhou", "city_id"]
    assert row["kpi_id"] == "arrivals" and row["scope_id"] == zhengzhou
    assert row["label_zh"] == "郑州平台到院冲刺" and row["label_en"] == "Zhengzhou arrivals push"
    end = pd.Timestamp("2026-11-15")
    assert row["period_start"] < end < row["period_end"]
    assert 50 <= (row["period_end"] - row["period_start"]).days <= 62


def test_campaign_target_is_400_at_the_default_size(default):
    campaign = _targets(default, "campaign", "city").iloc[0]
    assert campaign["target"] == 400


def test_targets_are_near_the_actuals(default):
    monthly = _targets(default, "month", "chain").set_index(["kpi_id", "period_start"])["target"]
    orders = default["orders"]
    revenue = orders.set_index("ordered_at")["amount"].resample("MS").sum()
    full = revenue.index[(revenue.index >= "2025-02-01") & (revenue.index < "2026-10-01")]
    ratio = revenue[full] / monthly.loc["revenue"].reindex(full)
    assert 0.85 < ratio.median() < 1.05  # plans stretch a little beyond the run-rate
    assert (ratio > 1).any() and (ratio < 1).any()  # some months hit, some missed
    assert 0 < monthly.loc["complaint_rate"].max() < 0.2
    assert (
        3.5 < monthly.loc["satisfaction_mean"].min() <= monthly.loc["satisfaction_mean"].max() <= 5
    )


def test_campaign_is_a_stretch_still_open(default):
    campaign = _targets(default, "campaign", "city").iloc[0]
    leads, clinics = default["leads"], default["clinics"]
    in_city = leads["clinic_id"].isin(
        clinics.loc[clinics["city_id"] == campaign["scope_id"], "clinic_id"]
    )
    arrived = leads.loc[in_city, "arrived_at"]
    so_far = arrived.between(campaign["period_start"], pd.Timestamp("2026-11-16"), "left").sum()
    assert 0.7 * campaign["target"] < so_far < campaign["target"]
