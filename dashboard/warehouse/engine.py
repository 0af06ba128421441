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


def file_identity(path: Path) -> str:
    """Identity of a DuckDB file: changes whenever the writer swaps in a new file."""
    st = path.stat()
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def data_version(settings: Settings) -> str:
    """A token that changes whenever the warehouse content changes (cache key)."""
    if settings.is_duckdb:
        path = settings.duckdb_path
        if not path.exists():
            raise WarehouseEmpty(str(path))
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
            raise WarehouseEmpty(str(settings.duckdb_path))
        # Pooled read-only connections share DuckDB's buffer cache within the process.
        return sa.create_engine(
            settings.warehouse_url,
            connect_args={"read_only": True},
            pool_size=4,
            max_overflow=8,
        )
    return sa.create_engine(
        settings.warehouse_url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args=_server_connect_args(settings.warehouse_url),
    )


def _server_connect_args(url: str) -> dict:
    if url.startswith("postgresql"):
        # Fail fast when the server is down, and never let the dashboard write.
        return {"connect_timeout": 5, "options": "-c default_transaction_read_only=on"}
    return {}


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
