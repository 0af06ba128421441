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

from dashboard import schema

# Per paying customer: the first paid order (ties at the same moment go to the lowest order
# id, the rule every page uses), in order of first_ordered_at so DuckDB's zone maps skip
# everything outside a period. Aggregate-then-join is cheaper than ranking every order.
_CUSTOMER_FIRST_ORDERS = """
insert into customer_first_orders
    (customer_id, first_order_id, first_ordered_at, first_clinic_id, acquisition_channel_id)
with firsts as (
    select o.customer_id, min(o.ordered_at) as first_at
    from orders o
    group by o.customer_id
),
ties as (
    select o.customer_id, min(o.order_id) as order_id
    from orders o
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
_LEAD_DAILY = """
insert into lead_daily (date, clinic_id, channel_id, leads, inquiries, bookings, arrivals, paid_deals)
with events as (
    select cast(created_at as date) as date, clinic_id, channel_id, count(*) as leads,
           0 as inquiries, 0 as bookings, 0 as arrivals, 0 as paid_deals
    from leads
    group by cast(created_at as date), clinic_id, channel_id
    union all
    select cast(inquiry_at as date), clinic_id, channel_id, 0, count(*), 0, 0, 0
    from leads
    where inquiry_at is not null
    group by cast(inquiry_at as date), clinic_id, channel_id
    union all
    select cast(booked_at as date), clinic_id, channel_id, 0, 0, count(*), 0, 0
    from leads
    where booked_at is not null
    group by cast(booked_at as date), clinic_id, channel_id
    union all
    select cast(arrived_at as date), clinic_id, channel_id, 0, 0, 0, count(*), 0
    from leads
    where arrived_at is not null
    group by cast(arrived_at as date), clinic_id, channel_id
    union all
    select cast(paid_at as date), clinic_id, channel_id, 0, 0, 0, 0, count(*)
    from leads
    where paid_at is not null
    group by cast(paid_at as date), clinic_id, channel_id
)
select date, clinic_id, channel_id, sum(leads), sum(inquiries), sum(bookings), sum(arrivals),
       sum(paid_deals)
from events
group by date, clinic_id, channel_id
order by date, clinic_id, channel_id
"""

REBUILD: dict[str, str] = {
    "customer_first_orders": _CUSTOMER_FIRST_ORDERS,
    "lead_daily": _LEAD_DAILY,
}


def rebuild(execute: Callable[[str], object]) -> None:
    """Empty and refill every derived table with ``execute(sql)`` (inside the caller's transaction)."""
    for name in schema.DERIVED_TABLES:
        # Names come from schema.DERIVED_TABLES, never from input.
        execute(f"delete from {name}")  # noqa: S608
        execute(REBUILD[name])
