"""The dashboard's read-only connection to the warehouse, and the data version.

The engine is opened read-only wherever the warehouse supports it (DuckDB's
``read_only``); the loader in ``writer`` is the only writer. A DuckDB warehouse is
replaced by an atomic rename, so the file's identity (inode, mtime) is the data
version: when it changes, a new engine is opened on the new file.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from dashboard.settings import Settings

_lock = threading.Lock()
_engines: dict[str, tuple[str, sa.Engine]] = {}


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


def data_version(settings: Settings) -> str:
    """A token that changes whenever the warehouse content changes (cache key)."""
    if settings.is_duckdb:
        path = settings.duckdb_path
        if not path.exists():
            raise WarehouseMissing(str(path))
        return file_identity(path)
    try:
        with get_engine(settings).connect() as conn:
            value = conn.execute(sa.text("select max(batch_id) from load_batches")).scalar()
    except sa.exc.SQLAlchemyError as exc:  # table missing or server down
        raise WarehouseUnavailable(str(exc).splitlines()[0]) from exc
    return f"batch-{value}"


def _create(settings: Settings) -> sa.Engine:
    if settings.is_duckdb:
        if not settings.duckdb_path.exists():
            raise WarehouseMissing(str(settings.duckdb_path))
        # Pooled read-only connections share DuckDB's buffer cache within the process (and
        # cost little), so the pool allows a dozen sessions plus data.run_all's three workers
        # at once before a checkout has to wait.
        return sa.create_engine(
            settings.warehouse_url,
            connect_args={"read_only": True},
            pool_size=4,
            max_overflow=12,
        )
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
    """The shared read-only engine for these settings (one per process)."""
    identity = (
        file_identity(settings.duckdb_path)
        if settings.is_duckdb and settings.duckdb_path.exists()
        else ""
    )
    with _lock:
        entry = _engines.get(settings.warehouse_url)
        if entry is not None and entry[0] == identity:
            return entry[1]
        if entry is not None:
            # The writer swapped in a new file: connections to the old one are closed.
            entry[1].dispose()
        engine = _create(settings)
        _engines[settings.warehouse_url] = (identity, engine)
        return engine


def dispose_all() -> None:
    """Close every engine (tests and the CLI use this between warehouses)."""
    with _lock:
        for _, engine in _engines.values():
            engine.dispose()
        _engines.clear()
