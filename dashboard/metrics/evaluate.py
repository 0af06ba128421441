"""Evaluate registry KPIs over rows of measures (pure: frames in, values out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.metrics.arithmetic import Cell, is_missing
from dashboard.metrics.registry import kpi
from dashboard.metrics.rows import object_frame, records

KEYS = ("bucket_start", "city_id")


def clean_row(row: Mapping[str, object]) -> dict[str, float | None]:
    """A result row with NaN and NA turned into None, so formulas see missing values."""
    return {key: _clean(value) for key, value in row.items()}


def _clean(value: Cell) -> Cell:
    """None for a missing cell; plain floats, ints and strings are settled without pandas."""
    kind = type(value)
    if kind is float:
        return None if value != value else value
    if value is None or kind is int or kind is str:
        return value
    return None if not isinstance(value, str) and pd.isna(value) else value


def row_values(row: Mapping[str, object], kpi_ids: Iterable[str]) -> dict[str, float | None]:
    """Each KPI's value from one row of measures (None where it has no value)."""
    clean = clean_row(row)
    out: dict[str, float | None] = {}
    for kpi_id in kpi_ids:
        value = kpi(kpi_id).value(clean)
        out[kpi_id] = None if is_missing(value) else float(value)
    return out


def frame_values(measures: pd.DataFrame, kpi_ids: Iterable[str]) -> pd.DataFrame:
    """One row per bucket: the bucket keys and each KPI's value (object columns, None = no value)."""
    ids = list(kpi_ids)
    keys = [k for k in KEYS if k in measures.columns]
    if measures.empty:
        return pd.DataFrame([], columns=keys + ids, dtype=object)
    rows = [
        [record[k] for k in keys] + list(row_values(record, ids).values())
        for record in records(measures)
    ]
    # object dtype keeps None as None (a float column would turn it into NaN).
    out = object_frame(rows, keys + ids)
    if "city_id" in keys:
        out["city_id"] = out["city_id"].to_numpy().astype(int)  # as astype({"city_id": int})
    return out


def merge_measures(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Outer-join the measure frames of several queries on their bucket keys."""
    frames = [f for f in frames if f is not None]
    if not frames:
        return pd.DataFrame(columns=list(KEYS))
    aligned = _aligned(frames)
    if aligned is None:
        out = frames[0]
        for other in frames[1:]:
            extra = [c for c in other.columns if c not in out.columns or c in KEYS]
            out = out.merge(other[extra], on=list(KEYS), how="outer")
        keys = _keys(out)
    else:
        out, keys = aligned
    if _ascending(keys):
        return out.reset_index(drop=True)  # what the (stable) sort would give
    return out.sort_values(list(KEYS)).reset_index(drop=True)


def _keys(frame: pd.DataFrame) -> list[tuple]:
    return list(zip(*(frame[k].tolist() for k in KEYS), strict=True))


def _aligned(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, list[tuple]] | None:
    """The outer join side by side when every frame has the same distinct keys, else None.

    Then the join adds no row and no missing value, so placing each frame's new columns in
    the first frame's key order is the join (before the final sort); anything else is merged.
    """
    keys = _keys(frames[0])
    try:
        if len(set(keys)) != len(keys) or any(bool(k != k) for key in keys for k in key):
            return None
    except TypeError:  # a key pandas treats as missing (NA): leave it to the merge
        return None
    if len(frames) == 1:
        return frames[0], keys
    index = frames[0].index
    position = {key: i for i, key in enumerate(keys)}
    seen = set(frames[0].columns.tolist())
    pieces = [frames[0]]
    for other in frames[1:]:
        theirs = _keys(other)
        if len(theirs) != len(keys) or set(theirs) != set(keys):
            return None
        names = other.columns.tolist()
        keep = [i for i, c in enumerate(names) if c not in seen]
        seen.update(names[i] for i in keep)
        if not keep:
            continue
        # A run of columns up to the end (the usual case: keys first) is a cheap slice.
        tail = keep == list(range(keep[0], len(names)))
        part = other.iloc[:, keep[0] :] if tail else other.iloc[:, keep]
        if theirs != keys:
            part = part.iloc[[i for _, i in sorted((position[k], i) for i, k in enumerate(theirs))]]
        if not part.index.equals(index):
            part = part.set_axis(index, axis=0)
        pieces.append(part)
    return pd.concat(pieces, axis=1), keys


def _ascending(keys: list[tuple]) -> bool:
    """True when the keys already ascend (none missing, all comparable): the sort keeps them."""
    try:
        return all(k == k for key in keys for k in key) and all(
            a <= b for a, b in zip(keys, keys[1:], strict=False)
        )
    except TypeError:
        return False
