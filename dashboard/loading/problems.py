"""Problems found while loading: where (file, row, column), what (a catalogue key) and why.

A problem keeps its catalogue key and parameters, so a report can be rendered again in
either language; ``reason`` is the text in the language the load was run in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import t

# The first 200 problems are listed; beyond that only the count is kept. Each kind of
# problem (same file, column and check) lists at most 20 rows, so one bad column of a
# million rows cannot push every other kind of problem out of the list.
MAX_LISTED = 200
MAX_PER_KIND = 20
_VALUE_CHARS = 40


@dataclass(frozen=True)
class Problem:
    """One problem: file, spreadsheet row (header = 1), column, and the reason."""

    file: str
    row: int | None
    column: str | None
    code: str
    params: tuple[tuple[str, object], ...]
    reason: str

    def reason_in(self, lang: str) -> str:
        """The reason in ``lang``."""
        return t(self.code, lang, **dict(self.params))


def show_value(value: object) -> str:
    """A user's value as it appears in a message: quoted, and cut short when long."""
    text = "" if value is None else str(value)
    if len(text) > _VALUE_CHARS:
        text = text[: _VALUE_CHARS - 1] + "…"
    return f"“{text}”"


class Problems:
    """Collects problems up to the listing cap and counts every one."""

    def __init__(self, lang: str, max_listed: int = MAX_LISTED, max_per_kind: int = MAX_PER_KIND):
        self.lang = lang
        self.max_listed = max_listed
        self.max_per_kind = max_per_kind
        self.listed: list[Problem] = []
        self.total = 0
        self._per_kind: dict[tuple[str, str | None, str], int] = {}
        # file -> {column name -> what the user's file calls it} (a mapped export's headers)
        self._labels: dict[str, dict[str, str]] = {}

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def omitted(self) -> int:
        """How many problems were counted but not listed."""
        return self.total - len(self.listed)

    def _room(self, kind: tuple[str, str | None, str]) -> int:
        used = self._per_kind.get(kind, 0)
        return max(0, min(self.max_listed - len(self.listed), self.max_per_kind - used))

    def label_columns(self, file: str, labels: dict[str, str]) -> None:
        """Name ``file``'s columns in problems by ``labels`` (a mapping's source headers)."""
        self._labels.setdefault(file, {}).update(labels)

    def add(self, file: str, row: int | None, column: str | None, code: str, **params) -> None:
        """Record one problem."""
        self.add_rows(file, column, code, [row], **params)

    def add_rows(
        self,
        file: str,
        column: str | None,
        code: str,
        rows: Sequence[int | None] | np.ndarray,  # file row numbers (None: the whole file)
        per_row: dict[str, Sequence[object]] | None = None,
        **params,
    ) -> None:
        """Record the same kind of problem on many rows; ``per_row`` holds row-specific params.

        Only the rows that fit under the caps are turned into Problem objects, so a check
        that flags millions of rows costs no more than one that flags twenty.
        """
        count = len(rows)
        if count == 0:
            return
        if column is not None and file in self._labels:
            column = self._labels[file].get(column, column)
        self.total += count
        kind = (file, column, code)
        take = min(count, self._room(kind))
        self._per_kind[kind] = self._per_kind.get(kind, 0) + take
        per_row = per_row or {}
        for i in range(take):
            values = dict(params)
            for name, seq in per_row.items():
                values[name] = seq[i]
            row = rows[i]
            row = None if row is None else int(row)
            self.listed.append(
                Problem(
                    file=file,
                    row=row,
                    column=column,
                    code=code,
                    params=tuple(values.items()),
                    reason=t(code, self.lang, **values),
                )
            )


def show_key(value: object) -> str:
    """A typed key value as a message shows it (dates without a midnight time)."""
    if isinstance(value, pd.Timestamp):
        if value == value.normalize():
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    return str(value)
