"""``opsdash bench``: seed or reuse a warehouse, measure every page and the side figures.

Order matters for memory: the pages (and their floors) run in this process, and its peak RSS
is read right after them; seeding, the naive baseline, the Excel export and the incremental
loads run in child processes, each reporting its own time and peak RSS.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import SupportsInt

from bench import budgets as bd
from bench import floor as fl
from bench import jobs, machine, seeding, verdicts, workloads
from bench.pages import PageResult, measure_page
from dashboard import data
from dashboard.metrics import funnel as fm
from dashboard.page_context import PageContext
from dashboard.settings import Settings, load_settings
from dashboard.warehouse import engine as wh

Say = Callable[[str], None]


@dataclass
class BenchOptions:
    """What to measure, where, and how often."""

    leads: int = 10_000_000
    backend: str = "duckdb"
    url: str | None = None
    runs: int = 5
    out: Path = Path("bench-results")
    reuse: bool = False
    pages: tuple[str, ...] = ()
    export_rows: int = 1_000_000
    skip: tuple[str, ...] = ()  # any of "naive", "export", "loads"
    notes: list[str] = field(default_factory=list)


def activate(url: str) -> Settings:
    """Point the data layer of this process at the benchmark's warehouse."""
    os.environ["OPSDASH_WAREHOUSE_URL"] = url
    data.settings.cache_clear()
    data.clear_cache()
    wh.dispose_all()
    return load_settings()


def measure_pages(opts: BenchOptions, ctx: PageContext, say: Say) -> list[PageResult]:
    """Every page of the registry (or those asked for) with its figures."""
    raw = fl.RawConnection(data.settings())
    results: list[PageResult] = []
    try:
        for spec, fn in workloads.pages():
            if opts.pages and spec.id not in opts.pages:
                continue
            try:
                result = measure_page(spec.id, fn, ctx, raw, opts.runs)
            except Exception as exc:  # one broken page must not hide the others' figures
                logging.getLogger(__name__).exception("page %s failed", spec.id)
                result = PageResult(spec.id, error=f"{type(exc).__name__}: {exc}")
            results.append(result)
            say(_page_line(result))
    finally:
        raw.close()
    return results


def _page_line(r: PageResult) -> str:
    if r.error:
        return f"  {r.page}: error: {r.error}"
    ratio = f"{r.floor_ratio:.2f}x" if r.floor_ratio else "—"
    floor = f"{r.floor_seconds:.3f}" if r.floor_seconds else "—"
    return (
        f"  {r.page}: cold {r.cold_seconds:.3f} s, warm {r.warm_seconds:.3f} s, "
        f"floor {floor} s ({ratio}), {len(r.queries)} queries"
    )


@dataclass(frozen=True)
class FunnelWindow:
    """The funnel's default conversion window in days and its maturing cutoff."""

    days: int
    mature_after: datetime

    def params(self) -> dict[str, object]:
        """The funnel queries' window parameters."""
        return {"window_days": self.days, "mature_after": self.mature_after}


def _funnel_window(ctx: PageContext) -> FunnelWindow:
    days = fm.window_days(fm.DEFAULT_WINDOW)
    # The naive baseline takes the window in days: "no limit" has no such number.
    if days is None:
        raise ValueError("the benchmark needs a limited default funnel window")
    cutoff = fm.maturing_after(data.data_as_of(), days)
    if cutoff is None:  # maturing_after is None only without a limit, excluded above
        raise ValueError("no maturing cutoff for a limited window")
    return FunnelWindow(days, cutoff)


def app_funnel_stages(ctx: PageContext, runs: int) -> dict:
    """The app's own funnel stage counts (the same figures as the naive baseline), cold."""
    params = _funnel_window(ctx).params()
    times = []
    row: dict = {}
    for _ in range(runs + 1):
        data.clear_cache()
        start = time.perf_counter()
        row = data.run("funnel_stages", ctx.filters, ctx.scope, **params).iloc[0].to_dict()
        times.append(time.perf_counter() - start)
    counts = {k: row.get(k) for k in ("impressions", "leads", "maturing_leads", *fm_stages())}
    return {"seconds": statistics.median(times[1:]), "runs": times[1:], "counts": counts}


def fm_stages() -> tuple[str, ...]:
    """The stage counts both the app and the naive baseline report."""
    return ("inquiries", "bookings", "arrivals", "paid_deals")


