"""Independent pandas computations over the raw generated rows, for the export tests."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from dashboard.filters import Filters


def _clinics(raw: dict[str, pd.DataFrame], f: Filters) -> set[int]:
    k = raw["clinics"]
    if f.cities:
        k = k[k.city_id.isin(f.cities)]
    if f.specialties:
        k = k[k.specialty.isin(f.specialties)]
    if f.clinics:
        k = k[k.clinic_id.isin(f.clinics)]
    return set(k.clinic_id)


def _channels(raw: dict[str, pd.DataFrame], f: Filters) -> set[int]:
    return set(f.channels) if f.channels else set(raw["channels"].channel_id)


def _bounds(f: Filters) -> tuple[datetime, datetime]:
    start = datetime.combine(f.start, datetime.min.time())
    return start, datetime.combine(f.end + timedelta(days=1), datetime.min.time())


def _monday(s: pd.Series) -> pd.Series:
    d = pd.to_datetime(s).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def weekly_trends(raw: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    """Impressions, inquiries, arrivals, paid deals, revenue and spend per ISO week (Monday)."""
    start, end = _bounds(f)
    clinics, channels = _clinics(raw, f), _channels(raw, f)
    days = pd.date_range(f.start, f.end, freq="D")
    weeks = sorted(set(_monday(pd.Series(days))))
    out = pd.DataFrame(index=pd.DatetimeIndex(weeks, name="week_start"))

    leads = raw["leads"]
    leads = leads[leads.clinic_id.isin(clinics) & leads.channel_id.isin(channels)]
    for col, name in (
        ("inquiry_at", "inquiries"),
        ("arrived_at", "arrivals"),
        ("paid_at", "paid_deals"),
    ):
        ts = leads[col]
        ts = ts[(ts >= start) & (ts < end)]
        out[name] = _monday(ts).value_counts()
    cd = raw["channel_daily"]
    cd = cd[
        (cd.date >= start)
        & (cd.date < end)
        & cd.clinic_id.isin(clinics)
        & cd.channel_id.isin(channels)
    ]
    out["impressions"] = cd.groupby(_monday(cd.date)).impressions.sum()
    spend = cd.groupby(_monday(cd.date)).spend.sum()
    referral = raw["channels"].loc[raw["channels"].kind == "referral", "channel_id"].iloc[0]
    rr = raw["referral_rewards"]
    rr = rr[(rr.paid_on >= start) & (rr.paid_on < end) & rr.clinic_id.isin(clinics)]
    rewards = rr.groupby(_monday(rr.paid_on)).amount.sum() if referral in channels else None
    out["spend"] = spend.reindex(out.index).fillna(0.0)
    if rewards is not None:
        out["spend"] += rewards.reindex(out.index).fillna(0.0)
    orders = raw["orders"].merge(raw["customers"][["customer_id", "acquisition_channel_id"]])
    orders = orders[
        (orders.ordered_at >= start)
        & (orders.ordered_at < end)
        & orders.clinic_id.isin(clinics)
        & orders.acquisition_channel_id.isin(channels)
    ]
    out["revenue"] = orders.groupby(_monday(orders.ordered_at)).amount.sum()
    return out.fillna(0).reset_index()


def detail_orders(raw: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    """The orders a detail export must hold, in its order (time, then id)."""
    start, end = _bounds(f)
    orders = raw["orders"].merge(
        raw["customers"][["customer_id", "name", "phone", "acquisition_channel_id"]]
    )
    orders = orders[
        (orders.ordered_at >= start)
        & (orders.ordered_at < end)
        & orders.clinic_id.isin(_clinics(raw, f))
        & orders.acquisition_channel_id.isin(_channels(raw, f))
    ]
    return orders.sort_values(["ordered_at", "order_id"]).reset_index(drop=True)


def detail_leads(raw: dict[str, pd.DataFrame], f: Filters) -> pd.DataFrame:
    """The leads a detail export must hold, in its order (time, then id)."""
    start, end = _bounds(f)
    leads = raw["leads"]
    leads = leads[
        (leads.created_at >= start)
        & (leads.created_at < end)
        & leads.clinic_id.isin(_clinics(raw, f))
        & leads.channel_id.isin(_channels(raw, f))
    ]
    return leads.sort_values(["created_at", "lead_id"]).reset_index(drop=True)
