"""Frames to plain Python rows and back, without per-cell pandas (the reports' hot paths)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts of Python values.

    One conversion of the whole frame: ``to_dict("records")`` indexes every cell separately,
    and column-by-column access costs a Series per column, both slow on wide frames.
    """
    if frame.empty:
        return []
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True)) for row in frame.to_numpy(dtype=object)]


def column_tuples(frame: pd.DataFrame, *names: str) -> list[tuple]:
    """The rows of some columns as tuples of Python values."""
    return list(zip(*(frame[n].tolist() for n in names), strict=True))


def object_frame(rows: Sequence[Sequence], names: Sequence[str]) -> pd.DataFrame:
    """Rows of cells as one object block: None stays None and a list stays one cell."""
    cells = np.empty((len(rows), len(names)), dtype=object)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cells[i, j] = value  # one by one: numpy would spread a list over the row
    return pd.DataFrame(cells, columns=list(names), dtype=object)
