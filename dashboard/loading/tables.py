"""From text cells to a typed table: header checks, then each declared column parsed.

The result keeps, for every cell, whether it failed to parse, so that later checks can skip
bad cells instead of reporting the same mistake twice under another name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.loading import keys
from dashboard.loading import values as vals
from dashboard.loading.problems import Problems, show_value
from dashboard.loading.reading import RawTable


@dataclass
class TableData:
    """One incoming table: typed frame in declared column order, with row numbers."""

    name: str
    file: str
    frame: pd.DataFrame  # every declared column, positional index 0..n-1
    rows: np.ndarray  # spreadsheet row number of each frame row
    present: frozenset[str]
    bad: dict[str, np.ndarray] = field(default_factory=dict)  # column -> cells that failed

    def __len__(self) -> int:
        return len(self.frame)

    def clean(self, *columns: str) -> np.ndarray:
        """Rows whose given columns are all present in the file and parsed without error."""
        mask = np.ones(len(self.frame), dtype=bool)
        for col in columns:
            if col not in self.present:
                return np.zeros(len(self.frame), dtype=bool)
            if col in self.bad:
                mask &= ~self.bad[col]
        return mask

    def mark_bad(self, column: str, mask: np.ndarray) -> None:
        """Mark cells as failed so that later checks skip them."""
        if mask.any():
            self.bad[column] = self.bad.get(column, np.zeros(len(self.frame), dtype=bool)) | mask

    def has(self, *columns: str) -> bool:
        """True when the file has every one of these columns."""
        return all(col in self.present for col in columns)


def build_table(
    raw: RawTable,
    problems: Problems,
    warnings: Problems | None = None,
    *,
    options: vals.ParseOptions | None = None,
) -> TableData:
    """Check the header against the schema and parse every declared column of ``raw``.

    ``options`` says what the file's cells cannot (the order of day-first dates); values
    kept with a change (money rounded to the fen) are counted in ``warnings``.
    """
    declared = schema.table(raw.table)
    names = [c.name for c in declared.columns]
    positions = _check_header(raw, names, problems)
    frame: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    rows = raw.cells.index.to_numpy()
    for column in declared.columns:
        pos = positions.get(column.name)
        if pos is None:
            frame[column.name] = vals.empty_series(column.type, len(rows))
            if _omissible(raw, column.name, warnings):
                continue
            # A load replaces the whole table, so an absent optional column would empty it
            # (every referral link gone with referrer_id): that is refused like a required one.
            code = "load.missing_column" if not column.nullable else "load.missing_optional_column"
            problems.add(raw.file, None, column.name, code)
            bad[column.name] = np.ones(len(rows), dtype=bool)
            continue
        text = _aliased(raw.table, column.name, raw.cells[pos].reset_index(drop=True))
        if keys.is_key(raw.table, column.name):  # ids stay as the source writes them
            parsed, issues = keys.parse_key(text)
        else:
            parsed, issues = vals.parse(
                text,
                column.type,
                options,
                excel=_excel_numbers(raw, pos),
                excel_1904=raw.excel_1904,
            )
        failed = np.zeros(len(rows), dtype=bool)
        for issue in issues:
            hit = np.flatnonzero(issue.mask)
            if issue.warning:
                _warn(warnings, raw.file, column.name, issue, len(hit))
            elif len(hit):
                shown = text.iloc[hit[: problems.max_per_kind]].map(show_value).tolist()
                problems.add_rows(
                    raw.file,
                    column.name,
                    issue.code,
                    rows[hit],
                    per_row={"value": shown},
                    **issue.params,
                )
                failed |= issue.mask
        if not column.nullable:
            empty = (text == "").to_numpy()
            problems.add_rows(raw.file, column.name, "load.required", rows[np.flatnonzero(empty)])
        if failed.any():
            bad[column.name] = failed
        frame[column.name] = parsed
    data = pd.DataFrame(frame, index=pd.RangeIndex(len(rows)))
    return TableData(
        name=raw.table,
        file=raw.file,
        frame=data,
        rows=rows,
        present=frozenset(positions),
        bad=bad,
    )


def _excel_numbers(raw: RawTable, pos: int) -> np.ndarray | None:
    """Which cells of column ``pos`` were numbers in an XLSX file (None for a CSV)."""
    if raw.numbers is None or pos not in raw.numbers.columns:
        return None
    return raw.numbers[pos].reindex(raw.cells.index, fill_value=False).to_numpy(dtype=bool)


def _warn(warnings: Problems | None, file: str, column: str, issue: vals.Issue, count: int):
    """One warning for a column's cells kept with a change, with how many there were."""
    if warnings is None or count == 0:
        return
    # English needs the singular for exactly one; the catalogue keeps it as a "_one" key.
    code = f"{issue.code}_one" if count == 1 else issue.code
    warnings.add(file, None, column, code, count=f"{count:,}", **issue.params)


def _omissible(raw: RawTable, column: str, warnings: Problems | None) -> bool:
    """True when a source may leave ``column`` out; warns (label columns aside) if so."""
    if (raw.table, column) not in schema.OMISSIBLE:
        return False
    labels = {c for pair in schema.OPEN_VOCABULARIES.values() for c in pair}
    if warnings is not None and column not in labels:
        warnings.add(raw.file, None, column, f"load.omitted.{raw.table}.{column}")
    return True


def _aliased(table: str, column: str, text: pd.Series) -> pd.Series:
    """Cells a source writes for a closed code (男, 未知 …) as the code, '' for unknown."""
    aliases = schema.VALUE_ALIASES.get((table, column))
    if not aliases:
        return text
    lower = text.str.lower()
    known = lower.isin(list(aliases))
    if not known.any():
        return text
    return text.where(~known, lower.map(lambda v: aliases.get(v) or ""))


def _check_header(raw: RawTable, names: list[str], problems: Problems) -> dict[str, int]:
    """Map declared column names to positions in the file; report header problems."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for pos, name in enumerate(raw.header):
        if not name:
            # Excel often leaves a trailing column with no header and no values; that is
            # harmless. A headerless column that holds values is not.
            if (raw.cells[pos] != "").any():
                problems.add(raw.file, 1, f"#{pos + 1}", "load.unnamed_column", position=pos + 1)
            continue
        if name in positions or name in unknown:
            problems.add(raw.file, 1, name, "load.duplicate_column")
        elif name not in names:
            unknown.append(name)
        else:
            positions[name] = pos
    computed = schema.COMPUTED_COLUMNS.get(raw.table, ())
    for name in unknown:
        if name in computed:  # e.g. iso_week in calendar.csv: the warehouse computes it
            problems.add(raw.file, 1, name, "load.computed_column", expected=", ".join(names))
            continue
        problems.add(raw.file, 1, name, "load.unknown_column", expected=", ".join(names))
    return positions
