"""The data boundary: every page's data comes through ``run``, cached per parameters.

Queries are cached with ``st.cache_data`` keyed by query name, filters, scope, extra
parameters and the warehouse's data version, so a load invalidates the cache at once.
Cached frames are returned as copies by Streamlit, so callers may not mutate shared state.
``report`` caches a page report's finished result the same way (same key parts), so a rerun
skips the report's pandas work too. ``run_all`` runs a page's independent queries at once.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from dashboard.filters import Filters, Scope
from dashboard.settings import Settings, load_settings
from dashboard.warehouse import engine as wh
from dashboard.warehouse import sqlfiles
from dashboard.warehouse.faults import duckdb_fault

log = logging.getLogger(__name__)

# Text columns hold Python strings. Pages work on small frames (aggregates of at most a few
# thousand rows), where pandas' default Arrow-backed strings cost a conversion at every frame
# construction, selection and cell read: about a third of a report's Python time. The dtype
# ("str") and its semantics are the same; only the storage differs. Bulk work that prefers
# Arrow (the sample generator) sets it back for itself.
pd.set_option("mode.string_storage", "python")

T = TypeVar("T")

CACHE_TTL_SECONDS = 600
CACHE_MAX_ENTRIES = 1024


class DataChanged(RuntimeError):
    """A load finished during this page view; the page is drawn again on the new data."""


# The data version (and its engine) every read of the current page view uses, so that no page
# shows figures of two loads. Set by ``begin_view``; run_all's workers inherit it.
_VIEW: contextvars.ContextVar[wh.Snapshot | None] = contextvars.ContextVar(
    "opsdash_view", default=None
)


def begin_view() -> None:
    """Pin the reads of the page view (or export) that starts now to the current data."""
    _VIEW.set(wh.snapshot(settings()))


def _current() -> wh.Snapshot:
    """The pinned snapshot of this page view, or the current one outside a view."""
    pinned = _pinned()
    return pinned if pinned is not None else wh.snapshot(settings())


def _pinned() -> wh.Snapshot | None:
    pinned = _VIEW.get()
    return pinned if pinned is not None and pinned.url == settings().warehouse_url else None


# Outside a page view a read has no earlier reads to agree with: when a load lands between
# taking the version and running the query, it simply reads again on the new version.
UNPINNED_TRIES = 3


def _on_current(read: Callable[[wh.Snapshot], T]) -> T:
    """``read(snapshot)``; outside a page view, again on the new data if a load landed."""
    for _ in range(UNPINNED_TRIES - 1):
        snap = _current()
        try:
            return read(snap)
        except DataChanged:
            if _pinned() is not None:
                raise  # a page view: its page is drawn again instead (ui.frame.guard)
    return read(_current())


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
_KEYS: dict[str | type[Any], Callable[[Any], Any]] = {Filters: repr, Scope: _scope_key}


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
    _snap: wh.Snapshot,
) -> pd.DataFrame:
    # ``_snap`` (not hashed) is the engine of ``version``: the entry holds that version's rows.
    return execute(name, filters, scope, dict(frozen), _snap)


def report(fn: Callable[..., T], filters: Filters, scope: Scope, **params: object) -> T:
    """A page report ``fn(filters, scope, **params)``, cached like the queries it runs.

    A rerun with the same filters, scope, controls and data version gets the finished report
    back (a copy) without redoing the pandas work over the query results. ``fn`` must be a
    module-level function returning a picklable value.
    """
    cfg = settings()
    version = _current().version
    key = f"{fn.__module__}.{fn.__qualname__}"
    # Keywords: for a positional argument Streamlit looks the parameter's name up with
    # inspect.signature, once per argument on every call.
    return _cached_report(
        url=cfg.warehouse_url,
        version=version,
        key=key,
        filters=filters,
        scope=scope,
        frozen=_freeze(params),
        _fn=fn,
    )


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
    _fn: Callable[..., Any],
) -> Any:
    return _fn(filters, scope, **dict(frozen))


def run_uncached(
    name: str, filters: Filters | None, scope: Scope, params: dict[str, object]
) -> pd.DataFrame:
    """Run a named query now, without the cache (the benchmark's floor uses this)."""
    return _on_current(lambda snap: execute(name, filters, scope, params, snap))


def execute(
    name: str,
    filters: Filters | None,
    scope: Scope,
    params: dict[str, object],
    snap: wh.Snapshot,
) -> pd.DataFrame:
    """Run a named query on the engine of ``snap`` (every cache miss and ``run_uncached``)."""
    cfg = settings()
    rendered = render(name, filters, scope, params)
    try:
        with snap.engine.connect() as conn:
            if not cfg.is_duckdb:
                # The query and the version check see one snapshot of the server, so a load
                # committed since the page view began is noticed, never mixed in.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                if wh.server_version(snap.engine, conn) != snap.version:
                    raise DataChanged(name)
            return sqlfiles.execute(conn, rendered)
    except sa.exc.SQLAlchemyError as exc:
        # A locked, damaged, empty or foreign file is not a problem of this query's SQL.
        fault = duckdb_fault(cfg.duckdb_file, exc) if cfg.is_duckdb else None
        if fault is not None:
            log.error("warehouse file unusable running %s: %s", name, exc)
            raise fault from exc
        raise _query_error(name, exc) from exc


def _query_error(name: str, exc: sa.exc.SQLAlchemyError) -> Exception:
    """The dashboard's exception for a failed query: the server unreachable, or the query's."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(exc, sa.exc.OperationalError) and _is_connection_error(exc):
        log.exception("warehouse unavailable running %s", name)
        return wh.WarehouseUnavailable(str(orig))
    log.exception("query %s failed", name)
    return QueryFailed(name, str(orig))


def render(
    name: str, filters: Filters | None, scope: Scope, params: dict[str, object]
) -> sqlfiles.RenderedQuery:
    """The statement ``run_uncached`` executes for these arguments (text and bound values)."""
    return sqlfiles.render(name, filters, scope, params, dialect=_dialect(settings()))


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
    return _run_frozen(name, filters, scope, _freeze(params))


def _run_frozen(
    name: str, filters: Filters | None, scope: Scope | None, frozen: tuple[tuple[str, object], ...]
) -> pd.DataFrame:
    cfg = settings()
    return _on_current(
        lambda snap: _cached(
            url=cfg.warehouse_url,
            version=snap.version,
            name=name,
            filters=filters,
            scope=scope or Scope.all(),
            frozen=frozen,
            _snap=snap,
        )
    )


@dataclass(frozen=True)
class Query:
    """A named query with its filters, scope and parameters, to be run by ``run_all``."""

    name: str
    filters: Filters | None = None
    scope: Scope | None = None
    params: tuple[tuple[str, object], ...] = ()


def query(
    name: str, filters: Filters | None = None, scope: Scope | None = None, **params: object
) -> Query:
    """A ``Query`` for ``run_all``, with ``run``'s arguments."""
    return Query(name, filters, scope, _freeze(params))


# A page's independent queries run at once: DuckDB and psycopg release the GIL while the
# warehouse works, so one query's execution overlaps another's Python (checkout, frame, cache).
# One small pool for the whole process, so a busy server queues queries instead of opening
# ever more warehouse connections (engine pools hold sessions + this many).
QUERY_WORKERS = 3
_WORKER_PREFIX = "opsdash-query"
_POOL = ThreadPoolExecutor(max_workers=QUERY_WORKERS, thread_name_prefix=_WORKER_PREFIX)


def _run_query(q: Query) -> pd.DataFrame:
    return _run_frozen(q.name, q.filters, q.scope, q.params)  # params frozen by ``query``


def run_all(*queries: Query) -> list[pd.DataFrame]:
    """Run independent named queries at once, each cached like ``run``; frames in order.

    The first query runs in the calling thread, the others on the shared pool; the first
    failure (in order) is raised, as ``run`` would raise it.
    """
    if len(queries) < 2 or threading.current_thread().name.startswith(_WORKER_PREFIX):
        return [_run_query(q) for q in queries]
    # Each worker runs in a copy of this thread's context: the page view's pinned snapshot.
    futures = [_POOL.submit(contextvars.copy_context().run, _run_query, q) for q in queries[1:]]
    first = _run_query(queries[0])
    return [first, *(f.result() for f in futures)]


def data_as_of() -> datetime | None:
    """The latest fact timestamp (the 'data as of' of every page)."""
    return as_of_time(run("data_as_of"))


def as_of_time(frame: pd.DataFrame) -> datetime | None:
    """The timestamp in the ``data_as_of`` query's result (None for an empty warehouse)."""
    value = frame.iloc[0, 0] if not frame.empty else None
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def clear_cache() -> None:
    """Empty the query and report caches (the benchmark's cold runs, tests)."""
    _cached.clear()
    _cached_report.clear()
