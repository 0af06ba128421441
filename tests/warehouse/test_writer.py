"""The single writer: atomic replacement; readers keep a consistent view and pick up the new file."""

import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from dashboard.warehouse.writer import replace_tables


def _cities(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city_id": range(1, n + 1),
            "name_zh": [f"城市{i}" for i in range(1, n + 1)],
            "name_en": [f"City {i}" for i in range(1, n + 1)],
            "province_zh": "河南",
            "province_en": "Henan",
            "region_zh": "华中",
            "region_en": "Central China",
            "tier": "tier2",
            "lat": 34.7,
            "lon": 113.6,
        }
    )


def _count(settings: Settings) -> int:
    with wh.get_engine(settings).connect() as conn:
        return conn.execute(sa.text("select count(*) from cities")).scalar()


def test_replace_is_atomic_and_reader_reopens(tmp_path):
    settings = Settings(warehouse_url=duckdb_url(tmp_path / "w.duckdb"))
    replace_tables(settings, {"cities": _cities(3)}, source="t1")
    assert _count(settings) == 3
    # A reader holding a connection keeps its consistent view while the writer swaps files.
    held = wh.get_engine(settings).connect()
    replace_tables(settings, {"cities": _cities(5)}, source="t2")
    assert held.execute(sa.text("select count(*) from cities")).scalar() == 3
    held.close()
    assert _count(settings) == 5
    assert not list(tmp_path.glob("*.tmp-*")), "no temporary files left behind"
    wh.dispose_all()


def test_writer_not_blocked_by_reader_in_another_process(tmp_path):
    path = tmp_path / "w.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    replace_tables(settings, {"cities": _cities(2)}, source="t1")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(path)!r}, read_only=True); "
            "print(c.execute('select count(*) from cities').fetchone()[0], flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "2"
        replace_tables(settings, {"cities": _cities(4)}, source="t2")
        assert _count(settings) == 4
    finally:
        reader.kill()
        wh.dispose_all()


def test_failed_write_leaves_file_untouched(tmp_path):
    path = tmp_path / "w.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    replace_tables(settings, {"cities": _cities(2)}, source="t1")
    before = path.read_bytes()
    bad = _cities(2).assign(lat="not a number")
    with pytest.raises(Exception):
        replace_tables(settings, {"cities": bad}, source="t2")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp-*"))


def test_unknown_table_rejected(tmp_path):
    settings = Settings(warehouse_url=duckdb_url(tmp_path / "w.duckdb"))
    with pytest.raises(ValueError):
        replace_tables(settings, {"patients": pd.DataFrame()}, source="t")


@pytest.mark.postgres
def test_postgres_replace_in_one_transaction(postgres):
    settings = Settings(warehouse_url=postgres.create_database("writer_test"))
    replace_tables(settings, {"cities": _cities(3)}, source="t1")
    with pytest.raises(Exception):
        replace_tables(settings, {"cities": _cities(2).assign(lat="x")}, source="t2")
    assert _count(settings) == 3
    wh.dispose_all()
