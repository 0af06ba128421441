"""Period-over-period comparison of a KPI, direction-aware."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.metrics.arithmetic import is_missing, pct_change


@dataclass(frozen=True)
class Delta:
    """A KPI now against before: the change and whether it is good news."""

    current: float | None
    previous: float | None
    change: float | None
    change_pct: float | None
    verdict: str  # "better", "worse", "flat" or "unknown"


def compare(current: float | None, previous: float | None, higher_is_better: bool) -> Delta:
    """Compare two values of a KPI; 'better' follows the KPI's direction."""
    if is_missing(current) or is_missing(previous):
        return Delta(current, previous, None, None, "unknown")
    change = float(current) - float(previous)
    better = (change > 0) == higher_is_better
    verdict = "flat" if change == 0 else "better" if better else "worse"
    return Delta(current, previous, change, pct_change(current, previous), verdict)
