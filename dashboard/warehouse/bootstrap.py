"""First start: create and fill the embedded DuckDB warehouse from the sample data if missing."""

from __future__ import annotations

import logging
import threading

from dashboard.settings import Settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
_checked: set[str] = set()  # DuckDB file identities known to have the derived tables


def ensure_warehouse(settings: Settings) -> bool:
    """Seed the embedded warehouse when its file does not exist yet; True if it seeded.

    A warehouse written before a derived table existed, or with an older version of one, gets
    its derived tables built once.
    """
    if settings.is_duckdb and settings.duckdb_path.exists():
        _ensure_derived(settings)
        return False
    if not settings.is_duckdb:
        return False
    with _lock:
        if settings.duckdb_path.exists():
            return False
        from dashboard.seed import seed_warehouse

        log.info("no warehouse at %s: generating the sample chain", settings.duckdb_path)
        seed_warehouse(settings)
        return True


def _ensure_derived(settings: Settings) -> None:
    """Build the derived tables of an existing DuckDB warehouse that lacks them or has old ones."""
    import sqlalchemy as sa

    from dashboard import schema
    from dashboard.warehouse import engine as wh

    identity = wh.file_identity(settings.duckdb_path)
    if identity in _checked:
        return
    try:
        with wh.get_engine(settings).connect() as conn:
            present: dict[str, list[str]] = {}
            for table, column in conn.exec_driver_sql(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = 'main' order by table_name, ordinal_position"
            ):
                present.setdefault(table, []).append(column)
    except sa.exc.SQLAlchemyError:
        return  # the page's own queries report an unreadable warehouse
    # Missing, or written by an older version with other columns: the loader rebuilds them.
    stale = [
        name
        for name in schema.DERIVED_TABLES
        if present.get(name) != [c.name for c in schema.table(name).c]
    ]
    if "leads" in present and stale:
        with _lock:
            from dashboard.warehouse.writer import replace_tables

            log.info("building the derived tables of %s", settings.duckdb_path)
            replace_tables(settings, {}, source="derived tables")
        identity = wh.file_identity(settings.duckdb_path)
    _checked.add(identity)
