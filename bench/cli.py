"""The ``opsdash bench`` subcommand: its options and what it runs.

A measurement, not a test: the exit code is 0 even when a budget fails, unless ``--strict``.
Without ``--url``, DuckDB uses ``var/bench/warehouse-<N>.duckdb`` and PostgreSQL a throw-away
server on loopback (``testsupport/pg_server.py``, stopped at the end).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

DEFAULT_LEADS = 10_000_000
LOAD_TEST_LEADS = 1_000_000


def _names(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def add_arguments(p: argparse.ArgumentParser, positive_int: Callable[[str], int]) -> None:
    """The options of ``opsdash bench`` (``--url`` is added by the main parser)."""
    p.add_argument(
        "--leads",
        type=positive_int,
        default=None,
        help=f"warehouse size in leads (default {DEFAULT_LEADS}; {LOAD_TEST_LEADS} with "
        "--concurrency)",
    )
    p.add_argument("--backend", choices=["duckdb", "postgresql"], default="duckdb")
    p.add_argument("--runs", type=positive_int, default=5, help="runs per figure (median)")
    p.add_argument("--out", type=Path, default=Path("bench-results"), help="output folder")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the warehouse when it already holds exactly N leads (else seed it)",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 when a budget fails")
    p.add_argument("--pages", type=_names, default=(), help="only these pages (comma-separated)")
    p.add_argument(
        "--export-rows", type=positive_int, default=1_000_000, help="rows of the Excel export"
    )
    p.add_argument(
        "--skip",
        type=_names,
        default=(),
        help="skip steps: naive, export, loads (incremental loads) (comma-separated)",
    )
    p.add_argument(
        "--concurrency",
        type=positive_int,
        default=None,
        metavar="SESSIONS",
        help="run the load test instead: every page in SESSIONS concurrent headless browsers",
    )
    p.add_argument(
        "--navigate",
        choices=["sidebar", "url"],
        default="sidebar",
        help="load test: after its first page a session uses the sidebar (default), or loads "
        "every page by URL",
    )


@contextlib.contextmanager
def _warehouse_url(args: argparse.Namespace, leads: int) -> Iterator[str]:
    """The URL to benchmark; a throw-away PostgreSQL server when none is given."""
    from bench.seeding import default_url

    if args.url:
        is_pg = args.url.startswith("postgresql")
        if is_pg != (args.backend == "postgresql"):
            raise ValueError(f"--url does not match --backend {args.backend}")
        yield args.url
        return
    if args.backend == "duckdb":
        yield default_url(leads)
        return
    from testsupport import pg_server

    server = pg_server.start()
    try:
        yield server.create_database("bench")
    finally:
        server.stop()


def require_dependencies(args: argparse.Namespace) -> None:
    """Import the optional dependencies now, so that a missing one fails before any seeding."""
    import psutil  # noqa: F401

    if args.concurrency:
        import playwright.async_api  # noqa: F401


def run_bench(args: argparse.Namespace) -> int:
    """Run the benchmark (or the load test) and write its files."""
    require_dependencies(args)
    if args.concurrency:
        from bench import browser_sessions

        leads = args.leads or LOAD_TEST_LEADS
        with _warehouse_url(args, leads) as url:
            return browser_sessions.main_from_cli(args, url, leads)

    from bench import report, runner, verdicts

    leads = args.leads or DEFAULT_LEADS
    with _warehouse_url(args, leads) as url:
        opts = runner.BenchOptions(
            leads=leads,
            backend=args.backend,
            url=url,
            runs=args.runs,
            out=args.out,
            reuse=args.reuse,
            pages=args.pages,
            export_rows=args.export_rows,
            skip=args.skip,
        )
        results = runner.run(opts, say=lambda line: print(line, flush=True))
    json_path, md_path = report.write(results, args.out)
    failed = verdicts.failed(results["checks"])
    print(f"Wrote {json_path} and {md_path}")
    print(f"Budgets failed: {len(failed)}")
    for check in failed:
        print(f"  {check['figure']}: {check['value']} (budget {check['budget']})")
    return 1 if args.strict and failed else 0
