"""Derived tables: summaries the writer rebuilds from the loaded facts after every load or seed.

Pages ask about "the customer's first paid order ever" on almost every screen (new customers,
returning customers, repeat rates, referral validity). Computed per query, that is a pass
over every order of all time (5,000,000 at scale) for each of a dozen queries a page runs;
kept here, it is one pass per load. The statements are portable SQL run inside the writer's
transaction, so a derived table never disagrees with the facts it comes from. Declared in
``dashboard.schema`` (DERIVED_TABLES), never loaded from files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from dashboard import schema
from dashboard.warehouse import sqlfiles

# Per paying customer: the first paid order (ties at the same moment go to the lowest order
# id, the rule every page uses), in order of first_ordered_at so DuckDB's zone maps skip
# everything outside a period. Aggregate-then-join is cheaper than ranking every order.
_CUSTOMER_FIRST_ORDERS = """
insert into customer_first_orders
    (customer_id, first_order_id, first_ordered_at, first_clinic_id, acquisition_channel_id)
with firsts as (
    select o.customer_id, min(o.ordered_at) as first_at
    from {orders} o
    group by o.customer_id
),
ties as (
    select o.customer_id, min(o.order_id) as order_id
    from {orders} o
    join firsts f on f.customer_id = o.customer_id and f.first_at = o.ordered_at
    group by o.customer_id
)
select t.customer_id, t.order_id, o.ordered_at, o.clinic_id, c.acquisition_channel_id
from ties t
join orders o on o.order_id = t.order_id
join customers c on c.customer_id = t.customer_id
order by o.ordered_at, t.customer_id
"""

# Funnel events per day, clinic and channel, each counted on the day it happened (as the KPIs
# count them): one pass per stage over the leads at load time instead of per page view.
# Beside the events, the counts of the rates that follow one set of leads (so a rate's
# numerator is a subset of its denominator and never exceeds 100%):
#   appointments / appointment_arrivals: visits due that day (appointment_at) by the data's
#     end ("data as of": a visit due later has not had its chance yet), and of those the
#     ones whose lead arrived (到诊率);
#   booked_arrivals / booked_with_appointment: of the leads booked that day, the ones that
#     arrived and the ones with an appointment time (the booking-cohort 到诊率, and whether
#     the appointment definition applies);
#   inquiries_booked: of the leads that inquired that day, the ones that booked (booking
#     completion).
_LEAD_DAILY = """
insert into lead_daily (date, clinic_id, channel_id, leads, inquiries, bookings, arrivals,
                        paid_deals, appointments, appointment_arrivals, booked_arrivals,
                        booked_with_appointment, inquiries_booked)
with as_of as (
    select a.data_as_of as ts from (
{as_of}
    ) a
),
events as (
    select cast(created_at as date) as date, clinic_id, channel_id, count(*) as leads,
           0 as inquiries, 0 as bookings, 0 as arrivals, 0 as paid_deals,
           0 as appointments, 0 as appointment_arrivals, 0 as booked_arrivals,
           0 as booked_with_appointment, 0 as inquiries_booked
    from leads
    where true {on_day_created_at}
    group by cast(created_at as date), clinic_id, channel_id
    union all
    select cast(inquiry_at as date), clinic_id, channel_id, 0, count(*), 0, 0, 0, 0, 0, 0, 0,
           count(booked_at)
    from leads
    where inquiry_at is not null {on_day_inquiry_at}
    group by cast(inquiry_at as date), clinic_id, channel_id
    union all
    select cast(booked_at as date), clinic_id, channel_id, 0, 0, count(*), 0, 0, 0, 0,
           count(arrived_at), count(appointment_at), 0
    from leads
    where booked_at is not null {on_day_booked_at}
    group by cast(booked_at as date), clinic_id, channel_id
    union all
    select cast(arrived_at as date), clinic_id, channel_id, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0
    from leads
    where arrived_at is not null {on_day_arrived_at}
    group by cast(arrived_at as date), clinic_id, channel_id
    union all
    select cast(paid_at as date), clinic_id, channel_id, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0
    from leads
    where paid_at is not null {on_day_paid_at}
    group by cast(paid_at as date), clinic_id, channel_id
    union all
    select cast(appointment_at as date), clinic_id, channel_id, 0, 0, 0, 0, 0, count(*),
           count(arrived_at), 0, 0, 0
    from leads
    where appointment_at <= (select ts from as_of) {on_day_appointment_at}
    group by cast(appointment_at as date), clinic_id, channel_id
)
select date, clinic_id, channel_id, sum(leads), sum(inquiries), sum(bookings), sum(arrivals),
       sum(paid_deals), sum(appointments), sum(appointment_arrivals), sum(booked_arrivals),
       sum(booked_with_appointment), sum(inquiries_booked)
