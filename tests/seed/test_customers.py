"""Customers: synthetic personal details, home areas, acquisition and membership."""

from __future__ import annotations

import pandas as pd


def test_phones_are_unique_synthetic_mobiles(small):
    phones = small["customers"]["phone"]
    assert phones.is_unique
    assert phones.str.fullmatch(r"1(3\d|5[0-35-9]|8\d)\d{8}").all()


def test_names_are_chinese(small):
    names = small["customers"]["name"]
    assert names.str.len().between(2, 4).all()
    assert names.str.fullmatch(r"[\u4e00-\u9fff]+").all()


def test_home_is_near_the_home_city(small):
    customers, cities = small["customers"], small["cities"].set_index("city_id")
    lat = customers["home_city_id"].map(cities["lat"])
    lon = customers["home_city_id"].map(cities["lon"])
    assert ((customers["home_lat"] - lat).abs() < 0.5).all()
    assert ((customers["home_lon"] - lon).abs() < 0.5).all()
    assert (customers["home_lat"].round(2) == customers["home_lat"]).all()  # district, not address


def test_customer_dates_are_consistent(small):
    c = small["customers"]
    visited = c.dropna(subset=["first_visit_on"])
    assert (visited["first_visit_on"] >= visited["created_at"].dt.normalize()).all()
    members = c.dropna(subset=["member_since"])
    assert members["first_visit_on"].notna().all()
    assert (members["member_since"] >= members["first_visit_on"]).all()
    assert 0.1 < c["member_since"].notna().mean() < 0.6


def test_first_visit_is_the_first_arrival(small):
    leads, customers = small["leads"], small["customers"]
    first = leads.dropna(subset=["arrived_at"]).groupby("customer_id")["arrived_at"].min()
    got = customers.set_index("customer_id")["first_visit_on"].dropna()
    assert got.equals(first.dt.normalize().reindex(got.index).rename("first_visit_on"))


def test_returning_leads_come_after_registration(small):
    leads, customers = small["leads"], small["customers"].set_index("customer_id")
    returning = leads[leads["is_returning"]]
    created = customers.loc[returning["customer_id"].astype("int64"), "created_at"]
    assert (returning["created_at"].to_numpy() > created.to_numpy()).all()


def test_orders_follow_customers(small):
    orders, customers = small["orders"], small["customers"].set_index("customer_id")
    created = customers.loc[orders["customer_id"], "created_at"].to_numpy()
    assert (orders["ordered_at"].to_numpy() >= created).all()
    deals = orders.dropna(subset=["lead_id"])
    leads = small["leads"].set_index("lead_id")
    paid = leads.loc[deals["lead_id"].astype("int64")]
    assert (paid["paid_at"].to_numpy() == deals["ordered_at"].to_numpy()).all()
    assert (paid["deal_amount"].astype(float).to_numpy() == deals["amount"].to_numpy()).all()
    assert pd.Series(orders["order_id"]).is_monotonic_increasing
