"""Member lifecycle logic: thresholds, snapshots, stages from the warehouse's bits, flows, tiers.

The warehouse (queries/members_lifecycle.sql) reduces every customer's purchases to five
bit masks over the snapshots (one bit per snapshot) and returns how many customers share
each combination. This module turns those bits into stages, stage counts per snapshot,
month-to-month flows, the value-tier table and the cohort retention table. Stages are
decided here only; the SQL only says which windows held a purchase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.metrics.arithmetic import safe_div

STAGES: tuple[str, ...] = ("new", "active", "won_back", "dormant", "lapsed")
NO_PURCHASE = "none"  # the origin of a flow for customers who had not purchased yet
TIERS: tuple[str, ...] = ("high", "mid", "low")
BIT_COLUMNS: tuple[str, ...] = (
    "exists_bits",
    "new_bits",
    "window_bits",
    "return_bits",
    "recent_bits",
)
END_COLUMNS: tuple[str, ...] = ("end_exists", "end_new", "end_window", "end_return", "end_recent")

DEFAULT_ACTIVE_DAYS = 90
DEFAULT_LAPSE_DAYS = 365
DEFAULT_TIER_MID = 5_000.0
DEFAULT_TIER_HIGH = 20_000.0
MAX_MONTHS = 12  # snapshots cover the period end and the 12 month ends before it
MONTH_CHOICES: tuple[int, ...] = (3, 6, 9, 12)
DEFAULT_MONTHS = 6
RETENTION_MONTHS = 12
COHORTS = 12


@dataclass(frozen=True)
class Thresholds:
    """Lifecycle thresholds in days: active window and the age beyond which a customer lapses."""

    active_days: int = DEFAULT_ACTIVE_DAYS
    lapse_days: int = DEFAULT_LAPSE_DAYS

    def __post_init__(self) -> None:
        if not 1 <= self.active_days < self.lapse_days <= 3650:
            raise ValueError("need 1 ≤ active days < lapse days ≤ 3650")


@dataclass(frozen=True)
class TierThresholds:
    """Value tiers by lifetime value (CNY): high ≥ ``high``, mid ≥ ``mid``, low below."""

    mid: float = DEFAULT_TIER_MID
    high: float = DEFAULT_TIER_HIGH

    def __post_init__(self) -> None:
        if not 0 < self.mid < self.high:
            raise ValueError("need 0 < mid threshold < high threshold")


def _optional(values: list[float | None]) -> pd.Series:
    """Ratios that may have no denominator: kept as None ("—"), never turned into NaN."""
    return pd.Series(values, dtype=object)


def thresholds_or_default(active_days: object, lapse_days: object) -> tuple[Thresholds, bool]:
    """The thresholds asked for, or the defaults (and False) when they are not usable."""
    try:
        return Thresholds(int(active_days), int(lapse_days)), True
    except (TypeError, ValueError):
        return Thresholds(), False


def tiers_or_default(mid: object, high: object) -> tuple[TierThresholds, bool]:
    """The tier thresholds asked for, or the defaults (and False) when they are not usable."""
    try:
        return TierThresholds(float(mid), float(high)), True
    except (TypeError, ValueError):
        return TierThresholds(), False


def month_index(day: date) -> int:
    """A month as one number (year × 12 + month − 1), as the cohort query numbers months."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    """The first day of the month numbered ``index``."""
    return date(index // 12, index % 12 + 1, 1)


def snapshot_dates(end: date, months: int = MAX_MONTHS) -> list[date]:
    """The period end and the ends of the ``months`` months before its month, oldest first."""
    out = [end]
    cursor = end.replace(day=1)
    for _ in range(months):
        cursor -= timedelta(days=1)
        out.append(cursor)
        cursor = cursor.replace(day=1)
    return sorted(out)


def stage_of(exists: int, new: int, window: int, returned: int, recent: int) -> str:
    """The stage from one snapshot's bits; the order of the tests is the definition's precedence."""
    if not exists:
        return NO_PURCHASE
    if new:
        return "new"
    if returned:
        return "won_back"
    if window:
        return "active"
    if recent:
        return "dormant"
    return "lapsed"


ORIGINS: tuple[str, ...] = (NO_PURCHASE, *STAGES)  # stage codes: the position in this tuple


def stage_codes(
    exists: np.ndarray,
    new: np.ndarray,
    window: np.ndarray,
    returned: np.ndarray,
    recent: np.ndarray,
) -> np.ndarray:
    """``stage_of`` over arrays of bits at once (same precedence), as codes into ORIGINS."""
    conditions = [exists == 0, new != 0, returned != 0, window != 0, recent != 0]
    choices = [ORIGINS.index(s) for s in (NO_PURCHASE, "new", "won_back", "active", "dormant")]
    return np.select(conditions, choices, default=ORIGINS.index("lapsed")).astype(np.int64)


def decode_paths(paths: pd.DataFrame, snapshots: int) -> pd.DataFrame:
    """One column per snapshot (s0 … s{n-1}) holding the stage, plus customers, per bit combination."""
    columns = {"customers": paths["customers"].astype("int64").to_numpy()}
    masks = [paths[c].astype("int64").to_numpy() for c in BIT_COLUMNS]
    for j in range(snapshots):
        codes = stage_codes(*[(m >> j) & 1 for m in masks])
        columns[f"s{j}"] = pd.Categorical.from_codes(codes, categories=list(ORIGINS))
    return pd.DataFrame(columns)


def _codes(decoded: pd.DataFrame, j: int) -> np.ndarray:
    return np.asarray(decoded[f"s{j}"].cat.codes, dtype=np.int64)


def stage_counts(decoded: pd.DataFrame, snapshots: list[date]) -> pd.DataFrame:
    """Customers per stage at every snapshot (snapshot, stage, customers), all stages listed."""
    customers = decoded["customers"].to_numpy()
    rows = []
    for j, day in enumerate(snapshots):
        counts = np.bincount(_codes(decoded, j), weights=customers, minlength=len(ORIGINS))
        rows.extend(
            {"snapshot": day, "stage": s, "customers": int(counts[ORIGINS.index(s)])}
            for s in STAGES
        )
    return pd.DataFrame(rows, columns=["snapshot", "stage", "customers"])


def flows(decoded: pd.DataFrame, snapshots: list[date], months: int) -> pd.DataFrame:
    """Customers moving from each stage to each stage between consecutive snapshots (last ``months``)."""
    columns = ["start", "end", "from_stage", "to_stage", "customers"]
    customers = decoded["customers"].to_numpy()
    n = len(ORIGINS)
    rows = []
    for j in range(max(1, len(snapshots) - months), len(snapshots)):
        pairs = _codes(decoded, j - 1) * n + _codes(decoded, j)
        totals = np.bincount(pairs, weights=customers, minlength=n * n)
        seen = np.flatnonzero(np.bincount(pairs, minlength=n * n))
        step = [(ORIGINS[p // n], ORIGINS[p % n], int(totals[p])) for p in seen if p % n != 0]
        rows.extend(
            {"start": snapshots[j - 1], "end": snapshots[j], "from_stage": f, "to_stage": t,
             "customers": c}
            for f, t, c in sorted(step)
        )  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def transition_table(moves: pd.DataFrame) -> pd.DataFrame:
    """One step's flows as a matrix: rows = stage at the start (incl. none), columns = at the end."""
    origins = (NO_PURCHASE, *STAGES)
    matrix = moves.pivot_table(
        index="from_stage", columns="to_stage", values="customers", aggfunc="sum", fill_value=0
    )
    matrix = matrix.reindex(index=list(origins), columns=list(STAGES), fill_value=0).astype(int)
    matrix["total"] = matrix.sum(axis=1)
    return matrix.reset_index().rename(columns={"from_stage": "stage"})


