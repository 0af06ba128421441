"""The benchmark's warehouse: seeded with ``opsdash seed --leads N`` (timed), or reused.

Seeding runs the real command in a child process, so its time is what a user waits for and
its memory stays out of the dashboard process's peak. The measurement is kept beside a DuckDB
file (``<file>.seed.json``) so a later ``--reuse`` run can still report how long seeding took.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from bench.jobs import run_child
from bench.machine import load_average
from dashboard.settings import ROOT, Settings, duckdb_url

BENCH_DIR = ROOT / "var" / "bench"


def default_url(leads: int) -> str:
    """The DuckDB warehouse the benchmark uses for N leads when no --url is given."""
    return duckdb_url(BENCH_DIR / f"warehouse-{leads}.duckdb")


def lead_count(settings: Settings) -> int | None:
    """How many leads the warehouse holds (None when it has no leads table or no file)."""
    if settings.is_duckdb and not settings.duckdb_file.exists():
        return None
    args = {"read_only": True} if settings.is_duckdb else {}
    engine = sa.create_engine(settings.warehouse_url, connect_args=args)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("select count(*) from leads")).scalar_one())
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _sidecar(settings: Settings) -> Path | None:
    if not settings.is_duckdb:
        return None
    path = settings.duckdb_file
    return path.with_name(path.name + ".seed.json")


def seed(settings: Settings, leads: int) -> dict:
    """Run ``opsdash seed --leads N`` against the warehouse; time it and keep the record."""
    if settings.is_duckdb:
        settings.duckdb_file.parent.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    child = run_child(
        ["-m", "dashboard.cli", "seed", "--leads", str(leads), "--url", settings.warehouse_url]
    )
    if child.returncode != 0:
        raise RuntimeError(f"opsdash seed failed: {child.stderr.strip()[-2000:]}")
    record = {
        "reused": False,
        "leads": leads,
        "seconds": child.wall_seconds,
        "cpu_seconds": child.cpu_seconds,
        "peak_rss_bytes": child.peak_rss_bytes,
        "generate_seconds": _field(child.stdout, "generate_seconds"),
        "write_seconds": _field(child.stdout, "write_seconds"),
        "rows": _rows(child.stdout),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    sidecar = _sidecar(settings)
    if sidecar is not None:
        sidecar.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return record


def prepare(settings: Settings, leads: int, reuse: bool) -> dict:
    """Seed the warehouse, or reuse it when asked and it holds exactly N leads."""
    if reuse and lead_count(settings) == leads:
        from dashboard.warehouse.bootstrap import ensure_warehouse

        ensure_warehouse(settings)  # builds derived tables a warehouse from an older version lacks
        sidecar = _sidecar(settings)
        earlier = (
            json.loads(sidecar.read_text(encoding="utf-8"))
            if sidecar is not None and sidecar.exists()
            else {}
        )
        return {**earlier, "reused": True, "leads": leads}
    return seed(settings, leads)


def _field(text: str, name: str) -> float | None:
    match = re.search(rf"^\s*{name}:\s*([0-9.]+)\s*$", text, re.MULTILINE)
    return float(match.group(1)) if match else None


def _rows(text: str) -> dict | None:
    match = re.search(r"^\s*rows:\s*(\{.*\})\s*$", text, re.MULTILINE)
    if not match:
        return None
    try:
        import ast

        return ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return None
