"""Child processes of the benchmark's incremental-load step (``bench.incremental``).

``build`` makes the step's data: the sample chain (``opsdash seed``'s generator) cut at the
start of its last ``WEEK_DAYS`` days into a base warehouse (everything before the cut) and
two folders of CSV files: ``week/`` (the week's leads, orders, channel spend and the customers
first seen that week) and ``full/`` (the same four tables with all their rows, which is what a
chain had to load, in replace mode, before appends existed). ``load`` runs one
``load_directory`` and ``undo`` one ``undo_last``, each in its own process so that its time and
peak RSS are its own. Each prints one JSON object as the last line of its output.

    python -m bench.incremental_job build --base-url URL --folder DIR --leads N \
        --seed 42 --end 2026-12-06
    python -m bench.incremental_job load --url URL --folder DIR --mode append
    python -m bench.incremental_job undo --url URL
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from bench.jobs import emit

WEEK_DAYS = 7
# Loaded tables cut by a timestamp or date column; customers follow (see ``split``).
DATED = {"leads": "created_at", "orders": "ordered_at", "channel_daily": "date"}
WEEK_TABLES = ("customers", "leads", "channel_daily", "orders")
CSV_CHUNK_ROWS = 200_000
MANIFEST = "manifest.json"
# Bump when the data or layout ``build`` writes changes: a reuse then rebuilds it.
FORMAT = 1


def cut_of(end: date) -> pd.Timestamp:
    """The first moment of the appended week: midnight ``WEEK_DAYS - 1`` days before ``end``."""
    return pd.Timestamp(end - timedelta(days=WEEK_DAYS - 1))


def split(
    frames: dict[str, pd.DataFrame], cut: pd.Timestamp
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The chain before ``cut`` (every table) and the week from it (``WEEK_TABLES``).

    Leads, orders and channel spend go by their date. A customer first seen in the week goes
    with the week unless a row of the base points at it (a lead created before the cut whose
    customer was registered later, a feedback or referral row, a referred customer), as in
    tests/loading/test_load_modes_pages.py; so does whoever referred a kept customer.
    """
    from dashboard.loading.keys import key_columns

    base, week = dict(frames), {}
    for name, column in DATED.items():
        before = (frames[name][column] < cut).to_numpy()
        base[name], week[name] = frames[name][before], frames[name][~before]
    customers = frames["customers"]
    used: set[int] = set()
    for name, frame in base.items():
        for column, entity in key_columns(name).items():
            if entity == "customers" and name != "customers":
                used |= set(frame[column].dropna().astype("int64"))
    kept = customers["customer_id"].isin(used) | (customers["created_at"] < cut)
    referrers = customers["referrer_id"]
    while True:
        more = customers["customer_id"].isin(set(referrers[kept].dropna())) & ~kept
        if not more.any():
            break
        kept |= more
    base["customers"], week["customers"] = customers[kept], customers[~kept]
    _check_base_closed(base, week)
    return base, week


def _check_base_closed(base: dict[str, pd.DataFrame], week: dict[str, pd.DataFrame]) -> None:
    """Refuse a cut where a base row points at a week row: the base would not load on its own."""
    from dashboard import schema
    from dashboard.loading.keys import key_columns

    for name, frame in base.items():
        for column, entity in key_columns(name).items():
            if entity not in week or column == schema.ENTITY_IDS.get(name):
                continue
            ids = week[entity][schema.ENTITY_IDS[entity]]
            hits = frame[column].isin(set(ids)).sum()
            if hits:
                raise RuntimeError(f"{hits} base {name} rows point at week {entity} ({column})")


def write_csv(path: Path, name: str, frame: pd.DataFrame) -> None:
    """Write a table's rows as the loader reads them (``dashboard.loading.exporting`` format)."""
    import pyarrow as pa

    from dashboard.loading.exporting import format_batch
    from dashboard.warehouse.ddl import conform

    frame = conform(name, frame)
    tmp = path.with_name(f".{path.name}.tmp")
    # UTF-8 with a byte-order mark, as export_tables writes (customers' names are Chinese).
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        frame.head(0).to_csv(fh, index=False, lineterminator="\n")
        for start in range(0, len(frame), CSV_CHUNK_ROWS):
            part = frame.iloc[start : start + CSV_CHUNK_ROWS]
            # Large text columns arrive in chunks: one batch per slice of rows.
            table = pa.Table.from_pandas(part, preserve_index=False).combine_chunks()
            for batch in table.to_batches():
                text = format_batch(batch, name)
                text.to_csv(fh, index=False, header=False, lineterminator="\n")
    os.replace(tmp, path)


