"""The only writer of the warehouse: replaces whole tables atomically.

DuckDB: the new state is built in a copy of the file and swapped in with an atomic
rename, so a running dashboard (which holds the old file open read-only) never sees a
half-written warehouse and never blocks the writer; it notices the new file and reopens.
Server warehouses (PostgreSQL): one transaction, so readers see the old tables until commit.
"""

from __future__ import annotations

import glob
import hashlib
import io
import os
import shutil
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.schema import CreateTable

from dashboard import schema
from dashboard.settings import Settings
from dashboard.warehouse import calendar_build, derived, writelock
from dashboard.warehouse.engine import server_connect_args

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
            if name in schema.TABLE_ORDER:
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


def replace_tables(
    settings: Settings,
    frames: Mapping[str, pd.DataFrame],
    source: str,
    new_keys: pd.DataFrame | None = None,
) -> int:
    """Replace the given tables wholesale, atomically, adding ``new_keys`` to key_map; return the batch id."""
    unknown = set(frames) - set(schema.TABLE_ORDER)
    if unknown:
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    ordered = {name: frames[name] for name in schema.TABLE_ORDER if name in frames}
    # One writer at a time (two loads copying the same file would silently lose one batch);
    # a load already holds this lock over its checks, and takes it again here at no cost.
    with writelock.exclusive(settings):
        if settings.is_duckdb:
            return _replace_duckdb(settings.duckdb_path, ordered, source, new_keys)
        return _replace_server(settings, ordered, source, new_keys)


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in declared order, missing nullable columns as null."""
    cols = [c.name for c in schema.table(name).columns]
    out = frame.reindex(columns=cols)
    return out


def _replace_duckdb(
    path: Path, frames: Mapping[str, pd.DataFrame], source: str, new_keys: pd.DataFrame | None
) -> int:
    import duckdb

    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    _remove_scratch(path)
    # Replacing every table (a seed, a full load): start from an empty file and carry only the
    # batch history over. Copying the old file would keep its deleted rows' blocks, so each
    # full reload would leave the warehouse about twice its real size, and copy it first.
    full = set(schema.TABLE_ORDER) <= set(frames)
    history = _batch_history(path) if full and path.exists() else []
    # External ids outlive a full reload: the same id keeps its integer in every later load.
    kept_keys = _key_map_rows(path) if full and path.exists() else None
    if path.exists() and not full:
        shutil.copyfile(path, tmp)
    try:
        engine = sa.create_engine(f"duckdb:///{tmp}")
        with engine.begin() as conn:
            create_schema(conn)
        engine.dispose()
        con = duckdb.connect(str(tmp))
        try:
            con.execute("set enable_progress_bar = false")  # no bar on the command's output
            con.execute("begin transaction")
            if history:
                con.executemany("insert into load_batches values (?, ?, ?, ?)", history)
            for rows in (kept_keys, new_keys):
                if rows is not None and len(rows):
                    con.register(
                        "incoming_keys", rows[["table_name", "external_id", "internal_id"]]
                    )
                    con.execute("insert into key_map select * from incoming_keys")
                    con.unregister("incoming_keys")
            for name, frame in frames.items():
                data = _conform(name, frame)
                con.register("incoming", data)
                # Table names come from schema.TABLE_ORDER (checked above), never from input.
                con.execute(f'delete from "{name}"')  # noqa: S608
                # Columns by name: a table upgraded from an older version (``_upgrade``) may
                # hold its columns in another order than the declaration.
                cols = ", ".join(f'"{c}"' for c in data.columns)
                con.execute(f'insert into "{name}" ({cols}) select {cols} from incoming')  # noqa: S608
                con.unregister("incoming")
            calendar_build.rebuild(
                lambda sql: con.execute(sql).fetchall(),
                lambda frame: _replace_duckdb_table(con, "calendar", frame),
            )
            derived.rebuild(con.execute)
            batch_id = _next_batch_duckdb(con)
            con.execute(
                "insert into load_batches values (?, ?, ?, ?)",
                [batch_id, datetime.now(), source[:200], ",".join(frames)[:400]],
            )
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return batch_id


def _remove_scratch(path: Path) -> None:
    """Delete scratch copies (and their WAL) that a killed load left beside ``path``.

    Safe because the caller holds the warehouse folder's load lock: no other load is writing
    one now. A leftover WAL whose name comes round again with a repeated process id would
    otherwise make the next load fail with "WAL does not match database file".
    """
    for leftover in path.parent.glob(f"{glob.escape(path.name)}.tmp-*"):
        leftover.unlink(missing_ok=True)


def _batch_history(path: Path) -> list[tuple]:
    """The load_batches rows of an existing DuckDB warehouse (empty if it has none)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []
    try:
        return con.execute("select * from load_batches order by batch_id").fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()


