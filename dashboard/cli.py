"""The ``opsdash`` command: run the dashboard, seed, load, dump and initialise the warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

from dashboard import schema
from dashboard.settings import ROOT, Settings, duckdb_url, load_settings

DESCRIPTION = """Operations dashboard for chains of private clinics.

The warehouse is the embedded DuckDB file var/warehouse.duckdb unless
OPSDASH_WAREHOUSE_URL or [connections.warehouse] url in .streamlit/secrets.toml
names another SQLAlchemy URL (e.g. postgresql+psycopg://user@host/db)."""


def _settings(args: argparse.Namespace) -> Settings:
    url = getattr(args, "url", None)
    if url:
        os.environ["OPSDASH_WAREHOUSE_URL"] = url
    return load_settings()


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _existing_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {text}")
    return path


def cmd_run(args: argparse.Namespace) -> int:
    """Start the dashboard (seeding the embedded warehouse on first start)."""
    settings = _settings(args)
    from dashboard.i18n import t
    from dashboard.ui.frame import missing_message
    from dashboard.warehouse.bootstrap import first_start
    from dashboard.warehouse.engine import WarehouseMissing

    lang = settings.language
    if settings.is_duckdb and not settings.duckdb_file.exists():
        print(t("app.first_start_cli", lang, path=settings.duckdb_file), flush=True)
    try:
        if first_start(settings):
            print(t("app.sample_generated", lang, path=settings.duckdb_path), flush=True)
    except WarehouseMissing as exc:
        print(f"opsdash run: {t(missing_message(exc), lang, path=exc.path)}", file=sys.stderr)
        return 2
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app.py"),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    print(f"Dashboard: http://{args.host}:{args.port}", flush=True)
    os.chdir(ROOT)
    os.execv(sys.executable, cmd)
    return 0  # pragma: no cover - execv does not return


def cmd_seed(args: argparse.Namespace) -> int:
    """Generate the sample chain into the warehouse."""
    settings = _settings(args)
    from dashboard.seed import seed_warehouse

    summary = seed_warehouse(settings, end_date=args.end_date, leads=args.leads, seed=args.seed)
    print(f"Seeded {settings.redacted_url()}")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    """Validate and load one CSV/XLSX file per table from a folder, all or nothing."""
    settings = _settings(args)
    from dashboard.loading import format_report, load_directory
    from dashboard.loading.progress import Progress
    from dashboard.loading.reading import REPORT_FILE

    with Progress(sys.stderr, args.lang) as progress:
        result = load_directory(
            settings,
            args.directory,
            lang=args.lang,
            mappings=args.mapping or (),
            mode=args.mode,
            loaded_by=args.loaded_by,
            progress=progress.phase,
        )
    report = format_report(result, args.lang)
    print(report)
    # The outcome also stays beside the files: an unattended (cron) run has no one watching.
    saved = Path(args.directory) / REPORT_FILE
    try:
        saved.write_text(f"{datetime.now():%Y-%m-%d %H:%M:%S}\n{report}\n", encoding="utf-8")
    except OSError as exc:
        print(f"opsdash load: could not save the report in {saved}: {exc}", file=sys.stderr)
    if result.ok:
        _print_health(args.lang)
    return 0 if result.ok else 1


def cmd_loads(args: argparse.Namespace) -> int:
    """List the load history, newest first."""
    settings = _settings(args)
    from dashboard.reports.loads.tables import format_history
    from dashboard.warehouse.undo import read_history

    print(format_history(read_history(settings).head(args.limit), args.lang))
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    """Put the warehouse back as it was before the last load."""
    settings = _settings(args)
    from dashboard.i18n import t
    from dashboard.warehouse.history import current_user
    from dashboard.warehouse.undo import UndoUnavailable, undo_last

    try:
        done = undo_last(settings, loaded_by=args.loaded_by or current_user())
    except UndoUnavailable as exc:
        print(f"opsdash undo: {t(exc.code, args.lang, **exc.params)}", file=sys.stderr)
        return 1
    print(t("undo.done", args.lang, undone=done.undone, batch=done.batch_id))
    for name, count in done.counts.items():
        print(
            "  "
            + t(
                "undo.table",
                args.lang,
                table=name,
                before=f"{count.removed:,}",
                after=f"{count.added:,}",
            )
        )
    return 0


def _print_health(lang: str) -> None:
    """The data-health report of the warehouse just loaded (the load stands if it fails)."""
    from streamlit import logger as st_logger

    # The report reads through the dashboard's cached data layer, which warns without a server.
    st_logger.set_log_level("error")
    from dashboard import data
    from dashboard.reports.health import load as health_load
    from dashboard.reports.health import tables as health_tables

    data.settings.cache_clear()  # the data layer must read the --url just set
    try:
        print(health_tables.format_health(health_load.load(), lang))
    except Exception as exc:  # the data is loaded; only the report could not be made
        print(f"opsdash load: data health: {exc}", file=sys.stderr)


def cmd_dump(args: argparse.Namespace) -> int:
    """Write the warehouse's tables as UTF-8 CSV files that ``load`` takes back."""
    settings = _settings(args)
    from dashboard.loading import export_tables

    args.directory.mkdir(parents=True, exist_ok=True)
    written = export_tables(settings, args.directory, tables=args.table or None)
    for path in written:
        print(path)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Create any missing tables of the schema in the warehouse (data untouched)."""
    settings = _settings(args)
    from dashboard.warehouse.writer import replace_tables

    replace_tables(settings, {}, source="init")
    print(f"Schema ready in {settings.redacted_url()}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the weekly pack (or a detail export) for a week or a date range to an .xlsx file."""
    settings = _settings(args)
    from streamlit import logger as st_logger

    # Queries go through the dashboard's cache, which warns when no Streamlit server runs.
    st_logger.set_log_level("error")
    from dashboard import data
    from dashboard.export import command

    data.settings.cache_clear()  # the data layer must read the --url just set
    return command.run(args, settings)


# The benchmark is not part of the product: it is the top-level package ``bench``, with its own
# optional dependencies, imported only inside the functions of ``opsdash bench`` below.
BENCH_DEPENDENCIES = ("bench", "psutil", "playwright")
BENCH_INSTALL = "pip install -e '.[bench]'"


def _bench_cli() -> ModuleType | None:
    """The module ``bench.cli`` (stdlib imports only), or None when bench is not installed."""
    try:
        import bench.cli
    except ModuleNotFoundError as exc:
        if exc.name != "bench":
            raise
        return None
    return bench.cli


def cmd_bench(args: argparse.Namespace) -> int:
    """Measure every page (cold, warm, floor), memory, seeding, the naive funnel and the export."""
    try:
        import bench.cli

        return bench.cli.run_bench(args)
    except ModuleNotFoundError as exc:
        if exc.name not in BENCH_DEPENDENCIES:
            raise
        return _bench_missing(exc.name)


def _bench_missing(name: str) -> int:
    """Say which of the benchmark's optional dependencies to install; the exit code."""
    print(
        f"opsdash bench: {name} is not installed; the benchmark needs its optional "
        f"dependencies: {BENCH_INSTALL}",
        file=sys.stderr,
    )
    return 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``opsdash`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="opsdash",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--url", help="SQLAlchemy URL of the warehouse (overrides settings)")
        p.set_defaults(func=func)
        return p

    p = add("run", cmd_run, "Start the dashboard; the first start generates the sample warehouse.")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")

    p = add(
        "seed",
        cmd_seed,
        "Generate a deterministic sample chain into the warehouse (replaces its tables).",
    )
    p.add_argument(
        "--leads", type=_positive_int, default=300_000, help="number of leads (default 300000)"
    )
    p.add_argument(
        "--end-date", type=_iso_date, default=None, help="last day of data (default today)"
    )
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    p = add(
        "load",
        cmd_load,
        "Validate and load one CSV (UTF-8 or GBK) or XLSX file per table from DIR; all or nothing.",
    )
    p.add_argument("directory", type=_existing_dir, metavar="DIR")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the report")
    p.add_argument(
        "--mapping",
        type=Path,
        action="append",
        metavar="FILE",
        help="a source mapping (TOML) to apply to a file in DIR, besides the *.mapping.toml "
        "files found in DIR; may be given more than once",
    )
    modes = p.add_mutually_exclusive_group()
    modes.add_argument(
        "--replace",
        dest="mode",
        action="store_const",
        const="replace",
        help="each table with a file is replaced wholly by it (the default)",
    )
    modes.add_argument(
        "--append",
        dest="mode",
        action="store_const",
        const="append",
        help="add the files' rows to the tables; a key already in the warehouse is an error",
    )
    modes.add_argument(
        "--upsert",
        dest="mode",
        action="store_const",
        const="upsert",
        help="add the files' rows; a row whose key is in the warehouse replaces that row",
    )
    p.set_defaults(mode="replace")
    p.add_argument(
        "--as",
        dest="loaded_by",
        metavar="NAME",
        help="who loads, for the history (default: OS user)",
    )

    p = add("loads", cmd_loads, "List the load history: when, by whom, mode, files, rows.")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the list")
    p.add_argument("--limit", type=_positive_int, default=20, help="loads shown (default 20)")

    p = add("undo", cmd_undo, "Put the warehouse back as it was before the last load.")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the messages")
    p.add_argument("--as", dest="loaded_by", metavar="NAME", help="who undoes, for the history")

    p = add(
        "dump",
        cmd_dump,
        "Write the warehouse's tables as CSV files into DIR (the format load reads).",
    )
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument(
        "--table", action="append", choices=schema.TABLE_ORDER, help="only this table (repeatable)"
    )

    add("init", cmd_init, "Create the schema's tables in the warehouse if missing.")

    p = add(
        "bench",
        cmd_bench,
        "Benchmark every page against the performance budgets; write bench.json and bench.md.",
    )
    bench_cli = _bench_cli()
    if bench_cli is not None:  # else main() says what to install before any parsing
        bench_cli.add_arguments(p, _positive_int)

    from dashboard.export.options import add_arguments

    p = add(
        "export",
        cmd_export,
        "Write the weekly pack (cover + one sheet per page) or a detail export to an .xlsx file.",
    )
    add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``opsdash`` console script."""
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"] and _bench_cli() is None:
        return _bench_missing("bench")  # before argparse rejects the bench's options
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line error instead of a traceback
        if os.environ.get("OPSDASH_DEBUG"):
            raise
        print(f"opsdash {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser", "duckdb_url"]
