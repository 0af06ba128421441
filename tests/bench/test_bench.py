"""``opsdash bench`` at a small N: it runs end to end and writes every page and every field.

A benchmark is a measurement, not a timed test: nothing here asserts a duration. The floor's
statements are checked to be the app's (same rows), and the naive baseline's counts the app's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from bench import floor as fl
from bench import incremental, verdicts, workloads
from bench.budgets import BUDGETS
from bench.capture import capturing
from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.navigation import PAGES
from dashboard.page_context import PageContext
from dashboard.seed import generate
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
    "loads",
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


LOAD_FIGURES = {
    verdicts.APPEND,
    verdicts.APPEND_RSS,
    verdicts.FULL_REPLACE,
    verdicts.UNDO,
    verdicts.APPEND_EQUALS,
    verdicts.UNDO_RESTORES,
}


def test_incremental_loads_are_measured(bench_run):
    results, markdown, stdout = bench_run
    loads = results["loads"]
    assert "error" not in loads, loads
    assert loads["runs"] == 1 and loads["fixture"]["reused"] is False
    for step in ("append", "undo", "replace"):
        figures = loads[step]
        assert figures["seconds"] > figures["call_seconds"] > 0, step
        assert figures["peak_rss_bytes"] > 0 and figures["cpu_seconds"] > 0, step
    # The loader announced its phases, and the loads wrote every row of their files.
    assert set(loads["append"]["phases"]) == {"read", "validate", "write", "derived"}
    assert loads["append"]["rows"] == loads["rows"]["week"]
    assert loads["replace"]["rows"] == loads["rows"]["full"]
    checks = {c["figure"]: c for c in results["checks"]}
    assert set(checks) >= LOAD_FIGURES
    assert checks[verdicts.APPEND_EQUALS]["pass"] is True
    assert checks[verdicts.UNDO_RESTORES]["pass"] is True
    assert checks[verdicts.APPEND]["value"] == loads["append"]["seconds"]
    for figure in LOAD_FIGURES:
        assert f"| {figure}" in markdown, figure
    assert "append run 1:" in stdout and "full replace of the same tables:" in stdout


def test_appended_warehouse_equals_the_one_shot(bench_dir, bench_run):
    """Base + appended week = the chain loaded at once, by pandas and by the bench's warehouse."""
    loads = bench_run[0]["loads"]
    end = date.fromisoformat(loads["end_date"])
    frames = generate(end, leads=BENCH_LEADS, seed=loads["seed"])
    cut = pd.Timestamp(end - timedelta(days=6))
    assert loads["week"] == {"start": str(cut.date()), "end": str(end)}
    week = {
        "leads": frames["leads"]["created_at"] >= cut,
        "orders": frames["orders"]["ordered_at"] >= cut,
        "channel_daily": frames["channel_daily"]["date"] >= cut,
    }
    for name, in_week in week.items():
        assert loads["rows"]["week"][name] == int(in_week.sum()) > 0, name
    appended, undone = loads["fingerprints"]["appended"], loads["fingerprints"]["undone"]
    for name in ("leads", "orders", "channel_daily", "customers"):
        assert appended[name]["rows"] == len(frames[name]), name
    for name, in_week in week.items():
        assert undone[name]["rows"] == int((~in_week).sum()), name
    leads, orders = frames["leads"], frames["orders"]
    assert int(appended["leads"]["lead_id:sum"]) == int(leads["lead_id"].sum())
    assert appended["leads"]["customer_id:n"] == int(leads["customer_id"].notna().sum())
    assert float(appended["leads"]["deal_amount:sum"]) == pytest.approx(
        float(leads["deal_amount"].sum()), abs=0.005
    )
    assert int(appended["orders"]["order_id:sum"]) == int(orders["order_id"].sum())
    assert float(appended["orders"]["amount:sum"]) == pytest.approx(
        float(orders["amount"].sum()), abs=0.005
    )
    assert int(appended["customers"]["customer_id:sum"]) == int(
        frames["customers"]["customer_id"].sum()
    )
    # The one-shot: the bench's own warehouse, seeded with the same chain in one go (derived
    # tables included), and the full replace of the four tables.
    assert incremental.fingerprint(duckdb_url(bench_dir / "w.duckdb")) == appended
    assert loads["fingerprints"]["replaced"] == appended
    assert undone == loads["fingerprints"]["base"]


def test_reuse_keeps_the_load_data_and_skip_drops_the_step(bench_dir, bench_run):
    small = ("--reuse", "--runs", "1", "--pages", "overview")
    out = bench_dir / "reuse"
    _opsdash_bench(bench_dir, *small, "--skip", "naive,export", "--out", str(out))
    loads = json.loads((out / "bench.json").read_text(encoding="utf-8"))["loads"]
    assert loads["fixture"]["reused"] is True and loads["append_equals_replace"] is True
    assert loads["rows"] == bench_run[0]["loads"]["rows"]
    out = bench_dir / "skip"
    _opsdash_bench(bench_dir, *small, "--skip", "naive,export,loads", "--out", str(out))
    results = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    assert results["loads"] == {}
    assert not LOAD_FIGURES & {c["figure"] for c in results["checks"]}
    assert "Incremental load" not in (out / "bench.md").read_text(encoding="utf-8")


def test_load_verdicts_judge_against_the_budgets():
    loads = {
        "append": {"seconds": 16.0, "peak_rss_bytes": 500_000_000},
        "undo": {"seconds": 3.0},
        "replace": {"seconds": 120.0},
        "append_equals_replace": True,
        "undo_restores_base": False,
    }
    judged = {
        c["figure"]: c["pass"] for c in verdicts.load_checks({"loads": loads}, BUDGETS["duckdb"])
    }
    assert judged == {
        verdicts.APPEND: False,
        verdicts.APPEND_RSS: True,
        verdicts.FULL_REPLACE: None,
        verdicts.UNDO: True,
        verdicts.APPEND_EQUALS: True,
        verdicts.UNDO_RESTORES: False,
    }
    on_pg = {
        c["figure"]: c["pass"]
        for c in verdicts.load_checks({"loads": loads}, BUDGETS["postgresql"])
    }
    assert on_pg[verdicts.APPEND] is False and on_pg[verdicts.UNDO] is None
    assert verdicts.load_checks({"loads": {}}, BUDGETS["duckdb"]) == []
    failed = verdicts.load_checks({"loads": {"error": "boom"}}, BUDGETS["duckdb"])
    assert [c["pass"] for c in failed] == [False]


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
    ctx = PageContext(filters, Scope(frozenset(cities)), date(2026, 11, 15))
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
    from bench import browser_sessions

    if not os.path.exists(browser_sessions.CHROMIUM):
        pytest.fail(f"{browser_sessions.CHROMIUM} is missing: run scripts/test (installs chromium)")
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
