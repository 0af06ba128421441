"""A Sheet (the Excel contract) as text for the screen: units formatted, missing values as "—".

Pages show exactly the table they export: the report builds the Sheet once and the page
renders ``display(sheet, lang)`` of it, so screen and workbook never drift apart.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard.export.sheet import Sheet
from dashboard.formatting import DASH, fmt_value
from dashboard.metrics.arithmetic import Cell, is_missing


def fmt_cell(value: Cell, unit: str, lang: str) -> str:
    """One cell as text in its unit; None, NaN and NaT as "—"."""
    kind = type(value)
    # The common plain cells first, without pandas' checks (the same text as below).
    if kind is str and unit == "text":
        return value
    if kind is date and unit == "date" and 1678 <= value.year <= 2261:
        return value.isoformat()  # as pd.Timestamp(value).strftime("%Y-%m-%d") prints it
    if (kind is int or (kind is float and value == value)) and unit not in _NOT_NUMBERS:
        return _fmt_number(float(value), unit, lang)
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return DASH
    if unit == "text":
        return str(value)
    if unit == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if unit == "datetime":
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | datetime) or is_missing(value):
        return DASH
    return _fmt_number(float(value), unit, lang)


_NOT_NUMBERS = ("text", "date", "datetime")


def _fmt_number(value: float, unit: str, lang: str) -> str:
    return f"{value:,.1f}" if unit == "number" else fmt_value(value, unit, lang)


def display(sheet: Sheet, lang: str) -> pd.DataFrame:
    """The sheet's table as text: one column per declared column, headers in ``lang``."""
    rows = len(sheet.frame)
    if not sheet.columns:
        return pd.DataFrame(index=range(rows))
    # One frame built at the end; a repeated label keeps its first place and its last values,
    # as assigning the columns one by one did.
    out = {
        c.label: [fmt_cell(v, c.unit, lang) for v in sheet.frame[c.key].tolist()]
        for c in sheet.columns
    }
    return pd.DataFrame(out)  # equal-length lists: the default index is range(rows)
