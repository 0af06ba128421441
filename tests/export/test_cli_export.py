"""``opsdash export`` on the test warehouse: the pack for a week or a range, filters by name,
--as USER with that user's scope and masking, clear refusals (exit 2), audit, progress."""

import getpass
import os
import subprocess
import sys
from datetime import date

import pytest

from dashboard import audit, cli, data, navigation
from dashboard.filters import Filters
from dashboard.i18n import t
from tests.conftest import use_policy
from tests.export.expected import detail_orders, weekly_trends
from tests.export.helpers import open_workbook


@pytest.fixture
def env(duckdb_warehouse, raw, tmp_path, monkeypatch):
    use_policy(
        tmp_path,
        monkeypatch,
        '[users."lead@clinic.example"]\nrole = "region_lead"\ncities = ["郑州"]\n'
        '[users."cfo@clinic.example"]\nrole = "finance"\n'
        '[users."ana@clinic.example"]\nrole = "analyst"\n',
    )
    yield tmp_path
    data.settings.cache_clear()


def cover(wb) -> dict:
    return {r[0].value: r[1].value for r in wb.worksheets[0].iter_rows(min_row=3) if r[0].value}


def city_id(raw, name_en: str) -> int:
    return int(raw["cities"].loc[raw["cities"].name_en == name_en, "city_id"].iloc[0])


def test_week_pack_as_operator(env, capsys):
    out = env / "pack.xlsx"
    assert cli.main(["export", "--week", "2026-W46", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert str(out) in captured.out
    assert t("page.overview", "zh") in captured.err, "a progress line per page"
    wb = open_workbook(out)
    assert len(wb.sheetnames) == 1 + len(navigation.exported())
    values = cover(wb)
    assert "2026-W46" in values[t("export.cover.period", "zh")]
    assert values[t("export.cover.generated_by", "zh")].startswith(f"operator:{getpass.getuser()}")
    assert values[t("export.cover.scope", "zh")] == t("export.cover.scope_all", "zh")
    assert sorted(p.name for p in env.iterdir() if p.suffix != ".toml") == [
        "audit.sqlite",
        "pack.xlsx",
    ]
    event = audit.read(data.settings().audit_url).iloc[0]
    assert (event.event, event.what) == ("export", "pack:2026-W46")
    assert event.user == f"operator:{getpass.getuser()}" and event.rows > 0


def test_range_with_filters_by_name(env, raw, capsys):
    out = env / "month.xlsx"
    args = ["export", "--from", "2026-10-01", "--to", "2026-10-31", "--out", str(out)]
    args += ["--city", "郑州", "--city", str(city_id(raw, "Shanghai")), "--specialty", "口腔"]
    args += ["--channel", "douyin", "--channel", "WeChat Moments ads", "--lang", "en"]
    assert cli.main(args) == 0
    wb = open_workbook(out)
    values = cover(wb)
    assert (
        values[t("filters.cities", "en")] == "Shanghai, Zhengzhou"
        or values[t("filters.cities", "en")] == "Zhengzhou, Shanghai"
    )
    assert values[t("filters.specialties", "en")] == "Dental"
    channels = raw["channels"].set_index("code")
    picked = (int(channels.loc["douyin", "channel_id"]),) + tuple(
        int(c)
        for c in raw["channels"].loc[raw["channels"].name_en == "WeChat Moments ads", "channel_id"]
    )
    f = Filters(
        date(2026, 10, 1),
        date(2026, 10, 31),
        cities=(city_id(raw, "Zhengzhou"), city_id(raw, "Shanghai")),
        specialties=("dental",),
        channels=picked,
    )
    want = weekly_trends(raw, f)
    ws = wb[t("page.overview", "en")]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == t("export.overview.kpi", "en"))
    got = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(header + 1, header + 10)}
    assert got[t("kpi.arrivals", "en")] == want.arrivals.sum()
    assert got[t("kpi.revenue", "en")] == pytest.approx(want.revenue.sum())