def end_stages(mix: pd.DataFrame) -> pd.Series:
    """The stage at the period end of each row of the 'mix' section."""
    bits = [mix[c].fillna(0).astype("int64").to_numpy() for c in END_COLUMNS]
    stages = np.array(ORIGINS, dtype=object)[stage_codes(*bits)]
    return pd.Series(stages, index=mix.index, dtype=object)


def stage_summary(mix: pd.DataFrame) -> pd.DataFrame:
    """Per stage at the period end: customers, share of purchasing customers, lifetime value."""
    frame = mix.assign(stage=end_stages(mix))
    frame = frame[frame["stage"] != NO_PURCHASE]
    grouped = frame.groupby("stage")[["customers", "ltv"]].sum()
    grouped = grouped.reindex(list(STAGES), fill_value=0)
    total = grouped["customers"].sum()
    return pd.DataFrame(
        {
            "stage": list(STAGES),
            "customers": grouped["customers"].astype(int).to_numpy(),
            "share": _optional([safe_div(v, total) for v in grouped["customers"]]),
            "ltv": grouped["ltv"].astype(float).to_numpy(),
            "ltv_per_customer": _optional(
                [safe_div(v, n) for v, n in zip(grouped["ltv"], grouped["customers"], strict=True)]
            ),
        }
    )


