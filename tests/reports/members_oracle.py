"""An independent computation of lifecycle stages, flows and tiers from raw orders (cohort
retention: tests/reports/test_members_cohorts.py).

Follows the stated definitions directly — each customer's sorted purchase days, walked per
snapshot — with none of the SQL's bit masks, so the tests can compare the two.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd

from dashboard.filters import Filters, Scope


def members(tables: dict, f: Filters, scope: Scope | None = None) -> pd.DataFrame:
    """Customers registered by the period end whose home passes the filters and scope."""
    scope = scope or Scope.all()
    cust = tables["customers"]
    clinics = tables["clinics"].set_index("clinic_id")
    end = pd.Timestamp(f.end) + pd.Timedelta(days=1)
    ok = pd.to_datetime(cust["created_at"]) < end
    cities = [c for c in f.cities if scope.allows(c)]
    if cities:
        ok &= cust["home_city_id"].isin(cities)
    if scope.is_restricted:
        ok &= cust["home_city_id"].isin(scope.cities)
    if f.specialties:
        ok &= cust["home_clinic_id"].map(clinics["specialty"]).isin(f.specialties)
    if f.clinics:
        ok &= cust["home_clinic_id"].isin(f.clinics)
    if f.channels:
        ok &= cust["acquisition_channel_id"].isin(f.channels)
    return cust[ok]


def purchase_days(tables: dict, f: Filters, scope: Scope | None = None) -> dict[int, list[date]]:
    """Each member's distinct purchase days up to the period end (members without any: [])."""
    who = members(tables, f, scope)["customer_id"].tolist()
    orders = tables["orders"]
    when = pd.to_datetime(orders["ordered_at"])
    keep = orders[
        (when < pd.Timestamp(f.end) + pd.Timedelta(days=1)) & orders["customer_id"].isin(who)
    ]
    days = pd.to_datetime(keep["ordered_at"]).dt.date
    grouped = days.groupby(keep["customer_id"]).agg(lambda s: sorted(set(s)))
    return {c: grouped.get(c, []) for c in who}


def stage(days: list[date], t: date, active: int, lapse: int) -> str:
    """The stage on day t from the definition, walking the sorted purchase days."""
    seen = [d for d in days if d <= t]
    if not seen:
        return "none"
    if (t - seen[0]).days < active:
        return "new"
    window = [d for d in seen if (t - d).days < active]
    if window:
        first_in = window[0]
        before = seen[seen.index(first_in) - 1]
        return "won_back" if (first_in - before).days >= active else "active"
    if (t - seen[-1]).days <= lapse:
        return "dormant"
    return "lapsed"


def stages(
    days: dict[int, list[date]], snapshots: list[date], active: int, lapse: int
) -> pd.DataFrame:
    """Each member's stage at every snapshot (rows: customers, columns: snapshots)."""
    return pd.DataFrame(
        {t: [stage(d, t, active, lapse) for d in days.values()] for t in snapshots},
        index=list(days),
    )


def transitions(table: pd.DataFrame, snapshots: list[date]) -> Counter:
    """(start, end, from, to) → customers, for consecutive snapshots (end stage not 'none')."""
    out: Counter = Counter()
    for a, b in zip(snapshots, snapshots[1:], strict=False):
        for x, y in zip(table[a], table[b], strict=True):
            if y != "none":
                out[(a, b, x, y)] += 1
    return out


def lifetime_values(tables: dict, f: Filters) -> pd.Series:
    """Each purchasing member's lifetime value up to the period end."""
    who = members(tables, f)["customer_id"]
    orders = tables["orders"]
    keep = orders[
        (pd.to_datetime(orders["ordered_at"]) < pd.Timestamp(f.end) + pd.Timedelta(days=1))
        & orders["customer_id"].isin(who)
    ]
    return keep.groupby("customer_id")["amount"].sum().astype(float)
