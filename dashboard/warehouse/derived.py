"""Derived tables: summaries the writer rebuilds from the loaded facts after every load or seed.

Pages ask about "the customer's first paid order ever" on almost every screen (new customers,
returning customers, repeat rates, referral validity). Computed per query, that is a pass
over every order of all time (5,000,000 at scale) for each of a dozen queries a page runs;
kept here, it is one pass per load. The statements are portable SQL run inside the writer's
transaction, so a derived table never disagrees with the facts it comes from. Declared in
``dashboard.schema`` (DERIVED_TABLES), never loaded from files; the statements that fill them
are queries/derived/<table>.sql.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from dashboard import schema
from dashboard.warehouse import sqlfiles

# Each derived table's statement is queries/derived/<table>.sql, read through sqlfiles (its
# includes expanded, its parameters declared). Where it reads orders or lead events it marks
# the rows an incremental refresh restricts with a clause ``{{ affected customers <column> }}``
# or ``{{ affected days <timestamp column> }}``: true for a full rebuild, otherwise the
# column's customer (or day) is one of the affected ones.
_AFFECTED = re.compile(r"\{\{\s*affected\s+(customers|days)\s+([a-z_][a-z0-9_.]*)\s*\}\}")

_AS_OF = sqlfiles.query_text("data_as_of").strip().rstrip(";")
LEAD_TIMES = ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at", "appointment_at")
# Scratch tables of an incremental refresh: the customers and the days whose rows may change.
AFFECTED_CUSTOMERS = "affected_customers"
AFFECTED_DAYS = "affected_days"


def statement(name: str, incremental: bool = False) -> str:
    """The SQL that fills derived table ``name``: for every row, or (``incremental``) only
    the affected customers' or days' rows."""
    if name not in schema.DERIVED_TABLES:
        raise KeyError(name)
    lines = sqlfiles.query_text(f"derived/{name}").splitlines()
    # The header documents the file; the writer runs the statement through the driver
    # (exec_driver_sql), where psycopg would read a "%" in a comment as a placeholder.
    text = "\n".join(lines[next(i for i, line in enumerate(lines) if not line.startswith("--")) :])

    def clause(match: re.Match[str]) -> str:
        kind, column = match.groups()
        if not incremental:
            return "(1 = 1)"
        # Constants of this module and column names of a query file, never input.
        if kind == "customers":
            return f"{column} in (select customer_id from {AFFECTED_CUSTOMERS})"  # noqa: S608
        return f"cast({column} as date) in (select day from {AFFECTED_DAYS})"  # noqa: S608

    sql = _AFFECTED.sub(clause, text)
    if "{{" in sql:
        raise ValueError(f"queries/derived/{name}.sql: malformed placeholder")
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


def as_of(execute: Callable[[str], Any]) -> datetime | None:
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
