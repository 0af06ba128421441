"""Describe the machine a benchmark ran on: CPU, cores, memory, OS, Python, warehouse versions."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import psutil
import sqlalchemy as sa

from dashboard.settings import Settings


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux)."""
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text(errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (other processes' work makes timings noisy)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def warehouse_version(settings: Settings) -> str:
    """The warehouse engine and its version, e.g. 'DuckDB 1.4.1' or 'PostgreSQL 15.8'."""
    if settings.is_duckdb:
        import duckdb

        return f"DuckDB {duckdb.__version__}"
    engine = sa.create_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("show server_version")).scalar()
        return f"PostgreSQL {version}"
    finally:
        engine.dispose()


def describe(settings: Settings) -> dict[str, object]:
    """Everything a reader needs to judge the numbers' context."""
    import duckdb
    import pandas as pd

    memory = psutil.virtual_memory()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_bytes": memory.total,
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "warehouse": warehouse_version(settings),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "sqlalchemy": sa.__version__,
        "load_average_at_start": load_average(),
    }
