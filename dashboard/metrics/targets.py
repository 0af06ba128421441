"""Targets: attainment, status and pacing of a KPI against its target (pure, direction-aware).

Attainment is 100% on target and moves one point per 1% of the target, in the good direction:
``actual ÷ target`` when higher is better, ``2 − actual ÷ target`` when lower is better (so
10% over a cost target is 90%). Status: green on or beyond target, amber within 10% of it,
red further away. A period in progress is judged on pacing: a cumulative KPI's actual to date
against the target prorated by elapsed days, with a straight-line projection to period end;
a level KPI (a rate, an average) against the target itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.metrics.arithmetic import is_missing, safe_div

TOLERANCE = 0.10
STATUSES = ("green", "amber", "red")
# Why a KPI has no status: shown as text, never as a false red.
REASONS = ("no_target", "no_value", "not_started", "not_comparable")
_EPS = 1e-9


@dataclass(frozen=True)
class Judgement:
    """A KPI's actual against its target, for one period and scope."""

    actual: float | None
    target: float | None
    target_to_date: float | None
    attainment: float | None
    status: str | None
    reason: str | None
    projection: float | None
    pacing: bool
    elapsed_share: float


def gap(actual: float | None, target: float | None, higher_is_better: bool) -> float | None:
    """Relative distance from target in the good direction (+ beyond, − short); None without a base."""
    if is_missing(actual) or is_missing(target) or target == 0:
        return None
    diff = float(actual) - float(target)
    return (diff if higher_is_better else -diff) / abs(float(target))


def attainment(actual: float | None, target: float | None, higher_is_better: bool) -> float | None:
    """1.0 on target, direction-aware (see the module note); None for a zero or missing target."""
    g = gap(actual, target, higher_is_better)
    return None if g is None else 1.0 + g


def status(
    actual: float | None, target: float | None, higher_is_better: bool, tolerance: float = TOLERANCE
) -> str | None:
    """green / amber / red, or None when the actual or the target is missing."""
    if is_missing(actual) or is_missing(target):
        return None
    a, t = float(actual), float(target)
    if (a >= t) if higher_is_better else (a <= t):
        return "green"
    if t == 0:
        # Nothing is "within 10%" of zero: any miss of a zero target is a clear miss.
        return "red"
    g = gap(a, t, higher_is_better)
    return "amber" if g is not None and g >= -tolerance - _EPS else "red"


def judge(
    actual: float | None,
    target: float | None,
    higher_is_better: bool,
    cumulative: bool,
    period_days: int,
    elapsed_days: int,
) -> Judgement:
    """Judge the actual to date against the target, on pacing while the period is in progress."""
    elapsed = max(0, min(elapsed_days, period_days))
    share = elapsed / period_days if period_days > 0 else 0.0
    pacing = 0 < elapsed < period_days
    if elapsed == 0:
        return Judgement(None, target, None, None, None, "not_started", None, False, 0.0)
    if is_missing(actual):
        reason = "no_value"
        return Judgement(None, target, None, None, None, reason, None, pacing, share)
    actual = float(actual)
    projection = safe_div(actual, share) if pacing and cumulative else actual
    if is_missing(target):
        return Judgement(actual, None, None, None, None, "no_target", projection, pacing, share)
    to_date = float(target) * share if pacing and cumulative else float(target)
    return Judgement(
        actual=actual,
        target=float(target),
        target_to_date=to_date,
        attainment=attainment(actual, to_date, higher_is_better),
        status=status(actual, to_date, higher_is_better),
        reason=None,
        projection=projection,
        pacing=pacing,
        elapsed_share=share,
    )


def index_targets(frame: pd.DataFrame | None) -> dict[tuple[str, str, int], float]:
    """Targets of one period keyed by (kpi_id, scope_kind, scope_id)."""
    if frame is None or frame.empty:
        return {}
    out: dict[tuple[str, str, int], float] = {}
    columns = (frame[c].tolist() for c in ("kpi_id", "scope_kind", "scope_id", "target"))
    for kpi_id, kind, scope_id, target in zip(*columns, strict=True):
        if not is_missing(target):
            out[(str(kpi_id), str(kind), int(scope_id))] = float(target)
    return out


def pacing_line(target: float, period_days: int) -> list[float]:
    """The straight-line path to target: the cumulative target at the end of each day."""
    if period_days <= 0:
        return []
    return [float(target) * (d + 1) / period_days for d in range(period_days)]
