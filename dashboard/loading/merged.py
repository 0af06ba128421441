"""The table a load in append or upsert mode leaves behind: kept warehouse rows plus incoming rows.

In "replace" mode an incoming table replaces the warehouse's wholly, so checks look at the
incoming rows alone. In "append" and "upsert" mode its rows join the warehouse's: a kept row
is a warehouse row whose primary key is not among the incoming rows' primary keys (in upsert
an incoming row replaces the row with its key; in append such a row is refused), and every
check that looks across rows runs on the kept rows plus the incoming ones.

Rows are compared as files write them (external ids), like the incoming frames. Reads of the
warehouse can be limited to rows matching given values (``match``), so a weekly batch never
reads a whole fact table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.loading.existing import ExistingWarehouse, isin
from dashboard.loading.tables import TableData

MODES = ("replace", "append", "upsert")
# Columns merged() adds: whether a row is incoming, its spreadsheet row (-1 for a kept row),
# its position in the incoming frame (-1 for a kept row), and whether the requested columns
# of an incoming row parsed and are not null (always True for a kept row).
INCOMING, ROW, POS, OK = "_incoming", "_row", "_pos", "_ok"


def check_mode(mode: str) -> None:
    """Raise ValueError for an unknown load mode."""
    if mode not in MODES:
        raise ValueError(f"unknown load mode {mode!r}; use one of {', '.join(MODES)}")


def is_merge(mode: str) -> bool:
    """True for the modes whose incoming rows join the kept rows (append, upsert)."""
    check_mode(mode)
    return mode != "replace"


def usable(data: TableData, *cols: str) -> np.ndarray:
    """Rows whose columns parsed and are not null."""
    return data.clean(*cols) & data.frame[list(cols)].notna().all(axis=1).to_numpy()


def incoming_keys(data: TableData | None) -> pd.DataFrame:
    """The primary keys of the incoming rows that have a usable one (these replace rows)."""
    if data is None:
        return pd.DataFrame()
    pk = list(schema.primary_key(data.name))
    if not data.has(*pk):
        return data.frame.loc[[], pk]
    return data.frame.loc[usable(data, *pk), pk]


def contains(targets: pd.DataFrame, values: pd.DataFrame, target_cols) -> np.ndarray:
    """For each row of ``values``, whether ``targets`` holds the same key (positional columns)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    if len(targets) == 0:
        return np.zeros(len(values), dtype=bool)
    if len(target_cols) == 1:
        return isin(values.iloc[:, 0], targets.iloc[:, 0])
    left = pd.MultiIndex.from_frame(values.set_axis(list(target_cols), axis=1).astype(object))
    right = pd.MultiIndex.from_frame(targets.set_axis(list(target_cols), axis=1).astype(object))
    return left.isin(right)


def kept(
    data: TableData | None,
    existing: ExistingWarehouse,
    table: str,
    columns: Iterable[str],
    match: Mapping[str, Iterable] | None = None,
    present: Iterable[str] = (),
) -> pd.DataFrame:
    """Warehouse rows of ``table`` a merge keeps (primary key not among ``data``'s), with
    ``columns`` as files write them; ``match`` and ``present`` limit the read as in
    ExistingWarehouse.rows."""
    columns = list(columns)
    pk = schema.primary_key(table)
    names = list(dict.fromkeys((*pk, *columns)))
    rows = existing.rows(table, names, match, present)
    replaced = incoming_keys(data)
    if len(rows) and len(replaced):
        rows = rows[~contains(replaced, rows[list(pk)], pk)]
    return rows[columns].reset_index(drop=True)


def merged(
    data: TableData | None,
    existing: ExistingWarehouse,
    table: str,
    columns: Iterable[str],
    match: Mapping[str, Iterable] | None = None,
) -> pd.DataFrame:
    """The kept rows of ``table`` then every incoming row (``data``, may be None), with
    ``columns`` and the marker columns INCOMING, ROW, POS and OK."""
    columns = list(columns)
    old = kept(data, existing, table, columns, match)
    old = old.assign(**{INCOMING: False, ROW: -1, POS: -1, OK: True})
    if data is None:
        return old
    ok = usable(data, *columns) if data.has(*columns) else np.zeros(len(data), dtype=bool)
    new = data.frame[columns].assign(
        **{INCOMING: True, ROW: data.rows, POS: np.arange(len(data)), OK: ok}
    )
    if old.empty:
        return new.reset_index(drop=True)
    return pd.concat([old, new], ignore_index=True)
