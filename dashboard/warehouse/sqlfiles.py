"""Named SQL files: read ``queries/<name>.sql``, place the filter clauses, run with bound parameters.

A query file is plain portable SQL with ``:named`` parameters (see queries/README.md):

- Its header declares the parameters: ``-- params: start_date, end_date, grain`` (``-- params:``
  alone for none). When the file is read, the declared set must equal the ``:named``
  parameters of its code (comments and string literals left out, ``::`` casts are no
  parameter); rendering with an undeclared parameter, or without a declared one, fails too.
- ``{{ include name }}`` stands for ``queries/_parts/name.sql`` (its leading comment lines
  left out), expanded once when the file is read; parts may include parts.
- Where the global filters apply it has a placeholder ``{{ filters dim=expr ... }}``
  (dimensions: city, specialty, clinic, channel), replaced by the clauses from
  ``dashboard.filters.where_clauses``; list parameters are bound as expanding ``in`` lists.
  Nothing from a user reaches the SQL text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dashboard.filters import Filters, Scope, ScopeError, where_clauses
from dashboard.settings import QUERIES_DIR

_PLACEHOLDER = re.compile(r"\{\{\s*filters((?:\s+[a-z]+=[a-z_][a-z0-9_.]*)*)\s*\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)?$")
# ``{{ include name }}`` on a line of its own (a comma may follow), or inside a line.
_INCLUDE = re.compile(
    r"^([ \t]*)\{\{\s*include\s+([^\s}]*)\s*\}\}(,?)[ \t]*$"
    r"|\{\{\s*include\s+([^\s}]*)\s*\}\}",
    re.M,
)
_PARAMS_LINE = re.compile(r"^--\s*params:(.*)$")
PARTS = "_parts"
# What SQLAlchemy's text() takes for a bind parameter (sqlalchemy.sql.elements.TextClause):
# a colon not after a word character, another colon or a backslash, and not before a colon.
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
# Comments and quoted text, which hold no parameters: line and block comments, string
# literals (doubled quotes inside), quoted identifiers.
_NOT_CODE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.S)


class QueryNotFound(KeyError):
    """No SQL file has that name."""


class QueryFileError(ValueError):
    """A query file is malformed: an unknown part, or parameters it does not declare rightly."""


@dataclass(frozen=True)
class QueryFile:
    """A query file as read: its includes expanded, its declared parameters checked."""

    name: str
    path: str
    text: str
    params: frozenset[str]


@dataclass(frozen=True)
class RenderedQuery:
    """A query ready to execute: its SQL text and its bound parameters."""

    name: str
    sql: str
    params: dict[str, object]


def _where(path: Path) -> str:
    """A file's path as the error messages name it (queries/...)."""
    try:
        return path.relative_to(QUERIES_DIR.parent).as_posix()
    except ValueError:
        return path.as_posix()


@functools.cache
def _part_text(name: str) -> str | None:
    """Part ``name``'s text without its leading comment lines (None: no such part)."""
    path = QUERIES_DIR / PARTS / f"{name}.sql"
    if not _NAME.match(name) or "/" in name or not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and (lines[0].startswith("--") or not lines[0].strip()):
        lines.pop(0)  # the part's own description stays in its file
    return "\n".join(lines).rstrip()


def expand_includes(text: str, where: str, chain: tuple[str, ...] = ()) -> str:
    """``text`` with every ``{{ include name }}`` replaced by its part (``where`` names the file)."""

    def substitute(match: re.Match[str]) -> str:
        indent, alone, comma, inline = match.groups()
        name = alone if alone is not None else inline
        if name in chain:
            raise QueryFileError(
                f"{where}: parts include each other ({' -> '.join((*chain, name))})"
            )
        body = _part_text(name)
        if body is None:
            raise QueryFileError(
                f"{where}: unknown part {name!r} (no {_where(QUERIES_DIR / PARTS / f'{name}.sql')})"
            )
        body = expand_includes(body, _where(QUERIES_DIR / PARTS / f"{name}.sql"), (*chain, name))
        if alone is None:
            return body
        # On a line of its own the part takes the include's indentation, so the SQL reads well.
        lines = (indent + line if line.strip() else line for line in body.splitlines())
        return "\n".join(lines) + comma

    return _INCLUDE.sub(substitute, text)


