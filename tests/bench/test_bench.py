"""``opsdash bench`` at a small N: it runs end to end and writes every page and every field.

A benchmark is a measurement, not a timed test: nothing here asserts a duration. The floor's
statements are checked to be the app's (same rows), and the naive baseline's counts the app's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from dashboard import data
from dashboard.bench import floor as fl
from dashboard.bench import verdicts, workloads
from dashboard.bench.budgets import BUDGETS
from dashboard.bench.capture import capturing
from dashboard.filters import Filters, Scope
from dashboard.navigation import PAGES
from dashboard.settings import ROOT, duckdb_url
from dashboard.warehouse import engine as wh

BENCH_LEADS = 20_000
PAGE_FIELDS = {
    "page",
    "cold_seconds",
    "warm_seconds",
    "floor_seconds",
    "floor_ratio",
    "floor_judged",
    "query_count",
    "cold_runs",
    "warm_runs",
    "floor_runs",
    "queries",
    "error",
}
TOP_FIELDS = {
    "generated_at",
    "backend",
    "leads",
    "warehouse",
    "runs",
    "period",
    "machine",
    "seeding",
    "pages",
    "peak_rss_bytes",
    "naive_funnel",
    "export",
    "budgets",
    "checks",
}
MACHINE_FIELDS = {"cpu", "cores", "ram_bytes", "os", "python", "warehouse", "load_average_at_start"}


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory):
    """The folder of this module's benchmark runs (warehouse, audit file, outputs)."""
    return tmp_path_factory.mktemp("bench")


def _opsdash_bench(bench_dir, *args: str) -> subprocess.CompletedProcess:
    """``opsdash bench`` on this module's warehouse in a child process (its own data layer)."""
    env = {
        **os.environ,
        "OPSDASH_SECRETS": "/nonexistent/secrets.toml",
        "OPSDASH_AUDIT_URL": f"sqlite:///{bench_dir / 'audit.sqlite'}",
    }
    warehouse = ["--leads", str(BENCH_LEADS), "--url", duckdb_url(bench_dir / "w.duckdb")]
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "bench", *warehouse, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def bench_run(bench_dir):
    """One small benchmark run (it seeds the module's warehouse)."""
    out = bench_dir / "out"
    done = _opsdash_bench(bench_dir, "--runs", "1", "--out", str(out), "--export-rows", "2000")
    results = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    markdown = (out / "bench.md").read_text(encoding="utf-8")
    return results, markdown, done.stdout


def test_every_page_is_measured_with_every_field(bench_run):
    results, _, _ = bench_run
    assert set(results) >= TOP_FIELDS
    assert [p["page"] for p in results["pages"]] == [p.id for p in PAGES]
    for page in results["pages"]:
        assert set(page) == PAGE_FIELDS, page["page"]
        assert page["error"] is None, page
        assert page["cold_seconds"] > 0 and page["warm_seconds"] > 0
        assert len(page["cold_runs"]) == len(page["warm_runs"]) == results["runs"] == 1
        assert page["query_count"] == len(page["queries"]) > 0
        assert page["floor_seconds"] > 0
        assert page["floor_ratio"] == pytest.approx(page["cold_seconds"] / page["floor_seconds"])


def test_side_figures_are_written(bench_run):
    results, _, _ = bench_run
    assert set(results["machine"]) >= MACHINE_FIELDS
    assert results["leads"] == BENCH_LEADS and results["backend"] == "duckdb"
    seed = results["seeding"]
    assert seed["reused"] is False and seed["seconds"] > 0 and seed["rows"]["leads"] == BENCH_LEADS
    assert results["peak_rss_bytes"] > 0
    naive = results["naive_funnel"]
    assert naive["seconds"] > 0 and naive["peak_rss_bytes"] > 0
    assert naive["counts_match"] is True, (naive["counts"], naive["app_stages"]["counts"])
    # The judged baseline reads every lead; the kinder variant only the period's.
    assert naive["rows_read"] > BENCH_LEADS
    assert naive["period"]["seconds"] > 0 and naive["period"]["counts"] == naive["counts"]
    export = results["export"]
    assert export["rows"] == export["requested_rows"] == 2000
    assert export["seconds"] > 0 and export["peak_rss_bytes"] > 0 and export["file_bytes"] > 0
    assert results["budgets"] == BUDGETS["duckdb"].as_dict()
    figures = {c["figure"] for c in results["checks"]}
    for page in PAGES:
        assert {f"{page.id}: cold", f"{page.id}: cold ÷ floor", f"{page.id}: warm"} <= figures
    assert {"seeding", "peak RSS (dashboard process)", "naive funnel ÷ app funnel"} <= figures


def test_markdown_has_every_page_and_the_machine(bench_run):
    results, markdown, stdout = bench_run
    for page in PAGES:
        assert f"\n| {page.id} | " in markdown
    assert results["machine"]["cpu"] in markdown
    assert "naive pandas funnel" in markdown and "Excel export" in markdown
    assert "peak RSS" in markdown and "seeding" in markdown
    assert "Budgets failed:" in stdout


