"""The funnel against an independent pandas computation over the raw rows, on both backends."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.reports.funnel import load as funnel
from dashboard.reports.funnel import tables as funnel_tables
from tests.reports.kpi_expected import latest_fact

STAGE_COLS = {
    "inquiries": "inquiry_at",
    "bookings": "booked_at",
    "arrivals": "arrived_at",
    "paid_deals": "paid_at",
}
# The timestamp each stage is timed from.
PREVIOUS = {
    "inquiry_at": "created_at",
    "booked_at": "inquiry_at",
    "arrived_at": "booked_at",
    "paid_at": "arrived_at",
}
FOUR_WEEKS = Filters(date(2026, 10, 19), date(2026, 11, 15))
QUARTER = Filters(date(2026, 7, 1), date(2026, 9, 30), specialties=("dental", "eye"))


def _ts(d: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(d, datetime.min.time()))


def clinic_ids(raw, f: Filters) -> set[int]:
    """Clinics passing the city, specialty and clinic filters."""
    k = raw["clinics"]
    if f.cities:
        k = k[k.city_id.isin(f.cities)]
    if f.specialties:
        k = k[k.specialty.isin(f.specialties)]
    if f.clinics:
        k = k[k.clinic_id.isin(f.clinics)]
    return set(k.clinic_id.astype(int))


def cohort(raw, f: Filters, window: int | None) -> pd.DataFrame:
    """The period's leads with each stage kept only when reached inside the window (None: every
    stage reached by the data's end)."""
    leads = raw["leads"]
    channels = set(f.channels) if f.channels else set(raw["channels"].channel_id)
    keep = (
        (leads.created_at >= _ts(f.start))
        & (leads.created_at < _ts(f.end + timedelta(days=1)))
        & leads.clinic_id.isin(clinic_ids(raw, f))
        & leads.channel_id.isin(channels)
    )
    out = leads[keep].copy()
    if window is not None:
        end = out.created_at + pd.Timedelta(days=window)
        for col in STAGE_COLS.values():
            out[col] = out[col].where(out[col] < end)
    # Reaching a later stage means the earlier ones were passed.
    out["paid_deals"] = out.paid_at.notna()
    out["arrivals"] = out.arrived_at.notna() | out.paid_deals
    out["bookings"] = out.booked_at.notna() | out.arrivals
    out["inquiries"] = out.inquiry_at.notna() | out.bookings
    return out


def impressions(raw, f: Filters) -> int:
    cd = raw["channel_daily"]
    channels = set(f.channels) if f.channels else set(raw["channels"].channel_id)
    keep = (
        (cd.date >= _ts(f.start))
        & (cd.date <= _ts(f.end))
        & cd.clinic_id.isin(clinic_ids(raw, f))
        & cd.channel_id.isin(channels)
    )
    return int(cd.loc[keep, "impressions"].sum())


def data_end(raw) -> datetime:
    return latest_fact(raw)