def prospects(mix: pd.DataFrame) -> int:
    """Registered customers without a purchase by the period end."""
    return int(mix.loc[end_stages(mix) == NO_PURCHASE, "customers"].sum())


def tier_summary(mix: pd.DataFrame) -> pd.DataFrame:
    """Per value tier: customers, their share, lifetime value, its share, value per customer."""
    buyers = mix[mix["tier"].notna()]
    grouped = buyers.groupby("tier")[["customers", "ltv"]].sum().reindex(list(TIERS), fill_value=0)
    customers, value = grouped["customers"].sum(), grouped["ltv"].sum()
    return pd.DataFrame(
        {
            "tier": list(TIERS),
            "customers": grouped["customers"].astype(int).to_numpy(),
            "share": _optional([safe_div(v, customers) for v in grouped["customers"]]),
            "ltv": grouped["ltv"].astype(float).to_numpy(),
            "ltv_share": _optional([safe_div(v, value) for v in grouped["ltv"]]),
            "ltv_per_customer": _optional(
                [safe_div(v, n) for v, n in zip(grouped["ltv"], grouped["customers"], strict=True)]
            ),
        }
    )


def stage_tier_table(mix: pd.DataFrame) -> pd.DataFrame:
    """Customers per stage at the period end (rows) × value tier (columns)."""
    frame = mix.assign(stage=end_stages(mix))
    frame = frame[(frame["stage"] != NO_PURCHASE) & frame["tier"].notna()]
    table = frame.pivot_table(
        index="stage", columns="tier", values="customers", aggfunc="sum", fill_value=0
    )
    table = table.reindex(index=list(STAGES), columns=list(TIERS), fill_value=0).astype(int)
    table["total"] = table.sum(axis=1)
    return table.reset_index()


def cohort_window(end: date) -> tuple[int, int]:
    """First and last cohort month (as month indexes): the 12 months before the end's month."""
    last = month_index(end) - 1
    return last - COHORTS + 1, last


def last_complete_month(end: date) -> int:
    """The last month (index) that is wholly on or before ``end``."""
    complete = (end + timedelta(days=1)).day == 1
    return month_index(end) if complete else month_index(end) - 1


def retention_table(cohorts: pd.DataFrame, end: date) -> pd.DataFrame:
    """Cohort × months since first purchase: the share who purchased again (None = month not over).

    Rows are every cohort month of the window (a cohort without customers has no shares);
    columns m1 … m12 are shares; ``customers`` is the cohort size.
    """
    first, last = cohort_window(end)
    complete = last_complete_month(end)
    rows = []
    for cohort in range(first, last + 1):
        part = cohorts[cohorts["first_month"] == cohort]
        size = int(part["cohort_customers"].max()) if not part.empty else 0
        row: dict[str, object] = {"cohort": month_start(cohort), "customers": size}
        returned = dict(zip(part["months_since"].astype(int), part["returned"], strict=True))
        for k in range(1, RETENTION_MONTHS + 1):
            over = cohort + k <= complete
            row[f"m{k}"] = safe_div(returned.get(k, 0), size) if over else None
        rows.append(row)
    table = pd.DataFrame(rows, columns=["cohort", "customers", *retention_columns()])
    for col in retention_columns():
        table[col] = _optional(table[col].tolist()).where(table[col].notna(), None)
    return table


def retention_columns() -> list[str]:
    """The month columns of the retention table: m1 … m12."""
    return [f"m{k}" for k in range(1, RETENTION_MONTHS + 1)]
