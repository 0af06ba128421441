"""The data boundary: every page's data comes through ``run``, cached per parameters.

Queries are cached with ``st.cache_data`` keyed by query name, filters, scope, extra
parameters and the warehouse's data version, so a load invalidates the cache at once.
Cached frames are returned as copies by Streamlit, so callers may not mutate shared state.
``report`` caches a page report's finished result the same way (same key parts), so a rerun
skips the report's pandas work too.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.filters import Filters, Scope
from dashboard.settings import Settings, load_settings
from dashboard.warehouse import engine as wh
from dashboard.warehouse import sqlfiles

log = logging.getLogger(__name__)

T = TypeVar("T")

CACHE_TTL_SECONDS = 600
CACHE_MAX_ENTRIES = 1024


class QueryFailed(RuntimeError):
    """A named query failed in the warehouse (missing table, bad column, timeout)."""

    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.detail = detail


@functools.cache
def settings() -> Settings:
    """This process's settings (cleared by tests with ``settings.cache_clear()``)."""
    return load_settings()


def _freeze(params: dict[str, object]) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _scope_key(scope: Scope) -> str:
    return "all" if scope.cities is None else ",".join(map(str, sorted(scope.cities)))


# Cache keys from the filters' and scope's text: Streamlit's generic hashing walks a dataclass
# field by field (about 1 ms per call, paid on every hit). A frozen dataclass's repr names every
# field in order, so equal filters give equal text and different ones different text.
_KEYS = {Filters: repr, Scope: _scope_key}


@st.cache_data(
    ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False, hash_funcs=_KEYS
)
def _cached(
    url: str,
    version: str,
    name: str,
    filters: Filters | None,
    scope: Scope,
    frozen: tuple[tuple[str, object], ...],
) -> pd.DataFrame:
    return run_uncached(name, filters, scope, dict(frozen))


def report(fn: Callable[..., T], filters: Filters, scope: Scope, **params: object) -> T:
    """A page report ``fn(filters, scope, **params)``, cached like the queries it runs.

    A rerun with the same filters, scope, controls and data version gets the finished report
    back (a copy) without redoing the pandas work over the query results. ``fn`` must be a
    module-level function returning a picklable value.
    """
    cfg = settings()
    version = wh.data_version(cfg)
    key = f"{fn.__module__}.{fn.__qualname__}"
    return _cached_report(cfg.warehouse_url, version, key, filters, scope, _freeze(params), fn)


@st.cache_data(
    ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False, hash_funcs=_KEYS
)
def _cached_report(
    url: str,
    version: str,
    key: str,
    filters: Filters,
    scope: Scope,
    frozen: tuple[tuple[str, object], ...],
    _fn: Callable[..., object],
) -> object:
    return _fn(filters, scope, **dict(frozen))


def run_uncached(
    name: str, filters: Filters | None, scope: Scope, params: dict[str, object]
) -> pd.DataFrame:
    """Run a named query now, without the cache (the benchmark's floor uses this)."""
    cfg = settings()
    rendered = sqlfiles.render(name, filters, scope, params, dialect=_dialect(cfg))
    engine = wh.get_engine(cfg)
    try:
        with engine.connect() as conn:
            return sqlfiles.execute(conn, rendered)
    except sa.exc.OperationalError as exc:
        log.exception("warehouse unavailable running %s", name)
        if _is_connection_error(exc):
            raise wh.WarehouseUnavailable(str(exc.orig)) from exc
        raise QueryFailed(name, str(exc.orig)) from exc
    except sa.exc.SQLAlchemyError as exc:
        log.exception("query %s failed", name)
        raise QueryFailed(name, str(getattr(exc, "orig", exc))) from exc


def _is_connection_error(exc: sa.exc.OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(s in text for s in ("connection", "could not connect", "timeout", "server closed"))


def _dialect(cfg: Settings) -> str:
    return "duckdb" if cfg.is_duckdb else sa.engine.make_url(cfg.warehouse_url).get_backend_name()


def run(
    name: str,
    filters: Filters | None = None,
    scope: Scope | None = None,
    **params: object,
) -> pd.DataFrame:
    """Run the named query with the filters and scope applied in the warehouse (cached)."""
    cfg = settings()
    version = wh.data_version(cfg)
    return _cached(cfg.warehouse_url, version, name, filters, scope or Scope.all(), _freeze(params))


def data_as_of() -> datetime | None:
    """The latest fact timestamp (the 'data as of' of every page)."""
    frame = run("data_as_of")
    value = frame.iloc[0, 0] if not frame.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def clear_cache() -> None:
    """Empty the query and report caches (the benchmark's cold runs, tests)."""
    _cached.clear()
    _cached_report.clear()