@pytest.mark.parametrize("window", [30, 7, 365, "none"])
@pytest.mark.parametrize("f", [FOUR_WEEKS, QUARTER], ids=["4-weeks", "quarter-dental-eye"])
def test_stages_match_pandas(warehouse, raw, f, window):
    report = funnel.load(f, Scope.all(), window=window)
    days = None if window == "none" else window
    c = cohort(raw, f, days)
    rows = report.stages.set_index("stage")
    assert report.window == window
    assert report.cohort_leads == len(c)
    assert list(rows.index) == ["impressions", "leads", *STAGE_COLS]
    assert rows.loc["impressions", "count"] == impressions(raw, f)
    assert rows.loc["leads", "count"] == len(c)
    # Impressions → leads is a period ratio; every other rate's base is the created leads.
    assert rows.loc["leads", "from_previous"] == pytest.approx(len(c) / impressions(raw, f))
    assert rows.loc["leads", "from_leads"] == pytest.approx(1.0)
    assert rows.loc["leads", "drop_off"] is None  # impressions are views, not people
    previous = len(c)
    for stage, col in STAGE_COLS.items():
        count = int(c[stage].sum())
        assert rows.loc[stage, "count"] == count, stage
        assert rows.loc[stage, "from_previous"] == pytest.approx(count / previous), stage
        assert rows.loc[stage, "from_previous"] <= 1.0, stage
        assert rows.loc[stage, "from_leads"] == pytest.approx(count / len(c)), stage
        assert rows.loc[stage, "drop_off"] == previous - count
        hours = ((c[col] - c[PREVIOUS[col]]).dt.total_seconds() / 3600).dropna()
        assert rows.loc[stage, "median_hours"] == pytest.approx(np.percentile(hours, 50)), stage
        assert rows.loc[stage, "p75_hours"] == pytest.approx(np.percentile(hours, 75)), stage
        if stage != "paid_deals":
            # Counted at the stage (a later one was reached) without a time of its own.
            assert rows.loc[stage, "untimed"] == int((c[stage] & c[col].isna()).sum()), stage
        previous = count
    assert report.lead_to_deal == pytest.approx(c["paid_deals"].sum() / len(c))
    assert report.first_created == c.created_at.min()
    assert report.last_created == c.created_at.max()
    if days is None:
        # No window closes, so no lead is maturing.
        assert report.maturing_after is None
        assert report.maturing_leads == 0
        assert report.age_days == (
            (data_end(raw) - c.created_at.max()).days,
            (data_end(raw) - c.created_at.min()).days,
        )
    else:
        cutoff = data_end(raw) - timedelta(days=days)
        assert report.maturing_leads == int((c.created_at > cutoff).sum())


def test_leads_without_a_stage_time_are_named_in_one_line(warehouse, raw):
    """The sample's walk-ins (no booking time) and phone bookings (no inquiry time) are counted
    at the stage they skipped; the page's one line says how many, per stage."""
    report = funnel.load(FOUR_WEEKS, Scope.all())
    c = cohort(raw, FOUR_WEEKS, 30)
    parts = []
    for stage, noun in (("inquiries", "inquiry"), ("bookings", "booking")):
        untimed = int((c[stage] & c[STAGE_COLS[stage]].isna()).sum())
        assert untimed > 0, stage
        share = fmt_value(untimed / c[stage].sum(), "rate", "en")
        name = t(f"funnel.stage.{stage}", "en")  # the cohort's stage names ("Cohort inquiries")
        parts.append(f"{share} of the leads counted as {name} ({untimed:,}) have no {noun} time")
    # Every sample arrival before a deal is recorded, so arrivals are not named.
    assert int((c["arrivals"] & c["arrived_at"].isna()).sum()) == 0
    assert funnel_tables.texts(report, "en").untimed == (
        "; ".join(parts) + ": they reached a later stage, so they count at it; the funnel "
        "starts from created leads, the base of every rate."
    )


@pytest.mark.parametrize("dimension", ["channel", "city", "clinic", "specialty"])
def test_breakdown_matches_pandas(warehouse, raw, dimension):
    report = funnel.load(FOUR_WEEKS, Scope.all(), dimension=dimension, top_n=5)
    c = cohort(raw, FOUR_WEEKS, 30).merge(raw["clinics"][["clinic_id", "city_id", "specialty"]])
    key = {"channel": "channel_id", "city": "city_id", "clinic": "clinic_id"}.get(
        dimension, "specialty"
    )
    want = c.groupby(key)[list(STAGE_COLS)].sum().assign(leads=c.groupby(key).size())
    want = want.sort_values("leads", ascending=False, kind="stable")
    got = report.breakdown
    top = got[~got.is_other].set_index("key")
    assert len(top) == min(5, len(want))
    for member, row in top.iterrows():
        for col in ("leads", *STAGE_COLS):
            assert row[col] == want.loc[member, col], (member, col)
        assert row["overall_rate"] == pytest.approx(
            want.loc[member, "paid_deals"] / want.loc[member, "leads"]
        )
        assert row["inquiries_rate"] == pytest.approx(
            want.loc[member, "inquiries"] / want.loc[member, "leads"]
        )
    assert set(top.index) <= set(want.index)
    # Every lead is in exactly one row: the top members or "other".
    for col in ("leads", *STAGE_COLS):
        assert got[col].sum() == want[col].sum(), col
    # The smallest top member has at least as many leads as any member folded into "other".
    rest = want.drop(index=list(top.index))
    if not rest.empty:
        assert top["leads"].min() >= rest["leads"].max()
        other = got[got.is_other].iloc[0]
        assert other["members"] == len(rest)
        assert other["bookings_rate"] == pytest.approx(
            rest["bookings"].sum() / rest["inquiries"].sum()
        )


