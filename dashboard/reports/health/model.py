"""The data-health report's types, and the tables it covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from dashboard import schema

# Every table of the data model, the calendar first (the warehouse builds it; not loader input).
TABLES: tuple[str, ...] = tuple(dict.fromkeys(("calendar", *schema.TABLE_ORDER)))

# Tables whose optional (nullable) columns are listed with the share of rows that fill them.
FIELD_TABLES: tuple[str, ...] = ("leads", "customers", "clinics", "experiment_exposures")


@dataclass(frozen=True)
class TableCoverage:
    """One table: its rows and, for a table with a main date column, its first and last day."""

    table: str
    rows: int
    dated: bool
    first: date | None
    last: date | None


@dataclass(frozen=True)
class FieldShare:
    """How many rows of a table fill one column."""

    table: str
    column: str
    rows: int
    filled: int

    @property
    def share(self) -> float | None:
        """The filled share, or None for an empty table."""
        return self.filled / self.rows if self.rows else None

    @property
    def missing(self) -> float | None:
        """The share of rows without a value, or None for an empty table."""
        share = self.share
        return None if share is None else 1.0 - share


@dataclass(frozen=True)
class Facts:
    """What the checks read: coverage per table, filled counts, and the checks' own queries."""

    tables: dict[str, TableCoverage]
    fields: dict[tuple[str, str], FieldShare]  # every counted column, optional or not
    frames: dict[str, pd.DataFrame]  # a check's own query result, by query name


@dataclass(frozen=True)
class Finding:
    """A warning: which check, its message key and values, the pages whose figures it changes."""

    check: str
    message: str
    pages: tuple[str, ...]
    value: float
    params: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Health:
    """The data-health report."""

    tables: tuple[TableCoverage, ...]  # every table of the data model, in ``TABLES`` order
    fields: tuple[FieldShare, ...]  # optional columns of FIELD_TABLES, in schema order
    warnings: tuple[Finding, ...]  # in the order of the checks
