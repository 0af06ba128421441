"""Read-only look-ups in the current warehouse: which tables hold data, and their keys.

Opened only when a check needs it, and closed before anything is written. For DuckDB the
connection is a short-lived read-only one with no pool: a pooled connection would keep the
old file's database instance alive in this process after the writer swaps in the new file,
and a reader in the same process that reopens the path would be handed the old data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager

import numpy as np
import pandas as pd
import sqlalchemy as sa
from pandas.api.types import is_string_dtype
from sqlalchemy.pool import NullPool

from dashboard import schema
from dashboard.loading import keys
from dashboard.loading.values import coerce, kind_of
from dashboard.settings import Settings
from dashboard.warehouse.engine import get_engine

# Values asked about in one query. They travel as one array parameter (``IN (SELECT
# unnest(:values))``): DuckDB plans a list of thousands of separate parameters slowly (~40 µs
# each), and PostgreSQL caps a statement at 65,535 of them. A weekly batch of 100k ids takes
# two queries per look-up.
CHUNK = 50_000


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

    def rows(
        self,
        table: str,
        columns: Iterable[str],
        match: Mapping[str, Iterable] | None = None,
        present: Iterable[str] = (),
    ) -> pd.DataFrame:
        """Rows of ``columns`` in ``table`` as files write them (not distinct, nulls kept);
        with ``match``, only rows whose every named column holds one of its values; with
        ``present``, only rows where those columns are not null.

        ``match`` values are written as files write them (external ids), like the incoming
        frames. The warehouse is asked only about those values (in chunks, each one array
        parameter, on the stored integer ids where the column holds one), so a batch of 100k
        keys reads its own rows of a 10-million-row table, not the table.
        """
        declared = schema.table(table)
        columns = tuple(columns)
        wanted = {c: _distinct(v) for c, v in (match or {}).items()}
        names = tuple(dict.fromkeys((*columns, *wanted)))
        empty = _typed(_no_rows(names), declared, names)
        if table not in self.tables() or any(v.empty for v in wanted.values()):
            return empty[list(columns)]
        filters: dict[str, list] = {}
        for name, values in wanted.items():
            stored = self._stored_values(declared, name, values)
            if stored is None:
                continue  # not filterable in SQL: compared below only
            if not stored:
                return empty[list(columns)]
            filters[name] = stored
        source: sa.FromClause = declared
        exprs = []
        for name in names:
            expr, source = keys.as_written(declared, declared.c[name], source, self.has_key_map())
            exprs.append(expr.label(name))
        # The longest filter is sent in chunks, the others whole.
        chunked = max(filters, key=lambda n: len(filters[n]), default=None)
        fixed = [_among(declared.c[n], v) for n, v in filters.items() if n != chunked]
        fixed += [declared.c[n].is_not(None) for n in present]
        stmt = sa.select(*exprs).select_from(source).where(*fixed)
        found: list = []
        conn = self._live()
        if chunked is None:
            found = self._run(conn, stmt)
        else:
            for part in _chunks(filters[chunked]):
                found += self._run(conn, stmt.where(_among(declared.c[chunked], part)))
        if not found:
            return empty[list(columns)]
        frame = _typed(pd.DataFrame(found, columns=list(names)), declared, names)
        keep = np.ones(len(frame), dtype=bool)
        for name, values in wanted.items():
            # Exact, as written: an integer candidate may be another id's (see _internal_ids).
            keep &= isin(frame[name], values)
        return frame.loc[keep, list(columns)].reset_index(drop=True)

    def has_rows(self, table: str) -> bool:
        """True when ``table`` exists in the warehouse and holds at least one row."""
        if table not in self.tables():
            return False
        declared = schema.table(table)
        stmt = sa.select(sa.literal(1)).select_from(declared).limit(1)
        return bool(self._run(self._live(), stmt))

    def key_map(self, entity: str) -> pd.DataFrame:
        """The stored external ids of an entity table (external_id, internal_id)."""
        rows = []
        if self.tables() and self.has_key_map():
            km = schema.key_map
            stmt = sa.select(km.c.external_id, km.c.internal_id).where(km.c.table_name == entity)
            rows = self._run(self._live(), stmt)
        frame = pd.DataFrame(rows, columns=["external_id", "internal_id"])
        return frame.astype({"external_id": str, "internal_id": "int64"})

    def max_id(self, entity: str) -> int:
        """The highest integer id of an entity table (0 when it is empty or absent)."""
        if entity not in self.tables():
            return 0
        column = schema.table(entity).c[schema.ENTITY_IDS[entity]]
        found = self._run(self._live(), sa.select(sa.func.max(column)))
        return int(found[0][0] or 0)

    def has_key_map(self) -> bool:
        """True when the warehouse has a key_map table (older ones may not)."""
        if self._key_map is None:
            rows = self._run(
                self._live(),
                sa.text(
                    "select count(*) from information_schema.tables"
                    " where table_schema = current_schema() and table_name = 'key_map'"
                ),
            )
            self._key_map = bool(rows[0][0])
        return self._key_map

    def _stored_values(self, declared: sa.Table, name: str, values: pd.Series) -> list | None:
        """The stored values to filter ``name`` on for these written values, None if the
        column cannot be filtered in SQL (an empty list: no stored value can match)."""
        if (declared.name, name) == keys.SCOPE:
            return None  # a city's or a clinic's id, by scope_kind: a small table anyway
        entity = keys.key_columns(declared.name).get(name)
        if entity is not None:
            return self._internal_ids(entity, values)
        kind = kind_of(declared.c[name].type)
        if kind == "text":
            return [str(v) for v in values]
        if kind == "date":
            return [pd.Timestamp(v).date() for v in values]
        if kind in ("int32", "int64"):
            return [int(v) for v in values]
        return None

    def _internal_ids(self, entity: str, written: pd.Series) -> list[int]:
        """Every integer the written ids of ``entity`` may stand for: their key_map integers,
        and a plain whole number's own value (a superset: a text id may hold that integer)."""
        texts = written.astype(str).reset_index(drop=True)
        # keys' own test of a plain whole number (within the column's range), so the
        # candidates are the integers keys.to_internal would give these ids.
        plain, numbers = keys.whole_numbers(texts, keys.id_limit(entity))
        ids = set(numbers[plain].tolist())
        if self.has_key_map():
            km = schema.key_map
            for part in _chunks(texts.tolist()):
                stmt = sa.select(km.c.internal_id).where(
                    km.c.table_name == entity, _among(km.c.external_id, part)
                )
                ids.update(int(r[0]) for r in self._run(self._live(), stmt))
        return sorted(ids)

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
        result = self._run(self._live(), stmt.distinct())
        frame = pd.DataFrame(result, columns=list(columns)) if result else empty
        return _typed(frame, declared, columns)

    def _run(self, conn: sa.Connection, stmt) -> list:
        try:
            # Tuples, not Row objects: pandas builds frames from them far faster (see sqlfiles).
            return [tuple(row) for row in conn.execute(stmt).fetchall()]
        except sa.exc.SQLAlchemyError as exc:
            raise WarehouseUnreadable(str(exc).splitlines()[0]) from exc

    def _live(self) -> sa.Connection:
        # For reads after tables() found a warehouse: the file is there, so is a connection.
        conn = self._connect()
        if conn is None:
            raise RuntimeError("no warehouse to read: check tables() first")
        return conn

    def _connect(self) -> sa.Connection | None:
        if self._conn is not None:
            return self._conn
        settings = self.settings
        if settings.is_duckdb and not settings.duckdb_file.exists():
            return None
        try:
            self._engine, self._conn = _open(settings)
        except sa.exc.SQLAlchemyError as exc:
            raise WarehouseUnreadable(str(exc).splitlines()[0]) from exc
        return self._conn


def _distinct(values: Iterable) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    return series.dropna().drop_duplicates().reset_index(drop=True)


def _no_rows(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def isin(values: pd.Series, targets: pd.Series) -> np.ndarray:
    """``values.isin(targets)`` as an array, fast for text too."""
    if is_string_dtype(values.dtype) or is_string_dtype(targets.dtype):
        # pandas' isin between two Arrow-backed str columns takes ~1 s for 100k by 100k
        # values; as Python objects the same takes a few hundredths.
        values, targets = values.astype(object), targets.astype(object)
    return values.isin(targets).to_numpy()


def _among(column: sa.ColumnElement, values: list) -> sa.ColumnElement:
    """``column IN (SELECT unnest(:values))`` with the values as one array parameter."""
    param = sa.bindparam(f"among_{column.name}", values, type_=sa.ARRAY(column.type))
    return column.in_(sa.select(sa.func.unnest(param)))


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


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

    path = str(settings.duckdb_file)
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