def _key_map_rows(path: Path) -> pd.DataFrame | None:
    """The key_map rows of an existing DuckDB warehouse (None if it has none)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("select table_name, external_id, internal_id from key_map").df()
    except duckdb.Error:
        return None
    finally:
        con.close()


def _next_batch_duckdb(con) -> int:
    return int(con.execute("select coalesce(max(batch_id), 0) + 1 from load_batches").fetchone()[0])


def _replace_server(
    settings: Settings,
    frames: Mapping[str, pd.DataFrame],
    source: str,
    new_keys: pd.DataFrame | None,
) -> int:
    engine = sa.create_engine(
        settings.warehouse_url,
        connect_args=server_connect_args(settings, read_only=False),
    )
    try:
        with engine.begin() as conn:
            create_schema(conn)
            for name, frame in frames.items():
                conn.execute(sa.delete(schema.table(name)))
                _bulk_insert(conn, name, _conform(name, frame))
            if new_keys is not None and len(new_keys):
                _bulk_insert(conn, "key_map", _conform("key_map", new_keys))
            calendar_build.rebuild(
                lambda sql: conn.exec_driver_sql(sql).fetchall(),
                lambda frame: _replace_server_table(conn, "calendar", frame),
            )
            derived.rebuild(conn.exec_driver_sql)
            batch_id = int(
                conn.execute(
                    sa.text("select coalesce(max(batch_id), 0) + 1 from load_batches")
                ).scalar()
            )
            conn.execute(
                sa.insert(schema.load_batches).values(
                    batch_id=batch_id,
                    loaded_at=datetime.now(),
                    source=source[:200],
                    tables=",".join(frames)[:400],
                )
            )
            for name in (*frames, *schema.BUILT_TABLES, *schema.DERIVED_TABLES):
                conn.exec_driver_sql(
                    f"analyze {name}"
                ) if conn.dialect.name == "postgresql" else None
        if engine.dialect.name == "postgresql":
            # After the commit (VACUUM cannot run in a transaction): sets the visibility map, so
            # the covering indexes serve index-only scans, and the hint bits, so the first
            # page views do not write them. Names come from the schema, never from input.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for name in (*frames, *schema.BUILT_TABLES, *schema.DERIVED_TABLES):
                    conn.exec_driver_sql(f"vacuum {name}")
        return batch_id
    finally:
        engine.dispose()


def _replace_duckdb_table(con, name: str, frame: pd.DataFrame) -> None:
    """Empty a table the writer builds itself and fill it with ``frame`` (DuckDB)."""
    con.register("built", _conform(name, frame))
    # Names come from schema.BUILT_TABLES, never from input.
    con.execute(f'delete from "{name}"')  # noqa: S608
    con.execute(f'insert into "{name}" select * from built')  # noqa: S608
    con.unregister("built")


def _replace_server_table(conn: sa.Connection, name: str, frame: pd.DataFrame) -> None:
    """Empty a table the writer builds itself and fill it with ``frame`` (server warehouse)."""
    conn.execute(sa.delete(schema.table(name)))
    _bulk_insert(conn, name, _conform(name, frame))


def _bulk_insert(conn: sa.Connection, name: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        # COPY is one to two orders of magnitude faster than INSERT for millions of rows. The
        # rows go as CSV text written by pandas in chunks (vectorised), not one Python call per
        # value: null is \N, so an empty string stays an empty string.
        raw = conn.connection.dbapi_connection
        cols = ", ".join(frame.columns)
        data = _copy_ready(name, frame)
        sql = f"copy {name} ({cols}) from stdin with (format csv, null '\\N')"
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for start in range(0, len(data), _COPY_CHUNK_ROWS):
                chunk = data.iloc[start : start + _COPY_CHUNK_ROWS]
                copy.write(chunk.to_csv(index=False, header=False, na_rep="\\N"))
        return
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    conn.execute(sa.insert(schema.table(name)), records)


_COPY_CHUNK_ROWS = 100_000


def _copy_ready(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with integer columns that pandas holds as float (nulls) as nullable integers.

    Without this a nullable bigint such as leads.customer_id would be written as ``123.0``.
    """
    out = frame
    for column in schema.table(name).columns:
        series = frame[column.name]
        if isinstance(column.type, sa.Integer) and series.dtype.kind == "f":
            if out is frame:
                out = frame.copy(deep=False)
            out[column.name] = series.astype("Int64")
    return out


def export_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a frame as UTF-8 CSV (used by tests and the round-trip export)."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")
