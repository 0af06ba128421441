"""The audit log: sign-ins, page views, exports and loads (who, when, what, filters, row count).

Kept apart from the warehouse because the dashboard's warehouse connection is read-only;
the default store is a SQLite file (safe for several processes: the server and CLI exports).
Set ``OPSDASH_AUDIT_URL`` (or ``[opsdash] audit_url``) to use a server database instead.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from dashboard.warehouse.sqlfiles import result_frame

log = logging.getLogger(__name__)

EVENTS = ("sign_in", "page_view", "export", "denied", "load", "load_refused")

_meta = sa.MetaData()
audit_log = sa.Table(
    "audit_log",
    _meta,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("event", sa.String(20), nullable=False),
    sa.Column("what", sa.String(200), nullable=False),
    sa.Column("filters", sa.Text, nullable=False),
    sa.Column("rows", sa.Integer),
)

_lock = threading.Lock()
_engines: dict[str, sa.Engine] = {}


def _engine(url: str) -> sa.Engine:
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url)
            _meta.create_all(engine, checkfirst=True)
            _engines[url] = engine
        return engine


def _jsonable(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):  # an instance, not a class
        return {k: _jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return (
            [_jsonable(v) for v in sorted(value, key=str)]
            if isinstance(value, set | frozenset)
            else [_jsonable(v) for v in value]
        )
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def record(
    url: str,
    user: str,
    role: str,
    event: str,
    what: str,
    filters: object = None,
    rows: int | None = None,
) -> None:
    """Append one audit event; failures are logged, never raised (a page must not break)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    try:
        with _engine(url).begin() as conn:
            conn.execute(
                sa.insert(audit_log).values(
                    at=datetime.now(),
                    user=user,
                    role=role,
                    event=event,
                    what=what[:200],
                    filters=json.dumps(_jsonable(filters), ensure_ascii=False, default=str),
                    rows=rows,
                )
            )
    except (sa.exc.SQLAlchemyError, OSError):
        log.exception("could not write the audit log")


def read(
    url: str, limit: int = 1000, user: str | None = None, event: str | None = None
) -> pd.DataFrame:
    """The latest audit events, newest first, optionally for one user or event kind."""
    stmt = sa.select(audit_log).order_by(audit_log.c.event_id.desc()).limit(limit)
    if user:
        stmt = stmt.where(audit_log.c.user == user)
    if event:
        stmt = stmt.where(audit_log.c.event == event)
    with _engine(url).connect() as conn:
        result = conn.execute(stmt)
        return result_frame(result)


def dispose() -> None:
    """Close audit engines (tests)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
