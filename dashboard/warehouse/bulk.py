"""Bulk inserts into the warehouse: COPY on PostgreSQL, executemany elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pandas as pd
import sqlalchemy as sa

from dashboard import schema

if TYPE_CHECKING:
    import psycopg


def bulk_insert(
    conn: sa.Connection, name: str, frame: pd.DataFrame, into: str | None = None
) -> None:
    """Insert ``frame`` (table ``name``'s columns) into ``name``, or into the staging table ``into``."""
    if frame.empty:
        return
    if conn.dialect.name == "postgresql":
        # COPY is one to two orders of magnitude faster than INSERT for millions of rows. The
        # rows go as CSV text written by pandas in chunks (vectorised), not one Python call per
        # value: null is \N, so an empty string stays an empty string.
        # The postgresql dialect here is psycopg 3's (the only server driver configured).
        raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
        cols = ", ".join(frame.columns)
        data = _copy_ready(name, frame)
        sql = f"copy {into or name} ({cols}) from stdin with (format csv, null '\\N')"
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for start in range(0, len(data), _COPY_CHUNK_ROWS):
                chunk = data.iloc[start : start + _COPY_CHUNK_ROWS]
                copy.write(chunk.to_csv(index=False, header=False, na_rep="\\N"))
        return
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    conn.execute(sa.insert(schema.table(name)), records)


_COPY_CHUNK_ROWS = 100_000


def _copy_ready(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with integer columns that pandas holds as float (nulls) as nullable integers.

    Without this a nullable bigint such as leads.customer_id would be written as ``123.0``.
    """
    out = frame
    for column in schema.table(name).columns:
        series = frame[column.name]
        if isinstance(column.type, sa.Integer) and series.dtype.kind == "f":
            if out is frame:
                out = frame.copy(deep=False)
            out[column.name] = series.astype("Int64")
    return out
