"""A load into a server warehouse (PostgreSQL): one transaction, undo data saved inside it.

Readers see the old tables until the commit. So that ``opsdash undo`` can take the load back
in one transaction too, the same transaction saves, per table, the rows the load removed
(all of them for a replace, the replaced ones for an upsert) and the keys of the rows it
wrote, as tables ``b<batch>_<table>_removed`` and ``b<batch>_<table>_keys`` in the schema
``opsdash_undo``. Undo deletes the written keys and puts the removed rows back; nothing
else is needed, since loaded tables have primary keys and derived tables are rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from dashboard import schema
from dashboard.warehouse import calendar_build, derived, history
from dashboard.warehouse.bulk import bulk_insert
from dashboard.warehouse.ddl import conform, create_schema
from dashboard.warehouse.history import LoadRecord, TableCount

UNDO_SCHEMA = "opsdash_undo"
Progress = Callable[[str], None]


def write(
    conn: sa.Connection,
    frames: Mapping[str, pd.DataFrame],
    record: LoadRecord,
    new_keys: pd.DataFrame | None,
    keep_versions: int,
    progress: Progress,
) -> tuple[int, dict[str, TableCount]]:
    """Write ``frames`` in ``record.mode`` inside ``conn``'s transaction; return batch and counts."""

    create_schema(conn)
    batch_id = int(
        conn.execute(
            sa.text("select coalesce(max(batch_id), 0) + 1 from load_batches")
        ).scalar_one()
    )
    # The first write has nothing before it to go back to (as on DuckDB, where no file was).
    save = record.mode in history.UNDOABLE and keep_versions > 0 and batch_id > 1
    if save:
        conn.exec_driver_sql(f"create schema if not exists {UNDO_SCHEMA}")
    # Appending to or upserting into a warehouse with data: only the rows of derived tables
    # that the new rows touch are recomputed (derived.refresh).
    execute = conn.exec_driver_sql
    before = derived.as_of(execute) if record.mode in ("append", "upsert") else None
    if before is not None:
        derived.start_refresh(execute, " on commit drop")
    counts = {}
    for name, frame in frames.items():
        counts[name] = _write_table(
            conn, name, conform(name, frame), record.mode, batch_id, save, before is not None
        )
    if new_keys is not None and len(new_keys):
        bulk_insert(conn, "key_map", conform("key_map", new_keys))
    progress("derived")
    calendar_build.rebuild(
        lambda sql: conn.exec_driver_sql(sql).fetchall(),
        lambda frame: replace_built(conn, "calendar", frame),
    )
    if before is not None:
        derived.finish_refresh(execute, before)
    else:
        derived.rebuild(execute)
    row = history.row_values(batch_id, record, counts, datetime.now())
    conn.execute(sa.insert(schema.load_batches).values(**row))
    if save:
        prune(conn, keep_versions)
    return batch_id, counts


def _write_table(
    conn: sa.Connection,
    name: str,
    data: pd.DataFrame,
    mode: str,
    batch_id: int,
    save: bool,
    collect: bool,
) -> TableCount:
    """Replace, append to or upsert into ``name``, saving what undo needs when ``save``."""

    # Names come from the schema and the batch id is an integer: never from input.
    removed_copy = undo_table(batch_id, name, "removed")
    keys_copy = undo_table(batch_id, name, "keys")
    key = ", ".join(schema.primary_key(name))
    if mode in ("seed", "replace"):
        if save:
            conn.exec_driver_sql(f"create table {removed_copy} as select * from {name}")  # noqa: S608
        removed = conn.execute(sa.delete(schema.table(name))).rowcount
        bulk_insert(conn, name, data)
        if save:
            conn.exec_driver_sql(f"create table {keys_copy} as select {key} from {name}")  # noqa: S608
        return TableCount(added=len(data), removed=removed)
    # Append and upsert: the rows go to a temporary table first, to be matched by key.
    staged = f"incoming_{name}"
    conn.exec_driver_sql(
        f"create temporary table {staged} (like {name} including defaults) on commit drop"
    )
    bulk_insert(conn, name, data, into=staged)
    if collect:
        derived.collect(conn.exec_driver_sql, name, staged, mode == "upsert")
    match = " and ".join(f"t.{c} = i.{c}" for c in schema.primary_key(name))
    removed = 0
    if mode == "upsert":
        if save:
            conn.exec_driver_sql(
                f"create table {removed_copy} as select t.* from {name} t join {staged} i on {match}"  # noqa: S608
            )
        removed = conn.exec_driver_sql(
            f"delete from {name} t using {staged} i where {match}"  # noqa: S608
        ).rowcount
    elif save:
        conn.exec_driver_sql(f"create table {removed_copy} as select * from {name} where false")  # noqa: S608
    conn.exec_driver_sql(f"insert into {name} select * from {staged}")  # noqa: S608
    if save:
        conn.exec_driver_sql(f"create table {keys_copy} as select {key} from {staged}")  # noqa: S608
    conn.exec_driver_sql(f"drop table {staged}")
    return TableCount(added=len(data), removed=removed)


def undo_table(batch_id: int, name: str, part: str) -> str:
    """The qualified name of one of a load's undo tables."""
    return f"{UNDO_SCHEMA}.b{int(batch_id)}_{name}_{part}"


def saved_batches(conn: sa.Connection) -> list[int]:
    """Batches whose undo data is saved, newest first."""
    rows = conn.execute(
        sa.text(
            "select distinct cast(substring(table_name from '^b([0-9]+)_') as integer) "
            "from information_schema.tables where table_schema = :schema"
        ),
        {"schema": UNDO_SCHEMA},
    )
    return sorted((int(r[0]) for r in rows if r[0] is not None), reverse=True)


def drop_saved(conn: sa.Connection, batch_id: int) -> None:
    """Drop the undo tables of ``batch_id``."""
    rows = conn.execute(
        sa.text(
            "select table_name from information_schema.tables "
            "where table_schema = :schema and table_name like :prefix"
        ),
        {"schema": UNDO_SCHEMA, "prefix": f"b{int(batch_id)}\\_%"},
    )
    for (table,) in rows.fetchall():
        # Names listed by information_schema under our own prefix, never from input.
        conn.exec_driver_sql(f'drop table {UNDO_SCHEMA}."{table}"')


def prune(conn: sa.Connection, keep_versions: int) -> None:
    """Drop undo data beyond the newest ``keep_versions`` loads."""
    for batch_id in saved_batches(conn)[keep_versions:]:
        drop_saved(conn, batch_id)


def replace_built(conn: sa.Connection, name: str, frame: pd.DataFrame) -> None:
    """Empty a table the writer builds itself and fill it with ``frame``."""

    conn.execute(sa.delete(schema.table(name)))
    bulk_insert(conn, name, conform(name, frame))
