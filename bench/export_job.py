"""The Excel export step of the benchmark (run in its own process, so its peak RSS is its own).

Exports up to ``--rows`` lead rows through the dashboard's streamed detail export
(``dashboard.export.detail.export_detail``), over the whole history of the warehouse so that
a 10,000,000-lead warehouse has enough rows (the row limit goes into the query), and reports
time, CPU time (of every thread: DuckDB's and the compressing one), rows, sheets and file size.

    python -m bench.export_job --url URL --rows 1000000 --out /tmp/export.xlsx
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from pathlib import Path

from bench.jobs import emit
from dashboard import clock

FIRST_DAY = date(2000, 1, 1)


def run_export(rows: int, out: Path, kind: str = "leads", lang: str = "zh") -> dict:
    """Export ``rows`` rows of ``kind`` to ``out``; the file is removed afterwards."""
    from dashboard import data
    from dashboard.export.detail import detail_info, export_detail
    from dashboard.filters import Filters, Scope

    as_of = data.data_as_of()
    end = as_of.date() if as_of else clock.today()
    info = detail_info(Filters(start=FIRST_DAY, end=end), Scope.all(), lang, False)
    started, cpu = time.perf_counter(), time.process_time()
    result = export_detail(kind, info, out, limit=rows)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    size = out.stat().st_size
    out.unlink(missing_ok=True)
    return {
        "kind": kind,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "rows": result.rows,
        "sheets": list(result.sheets),
        "file_bytes": size,
    }


def main(argv: list[str] | None = None) -> None:
    """Command line of the child process (see the module docstring)."""
    p = argparse.ArgumentParser(prog="python -m bench.export_job")
    p.add_argument("--url", required=True)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--kind", choices=["leads", "orders"], default="leads")
    a = p.parse_args(argv)
    os.environ["OPSDASH_WAREHOUSE_URL"] = a.url
    emit(run_export(a.rows, a.out, a.kind))


if __name__ == "__main__":
    main()
