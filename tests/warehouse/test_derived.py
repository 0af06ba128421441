"""Every derived table equals an independent pandas computation over the raw rows, on both backends."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import schema
from dashboard.warehouse import engine as wh
from tests.reports.kpi_expected import latest_fact

STAGES = {
    "leads": "created_at",
    "inquiries": "inquiry_at",
    "bookings": "booked_at",
    "arrivals": "arrived_at",
    "paid_deals": "paid_at",
}


def _read(settings, table: str, keys: list[str]) -> pd.DataFrame:
    """The derived table as the warehouse holds it, sorted by ``keys``."""
    with wh.get_engine(settings).connect() as conn:
        result = conn.execute(sa.text(f"select * from {table}"))  # noqa: S608 - fixed names
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return frame.sort_values(keys).reset_index(drop=True)


def _ts(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[us]")


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.normalize().astype("datetime64[us]")


def _int(values: pd.Series) -> pd.Series:
    return values.astype("int64")


def _money(values: pd.Series) -> pd.Series:
    return values.astype(float).round(2)


def test_every_derived_table_is_covered():
    assert set(schema.DERIVED_TABLES) == {
        "customer_first_orders",
        "order_facts",
        "lead_daily",
        "customer_order_totals",
        "customer_purchase_days",
    }


def test_customer_first_orders(warehouse, raw):
    orders = raw["orders"].sort_values(["customer_id", "ordered_at", "order_id"])
    first = orders.drop_duplicates("customer_id").merge(
        raw["customers"][["customer_id", "acquisition_channel_id"]], on="customer_id"
    )
    got = _read(warehouse, "customer_first_orders", ["customer_id"])
    assert len(got) == len(first) == raw["orders"]["customer_id"].nunique()
    first = first.sort_values("customer_id").reset_index(drop=True)
    assert _int(got["customer_id"]).tolist() == first["customer_id"].tolist()
    assert _int(got["first_order_id"]).tolist() == first["order_id"].tolist()
    assert _ts(got["first_ordered_at"]).tolist() == _ts(first["ordered_at"]).tolist()
    assert _int(got["first_clinic_id"]).tolist() == _int(first["clinic_id"]).tolist()
    assert (
        _int(got["acquisition_channel_id"]).tolist()
        == _int(first["acquisition_channel_id"]).tolist()
    )


def test_order_facts(warehouse, raw):
    orders = raw["orders"]
    first = orders.groupby("customer_id")["ordered_at"].min().rename("first_ordered_at")
    expected = (
        orders.merge(raw["customers"][["customer_id", "acquisition_channel_id"]], on="customer_id")
        .merge(first, left_on="customer_id", right_index=True)
        .sort_values("order_id")
        .reset_index(drop=True)
    )
    got = _read(warehouse, "order_facts", ["order_id"])
    assert len(got) == len(expected) == len(orders)
    for column in ("order_id", "customer_id", "clinic_id", "acquisition_channel_id"):
        assert _int(got[column]).tolist() == _int(expected[column]).tolist(), column
    for column in ("ordered_at", "first_ordered_at"):
        assert _ts(got[column]).tolist() == _ts(expected[column]).tolist(), column
    assert _day(got["ordered_on"]).tolist() == _day(expected["ordered_at"]).tolist()
    assert _money(got["amount"]).tolist() == _money(expected["amount"]).tolist()
    # An order is never before its customer's first.
    assert (_ts(got["ordered_at"]) >= _ts(got["first_ordered_at"])).all()


def test_lead_daily(warehouse, raw):
    leads = raw["leads"]
    as_of = pd.Timestamp(latest_fact(raw))
    due = leads["appointment_at"].notna() & (leads["appointment_at"] <= as_of)
    arrived = leads["arrived_at"].notna()
    # (measure, the day it counts on, which leads): the events, and the rates' counts.
    counted = [(measure, column, leads[column].notna()) for measure, column in STAGES.items()]
    counted += [
        ("appointments", "appointment_at", due),
        ("appointment_arrivals", "appointment_at", due & arrived),
        ("booked_arrivals", "booked_at", leads["booked_at"].notna() & arrived),
        (
            "booked_with_appointment",
            "booked_at",
            leads["booked_at"].notna() & leads["appointment_at"].notna(),
        ),
        (
            "inquiries_booked",
            "inquiry_at",
            leads["inquiry_at"].notna() & leads["booked_at"].notna(),
        ),
    ]
    parts = []
    for measure, column, keep in counted:
        events = leads[keep]
        parts.append(
            events.assign(date=_day(events[column]))
            .groupby(["date", "clinic_id", "channel_id"])
            .size()
            .rename(measure)
        )
    expected = pd.concat(parts, axis=1).fillna(0).astype("int64").reset_index()
    keys = ["date", "clinic_id", "channel_id"]
    expected = expected.sort_values(keys).reset_index(drop=True)
    got = _read(warehouse, "lead_daily", keys)
    assert len(got) == len(expected)
    assert _day(got["date"]).tolist() == expected["date"].tolist()
    for column in ("clinic_id", "channel_id", *(m for m, _, _ in counted)):
        assert _int(got[column]).tolist() == _int(expected[column]).tolist(), column
    # Every lead is counted once on the day it was captured.
    assert int(got["leads"].sum()) == len(leads)


def test_customer_order_totals(warehouse, raw):
    expected = (
        raw["orders"]
        .groupby("customer_id")
        .agg(
            first_ordered_at=("ordered_at", "min"),
            last_ordered_at=("ordered_at", "max"),
            orders=("order_id", "size"),
            revenue=("amount", "sum"),
        )
        .reset_index()
    )
    got = _read(warehouse, "customer_order_totals", ["customer_id"])
    assert len(got) == len(expected)
    assert _int(got["customer_id"]).tolist() == expected["customer_id"].tolist()
    for column in ("first_ordered_at", "last_ordered_at"):
        assert _ts(got[column]).tolist() == _ts(expected[column]).tolist(), column
    assert _int(got["orders"]).tolist() == expected["orders"].tolist()
    assert _money(got["revenue"]).tolist() == _money(expected["revenue"]).tolist()


def test_customer_purchase_days(warehouse, raw):
    orders = raw["orders"].assign(date=_day(raw["orders"]["ordered_at"]))
    days = (
        orders.groupby(["customer_id", "date"])
        .agg(orders=("order_id", "size"), amount=("amount", "sum"))
        .reset_index()
        .sort_values(["customer_id", "date"])
    )
    previous = days.groupby("customer_id")["date"].shift()
    days["gap_days"] = (days["date"] - previous).dt.days
    customers = raw["customers"][
        ["customer_id", "home_city_id", "home_clinic_id", "acquisition_channel_id", "created_at"]
    ]
    expected = days.merge(customers, on="customer_id").reset_index(drop=True)
    got = _read(warehouse, "customer_purchase_days", ["customer_id", "date"])
    assert len(got) == len(expected)
    assert _int(got["customer_id"]).tolist() == expected["customer_id"].tolist()
    assert _day(got["date"]).tolist() == expected["date"].tolist()
    assert _int(got["orders"]).tolist() == expected["orders"].tolist()
    assert _money(got["amount"]).tolist() == _money(expected["amount"]).tolist()
    gaps = got["gap_days"].astype("Float64")
    assert gaps.isna().tolist() == expected["gap_days"].isna().tolist()
    assert gaps.dropna().tolist() == expected["gap_days"].dropna().tolist()
    # The first purchase day of every customer has no gap; every later one a positive gap.
    assert int(gaps.isna().sum()) == raw["orders"]["customer_id"].nunique()
    assert (gaps.dropna() > 0).all()
    for column in ("home_city_id", "home_clinic_id", "acquisition_channel_id"):
        assert _int(got[column]).tolist() == _int(expected[column]).tolist(), column
    assert _ts(got["registered_at"]).tolist() == _ts(expected["created_at"]).tolist()


@pytest.mark.parametrize("table", schema.DERIVED_TABLES)
def test_derived_tables_are_scoped_as_facts(table):
    from dashboard.warehouse import sqlfiles

    assert sqlfiles._reads_facts(f"select 1 from {table} t")
