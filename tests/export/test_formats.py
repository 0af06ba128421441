"""Cell values and formats by unit, widths for CJK text, valid sheet names."""

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from dashboard.export.formats import (
    column_width,
    display_width,
    excel_value,
    format_for,
    row_unit,
    safe_sheet_name,
)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (np.int64(12), "count", 12),
        (Decimal("1234.50"), "money", 1234.5),
        (np.float32(0.25), "rate", 0.25),
        (True, "count", 1),
        (None, "money", None),
        (float("nan"), "rate", None),
        (pd.NA, "count", None),
        (pd.NaT, "date", None),
        (float("inf"), "ratio", None),
        ("—", "money", "—"),
        (7, "text", 7),
    ],
)
def test_values(value, unit, expected):
    got = excel_value(value, unit)
    assert got == expected and type(got) is type(expected)


def test_dates_are_real_dates():
    assert excel_value(pd.Timestamp("2026-11-09"), "date") == date(2026, 11, 9)
    assert excel_value(date(2026, 11, 9), "date") == date(2026, 11, 9)
    stamp = excel_value(pd.Timestamp("2026-11-09 13:45"), "datetime")
    assert stamp == datetime(2026, 11, 9, 13, 45)
    aware = pd.Timestamp("2026-11-09 13:45", tz="Asia/Shanghai")
    assert excel_value(aware, "datetime").tzinfo is None
    assert excel_value("2026-W46", "date") == "2026-W46"


def test_formats_follow_unit_and_value():
    assert format_for("money", 1.0) == '"¥"#,##0.00'
    assert format_for("rate", 0.1) == "0.0%"
    assert format_for("text", datetime(2026, 1, 1)) == "yyyy-mm-dd hh:mm"
    assert format_for("date", datetime(2026, 1, 1, 10)) == "yyyy-mm-dd"
    assert format_for("money", "—") == "General"
    assert row_unit("number", "money") == "money"
    assert row_unit("number", "text") == "number"
    assert row_unit("number", "furlongs") == "number"
    assert row_unit("count", "money") == "count"


def test_cjk_counts_double():
    assert display_width("郑州") == 4 and display_width("ab") == 2 and display_width("Ｗ") == 2
    assert column_width("城市", ["郑州市中心诊所"]) > column_width("City", ["Zhengzhou"]) - 3
    assert column_width("x", ["y" * 500]) == 60


def test_sheet_names_valid_and_unique():
    used: set[str] = set()
    a = safe_sheet_name("Channel CAC / ROI: [all]?", used)
    assert not set(a) & set("[]:*?/\\") and len(a) <= 31
    b = safe_sheet_name("x" * 40, used)
    c = safe_sheet_name("X" * 40, used)
    assert len(b) == 31 and len(c) <= 31 and b.lower() != c.lower()
    assert safe_sheet_name("", used) == "Sheet"