def build(base_url: str, folder: Path, leads: int, seed: int, end: date) -> dict:
    """Generate the chain, write the base warehouse and the week's and full files."""
    from dashboard import schema
    from dashboard.seed import generate
    from dashboard.settings import Settings
    from dashboard.warehouse.writer import replace_tables

    (folder / MANIFEST).unlink(missing_ok=True)  # a build cut short must not be reused
    t0 = time.perf_counter()
    frames = generate(end, leads=leads, seed=seed)
    t1 = time.perf_counter()
    cut = cut_of(end)
    base, week = split(frames, cut)
    replace_tables(Settings(warehouse_url=base_url), base, source=schema.SEED_SOURCE)
    t2 = time.perf_counter()
    for sub, tables in (("week", week), ("full", {n: frames[n] for n in WEEK_TABLES})):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        for name in WEEK_TABLES:
            write_csv(folder / sub / f"{name}.csv", name, tables[name])
    t3 = time.perf_counter()
    manifest = {
        "format": FORMAT,
        "leads": leads,
        "seed": seed,
        "end_date": end.isoformat(),
        "week": {"start": cut.date().isoformat(), "end": end.isoformat()},
        "rows": {
            "base": {name: len(base[name]) for name in WEEK_TABLES},
            "week": {name: len(week[name]) for name in WEEK_TABLES},
            "full": {name: len(frames[name]) for name in WEEK_TABLES},
        },
        "generate_seconds": t1 - t0,
        "base_write_seconds": t2 - t1,
        "files_seconds": t3 - t2,
        "seconds": t3 - t0,
        "built_at": datetime.now().isoformat(timespec="seconds"),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _settings(url: str):
    """This process's settings on ``url`` (undo needs at least one kept version)."""
    from dashboard.settings import load_settings

    os.environ["OPSDASH_WAREHOUSE_URL"] = url
    settings = load_settings()
    return dataclasses.replace(settings, undo_versions=max(settings.undo_versions, 1))


class _Phases:
    """Each phase the loader announces, timed, and passed on to ``report`` (a printer)."""

    def __init__(self, report) -> None:
        self._report = report
        self.seconds: dict[str, float] = {}
        self._current: str | None = None
        self._since = 0.0

    def phase(self, name: str) -> None:
        """A phase begins (the previous one ends)."""
        self.stop()
        self._report(name)
        self._current, self._since = name, time.perf_counter()

    def stop(self) -> None:
        """The current phase ends (the load returned)."""
        if self._current is not None:
            elapsed = time.perf_counter() - self._since
            self.seconds[self._current] = self.seconds.get(self._current, 0.0) + elapsed
            self._current = None


def load(url: str, folder: Path, mode: str) -> dict:
    """One ``load_directory`` of ``folder`` in ``mode``: its outcome, time and phases."""
    from dashboard.loading import load_directory
    from dashboard.loading.progress import Progress

    settings = _settings(url)
    # The phases also go to standard error as ``opsdash load`` prints them on a terminal.
    with Progress(sys.stderr, "en", enabled=True) as printed:
        phases = _Phases(printed.phase)
        started = time.perf_counter()
        result = load_directory(
            settings, folder, lang="en", mode=mode, loaded_by="opsdash bench", progress=phases.phase
        )
        seconds = time.perf_counter() - started
        phases.stop()
    return {
        "ok": result.ok,
        "mode": mode,
        "seconds": seconds,
        "phases": phases.seconds,
        "batch_id": result.batch_id,
        "tables": result.tables,
        "counts": {t: dataclasses.asdict(c) for t, c in result.counts.items()},
        "problems": [f"{p.file} row {p.row}: {p.reason}" for p in result.problems[:5]],
    }


def undo(url: str) -> dict:
    """One ``undo_last``: its time and the load it took back."""
    from dashboard.warehouse.undo import undo_last

    settings = _settings(url)
    started = time.perf_counter()
    done = undo_last(settings, loaded_by="opsdash bench")
    return {"seconds": time.perf_counter() - started, "undone": done.undone}


def main(argv: list[str] | None = None) -> None:
    """Command line of the child process (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m bench.incremental_job")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--base-url", required=True)
    b.add_argument("--folder", type=Path, required=True)
    b.add_argument("--leads", type=int, required=True)
    b.add_argument("--seed", type=int, required=True)
    b.add_argument("--end", type=date.fromisoformat, required=True)
    ld = sub.add_parser("load")
    ld.add_argument("--url", required=True)
    ld.add_argument("--folder", type=Path, required=True)
    ld.add_argument("--mode", choices=["append", "upsert", "replace"], required=True)
    u = sub.add_parser("undo")
    u.add_argument("--url", required=True)
    a = p.parse_args(argv)
    if a.command == "build":
        emit(build(a.base_url, a.folder, a.leads, a.seed, a.end))
    elif a.command == "load":
        emit(load(a.url, a.folder, a.mode))
    else:
        emit(undo(a.url))


if __name__ == "__main__":
    main()
