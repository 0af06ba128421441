"""The dashboard's own warehouse connection cannot write; the README's reader role is enough.

The loader is the only writer: the app's engine is read-only on DuckDB (``read_only``) and on
PostgreSQL (``default_transaction_read_only``), and the SELECT-only role the README documents
can run the pages' queries but not change a row.
"""

import re
from dataclasses import replace

import pytest
import sqlalchemy as sa

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.settings import ROOT
from dashboard.warehouse import engine as wh
from dashboard.warehouse.writer import replace_tables
from tests.conftest import activate

WRITES = (
    "delete from leads",
    "update orders set amount = 0",
    "create table opsdash_probe (i integer)",
    "drop table customers",
)


def _count(settings, table: str) -> int:
    with wh.get_engine(settings).connect() as conn:
        return conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()  # noqa: S608


@pytest.mark.parametrize("statement", WRITES)
def test_app_engine_refuses_every_write(warehouse, raw, statement):
    with wh.get_engine(warehouse).connect() as conn, pytest.raises(sa.exc.DBAPIError):
        conn.execute(sa.text(statement))
        conn.commit()
    assert _count(warehouse, "leads") == len(raw["leads"])
    assert _count(warehouse, "customers") == len(raw["customers"])


def _reader_sql(database: str) -> list[str]:
    """The README's reader-role block, with a test password and this database's name."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sql\n(create role opsdash_reader.*?)```", readme, re.S)
    assert block, "README documents the reader role"
    sql = block.group(1).replace("'…'", "'reader-pw'").replace(" opsdash ", f" {database} ")
    return [s.strip() for s in sql.split(";") if s.strip()]


def _leads_seen(f: Filters) -> int:
    """Leads in the period as the funnel KPI query counts them, on the active settings."""
    frame = data.run_uncached("kpi_funnel", f, Scope.all(), {"grain": "total"})
    return int(frame["leads"].sum())


@pytest.mark.postgres
def test_readme_reader_role_reads_pages_and_cannot_write(
    postgres, postgres_settings, raw, monkeypatch
):
    url = sa.engine.make_url(postgres_settings.warehouse_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("select 1 from pg_roles where rolname = 'opsdash_reader'"))
        if exists.first():
            conn.execute(sa.text("drop owned by opsdash_reader"))
            conn.execute(sa.text("drop role opsdash_reader"))
        for statement in _reader_sql(url.database):
            conn.execute(sa.text(statement))
    admin.dispose()
    reader_url = url.set(username="opsdash_reader", password="reader-pw")
    reader = replace(postgres_settings, warehouse_url=reader_url.render_as_string(False))
    created = raw["leads"].created_at
    f = Filters(start=created.min().date(), end=created.max().date())
    try:
        # A page's query runs under the reader role ...
        activate(reader, monkeypatch)
        assert _leads_seen(f) == len(raw["leads"])
        # ... also after the loader rebuilt the tables (default privileges cover new ones) ...
        replace_tables(postgres_settings, raw, source="tests")
        wh.dispose_all()
        assert _leads_seen(f) == len(raw["leads"])
        # ... and even with read-only sessions switched off, the role itself cannot write.
        raw_reader = sa.create_engine(reader_url)
        with raw_reader.connect() as conn, pytest.raises(sa.exc.ProgrammingError):
            conn.execute(sa.text("set default_transaction_read_only = off"))
            conn.execute(sa.text("delete from leads"))
        raw_reader.dispose()
        assert _count(postgres_settings, "leads") == len(raw["leads"])
    finally:
        wh.dispose_all()
