"""What a page exports: named sheets of frames with a unit per column (the Excel contract).

Every report module offers ``sheets(report, lang) -> list[Sheet]``: exactly the tables the
page shows, plus the table beneath each chart. The workbook writer turns units into real
Excel types and formats (money as ¥ with separators, rates as %, dates as dates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

COLUMN_UNITS = (
    "text",
    "count",
    "money",
    "rate",
    "ratio",
    "days",
    "hours",
    "score",
    "date",
    "datetime",
    "number",
)


@dataclass(frozen=True)
class Column:
    """One exported column: the frame's column key, its header in the chosen language, its unit."""

    key: str
    label: str
    unit: str = "text"

    def __post_init__(self) -> None:
        if self.unit not in COLUMN_UNITS:
            raise ValueError(f"unknown unit {self.unit!r} for column {self.key}")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a title, the table and its columns, optional notes above the table."""

    name: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    title: str = ""
    notes: tuple[str, ...] = field(default=())

    def table(self) -> pd.DataFrame:
        """The frame restricted to the declared columns, headers translated."""
        keys = [c.key for c in self.columns]
        return self.frame.loc[:, keys].rename(columns={c.key: c.label for c in self.columns})
