"""The warehouse's tables as declared: creation, upgrades of older tables, server indexes."""

from __future__ import annotations

import hashlib

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from dashboard import schema

# Indexes a server warehouse needs for the dashboard's joins and date ranges: (table, key
# columns), optionally followed by the columns an index carries for index-only scans (INCLUDE)
# and a predicate for a partial index. A period's orders and event timestamps are read
# through covering indexes (no visit to the table: the writer vacuums after a load, so the
# visibility map is set); the lead stage timestamps are null for most leads, so their
# indexes are partial. Indexes named ix_* that are no longer declared here are dropped.
SERVER_INDEXES: tuple[tuple, ...] = (
    ("leads", ("created_at",)),
    ("leads", ("customer_id",)),
    (
        "leads",
        ("arrived_at",),
        ("created_at", "clinic_id", "channel_id", "customer_id"),
        "arrived_at is not null",
    ),
    ("leads", ("booked_at",), ("clinic_id", "channel_id"), "booked_at is not null"),
    ("orders", ("ordered_at",), ("order_id", "customer_id", "clinic_id", "amount")),
    ("orders", ("customer_id", "ordered_at"), ("order_id", "clinic_id", "amount")),
    ("customers", ("first_visit_on",), (), "first_visit_on is not null"),
    ("customers", ("member_since",), (), "member_since is not null"),
    ("customers", ("referrer_id",)),
    ("customers", ("home_city_id",)),
    ("experiment_exposures", ("experiment_id",)),
    ("feedback", ("submitted_at",)),
    ("customer_first_orders", ("first_ordered_at",)),
    (
        "order_facts",
        ("ordered_at",),
        (
            "order_id",
            "ordered_on",
            "customer_id",
            "clinic_id",
            "amount",
            "acquisition_channel_id",
            "first_ordered_at",
        ),
    ),
    (
        "order_facts",
        ("first_ordered_at",),
        ("customer_id", "ordered_at", "clinic_id", "amount"),
    ),
    (
        "lead_daily",
        ("date",),
        ("clinic_id", "channel_id", "leads", "inquiries", "bookings", "arrivals", "paid_deals"),
    ),
    ("channel_daily", ("date",), ("clinic_id", "channel_id", "impressions", "clicks", "spend")),
    ("referral_rewards", ("paid_on",), ("clinic_id", "amount")),
    # Pages show a record's external id: looked up by the integer id.
    ("key_map", ("table_name", "internal_id"), ("external_id",)),
)


def create_schema(conn: sa.Connection) -> None:
    """Create every declared table that does not exist yet (no FK constraints: the loader validates)."""
    is_duckdb = conn.dialect.name == "duckdb"
    existing = set(sa.inspect(conn).get_table_names()) if not is_duckdb else _duckdb_tables(conn)
    for name in (*schema.BUILT_TABLES, *schema.DERIVED_TABLES):
        # A derived table or the calendar is rebuilt at every load anyway: one from an older
        # version is dropped and created again when its columns differ from the declaration.
        if name in existing and _columns(conn, name) != [c.name for c in schema.table(name).c]:
            conn.exec_driver_sql(f"drop table {name}")
            existing.discard(name)
    for name in (
        *schema.TABLE_ORDER,
        "load_batches",
        "key_map",
        *schema.BUILT_TABLES,
        *schema.DERIVED_TABLES,
    ):
        if name in existing:
            if name in (*schema.TABLE_ORDER, "load_batches"):
                _upgrade(conn, name)
            continue
        ddl = CreateTable(schema.table(name), include_foreign_key_constraints=[])
        sql = str(ddl.compile(dialect=conn.dialect))
        if is_duckdb:
            # DuckDB gains nothing from PK indexes on bulk-loaded facts; uniqueness is validated on load.
            sql = _strip_primary_key(sql)
        conn.exec_driver_sql(sql)
    if not is_duckdb:
        _create_server_indexes(conn)


def server_index_ddl() -> dict[str, str]:
    """Index name -> CREATE INDEX statement for every entry of SERVER_INDEXES.

    A plain index is ix_<table>_<columns>; a covering or partial one also carries a short hash
    of its definition, so a changed definition gets a new name (and the old index is dropped).
    """
    out: dict[str, str] = {}
    for entry in SERVER_INDEXES:
        table_name, cols = entry[0], tuple(entry[1])
        include = tuple(entry[2]) if len(entry) > 2 else ()
        where = entry[3] if len(entry) > 3 else None
        body = f"{table_name} ({', '.join(cols)})"
        if include:
            body += f" include ({', '.join(include)})"
        if where:
            body += f" where {where}"
        name = f"ix_{table_name}_{'_'.join(cols)}"
        if include or where:
            name += "_" + hashlib.sha1(body.encode()).hexdigest()[:8]
        out[name] = f"create index if not exists {name} on {body}"
    return out


def _create_server_indexes(conn: sa.Connection) -> None:
    """Create the declared indexes; drop the writer's (ix_*) indexes no longer declared."""
    declared = server_index_ddl()
    tables = [*schema.TABLE_ORDER, "key_map", *schema.DERIVED_TABLES]
    rows = conn.execute(
        sa.text(
            "select indexname from pg_indexes where schemaname = current_schema() "
            "and tablename in :tables and indexname like 'ix\\_%'"
        ).bindparams(sa.bindparam("tables", expanding=True)),
        {"tables": tables},
    )
    for (name,) in rows:
        if name not in declared:
            # Names come from pg_indexes and match ix_<identifier>, never from input.
            conn.exec_driver_sql(f'drop index if exists "{name}"')
    for ddl in declared.values():
        conn.exec_driver_sql(ddl)


def _upgrade(conn: sa.Connection, name: str) -> None:
    """Bring a table of an older version up to its declaration, keeping its rows.

    New columns are added (empty), and columns that became optional lose NOT NULL, so a load
    that keeps this table works after an upgrade. Names come from the schema, never from input.
    """
    rows = conn.execute(
        sa.text(
            "select column_name, is_nullable from information_schema.columns "
            "where table_name = :name and table_schema = current_schema()"
        ),
        {"name": name},
    ).fetchall()
    found = {r[0]: r[1] == "YES" for r in rows}
    for column in schema.table(name).columns:
        if column.name not in found:
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"alter table {name} add column {column.name} {kind}")
        elif column.nullable and not column.primary_key and not found[column.name]:
            conn.exec_driver_sql(f"alter table {name} alter column {column.name} drop not null")


def _columns(conn: sa.Connection, name: str) -> list[str]:
    """The columns of an existing table, in order."""
    rows = conn.execute(
        sa.text(
            "select column_name from information_schema.columns "
            "where table_name = :name order by ordinal_position"
        ),
        {"name": name},
    )
    return [r[0] for r in rows]


def _duckdb_tables(conn: sa.Connection) -> set[str]:
    rows = conn.exec_driver_sql(
        "select table_name from information_schema.tables where table_schema = 'main'"
    )
    return {r[0] for r in rows}


def _strip_primary_key(sql: str) -> str:
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("PRIMARY KEY")]
    text = "\n".join(lines)
    # Remove the comma left dangling before the closing parenthesis.
    head, _, tail = text.rpartition(")")
    return head.rstrip().rstrip(",") + "\n)" + tail


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in declared order, missing nullable columns as null."""
    return frame.reindex(columns=[c.name for c in schema.table(name).columns])