def test_breakdown_impressions_by_channel(warehouse, raw):
    report = funnel.load(FOUR_WEEKS, Scope.all(), dimension="channel", top_n=20)
    for row in report.breakdown.itertuples():
        f = Filters(FOUR_WEEKS.start, FOUR_WEEKS.end, channels=(int(row.key),))
        assert row.impressions == impressions(raw, f)
        if row.impressions == 0 or row.leads > row.impressions:
            # No impressions behind these leads (the referral channel): no period ratio.
            assert row.leads_rate is None
        else:
            assert row.leads_rate == pytest.approx(row.leads / row.impressions)


@pytest.mark.parametrize(
    ("comparison", "window"), [("previous", 30), ("last_year", 30), ("previous", "none")]
)
def test_weekly_and_comparison_match_pandas(warehouse, raw, comparison, window):
    report = funnel.load(FOUR_WEEKS, Scope.all(), window=window, comparison=comparison)
    days = None if window == "none" else window
    shift = FOUR_WEEKS.days if comparison == "previous" else 364
    before = Filters(
        FOUR_WEEKS.start - timedelta(days=shift), FOUR_WEEKS.end - timedelta(days=shift)
    )
    assert report.comparison_filters == before
    weekly = report.weekly
    assert len(weekly) == 4
    for f, prefix in ((FOUR_WEEKS, ""), (before, "cmp_")):
        c = cohort(raw, f, days)
        week = c.created_at.dt.normalize() - pd.to_timedelta(c.created_at.dt.day_of_week, "D")
        grouped = c.groupby(week)
        for i, row in weekly.iterrows():
            monday = pd.Timestamp(row[f"{prefix}week_start"])
            assert monday.weekday() == 0
            g = grouped.get_group(monday)
            prev = {
                "inquiries": "leads",
                "bookings": "inquiries",
                "arrivals": "bookings",
                "paid_deals": "arrivals",
            }
            counts = {"leads": len(g), **{s: g[s].sum() for s in STAGE_COLS}}
            for stage, before_stage in prev.items():
                want = counts[stage] / counts[before_stage]
                assert row[f"{prefix}{stage}_rate"] == pytest.approx(want), (i, stage)
                assert row[f"{prefix}{stage}_rate"] <= 1.0
            # The headline: paid deals over the created leads of the week.
            assert row[f"{prefix}overall_rate"] == pytest.approx(counts["paid_deals"] / len(g))
            if not prefix:
                assert row["leads"] == len(g)
                if days is None:
                    assert row["maturing_leads"] == 0 and not bool(row["is_maturing"])
                    continue
                cutoff = data_end(raw) - timedelta(days=days)
                assert row["maturing_leads"] == int((g.created_at > cutoff).sum())
                assert bool(row["is_maturing"]) == bool((g.created_at > cutoff).any())


