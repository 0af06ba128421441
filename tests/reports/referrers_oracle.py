"""An independent pandas computation of the referrer ranking and the weekly referral share.

Written from the definitions stated on the page, over raw table frames (the generated chain
or the hand-built graph), without the SQL: the tests compare the report against it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from dashboard.filters import Filters, Scope


def _bounds(f: Filters) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(datetime.combine(f.start, datetime.min.time()))
    return start, start + pd.Timedelta(days=f.days)


def _home_ok(cust: pd.DataFrame, tables: dict, f: Filters, scope: Scope) -> pd.Series:
    clinics = tables["clinics"].set_index("clinic_id")
    ok = pd.Series(True, index=cust.index)
    cities = [c for c in f.cities if scope.allows(c)]
    if f.cities and not cities and scope.is_restricted:
        cities = sorted(scope.cities)
    if cities:
        ok &= cust["home_city_id"].isin(cities)
    if scope.is_restricted:
        ok &= cust["home_city_id"].isin(scope.cities)
    if f.specialties:
        spec = cust["home_clinic_id"].map(clinics["specialty"])
        ok &= spec.isin(f.specialties)
    if f.clinics:
        ok &= cust["home_clinic_id"].isin(f.clinics)
    if f.channels:
        ok &= cust["acquisition_channel_id"].isin(f.channels)
    return ok


def ranking(
    tables: dict,
    f: Filters,
    basis: str = "paid",
    scope: Scope | None = None,
    tier_mid: float = 5_000.0,
    tier_high: float = 20_000.0,
) -> pd.DataFrame:
    """Every referrer with a valid referral, ranked overall, per region and per city."""
    scope = scope or Scope.all()
    start, end = _bounds(f)
    cust = tables["customers"].copy()
    cust["created_at"] = pd.to_datetime(cust["created_at"])
    cust["first_visit_on"] = pd.to_datetime(cust["first_visit_on"])
    orders = tables["orders"].copy()
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"])
    orders["amount"] = orders["amount"].astype(float)
    orders = orders[orders["ordered_at"] < end]

    referred = cust[
        cust["referrer_id"].notna()
        & (cust["created_at"] < end)
        & (cust["referrer_id"] != cust["customer_id"])
    ].copy()
    referred["referrer_id"] = referred["referrer_id"].astype("int64")
    spend = orders.groupby("customer_id").agg(
        first_paid=("ordered_at", "min"),
        revenue_all=("amount", "sum"),
    )
    in_period = orders[orders["ordered_at"] >= start].groupby("customer_id")["amount"].sum()
    referred = referred.join(spend, on="customer_id")
    referred["revenue"] = referred["customer_id"].map(in_period).fillna(0.0)
    referred["revenue_all"] = referred["revenue_all"].fillna(0.0)
    last_day = end - pd.Timedelta(days=1)
    referred["is_arrived"] = (referred["first_visit_on"] >= start) & (
        referred["first_visit_on"] <= last_day
    )
    referred["is_paid"] = (referred["first_paid"] >= start) & (referred["first_paid"] < end)
    per = referred.groupby("referrer_id").agg(
        referred=("created_at", lambda s: int((s >= start).sum())),
        referred_all=("customer_id", "size"),
        arrived=("is_arrived", "sum"),
        paid=("is_paid", "sum"),
        paid_all=("first_paid", "count"),
        revenue=("revenue", "sum"),
        revenue_all=("revenue_all", "sum"),
        first_referral_at=("created_at", "min"),
        last_referral_at=("created_at", "max"),
    )
    pairs = referred[["customer_id", "referrer_id"]].merge(
        cust[(cust["created_at"] < end) & cust["referrer_id"].notna()][
            ["customer_id", "referrer_id"]
        ],
        left_on="customer_id",
        right_on="referrer_id",
        suffixes=("", "_2"),
    )
    pairs = pairs[
        (pairs["customer_id_2"] != pairs["referrer_id"])
        & (pairs["customer_id_2"] != pairs["referrer_id_2"])
    ]
    per["second_degree"] = (
        pairs.groupby("referrer_id").size().reindex(per.index).fillna(0).astype(int)
    )
    per["valid"] = per[basis]

    people = cust.set_index("customer_id")
    homes = people.loc[per.index]
    per = per[_home_ok(homes.reset_index(), tables, f, scope).to_numpy()]
    per = per[per["valid"] > 0].copy()
    per["home_city_id"] = people.loc[per.index, "home_city_id"].astype(int)
    cities = tables["cities"].set_index("city_id")
    per["region_en"] = per["home_city_id"].map(cities["region_en"])
    per["own_spend"] = orders.groupby("customer_id")["amount"].sum().reindex(per.index).fillna(0.0)
    per["tier"] = [
        "high" if v >= tier_high else "mid" if v >= tier_mid else "low" for v in per["own_spend"]
    ]
    per = per.reset_index().rename(columns={"index": "referrer_id"})
    per = per.sort_values(
        ["valid", "revenue", "first_referral_at", "referrer_id"],
        ascending=[False, False, True, True],
        kind="mergesort",
    ).reset_index(drop=True)
    per["rank_all"] = range(1, len(per) + 1)
    per["rank_region"] = per.groupby("region_en").cumcount() + 1
    per["rank_city"] = per.groupby("home_city_id").cumcount() + 1
    return per


def weekly_share(tables: dict, f: Filters) -> pd.DataFrame:
    """New customers per ISO week (first paid order in it) and how many were referred."""
    start, end = _bounds(f)
    orders = tables["orders"].copy()
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"])
    first = orders.sort_values(["ordered_at", "order_id"]).groupby("customer_id").head(1)
    first = first[(first["ordered_at"] >= start) & (first["ordered_at"] < end)]
    clinics = tables["clinics"].set_index("clinic_id")
    cust = tables["customers"].set_index("customer_id")
    keep = pd.Series(True, index=first.index)
    if f.cities:
        keep &= first["clinic_id"].map(clinics["city_id"]).isin(f.cities)
    if f.specialties:
        keep &= first["clinic_id"].map(clinics["specialty"]).isin(f.specialties)
    if f.clinics:
        keep &= first["clinic_id"].isin(f.clinics)
    if f.channels:
        keep &= first["customer_id"].map(cust["acquisition_channel_id"]).isin(f.channels)
    first = first[keep]
    day = first["ordered_at"].dt.normalize()
    first = first.assign(
        week_start=(day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date,
        referred=first["customer_id"].map(cust["referrer_id"]).notna(),
    )
    monday = f.start - timedelta(days=f.start.weekday())
    weeks = []
    while monday <= f.end:
        weeks.append(monday)
        monday += timedelta(days=7)
    grouped = first.groupby("week_start").agg(
        new_customers=("customer_id", "size"), referred=("referred", "sum")
    )
    return grouped.reindex(weeks, fill_value=0).rename_axis("week_start").reset_index()
