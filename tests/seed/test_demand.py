"""Seasonality and weekday shape of the generated traffic."""

from __future__ import annotations

import pandas as pd


def _weekly(frame: pd.DataFrame, col: str) -> pd.Series:
    return frame.set_index(col).resample("W-SUN").size()


def test_spring_festival_dip_in_weekly_leads(default):
    weekly = _weekly(default["leads"], "created_at")
    festival = weekly[pd.Timestamp("2026-02-16") : pd.Timestamp("2026-02-22")].iloc[0]
    before = weekly[pd.Timestamp("2026-01-05") : pd.Timestamp("2026-02-01")].mean()
    assert festival < 0.6 * before


def test_shopping_festival_peaks(default):
    daily = default["leads"].set_index("created_at").resample("D").size()
    for peak, month_before in (("2026-06-18", "2026-05"), ("2025-11-11", "2025-10")):
        assert daily[pd.Timestamp(peak)] > 1.8 * daily[month_before].mean(), peak


def test_eye_summer_peak(default):
    leads, clinics = default["leads"], default["clinics"]
    eye = leads["clinic_id"].isin(clinics.loc[clinics["specialty"] == "eye", "clinic_id"])
    monthly = leads[eye].set_index("created_at").resample("MS").size()
    assert monthly["2026-07"].iloc[0] > 1.2 * monthly["2026-04"].iloc[0]


def test_arrivals_peak_at_weekends(default):
    arrivals = default["leads"]["arrived_at"].dropna()
    by_day = arrivals.dt.day_of_week.value_counts(normalize=True)
    assert by_day[[5, 6]].mean() > by_day[[0, 1, 2, 3]].mean() * 1.3


def test_clinics_are_closed_for_the_spring_festival(default):
    leads, orders = default["leads"], default["orders"]
    first, reopen = pd.Timestamp("2026-02-15"), pd.Timestamp("2026-02-24")
    for name, values in (
        ("arrivals", leads["arrived_at"]),
        ("payments", leads["paid_at"]),
        ("orders", orders["ordered_at"]),
    ):
        assert not values.dropna().between(first, reopen, "left").any(), name
