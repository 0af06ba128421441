"""Seeding a DuckDB warehouse end to end and reading the counts back."""

from __future__ import annotations

from datetime import date

import duckdb

from dashboard import schema
from dashboard.seed import generate, seed_warehouse
from dashboard.settings import Settings, duckdb_url


def test_seed_warehouse_writes_every_table(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    end = date(2026, 11, 15)
    summary = seed_warehouse(settings, end_date=end, leads=5_000, seed=3)
    expected = {name: len(frame) for name, frame in generate(end, leads=5_000, seed=3).items()}
    assert summary["rows"] == expected
    assert summary["batch_id"] == 1 and summary["seconds"] >= 0
    con = duckdb.connect(str(path), read_only=True)
    try:
        for name in schema.TABLE_ORDER:
            got = con.execute(f'select count(*) from "{name}"').fetchone()[0]
            assert got == expected[name], name
        source = con.execute("select source from load_batches").fetchall()
        assert source == [("seed",)]
        nulls = con.execute("select count(*) from leads where deal_amount is null").fetchone()[0]
        assert (
            nulls == con.execute("select count(*) from leads where paid_at is null").fetchone()[0]
        )
        last = con.execute("select max(created_at) from leads").fetchone()[0]
        assert last.date() <= end
    finally:
        con.close()


def test_reseeding_keeps_the_batch_history_and_the_file_compact(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    end = date(2026, 11, 15)
    seed_warehouse(settings, end_date=end, leads=3_000, seed=1)
    size = path.stat().st_size
    second = seed_warehouse(settings, end_date=end, leads=3_000, seed=2)
    assert second["batch_id"] == 2
    assert path.stat().st_size < 1.5 * size  # a full replacement starts from an empty file
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("select batch_id from load_batches order by 1").fetchall() == [
            (1,),
            (2,),
        ]
    finally:
        con.close()
