"""Derived tables: summaries the writer rebuilds from the loaded tables at every load or seed.

``dashboard/warehouse/derived.py`` holds how each is built; the writer rebuilds them in the
same transaction as a load, so they always agree with the facts. They are not loader input:
not in ``schema.TABLE_ORDER``, never in a load folder or a dump. Queries read them where a
page would otherwise scan every order of all time. Declared on the schema's metadata by
``declare``, so ``schema.table(name)`` finds them like any other table.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, MetaData, Numeric, Table


def declare(metadata: MetaData, money: Numeric) -> tuple[str, ...]:
    """Declare every derived table on ``metadata``; return their names in rebuild order."""
    Table(
        "customer_first_orders",
        metadata,
        Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
        Column(
            "first_order_id",
            BigInteger,
            nullable=False,
            comment="the first paid order; ties at the same moment go to the lowest order id",
        ),
        Column("first_ordered_at", DateTime, nullable=False, comment="when it was paid"),
        Column("first_clinic_id", Integer, nullable=False, comment="its clinic"),
        Column(
            "acquisition_channel_id",
            Integer,
            nullable=False,
            comment="the customer's, copied so order queries need not join customers",
        ),
        comment="Derived: each paying customer's first paid order, kept in order of first_ordered_at.",
    )

    Table(
        "lead_daily",
        metadata,
        Column("date", Date, primary_key=True, comment="the day the events happened"),
        Column("clinic_id", Integer, primary_key=True, autoincrement=False),
        Column("channel_id", Integer, primary_key=True, autoincrement=False),
        Column("leads", BigInteger, nullable=False, comment="leads captured that day"),
        Column(
            "inquiries", BigInteger, nullable=False, comment="leads whose inquiry_at is that day"
        ),
        Column("bookings", BigInteger, nullable=False, comment="leads whose booked_at is that day"),
        Column(
            "arrivals", BigInteger, nullable=False, comment="leads whose arrived_at is that day"
        ),
        Column("paid_deals", BigInteger, nullable=False, comment="leads whose paid_at is that day"),
        Column(
            "appointments",
            BigInteger,
            nullable=False,
            comment="leads whose appointment_at is that day and not after the data's end",
        ),
        Column(
            "appointment_arrivals",
            BigInteger,
            nullable=False,
            comment="of those appointments, the leads that arrived (any day)",
        ),
        Column(
            "booked_arrivals",
            BigInteger,
            nullable=False,
            comment="leads booked that day that arrived (any day)",
        ),
        Column(
            "booked_with_appointment",
            BigInteger,
            nullable=False,
            comment="leads booked that day that have an appointment_at",
        ),
        Column(
            "inquiries_booked",
            BigInteger,
            nullable=False,
            comment="leads whose inquiry_at is that day that booked (any day)",
        ),
        comment="Derived: funnel events per day, clinic and lead channel, each on the day it happened.",
    )

    Table(
        "customer_order_totals",
        metadata,
        Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
        Column("first_ordered_at", DateTime, nullable=False, comment="the first paid order's time"),
        Column("last_ordered_at", DateTime, nullable=False, comment="the last paid order's time"),
        Column("orders", BigInteger, nullable=False, comment="paid orders of all time"),
        Column("revenue", Numeric(18, 2), nullable=False, comment="CNY paid of all time"),
        comment="Derived: each paying customer's lifetime totals (a period subtracts what came after it).",
    )

    Table(
        "customer_purchase_days",
        metadata,
        Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
        Column("date", Date, primary_key=True, comment="a day with at least one paid order"),
        Column("orders", BigInteger, nullable=False, comment="paid orders that day"),
        Column("amount", Numeric(18, 2), nullable=False, comment="CNY paid that day"),
        Column(
            "gap_days",
            Integer,
            comment="days since the customer's previous purchase day; null on the first",
        ),
        Column(
            "home_city_id", Integer, nullable=False, comment="the customer's, copied for filters"
        ),
        Column(
            "home_clinic_id", Integer, nullable=False, comment="the customer's, copied for filters"
        ),
        Column(
            "acquisition_channel_id", Integer, nullable=False, comment="the customer's, for filters"
        ),
        Column("registered_at", DateTime, nullable=False, comment="the customer's created_at"),
        comment="Derived: each customer's purchase days with the gap to the previous one.",
    )

    Table(
        "order_facts",
        metadata,
        Column("order_id", BigInteger, primary_key=True, autoincrement=False),
        Column("ordered_at", DateTime, nullable=False),
        # A plain column to join the calendar on: DuckDB estimates a join on
        # cast(ordered_at as date) at a handful of rows and then hashes the orders instead.
        Column("ordered_on", Date, nullable=False, comment="the calendar day of ordered_at"),
        Column("customer_id", BigInteger, nullable=False),
        Column("clinic_id", Integer, nullable=False),
        Column("amount", money, nullable=False, comment="CNY"),
        Column(
            "acquisition_channel_id",
            Integer,
            nullable=False,
            comment="the customer's, copied so period queries need not join customers",
        ),
        Column(
            "first_ordered_at",
            DateTime,
            nullable=False,
            comment="the customer's first paid order ever (customer_first_orders)",
        ),
        comment="Derived: every paid order with its customer's acquisition channel and first order "
        "time, in order of ordered_at (a period's order measures without a join per order).",
    )
    return (
        "customer_first_orders",
        "order_facts",
        "lead_daily",
        "customer_order_totals",
        "customer_purchase_days",
    )
