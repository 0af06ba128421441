"""The floor: the same statements a page ran, executed directly on a raw driver connection.

Each captured query is compiled once (untimed) into the driver's own SQL text and parameter
list, with list parameters expanded exactly as the app sends them; the timed part is only
``execute`` and ``fetchall`` on a plain ``duckdb`` or ``psycopg`` connection: no SQLAlchemy,
no cache, no pandas. The page's time divided by this shows what the app itself costs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.pool import PoolProxiedConnection

from dashboard.settings import Settings
from dashboard.warehouse import sqlfiles

if TYPE_CHECKING:
    import psycopg
    from duckdb_engine import ConnectionWrapper

# SQLAlchemy's own pattern for ``:name`` in text() (not ``::`` casts).
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


@dataclass(frozen=True)
class DriverQuery:
    """A statement in the driver's paramstyle with its parameters, ready to execute."""

    name: str
    sql: str
    params: list[Any] | dict[str, Any]  # list for positional drivers (DuckDB), dict for psycopg


def compile_for_driver(rendered: sqlfiles.RenderedQuery, dialect: sa.Dialect) -> DriverQuery:
    """Compile a rendered query into the driver's SQL and parameters (lists expanded)."""
    # The period parameters are always bound; a statement takes only those its text names.
    named = set(_BIND.findall(rendered.sql))
    values = {
        k: list(v) if isinstance(v, tuple | frozenset | set) else v
        for k, v in rendered.params.items()
        if k in named
    }
    stmt = sqlfiles.to_statement(rendered).bindparams(**values)
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    order = compiled.positiontup  # the parameter names in order; set exactly when positional
    if dialect.positional and order is not None:
        return DriverQuery(rendered.name, compiled.string, [params[n] for n in order])
    return DriverQuery(rendered.name, compiled.string, params)


class RawConnection:
    """A plain driver connection to the warehouse (DuckDB file read-only, or psycopg)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pooled: PoolProxiedConnection | None = None
        # Exactly one of the two is set: the borrowed DuckDB connection or the psycopg one.
        self._duckdb: ConnectionWrapper | None = None
        self._pg: psycopg.Connection[tuple[Any, ...]] | None = None
        if settings.is_duckdb:
            from dashboard.warehouse import engine as wh

            # DuckDB allows one configuration per file in a process, so the floor borrows a
            # DuckDB connection of the app's pool: the same database instance and buffer cache.
            # duckdb_engine's wrapper passes ``execute`` straight to DuckDBPyConnection.
            self._pooled = wh.get_engine(settings).raw_connection()
            self._duckdb = self._pooled.driver_connection
        else:
            import psycopg

            from dashboard.warehouse import engine as wh

            url = sa.engine.make_url(settings.warehouse_url)
            self._pg = psycopg.connect(
                host=url.host,
                port=url.port,
                user=url.username,
                password=url.password,
                dbname=url.database,
                autocommit=True,
                # The app's session settings, so the floor runs the same plans.
                options=wh.pg_session_options(),
            )

    def execute(self, query: DriverQuery) -> int:
        """Run one statement and fetch every row; return the row count."""
        if self._duckdb is not None:
            return len(self._duckdb.execute(query.sql, query.params).fetchall())
        if self._pg is None:
            raise RuntimeError("the raw connection is closed")
        with self._pg.cursor() as cur:
            cur.execute(query.sql, query.params)
            return len(cur.fetchall())

    def close(self) -> None:
        """Close the connection (a borrowed one goes back to the pool)."""
        if self._pooled is not None:
            self._pooled.close()
        elif self._pg is not None:
            self._pg.close()


def timed_run(con: RawConnection, queries: Sequence[DriverQuery]) -> tuple[float, list[float]]:
    """Execute the statements in order; return the total and each statement's seconds."""
    each: list[float] = []
    for query in queries:
        start = time.perf_counter()
        con.execute(query)
        each.append(time.perf_counter() - start)
    return sum(each), each
