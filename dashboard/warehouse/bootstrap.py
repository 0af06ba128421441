"""Opening the warehouse: the embedded default is generated on its very first start only.

A missing warehouse file is never replaced by invented data while the dashboard serves, nor
for any other path than the embedded default: the page (or ``opsdash run``) says the file is
missing and how to fill it. The first start of the default writes a marker beside the file,
so that the default's file going missing later is an error too, not a new sample chain.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from dashboard.settings import DEFAULT_DUCKDB_PATH, Settings
from dashboard.warehouse.engine import WarehouseMissing

log = logging.getLogger(__name__)
_lock = threading.Lock()
_checked: set[str] = set()  # DuckDB file identities known to have the derived tables


def marker(path: Path) -> Path:
    """The file recording that a warehouse has existed at ``path``."""
    return path.with_name(path.name + ".created")


def first_start(settings: Settings) -> bool:
    """Seed the embedded default warehouse if this is its first start; True if it seeded.

    Any other missing DuckDB file, or the default's file missing after it once existed,
    raises ``WarehouseMissing``: nothing is generated in its place.
    """
    if not settings.is_duckdb:
        return False
    path = settings.duckdb_file
    with _lock:
        if path.exists():
            if path.resolve() == DEFAULT_DUCKDB_PATH.resolve():
                _remember(path)
        else:
            if path.resolve() != DEFAULT_DUCKDB_PATH.resolve():
                raise WarehouseMissing(str(path))
            if marker(path).exists():
                raise WarehouseMissing(str(path), existed=True)
            from dashboard.seed import seed_warehouse

            log.info("first start: generating the sample chain at %s", path)
            seed_warehouse(settings)
            _remember(path)
            return True
    ensure_warehouse(settings)
    return False


def _remember(path: Path) -> None:
    marker(path).write_text(
        "A warehouse exists here; if the file goes missing the dashboard will not\n"
        "generate sample data in its place. Delete this file to allow that again.\n",
        encoding="utf-8",
    )


def ensure_warehouse(settings: Settings) -> None:
    """Bring an existing DuckDB warehouse's derived tables up to date; never creates one.

    A warehouse written before a derived table existed, or with an older version of one, gets
    its derived tables built once. A missing file is left to the page, which says so.
    """
    if settings.is_duckdb and settings.duckdb_file.exists():
        _ensure_derived(settings)


def _ensure_derived(settings: Settings) -> None:
    """Build the derived tables of an existing DuckDB warehouse that lacks them or has old ones."""
    import sqlalchemy as sa

    from dashboard import schema
    from dashboard.warehouse import engine as wh

    identity = wh.file_identity(settings.duckdb_file)
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
    # Missing, or written by an older version with other columns (a calendar without is_workday):
    # the writer rebuilds them.
    stale = [
        name
        for name in (*schema.BUILT_TABLES, *schema.DERIVED_TABLES)
        if present.get(name) != [c.name for c in schema.table(name).c]
    ]
    # Loaded tables of an older version that lack a declared column (the writer adds it, empty,
    # keeping the rows), or no key_map yet: pages would fail on the missing names.
    stale += [
        name
        for name in schema.TABLE_ORDER
        if name in present and {c.name for c in schema.table(name).c} - set(present[name])
    ]
    if "key_map" not in present:
        stale.append("key_map")
    # A loaded table an older version did not have (experiment_outcomes …): created empty.
    stale += [name for name in schema.TABLE_ORDER if name not in present]
    if "leads" in present and stale:
        with _lock:
            from dashboard.warehouse.history import LoadRecord
            from dashboard.warehouse.writer import write_tables

            log.info("building the derived tables of %s", settings.duckdb_file)
            # Recorded as a rebuild: not a load, so ``opsdash undo`` passes over it.
            write_tables(settings, {}, LoadRecord(mode="rebuild", source="derived tables"))
        identity = wh.file_identity(settings.duckdb_file)
    _checked.add(identity)
