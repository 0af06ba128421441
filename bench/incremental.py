"""The incremental-load step of ``opsdash bench``: append one week, undo it, replace it all.

The issue's budgets: appending one week of a chain (its leads, orders, channel spend and the
customers first seen that week) to a 10,000,000-lead DuckDB warehouse in ≤ 15 s with ≤ 1 GB
peak RSS, the same append on PostgreSQL at 1,000,000 leads in ≤ 10 s, and undoing the append
in ≤ 15 s on DuckDB; reported beside a full replace of the same four tables with all their
rows, which is what a chain had to load before appends existed.

The data (``incremental_job build``) is the sample chain with ``opsdash seed``'s seed and end
date (yesterday), cut at the start of its last 7 days: a base warehouse holds everything
before, CSV files hold the week (and, for the full replace, every row of the four tables).
It is kept beside the benchmark's warehouse (DuckDB: ``<file>.incremental/``; PostgreSQL:
database ``<name>_incr_base`` and ``var/bench/incremental-postgresql-<N>/``) and reused by
``--reuse`` when it matches. Each run appends to a fresh copy of the base (a file copy on
DuckDB, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), reads the result, undoes the append and
reads again; the full replace runs once, on another fresh copy. Every load and undo runs in
its own process: its wall time includes starting Python, as ``opsdash load`` would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench import jobs
from bench.incremental_job import FORMAT, MANIFEST, WEEK_TABLES
from bench.seeding import BENCH_DIR
from dashboard import schema
from dashboard.settings import Settings, duckdb_url

SEED = 42  # opsdash seed's default, as the benchmark's warehouse is seeded
_PG_NAME = re.compile(r"^[A-Za-z0-9_]{1,40}$")

Say = Callable[[str], None]


class StepFailed(RuntimeError):
    """A child process of the step failed; the message says which and why."""


@dataclass(frozen=True)
class Fixture:
    """Where the step's data lives: files folder, base warehouse, and the copy loads write."""

    folder: Path  # week/, full/ and manifest.json
    base_url: str
    run_url: str

    @property
    def is_duckdb(self) -> bool:
        """True for a DuckDB benchmark."""
        return self.base_url.startswith("duckdb:")


def locate(bench_url: str, leads: int) -> Fixture:
    """The step's fixture for the benchmark's warehouse ``bench_url``."""
    settings = Settings(warehouse_url=bench_url)
    if settings.is_duckdb:
        path = settings.duckdb_file
        folder = path.with_name(path.name + ".incremental")
        # The copy sits in a folder of its own: a load locks its warehouse's folder.
        return Fixture(
            folder,
            duckdb_url(folder / "base.duckdb"),
            duckdb_url(folder / "run" / "warehouse.duckdb"),
        )
    url = make_url(bench_url)
    name = url.database or "postgres"
    if not _PG_NAME.match(name):
        raise StepFailed(f"database name {name!r} is not a plain identifier")
    folder = BENCH_DIR / f"incremental-postgresql-{leads}"
    return Fixture(
        folder, _database_url(url, f"{name}_incr_base"), _database_url(url, f"{name}_incr_run")
    )


def _database_url(url: sa.URL, name: str) -> str:
    return url.set(database=name).render_as_string(hide_password=False)


