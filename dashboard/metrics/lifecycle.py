"""Member lifecycle logic: thresholds, snapshots, stages from the warehouse's bits, flows, tiers.

The warehouse (queries/members_lifecycle.sql) reduces every customer's purchases to five
bit masks over the snapshots (one bit per snapshot) and returns how many customers share
each combination. This module turns those bits into stages, stage counts per snapshot,
month-to-month flows and the value-tier table. The cohort retention table comes from
queries/members_cohorts.sql (purchase months per first-purchase month, to the data's end).
Stages are decided here only; the SQL only says which windows held a purchase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from dashboard.metrics.arithmetic import Cell, safe_div

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
MAX_COHORTS = 24  # first-purchase months shown at most: the latest of the period's


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


def thresholds_or_default(active_days: Cell, lapse_days: Cell) -> tuple[Thresholds, bool]:
    """The thresholds asked for, or the defaults (and False) when they are not usable."""
    try:
        return Thresholds(int(active_days), int(lapse_days)), True
    except (TypeError, ValueError):
        return Thresholds(), False


def tiers_or_default(mid: Cell, high: Cell) -> tuple[TierThresholds, bool]:
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
# The code of every combination of the five bits (exists + 2·new + 4·window + 8·return
# + 16·recent), from ``stage_of`` itself so the precedence is stated once.
_BIT_CODES = np.array(
    [ORIGINS.index(stage_of(*((b >> k) & 1 for k in range(5)))) for b in range(32)],
    dtype=np.int64,
)
# (from, to) code pairs of a flow (never *to* "no purchase") in the order of their names.
_PAIRS = sorted(
    ((f, t) for f in range(len(ORIGINS)) for t in range(1, len(ORIGINS))),
    key=lambda p: (ORIGINS[p[0]], ORIGINS[p[1]]),
)


@dataclass(frozen=True)
class Paths:
    """Each bit combination's stage code (into ORIGINS) at every snapshot, and its customers."""

    customers: np.ndarray  # one per combination
    codes: np.ndarray  # snapshots × combinations

    def frame(self) -> pd.DataFrame:
        """One column per snapshot (s0 … s{n-1}) holding the stage name, plus customers."""
        columns: dict[str, object] = {"customers": self.customers}
        for j, codes in enumerate(self.codes):
            columns[f"s{j}"] = pd.Categorical.from_codes(codes, categories=list(ORIGINS))
        return pd.DataFrame(columns)


def decode_paths(paths: pd.DataFrame, snapshots: int) -> Paths:
    """The stage of every bit combination at each snapshot (bit j of a mask = snapshot j)."""
    # Bits 0 … 14 survive narrowing a mask to int16 (the low 16 bits are kept): a quarter of
    # the memory traffic for the usual 13 snapshots.
    kind: type[np.signedinteger[Any]] = np.int16 if snapshots <= 15 else np.int64
    shifts = np.arange(snapshots, dtype=kind)[:, None]
    index = np.zeros((snapshots, len(paths)), dtype=kind)
    for k, column in enumerate(BIT_COLUMNS):
        mask = _int64(paths[column]).astype(kind)
        index |= ((mask[None, :] >> shifts) & 1) << k
    return Paths(_int64(paths["customers"]), np.take(_BIT_CODES, index))


def _int64(column: pd.Series) -> np.ndarray:
    """``column.astype("int64")`` as an array; whole finite floats and ints skip pandas' checks."""
    values = column.to_numpy()
    if values.dtype.kind in "iu" or (values.dtype.kind == "f" and np.isfinite(values).all()):
        return values.astype(np.int64)
    return column.astype("int64").to_numpy()  # refuses NaN and odd values as it always did