def test_traffic_or_retention_matches_pandas(warehouse, raw):
    f = Filters(date(2026, 8, 1), date(2026, 10, 31), cities=(1, 2, 3))
    report = funnel.load(f, Scope.all())
    clinics = raw["clinics"][raw["clinics"].city_id.isin(f.cities)]
    customers = raw["customers"]
    fv = (
        customers[
            (customers.first_visit_on >= _ts(f.start)) & (customers.first_visit_on <= _ts(f.end))
        ]
        .groupby("home_clinic_id")
        .size()
    )
    orders = raw["orders"].sort_values(["ordered_at", "order_id"])
    orders = orders.assign(nth=orders.groupby("customer_id").cumcount())
    orders = orders.merge(customers[["customer_id", "referrer_id"]])
    period = orders[
        (orders.ordered_at >= _ts(f.start)) & (orders.ordered_at < _ts(f.end + timedelta(days=1)))
    ]
    got = report.clinics.set_index("clinic_id")
    assert set(got.index) == set(clinics.clinic_id[clinics.opened_on <= _ts(f.end)])
    for k in clinics.itertuples():
        if k.clinic_id not in got.index:
            continue
        row = got.loc[k.clinic_id]
        o = period[period.clinic_id == k.clinic_id]
        revenue = o.amount.sum()
        repeat = o.amount[o.nth > 0].sum()
        referred = o.amount[o.referrer_id.notna()].sum()
        retained = o.amount[(o.nth > 0) | o.referrer_id.notna()].sum()
        first_visits = int(fv.get(k.clinic_id, 0))
        start = max(f.start, pd.Timestamp(k.opened_on).date())
        months = ((f.end - start).days + 1) / (365.25 / 12)
        per_doctor = first_visits / (k.doctors * months)
        assert row["first_visits"] == first_visits
        assert row["revenue"] == pytest.approx(revenue)
        assert row["repeat_share"] == pytest.approx(repeat / revenue)
        assert row["referred_share"] == pytest.approx(referred / revenue)
        assert row["retained_share"] == pytest.approx(retained / revenue)
        assert row["per_doctor_month"] == pytest.approx(per_doctor)
        want_traffic = (
            "lacks_traffic"
            if per_doctor < 25
            else "below_healthy"
            if per_doctor < 50
            else "healthy"
        )
        assert row["traffic_status"] == want_traffic
        if want_traffic != "lacks_traffic":
            want = "lacks_retention" if retained / revenue < 0.5 else "retains"
            assert row["retention_status"] == want
    lacking = set(got.index[got.traffic_status == "lacks_traffic"])
    assert set(report.chain.lacks_traffic) == lacking


def test_city_filter_equals_scope_and_scope_cannot_widen(warehouse, raw):
    city = int(raw["cities"].city_id.iloc[0])
    other = int(raw["cities"].city_id.iloc[1])
    f = Filters(FOUR_WEEKS.start, FOUR_WEEKS.end, cities=(city,))
    by_filter = funnel.load(f, Scope.all(), dimension="city")
    by_scope = funnel.load(Filters(f.start, f.end), Scope(frozenset({city})), dimension="city")
    sneaky = funnel.load(
        Filters(f.start, f.end, cities=(other,)), Scope(frozenset({city})), dimension="city"
    )
    want = cohort(raw, f, 30)
    for report in (by_filter, by_scope, sneaky):
        assert report.cohort_leads == len(want)
        assert report.breakdown["key"].tolist() == [city]
        assert set(report.clinics.city_id) == {city}
        assert report.stages.set_index("stage").loc["impressions", "count"] == impressions(raw, f)


@pytest.mark.parametrize("window", [30, "none"])
def test_sheets_follow_the_contract_and_show_no_raw_missing_values(warehouse, window):
    report = funnel.load(FOUR_WEEKS, Scope.all(), dimension="clinic", window=window)
    for lang in ("zh", "en"):
        sheets = funnel_tables.sheets(report, lang)
        assert len(sheets) == 4
        for sheet in sheets:
            table = sheet.table()
            assert len(table.columns) == len(set(table.columns)), sheet.name
            assert len(sheet.name) <= 31
            shown = funnel_tables.display(sheet, lang)
            text = shown.to_csv(index=False)
            for bad in ("nan", "None", "inf", "NaT"):
                assert bad not in text.replace("Nanyang", "").replace("Financial", ""), (
                    sheet.name,
                    bad,
                )


def test_odd_controls_fall_back_to_defaults(warehouse):
    report = funnel.load(FOUR_WEEKS, Scope.all(), window=31, dimension="x", top_n=-1, comparison="")
    assert (report.window, report.dimension, report.top_n, report.comparison) == (
        30,
        "channel",
        8,
        "previous",
    )
    # A day count from a URL arrives as text.
    assert funnel.load(FOUR_WEEKS, Scope.all(), window="180").window == 180


def test_empty_period_is_empty(warehouse):
    report = funnel.load(Filters(date(2019, 1, 7), date(2019, 1, 13)), Scope.all())
    assert report.is_empty
    assert report.stages["from_previous"].isna().all()
    assert report.weekly["bookings_rate"].isna().all()


def test_data_end_is_the_warehouse_data_as_of(warehouse, raw):
    report = funnel.load(FOUR_WEEKS, Scope.all(), window=14)
    assert report.data_end == data.data_as_of() == data_end(raw)
    assert report.maturing_after == data_end(raw) - timedelta(days=14)
