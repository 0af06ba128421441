"""data.run_all: a page's independent queries at once, each as ``run`` would return it."""

from __future__ import annotations

import shutil
import threading
from datetime import date

import duckdb
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.settings import Settings, duckdb_url
from tests.conftest import activate

PERIOD = Filters(start=date(2026, 10, 19), end=date(2026, 11, 15))
QUERIES = (
    data.query("experiments_list", PERIOD, Scope.all()),
    data.query("kpi_funnel", PERIOD, Scope(frozenset({1, 2})), grain="week"),
    data.query("filter_clinics", None, Scope.all()),
    data.query("experiments_daily", PERIOD, Scope.all()),
)


def _spy(monkeypatch) -> list[tuple[str, str]]:
    """Record (query name, thread name) of every query the warehouse executes."""
    seen: list[tuple[str, str]] = []
    real = data.execute  # what a cache miss runs

    def spy(name, filters, scope, params, snap):
        seen.append((name, threading.current_thread().name))
        return real(name, filters, scope, params, snap)

    monkeypatch.setattr(data, "execute", spy)
    return seen


def test_same_frames_as_run_in_call_order(warehouse):
    together = data.run_all(*QUERIES)
    data.clear_cache()
    one_by_one = [data.run(q.name, q.filters, q.scope, **dict(q.params)) for q in QUERIES]
    assert len(together) == len(QUERIES)
    for got, expected in zip(together, one_by_one, strict=True):
        assert got.equals(expected)


def test_queries_run_on_several_threads_and_fill_the_cache(duckdb_warehouse, monkeypatch):
    seen = _spy(monkeypatch)
    data.run_all(*QUERIES)
    assert sorted(name for name, _ in seen) == sorted(q.name for q in QUERIES)
    threads = {thread for _, thread in seen}
    assert threading.current_thread().name in threads  # the caller does its share
    assert any(t.startswith("opsdash-query") for t in threads)
    # Cached like run: neither run nor run_all executes them again.
    data.run_all(*QUERIES)
    data.run(QUERIES[0].name, QUERIES[0].filters, QUERIES[0].scope)
    assert len(seen) == len(QUERIES)


def test_called_from_the_pool_itself_runs_in_that_thread(duckdb_warehouse, monkeypatch):
    seen = _spy(monkeypatch)
    # Every worker busy with a run_all of its own: nested calls must not wait for a free
    # worker (that would deadlock), they run in the worker's own thread.
    jobs = [data._POOL.submit(data.run_all, *QUERIES) for _ in range(data.QUERY_WORKERS)]
    results = [job.result(timeout=60) for job in jobs]
    assert all(len(r) == len(QUERIES) for r in results)
    assert all(t.startswith("opsdash-query") for _, t in seen)


@pytest.fixture
def without_exposures(duckdb_settings, tmp_path, monkeypatch) -> Settings:
    """A copy of the test warehouse that lost the experiment_exposures table."""
    path = tmp_path / "broken.duckdb"
    shutil.copy(duckdb_settings.duckdb_path, path)
    with duckdb.connect(str(path)) as con:
        con.execute("drop table experiment_exposures")
    settings = Settings(warehouse_url=duckdb_url(path))
    yield activate(settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


def test_a_failing_query_raises_like_run(without_exposures):
    with pytest.raises(data.QueryFailed) as failed:
        data.run_all(
            data.query("filter_cities", None, Scope.all()),
            data.query("experiments_variants", PERIOD, Scope.all()),
        )
    assert failed.value.name == "experiments_variants"
    assert "experiment_exposures" in failed.value.detail.lower()
    # The queries that worked are cached as usual; the failure is not.
    assert not data.run("filter_cities", None, Scope.all()).empty
