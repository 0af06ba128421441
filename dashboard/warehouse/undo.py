"""``opsdash undo``: put the warehouse back as it was before the last load, all or nothing.

DuckDB: the file kept before that load (``versions``) becomes the warehouse again, by the
same copy-and-rename as a load, with the history of everything since carried into it and the
undo recorded. PostgreSQL: one transaction deletes the rows the load wrote and puts back the
rows it removed (saved by ``write_server``), rebuilds the derived tables and records the undo.
Either way readers see the state before or after the undo, never a mix, and a second undo
takes back the load before (as far as ``undo_versions`` reaches).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard import schema
from dashboard.settings import Settings
from dashboard.warehouse import calendar_build, derived, history, versions, write_server, writelock
from dashboard.warehouse.engine import server_connect_args
from dashboard.warehouse.history import LoadRecord, TableCount
from dashboard.warehouse.write_duckdb import (
    count_rows,
    insert_by_name,
    next_batch,
    remove_scratch,
)


class UndoUnavailable(RuntimeError):
    """Nothing can be undone; ``code`` is the catalogue key saying why, ``params`` its values."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Undone:
    """A finished undo: the load taken back, the undo's own batch, and each table's counts."""

    undone: int
    batch_id: int
    counts: dict[str, TableCount]


def undo_last(settings: Settings, loaded_by: str = "") -> Undone:
    """Take back the latest load not undone yet (raises UndoUnavailable when there is none)."""
    with writelock.exclusive(settings):
        if settings.is_duckdb:
            return _undo_duckdb(settings.duckdb_file, loaded_by)
        return _undo_server(settings, loaded_by)


def read_history(settings: Settings) -> pd.DataFrame:
    """The load history, newest first (empty when there is no warehouse yet)."""
    if settings.is_duckdb:
        path = settings.duckdb_file
        return _duckdb_history(path) if path.exists() else history.frame([])
    engine = sa.create_engine(
        settings.warehouse_url, connect_args=server_connect_args(settings, read_only=True)
    )
    try:
        with engine.connect() as conn:
            return _server_history(conn)
    finally:
        engine.dispose()


def _target(frame: pd.DataFrame) -> int:
    target = history.undo_target(frame)
    if target is None:
        raise UndoUnavailable("undo.nothing")
    if target == int(frame["batch_id"].min()):
        # The warehouse's first write: before it there was no warehouse to go back to.
        raise UndoUnavailable("undo.first", batch=target)
    return target


def _undo_duckdb(path: Path, loaded_by: str) -> Undone:
    import duckdb

    if not path.exists():
        raise UndoUnavailable("undo.nothing")
    now = _duckdb_history(path)
    target = _target(now)
    kept = versions.kept_path(path, target)
    if not kept.exists():
        raise UndoUnavailable("undo.not_kept", batch=target)
    record = LoadRecord(mode="undo", source=str(kept.name), loaded_by=loaded_by, undoes=target)
    tables = _tables_of(now, target)
    remove_scratch(path)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    shutil.copyfile(kept, tmp)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("begin transaction")
            restored = {t: count_rows(con, t) for t in tables}
            kept_batches = set(con.execute("select batch_id from load_batches").df()["batch_id"])
            since = now[~now["batch_id"].isin(kept_batches)].drop(columns=["undone_by"])
            # The history is never undone: the loads since the kept state, then this undo.
            insert_by_name(con, "load_batches", since)
            current = duckdb.connect(str(path), read_only=True)
            try:
                undone = {t: count_rows(current, t) for t in tables}
            finally:
                current.close()
            # Each table's rows after the undo, and before it.
            counts = {t: TableCount(added=restored[t], removed=undone[t]) for t in tables}
            batch_id = max(next_batch(con), int(now["batch_id"].max()) + 1)
            row = history.row_values(batch_id, record, counts, datetime.now())
            insert_by_name(con, "load_batches", pd.DataFrame([row]))
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
        kept.unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return Undone(target, batch_id, counts)


