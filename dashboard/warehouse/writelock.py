"""One load at a time per warehouse, across processes: its checks and its write under one lock.

A load validates against the warehouse as it is and then writes; if another load wrote in
between, the first one's checks would no longer hold (an order pointing at a customer the
other load removed). So validation and write share one exclusive lock:
- DuckDB: ``flock`` on the warehouse file's folder (it exists before the file does, and a
  refused load must leave no file behind, not even a lock file);
- PostgreSQL: a session-level advisory lock, held on its own connection.
The lock is re-entrant within a thread, so the writer can take it again inside a load.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from dashboard.settings import Settings
from dashboard.warehouse.engine import server_connect_args

# pg_advisory_lock's key for "a load is writing this database" (any fixed bigint will do).
PG_LOCK_KEY = 0x6F70_7364_6173_68  # "opsdash"
_held = threading.local()


@contextlib.contextmanager
def exclusive(settings: Settings) -> Iterator[None]:
    """Hold the warehouse's load lock (waiting for another load to finish first)."""
    held: set[str] = _held.__dict__.setdefault("keys", set())
    key = settings.warehouse_url
    if key in held:
        yield
        return
    with _acquire(settings):
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)


@contextlib.contextmanager
def _acquire(settings: Settings) -> Iterator[None]:
    if settings.is_duckdb:
        folder = settings.duckdb_file.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock
        return
    engine = sa.create_engine(
        settings.warehouse_url,
        poolclass=NullPool,
        connect_args=server_connect_args(settings, read_only=False),
    )
    if engine.dialect.name != "postgresql":
        engine.dispose()
        yield
        return
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("select pg_advisory_lock(:k)"), {"k": PG_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(sa.text("select pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
    finally:
        engine.dispose()