def test_verdicts_judge_against_the_budgets():
    b = BUDGETS["duckdb"]
    page = {
        "page": "x",
        "cold_seconds": 1.5,
        "warm_seconds": 0.1,
        "floor_ratio": 1.2,
        "floor_judged": True,
    }
    by_figure = {c["figure"]: c["pass"] for c in verdicts.page_checks(page, b)}
    assert by_figure == {"x: cold": False, "x: cold ÷ floor": True, "x: warm": True}
    off = verdicts.page_checks({**page, "floor_ratio": 9.0, "floor_judged": False}, b)
    assert off[1]["pass"] is None


def test_floor_replays_the_apps_statements(duckdb_warehouse, raw):
    """The raw-driver statements return exactly the rows the app got (list filters included)."""
    cities = tuple(sorted(raw["cities"]["city_id"])[:2])
    filters = Filters(start=date(2026, 10, 1), end=date(2026, 10, 31), cities=cities)
    ctx = workloads.BenchContext(filters, Scope(frozenset(cities)), date(2026, 11, 15))
    overview = next(fn for spec, fn in workloads.pages() if spec.id == "overview")
    data.clear_cache()
    with capturing() as capture:
        workloads.run_page(overview, ctx)
    assert capture.queries
    dialect = wh.get_engine(data.settings()).dialect
    con = fl.RawConnection(data.settings())
    try:
        for q in capture.queries:
            statement = fl.compile_for_driver(q.rendered, dialect)
            assert con.execute(statement) == q.rows, q.rendered.name
    finally:
        con.close()


@pytest.fixture(scope="module")
def load_run(bench_dir, bench_run):
    """The load test at a small N: two browser sessions on the warehouse ``bench_run`` seeded."""
    from dashboard.bench import load_test

    if not os.path.exists(load_test.CHROMIUM):
        pytest.fail(f"{load_test.CHROMIUM} is missing: run scripts/test (installs chromium)")
    out = bench_dir / "load"
    _opsdash_bench(bench_dir, "--reuse", "--concurrency", "2", "--out", str(out))
    results = json.loads((out / "load-test.json").read_text(encoding="utf-8"))
    return results, (out / "load-test.md").read_text(encoding="utf-8")


def test_load_test_opens_every_page_in_every_session(load_run):
    results, markdown = load_run
    visits = results["visit_log"]
    assert results["sessions"] == 2 and results["leads"] == BENCH_LEADS
    assert sorted((v["session"], v["page"]) for v in visits) == sorted(
        (s, p.id) for s in range(2) for p in PAGES
    )
    assert results["errors"] == 0, results["error_samples"]
    assert all(v["script_seconds"] > 0 for v in visits)
    # Each session loads its first page by URL and reaches the others through the sidebar
    # (the visit only counts once that page's own title shows, so a wrong link would fail).
    assert results["navigate"] == "sidebar"
    for s in range(2):
        mine = [v["how"] for v in visits if v["session"] == s]
        assert mine == ["url"] + ["sidebar"] * (len(PAGES) - 1)
    # Charts are drawn after the script has finished: the rendered time must see that drawing
    # (were the wait for the DOM to settle lost, every rendered time would equal its script's).
    assert any(v["seconds"] > v["script_seconds"] + 0.05 for v in visits)
    for p in PAGES:
        assert f"| {p.id} |" in markdown


def test_load_test_reports_where_the_cpu_went(load_run):
    results, markdown = load_run
    cpu = results["cpu_seconds"]
    # The browsers draw every page and the server computes every page: neither can be free.
    assert cpu["server"] > 0 and cpu["browsers"] > 0
    assert results["server_peak_rss_bytes"] > 0
    views = len(results["visit_log"])
    assert f"{cpu['server'] / views:.2f} s / {cpu['browsers'] / views:.2f} s" in markdown


def test_load_test_percentiles_match_numpy(load_run):
    results, _ = load_run
    visits = results["visit_log"]
    rendered = [v["seconds"] for v in visits]
    script = [v["script_seconds"] for v in visits]
    assert results["p50_seconds"] == pytest.approx(np.percentile(rendered, 50))
    assert results["p95_seconds"] == pytest.approx(np.percentile(rendered, 95))
    assert results["max_seconds"] == pytest.approx(max(rendered))
    assert results["script_p95_seconds"] == pytest.approx(np.percentile(script, 95))
    for p in PAGES:
        mine = [v["seconds"] for v in visits if v["page"] == p.id]
        assert results["per_page"][p.id]["p95"] == pytest.approx(np.percentile(mine, 95))
    checks = {c["figure"]: c for c in results["checks"]}
    assert checks["p95 render time"]["pass"] == (
        results["p95_seconds"] <= results["budgets"]["load_p95_seconds"]
    )