def _undo_server(settings: Settings, loaded_by: str) -> Undone:
    from dashboard.warehouse.writer import settle

    engine = sa.create_engine(
        settings.warehouse_url, connect_args=server_connect_args(settings, read_only=False)
    )
    try:
        with engine.begin() as conn:
            now = _server_history(conn)
            target = _target(now)
            if target not in write_server.saved_batches(conn):
                raise UndoUnavailable("undo.not_kept", batch=target)
            record = LoadRecord(
                mode="undo", source=f"batch {target}", loaded_by=loaded_by, undoes=target
            )
            # Only the derived rows of the customers and days the undone rows touch change.
            execute = conn.exec_driver_sql
            before = derived.as_of(execute)
            derived.start_refresh(execute, " on commit drop")
            counts = {t: _restore_server(conn, t, target) for t in _tables_of(now, target)}
            calendar_build.rebuild(
                lambda sql: conn.exec_driver_sql(sql).fetchall(),
                lambda frame: write_server.replace_built(conn, "calendar", frame),
            )
            derived.finish_refresh(execute, before)
            batch_id = int(now["batch_id"].max()) + 1
            row = history.row_values(batch_id, record, counts, datetime.now())
            conn.execute(sa.insert(schema.load_batches).values(**row))
            write_server.drop_saved(conn, target)
        settle(engine, (*counts, *schema.BUILT_TABLES, *schema.DERIVED_TABLES))
        return Undone(target, batch_id, counts)
    finally:
        engine.dispose()


def _restore_server(conn: sa.Connection, name: str, batch_id: int) -> TableCount:
    """Delete the rows load ``batch_id`` wrote to ``name`` and put back the ones it removed."""
    keys = write_server.undo_table(batch_id, name, "keys")
    removed = write_server.undo_table(batch_id, name, "removed")
    match = " and ".join(f"t.{c} = k.{c}" for c in schema.primary_key(name))
    # Names come from the schema and an integer batch id, never from input.
    count = f"select count(*) from {name}"  # noqa: S608
    before = int(conn.exec_driver_sql(count).scalar_one())
    derived.collect_replaced(conn.exec_driver_sql, name, keys)  # the rows about to go
    derived.collect(conn.exec_driver_sql, name, removed, upsert=False)  # the rows coming back
    conn.exec_driver_sql(f"delete from {name} t using {keys} k where {match}")  # noqa: S608
    conn.exec_driver_sql(f"insert into {name} select * from {removed}")  # noqa: S608
    after = int(conn.exec_driver_sql(count).scalar_one())
    # As on DuckDB: the table's rows after the undo, and before it.
    return TableCount(added=after, removed=before)


def _tables_of(frame: pd.DataFrame, batch_id: int) -> list[str]:
    """The loaded tables batch ``batch_id`` wrote, in load order."""
    text = frame.loc[frame["batch_id"] == batch_id, "tables"].iloc[0] or ""
    named = set(text.split(","))
    return [t for t in schema.TABLE_ORDER if t in named]


def _duckdb_history(path: Path) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        cols = {r[0] for r in con.execute("describe load_batches").fetchall()}
        # A file of an older version has fewer history columns: those read as null.
        select = ", ".join(c if c in cols else f"null as {c}" for c in history.COLUMNS)
        rows = con.execute(f"select {select} from load_batches").fetchall()  # noqa: S608
    finally:
        con.close()
    return history.frame(rows)


def _server_history(conn: sa.Connection) -> pd.DataFrame:
    found = {
        r[0]
        for r in conn.execute(
            sa.text(
                "select column_name from information_schema.columns "
                "where table_name = 'load_batches' and table_schema = current_schema()"
            )
        )
    }
    # A warehouse of an older version has fewer history columns: those read as null.
    table = schema.load_batches
    cols = [table.c[c] if c in found else sa.null().label(c) for c in history.COLUMNS]
    rows = conn.execute(sa.select(*cols)).fetchall() if found else []
    return history.frame(tuple(r) for r in rows)
