"""``export_tables``: write warehouse tables as CSV files that ``load_directory`` takes back unchanged.

The format is the loader's own: empty cell = null, booleans true/false, dates YYYY-MM-DD,
timestamps ``YYYY-MM-DD HH:MM:SS`` (``.ffffff`` only when there are microseconds), decimals
with all their places, real numbers in Python's shortest round-trip form. Rows are written
in primary-key order so two dumps of the same data are byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from dashboard import schema
from dashboard.loading import keys
from dashboard.loading.existing import ExistingWarehouse, open_duckdb_readonly
from dashboard.loading.values import kind_of
from dashboard.settings import Settings
from dashboard.warehouse.engine import get_engine

if TYPE_CHECKING:
    import duckdb

CHUNK_ROWS = 200_000


def export_tables(
    settings: Settings,
    out_dir: str | Path,
    tables: Iterable[str] | None = None,
    bom: bool = True,
) -> list[Path]:
    """Write each table (default: every table) to ``out_dir/<table>.csv``; return the paths.

    The files are UTF-8 with a byte-order mark by default, because Excel on Chinese Windows
    reads a CSV without one as GBK and garbles the Chinese text; the loader accepts both.
    """
    names = list(schema.TABLE_ORDER) if tables is None else list(tables)
    unknown = [n for n in names if n not in schema.TABLE_ORDER]
    if unknown:
        raise ValueError(f"unknown tables: {', '.join(unknown)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with ExistingWarehouse(settings) as existing:
        present = existing.tables()
        mapped = bool(present) and existing.has_key_map()
    written = []
    for name in (n for n in schema.TABLE_ORDER if n in names):
        path = out / f"{name}.csv"
        chunks = _chunks(settings, name, mapped) if name in present else iter(())
        _write_csv(path, name, chunks, "utf-8-sig" if bom else "utf-8")
        written.append(path)
    return written


def _write_csv(path: Path, name: str, chunks: Iterator[pa.RecordBatch], encoding: str) -> None:
    """Write to a temporary file and rename, so an interrupted dump leaves no half file."""
    columns = [c.name for c in schema.table(name).columns]
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("w", encoding=encoding, newline="") as fh:
            pd.DataFrame(columns=columns).to_csv(fh, index=False, lineterminator="\n")
            for batch in chunks:
                text = format_batch(batch, name)
                text.to_csv(fh, index=False, header=False, lineterminator="\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _select(name: str, has_key_map: bool = True) -> sa.Select:
    """Every column in declared order, ids as the source wrote them (key_map), in key order."""
    declared = schema.table(name)
    order = list(declared.primary_key.columns) or list(declared.columns)
    source: sa.FromClause = declared
    columns = []
    for column in declared.columns:
        expr, source = keys.as_written(declared, column, source, has_key_map)
        columns.append(expr.label(column.name))
    return sa.select(*columns).select_from(source).order_by(*order)


def _chunks(settings: Settings, name: str, mapped: bool) -> Iterator[pa.RecordBatch]:
    if settings.is_duckdb:
        yield from _duckdb_chunks(settings, name, mapped)
    else:
        yield from _server_chunks(settings, name, mapped)


def _duckdb_chunks(settings: Settings, name: str, mapped: bool) -> Iterator[pa.RecordBatch]:
    # DuckDB hands over Arrow batches directly, far faster than row tuples for large tables.
    engine, conn = open_duckdb_readonly(settings)
    try:
        sql = str(
            _select(name, mapped).compile(
                dialect=conn.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        # duckdb-engine's connection wrapper passes .sql through to the DuckDB connection.
        raw = cast("duckdb.DuckDBPyConnection", conn.connection.dbapi_connection)
        relation = raw.sql(sql)
        # DuckDB 2 renamed fetch_arrow_reader to to_arrow_reader; pyproject allows both.
        reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
        yield from reader(CHUNK_ROWS)
    finally:
        conn.close()
        engine.dispose()


def _server_chunks(settings: Settings, name: str, mapped: bool) -> Iterator[pa.RecordBatch]:
    declared = schema.table(name)
    with get_engine(settings).connect() as conn:
        result = conn.execution_options(yield_per=CHUNK_ROWS).execute(_select(name, mapped))
        for part in result.partitions():
            yield pa.record_batch(
                [
                    pa.array([row[i] for row in part], type=_file_type(name, c))
                    for i, c in enumerate(declared.columns)
                ],
                names=[c.name for c in declared.columns],
            )


def arrow_type(column_type) -> pa.DataType:
    """The Arrow type of a declared column type."""
    kind = kind_of(column_type)
    if kind == "decimal":
        return pa.decimal128(column_type.precision, column_type.scale)
    return {
        "bool": pa.bool_(),
        "datetime": pa.timestamp("us"),
        "date": pa.date32(),
        "double": pa.float64(),
        "int64": pa.int64(),
        "int32": pa.int32(),
        "text": pa.large_string(),
    }[kind]


def _file_type(name: str, column: sa.Column) -> pa.DataType:
    """The Arrow type a column has in a file: ids are text."""
    return pa.large_string() if keys.is_key(name, column.name) else arrow_type(column.type)


def format_batch(batch: pa.RecordBatch, name: str) -> pd.DataFrame:
    """A batch of a table's rows as the text cells the loader reads (empty string for null)."""
    declared = schema.table(name)
    return pd.DataFrame(
        {
            c.name: (
                batch.column(c.name).cast(pa.large_string())
                if keys.is_key(name, c.name)
                else format_column(batch.column(c.name), c.type)
            )
            .to_pandas()
            .to_numpy(dtype=object, na_value="")
            for c in declared.columns
        }
    )


def format_column(values: pa.Array, column_type) -> pa.Array:
    """One column's values as loader text (Arrow kernels, no per-cell Python)."""
    typed = values.cast(arrow_type(column_type))
    kind = kind_of(column_type)
    if kind == "datetime":
        # Arrow prints microseconds always; keep them only when there are some.
        text = pc.strftime(typed, format="%Y-%m-%d %H:%M:%S")
        return pc.replace_substring_regex(text, r"\.0{6}$", "")
    # Decimals print every place the column keeps (12.50); doubles print the shortest text
    # that reads back as the same number; booleans print true/false; dates YYYY-MM-DD.
    return typed.cast(pa.large_string())
