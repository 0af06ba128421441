"""A Sheet (the Excel contract) as text for the screen: units formatted, missing values as "—".

Pages show exactly the table they export: the report builds the Sheet once and the page
renders ``display(sheet, lang)`` of it, so screen and workbook never drift apart.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dashboard.export.sheet import Sheet
from dashboard.formatting import DASH, fmt_value
from dashboard.metrics.arithmetic import is_missing


def fmt_cell(value: object, unit: str, lang: str) -> str:
    """One cell as text in its unit; None, NaN and NaT as "—"."""
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
    if unit == "number":
        return f"{float(value):,.1f}"
    return fmt_value(float(value), unit, lang)


def _fmt_column(values: list, unit: str, lang: str) -> list[str]:
    """``fmt_cell`` down a column; the common plain cells take a shortcut to the same text."""
    if unit == "text":
        return [v if type(v) is str else fmt_cell(v, unit, lang) for v in values]
    if unit == "date":
        # An in-range plain date prints as pd.Timestamp(...).strftime("%Y-%m-%d") does.
        return [
            v.isoformat() if type(v) is date and 1678 <= v.year <= 2261 else fmt_cell(v, unit, lang)
            for v in values
        ]
    if unit == "datetime":
        return [fmt_cell(v, unit, lang) for v in values]
    if unit == "number":
        return [f"{float(v):,.1f}" if _plain_number(v) else fmt_cell(v, unit, lang) for v in values]
    return [fmt_value(float(v), unit, lang) if _plain_number(v) else fmt_cell(v, unit, lang)
            for v in values]  # fmt: skip


def _plain_number(value: object) -> bool:
    """A Python int or a non-NaN float: ``fmt_cell`` formats it as a number straight away."""
    return type(value) is int or (type(value) is float and value == value)


def display(sheet: Sheet, lang: str) -> pd.DataFrame:
    """The sheet's table as text: one column per declared column, headers in ``lang``."""
    rows = len(sheet.frame)
    if not sheet.columns:
        return pd.DataFrame(index=range(rows))
    # One frame built at the end; a repeated label keeps its first place and its last values,
    # as assigning the columns one by one did.
    out = {c.label: _fmt_column(sheet.frame[c.key].tolist(), c.unit, lang) for c in sheet.columns}
    return pd.DataFrame(out)  # equal-length lists: the default index is range(rows)
