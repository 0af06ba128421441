"""``opsdash seed``: generate the sample chain and write it into the warehouse."""

from __future__ import annotations

import time
from datetime import date, timedelta

from dashboard import clock
from dashboard.schema import SEED_SOURCE
from dashboard.seed.pipeline import generate
from dashboard.settings import Settings
from dashboard.warehouse.writer import replace_tables


def default_end_date() -> date:
    """Yesterday: the last whole day, so "today" never shows a half-filled day."""
    return clock.today() - timedelta(days=1)


def seed_warehouse(
    settings: Settings, end_date: date | None = None, leads: int = 300_000, seed: int = 42
) -> dict:
    """Generate the sample chain and replace every table with it; return a short summary."""
    end_date = end_date or default_end_date()
    t0 = time.perf_counter()
    frames = generate(end_date, leads=leads, seed=seed)
    t1 = time.perf_counter()
    batch_id = replace_tables(settings, frames, source=SEED_SOURCE)
    t2 = time.perf_counter()
    return {
        "batch_id": batch_id,
        "end_date": end_date.isoformat(),
        "seed": seed,
        "rows": {name: len(frame) for name, frame in frames.items()},
        "generate_seconds": round(t1 - t0, 2),
        "write_seconds": round(t2 - t1, 2),
        "seconds": round(t2 - t0, 2),
    }
