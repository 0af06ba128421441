"""The naive funnel baseline: fact rows into pandas, aggregated there (run in its own process).

This is how many dashboards compute a funnel: ``pd.read_sql`` the period's leads and
channel_daily rows, then count the stages in pandas. It computes the same figures as the
app's ``funnel_stages`` query (same window and stage rules) so the two can be compared and
checked against each other in the same run.

    python -m dashboard.bench.naive --url URL --start 2026-10-19 --end 2026-11-15 \
        --window 30 --mature-after 2026-10-22T23:00:00 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from dashboard.bench.jobs import emit

STAGES = ("inquiries", "bookings", "arrivals", "paid_deals")
_STAGE_COLUMNS = ("inquiry_at", "booked_at", "arrived_at", "paid_at")


def load_rows(engine: sa.Engine, start: date, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The period's lead rows and channel_daily rows, as a typical dashboard reads them."""
    start_ts = datetime.combine(start, datetime.min.time())
    end_ts = start_ts + timedelta(days=(end - start).days + 1)
    leads = pd.read_sql(
        sa.text("select * from leads where created_at >= :s and created_at < :e"),
        engine,
        params={"s": start_ts, "e": end_ts},
    )
    traffic = pd.read_sql(
        sa.text("select * from channel_daily where date >= :s and date <= :e"),
        engine,
        params={"s": start, "e": end},
    )
    return leads, traffic


def funnel_counts(
    leads: pd.DataFrame, traffic: pd.DataFrame, window_days: int, mature_after: datetime
) -> dict[str, object]:
    """Stage counts of the cohort (a stage counts when it or a later one is reached in time)."""
    created = pd.to_datetime(leads["created_at"])
    window_end = created + pd.Timedelta(days=window_days)
    reached = {
        col: pd.to_datetime(leads[col]).where(pd.to_datetime(leads[col]) < window_end)
        for col in _STAGE_COLUMNS
    }
    out: dict[str, object] = {
        "impressions": int(traffic["impressions"].sum()),
        "leads": len(leads),
        "maturing_leads": int((created > pd.Timestamp(mature_after)).sum()),
    }
    later = pd.Series(False, index=leads.index)
    for stage, col in reversed(list(zip(STAGES, _STAGE_COLUMNS, strict=True))):
        later = later | reached[col].notna()
        out[stage] = int(later.sum())
    previous = created
    for stage, col in zip(STAGES, _STAGE_COLUMNS, strict=True):
        hours = (reached[col] - previous).dt.total_seconds() / 3600.0
        out[f"{stage}_median_hours"] = _maybe(hours.median())
        previous = reached[col]
    return out


def _maybe(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def measure(url: str, start: date, end: date, window: int, mature_after: datetime, runs: int):
    """Median seconds of the naive funnel over ``runs`` (after one untimed warm-up run)."""
    engine = sa.create_engine(url, connect_args={"read_only": True} if "duckdb" in url else {})
    times: list[float] = []
    counts: dict[str, object] = {}
    rows = 0
    for i in range(runs + 1):
        started = time.perf_counter()
        leads, traffic = load_rows(engine, start, end)
        counts = funnel_counts(leads, traffic, window, mature_after)
        elapsed = time.perf_counter() - started
        rows = len(leads) + len(traffic)
        del leads, traffic
        if i:
            times.append(elapsed)
    engine.dispose()
    return {
        "seconds": statistics.median(times),
        "runs": times,
        "rows_read": rows,
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line of the child process (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m dashboard.bench.naive")
    p.add_argument("--url", required=True)
    p.add_argument("--start", type=date.fromisoformat, required=True)
    p.add_argument("--end", type=date.fromisoformat, required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--mature-after", type=datetime.fromisoformat, required=True)
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args(argv)
    emit(measure(a.url, a.start, a.end, a.window, a.mature_after, a.runs))


if __name__ == "__main__":
    main()