from events
group by date, clinic_id, channel_id
order by date, clinic_id, channel_id
"""

# Per paying customer: lifetime order count and revenue, first and last order. A page that
# needs totals up to a period end subtracts the orders after it (few, for recent periods)
# instead of summing every order of all time.
_CUSTOMER_ORDER_TOTALS = """
insert into customer_order_totals (customer_id, first_ordered_at, last_ordered_at, orders, revenue)
select o.customer_id, min(o.ordered_at), max(o.ordered_at), count(*), sum(o.amount)
from {orders} o
group by o.customer_id
order by o.customer_id
"""

# Per customer and day with a paid order: orders, amount, the days since the customer's
# previous purchase day (null on the first) and the customer's filter columns, so the
# lifecycle is one group-by over this table (no window over every order, no join to
# customers). Kept in customer order: the group-by by customer it serves is then about twice
# as cheap (consecutive rows hit the same group), and it reads every day to the period end.
_CUSTOMER_PURCHASE_DAYS = """
insert into customer_purchase_days
    (customer_id, date, orders, amount, gap_days, home_city_id, home_clinic_id,
     acquisition_channel_id, registered_at)
with days as (
    select o.customer_id, cast(o.ordered_at as date) as date, count(*) as orders,
           sum(o.amount) as amount
    from {orders} o
    group by o.customer_id, cast(o.ordered_at as date)
)
select d.customer_id, d.date, d.orders, d.amount,
       cast(d.date - lag(d.date) over (partition by d.customer_id order by d.date) as integer),
       c.home_city_id, c.home_clinic_id, c.acquisition_channel_id, c.created_at
from days d
join customers c on c.customer_id = d.customer_id
order by d.customer_id, d.date
"""

# Every paid order with what period measures need about its customer: the acquisition channel
# (the channel filter of order measures) and the first paid order's time (new or returning).
# Built after customer_first_orders, from it; in order of ordered_at, so DuckDB's zone maps
# and PostgreSQL's covering index read a period's orders without a lookup per order.
_ORDER_FACTS = """
insert into order_facts
    (order_id, ordered_at, ordered_on, customer_id, clinic_id, amount, acquisition_channel_id,
     first_ordered_at)
select o.order_id, o.ordered_at, cast(o.ordered_at as date), o.customer_id, o.clinic_id, o.amount,
       f.acquisition_channel_id, f.first_ordered_at
