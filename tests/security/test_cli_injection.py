"""Hostile arguments to ``opsdash export``: SQL-injection and markup strings in every option
that names something give a clear one-line error (exit 2), write no file, record no export,
change nothing in the warehouse and leak no SQL or driver error text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dashboard import audit, cli, data
from tests.conftest import use_policy

HOSTILE = [
    "1; drop table leads; --",
    "' or '1'='1",
    "10) or (1=1",
    "0 union select phone from customers",
    "<script>alert(1)</script>",
    "%",
    "*",
]
LEAK_MARKERS = (
    "Traceback",
    "Catalog Error",
    "Parser Error",
    "syntax error",
    "sqlalchemy",
    "psycopg",
    "duckdb",
    "select ",
    "SELECT ",
)
# Options whose value is looked up (ids, names, users) or parsed (periods).
NAMED = ["--city", "--clinic", "--channel", "--specialty", "--as", "--week", "--from", "--to"]


@pytest.fixture
def env(duckdb_warehouse, tmp_path, monkeypatch):
    use_policy(
        tmp_path,
        monkeypatch,
        '[users."lead@clinic.example"]\nrole = "region_lead"\ncities = ["郑州"]\n',
    )
    yield tmp_path
    data.settings.cache_clear()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _warehouse_file() -> Path:
    url = data.settings().warehouse_url
    return Path(url.split("///", 1)[1].split("?", 1)[0])


def _args(option: str, value: str, out: Path) -> list[str]:
    if option == "--week":
        period = ["--week", value]
    elif option == "--from":
        period = ["--from", value, "--to", "2026-11-15"]
    elif option == "--to":
        period = ["--from", "2026-11-09", "--to", value]
    else:
        period = ["--week", "2026-W46", option, value]
    return ["export", *period, "--out", str(out)]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("option", NAMED)
def test_hostile_argument_is_refused_cleanly(env, capsys, option, value):
    warehouse = _warehouse_file()
    before = _digest(warehouse)
    out = env / "hostile.xlsx"
    code = cli.main(_args(option, value, out))
    err = capsys.readouterr().err
    assert code == 2, (option, value, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("opsdash export: error: "), err
    # The error may quote the value itself; nothing else may look like SQL or a driver's text.
    leaks = [m for m in LEAK_MARKERS if m in err.replace(value, "")]
    assert not leaks, (option, value, err)
    assert not out.exists()
    assert not [p for p in env.iterdir() if p.suffix == ".xlsx" or ".tmp" in p.name]
    assert _digest(warehouse) == before, "the warehouse file changed"
    audit_path = env / "audit.sqlite"
    if audit_path.exists():
        events = audit.read(data.settings().audit_url)
        assert events.empty or not (events.event == "export").any()


@pytest.mark.parametrize("value", HOSTILE[:3])
@pytest.mark.parametrize("option", ["--city", "--clinic", "--channel"])
def test_hostile_argument_as_region_lead_names_no_other_city(env, raw, capsys, option, value):
    """A region lead's refusal lists only the lead's own choices."""
    out = env / "hostile.xlsx"
    assert cli.main([*_args(option, value, out), "--as", "lead@clinic.example"]) == 2
    err = capsys.readouterr().err
    others = raw["cities"].loc[raw["cities"].name_en != "Zhengzhou"]
    named = [n for n in [*others.name_zh, *others.name_en] if n in err]
    assert not named, err
    assert not out.exists()


@pytest.mark.parametrize("option", ["--lang", "--detail"])
def test_hostile_choice_is_refused_by_the_parser(env, capsys, option):
    out = env / "hostile.xlsx"
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["export", "--week", "2026-W46", "--out", str(out), option, HOSTILE[0]])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert not out.exists()