def _admin(url: str) -> sa.Engine:
    """An autocommit engine on the server's maintenance database (CREATE/DROP DATABASE)."""
    return sa.create_engine(
        make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def _recreate_database(url: str, template: str | None = None) -> None:
    """Drop the database of ``url`` and create it again, empty or as a copy of ``template``."""
    name = make_url(url).database
    engine = _admin(url)
    try:
        with engine.connect() as conn:
            # Names match _PG_NAME (checked in locate), never free text.
            conn.exec_driver_sql(f'drop database if exists "{name}" with (force)')
            copy = f' template "{make_url(template).database}"' if template else ""
            conn.exec_driver_sql(f'create database "{name}"{copy}')
    finally:
        engine.dispose()


def _drop_database(url: str) -> None:
    name = make_url(url).database
    engine = _admin(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'drop database if exists "{name}" with (force)')
    finally:
        engine.dispose()


def _manifest(fx: Fixture) -> dict | None:
    path = fx.folder / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _base_matches(fx: Fixture, manifest: dict) -> bool:
    """The base warehouse holds the manifest's leads, up to the day before its week."""
    settings = Settings(warehouse_url=fx.base_url)
    if settings.is_duckdb and not settings.duckdb_file.exists():
        return False
    args = {"read_only": True} if settings.is_duckdb else {}
    engine = sa.create_engine(fx.base_url, connect_args=args, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            count, last = conn.execute(sa.text("select count(*), max(created_at) from leads")).one()
    except sa.exc.SQLAlchemyError:  # no such database, or no leads table
        return False
    finally:
        engine.dispose()
    day_before = date.fromisoformat(manifest["week"]["start"]) - timedelta(days=1)
    return (
        count == manifest["rows"]["base"]["leads"]
        and last is not None
        and last.date() == day_before
    )


def prepare(fx: Fixture, leads: int, reuse: bool, say: Say) -> dict:
    """The fixture's manifest: reused when asked and still matching, else built (timed)."""
    manifest = _manifest(fx)
    if (
        reuse
        and manifest is not None
        and manifest.get("format") == FORMAT
        and manifest.get("leads") == leads
        and manifest.get("seed") == SEED
        and _base_matches(fx, manifest)
    ):
        return {**manifest, "reused": True}
    from dashboard.seed.warehouse import default_end_date

    end = default_end_date()
    say(f"  building the incremental-load data ({leads:,} leads, week ending {end}) …")
    fx.folder.mkdir(parents=True, exist_ok=True)
    if fx.is_duckdb:
        Settings(warehouse_url=fx.base_url).duckdb_file.unlink(missing_ok=True)
    else:
        _recreate_database(fx.base_url)
    built = _child(
        [
            "build",
            "--base-url",
            fx.base_url,
            "--folder",
            str(fx.folder),
            "--leads",
            str(leads),
            "--seed",
            str(SEED),
            "--end",
            end.isoformat(),
        ]
    )
    return {**built, "reused": False, "build_wall_seconds": built["wall_seconds"]}


def fresh_copy(fx: Fixture) -> None:
    """Make the run's warehouse a copy of the base (kept versions of earlier runs go)."""
    if fx.is_duckdb:
        run = Settings(warehouse_url=fx.run_url).duckdb_file
        shutil.rmtree(run.parent, ignore_errors=True)
        run.parent.mkdir(parents=True)
        shutil.copyfile(Settings(warehouse_url=fx.base_url).duckdb_file, run)
        # On disk before the load starts: the kernel writing this copy back must not slow
        # the measured load (whose own copy of the file it flushes at its checkpoint).
        fd = os.open(run, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    else:
        _recreate_database(fx.run_url, template=fx.base_url)


def discard_copy(fx: Fixture) -> None:
    """Remove the run's warehouse (the base and the files stay for ``--reuse``)."""
    if fx.is_duckdb:
        shutil.rmtree(Settings(warehouse_url=fx.run_url).duckdb_file.parent, ignore_errors=True)
    else:
        _drop_database(fx.run_url)


def fingerprint(url: str) -> dict[str, dict[str, object]]:
    """Rows, non-null cells and sums of whole and decimal columns of the loaded and derived tables.

    Equal fingerprints of two warehouses mean (short of a coincidence) the same rows: every
    id column is summed too. Doubles are left out, whose sums depend on the order of adding.
    """
    settings = Settings(warehouse_url=url)
    args = {"read_only": True} if settings.is_duckdb else {}
    engine = sa.create_engine(url, connect_args=args, poolclass=NullPool)
    out: dict[str, dict[str, object]] = {}
    try:
        with engine.connect() as conn:
            for name in (*WEEK_TABLES, *schema.DERIVED_TABLES):
                table = schema.table(name)
                exprs = [sa.func.count().label("rows")]
                for c in table.columns:
                    exprs.append(sa.func.count(c).label(f"{c.name}:n"))
                    if isinstance(c.type, sa.Integer | sa.Numeric) and not isinstance(
                        c.type, sa.Float
                    ):
                        exprs.append(sa.func.sum(c).label(f"{c.name}:sum"))
                row = conn.execute(sa.select(*exprs).select_from(table)).mappings().one()
                out[name] = {
                    k: (int(v) if k.endswith(":n") or k == "rows" else _text(v))
                    for k, v in row.items()
                }
    finally:
        engine.dispose()
    return out


def _text(value: object) -> str | None:
    # Exact text (a Decimal or an integer), so JSON keeps every digit.
    return None if value is None else str(value)


def _child(args: list[str]) -> dict:
    """Run ``incremental_job`` with ``args``; its JSON plus wall, CPU and peak RSS."""
    child = jobs.run_child(["-m", "bench.incremental_job", *args])
    if child.returncode != 0:
        raise StepFailed(f"incremental_job {args[0]} failed: {child.stderr.strip()[-2000:]}")
    out = child.json()
    return {
        **out,
        "wall_seconds": child.wall_seconds,
        "cpu_seconds": child.cpu_seconds,
        # The child's own VmHWM (it reports it last); else what the parent sampled.
        "peak_rss_bytes": out.get("peak_rss_bytes") or child.peak_rss_bytes,
    }


def _load(fx: Fixture, folder: str, mode: str) -> dict:
    done = _child(
        ["load", "--url", fx.run_url, "--folder", str(fx.folder / folder), "--mode", mode]
    )
    if not done.get("ok"):
        raise StepFailed(f"{mode} load of {folder}/ refused: {'; '.join(done.get('problems', []))}")
    return done


def _phases_median(runs: list[dict]) -> dict[str, float]:
    names = list(runs[0]["phases"]) if runs else []
    return {n: statistics.median(r["phases"].get(n, 0.0) for r in runs) for n in names}


def _summary(runs: list[dict]) -> dict:
    """Medians of the runs (peak RSS: the highest), and every run's figures."""
    return {
        "seconds": statistics.median(r["wall_seconds"] for r in runs),
        "call_seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
        "wall_runs": [r["wall_seconds"] for r in runs],
        "call_runs": [r["seconds"] for r in runs],
        "peak_rss_runs": [r["peak_rss_bytes"] for r in runs],
    }


def _phase_text(phases: dict[str, float]) -> str:
    return ", ".join(f"{name} {secs:.1f}" for name, secs in phases.items())


def measure(bench_url: str, leads: int, runs: int, reuse: bool, say: Say) -> dict:
    """The step's figures: append (``runs`` times, median), undo after each, one full replace."""
    fx = locate(bench_url, leads)
    manifest = prepare(fx, leads, reuse, say)
    rows = manifest["rows"]
    week = rows["week"]
    say(
        f"  incremental loads: week {manifest['week']['start']} – {manifest['week']['end']}: "
        f"{week['leads']:,} leads, {week['orders']:,} orders, {week['channel_daily']:,} "
        f"channel-spend rows, {week['customers']:,} customers, appended to "
        f"{rows['base']['leads']:,} leads"
        + (" (reused)" if manifest["reused"] else f" (built in {manifest['seconds']:.0f} s)")
    )
    base_print = fingerprint(fx.base_url)
    appends, undos, after_append, after_undo = [], [], [], []
    try:
        for i in range(runs):
            fresh_copy(fx)
            appends.append(_load(fx, "week", "append"))
            after_append.append(fingerprint(fx.run_url))
            undos.append(_child(["undo", "--url", fx.run_url]))
            after_undo.append(fingerprint(fx.run_url))
            a, u = appends[-1], undos[-1]
            say(
                f"  append run {i + 1}: {a['wall_seconds']:.1f} s ({_phase_text(a['phases'])}), "
                f"peak {a['peak_rss_bytes'] / 1e6:.0f} MB; undo {u['wall_seconds']:.1f} s"
            )
        fresh_copy(fx)
        replace = _load(fx, "full", "replace")
        replaced = fingerprint(fx.run_url)
        say(
            f"  full replace of the same tables: {replace['wall_seconds']:.1f} s "
            f"({_phase_text(replace['phases'])}), peak {replace['peak_rss_bytes'] / 1e6:.0f} MB"
        )
    finally:
        discard_copy(fx)
    return {
        "seed": manifest["seed"],
        "end_date": manifest["end_date"],
        "week": manifest["week"],
        "rows": rows,
        "fixture": {
            k: manifest.get(k)
            for k in (
                "reused",
                "built_at",
                "seconds",
                "generate_seconds",
                "base_write_seconds",
                "files_seconds",
            )
        },
        "runs": runs,
        "append": {
            **_summary(appends),
            "phases": _phases_median(appends),
            "rows": appends[0]["tables"],
        },
        "undo": _summary(undos),
        "replace": {
            **_summary([replace]),
            "phases": replace["phases"],
            "rows": replace["tables"],
        },
        "fingerprints": {
            "base": base_print,
            "appended": after_append[0],
            "undone": after_undo[0],
            "replaced": replaced,
        },
        "append_equals_replace": all(p == replaced for p in after_append),
        "undo_restores_base": all(p == base_print for p in after_undo),
    }
