"""Budgets split 4:3:3 of 85% plus a 15% reserve, and expenses near plan."""

from __future__ import annotations

import numpy as np
import pandas as pd


def test_budget_split(small):
    budgets = small["budgets"]
    wide = budgets.pivot_table(
        index=["month_start", "city_id"], columns="category", values="amount", observed=True
    )
    total = wide.sum(axis=1)
    for category, share in (
        ("marketing", 0.34), ("service", 0.255), ("operations", 0.255), ("reserve", 0.15)
    ):  # fmt: skip
        assert np.allclose(wide[category] / total, share, atol=0.01), category


def test_budget_covers_every_city_month_and_next_month(small):
    budgets = small["budgets"]
    months = budgets["month_start"].drop_duplicates().sort_values()
    assert months.iloc[0] == pd.Timestamp("2024-11-01")
    assert months.iloc[-1] == pd.Timestamp("2026-12-01")
    per_month = budgets.groupby("month_start")["city_id"].nunique()
    assert (per_month == len(small["cities"])).all()


def test_expenses_track_the_plan(small):
    expenses, budgets, clinics = small["expenses"], small["budgets"], small["clinics"]
    city = expenses["clinic_id"].map(clinics.set_index("clinic_id")["city_id"])
    actual = expenses.assign(
        city_id=city, month_start=expenses["date"].dt.to_period("M").dt.start_time
    )
    actual = actual.groupby(["month_start", "city_id", "category"], observed=True)["amount"].sum()
    plan = budgets.set_index(["month_start", "city_id", "category"])["amount"]
    ratio = (actual / plan.reindex(actual.index)).dropna()
    full = ratio[ratio.index.get_level_values("month_start") < pd.Timestamp("2026-11-01")]
    service = full[full.index.get_level_values("category") == "service"]
    assert 0.8 < service.median() < 1.2
    reserve = full[full.index.get_level_values("category") == "reserve"]
    assert reserve.median() < 1.0  # the reserve is drawn on, not spent like a plan
