"""Where a detail export's rows come from: Arrow record batches of a named query, streamed.

On DuckDB the query runs in a private in-memory DuckDB instance that attaches the warehouse
file read-only, with its own ``memory_limit`` (DuckDB's default is 80% of the machine's RAM,
and sorting a large period would take it all; beyond the limit the sort spills to a
temporary folder), and the result is read with DuckDB's Arrow record-batch reader. On a
server database it is read through a server-side cursor in chunks, each made a record batch.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Generator, Iterator, Sequence

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from dashboard.filters import Filters, Scope
from dashboard.settings import Settings
from dashboard.warehouse import engine as wh
from dashboard.warehouse import sqlfiles

# The export's DuckDB instance. Measured on 10,000,000 leads, first 1,000,000 rows: the
# query alone peaks at 1.4 GB RSS without a limit, 645 MB at 400 MB and 518 MB at 256 MB,
# in the same CPU time (the whole history, unlimited: 567 MB, spilling).
DUCKDB_MEMORY_LIMIT = "256MB"


def _bound(rendered: sqlfiles.RenderedQuery) -> dict[str, object]:
    return {
        k: list(v) if isinstance(v, tuple | frozenset | set) else v
        for k, v in rendered.params.items()
    }


def record_batches(
    settings: Settings,
    query: str,
    filters: Filters,
    scope: Scope,
    params: dict[str, object],
    chunk_rows: int,
) -> Generator[pa.RecordBatch, None, None]:
    """Record batches (at most ``chunk_rows`` rows each) of a named query, in its order."""
    dialect = (
        "duckdb"
        if settings.is_duckdb
        else sa.engine.make_url(settings.warehouse_url).get_backend_name()
    )
    rendered = sqlfiles.render(query, filters, scope, params, dialect=dialect)
    if settings.is_duckdb:
        yield from _duckdb_batches(settings, rendered, chunk_rows)
    else:
        yield from _server_batches(settings, rendered, chunk_rows)


def _duckdb_batches(
    settings: Settings, rendered: sqlfiles.RenderedQuery, chunk_rows: int
) -> Iterator[pa.RecordBatch]:
    dialect = wh.get_engine(settings).dialect  # numeric_dollar: $1, $2, … as DuckDB takes
    used = {k: v for k, v in _bound(rendered).items() if re.search(rf":{k}\b", rendered.sql)}
    stmt = sqlfiles.to_statement(rendered).bindparams(**used)
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = [compiled.params[k] for k in compiled.positiontup or ()]
    path = str(settings.duckdb_path).replace("'", "''")
    # A spill folder of its own: DuckDB instances must not share one.
    with tempfile.TemporaryDirectory(prefix="opsdash-export-") as spill:
        config = {"memory_limit": DUCKDB_MEMORY_LIMIT, "temp_directory": spill}
        yield from _attached_batches(config, path, compiled.string, values, chunk_rows)


def _attached_batches(
    config: dict, path: str, sql: str, values: list, chunk_rows: int
) -> Iterator[pa.RecordBatch]:
    with contextlib.closing(duckdb.connect(":memory:", config=config)) as con:
        con.execute(f"attach '{path}' as warehouse (read_only)")
        con.execute("use warehouse")
        reader = con.sql(sql, params=values).to_arrow_reader(chunk_rows)
        with contextlib.closing(reader):
            yield from reader


def _array(values: Sequence[object]) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _server_batches(
    settings: Settings, rendered: sqlfiles.RenderedQuery, chunk_rows: int
) -> Iterator[pa.RecordBatch]:
    engine = wh.get_engine(settings)
    with engine.connect() as conn:
        streaming = conn.execution_options(stream_results=True, yield_per=chunk_rows)
        result = streaming.execute(sqlfiles.to_statement(rendered), _bound(rendered))
        names = list(result.keys())
        try:
            while chunk := result.fetchmany(chunk_rows):
                columns = [_array(list(c)) for c in zip(*chunk, strict=True)]
                yield pa.RecordBatch.from_arrays(columns, names=names)
        finally:
            result.close()
