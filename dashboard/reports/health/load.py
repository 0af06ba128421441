"""Data health (数据体检): row counts and date coverage, filled shares, and warnings per page.

Computed from the warehouse through the named ``health_*`` queries, after every load
(``opsdash load``) and on the data-health page. Not scoped to a viewer's cities: the page is
for admins and analysts, who see every city, and the load report is the loader's.
The warnings themselves are the declarative list in ``dashboard.reports.health.checks``.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard import data, schema
from dashboard.filters import Scope
from dashboard.page_context import PageContext
from dashboard.reports.health.checks import CHECKS, evaluate
from dashboard.reports.health.model import (
    FIELD_TABLES,
    TABLES,
    Facts,
    FieldShare,
    Health,
    TableCoverage,
)


def optional_columns(table: str) -> list[str]:
    """The columns of ``table`` that the schema lets be empty (read from schema.py)."""
    return [c.name for c in schema.table(table).columns if c.nullable and not c.primary_key]


def load() -> Health:
    """The data-health report of the warehouse's current data (every city)."""
    extra = sorted({c.query for c in CHECKS if c.query})
    names = ["health_tables", *(f"health_fields_{t}" for t in FIELD_TABLES), *extra]
    frames = dict(
        zip(names, data.run_all(*(data.query(n, None, Scope.all()) for n in names)), strict=True)
    )
    facts = Facts(
        tables=coverage(frames["health_tables"]),
        fields=filled(frames),
        frames={n: frames[n] for n in extra},
    )
    optional = tuple(
        facts.fields[(t, c)]
        for t in FIELD_TABLES
        for c in optional_columns(t)
        if (t, c) in facts.fields
    )
    return Health(tables=tuple(facts.tables.values()), fields=optional, warnings=evaluate(facts))


def coverage(frame: pd.DataFrame) -> dict[str, TableCoverage]:
    """The ``health_tables`` rows as coverage per table, in ``TABLES`` order."""
    by_name = {row.table_name: row for row in frame.itertuples(index=False)}
    out: dict[str, TableCoverage] = {}
    for name in TABLES:
        row = by_name.get(name)
        if row is None:
            continue
        out[name] = TableCoverage(
            table=name,
            rows=int(row.row_count),
            dated=bool(int(row.dated)),
            first=_day(row.first_date),
            last=_day(row.last_date),
        )
    return out


def filled(frames: dict[str, pd.DataFrame]) -> dict[tuple[str, str], FieldShare]:
    """Filled counts of every column the ``health_fields_<table>`` queries count."""
    out: dict[tuple[str, str], FieldShare] = {}
    for table in FIELD_TABLES:
        row = frames[f"health_fields_{table}"].iloc[0]
        rows = int(row["row_count"])
        for column in row.index:
            if column != "row_count":
                out[(table, column)] = FieldShare(table, column, rows, int(row[column]))
    return out


def _day(value: object) -> date | None:
    """A date from a query cell (date, timestamp or missing)."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def build(ctx: PageContext) -> Health:
    """The page's view for the registry: every table of the warehouse, whatever the filters."""
    return load()
