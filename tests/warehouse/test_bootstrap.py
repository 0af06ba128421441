"""Opening an existing DuckDB warehouse: derived tables missing or from an older version are rebuilt."""

import shutil

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import schema
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import bootstrap
from dashboard.warehouse import engine as wh


@pytest.fixture
def old_copy(duckdb_settings, tmp_path) -> Settings:
    """A private copy of the test warehouse, to be aged by the test."""
    path = tmp_path / "old.duckdb"
    shutil.copy(duckdb_settings.duckdb_path, path)
    return Settings(warehouse_url=duckdb_url(path))


def _columns(settings: Settings, table: str) -> list[str]:
    with wh.get_engine(settings).connect() as conn:
        rows = conn.execute(
            sa.text(
                "select column_name from information_schema.columns where table_name = :t "
                "order by ordinal_position"
            ),
            {"t": table},
        )
        return [r[0] for r in rows]


def _batches(settings: Settings) -> int:
    with wh.get_engine(settings).connect() as conn:
        return conn.execute(sa.text("select count(*) from load_batches")).scalar()


def _orders(settings: Settings) -> pd.DataFrame:
    with wh.get_engine(settings).connect() as conn:
        result = conn.execute(sa.text("select * from order_facts order by order_id"))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _age(settings: Settings, *statements: str) -> None:
    """Change the copy directly (before the dashboard opens it)."""
    with duckdb.connect(str(settings.duckdb_path)) as con:
        for sql in statements:
            con.execute(sql)
    bootstrap._checked.clear()


def test_older_derived_table_is_rebuilt(old_copy, duckdb_settings):
    # order_facts as an earlier version wrote it: without the calendar-day column.
    _age(old_copy, "alter table order_facts drop column ordered_on")
    bootstrap.ensure_warehouse(old_copy)
    declared = [c.name for c in schema.table("order_facts").c]
    assert _columns(old_copy, "order_facts") == declared
    pd.testing.assert_frame_equal(_orders(old_copy), _orders(duckdb_settings))


def test_missing_derived_table_is_built(old_copy):
    _age(old_copy, "drop table customer_purchase_days")
    bootstrap.ensure_warehouse(old_copy)
    declared = [c.name for c in schema.table("customer_purchase_days").c]
    assert _columns(old_copy, "customer_purchase_days") == declared


def test_current_warehouse_is_left_alone(old_copy):
    bootstrap._checked.clear()
    before = _batches(old_copy)
    bootstrap.ensure_warehouse(old_copy)
    assert _batches(old_copy) == before  # no rebuild, no new load batch


def test_loaded_table_of_an_older_version_gains_its_new_columns(old_copy, duckdb_settings):
    # channels and clinics as a version before open vocabularies wrote them, and no key_map.
    _age(
        old_copy,
        "alter table channels drop column kind_en",
        "alter table clinics drop column specialty_zh",
        "drop table key_map",
    )
    bootstrap.ensure_warehouse(old_copy)
    for table in ("channels", "clinics", "key_map"):
        assert set(_columns(old_copy, table)) == {c.name for c in schema.table(table).c}
    with wh.get_engine(old_copy).connect() as conn:
        kinds = pd.read_sql("select channel_id, kind, kind_en from channels", conn)
    with wh.get_engine(duckdb_settings).connect() as conn:
        want = pd.read_sql("select channel_id, kind from channels", conn)
    assert kinds["kind_en"].isna().all()
    pd.testing.assert_frame_equal(
        kinds[["channel_id", "kind"]].sort_values("channel_id", ignore_index=True),
        want.sort_values("channel_id", ignore_index=True),
    )
