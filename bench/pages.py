"""Measure one page: cold and warm server-side time, its SQL floor, and its queries.

A first, untimed cold run records the statements the page executes (and absorbs one-off
import costs); then each of ``runs`` rounds times a cold run (cache emptied) followed by the
floor (the recorded statements on a raw connection), so both see the same machine load; the
warm runs (everything cached) follow. Figures are medians.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench import floor as fl
from bench.capture import capturing
from bench.workloads import Workload, reads_warehouse, run_page
from dashboard import data
from dashboard.page_context import PageContext


@dataclass
class PageResult:
    """The figures of one page (seconds; ratio = cold ÷ floor)."""

    page: str
    cold_seconds: float | None = None
    warm_seconds: float | None = None
    floor_seconds: float | None = None
    cold_runs: list[float] = field(default_factory=list)
    warm_runs: list[float] = field(default_factory=list)
    floor_runs: list[float] = field(default_factory=list)
    queries: list[dict] = field(default_factory=list)
    error: str | None = None
    floor_judged: bool = True

    @property
    def floor_ratio(self) -> float | None:
        """Page cold time ÷ floor time (None without warehouse queries)."""
        if self.cold_seconds is None or not self.floor_seconds:
            return None
        return self.cold_seconds / self.floor_seconds

    def as_dict(self) -> dict:
        """The result as JSON values."""
        return {
            "page": self.page,
            "cold_seconds": self.cold_seconds,
            "warm_seconds": self.warm_seconds,
            "floor_seconds": self.floor_seconds,
            "floor_ratio": self.floor_ratio,
            "floor_judged": self.floor_judged,
            "query_count": len(self.queries),
            "cold_runs": self.cold_runs,
            "warm_runs": self.warm_runs,
            "floor_runs": self.floor_runs,
            "queries": self.queries,
            "error": self.error,
        }


def _timed(fn: Workload, ctx: PageContext, cold: bool) -> float:
    if cold:
        data.clear_cache()
    gc.collect()
    start = time.perf_counter()
    run_page(fn, ctx)
    return time.perf_counter() - start


def measure_page(
    page: str, fn: Workload, ctx: PageContext, raw: fl.RawConnection, runs: int
) -> PageResult:
    """Cold, warm and floor medians of one page over ``runs`` rounds."""
    result = PageResult(page, floor_judged=reads_warehouse(page))
    data.clear_cache()
    with capturing() as capture:
        run_page(fn, ctx)
    dialect = _dialect()
    statements = [fl.compile_for_driver(q.rendered, dialect) for q in capture.queries]
    fl.timed_run(raw, statements)  # warm the raw path once, like the capture run did the app's
    per_query: list[list[float]] = [[] for _ in statements]
    for _ in range(runs):
        result.cold_runs.append(_timed(fn, ctx, cold=True))
        total, each = fl.timed_run(raw, statements)
        result.floor_runs.append(total)
        for i, seconds in enumerate(each):
            per_query[i].append(seconds)
    for _ in range(runs):
        result.warm_runs.append(_timed(fn, ctx, cold=False))
    result.cold_seconds = statistics.median(result.cold_runs)
    result.warm_seconds = statistics.median(result.warm_runs)
    result.floor_seconds = statistics.median(result.floor_runs) if statements else None
    result.queries = [
        {
            "name": q.rendered.name,
            "app_seconds_first_run": q.seconds,
            "floor_seconds": statistics.median(per_query[i]) if per_query[i] else None,
            "rows": q.rows,
        }
        for i, q in enumerate(capture.queries)
    ]
    return result


def _dialect() -> sa.Dialect:
    from dashboard.warehouse import engine as wh

    return wh.get_engine(data.settings()).dialect