def stage_counts(decoded: Paths, snapshots: list[date], since: int = 0) -> pd.DataFrame:
    """Customers per stage at every snapshot from ``since`` on (snapshot, stage, customers)."""
    n = len(ORIGINS)
    kept = decoded.codes[since:]
    offsets = (np.arange(len(kept), dtype=np.int64) * n)[:, None]
    weights = np.broadcast_to(decoded.customers, kept.shape).ravel()
    counts = np.bincount((kept + offsets).ravel(), weights=weights, minlength=len(kept) * n)
    totals = counts.reshape(len(kept), n)[:, 1:].astype(np.int64)  # drop "no purchase"
    days = [day for day in snapshots[since:] for _ in STAGES]
    return pd.DataFrame(
        {
            "snapshot": pd.Series(days, dtype=object),
            "stage": list(STAGES) * len(kept),
            "customers": totals.ravel(),
        },
        columns=["snapshot", "stage", "customers"],
    )


def flows(decoded: Paths, snapshots: list[date], months: int) -> pd.DataFrame:
    """Customers moving from each stage to each stage between consecutive snapshots (last ``months``)."""
    columns = ["start", "end", "from_stage", "to_stage", "customers"]
    n = len(ORIGINS)
    first = max(1, len(snapshots) - months)
    steps = len(snapshots) - first
    if steps <= 0 or decoded.customers.size == 0:
        return pd.DataFrame([], columns=columns)
    codes = decoded.codes
    pairs = codes[first - 1 : -1] * n + codes[first:]
    pairs += (np.arange(steps, dtype=np.int64) * n * n)[:, None]
    weights = np.broadcast_to(decoded.customers, pairs.shape).ravel()
    totals = np.bincount(pairs.ravel(), weights=weights, minlength=steps * n * n).tolist()
    seen = np.bincount(pairs.ravel(), minlength=steps * n * n).tolist()
    out: dict[str, list] = {c: [] for c in columns}
    for step in range(steps):
        base = step * n * n
        for f, t in _PAIRS:
            if seen[base + f * n + t]:
                out["start"].append(snapshots[first + step - 1])
                out["end"].append(snapshots[first + step])
                out["from_stage"].append(ORIGINS[f])
                out["to_stage"].append(ORIGINS[t])
                out["customers"].append(int(totals[base + f * n + t]))
    if not out["customers"]:
        return pd.DataFrame([], columns=columns)
    # Dates stay date objects (object column), as in the rows the page has always shown.
    out["start"] = pd.Series(out["start"], dtype=object)
    out["end"] = pd.Series(out["end"], dtype=object)
    return pd.DataFrame(out, columns=columns)


def _present(value: object) -> bool:
    """True unless the cell is missing (None, NaN, NA): pandas' ``notna`` for one value."""
    return not (value is None or value is pd.NA or (isinstance(value, float) and value != value))


def _bit(value: Cell) -> int:
    """A bit cell as ``fillna(0).astype(int64)`` reads it."""
    return int(value) if _present(value) else 0


def _ltv_sums(keys: list, kept: list[bool], ltv: pd.Series, wanted: tuple) -> list[float]:
    """Lifetime value per ``wanted`` key, added up by pandas' groupby over the kept rows.

    pandas adds floats in an order that depends on the rows grouped (sorted keys take another
    path than unsorted ones), so the same rows go in as before and every total is the same
    to the last bit; absent keys are 0.0 as the reindex gave.
    """
    rows = np.flatnonzero(np.asarray(kept, dtype=bool))
    if rows.size == 0:
        return [0.0] * len(wanted)
    by = np.array([keys[i] for i in rows], dtype=object)
    sums = ltv.iloc[rows].groupby(by).sum()
    found = dict(zip(sums.index.tolist(), sums.tolist(), strict=True))
    return [float(found.get(k, 0.0)) for k in wanted]


def _int_sums(keys: list, values: list, wanted: tuple) -> list[int]:
    sums = dict.fromkeys(wanted, 0)
    for key, value in zip(keys, values, strict=True):
        if key in sums and _present(value):
            sums[key] += value
    return [int(sums[k]) for k in wanted]