def naive_funnel(settings: Settings, ctx: PageContext, runs: int) -> dict:
    """The naive pandas funnel in a child process (its own time and peak RSS)."""
    window = _funnel_window(ctx)
    child = jobs.run_child(
        [
            "-m",
            "bench.naive",
            "--url",
            settings.warehouse_url,
            "--start",
            ctx.filters.start.isoformat(),
            "--end",
            ctx.filters.end.isoformat(),
            "--window",
            str(window.days),
            "--mature-after",
            window.mature_after.isoformat(),
            "--runs",
            str(runs),
        ]
    )
    if child.returncode != 0:
        return {"error": child.stderr.strip()[-2000:]}
    return {**child.json(), "wall_seconds": child.wall_seconds}


def excel_export(settings: Settings, rows: int) -> dict:
    """The streamed detail export of ``rows`` rows in a child process."""
    with tempfile.TemporaryDirectory(prefix="opsdash-bench-") as tmp:
        child = jobs.run_child(
            [
                "-m",
                "bench.export_job",
                "--url",
                settings.warehouse_url,
                "--rows",
                str(rows),
                "--out",
                str(Path(tmp) / "export.xlsx"),
            ]
        )
    if child.returncode != 0:
        return {"error": child.stderr.strip()[-2000:]}
    return {**child.json(), "requested_rows": rows, "wall_seconds": child.wall_seconds}


def incremental_loads(url: str, opts: BenchOptions, say: Say) -> dict:
    """Append one week, undo it, and replace it all (``bench.incremental``)."""
    from bench import incremental

    try:
        return incremental.measure(url, opts.leads, opts.runs, opts.reuse, say)
    except Exception as exc:  # a failed step must not lose the figures measured before it
        logging.getLogger(__name__).exception("incremental loads failed")
        say(f"  incremental loads: error: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}


def run(opts: BenchOptions, say: Say = print) -> dict:
    """Run the whole benchmark and return its results (JSON-ready)."""
    started = datetime.now()
    url = opts.url or seeding.default_url(opts.leads)
    settings = Settings(warehouse_url=url)
    say(f"Warehouse: {settings.redacted_url()} ({opts.leads:,} leads)")
    seed = seeding.prepare(settings, opts.leads, opts.reuse)
    say(
        "  reused (seeded earlier)"
        if seed.get("reused")
        else f"  seeded in {seed['seconds']:.1f} s (CPU {seed['cpu_seconds']:.1f} s)"
    )
    settings = activate(url)
    described = machine.describe(settings)
    ctx = workloads.default_context()
    say(f"Period: {ctx.filters.start} – {ctx.filters.end}; {opts.runs} runs per figure")
    page_results = measure_pages(opts, ctx, say)
    peak = jobs.peak_rss_bytes()
    say(f"  peak RSS of this process: {peak / 1e6:.0f} MB")

    naive: dict = {}
    if "naive" not in opts.skip:
        app = app_funnel_stages(ctx, opts.runs)
        naive = {"app_stages": app, **naive_funnel(settings, ctx, opts.runs)}
        if "counts" in naive:
            # Both variants (every lead read, or only the period's) must agree with the app.
            variants = (naive["counts"], naive.get("period", {}).get("counts", {}))
            naive["counts_match"] = all(
                _same(v.get(k), app["counts"].get(k)) for v in variants for k in app["counts"]
            )
        period_seconds = naive.get("period", {}).get("seconds", float("nan"))
        say(
            f"  naive funnel: {naive.get('seconds', float('nan')):.2f} s reading every lead, "
            f"{period_seconds:.2f} s reading the period's"
        )
    export: dict = {}
    if "export" not in opts.skip:
        export = excel_export(settings, opts.export_rows)
        say(
            f"  export: {export.get('rows', 0):,} rows in {export.get('seconds', float('nan')):.1f} s"
        )

    loads: dict = {}
    if "loads" not in opts.skip:
        loads = incremental_loads(url, opts, say)

    results = {
        "generated_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now().isoformat(timespec="seconds"),
        "backend": opts.backend,
        "leads": opts.leads,
        "warehouse": settings.redacted_url(),
        "runs": opts.runs,
        "period": {"start": ctx.filters.start.isoformat(), "end": ctx.filters.end.isoformat()},
        "machine": {**described, "load_average_at_end": machine.load_average()},
        "seeding": seed,
        "pages": [r.as_dict() for r in page_results],
        "peak_rss_bytes": peak,
        "naive_funnel": naive,
        "export": export,
        "loads": loads,
        "notes": opts.notes,
    }
    results["budgets"] = bd.for_backend(opts.backend).as_dict()
    results["checks"] = verdicts.checks(results, bd.for_backend(opts.backend))
    return results


def _same(a: SupportsInt | str | None, b: SupportsInt | str | None) -> bool:
    try:
        return int(a or 0) == int(b or 0)
    except (TypeError, ValueError):
        return False
