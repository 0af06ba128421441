"""Typing text cells: the accepted forms of each column type, and the rejected ones."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest

from dashboard import schema
from dashboard.loading.values import parse

C = {name: schema.table(name).c for name in schema.TABLE_ORDER}


def _parse(column, cells):
    values, issues = parse(pd.Series(cells, dtype="str"), column.type)
    codes = [None] * len(cells)
    for issue in issues:
        for i in issue.mask.nonzero()[0]:
            codes[i] = issue.code
    return [None if pd.isna(v) else v for v in values], codes


def test_booleans():
    values, codes = _parse(
        C["leads"].is_returning, ["TRUE", "false", "1", "0", "Yes", "no", "是", "否", "", "y"]
    )
    assert values == [True, False, True, False, True, False, True, False, None, None]
    assert codes[-1] == "load.bad_bool" and codes[-2] is None


def test_integers_with_thousands_separators_and_ranges():
    cells = ["1", "+2", "-3", "1,234,567", "12.0", "007", "12.5", "1,23", "3000000000", ""]
    values, codes = _parse(C["cities"].city_id, cells)
    assert values[:6] == [1, 2, -3, 1234567, 12, 7]
    assert codes[6:] == ["load.bad_integer", "load.bad_integer", "load.integer_range", None]
    values, codes = _parse(C["leads"].lead_id, ["9223372036854775807", "9223372036854775808"])
    assert values[0] == 2**63 - 1 and codes[1] == "load.integer_range"


def test_money():
    cells = ["1,234.50", "¥12", "-0.5", "0", "1.230", "1.234", "1e3", "1234567890123", "12,34"]
    values, codes = _parse(C["orders"].amount, cells)
    assert values[:5] == [Decimal("1234.50"), Decimal("12"), Decimal("-0.5"), 0, Decimal("1.23")]
    # More places than the fen are rounded half-even (a warning, not an error).
    assert values[5] == Decimal("1.23") and codes[5] == "load.warn_rounded"
    assert codes[6:] == [
        "load.bad_decimal",
        "load.decimal_too_large",
        "load.bad_decimal",
    ]


def test_real_numbers():
    values, codes = _parse(
        C["cities"].lat, ["34.5", "1e-05", "-.5", "1,000.5", "nan", "inf", "1e999"]
    )
    assert values[:4] == [34.5, 1e-05, -0.5, 1000.5]
    assert codes[4:] == ["load.bad_number", "load.bad_number", "load.number_range"]


def test_dates():
    cells = [
        "2024-01-05",
        "2024/1/5",
        "2024-02-29",
        "2023-02-29",
        "2024-1/5",
        "05/01/2024",
        "1899-12-31",
    ]
    values, codes = _parse(C["calendar_overrides"].date, cells)
    assert values[:3] == [
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-01-05"),
        pd.Timestamp("2024-02-29"),
    ]
    assert codes[3:] == [
        "load.impossible_date",
        "load.bad_date",
        "load.ambiguous_date",  # day-first or month-first: only with a declared order
        "load.date_range",
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-01-05", datetime(2024, 1, 5)),
        ("2024-01-05 10:11", datetime(2024, 1, 5, 10, 11)),
        ("2024/1/5 7:08:09", datetime(2024, 1, 5, 7, 8, 9)),
        ("2024-01-05T23:59:59.5", datetime(2024, 1, 5, 23, 59, 59, 500000)),
        ("2024-01-05 10:11:12.000123", datetime(2024, 1, 5, 10, 11, 12, 123)),
        ("2024-01-05 24:00", "load.impossible_date"),
        ("2024-01-05 10:11+08:00", datetime(2024, 1, 5, 10, 11)),  # Shanghai's own offset
        ("2024-01-05 10:11+08:60", "load.impossible_date"),
        ("2024-01-05 10:11 CST", "load.bad_datetime"),
        ("2024-01-05 10:60", "load.impossible_date"),
    ],
)
def test_timestamps(cell, expected):
    values, codes = _parse(C["leads"].created_at, [cell])
    if isinstance(expected, str):
        assert codes == [expected]
    else:
        assert values == [pd.Timestamp(expected)] and codes == [None]


def test_text_length_is_counted_in_characters():
    values, codes = _parse(C["cities"].name_zh, ["郑" * 40, "郑" * 41, ""])
    assert codes == [None, "load.too_long", None]
    assert values[0] == "郑" * 40 and values[2] is None
