"""The only writer of the warehouse: replaces, appends to or upserts into tables atomically.

DuckDB (``write_duckdb``): the new state is built in a copy of the file and swapped in with
an atomic rename, so a running dashboard (which holds the old file open read-only) never sees
a half-written warehouse and never blocks the writer; it notices the new file and reopens.
Server warehouses (``write_server``): one transaction, so readers see the old tables until
commit. Both record the write in the load history and keep what ``opsdash undo`` needs.
What both share is below them: the schema's DDL and upgrades (``ddl``), bulk inserts (``bulk``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from dashboard import schema
from dashboard.settings import Settings
from dashboard.warehouse import write_duckdb, write_server, writelock
from dashboard.warehouse.engine import server_connect_args
from dashboard.warehouse.history import LoadRecord, TableCount, current_user


def replace_tables(
    settings: Settings,
    frames: Mapping[str, pd.DataFrame],
    source: str,
    new_keys: pd.DataFrame | None = None,
) -> int:
    """Replace the given tables wholesale, atomically, adding ``new_keys`` to key_map; return the batch id."""
    mode = "seed" if source == schema.SEED_SOURCE else "replace"
    record = LoadRecord(mode=mode, source=source, loaded_by=current_user())
    return write_tables(settings, frames, record, new_keys).batch_id


@dataclass(frozen=True)
class Written:
    """A finished write: its batch id and each table's rows added and removed."""

    batch_id: int
    counts: dict[str, TableCount]


def write_tables(
    settings: Settings,
    frames: Mapping[str, pd.DataFrame],
    record: LoadRecord,
    new_keys: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
) -> Written:
    """Write the given tables in ``record.mode`` (replace, append or upsert), all or nothing.

    Derived tables and the calendar are rebuilt from the result, and the write is recorded in
    the load history; the state before it is kept for ``opsdash undo`` (``undo_versions``).
    """
    unknown = set(frames) - set(schema.TABLE_ORDER)
    if unknown:
        raise ValueError(f"unknown tables: {sorted(unknown)}")
    ordered = {name: frames[name] for name in schema.TABLE_ORDER if name in frames}
    step = progress or (lambda _phase: None)
    # One writer at a time (two loads copying the same file would silently lose one batch);
    # a load already holds this lock over its checks, and takes it again here at no cost.
    with writelock.exclusive(settings):
        step("write")
        if settings.is_duckdb:
            batch_id, counts = write_duckdb.write(
                settings.duckdb_file, ordered, record, new_keys, settings.undo_versions, step
            )
        else:
            batch_id, counts = _write_server(settings, ordered, record, new_keys, step)
    return Written(batch_id, counts)


def _write_server(settings, frames, record, new_keys, step) -> tuple[int, dict[str, TableCount]]:
    engine = sa.create_engine(
        settings.warehouse_url,
        connect_args=server_connect_args(settings, read_only=False),
    )
    try:
        with engine.begin() as conn:
            batch_id, counts = write_server.write(
                conn, frames, record, new_keys, settings.undo_versions, step
            )
        settle(engine, (*frames, *schema.BUILT_TABLES, *schema.DERIVED_TABLES))
        return batch_id, counts
    finally:
        engine.dispose()


def settle(engine: sa.Engine, tables) -> None:
    """After a server write's commit: refresh the planner's statistics and the visibility map.

    VACUUM cannot run in a transaction. It sets the visibility map, so the covering indexes
    serve index-only scans, and the hint bits, so the first page views do not write them.
    Names come from the schema, never from input.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in tables:
            conn.exec_driver_sql(f"vacuum analyze {name}")


def export_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a frame as UTF-8 CSV (used by tests and the round-trip export)."""
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")
