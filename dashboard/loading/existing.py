"""Read-only look-ups in the current warehouse: which tables hold data, and their keys.

Opened only when a check needs it, and closed before anything is written. For DuckDB the
connection is a short-lived read-only one with no pool: a pooled connection would keep the
old file's database instance alive in this process after the writer swaps in the new file,
and a reader in the same process that reopens the path would be handed the old data.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from dashboard import schema
from dashboard.loading import keys
from dashboard.loading.values import coerce
from dashboard.settings import Settings
from dashboard.warehouse.engine import get_engine


class WarehouseUnreadable(RuntimeError):
    """The current warehouse exists but cannot be read."""


class ExistingWarehouse(AbstractContextManager):
    """The warehouse as it is before the load, for reference checks (read-only, lazy)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._engine: sa.Engine | None = None
        self._conn: sa.Connection | None = None
        self._tables: set[str] | None = None
        self._keys: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}
        self._key_map: bool | None = None

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection (call before writing)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None and self.settings.is_duckdb:
            self._engine.dispose()
        self._engine = None

    def tables(self) -> set[str]:
        """Declared tables that exist in the warehouse (empty when there is no warehouse)."""
        if self._tables is None:
            conn = self._connect()
            if conn is None:
                self._tables = set()
            else:
                rows = self._run(
                    conn,
                    sa.text(
                        "select table_name from information_schema.tables"
                        " where table_schema = current_schema()"
                    ),
                )
                self._tables = {r[0] for r in rows} & set(schema.TABLE_ORDER)
        return self._tables

    def keys(self, table: str, columns: tuple[str, ...]) -> pd.DataFrame:
        """Distinct non-null values of ``columns`` in ``table`` (empty if there is none)."""
        cache_key = (table, columns)
        if cache_key not in self._keys:
            self._keys[cache_key] = self._distinct(table, columns)
        return self._keys[cache_key]

    def key_map(self, entity: str) -> pd.DataFrame:
        """The stored external ids of an entity table (external_id, internal_id)."""
        rows = []
        if self.tables() and self.has_key_map():
            km = schema.key_map
            stmt = sa.select(km.c.external_id, km.c.internal_id).where(km.c.table_name == entity)
            rows = self._run(self._connect(), stmt)
        frame = pd.DataFrame(rows, columns=["external_id", "internal_id"])
        return frame.astype({"external_id": str, "internal_id": "int64"})

    def max_id(self, entity: str) -> int:
        """The highest integer id of an entity table (0 when it is empty or absent)."""
        if entity not in self.tables():
            return 0
        column = schema.table(entity).c[schema.ENTITY_IDS[entity]]
        found = self._run(self._connect(), sa.select(sa.func.max(column)))
        return int(found[0][0] or 0)

    def has_key_map(self) -> bool:
        """True when the warehouse has a key_map table (older ones may not)."""
        if self._key_map is None:
            rows = self._run(
                self._connect(),
                sa.text(
                    "select count(*) from information_schema.tables"
                    " where table_schema = current_schema() and table_name = 'key_map'"
                ),
            )
            self._key_map = bool(rows[0][0])
        return self._key_map

    def _distinct(self, table: str, columns: tuple[str, ...]) -> pd.DataFrame:
        declared = schema.table(table)
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
        if table not in self.tables():
            return _typed(empty, declared, columns)
        source: sa.FromClause = declared
        cols = []
        for name in columns:
            # Id columns are compared as the files write them: the external id.
            expr, source = keys.as_written(declared, declared.c[name], source, self.has_key_map())
            cols.append(expr.label(name))
        stmt = sa.select(*cols).select_from(source).where(*(c.is_not(None) for c in cols))
        result = self._run(self._connect(), stmt.distinct())
        frame = pd.DataFrame(result, columns=list(columns)) if result else empty
        return _typed(frame, declared, columns)

    def _run(self, conn: sa.Connection, stmt) -> list:
        try:
            # Tuples, not Row objects: pandas builds frames from them far faster (see sqlfiles).
            return [tuple(row) for row in conn.execute(stmt).fetchall()]
        except sa.exc.SQLAlchemyError as exc:
            raise WarehouseUnreadable(str(exc).splitlines()[0]) from exc

    def _connect(self) -> sa.Connection | None:
        if self._conn is not None:
            return self._conn
        settings = self.settings
        if settings.is_duckdb and not settings.duckdb_path.exists():
            return None
        try:
            self._engine, self._conn = _open(settings)
        except sa.exc.SQLAlchemyError as exc:
            raise WarehouseUnreadable(str(exc).splitlines()[0]) from exc
        return self._conn


def _typed(frame: pd.DataFrame, declared: sa.Table, columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: frame[c].astype(str)
            if keys.is_key(declared.name, c)
            else coerce(frame[c], declared.c[c].type)
            for c in columns
        }
    )


def _open(settings: Settings) -> tuple[sa.Engine, sa.Connection]:
    """A read-only connection: the shared engine for servers, an unpooled one for DuckDB."""
    if not settings.is_duckdb:
        engine = get_engine(settings)
        return engine, engine.connect()
    return open_duckdb_readonly(settings)


def open_duckdb_readonly(settings: Settings) -> tuple[sa.Engine, sa.Connection]:
    """An unpooled read-only connection to the DuckDB file, whatever else this process holds.

    DuckDB refuses a second connection to a file that this process already has open with a
    different configuration. The dashboard's engine opens it through duckdb-engine (which
    adds a user-agent setting); a plain ``duckdb.connect(read_only=True)`` does not. Try the
    dashboard's way first, then the plain one.
    """
    import duckdb
    from duckdb_engine import ConnectionWrapper

    path = str(settings.duckdb_path)
    engine = sa.create_engine(
        settings.warehouse_url, connect_args={"read_only": True}, poolclass=NullPool
    )
    try:
        return engine, engine.connect()
    except sa.exc.OperationalError as exc:
        engine.dispose()
        if "different configuration" not in str(exc):
            raise
    engine = sa.create_engine(
        "duckdb://",
        creator=lambda: ConnectionWrapper(duckdb.connect(path, read_only=True)),
        poolclass=NullPool,
    )
    return engine, engine.connect()