def transition_table(moves: pd.DataFrame) -> pd.DataFrame:
    """One step's flows as a matrix: rows = stage at the start (incl. none), columns = at the end."""
    origins = (NO_PURCHASE, *STAGES)
    cells = list(zip(moves["from_stage"].tolist(), moves["to_stage"].tolist(), strict=True))
    return _matrix(cells, moves["customers"].tolist(), origins, STAGES, "stage", "to_stage")


def _matrix(
    cells: list[tuple], values: list, rows: tuple, columns: tuple, key: str, name: str
) -> pd.DataFrame:
    """``pivot_table(aggfunc="sum", fill_value=0)`` reindexed to rows × columns, plus a total."""
    sums = _int_sums(cells, values, tuple((r, c) for r in rows for c in columns))
    grid = np.array(sums, dtype=np.int64).reshape(len(rows), len(columns))
    out = {key: list(rows), **{c: grid[:, i] for i, c in enumerate(columns)}}
    table = pd.DataFrame({**out, "total": grid.sum(axis=1)})
    table.columns.name = name
    return table


def _end_names(mix: pd.DataFrame) -> list[str]:
    bits = [[_bit(v) for v in mix[c].tolist()] for c in END_COLUMNS]
    return [stage_of(*row) for row in zip(*bits, strict=True)]


def end_stages(mix: pd.DataFrame) -> pd.Series:
    """The stage at the period end of each row of the 'mix' section."""
    return pd.Series(_end_names(mix), index=mix.index, dtype=object)


def _summary(
    key: str, keys: list, kept: list[bool], mix: pd.DataFrame, wanted: tuple
) -> dict[str, Any]:
    """Customers, their share, lifetime value and value per customer of each ``wanted`` key."""
    customers = _int_sums(keys, mix["customers"].tolist(), wanted)
    ltv = _ltv_sums(keys, kept, mix["ltv"], wanted)
    total = sum(customers)
    return {
        key: list(wanted),
        "customers": np.array(customers, dtype=np.int64),
        "share": _optional([safe_div(v, total) for v in customers]),
        "ltv": np.array(ltv, dtype=np.float64),
        "ltv_per_customer": _optional(
            [safe_div(v, n) for v, n in zip(ltv, customers, strict=True)]
        ),
    }


def stage_summary(mix: pd.DataFrame) -> pd.DataFrame:
    """Per stage at the period end: customers, share of purchasing customers, lifetime value."""
    stages = _end_names(mix)
    kept = [s != NO_PURCHASE for s in stages]
    return pd.DataFrame(_summary("stage", stages, kept, mix, STAGES))


def prospects(mix: pd.DataFrame) -> int:
    """Registered customers without a purchase by the period end."""
    return _int_sums(_end_names(mix), mix["customers"].tolist(), (NO_PURCHASE,))[0]


def tier_summary(mix: pd.DataFrame) -> pd.DataFrame:
    """Per value tier: customers, their share, lifetime value, its share, value per customer."""
    tiers = mix["tier"].tolist()
    columns = _summary("tier", tiers, [_present(x) for x in tiers], mix, TIERS)
    # The total is added as pandas adds a column (numpy's sum), to keep the shares' last bit.
    value = columns["ltv"].sum()
    columns["ltv_share"] = _optional([safe_div(v, value) for v in columns["ltv"].tolist()])
    order = ["tier", "customers", "share", "ltv", "ltv_share", "ltv_per_customer"]
    return pd.DataFrame({c: columns[c] for c in order})


def stage_tier_table(mix: pd.DataFrame) -> pd.DataFrame:
    """Customers per stage at the period end (rows) × value tier (columns)."""
    cells = list(zip(_end_names(mix), mix["tier"].tolist(), strict=True))
    return _matrix(cells, mix["customers"].tolist(), STAGES, TIERS, "stage", "tier")


