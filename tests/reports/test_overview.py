"""Overview KPIs against an independent pandas computation over the raw rows, on both backends."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard.filters import Filters, Scope
from dashboard.reports.overview import load as overview

PERIODS = [
    Filters(date(2026, 10, 19), date(2026, 11, 15)),
    Filters(date(2026, 11, 9), date(2026, 11, 15), specialties=("dental",)),
]


def expected(raw: dict[str, pd.DataFrame], f: Filters) -> dict[str, float]:
    """The overview's numbers computed from the raw tables with pandas."""
    start = datetime.combine(f.start, datetime.min.time())
    end = datetime.combine(f.end + timedelta(days=1), datetime.min.time())
    clinics = raw["clinics"][["clinic_id", "city_id", "specialty"]]
    keep = clinics
    if f.cities:
        keep = keep[keep.city_id.isin(f.cities)]
    if f.specialties:
        keep = keep[keep.specialty.isin(f.specialties)]
    if f.clinics:
        keep = keep[keep.clinic_id.isin(f.clinics)]
    ok_clinics = set(keep.clinic_id)
    channels = set(f.channels) if f.channels else set(raw["channels"].channel_id)

    def within(s: pd.Series) -> pd.Series:
        s = pd.to_datetime(s)
        return (s >= start) & (s < end)

    leads = raw["leads"]
    leads = leads[leads.clinic_id.isin(ok_clinics) & leads.channel_id.isin(channels)]
    out = {
        "inquiries": within(leads.inquiry_at).sum(),
        "arrivals": within(leads.arrived_at).sum(),
        "paid_deals": within(leads.paid_at).sum(),
    }
    cd = raw["channel_daily"]
    cd_dates = pd.to_datetime(cd.date)
    cd = cd[
        (cd_dates >= start)
        & (cd_dates < end)
        & cd.clinic_id.isin(ok_clinics)
        & cd.channel_id.isin(channels)
    ]
    out["impressions"] = cd.impressions.sum()
    referral_id = raw["channels"].loc[raw["channels"].kind == "referral", "channel_id"].iloc[0]
    rr = raw["referral_rewards"]
    rr_dates = pd.to_datetime(rr.paid_on)
    rr = rr[(rr_dates >= start) & (rr_dates < end) & rr.clinic_id.isin(ok_clinics)]
    reward = float(rr.amount.astype(float).sum()) if referral_id in channels else 0.0
    out["spend"] = float(cd.spend.astype(float).sum()) + reward
    orders = raw["orders"].merge(raw["customers"][["customer_id", "acquisition_channel_id"]])
    orders = orders.assign(
        ordered_at=pd.to_datetime(orders.ordered_at), amount=orders.amount.astype(float)
    )
    in_period = (
        within(orders.ordered_at)
        & orders.clinic_id.isin(ok_clinics)
        & orders.acquisition_channel_id.isin(channels)
    )
    out["revenue"] = orders.loc[in_period, "amount"].sum()
    first = orders.sort_values(["ordered_at", "order_id"]).groupby("customer_id").head(1)
    new = first[
        within(first.ordered_at)
        & first.clinic_id.isin(ok_clinics)
        & first.acquisition_channel_id.isin(channels)
    ]
    out["new_customers"] = len(new)
    new_rev = orders.loc[in_period & orders.customer_id.isin(new.customer_id), "amount"].sum()
    out["cac"] = out["spend"] / out["new_customers"] if out["new_customers"] else None
    out["marketing_roi"] = (new_rev - out["spend"]) / out["spend"] if out["spend"] else None
    return out


@pytest.mark.parametrize("f", PERIODS, ids=["4-weeks", "dental-week"])
def test_overview_matches_pandas(warehouse, raw, f):
    report = overview.load(f, Scope.all())
    want = expected(raw, f)
    for kpi_id, value in want.items():
        got = report.deltas[kpi_id].current
        if value is None:
            assert got is None, kpi_id
        else:
            assert got == pytest.approx(float(value), rel=1e-9, abs=1e-6), kpi_id
    prev = expected(raw, f.previous())
    assert report.deltas["arrivals"].previous == prev["arrivals"]


def test_overview_city_filter_and_scope(warehouse, raw):
    city = int(raw["cities"].city_id.iloc[0])
    f = Filters(date(2026, 10, 19), date(2026, 11, 15), cities=(city,))
    by_filter = overview.load(f, Scope.all())
    by_scope = overview.load(Filters(f.start, f.end), Scope(frozenset({city})))
    want = expected(raw, f)
    assert by_filter.deltas["arrivals"].current == want["arrivals"]
    assert by_scope.deltas["arrivals"].current == want["arrivals"]
    assert by_scope.deltas["revenue"].current == pytest.approx(want["revenue"])
    # Asking for another city under a restricted scope cannot widen it.
    other = int(raw["cities"].city_id.iloc[1])
    sneaky = overview.load(Filters(f.start, f.end, cities=(other,)), Scope(frozenset({city})))
    assert sneaky.deltas["arrivals"].current == want["arrivals"]


def test_weekly_trend_sums_to_period(warehouse, raw):
    f = Filters(date(2026, 10, 19), date(2026, 11, 15))
    report = overview.load(f, Scope.all())
    want = expected(raw, f)
    assert len(report.weekly) == 4
    assert report.weekly["arrivals"].sum() == want["arrivals"]
    assert report.weekly["revenue"].sum() == pytest.approx(want["revenue"])


def test_empty_filters_give_empty_state(warehouse):
    f = Filters(date(2019, 1, 7), date(2019, 1, 13))
    report = overview.load(f, Scope.all())
    assert report.is_empty
    assert report.deltas["cac"].current is None
