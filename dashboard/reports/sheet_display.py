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


def display(sheet: Sheet, lang: str) -> pd.DataFrame:
    """The sheet's table as text: one column per declared column, headers in ``lang``."""
    out = pd.DataFrame(index=range(len(sheet.frame)))
    for c in sheet.columns:
        out[c.label] = [fmt_cell(v, c.unit, lang) for v in sheet.frame[c.key].tolist()]
    return out
