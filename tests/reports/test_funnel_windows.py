"""The conversion window and maturing logic on hand-built leads, in the warehouse (both backends).

Each lead is built to sit on one edge: a lead that skips a stage, one that arrives on day 31,
one exactly at the window's end, a walk-in, leads still maturing, a deal keyed in at the till
85 days after the lead with no other stage time (a long sales cycle). Expected counts are
worked out by hand from the definitions in queries/funnel_stages.sql.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics.funnel import maturing_after
from dashboard.reports.funnel import load as funnel
from dashboard.reports.funnel import tables as funnel_tables
from dashboard.settings import Settings, duckdb_url
from tests.conftest import activate

H = timedelta(hours=1)
D = timedelta(days=1)
T0 = datetime(2026, 3, 2, 10, 0)  # a Monday
DATA_END = datetime(2026, 5, 31, 12, 0)  # the last lead's creation: the data's end
PERIOD = Filters(date(2026, 3, 2), date(2026, 3, 15))


def _lead(
    lead_id, created, inquiry=None, booked=None, arrived=None, paid=None, clinic=1, channel=1
):
    return {
        "lead_id": lead_id,
        "created_at": created,
        "channel_id": channel,
        "clinic_id": clinic,
        "customer_id": None,
        "is_returning": False,
        "inquiry_at": inquiry,
        "booked_at": booked,
        "arrived_at": arrived,
        "paid_at": paid,
        "deal_amount": 100.0 if paid else None,
    }


LEADS = [
    # 1: every stage, quickly.
    _lead(1, T0, T0 + H, T0 + D, T0 + 5 * D, T0 + 5 * D + H),
    # 2: skips the inquiry: booked straight away, arrives 3 days later, never pays.
    _lead(2, T0 + H, None, T0 + 3 * H, T0 + 3 * D + 3 * H),
    # 3: arrives on day 31 (30 days and 2 hours after creation), pays the same visit.
    _lead(3, T0 + 2 * H, T0 + 3 * H, T0 + 2 * D, T0 + 30 * D + 4 * H, T0 + 30 * D + 5 * H),
    # 4: arrives at exactly 30 days: the window's end is exclusive, so day 31 already.
    _lead(4, T0 + 3 * H, T0 + 4 * H, T0 + D + 3 * H, T0 + 30 * D + 3 * H),
    # 5: arrives one minute before the 30-day window closes (day 30).
    _lead(5, T0 + 4 * H, T0 + 5 * H, T0 + D + 4 * H, T0 + 30 * D + 3 * H - timedelta(minutes=1)),
    # 6: a walk-in: inquired, never booked, arrived.
    _lead(6, T0 + 5 * H, T0 + 6 * H, None, T0 + 2 * D),
    # 7: nothing after the lead; another clinic and channel.
    _lead(7, T0 + 6 * H, clinic=2, channel=2),
    # 8: second week; inquiry on day 8 (outside a 7-day window), booked on day 9.
    _lead(8, T0 + 8 * D, T0 + 15 * D, T0 + 16 * D),
    # 9: outside the period (March 16): not in the cohort although it converts.
    _lead(9, T0 + 14 * D, T0 + 14 * D + H, T0 + 15 * D, T0 + 16 * D, T0 + 16 * D),
    # 10–11: late leads, maturing under a 30-day window but not under 7 days.
    _lead(10, DATA_END - 20 * D, DATA_END - 20 * D + H),
    _lead(11, DATA_END),
    # 12: an implant case: only the deal is recorded, on day 86 (85 days and 2 hours on).
    _lead(12, T0 + 7 * H, paid=T0 + 85 * D + 9 * H),
]


def tables() -> dict[str, pd.DataFrame]:
    """The hand-built warehouse: one city, two clinics, two channels, the leads above."""
    leads = pd.DataFrame(LEADS)
    for col in ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at"):
        leads[col] = pd.to_datetime(leads[col])
    leads["customer_id"] = leads["customer_id"].astype("Int64")
    return {
        "cities": pd.DataFrame(
            [
                {
                    "city_id": 1,
                    "name_zh": "郑州",
                    "name_en": "Zhengzhou",
                    "province_zh": "河南",
                    "province_en": "Henan",
                    "region_zh": "华中",
                    "region_en": "Central China",
                    "tier": "new_tier1",
                    "lat": 34.7,
                    "lon": 113.6,
                }
            ]
        ),  # fmt: skip
        "clinics": pd.DataFrame(
            [
                {
                    "clinic_id": i,
                    "name_zh": f"诊所{i}",
                    "name_en": f"Clinic {i}",
                    "city_id": 1,
                    "specialty": spec,
                    "doctors": 2,
                    "staff": 10,
                    "opened_on": pd.Timestamp("2020-01-01"),
                    "lat": 34.7,
                    "lon": 113.6,
                }
                for i, spec in ((1, "eye"), (2, "dental"))
            ]
        ),  # fmt: skip
        "channels": pd.DataFrame(
            [
                {
                    "channel_id": i,
                    "code": code,
                    "name_zh": code,
                    "name_en": code,
                    "kind": kind,
                    "tier": "core",
                }
                for i, code, kind in ((1, "douyin", "short_video"), (2, "baidu", "search"))
            ]
        ),  # fmt: skip
        "leads": leads,
        "channel_daily": pd.DataFrame(
            [
                {
                    "date": pd.Timestamp("2026-03-03"),
                    "channel_id": 1,
                    "clinic_id": 1,
                    "impressions": 1000,
                    "clicks": 10,
                    "spend": 50.0,
                },
                {
                    "date": pd.Timestamp("2026-03-10"),
                    "channel_id": 2,
                    "clinic_id": 2,
                    "impressions": 500,
                    "clicks": 5,
                    "spend": 20.0,
                },
                {
                    "date": pd.Timestamp("2026-03-16"),
                    "channel_id": 1,
                    "clinic_id": 1,
                    "impressions": 9999,
                    "clicks": 5,
                    "spend": 20.0,
                },
            ]
        ),  # fmt: skip
    }


@pytest.fixture(scope="module")
def edge_duckdb(tmp_path_factory) -> Settings:
    from dashboard.warehouse.writer import replace_tables

    settings = Settings(warehouse_url=duckdb_url(tmp_path_factory.mktemp("edges") / "edges.duckdb"))
    replace_tables(settings, tables(), source="edge cases")
    return settings


@pytest.fixture(scope="module")
def edge_postgres(postgres) -> Settings:
    from dashboard.warehouse.writer import replace_tables

    settings = Settings(warehouse_url=postgres.create_database("opsdash_funnel_edges"))
    replace_tables(settings, tables(), source="edge cases")
    return settings


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def edges(request, monkeypatch) -> Settings:
    settings = request.getfixturevalue(f"edge_{request.param}")
    yield activate(settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


def _counts(report) -> dict[str, float]:
    return dict(zip(report.stages["stage"], report.stages["count"], strict=True))


def test_data_end_is_the_last_lead(edges):
    assert data.data_as_of() == DATA_END


@pytest.mark.parametrize(
    ("window", "want"),
    [
        # Leads 1–8 and 12 are the cohort; impressions count inside the period only. Lead 2
        # counts as an inquiry (it booked), lead 6 as a booking (it arrived); 3 and 4 arrive
        # too late; lead 12 pays on day 86.
        (30, {"inquiries": 7, "bookings": 7, "arrivals": 4, "paid_deals": 1}),
        # 60 days: leads 3 and 4 arrive in time; lead 3 pays.
        (60, {"inquiries": 7, "bookings": 7, "arrivals": 6, "paid_deals": 2}),
        # 7 days: lead 8's inquiry (day 8) and booking (day 9) fall outside; 3–5 arrive too late.
        (7, {"inquiries": 6, "bookings": 6, "arrivals": 3, "paid_deals": 1}),
        # 90 days and longer: lead 12's deal counts, and with it every stage before it.
        (90, {"inquiries": 8, "bookings": 8, "arrivals": 7, "paid_deals": 3}),
        (365, {"inquiries": 8, "bookings": 8, "arrivals": 7, "paid_deals": 3}),
        ("none", {"inquiries": 8, "bookings": 8, "arrivals": 7, "paid_deals": 3}),
    ],
)
def test_stage_counts_follow_the_window(edges, window, want):
    report = funnel.load(PERIOD, Scope.all(), window=window)
    assert report.cohort_leads == 9
    assert _counts(report) == {"impressions": 1500, "leads": 9, **want}
    # The headline rate's base is every created lead.
    assert report.lead_to_deal == pytest.approx(want["paid_deals"] / 9)


def test_long_cycle_deal_counts_in_every_section_without_a_limit(edges):
    report = funnel.load(PERIOD, Scope.all(), window="none", dimension="clinic", top_n=5)
    assert report.window == "none" and report.unlimited
    assert report.maturing_after is None and report.maturing_leads == 0
    assert report.weekly["paid_deals"].tolist() == [3, 0]
    assert report.weekly["overall_rate"].tolist() == pytest.approx([3 / 8, 0.0])
    assert not report.weekly["is_maturing"].any()
    assert report.breakdown.set_index("key").loc[1, "paid_deals"] == 3
    # The newest lead of the cohort (lead 8, day 9) and the oldest (lead 1) by the data's end.
    assert report.age_days == ((DATA_END - (T0 + 8 * D)).days, (DATA_END - T0).days)
    lines = funnel_tables.texts(report, "en")
    assert "conversion window: no limit; lead → paid deal 33.3%" in lines.cohort
    assert lines.maturing.startswith("No window: by the data's end (2026-05-31 12:00)")


def test_leads_without_stage_times_are_counted_and_named(edges):
    row = funnel.load(PERIOD, Scope.all(), window="none").stages.set_index("stage")
    # Inquiries without an inquiry time: leads 2 and 12; bookings without one: 6 and 12;
    # arrivals without one: 12. A deal always has its time.
    assert row.loc[["inquiries", "bookings", "arrivals"], "untimed"].tolist() == [2, 2, 1]
    assert row.loc["paid_deals", "untimed"] is None
    assert funnel_tables.untimed_text(funnel.load(PERIOD, Scope.all()).stages, "en") == (
        "14.3% of the leads counted as Cohort inquiries (1) have no inquiry time; "
        "14.3% of the leads counted as Cohort bookings (1) have no booking time: they reached a later "
        "stage, so they count at it; the funnel starts from created leads, the base of every rate."
    )


def test_skipped_stage_is_counted_but_not_timed(edges):
    report = funnel.load(PERIOD, Scope.all(), window=30)
    row = report.stages.set_index("stage")
    # Booking hours: leads 1, 4, 5 (23 h), 3 (45 h), 8 (24 h); lead 2 skipped the inquiry and
    # lead 6 never booked, so neither has a booking time.
    assert row.loc["bookings", "median_hours"] == pytest.approx(23.0)
    assert row.loc["bookings", "p75_hours"] == pytest.approx(24.0)
    assert row.loc["inquiries", "median_hours"] == pytest.approx(1.0)
    # Arrival hours inside 30 days: lead 1 (96 h), lead 2 (72 h), lead 5 (29 d − 1 h − 1 min);
    # lead 6 walked in without a booking, so it has no arrival time.
    lead5 = (29 * D - H - timedelta(minutes=1)) / H
    assert row.loc["arrivals", "median_hours"] == pytest.approx(96.0)
    assert row.loc["arrivals", "p75_hours"] == pytest.approx((96.0 + lead5) / 2)
    assert row.loc["impressions", "median_hours"] is None
    assert row.loc["leads", "from_previous"] == pytest.approx(9 / 1500)
    assert row.loc["inquiries", "from_previous"] == pytest.approx(7 / 9)
    assert row.loc["bookings", "from_previous"] == pytest.approx(1.0)
    assert row.loc["paid_deals", "from_leads"] == pytest.approx(1 / 9)
    assert row.loc["inquiries", "from_leads"] == pytest.approx(7 / 9)
    assert row.loc["arrivals", "drop_off"] == 3


def test_maturing_depends_on_the_window(edges):
    period = Filters(date(2026, 5, 4), date(2026, 5, 31))
    month = funnel.load(period, Scope.all(), window=30)
    week = funnel.load(period, Scope.all(), window=7)
    assert month.maturing_after == maturing_after(DATA_END, 30)
    assert month.cohort_leads == 2
    assert month.maturing_leads == 2
    assert week.maturing_leads == 1  # lead 10 has had its 7 days, lead 11 has not
    weeks = month.weekly.set_index("week_start")
    assert bool(weeks.loc[pd.Timestamp("2026-05-11"), "is_maturing"])
    assert not bool(weeks.loc[pd.Timestamp("2026-05-04"), "is_maturing"])


def test_weekly_and_breakdown_use_the_same_window(edges):
    report = funnel.load(PERIOD, Scope.all(), window=30, dimension="clinic", top_n=5)
    assert report.weekly["leads"].tolist() == [8, 1]
    assert report.weekly["bookings"].tolist() == [6, 1]
    assert report.weekly["impressions"].tolist() == [1000, 500]
    by_clinic = report.breakdown.set_index("key")
    assert by_clinic.loc[1, "arrivals"] == 4
    assert by_clinic.loc[2, "leads"] == 1
    assert by_clinic.loc[2, "impressions"] == 500
    assert sum(report.breakdown["inquiries"]) == _counts(report)["inquiries"]
