"""Summing typed rows finer than a table's grain (an ad plan per day) to the grain itself.

Rows are typed and checked cell by cell before they are summed, so every parse error names a
real source row; a summed row carries the spreadsheet row of its group's first source row,
which is where later checks (keys, references, rules) point.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.loading.problems import Problems, show_value
from dashboard.loading.tables import TableData

_INT_LIMITS = {"Int32": 2**31 - 1, "Int64": 2**63 - 1}


def aggregate(
    data: TableData, by: tuple[str, ...], sums: tuple[str, ...], problems: Problems
) -> TableData:
    """One row per distinct ``by``, with ``sums`` added up; other columns are the group's first."""
    n = len(data)
    if n == 0:
        return data
    frame = data.frame
    # dropna=False: a group whose key cell was empty or bad stays a group of its own
    # (already reported) instead of vanishing from the sums.
    group = frame.groupby(list(by), dropna=False, sort=False).ngroup().to_numpy()
    count = int(group.max()) + 1
    first = np.full(count, n, dtype=np.int64)
    np.minimum.at(first, group, np.arange(n))
    out = frame.iloc[first].reset_index(drop=True)
    rows = data.rows[first]
    bad: dict[str, np.ndarray] = {}
    for column, mask in data.bad.items():
        grouped = np.zeros(count, dtype=bool)
        np.logical_or.at(grouped, group, mask)
        bad[column] = grouped
    for column in sums:
        summed = frame[column].groupby(group).sum(min_count=1).reindex(range(count))
        summed, too_large = _fit(summed, frame[column].dtype)
        if too_large.any():
            hit = np.flatnonzero(too_large)
            shown = summed.iloc[hit[: problems.max_per_kind]].map(show_value).tolist()
            problems.add_rows(
                data.file, column, "load.sum_too_large", rows[hit], per_row={"value": shown}
            )
            bad[column] = bad.get(column, np.zeros(count, dtype=bool)) | too_large
        out[column] = _restore(summed, frame[column].dtype, bad.get(column))
    return TableData(
        name=data.name, file=data.file, frame=out, rows=rows, present=data.present, bad=bad
    )


def _fit(summed: pd.Series, dtype) -> tuple[pd.Series, np.ndarray]:
    """The sums, and which of them no longer fit the column's type."""
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_decimal(dtype.pyarrow_dtype):
        arrow = pa.array(summed)
        limit = Decimal(10) ** (dtype.pyarrow_dtype.precision - dtype.pyarrow_dtype.scale)
        big = pc.greater_equal(pc.abs(arrow), pa.scalar(limit, arrow.type))
        return summed, pc.fill_null(big, False).to_numpy(zero_copy_only=False)
    limit = _INT_LIMITS.get(str(dtype))
    if limit is not None:
        return summed, summed.abs().gt(limit).fillna(False).to_numpy(dtype=bool)
    return summed, np.zeros(len(summed), dtype=bool)


def _restore(summed: pd.Series, dtype, bad: np.ndarray | None) -> pd.Series:
    """The sums in the column's own dtype, null where a cell of the group failed."""
    if bad is not None and bad.any():
        summed = summed.where(~bad)
    if isinstance(dtype, pd.ArrowDtype):
        return pd.Series(
            pd.arrays.ArrowExtensionArray(pc.cast(pa.array(summed), dtype.pyarrow_dtype))
        )
    return summed.astype(dtype).reset_index(drop=True)