def code_params(sql: str) -> set[str]:
    """The ``:named`` parameters of ``sql``'s code (not in comments or quoted text)."""
    return set(_BIND.findall(_NOT_CODE.sub(" ", sql)))


def declared_params(text: str, where: str) -> frozenset[str]:
    """The parameters the ``-- params:`` lines of a file's header declare."""
    declared: list[str] = []
    found = False
    for line in text.splitlines():
        if not line.startswith("--"):
            break  # the header is the file's leading comment block
        match = _PARAMS_LINE.match(line)
        if match:
            found = True
            declared += [p.strip() for p in match.group(1).split(",") if p.strip()]
    if not found:
        raise QueryFileError(f"{where}: no '-- params:' line in the header")
    bad = [p for p in declared if not re.fullmatch(r"[A-Za-z_]\w*", p)]
    if bad:
        raise QueryFileError(f"{where}: not parameter names in '-- params:': {', '.join(bad)}")
    if len(set(declared)) != len(declared):
        raise QueryFileError(f"{where}: a parameter is declared twice in '-- params:'")
    return frozenset(declared)


def parse(text: str, name: str, where: str) -> QueryFile:
    """A query file from its text: includes expanded, declarations checked (``where``: its path)."""
    sql = expand_includes(text, where)
    declared = declared_params(sql, where)
    used = code_params(sql)
    missing, unused = sorted(used - declared), sorted(declared - used)
    problems: list[str] = []
    if missing:
        problems.append(f"uses undeclared parameter(s) {', '.join(missing)}")
    if unused:
        problems.append(f"declares parameter(s) it never uses: {', '.join(unused)}")
    # SQLAlchemy binds a :name anywhere in the text, comments and literals too: such a name
    # would be demanded at run time, so it must be a declared one (or written without colon).
    hidden = sorted(set(_BIND.findall(sql)) - used - declared)
    if hidden:
        problems.append(
            f"has :{', :'.join(hidden)} in a comment or string, which SQLAlchemy would bind"
            " (drop the colon)"
        )
    if problems:
        raise QueryFileError(f"{where}: " + "; ".join(problems))
    return QueryFile(name=name, path=where, text=sql, params=declared)


@functools.cache
def query_file(name: str, dialect: str = "") -> QueryFile:
    """The named query as read and checked (cached); a dialect subfolder wins when it has the file."""
    if not _NAME.match(name) or name.split("/")[0] == PARTS:
        raise QueryNotFound(name)
    candidates = [QUERIES_DIR / dialect / f"{name}.sql"] if dialect else []
    candidates.append(QUERIES_DIR / f"{name}.sql")
    for path in candidates:
        if path.is_file():
            return parse(path.read_text(encoding="utf-8"), name, _where(path))
    raise QueryNotFound(name)


def query_text(name: str, dialect: str = "") -> str:
    """The text of a named query, its includes expanded."""
    return query_file(name, dialect).text


def clear_cache() -> None:
    """Forget the files read (tests that point QUERIES_DIR elsewhere)."""
    query_file.cache_clear()
    _part_text.cache_clear()


def query_names(folder: str = "") -> list[str]:
    """Every portable query name directly under queries/ (or ``folder``: ``folder/<stem>``)."""
    prefix = f"{folder}/" if folder else ""
    return sorted(prefix + p.stem for p in Path(QUERIES_DIR, folder).glob("*.sql"))


def render(
    name: str,
    filters: Filters | None,
    scope: Scope,
    params: dict[str, object] | None = None,
    dialect: str = "",
) -> RenderedQuery:
    """Place the filter clauses of ``filters`` and ``scope`` into the named query.

    ``params`` must be parameters the file declares; with the period's (``filters``) they
    must cover every declared one.
    """
    file = query_file(name, dialect)
    text = file.text
    bound: dict[str, object] = dict(params or {})
    undeclared = sorted(set(bound) - file.params)
    if undeclared:
        raise QueryFileError(
            f"{file.path}: run with parameter(s) it does not declare: {', '.join(undeclared)}"
        )
    if filters is not None:
        bound.update(filters.period_params())
    missing = sorted(file.params - set(bound))
    if missing:
        raise QueryFileError(
            f"{file.path}: run without declared parameter(s): {', '.join(missing)}"
        )
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
    expanding: list[sa.BindParameter[Any]] = [
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
