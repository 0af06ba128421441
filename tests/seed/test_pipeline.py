"""The whole generator against the schema: tables, columns, keys, references, enums, nulls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import schema
from dashboard.seed import generate
from tests.seed.conftest import END

FACTS = (
    "customers", "leads", "channel_daily", "orders", "experiment_exposures", "feedback",
    "staff_training", "expenses", "referral_rewards",
)  # fmt: skip


def test_every_table_with_declared_columns(small):
    assert list(small) == list(schema.TABLE_ORDER)
    for name, frame in small.items():
        assert list(frame.columns) == [c.name for c in schema.table(name).columns], name
        # The sample chain overrides no calendar day: the writer builds the calendar.
        assert len(frame) > 0 or name == "calendar_overrides", name


def test_same_seed_same_frames_and_other_seed_differs(small):
    again = generate(END, leads=20_000, seed=42)
    for name in schema.TABLE_ORDER:
        pd.testing.assert_frame_equal(small[name], again[name], check_exact=True, obj=name)
    other = generate(END, leads=20_000, seed=43)
    assert not other["leads"]["created_at"].equals(small["leads"]["created_at"])


def test_primary_and_unique_keys(small):
    for name, frame in small.items():
        table = schema.table(name)
        pk = [c.name for c in table.primary_key.columns]
        assert not frame.duplicated(pk).any(), f"{name} {pk}"
        for col in table.columns:
            if col.unique:
                assert frame[col.name].is_unique, f"{name}.{col.name}"


def test_foreign_keys_resolve(small):
    for name, frame in small.items():
        for fk in schema.table(name).foreign_keys:
            if fk.column.table.name in schema.BUILT_TABLES:
                continue  # the calendar is built from these dates (tests/warehouse)
            target = small[fk.column.table.name][fk.column.name]
            values = frame[fk.parent.name].dropna()
            assert values.isin(target).all(), f"{name}.{fk.parent.name} -> {fk.target_fullname}"


def test_exposures_reference_declared_variants(small):
    keys = ["experiment_id", "variant_code"]
    exposures = small["experiment_exposures"][keys].astype({"variant_code": "str"})
    variants = small["experiment_variants"][keys].astype({"variant_code": "str"})
    merged = exposures.drop_duplicates().merge(variants, how="left", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_enums_hold(small):
    for (name, col), allowed in schema.ENUMS.items():
        values = small[name][col].dropna().astype("str")
        assert values.isin(allowed).all(), f"{name}.{col}: {set(values) - set(allowed)}"


def test_not_null_columns_have_no_nulls(small):
    for name, frame in small.items():
        for col in schema.table(name).columns:
            if not col.nullable:
                assert frame[col.name].notna().all(), f"{name}.{col.name}"


def test_no_negative_money_or_counts(small):
    for name, frame in small.items():
        for col in frame.select_dtypes(include="number").columns:
            if col in ("lat", "lon", "home_lat", "home_lon"):
                continue
            assert (frame[col].dropna() >= 0).all(), f"{name}.{col}"


def test_no_fact_after_the_end_date(small):
    limit = pd.Timestamp(END) + pd.Timedelta(days=1)
    for name in FACTS:
        for col in small[name].select_dtypes(include="datetime").columns:
            if (name, col) == ("leads", "appointment_at"):
                continue  # a plan, not a fact: a visit may be due after the end date
            assert (small[name][col].dropna() < limit).all(), f"{name}.{col}"


def test_appointments_follow_the_bookings(small):
    """Every booked lead has a visit due on or after its booking's day; most arrivals come on
    the due day, the rest later, never earlier; some bookings never arrive."""
    leads = small["leads"]
    booked = leads["booked_at"].notna()
    assert (leads["appointment_at"].notna() == booked).all()
    due = leads.loc[booked, "appointment_at"].dt.normalize()
    assert (due >= leads.loc[booked, "booked_at"].dt.normalize()).all()
    came = leads[booked & leads["arrived_at"].notna()]
    gap = (came["arrived_at"].dt.normalize() - came["appointment_at"].dt.normalize()).dt.days
    assert (gap >= 0).all()
    assert 0.7 < (gap == 0).mean() < 0.95
    due_by_end = booked & (leads["appointment_at"] < pd.Timestamp(END) + pd.Timedelta(days=1))
    assert (due_by_end & leads["arrived_at"].isna()).sum() > 0
    assert (leads["appointment_at"] > pd.Timestamp(END) + pd.Timedelta(days=1)).any()


def test_date_columns_are_whole_days(small):
    for name, frame in small.items():
        for col in schema.table(name).columns:
            if type(col.type).__name__ == "Date":
                values = frame[col.name].dropna()
                assert (values == values.dt.normalize()).all(), f"{name}.{col.name}"


def test_sizes_follow_the_lead_count(default):
    leads = len(default["leads"])
    assert 0.17 < len(default["customers"]) / leads < 0.25  # about leads / 5
    assert 0.45 < len(default["orders"]) / leads < 0.55  # about leads / 2
    assert 100_000 < len(default["experiment_exposures"]) < 600_000


@pytest.mark.parametrize("leads", [1, 500])
def test_tiny_seeds_still_generate(leads):
    frames = generate(END, leads=leads, seed=1)
    assert len(frames["leads"]) == leads
    assert np.isfinite(frames["scorecard_targets"]["target"]).all()
