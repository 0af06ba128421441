"""Shared fixtures: one generated chain, written to a real DuckDB file and a real PostgreSQL server.

``warehouse`` is parametrised over both backends, so every test that takes it runs the
same assertions against DuckDB and PostgreSQL. ``raw`` holds the generated tables as
pandas frames: the tests' independent computations start from these raw rows.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

from dashboard import data
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from testsupport import pg_server

TEST_END = date(2026, 11, 15)
TEST_LEADS = 30_000
TEST_SEED = 7


@pytest.fixture(scope="session")
def raw():
    """The generated sample tables (pandas frames) that every test warehouse holds."""
    from dashboard.seed import generate

    return generate(TEST_END, leads=TEST_LEADS, seed=TEST_SEED)


@pytest.fixture(scope="session")
def duckdb_settings(tmp_path_factory, raw) -> Settings:
    """A DuckDB warehouse file filled with the test chain."""
    from dashboard.warehouse.writer import replace_tables

    path = tmp_path_factory.mktemp("duckdb") / "warehouse.duckdb"
    settings = Settings(warehouse_url=duckdb_url(path))
    replace_tables(settings, raw, source="tests")
    return settings


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server started on loopback for this test session."""
    try:
        server = pg_server.start()
    except pg_server.PostgresMissing as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_settings(postgres, raw) -> Settings:
    """A PostgreSQL warehouse filled with the test chain."""
    from dashboard.warehouse.writer import replace_tables

    settings = Settings(warehouse_url=postgres.create_database("opsdash_test"))
    replace_tables(settings, raw, source="tests")
    return settings


def activate(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the dashboard's data layer (and any AppTest run in-process) at ``settings``."""
    monkeypatch.setenv("OPSDASH_WAREHOUSE_URL", settings.warehouse_url)
    monkeypatch.setenv("OPSDASH_SECRETS", "/nonexistent/secrets.toml")
    # Page views during tests go to a temporary audit store, never the repository's var/.
    if "OPSDASH_AUDIT_URL" not in os.environ:
        audit_path = Path(tempfile.gettempdir()) / f"opsdash-test-audit-{os.getpid()}.sqlite"
        monkeypatch.setenv("OPSDASH_AUDIT_URL", f"sqlite:///{audit_path}")
    data.settings.cache_clear()
    data.clear_cache()
    return data.settings()


def use_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str = "") -> Path:
    """Sign-in mode's access policy at ``tmp_path`` (``text`` written when given), audit beside it."""
    policy = tmp_path / "access_policy.toml"
    if text:
        policy.write_text(text, encoding="utf-8")
    monkeypatch.setenv("OPSDASH_ACCESS_POLICY", str(policy))
    monkeypatch.setenv("OPSDASH_AUDIT_URL", f"sqlite:///{tmp_path / 'audit.sqlite'}")
    data.settings.cache_clear()
    return policy


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request, monkeypatch) -> Settings:
    """The data layer pointed at each backend in turn."""
    settings = request.getfixturevalue(f"{request.param}_settings")
    yield activate(settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


@pytest.fixture
def duckdb_warehouse(duckdb_settings, monkeypatch) -> Settings:
    """The data layer pointed at the DuckDB test warehouse only (AppTest, UI tests)."""
    yield activate(duckdb_settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def _dispose_engines():
    yield
    wh.dispose_all()


@pytest.fixture(scope="session", autouse=True)
def _audit_outside_the_repository(tmp_path_factory):
    """Commands the tests start (opsdash load, export …) audit into a temporary store, never
    the repository's var/audit.sqlite; a test that reads the audit log sets its own."""
    if "OPSDASH_AUDIT_URL" in os.environ:
        yield
        return
    path = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    os.environ["OPSDASH_AUDIT_URL"] = f"sqlite:///{path}"
    try:
        yield
    finally:
        os.environ.pop("OPSDASH_AUDIT_URL", None)