from {orders} o
join customer_first_orders f on f.customer_id = o.customer_id
order by o.ordered_at, o.order_id
"""

REBUILD: dict[str, str] = {
    "customer_first_orders": _CUSTOMER_FIRST_ORDERS,
    "order_facts": _ORDER_FACTS,
    "lead_daily": _LEAD_DAILY,
    "customer_order_totals": _CUSTOMER_ORDER_TOTALS,
    "customer_purchase_days": _CUSTOMER_PURCHASE_DAYS,
}


_AS_OF = sqlfiles.query_text("data_as_of").strip().rstrip(";")
LEAD_TIMES = ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at", "appointment_at")
# Scratch tables of an incremental refresh: the customers and the days whose rows may change.
AFFECTED_CUSTOMERS = "affected_customers"
AFFECTED_DAYS = "affected_days"


def statement(name: str, incremental: bool = False) -> str:
    """The SQL that fills derived table ``name``: for every row, or (``incremental``) only
    the affected customers' or days' rows."""
    if incremental:
        # Constants of this module, never input.
        orders = (
            "(select * from orders where customer_id in "  # noqa: S608
            f"(select customer_id from {AFFECTED_CUSTOMERS}))"
        )
        days = {
            f"on_day_{c}": f"and cast({c} as date) in (select day from {AFFECTED_DAYS})"  # noqa: S608
            for c in LEAD_TIMES
        }
    else:
        orders, days = "orders", {f"on_day_{c}": "" for c in LEAD_TIMES}
    sql = REBUILD[name].replace("{as_of}", _AS_OF).replace("{orders}", orders)
    for key, value in days.items():
        sql = sql.replace("{" + key + "}", value)
    return sql


def rebuild(execute: Callable[[str], object]) -> None:
    """Empty and refill every derived table with ``execute(sql)`` (inside the caller's transaction)."""
    for name in schema.DERIVED_TABLES:
        # Names come from schema.DERIVED_TABLES, never from input.
        execute(f"delete from {name}")  # noqa: S608
        execute(statement(name))


# The key each derived table's rows hang on, and the scratch table naming the affected ones.
_SCOPE = {
    "customer_first_orders": ("customer_id", AFFECTED_CUSTOMERS, "customer_id"),
    "order_facts": ("customer_id", AFFECTED_CUSTOMERS, "customer_id"),
    "customer_order_totals": ("customer_id", AFFECTED_CUSTOMERS, "customer_id"),
    "customer_purchase_days": ("customer_id", AFFECTED_CUSTOMERS, "customer_id"),
    "lead_daily": ("date", AFFECTED_DAYS, "day"),
}


def refresh(execute: Callable[[str], object]) -> None:
    """Recompute only the rows of the affected customers and days (``affected_*`` tables).

    A derived row depends on one customer's orders and attributes (the customer tables) or on
    the lead events of one day (lead_daily), so recomputing those rows from the merged facts
    gives exactly what a full rebuild gives (tests/loading/test_load_modes_*.py check it).
    """
    for name in schema.DERIVED_TABLES:
        column, scratch, key = _SCOPE[name]
        # Names come from the schema and this module, never from input.
        execute(f"delete from {name} where {column} in (select {key} from {scratch})")  # noqa: S608
        execute(statement(name, incremental=True))


def as_of(execute: Callable[[str], object]):
    """The warehouse's "data as of" inside the caller's transaction (None when empty)."""
    return execute(f"select a.data_as_of from ({_AS_OF}) a").fetchall()[0][0]  # noqa: S608


def start_refresh(execute: Callable[[str], object], suffix: str = "") -> None:
    """Create the temporary tables that collect what an append or upsert touches.

    ``suffix``: the dialect's clause that drops them at commit (PostgreSQL's pooled sessions
    outlive a transaction; a DuckDB load's connection does not).
    """
    execute(f"create temporary table {AFFECTED_CUSTOMERS} (customer_id bigint){suffix}")
    execute(f"create temporary table {AFFECTED_DAYS} (day date){suffix}")


def collect(execute: Callable[[str], object], table: str, source: str, upsert: bool) -> None:
    """Note the customers and days that writing ``table``'s rows from ``source`` touches.

    Called before the rows are written, so an upsert's replaced rows are still there: their
    old customer and days are touched too (a corrected order may move to another customer).
    """
    # Names come from the schema and the writer, never from input.
    if table in ("orders", "customers"):
        execute(
            f"insert into {AFFECTED_CUSTOMERS} select customer_id from {source} "  # noqa: S608
            "where customer_id is not null"
        )
    elif table == "leads":
        for column in LEAD_TIMES:
            execute(
                f"insert into {AFFECTED_DAYS} select cast({column} as date) from {source} "  # noqa: S608
                f"where {column} is not null"
            )
    if upsert:
        collect_replaced(execute, table, source)


def collect_replaced(execute: Callable[[str], object], table: str, keys: str) -> None:
    """Note the customers and days of ``table``'s rows whose keys ``keys`` holds (before they
    are replaced or deleted)."""
    # Names come from the schema and the writer, never from input.
    if table == "orders":
        execute(
            f"insert into {AFFECTED_CUSTOMERS} select t.customer_id from orders t "  # noqa: S608
            f"join {keys} i on t.order_id = i.order_id"
        )
    elif table == "leads":
        for column in LEAD_TIMES:
            execute(
                f"insert into {AFFECTED_DAYS} select cast(t.{column} as date) from leads t "  # noqa: S608
                f"join {keys} i on t.lead_id = i.lead_id where t.{column} is not null"
            )


def finish_refresh(execute: Callable[[str], object], before) -> None:
    """Refresh the affected rows once every table is written; ``before`` is the old "as of".

    Visits due between the old and the new "data as of" now count (or no longer count) as
    due, so those days' lead_daily rows are recomputed as well.
    """
    after = as_of(execute)
    if before is not None and after is not None and before != after:
        lo, hi = sorted((before.date(), after.date()))
        days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
        values = ", ".join(f"(date '{d.isoformat()}')" for d in days)  # dates, not input
        execute(f"insert into {AFFECTED_DAYS} (day) values {values}")  # noqa: S608
    refresh(execute)
