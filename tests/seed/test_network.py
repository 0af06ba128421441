"""Cities, clinics and their sizing."""

from __future__ import annotations

import pandas as pd


def _first_visits_per_doctor(frames) -> pd.Series:
    customers, clinics = frames["customers"], frames["clinics"]
    visits = customers.dropna(subset=["first_visit_on"])
    month = visits["first_visit_on"].dt.to_period("M")
    monthly = visits.groupby(["home_clinic_id", month]).size().groupby(level=0).mean()
    return monthly / clinics.set_index("clinic_id")["doctors"]


def test_first_visits_per_doctor_spread(default):
    per_doctor = _first_visits_per_doctor(default)
    assert (per_doctor < 25).sum() >= 2  # clinics that lack traffic (缺流量)
    assert (per_doctor > 50).sum() >= 2  # busy clinics
    assert per_doctor.between(10, 90).all()


def test_about_forty_clinics_in_real_cities(small):
    cities, clinics = small["cities"], small["clinics"]
    assert 35 <= len(clinics) <= 45
    assert {"郑州", "北京", "上海", "洛阳", "南阳"} <= set(cities["name_zh"])
    zz = cities.set_index("name_en").loc["Zhengzhou"]
    assert abs(zz["lat"] - 34.75) < 0.1 and abs(zz["lon"] - 113.63) < 0.1
    per_city = clinics.groupby("city_id").size()
    tier = cities.set_index("city_id")["tier"]
    assert (
        per_city[tier[tier == "tier1"].index].mean() > per_city[tier[tier == "tier3"].index].mean()
    )
    assert set(clinics["specialty"]) == {"eye", "dental", "aesthetic"}


def test_staff_outnumber_doctors(small):
    clinics = small["clinics"]
    assert (clinics["doctors"] >= 1).all()
    assert (clinics["staff"] > clinics["doctors"]).all()


def test_new_clinics_have_no_leads_before_opening(small):
    clinics, leads = small["clinics"], small["leads"]
    opened = leads["clinic_id"].map(clinics.set_index("clinic_id")["opened_on"])
    assert (leads["created_at"] >= opened).all()
    assert (clinics["opened_on"] > pd.Timestamp("2024-11-01")).sum() >= 1
