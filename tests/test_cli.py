"""The opsdash command: help for every subcommand, clear errors on bad arguments."""

import subprocess
import sys

import pytest
import sqlalchemy as sa

from dashboard import cli
from dashboard.settings import duckdb_url
from dashboard.warehouse import engine as wh

SUBCOMMANDS = ["run", "seed", "load", "dump", "init"]


def opsdash(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_help_explains_each_command(sub, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([sub, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"opsdash {sub}" in out and len(out.splitlines()) >= 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["seed", "--leads", "-5"], "must be positive"),
        (["seed", "--leads", "many"], "not a whole number"),
        (["seed", "--end-date", "2026-13-01"], "not a date"),
        (["load", "/no/such/folder"], "no such folder"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
    ],
)
def test_bad_arguments_give_clear_errors(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_init_creates_schema(tmp_path):
    url = duckdb_url(tmp_path / "w.duckdb")
    assert cli.main(["init", "--url", url]) == 0
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = {
            r[0] for r in conn.exec_driver_sql("select table_name from information_schema.tables")
        }
    engine.dispose()
    wh.dispose_all()
    assert {"leads", "orders", "customers", "calendar", "load_batches"} <= tables


def test_unreachable_warehouse_is_one_clear_line(tmp_path):
    proc = opsdash("init", "--url", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert proc.returncode == 1
    assert proc.stderr.startswith("opsdash init: error:")
    assert "Traceback" not in proc.stderr


def test_seed_small_warehouse(tmp_path):
    url = duckdb_url(tmp_path / "w.duckdb")
    proc = opsdash("seed", "--url", url, "--leads", "5000", "--end-date", "2026-11-15")
    assert proc.returncode == 0, proc.stderr
    engine = sa.create_engine(url, connect_args={"read_only": True})
    with engine.connect() as conn:
        n = conn.execute(sa.text("select count(*) from leads")).scalar()
        last = conn.execute(sa.text("select max(cast(created_at as date)) from leads")).scalar()
    engine.dispose()
    assert n == 5000
    assert str(last) <= "2026-11-15"
