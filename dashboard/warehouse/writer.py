"""The only writer of the warehouse: replaces whole tables atomically.

DuckDB: the new state is built in a copy of the file and swapped in with an atomic
rename, so a running dashboard (which holds the old file open read-only) never sees a
half-written warehouse and never blocks the writer; it notices the new file and reopens.
Server warehouses (PostgreSQL): one transaction, so readers see the old tables until commit.
"""

from __future__ import annotations

import fcntl
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
from dashboard.warehouse import derived

# Indexes a server warehouse needs for the dashboard's joins and date ranges.
SERVER_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("leads", ("created_at",)),
    ("leads", ("customer_id",)),
    ("orders", ("ordered_at",)),
    ("orders", ("customer_id",)),
    ("customers", ("referrer_id",)),
    ("customers", ("home_city_id",)),
    ("experiment_exposures", ("experiment_id",)),
    ("feedback", ("submitted_at",)),
    ("customer_first_orders", ("first_ordered_at",)),
    ("lead_daily", ("date",)),
)


def create_schema(conn: sa.Connection) -> None:
    """Create every declared table that does not exist yet (no FK constraints: the loader validates)."""
    is_duckdb = conn.dialect.name == "duckdb"
    existing = set(sa.inspect(conn).get_table_names()) if not is_duckdb else _duckdb_tables(conn)
    for name in schema.DERIVED_TABLES:
        # A derived table is rebuilt at every load anyway: one from an older version is dropped
        # and created again when its columns differ from the declaration.
        if name in existing and _columns(conn, name) != [c.name for c in schema.table(name).c]:
            conn.exec_driver_sql(f"drop table {name}")
            existing.discard(name)
    for name in (*schema.TABLE_ORDER, "load_batches", *schema.DERIVED_TABLES):
        if name in existing:
            continue
        ddl = CreateTable(schema.table(name), include_foreign_key_constraints=[])
        sql = str(ddl.compile(dialect=conn.dialect))
        if is_duckdb:
            # DuckDB gains nothing from PK indexes on bulk-loaded facts; uniqueness is validated on load.
            sql = _strip_primary_key(sql)
        conn.exec_driver_sql(sql)
    if not is_duckdb:
        for table_name, cols in SERVER_INDEXES:
            index_name = f"ix_{table_name}_{'_'.join(cols)}"
            conn.exec_driver_sql(
                f"create index if not exists {index_name} on {table_name} ({', '.join(cols)})"
            )


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


def replace_tables(settings: Settings, frames: Mapping[str, pd.DataFrame], source: str) -> int:
    """Replace the given tables wholesale, atomically; return the new batch id."""
    unknown = set(frames) - set(schema.TABLE_ORDER)
    if unknown:
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    ordered = {name: frames[name] for name in schema.TABLE_ORDER if name in frames}
    if settings.is_duckdb:
        return _replace_duckdb(settings.duckdb_path, ordered, source)
    return _replace_server(settings.warehouse_url, ordered, source)


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in declared order, missing nullable columns as null."""
    cols = [c.name for c in schema.table(name).columns]
    out = frame.reindex(columns=cols)
    return out


def _replace_duckdb(path: Path, frames: Mapping[str, pd.DataFrame], source: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    # One writer at a time: two loads copying the same file would silently lose one batch.
    with open(path.with_name(f"{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _replace_duckdb_locked(path, frames, source)


def _replace_duckdb_locked(path: Path, frames: Mapping[str, pd.DataFrame], source: str) -> int:
    import duckdb

    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    # Replacing every table (a seed, a full load): start from an empty file and carry only the
    # batch history over. Copying the old file would keep its deleted rows' blocks, so each
    # full reload would leave the warehouse about twice its real size, and copy it first.
    full = set(schema.TABLE_ORDER) <= set(frames)
    history = _batch_history(path) if full and path.exists() else []
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
            for name, frame in frames.items():
                data = _conform(name, frame)
                con.register("incoming", data)
                # Table names come from schema.TABLE_ORDER (checked above), never from input.
                con.execute(f'delete from "{name}"')  # noqa: S608
                con.execute(f'insert into "{name}" select * from incoming')  # noqa: S608
                con.unregister("incoming")
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


def _next_batch_duckdb(con) -> int:
    return int(con.execute("select coalesce(max(batch_id), 0) + 1 from load_batches").fetchone()[0])


def _replace_server(url: str, frames: Mapping[str, pd.DataFrame], source: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            create_schema(conn)
            for name, frame in frames.items():
                conn.execute(sa.delete(schema.table(name)))
                _bulk_insert(conn, name, _conform(name, frame))
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
            for name in (*frames, *schema.DERIVED_TABLES):
                conn.exec_driver_sql(
                    f"analyze {name}"
                ) if conn.dialect.name == "postgresql" else None
        return batch_id
    finally:
        engine.dispose()


def _bulk_insert(conn: sa.Connection, name: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        # COPY is one to two orders of magnitude faster than INSERT for millions of rows.
        raw = conn.connection.dbapi_connection
        cols = ", ".join(frame.columns)
        with raw.cursor() as cur, cur.copy(f"copy {name} ({cols}) from stdin") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([None if _is_missing(v) else v for v in row])
        return
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    conn.execute(sa.insert(schema.table(name)), records)


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def export_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a frame as UTF-8 CSV (used by tests and the round-trip export)."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")
