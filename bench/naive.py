"""The naive funnel baseline: fact rows into pandas, aggregated there (run in its own process).

This is how many dashboards compute a funnel: ``pd.read_sql`` the lead fact rows (the columns
the funnel needs) and channel_daily, keep them in a frame, filter the period and count the
stages in pandas. That is the judged baseline ("whole"). A kinder variant that pushes the
period into the SQL and loads only the period's rows ("period") is measured too and reported
beside it. Both compute the same figures as the app's ``funnel_stages`` query (same window and
stage rules) so they can be checked against each other in the same run.

    python -m bench.naive --url URL --start 2026-10-19 --end 2026-11-15 \
        --window 30 --mature-after 2026-10-22T23:00:00 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from bench.jobs import emit

STAGES = ("inquiries", "bookings", "arrivals", "paid_deals")
_STAGE_COLUMNS = ("inquiry_at", "booked_at", "arrived_at", "paid_at")


_ALL_LEADS = (
    "select lead_id, created_at, clinic_id, channel_id, inquiry_at, booked_at, arrived_at, paid_at "
    "from leads"
)


def load_all_rows(engine: sa.Engine, start: date, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every lead row and channel_daily row, then the period kept in pandas (the judged baseline)."""
    start_ts = datetime.combine(start, datetime.min.time())
    end_ts = start_ts + timedelta(days=(end - start).days + 1)
    leads = pd.read_sql(sa.text(_ALL_LEADS), engine)
    traffic = pd.read_sql(sa.text("select * from channel_daily"), engine)
    created = pd.to_datetime(leads["created_at"])
    leads = leads[(created >= start_ts) & (created < end_ts)]
    days = pd.to_datetime(traffic["date"])
    traffic = traffic[(days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))]
    return leads, traffic


def load_rows(engine: sa.Engine, start: date, end: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The period's lead rows and channel_daily rows, the period pushed into the SQL."""
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


def _timed(loader, engine, start, end, window, mature_after, runs: int, warm_up: bool) -> dict:
    """Median seconds of one variant over ``runs`` (after an untimed warm-up run if asked)."""
    times: list[float] = []
    counts: dict[str, object] = {}
    for i in range(runs + int(warm_up)):
        started = time.perf_counter()
        leads, traffic = loader(engine, start, end)
        counts = funnel_counts(leads, traffic, window, mature_after)
        elapsed = time.perf_counter() - started
        del leads, traffic
        if i or not warm_up:
            times.append(elapsed)
    return {"seconds": statistics.median(times), "runs": times, "counts": counts}


def measure(
    url: str,
    start: date,
    end: date,
    window: int,
    mature_after: datetime,
    runs: int,
    whole_runs: int = 1,
):
    """Both variants: the whole-table baseline (judged) and the period-pushed-down one."""
    engine = sa.create_engine(url, connect_args={"read_only": True} if "duckdb" in url else {})
    with engine.connect() as conn:
        lead_rows = conn.execute(sa.text("select count(*) from leads")).scalar_one()
        traffic_rows = conn.execute(sa.text("select count(*) from channel_daily")).scalar_one()
    args = (engine, start, end, window, mature_after)
    # Reading every lead is slow at scale, so it is timed cold and without a warm-up run.
    whole = _timed(load_all_rows, *args, runs=whole_runs, warm_up=False)
    period = _timed(load_rows, *args, runs=runs, warm_up=True)
    engine.dispose()
    return {
        **whole,
        "rows_read": int(lead_rows) + int(traffic_rows),
        "period": {**period, "counts_match": period["counts"] == whole["counts"]},
    }


def main(argv: list[str] | None = None) -> None:
    """Command line of the child process (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m bench.naive")
    p.add_argument("--url", required=True)
    p.add_argument("--start", type=date.fromisoformat, required=True)
    p.add_argument("--end", type=date.fromisoformat, required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--mature-after", type=datetime.fromisoformat, required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--whole-runs", type=int, default=1)
    a = p.parse_args(argv)
    emit(measure(a.url, a.start, a.end, a.window, a.mature_after, a.runs, a.whole_runs))


if __name__ == "__main__":
    main()
