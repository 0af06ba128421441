"""Reading: find one file per table in a folder and read each as text cells with row numbers.

Everything is read as text first; typing happens later (``parsing``) so every bad value can
be reported with its spreadsheet row and column. Cells are stripped of surrounding spaces
and an empty cell means null. Rows are numbered as a spreadsheet shows them: the header is
row 1, and blank rows keep their numbers (they are dropped, not renumbered).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import schema

TABLE_SUFFIXES = (".csv", ".xlsx")
# The loader writes load_batches itself; a copy of it in a folder (e.g. from an old dump)
# is ignored with a warning rather than refused.
LOADER_OWNED = ("load_batches",)


class ReadError(Exception):
    """A file cannot be read at all; carries a catalogue key and its parameters."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Found:
    """What a folder holds: table files, plus files that are ignored or refused."""

    tables: dict[str, Path]
    ignored: list[tuple[str, str]]  # (file name, catalogue key of the warning)
    refused: list[tuple[str, str, dict]]  # (file name, catalogue key of the error, params)


@dataclass(frozen=True)
class RawTable:
    """One table file read as text: its header and its cells, indexed by spreadsheet row."""

    table: str
    file: str
    encoding: str | None
    header: list[str]
    cells: pd.DataFrame  # columns 0..n-1 (str), index = spreadsheet row number


def discover(folder: Path) -> Found:
    """Sort a folder's files into table files, ignored files and refused files."""
    tables: dict[str, Path] = {}
    ignored: list[tuple[str, str]] = []
    refused: list[tuple[str, str, dict]] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        name = entry.name
        # Hidden files and Excel's lock files (~$orders.xlsx) are never data.
        if name.startswith((".", "~$")):
            continue
        stem, suffix = entry.stem.lower(), entry.suffix.lower()
        if entry.is_dir():
            ignored.append((name, "load.warn_folder"))
        elif stem in LOADER_OWNED:
            ignored.append((name, "load.warn_loader_owned"))
        elif stem not in schema.TABLE_ORDER:
            ignored.append((name, "load.warn_unknown_file"))
        elif suffix not in TABLE_SUFFIXES:
            # Named after a table but in a format we cannot read: skipping it silently would
            # load less than the user meant to, so it is an error.
            refused.append((name, "load.unsupported_format", {"suffix": suffix or "-"}))
        elif stem in tables:
            refused.append(
                (name, "load.duplicate_file", {"table": stem, "other": tables[stem].name})
            )
        else:
            tables[stem] = entry
    return Found(tables=tables, ignored=ignored, refused=refused)


def read_table(table: str, path: Path) -> RawTable:
    """Read one table file (CSV or the first sheet of an XLSX) as text cells."""
    if path.suffix.lower() == ".xlsx":
        header, cells = _read_xlsx(path)
        encoding = None
    else:
        text, encoding = decode(path.read_bytes())
        header, cells = _read_csv_text(text)
    header = [h.strip().lower() for h in header]
    cells = cells.apply(lambda col: col.str.strip())
    # Rows that are empty in every cell are spacing, not data; they keep their numbers.
    if len(cells.columns):
        cells = cells[(cells != "").any(axis=1)]
    return RawTable(table=table, file=path.name, encoding=encoding, header=header, cells=cells)


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: strict UTF-8 (with or without BOM) first, then GB18030 (covers GBK)."""
    if not data.strip():
        raise ReadError("load.empty_file")
    if data.startswith(b"PK\x03\x04"):
        raise ReadError("load.csv_is_workbook")
    # UTF-8 and GBK text never holds NUL bytes; binary files and most UTF-16 text do, and
    # Excel's "Unicode text" export starts with a UTF-16 byte-order mark.
    if b"\x00" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("load.binary_file")
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    # Excel on Chinese Windows saves "CSV" as GBK; GB18030 is its superset, so it reads both.
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ReadError("load.bad_encoding") from None


def _read_csv_text(text: str) -> tuple[list[str], pd.DataFrame]:
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ReadError("load.empty_file") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise ReadError("load.bad_csv", detail=_first_line(exc)) from None
    return _split_header(frame)


def _split_header(frame: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    header = [str(v) for v in frame.iloc[0].tolist()]
    cells = frame.iloc[1:].copy()
    cells.columns = range(len(header))
    # Record i (0-based, header included) is spreadsheet row i + 1.
    cells.index = pd.RangeIndex(2, len(frame) + 1)
    return header, cells.astype(str)


def _read_xlsx(path: Path) -> tuple[list[str], pd.DataFrame]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl errors alike mean "not a workbook"
        raise ReadError("load.bad_xlsx", detail=_first_line(exc)) from None
    try:
        if not book.worksheets:
            raise ReadError("load.empty_file")
        sheet = book.worksheets[0]
        # Some writers store a wrong sheet size; recompute it from the cells instead.
        sheet.reset_dimensions()
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("load.bad_xlsx", detail=_first_line(exc)) from None
    finally:
        book.close()
    if not rows or not any(rows[0]):
        raise ReadError("load.empty_file")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(rows, dtype=str)
    return _split_header(frame)


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # Excel keeps 15 significant digits; beyond that are binary noise (0.1 + 0.2).
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
