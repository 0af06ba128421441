"""Excel types and formats by unit: cell values, number formats, column widths, sheet names.

Numbers are written as numbers and dates as real dates; the unit only chooses the number
format. A column declared ``number`` takes the format of the row's unit when the frame has
a ``unit`` column holding one (a KPI table mixing counts, money and rates).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
import pandas as pd

from dashboard.export.safety import clean_text
from dashboard.formatting import money_symbol

NUMBER_FORMATS: dict[str, str] = {
    "count": "#,##0",
    # The configured currency (read once per process, like every page's money figures).
    "money": f'"{money_symbol()}"#,##0.00',
    "rate": "0.0%",
    "ratio": "0.00",
    "days": "#,##0.0",
    "hours": "#,##0.0",
    "score": "0.00",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "General",
}
NUMERIC_UNITS = ("count", "money", "rate", "ratio", "days", "hours", "score", "number")
ROW_UNIT_KEY = "unit"
MIN_WIDTH, MAX_WIDTH = 6, 60
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def is_blank(value: object) -> bool:
    """True for None, "", NaN, NaT and pd.NA (written as an empty cell)."""
    if value is None or isinstance(value, str):
        return value is None or value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: object) -> int | float | None:
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating | Decimal):
        number = float(value)
        return None if math.isinf(number) or math.isnan(number) else number
    return None


def _when(value: object, unit: str) -> date | datetime | None:
    if isinstance(value, pd.Timestamp | np.datetime64):
        value = pd.Timestamp(value).to_pydatetime()
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
        if unit == "date" and value.time() == time.min:
            return value.date()
        return value
    if isinstance(value, date):
        return value
    return None


def excel_value(value: object, unit: str) -> object:
    """The value to write for one cell of a column in ``unit`` (None = empty cell)."""
    if is_blank(value):
        return None
    if unit in ("date", "datetime"):
        when = _when(value, unit)
        if when is not None:
            return when
    number = _number(value)
    if number is not None:
        return number
    if isinstance(value, bool | int | float | np.generic | Decimal):
        return None  # inf and the like: no value rather than a broken cell
    when = _when(value, "datetime")
    if when is not None:
        return when
    return clean_text(str(value)) or None


def number_format(unit: str) -> str:
    """The Excel number format of a unit."""
    return NUMBER_FORMATS.get(unit, "General")


def format_for(unit: str, value: object) -> str:
    """The number format of one written value: its unit's, or a date format for stray dates."""
    if isinstance(value, datetime):
        return NUMBER_FORMATS["date" if unit == "date" else "datetime"]
    if isinstance(value, date):
        return NUMBER_FORMATS["date"]
    if isinstance(value, str) or unit in ("date", "datetime"):
        return "General"
    return NUMBER_FORMATS.get(unit, "General")


def row_unit(declared: str, row_unit_value: object) -> str:
    """The unit to format a cell with: the row's unit for ``number`` columns when it has one."""
    if (
        declared == "number"
        and isinstance(row_unit_value, str)
        and row_unit_value in NUMBER_FORMATS
    ):
        return row_unit_value if row_unit_value != "text" else declared
    return declared


def display_width(text: str) -> int:
    """Width of text in Excel's character units; CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shown_text(value: object, unit: str) -> str:
    """Roughly what Excel shows for a written value, to size the column."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "2026-01-01 00:00" if unit != "date" else "2026-01-01"
    if isinstance(value, date):
        return "2026-01-01"
    if isinstance(value, int | float):
        if unit == "rate":
            return f"{value:.1%}"
        if unit == "money":
            return f"{money_symbol()}{value:,.2f}"
        if unit == "count":
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    return str(value)


def column_width(header: str, shown: list[str]) -> float:
    """A column width fitting the header and the values, within sensible bounds."""
    widest = max([display_width(s) for s in shown] + [0])
    # Headers wrap onto two lines, so they need only about half their length.
    head = display_width(header)
    head_need = head if head <= 14 else max(14, math.ceil(head / 2) + 1)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2, head_need + 2)))


def safe_sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique worksheet name (31 characters, no []:*?/\\), remembered in ``used``."""
    base = _BAD_SHEET_CHARS.sub("-", str(name)).strip().strip("'") or "Sheet"
    base = base[:SHEET_NAME_MAX]
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate
