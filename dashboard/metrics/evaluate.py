"""Evaluate registry KPIs over rows of measures (pure: frames in, values out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from dashboard.metrics.arithmetic import is_missing
from dashboard.metrics.registry import kpi

KEYS = ("bucket_start", "city_id")


def clean_row(row: Mapping[str, object]) -> dict[str, float | None]:
    """A result row with NaN and NA turned into None, so formulas see missing values."""
    out: dict[str, float | None] = {}
    for key, value in row.items():
        out[key] = (
            None if value is None or (not isinstance(value, str) and pd.isna(value)) else value
        )
    return out


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
    rows = []
    for record in measures.to_dict("records"):
        values = row_values(record, ids)
        rows.append({**{k: record[k] for k in keys}, **values})
    # object dtype keeps None as None (a float column would turn it into NaN).
    out = pd.DataFrame(rows, columns=keys + ids, dtype=object)
    return out.astype({"city_id": int}) if "city_id" in keys and not out.empty else out


def merge_measures(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Outer-join the measure frames of several queries on their bucket keys."""
    frames = [f for f in frames if f is not None]
    if not frames:
        return pd.DataFrame(columns=list(KEYS))
    out = frames[0]
    for other in frames[1:]:
        extra = [c for c in other.columns if c not in out.columns or c in KEYS]
        out = out.merge(other[extra], on=list(KEYS), how="outer")
    return out.sort_values(list(KEYS)).reset_index(drop=True)
