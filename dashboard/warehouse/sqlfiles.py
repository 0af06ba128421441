"""Named SQL files: load ``queries/<name>.sql``, place the filter clauses, run with bound parameters.

A query file is plain portable SQL with ``:named`` parameters. Where the global filters
apply it has a placeholder ``{{ filters dim=expr ... }}`` (dimensions: city, specialty,
clinic, channel), replaced by the clauses from ``dashboard.filters.where_clauses``; list
parameters are bound as expanding ``in`` lists. Nothing from a user reaches the SQL text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard.filters import Filters, Scope, ScopeError, where_clauses
from dashboard.settings import QUERIES_DIR

_PLACEHOLDER = re.compile(r"\{\{\s*filters((?:\s+[a-z]+=[a-z_][a-z0-9_.]*)*)\s*\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)?$")


class QueryNotFound(KeyError):
    """No SQL file has that name."""


@dataclass(frozen=True)
class RenderedQuery:
    """A query ready to execute: its SQL text and its bound parameters."""

    name: str
    sql: str
    params: dict[str, object]


@functools.cache
def query_text(name: str, dialect: str = "") -> str:
    """The text of a named query; a dialect subfolder wins when it has the file."""
    if not _NAME.match(name):
        raise QueryNotFound(name)
    candidates = [QUERIES_DIR / dialect / f"{name}.sql"] if dialect else []
    candidates.append(QUERIES_DIR / f"{name}.sql")
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise QueryNotFound(name)


def query_names() -> list[str]:
    """Every portable query name (files directly under queries/)."""
    return sorted(p.stem for p in Path(QUERIES_DIR).glob("*.sql"))


def render(
    name: str,
    filters: Filters | None,
    scope: Scope,
    params: dict[str, object] | None = None,
    dialect: str = "",
) -> RenderedQuery:
    """Place the filter clauses of ``filters`` and ``scope`` into the named query."""
    text = query_text(name, dialect)
    bound: dict[str, object] = dict(params or {})
    if filters is not None:
        bound.update(filters.period_params())
    counter = 0

    def substitute(match: re.Match) -> str:
        nonlocal counter
        counter += 1
        columns = dict(pair.split("=", 1) for pair in match.group(1).split())
        active = filters or _NO_FILTERS
        clauses, clause_params = where_clauses(active, scope, columns, prefix=f"f{counter}")
        bound.update(clause_params)
        return "(" + " and ".join(clauses) + ")" if clauses else "(1 = 1)"

    sql = _PLACEHOLDER.sub(substitute, text)
    if "{{" in sql:
        raise ValueError(f"query {name}: malformed filters placeholder")
    unscoped = "-- unscoped:" in text
    if counter == 0 and scope.is_restricted and _reads_facts(sql) and not unscoped:
        raise ScopeError(f"query {name} reads facts but has no filters placeholder")
    return RenderedQuery(name=name, sql=sql, params=bound)


# Placeholders in a query run without filters still get the scope clause.
_NO_FILTERS = Filters(start=date(2000, 1, 1), end=date(2000, 1, 1))
_FACT_TABLES = re.compile(
    r"\b(from|join)\s+(leads|orders|customers|channel_daily|experiment_exposures|feedback|"
    r"staff_training|budgets|expenses|referral_rewards|customer_first_orders|lead_daily|"
    r"customer_order_totals|customer_purchase_days|order_facts)\b"
)


def _reads_facts(sql: str) -> bool:
    return bool(_FACT_TABLES.search(sql.lower()))


def to_statement(rendered: RenderedQuery) -> sa.TextClause:
    """A SQLAlchemy text clause with list parameters bound as expanding."""
    stmt = sa.text(rendered.sql)
    expanding = [
        sa.bindparam(k, expanding=True)
        for k, v in rendered.params.items()
        if isinstance(v, list | tuple | frozenset | set)
    ]
    return stmt.bindparams(*expanding) if expanding else stmt


def execute(conn: sa.Connection, rendered: RenderedQuery) -> pd.DataFrame:
    """Run a rendered query and return its rows as a frame (decimals as floats)."""
    params = {
        k: list(v) if isinstance(v, tuple | frozenset | set) else v
        for k, v in rendered.params.items()
    }
    result = conn.execute(to_statement(rendered), params)
    return _decimals_to_float(result_frame(result))


def result_frame(result: sa.CursorResult) -> pd.DataFrame:
    """Every row of a result as a frame with the result's column names."""
    # Plain tuples: given SQLAlchemy Row objects, pandas probes each row for namedtuple and
    # dict attributes, which Row answers by raising and catching an error per probe; that
    # cost ~0.1 s per 10,000 rows, more than many of the queries themselves.
    return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=list(result.keys()))


def _decimals_to_float(frame: pd.DataFrame) -> pd.DataFrame:
    # The dtypes once: selecting every column to read its dtype cost ~1 ms per query.
    for col, dtype in frame.dtypes.items():
        if pd.api.types.is_object_dtype(dtype):
            sample = frame[col].dropna()
            if not sample.empty and isinstance(sample.iloc[0], Decimal):
                frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame
