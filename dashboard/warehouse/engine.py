"""The dashboard's read-only connection to the warehouse, and the data version.

The engine is opened read-only wherever the warehouse supports it; the loader in ``writer``
is the only writer. A DuckDB warehouse is replaced by an atomic rename, so the file's
identity (inode, mtime, size) is the data version. Each version is read through its own
engine: an in-memory DuckDB instance with that file attached read-only, whose pooled
connections are cursors of the instance (sharing its buffer cache). Opening the path again
would not do: DuckDB hands a process the instance it already has for a path while any
connection to it lives, so busy readers kept every new connection on the old file.
A ``Snapshot`` pairs a version with the engine that reads exactly it, for one page view.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from dashboard.settings import Settings

_lock = threading.Lock()
_engines: dict[str, Snapshot] = {}


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be reached or opened."""


class WarehouseEmpty(RuntimeError):
    """The warehouse has no data yet (no seed or load has run)."""


class WarehouseMissing(RuntimeError):
    """The DuckDB warehouse file does not exist (``existed``: it did at an earlier start)."""

    def __init__(self, path: str, existed: bool = False) -> None:
        super().__init__(f"no warehouse file at {path}")
        self.path = path
        self.existed = existed


def file_identity(path: Path) -> str:
    """Identity of a DuckDB file: changes whenever the writer swaps in a new file."""
    st = path.stat()
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


@dataclass(frozen=True)
class Snapshot:
    """One data version and the engine that reads it (all of one page view's reads)."""

    url: str
    version: str
    engine: sa.Engine


def data_version(settings: Settings) -> str:
    """A token that changes whenever the warehouse content changes (cache key)."""
    if settings.is_duckdb:
        return _duckdb_generation(settings).version
    return server_version(get_engine(settings))


def snapshot(settings: Settings) -> Snapshot:
    """The current data version with the engine that reads it."""
    if settings.is_duckdb:
        return _duckdb_generation(settings)
    engine = get_engine(settings)
    return Snapshot(settings.warehouse_url, server_version(engine), engine)


def server_version(engine: sa.Engine, conn: sa.Connection | None = None) -> str:
    """A server warehouse's data version: its latest load batch."""
    sql = sa.text("select max(batch_id) from load_batches")
    try:
        if conn is not None:
            return f"batch-{conn.execute(sql).scalar()}"
        with engine.connect() as own:
            return f"batch-{own.execute(sql).scalar()}"
    except sa.exc.SQLAlchemyError as exc:  # table missing or server down
        raise WarehouseUnavailable(str(exc).splitlines()[0]) from exc


def _duckdb_generation(settings: Settings) -> Snapshot:
    """The engine of the DuckDB file now at the path, opened once per file identity."""
    path = settings.duckdb_file
    for _ in range(5):
        if not path.exists():
            raise WarehouseMissing(str(path))
        identity = file_identity(path)
        with _lock:
            entry = _engines.get(settings.warehouse_url)
            if entry is not None and entry.version == identity:
                return entry
        engine = _attach_engine(path)
        # Attached by name: it is the file of this identity only if nothing was swapped in
        # between (a swap changes the inode); otherwise try again with the newer file.
        if path.exists() and file_identity(path) == identity:
            fresh = Snapshot(settings.warehouse_url, identity, engine)
            with _lock:
                old = _engines.get(settings.warehouse_url)
                if old is not None and old.version == identity:
                    engine.dispose()  # another thread opened this version first
                    return old
                _engines[settings.warehouse_url] = fresh
            if old is not None:
                # Idle connections to the old file close now; busy ones when returned.
                old.engine.dispose()
            return fresh
        engine.dispose()
    raise WarehouseUnavailable(f"{path} kept changing while it was being opened")


def _attach_engine(path: Path) -> sa.Engine:
    """An engine whose connections all read the file at ``path`` as it is now."""
    import duckdb
    from duckdb_engine import ConnectionWrapper

    base = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")  # a configured path, never user input
    try:
        base.execute(f"attach '{quoted}' as warehouse (read_only)")
    except duckdb.Error as exc:
        base.close()
        from dashboard.warehouse.faults import duckdb_fault

        fault = duckdb_fault(path, exc)
        raise (fault or WarehouseUnavailable(str(exc).splitlines()[0])) from exc

    def cursor() -> object:
        con = base.cursor()
        con.execute("use warehouse")
        return ConnectionWrapper(con)

    # Pooled connections share the instance's buffer cache (and cost little), so the pool
    # allows a dozen sessions plus data.run_all's three workers at once before a checkout
    # has to wait.
    return sa.create_engine("duckdb://", creator=cursor, pool_size=4, max_overflow=12)


def _create(settings: Settings) -> sa.Engine:
    return sa.create_engine(
        settings.warehouse_url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args=server_connect_args(settings),
    )


# Session settings of the dashboard's PostgreSQL connections (measured at 1,000,000 leads,
# EXPLAIN ANALYZE): every page query is a short analytical statement whose plan cost crosses
# jit_above_cost, and JIT compilation took 0.8 s of regions_breakdown's 2.4 s and 2.0 s of
# members_lifecycle's 4.4 s while saving nothing; sorts and hashes of a year of orders
# spilled to disk at the default 4 MB work_mem (external merge in kpi_money, channels_ltv,
# members_lifecycle). 32 MB per sort or hash node keeps them in memory at that scale while a
# full pool (15 connections) stays far below the server's RAM.
PG_SESSION_SETTINGS: dict[str, str] = {
    "default_transaction_read_only": "on",  # never let the dashboard write
    "jit": "off",
    "work_mem": "32MB",
}


def pg_session_options() -> str:
    """The libpq ``options`` string that applies PG_SESSION_SETTINGS to a new session."""
    return " ".join(f"-c {name}={value}" for name, value in PG_SESSION_SETTINGS.items())


def server_connect_args(settings: Settings, read_only: bool = True) -> dict:
    """Driver arguments of a server connection: the one connect timeout, and for the
    dashboard's own sessions read-only, no JIT, in-memory sorts."""
    if not settings.warehouse_url.startswith("postgresql"):
        return {}
    # Fail fast when the server is down or never answers (the OS would try for minutes).
    args: dict = {"connect_timeout": settings.connect_timeout}
    if read_only:
        args["options"] = pg_session_options()
    return args


def get_engine(settings: Settings) -> sa.Engine:
    """The shared read-only engine for these settings (per DuckDB file version)."""
    if settings.is_duckdb:
        return _duckdb_generation(settings).engine
    with _lock:
        entry = _engines.get(settings.warehouse_url)
        if entry is None:
            entry = Snapshot(settings.warehouse_url, "", _create(settings))
            _engines[settings.warehouse_url] = entry
        return entry.engine


def dispose_all() -> None:
    """Close every engine (tests and the CLI use this between warehouses)."""
    with _lock:
        for entry in _engines.values():
            entry.engine.dispose()
        _engines.clear()
