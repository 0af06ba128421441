"""The issue's performance budgets, per warehouse backend, and how a figure is judged.

DuckDB budgets hold at 10,000,000 leads on the 2-core reference machine; PostgreSQL's at
1,000,000 leads. At other sizes the figures are still judged against them, and the report
says the size differs from the reference. A budget of None means the issue sets none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

GB = 1_000_000_000


@dataclass(frozen=True)
class Budgets:
    """Upper (or, for ratios against the naive baseline, lower) limits of each figure."""

    reference_leads: int
    page_cold_seconds: float | None = None
    page_floor_ratio: float | None = None
    page_warm_seconds: float | None = None
    naive_speedup: float | None = None  # naive ÷ app funnel must be at least this
    peak_rss_bytes: int | None = None
    seed_seconds: float | None = None
    export_seconds: float | None = None
    export_peak_rss_bytes: int | None = None
    load_p95_seconds: float | None = None
    load_errors: int | None = None
    # Incremental loads: one week appended (wall of its process, peak RSS), and its undo.
    append_seconds: float | None = None
    append_peak_rss_bytes: int | None = None
    undo_seconds: float | None = None

    def as_dict(self) -> dict:
        """The budgets as plain JSON values."""
        return asdict(self)


BUDGETS: dict[str, Budgets] = {
    "duckdb": Budgets(
        reference_leads=10_000_000,
        page_cold_seconds=1.0,
        page_floor_ratio=2.0,
        page_warm_seconds=0.15,
        naive_speedup=20.0,
        peak_rss_bytes=GB,
        seed_seconds=60.0,
        export_seconds=60.0,
        export_peak_rss_bytes=GB,
        append_seconds=15.0,
        append_peak_rss_bytes=GB,
        undo_seconds=15.0,
    ),
    "postgresql": Budgets(reference_leads=1_000_000, page_cold_seconds=2.0, append_seconds=10.0),
}

LOAD_TEST = Budgets(reference_leads=1_000_000, load_p95_seconds=3.0, load_errors=0)


def for_backend(backend: str) -> Budgets:
    """The budgets of a backend ('duckdb' or 'postgresql')."""
    return BUDGETS[backend]


def at_most(value: float | None, limit: float | None) -> bool | None:
    """True/False when both are known; None when there is no budget or no figure."""
    if value is None or limit is None:
        return None
    return value <= limit


def at_least(value: float | None, limit: float | None) -> bool | None:
    """True/False when both are known; None when there is no budget or no figure."""
    if value is None or limit is None:
        return None
    return value >= limit
