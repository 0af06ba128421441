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
insert into customer_first_orders (customer_id, first_order_id, first_ordered_at, first_clinic_id)
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
select t.customer_id, t.order_id, o.ordered_at, o.clinic_id
from ties t
join orders o on o.order_id = t.order_id
order by o.ordered_at, t.customer_id
"""

REBUILD: dict[str, str] = {"customer_first_orders": _CUSTOMER_FIRST_ORDERS}


def rebuild(execute: Callable[[str], object]) -> None:
    """Empty and refill every derived table with ``execute(sql)`` (inside the caller's transaction)."""
    for name in schema.DERIVED_TABLES:
        # Names come from schema.DERIVED_TABLES, never from input.
        execute(f"delete from {name}")  # noqa: S608
        execute(REBUILD[name])
