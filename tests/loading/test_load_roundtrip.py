"""Round trip: warehouse → export_tables → load_directory into a fresh warehouse → the same tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import schema
from dashboard.loading import export_tables, load_directory
from dashboard.settings import Settings


def _assert_same_tables(read_tables, a: Settings, b: Settings) -> None:
    left, right = read_tables(a, schema.TABLE_ORDER), read_tables(b, schema.TABLE_ORDER)
    for name in schema.TABLE_ORDER:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def test_sample_round_trip(loaded_settings, new_warehouse, tmp_path, read_tables):
    out = tmp_path / "dump"
    written = export_tables(loaded_settings, out)
    assert [p.name for p in written] == [f"{n}.csv" for n in schema.TABLE_ORDER]
    fresh = new_warehouse()

    result = load_directory(fresh, out, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    _assert_same_tables(read_tables, loaded_settings, fresh)
    # Chinese text, nulls, microseconds, decimals and booleans came through as themselves.
    customers = read_tables(fresh, ["customers"])["customers"]
    assert customers["name"].tolist()[:2] == ["张伟", "王芳"]
    assert customers["referrer_id"].tolist()[:3] == [None, 1001, 1002]
    assert str(customers["created_at"][2]) == "2024-01-03 11:15:30.250000"
    # A second dump of the reloaded warehouse is byte-identical to the first.
    again = export_tables(fresh, tmp_path / "dump2")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]


def test_export_format_is_plain_and_excel_friendly(loaded_settings, tmp_path):
    export_tables(loaded_settings, tmp_path, tables=["leads", "orders"], bom=True)
    raw = (tmp_path / "leads.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel on Chinese Windows reads UTF-8
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(c.name for c in schema.leads.columns)
    assert lines[3] == "3,2024-01-03 10:00:00,2,11,,false,,,,,,"
    assert lines[4].endswith(
        ",true,,2024-01-04 07:30:00,2024-01-05 09:00:00,2024-01-05 09:30:00,15800.50,"
    )
    assert not (tmp_path / "customers.csv").exists()
    with pytest.raises(ValueError, match="unknown tables"):
        export_tables(loaded_settings, tmp_path, tables=["nope"])


def test_export_of_an_empty_warehouse_writes_headers(warehouse_settings, tmp_path):
    written = export_tables(warehouse_settings, tmp_path, tables=["cities"], bom=False)
    assert written[0].read_text(encoding="utf-8") == (
        "city_id,name_zh,name_en,province_zh,province_en,region_zh,region_en,tier,lat,lon\n"
    )


@pytest.mark.slow
def test_seed_round_trip(new_warehouse, tmp_path, read_tables):
    seed = pytest.importorskip("dashboard.seed")
    from dashboard.warehouse.writer import replace_tables

    frames = seed.generate(date(2026, 11, 15), leads=1_000, seed=11)
    source = new_warehouse()
    replace_tables(source, frames, source="seed")
    export_tables(source, tmp_path / "dump")
    target = new_warehouse()

    result = load_directory(target, tmp_path / "dump", lang="en")

    assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
    assert result.tables == {name: len(frames[name]) for name in schema.TABLE_ORDER}
    _assert_same_tables(read_tables, source, target)
