"""A missing warehouse file is reported, never replaced by a generated sample chain.

Only the very first start of the embedded default generates the sample, and the dashboard
then says on every page that its figures are the sample's.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from dashboard import seed as seed_pkg
from dashboard.reports.frame import is_sample
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import bootstrap
from dashboard.warehouse import engine as wh
from dashboard.warehouse.engine import WarehouseMissing
from tests.conftest import activate
from tests.pages.apptest import all_text, open_page

END = date(2026, 11, 15)


@pytest.fixture
def default_path(tmp_path, monkeypatch):
    """The embedded default moved into tmp_path, seeded small (the real generator and writer)."""
    path = tmp_path / "var" / "warehouse.duckdb"
    path.parent.mkdir()
    monkeypatch.setattr(bootstrap, "DEFAULT_DUCKDB_PATH", path)
    monkeypatch.setattr(
        seed_pkg,
        "seed_warehouse",
        functools.partial(seed_pkg.seed_warehouse, end_date=END, leads=3_000, seed=5),
    )
    yield path
    wh.dispose_all()


def test_first_start_of_the_default_seeds_once(default_path):
    settings = Settings(warehouse_url=duckdb_url(default_path))
    assert bootstrap.first_start(settings) is True
    assert default_path.exists() and bootstrap.marker(default_path).exists()
    assert bootstrap.first_start(settings) is False  # the second start opens it as it is


def test_default_file_gone_after_it_existed_is_not_seeded_again(default_path):
    settings = Settings(warehouse_url=duckdb_url(default_path))
    bootstrap.first_start(settings)
    wh.dispose_all()
    default_path.unlink()
    with pytest.raises(WarehouseMissing) as missing:
        bootstrap.first_start(settings)
    assert missing.value.existed and not default_path.exists()


def test_run_with_another_missing_file_refuses_and_creates_nothing(tmp_path):
    target = tmp_path / "new" / "w.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "run", "--url", duckdb_url(target), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "OPSDASH_LANGUAGE": "en", "OPSDASH_SECRETS": "/none"},
    )
    assert proc.returncode == 2
    assert f"There is no warehouse file at {target}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not target.exists() and not target.parent.exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_says_the_file_is_missing_when_it_goes_while_serving(
    lang, duckdb_settings, tmp_path, monkeypatch
):
    path = tmp_path / "w.duckdb"
    shutil.copy(duckdb_settings.duckdb_path, path)
    activate(Settings(warehouse_url=duckdb_url(path)), monkeypatch)
    at = open_page("overview", lang=lang)
    assert not at.exception and not at.error
    wh.dispose_all()
    path.unlink()
    at.run()
    assert not at.exception
    expected = "找不到数据仓库文件" if lang == "zh" else "There is no warehouse file at"
    assert [e.value for e in at.error] and expected in at.error[0].value
    assert str(path) in at.error[0].value
    assert not at.metric  # no figures of any warehouse
    assert not path.exists()  # nothing was generated in its place


def test_pages_say_when_their_figures_are_the_sample(tmp_path, monkeypatch):
    path = tmp_path / "sample.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    seed_pkg.seed_warehouse(settings, end_date=END, leads=3_000, seed=5)
    activate(settings, monkeypatch)
    at = open_page("overview", lang="en")
    assert not at.exception
    assert "Sample data" in all_text(at)
    wh.dispose_all()


def _batches(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(i + 1, source, tables) for i, (source, tables) in enumerate(rows)],
        columns=["batch_id", "source", "tables"],
    )


def test_sample_until_every_fact_table_is_the_chains_own():
    everything = "calendar,cities,clinics,channels,customers,leads,orders,channel_daily"
    assert is_sample(_batches(("seed", everything)))
    assert is_sample(_batches(("seed", everything), ("/data/w46", "leads,orders")))
    assert not is_sample(
        _batches(("seed", everything), ("/data/full", "customers,leads,orders,channel_daily"))
    )
    assert not is_sample(_batches(("/data/full", everything)))
    assert is_sample(_batches(("/data/full", everything), ("seed", everything)))