def test_as_region_lead_runs_in_their_scope_and_detail_is_masked(env, raw):
    out = env / "lead.xlsx"
    args = ["export", "--week", "2026-W46", "--out", str(out), "--as", "lead@clinic.example"]
    assert cli.main([*args, "--lang", "en"]) == 0
    values = cover(open_workbook(out))
    assert values[t("export.cover.scope", "en")] == "Zhengzhou"
    assert values[t("export.cover.generated_by", "en")].startswith("lead@clinic.example")

    out = env / "orders.xlsx"
    args = ["export", "--from", "2026-10-01", "--to", "2026-11-15", "--detail", "orders"]
    assert cli.main([*args, "--out", str(out), "--as", "cfo@clinic.example"]) == 0
    want = detail_orders(raw, Filters(date(2026, 10, 1), date(2026, 11, 15)))
    rows = list(open_workbook(out)["orders_1"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(want)
    assert {r[10] for r in rows}.isdisjoint(set(want.phone)), "finance sees masked phones"
    event = audit.read(data.settings().audit_url).iloc[0]
    assert (event.user, event.role, event.what, event.rows) == (
        "cfo@clinic.example",
        "finance",
        "detail:orders",
        len(want),
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--as", "stranger@elsewhere.example"], "stranger@elsewhere.example"),
        (["--as", "ana@clinic.example"], "analyst"),
        (["--as", "lead@clinic.example", "--city", "Shanghai"], "out of scope"),
        (["--city", "Atlantis"], "unknown"),
        (["--specialty", "cardiology"], "unknown"),
        (["--channel", "carrier-pigeon"], "unknown"),
    ],
)
def test_refusals_exit_2_and_write_nothing(env, capsys, extra, message):
    out = env / "refused.xlsx"
    assert cli.main(["export", "--week", "2026-W46", "--out", str(out), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W46", "--out", "/no/such/folder/p.xlsx"], "does not exist"),
        (["--week", "2026-W46", "--out", "{tmp}/p.csv"], ".xlsx"),
        (["--week", "2026-W99", "--out", "{tmp}/p.xlsx"], "--week"),
        (["--from", "2026-10-01", "--out", "{tmp}/p.xlsx"], "--from needs --to"),
        (["--from", "2026-10-31", "--to", "2026-10-01", "--out", "{tmp}/p.xlsx"], "before"),
        (["--from", "2026-13-01", "--to", "2026-10-01", "--out", "{tmp}/p.xlsx"], "not a date"),
        (["--from", "0001-01-01", "--to", "2026-10-01", "--out", "{tmp}/p.xlsx"], "--from: 0001"),
        (["--from", "2026-10-01", "--to", "9999-12-31", "--out", "{tmp}/p.xlsx"], "--to: 9999"),
        (["--week", "9999-W52", "--out", "{tmp}/p.xlsx"], "--week: 9999-W52 is outside"),
        (["--week", "0001-W01", "--out", "{tmp}/p.xlsx"], "--week: 0001-W01 is outside"),
    ],
)
def test_bad_arguments(env, capsys, args, message):
    args = [a.replace("{tmp}", str(env)) for a in args]
    assert cli.main(["export", *args]) == 2
    assert message in capsys.readouterr().err


def test_week_and_range_are_exclusive(env, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["export", "--week", "2026-W46", "--from", "2026-10-01", "--out", "x.xlsx"])
    assert exit_info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_real_command_line(env, duckdb_settings):
    out = env / "cmd.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "export", "--week", "2026-W46", "--out", str(out)]
        + ["--url", duckdb_settings.warehouse_url, "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ},
    )
    assert run.returncode == 0, run.stderr
    assert "Wrote" in run.stdout and "Overview (1/" in run.stderr
    assert "No runtime found" not in run.stderr
    assert out.exists()
