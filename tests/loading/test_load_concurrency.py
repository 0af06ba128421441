"""Loading while readers hold the DuckDB file open, in this process and in another one."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from dashboard.loading import load_directory
from dashboard.warehouse.engine import get_engine

NAMES_SQL = "select name_zh from cities order by city_id"
pytestmark = pytest.mark.usefixtures("duckdb_only")


def _renamed_cities(sample_rows) -> dict:
    rows = sample_rows
    rows["cities"][0]["name_zh"] = "郑州新区"
    return rows


def test_plain_reader_in_this_process(
    loaded_settings, make_folder, sample_rows, raw_duckdb, read_tables
):
    reader = raw_duckdb(loaded_settings.duckdb_path, read_only=True)
    assert reader.execute(NAMES_SQL).fetchall() == [("郑州",), ("上海",)]

    result = load_directory(loaded_settings, make_folder(_renamed_cities(sample_rows), ["cities"]))

    assert result.ok, [p.reason for p in result.problems]
    # The open connection still reads the old file, whole and consistent …
    assert reader.execute(NAMES_SQL).fetchall() == [("郑州",), ("上海",)]
    assert reader.execute("select count(*) from load_batches").fetchone() == (1,)
    reader.close()
    # … and a reopened one reads the new file.
    reopened = raw_duckdb(loaded_settings.duckdb_path, read_only=True)
    assert reopened.execute(NAMES_SQL).fetchall() == [("郑州新区",), ("上海",)]
    assert reopened.execute("select count(*) from load_batches").fetchone() == (2,)


def test_dashboard_engine_in_this_process(loaded_settings, make_folder, sample_rows):
    engine = get_engine(loaded_settings)
    conn = engine.connect()
    assert conn.exec_driver_sql(NAMES_SQL).fetchall() == [("郑州",), ("上海",)]

    result = load_directory(loaded_settings, make_folder(_renamed_cities(sample_rows), ["cities"]))

    assert result.ok, [p.reason for p in result.problems]
    assert conn.exec_driver_sql(NAMES_SQL).fetchall() == [("郑州",), ("上海",)]
    conn.close()
    # The dashboard notices the new file by its identity and opens a new engine on it.
    with get_engine(loaded_settings).connect() as fresh:
        assert fresh.exec_driver_sql(NAMES_SQL).fetchall() == [("郑州新区",), ("上海",)]


READER = textwrap.dedent(
    """
    import sys, duckdb
    path = sys.argv[1]
    sql = "select name_zh from cities order by city_id"
    con = duckdb.connect(path, read_only=True)
    print("before", [r[0] for r in con.execute(sql).fetchall()], flush=True)
    sys.stdin.readline()
    print("after", [r[0] for r in con.execute(sql).fetchall()], flush=True)
    con.close()
    con = duckdb.connect(path, read_only=True)
    print("reopened", [r[0] for r in con.execute(sql).fetchall()], flush=True)
    """
)


def test_reader_in_another_process(loaded_settings, make_folder, sample_rows):
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(loaded_settings.duckdb_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert proc.stdout.readline().strip() == "before ['郑州', '上海']"

        result = load_directory(
            loaded_settings, make_folder(_renamed_cities(sample_rows), ["cities"])
        )

        assert result.ok, [p.reason for p in result.problems]
        out, err = proc.communicate("go\n", timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.splitlines() == ["after ['郑州', '上海']", "reopened ['郑州新区', '上海']"], err
