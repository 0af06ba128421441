"""Measure frames joined and evaluated, against pandas' own outer merge, sort and per-row records."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.metrics.evaluate import KEYS, clean_row, frame_values, merge_measures
from dashboard.metrics.registry import kpi

WEEKS = [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19)]


def _frame(keys: list[tuple[date, int]], **columns: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bucket_start": pd.Series([k[0] for k in keys], dtype=object),
            "city_id": np.array([k[1] for k in keys], dtype=np.int64),
            **columns,
        }
    )


def _pandas_merge(frames: list[pd.DataFrame]) -> pd.DataFrame:
    out = frames[0]
    for other in frames[1:]:
        extra = [c for c in other.columns if c not in out.columns or c in KEYS]
        out = out.merge(other[extra], on=list(KEYS), how="outer")
    return out.sort_values(list(KEYS)).reset_index(drop=True)


def _cases() -> dict[str, list[pd.DataFrame]]:
    keys = [(w, c) for w in WEEKS for c in (1, 2)]
    shuffled = [keys[i] for i in (3, 0, 5, 1, 4, 2)]
    return {
        "same keys, same order": [
            _frame(keys, a=list(range(6)), shared=[0.5] * 6),
            _frame(keys, b=[1.5 * i for i in range(6)], shared=[9.0] * 6),
            _frame(keys, c=list(range(6, 12))),
        ],
        "same keys, other order": [
            _frame(keys, a=list(range(6))),
            _frame(shuffled, b=[float(i) for i in range(6)]),
        ],
        "unsorted single frame": [_frame(shuffled, a=list(range(6)))],
        "keys missing on one side": [
            _frame(keys[:4], a=list(range(4))),
            _frame(keys[2:], b=list(range(4))),
        ],
        "repeated key": [
            _frame([keys[0], keys[0], keys[1]], a=[1, 2, 3]),
            _frame([keys[0], keys[1]], b=[4, 5]),
        ],
        "nothing new in a frame": [
            _frame(keys, a=list(range(6))),
            _frame(keys, a=list(range(6))),
        ],
        "empty": [_frame([], a=[]), _frame([], b=[])],
    }


@pytest.mark.parametrize("case", list(_cases()))
def test_merge_measures_is_the_sorted_outer_merge(case):
    frames = _cases()[case]
    got = merge_measures([f.copy() for f in frames])
    want = _pandas_merge([f.copy() for f in frames])
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes)


def test_merge_measures_without_frames():
    assert list(merge_measures([None]).columns) == list(KEYS)


def test_clean_row_turns_every_missing_value_into_none():
    row = {"a": 1, "b": 2.5, "c": math.nan, "d": None, "e": pd.NA, "f": pd.NaT, "g": "x"}
    row |= {"h": np.float64("nan"), "i": np.int64(3), "j": date(2026, 1, 1)}
    got = clean_row(row)
    want = {k: None if v is None or pd.isna(v) else v for k, v in row.items()}
    assert got == want
    assert all(got[k] is None for k in ("c", "d", "e", "f", "h"))


def test_frame_values_match_the_records_evaluated_one_by_one():
    keys = [(w, c) for w in WEEKS for c in (1, 2)]
    revenue = kpi("revenue")
    measures = _frame(keys, **{revenue.column: [100.0, math.nan, 0.0, 5.0, 7.5, 1e9]})
    got = frame_values(measures, ["revenue"])
    rows = []
    for record in measures.to_dict("records"):
        value = revenue.value({k: None if pd.isna(v) else v for k, v in record.items()})
        rows.append({"bucket_start": record["bucket_start"], "city_id": record["city_id"]} | {
            "revenue": None if value is None or math.isnan(value) else float(value)
        })  # fmt: skip
    want = pd.DataFrame(rows, dtype=object).astype({"city_id": int})
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["revenue"].tolist()[1] is None  # None stays None, not NaN
    assert frame_values(measures.iloc[0:0], ["revenue"]).empty