@dataclass(frozen=True)
class CohortWindow:
    """The first-purchase months the page shows (month indexes) and how many the period touches."""

    first: int
    last: int
    touched: int  # calendar months the period touches; more than shown when truncated

    @property
    def months(self) -> range:
        """The cohort months shown, oldest first."""
        return range(self.first, self.last + 1)

    @property
    def truncated(self) -> bool:
        """True when the period touches more months than are shown (the latest are kept)."""
        return self.touched > len(self.months)


def cohort_window(start: date, end: date, most: int = MAX_COHORTS) -> CohortWindow:
    """The calendar months the period [start, end] touches, at most the latest ``most`` of them.

    A period inside one month touches that month; a period of four weeks across a month
    boundary touches both months. Each cohort is the whole calendar month.
    """
    first, last = month_index(start), month_index(end)
    touched = max(last - first + 1, 1)
    last = max(last, first)
    return CohortWindow(max(first, last - most + 1), last, touched)


def last_complete_month(end: date) -> int:
    """The last month (index) that is wholly on or before ``end``."""
    complete = (end + timedelta(days=1)).day == 1
    return month_index(end) if complete else month_index(end) - 1


def maturing_month(data_end: date | None) -> int | None:
    """The month (index) still in progress at the data's end; None when that month is over."""
    if data_end is None or last_complete_month(data_end) == month_index(data_end):
        return None
    return month_index(data_end)


def retention_table(
    cohorts: pd.DataFrame, window: CohortWindow, data_end: date | None
) -> pd.DataFrame:
    """Cohort × months since first purchase, followed to the data's end.

    ``cohorts`` holds the rows of members_cohorts.sql: first_month, months_since (0 = the
    first-purchase month, whose customers are the cohort) and customers. Rows are every
    cohort month of ``window`` (a cohort without customers has no shares); ``customers`` is
    the cohort size; m1 … mK are the shares who purchased in the k-th calendar month after
    the first, where K reaches the data's last month for the oldest cohort. A month the data
    has not reached yet is None (blank, not 0%); the month in progress at the data's end keeps
    its share so far, and ``maturing`` names its k (0: the first-purchase month itself is in
    progress, so the cohort is still growing; None when the row has no such month).
    """
    data_month = month_index(data_end) if data_end is not None else window.first
    in_progress = maturing_month(data_end)
    width = max(1, data_month - window.first)
    counts: dict[tuple[int, int], int] = {}
    for month, since, customers in zip(
        cohorts["first_month"].tolist(),
        cohorts["months_since"].tolist(),
        cohorts["customers"].tolist(),
        strict=True,
    ):
        counts[(int(month), int(since))] = int(customers)
    months = window.months
    sizes = [counts.get((c, 0), 0) for c in months]
    cells = np.empty((len(months), 2 + width), dtype=object)
    maturing: list[int | None] = []
    for row, (c, size) in enumerate(zip(months, sizes, strict=True)):
        cells[row, 0] = month_start(c)
        cells[row, 1] = size
        for k in range(1, width + 1):
            reached = c + k <= data_month
            cells[row, 1 + k] = safe_div(counts.get((c, k), 0), size) if reached else None
        age = None if in_progress is None else in_progress - c
        maturing.append(age if age is not None and 0 <= age <= width else None)
    table = pd.DataFrame(
        cells, columns=["cohort", "customers", *retention_columns(width)], dtype=object
    )
    table["customers"] = np.array(sizes, dtype=np.int64)
    table["maturing"] = pd.Series(maturing, dtype=object)
    return table


def retention_columns(width: int | pd.DataFrame) -> list[str]:
    """The month columns of a retention table (or of ``width`` months): m1 … mK."""
    if isinstance(width, pd.DataFrame):
        return [c for c in width.columns if c[:1] == "m" and c[1:].isdigit()]
    return [f"m{k}" for k in range(1, width + 1)]
