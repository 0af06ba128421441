"""A sheet shown as text is, cell for cell, ``fmt_cell`` of the frame's value in the column's unit."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from dashboard.export.sheet import COLUMN_UNITS, Column, Sheet
from dashboard.reports.sheet_display import display, fmt_cell

VALUES = [
    None,
    math.nan,
    pd.NaT,
    pd.NA,
    0,
    -3,
    1234567,
    0.0,
    -0.25,
    1234.5678,
    float("inf"),
    np.int64(7),
    np.float64(2.5),
    np.float64("nan"),
    True,
    "text",
    "",
    date(2026, 11, 15),
    date(1500, 1, 1),
    datetime(2026, 11, 15, 9, 30),
    pd.Timestamp("2026-11-15 08:00"),
]


def _expected(sheet: Sheet, lang: str) -> pd.DataFrame:
    out = pd.DataFrame(index=range(len(sheet.frame)))
    for c in sheet.columns:
        out[c.label] = [fmt_cell(v, c.unit, lang) for v in sheet.frame[c.key].tolist()]
    return out


def _formattable(value: object, unit: str) -> bool:
    try:
        fmt_cell(value, unit, "zh")
    except (TypeError, ValueError, OverflowError):
        return False
    return True


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("unit", COLUMN_UNITS)
def test_each_cell_is_fmt_cell(unit, lang):
    values = [v for v in VALUES if _formattable(v, unit)]
    frame = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    sheet = Sheet("s", frame, (Column("v", "Value", unit),))
    got = display(sheet, lang)
    pd.testing.assert_frame_equal(got, _expected(sheet, lang), check_exact=True)
    assert got["Value"].tolist() == [fmt_cell(v, unit, lang) for v in values]


def test_typed_columns_repeated_labels_and_empty_frames():
    frame = pd.DataFrame(
        {
            "day": pd.Series([date(2026, 1, 5), None], dtype=object),
            "n": [3, 4],
            "rate": [0.5, math.nan],
            "name": ["a", None],
        }
    )
    columns = (
        Column("day", "Day", "date"),
        Column("n", "Count", "count"),
        Column("rate", "Rate", "rate"),
        Column("name", "Count", "text"),  # a repeated label: first place, last values
    )
    for lang in ("zh", "en"):
        for part in (frame, frame.iloc[0:0]):
            sheet = Sheet("s", part, columns)
            pd.testing.assert_frame_equal(display(sheet, lang), _expected(sheet, lang))
    bare = Sheet("s", frame, ())
    pd.testing.assert_frame_equal(display(bare, "zh"), _expected(bare, "zh"))
