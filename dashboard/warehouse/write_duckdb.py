"""A load into the DuckDB warehouse: built in a copy of the file, swapped in with one rename.

A running dashboard holds the old file open read-only; it never sees a half-written state
and never blocks the write, and notices the new file (a new data version) on its next page
view. The file swapped out is kept for ``opsdash undo`` (``versions``).
"""

from __future__ import annotations

import glob
import os
import shutil
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import schema
from dashboard.warehouse import calendar_build, derived, history, versions
from dashboard.warehouse.ddl import conform, create_schema
from dashboard.warehouse.history import LoadRecord, TableCount

Progress = Callable[[str], None]


def write(
    path: Path,
    frames: Mapping[str, pd.DataFrame],
    record: LoadRecord,
    new_keys: pd.DataFrame | None,
    keep_versions: int,
    progress: Progress,
) -> tuple[int, dict[str, TableCount]]:
    """Write ``frames`` in ``record.mode``; return the batch id and each table's counts."""
    import duckdb

    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    remove_scratch(path)
    # Replacing every table (a seed, a full load): start from an empty file and carry only the
    # history and key_map over. Copying the old file would keep its deleted rows' blocks, so
    # each full reload would leave the warehouse about twice its real size.
    full = record.mode in ("seed", "replace") and set(schema.TABLE_ORDER) <= set(frames)
    carried = _carried(path) if full and path.exists() else {}
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
            for name, rows in carried.items():
                insert_by_name(con, name, rows)
            if new_keys is not None and len(new_keys):
                insert_by_name(
                    con, "key_map", new_keys[["table_name", "external_id", "internal_id"]]
                )
            # Appending to or upserting into a warehouse with data: only the rows of derived
            # tables that the new rows touch are recomputed (derived.refresh).
            before = derived.as_of(con.execute) if record.mode in ("append", "upsert") else None
            if before is not None:
                derived.start_refresh(con.execute)
            counts = {
                name: _write_table(con, name, conform(name, frame), record.mode, before is not None)
                for name, frame in frames.items()
            }
            progress("derived")
            calendar_build.rebuild(
                lambda sql: con.execute(sql).fetchall(),
                lambda frame: replace_built(con, "calendar", frame),
            )
            if before is not None:
                derived.finish_refresh(con.execute, before)
            else:
                derived.rebuild(con.execute)
            batch_id = next_batch(con)
            row = history.row_values(batch_id, record, counts, datetime.now())
            insert_by_name(con, "load_batches", pd.DataFrame([row]))
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        if path.exists() and record.mode in history.UNDOABLE and keep_versions > 0:
            versions.keep(path, batch_id)
        os.replace(tmp, path)
        versions.prune(path, keep_versions)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return batch_id, counts


def _write_table(con, name: str, data: pd.DataFrame, mode: str, collect: bool) -> TableCount:
    """Put ``data`` into table ``name``: replace it, add to it, or add and replace by key."""
    con.register("incoming", data)
    # Table and column names come from the schema (checked by the caller), never from input.
    try:
        if collect:
            derived.collect(con.execute, name, "incoming", mode == "upsert")
        if mode in ("seed", "replace"):
            removed = count_rows(con, name)
            con.execute(f'delete from "{name}"')  # noqa: S608
        elif mode == "upsert":
            match = " and ".join(f't."{c}" = i."{c}"' for c in schema.primary_key(name))
            removed = _scalar(con, f'delete from "{name}" t using incoming i where {match}')  # noqa: S608
        else:
            removed = 0
        # Columns by name: a table upgraded from an older version may hold them in another order.
        cols = ", ".join(f'"{c}"' for c in data.columns)
        con.execute(f'insert into "{name}" ({cols}) select {cols} from incoming')  # noqa: S608
    finally:
        con.unregister("incoming")
    return TableCount(added=len(data), removed=removed)


def _scalar(con, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def count_rows(con, name: str) -> int:
    """The rows of table ``name`` in the file ``con`` reads."""
    # Names come from the schema, never from input.
    return _scalar(con, f'select count(*) from "{name}"')  # noqa: S608


def insert_by_name(con, name: str, rows: pd.DataFrame) -> None:
    """Insert ``rows`` into ``name`` matching columns by name (absent ones stay null)."""
    if rows.empty:
        return
    con.register("rows_in", rows)
    try:
        con.execute(f'insert into "{name}" by name select * from rows_in')  # noqa: S608
    finally:
        con.unregister("rows_in")


def replace_built(con, name: str, frame: pd.DataFrame) -> None:
    """Empty a table the writer builds itself and fill it with ``frame``."""

    con.register("built", conform(name, frame))
    try:
        # Names come from schema.BUILT_TABLES, never from input.
        con.execute(f'delete from "{name}"')  # noqa: S608
        con.execute(f'insert into "{name}" select * from built')  # noqa: S608
    finally:
        con.unregister("built")


def next_batch(con) -> int:
    """The next batch id of the file ``con`` writes."""
    return _scalar(con, "select coalesce(max(batch_id), 0) + 1 from load_batches")


def remove_scratch(path: Path) -> None:
    """Delete scratch copies (and their WAL) that a killed load left beside ``path``.

    Safe because the caller holds the warehouse folder's load lock: no other load is writing
    one now. A leftover WAL whose name comes round again with a repeated process id would
    otherwise make the next load fail with "WAL does not match database file".
    """
    for leftover in path.parent.glob(f"{glob.escape(path.name)}.tmp-*"):
        leftover.unlink(missing_ok=True)


def _carried(path: Path) -> dict[str, pd.DataFrame]:
    """What a full reload carries over from the old file: the load history and key_map.

    External ids outlive a full reload: the same id keeps its integer in every later load.
    """
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}
    out = {}
    try:
        for name in ("load_batches", "key_map"):
            try:
                out[name] = con.execute(f"select * from {name}").df()  # noqa: S608
            except duckdb.Error:  # an older file without the table
                continue
    finally:
        con.close()
    return out
