"""Reading: find one file per table in a folder and read each as text cells with row numbers.

Everything is read as text first; typing happens later (``parsing``) so every bad value can
be reported with its spreadsheet row and column. Cells are stripped of surrounding spaces
and an empty cell means null. Rows are numbered as a spreadsheet shows them: the header is
row 1, and blank rows keep their numbers (they are dropped, not renumbered). An XLSX file
also says which cells were numbers, so that a date column can read a date formatted as a
number (46329) as Excel's serial day, which the same text in a CSV never is.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import schema
from dashboard.loading.xlsx_formulas import formulas_without_value

TABLE_SUFFIXES = (".csv", ".xlsx")
# How many rows (or cells) one message names before "…".
_LISTED = 10
# The loader writes load_batches itself; a copy of it in a folder (e.g. from an old dump)
# is ignored with a warning rather than refused.
LOADER_OWNED = ("load_batches",)


class ReadError(Exception):
    """A file cannot be read at all; carries a catalogue key, its parameters and where."""

    def __init__(
        self, code: str, *, row: int | None = None, column: str | None = None, **params: object
    ):
        super().__init__(code)
        self.code = code
        self.row = row  # spreadsheet row (header = 1) when the trouble has one place
        self.column = column
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
    # XLSX only: which cells were numbers (same columns and index as ``cells``), so that a
    # date column can read them as Excel serial dates; None for a CSV, where a bare number
    # in a date column is an error.
    numbers: pd.DataFrame | None = None
    excel_1904: bool = False  # the workbook counts serial dates from 1904 (old Mac Excel)


# ``opsdash load`` writes its report into the loaded folder under this name.
REPORT_FILE = "opsdash-load-report.txt"


def discover(folder: Path) -> Found:
    """Sort a folder's files into table files, ignored files and refused files."""
    tables: dict[str, Path] = {}
    ignored: list[tuple[str, str]] = []
    refused: list[tuple[str, str, dict]] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        name = entry.name
        # Hidden files, Excel's lock files (~$orders.xlsx) and the report an earlier
        # ``opsdash load`` left in the folder are never data.
        if name.startswith((".", "~$")) or name == REPORT_FILE:
            continue
        stem, suffix = entry.stem.lower(), entry.suffix.lower()
        stem = schema.FILE_ALIASES.get(stem, stem)  # calendar.csv holds calendar_overrides
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
    numbers, excel_1904 = None, False
    if path.suffix.lower() == ".xlsx":
        header, cells, numbers, excel_1904 = _read_xlsx(path)
        encoding = None
    else:
        text, encoding = decode(path.read_bytes())
        header, cells = _read_csv_text(text)
    header = [h.strip().lower() for h in header]
    cells = cells.apply(lambda col: col.str.strip())
    # Rows that are empty in every cell are spacing, not data; they keep their numbers.
    if len(cells.columns):
        cells = cells[(cells != "").any(axis=1)]
        if numbers is not None:
            numbers = numbers.loc[cells.index]
    return RawTable(
        table=table,
        file=path.name,
        encoding=encoding,
        header=header,
        cells=cells,
        numbers=numbers,
        excel_1904=excel_1904,
    )


_BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (with or without BOM), or as GB18030 when the whole file is GBK."""
    if not data.strip():
        raise ReadError("load.empty_file")
    if data.startswith(b"PK\x03\x04"):
        raise ReadError("load.csv_is_workbook")
    # Excel's "Unicode text" export is UTF-16 and starts with a byte-order mark.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("load.binary_file")
    if b"\x00" in data:
        raise _nul_error(data)
    return _decode_text(data)


def _nul_error(data: bytes) -> ReadError:
    """UTF-8 and GBK text never holds NUL bytes: UTF-16, a binary file, or damaged text."""
    if _looks_utf16(data):
        return ReadError("load.binary_file")
    try:
        _decode_text(data.replace(b"\x00", b""))
    except ReadError as exc:
        if exc.code == "load.bad_encoding":
            return ReadError("load.binary_file")
    # Text but for NUL bytes: a file damaged in saving or copying (a stray byte, or a tail
    # of zeros left by a crash). The first one's row is where to look.
    body = data.removeprefix(_BOM)
    return ReadError("load.nul_byte", row=rows_at(body, [body.index(0)])[0], count=data.count(0))


def _looks_utf16(data: bytes) -> bool:
    """True for UTF-16 without a byte-order mark: ASCII in it has a NUL every other byte."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    return max(even, odd) * 4 > len(data) and min(even, odd) * 10 < max(even, odd)


def _decode_text(data: bytes) -> tuple[str, str]:
    """Decide the encoding from the whole file: UTF-8, or GBK throughout, or refuse by row."""
    body = data.removeprefix(_BOM)
    bom = len(body) < len(data)
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        gbk = body.decode("gb18030")
    except UnicodeDecodeError:
        gbk = None
    # Valid UTF-8 but for an unfinished character at the very end: the file was cut short.
    # (Unless it holds nothing but ASCII before and reads as GBK: then a GBK character ends it.)
    if _cut_at_end(body[bad:]) and (gbk is None or not body[:bad].isascii()):
        raise ReadError("load.truncated", row=rows_at(body, [bad])[0])
    lines = _Lines(body)
    if gbk is not None and not lines.utf8_evident:
        if bom:
            # A writer marked the file UTF-8 and wrote GBK: read as either it would garble.
            raise ReadError("load.bom_not_utf8", row=rows_at(body, [bad])[0])
        # Excel on Chinese Windows saves "CSV" as GBK; GB18030 is its superset.
        return gbk, "gb18030"
    if lines.utf8_at is None:
        raise ReadError("load.bad_encoding")
    # Part UTF-8, part not: decoding the whole either way would garble some rows, silently.
    rows = rows_at(body, [bad, lines.utf8_at, *lines.bad_at[:_LISTED]])
    listed = sorted(set(rows[2:]))
    more = "" if len(lines.bad_at) <= _LISTED else ", …"
    raise ReadError(
        "load.mixed_encoding",
        row=rows[0],
        utf8_row=rows[1],
        bad_rows=", ".join(map(str, listed)) + more,
    )


def _cut_at_end(tail: bytes) -> bool:
    """True when ``tail`` (from the first byte that is not UTF-8) is an unfinished character."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(tail, final=False)
    except UnicodeDecodeError:
        return False
    return True


_WIDE_LEAD = re.compile(rb"[\xe0-\xf4]")


def _is_utf8(line: bytes) -> bool:
    """True when ``line`` is valid UTF-8 (without the cost of an exception per GBK line)."""
    if "\ufffd" not in line.decode("utf-8", "replace"):
        return True
    if b"\xef\xbf\xbd" not in line:  # no U+FFFD of its own: the replacement marks a bad byte
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Lines:
    """Which lines of a file that is not all UTF-8 are UTF-8 text and which are not.

    A GBK line is almost never valid UTF-8 as a whole: 18% of common characters alone are
    (郑 is D6 A3, which UTF-8 reads as U+05A3), 3% of two-character names, and a GBK line
    is practically never valid UTF-8 holding a character from U+0800 up (Chinese, “”, ，),
    which real UTF-8 Chinese text always does. So UTF-8 is evident in a file when one of its
    lines is valid UTF-8 with such a character, or when more of its non-ASCII lines are valid
    UTF-8 than not. Checking only the bytes before the first failure instead would refuse
    about one GBK export in six, whose first Chinese characters happen to be valid UTF-8.
    """

    def __init__(self, body: bytes):
        self.utf8_at: int | None = None  # offset of the first line that is UTF-8 text
        self.bad_at: list[int] = []  # offsets of the lines that are not UTF-8
        wide = narrow = 0
        start = 0
        for line in body.split(b"\n"):
            if not line.isascii():
                if not _is_utf8(line):
                    self.bad_at.append(start)
                else:
                    if self.utf8_at is None:
                        self.utf8_at = start
                    # A lead byte from E0 up starts a character from U+0800 up.
                    if _WIDE_LEAD.search(line):
                        wide += 1
                    else:
                        narrow += 1
            start += len(line) + 1
        self.utf8_evident = wide > 0 or narrow > len(self.bad_at)


# What ends a record or starts a quoted cell; everything else is cell content. A quote,
# comma, CR or LF byte is never part of a UTF-8 or GBK/GB18030 multi-byte character (their
# other bytes are 0x30 and up), so records can be counted in the bytes, before decoding.
_RECORD_TOKENS = re.compile(rb'"|\r\n|\r|\n')
_LINE_ENDS = re.compile(rb"\r\n|\r|\n")
_CELL_STARTS = frozenset(b",\r\n")


def rows_at(body: bytes, offsets: list[int]) -> list[int]:
    """The spreadsheet row (header = 1) of each byte offset, counting records as the reader does."""
    if not offsets:
        return []
    end = max(offsets) + 1
    if b'"' not in body[:end]:
        # No quoted cells: every line ending ends a record (the common case, counted in C).
        ends: list[int] = [m.start() for m in _LINE_ENDS.finditer(body, 0, end)]
        return [bisect.bisect_left(ends, offset) + 1 for offset in offsets]
    # pandas' tokenizer: a quote opens a quoted cell only at the start of a cell (or right
    # after a closing quote, as a doubled ""); inside one, line endings are cell content.
    ends = []
    quoted = False
    closed_at = -1
    for match in _RECORD_TOKENS.finditer(body, 0, end):
        pos = match.start()
        if match.group() == b'"':
            if quoted:
                quoted, closed_at = False, pos + 1
            elif pos == 0 or pos == closed_at or body[pos - 1] in _CELL_STARTS:
                quoted = True
        elif not quoted:
            ends.append(pos)
    return [bisect.bisect_left(ends, offset) + 1 for offset in offsets]


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


def _read_xlsx(path: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame, bool]:
    """The first sheet's header and text cells, which cells were numbers, and the date system."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

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
        values = list(sheet.iter_rows(values_only=True))
        rows = [[_cell_text(v) for v in row] for row in values]
        # Dates formatted as dates arrive as datetimes; a date formatted as a number (46329)
        # arrives as a number, which only the column's type can tell is a serial date.
        kinds = [[_is_number(v) for v in row] for row in values]
        excel_1904 = book.epoch == CALENDAR_MAC_1904
        # openpyxl's name for the sheet's part in the archive (it has no public accessor, so
        # the stubs do not declare it).
        unsaved = formulas_without_value(path, sheet._worksheet_path)  # type: ignore[attr-defined]
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError("load.bad_xlsx", detail=_first_line(exc)) from None
    finally:
        book.close()
    if unsaved:
        raise _formula_error(unsaved, rows[0] if rows else [])
    if not rows or not any(rows[0]):
        raise ReadError("load.empty_file")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    kinds = [k + [False] * (width - len(k)) for k in kinds]
    header, cells = _split_header(pd.DataFrame(rows, dtype=str))
    numbers = pd.DataFrame(kinds[1:], index=cells.index, columns=cells.columns, dtype=bool)
    return header, cells, numbers, excel_1904


def _formula_error(unsaved: list[tuple[int, int]], header: list[str]) -> ReadError:
    from openpyxl.utils.cell import get_column_letter

    unsaved = sorted(unsaved)
    cells = [f"{get_column_letter(c)}{r}" for r, c in unsaved]
    row, col = unsaved[0]
    name = header[col - 1].strip().lower() if col <= len(header) else ""
    column = name or None
    if len(cells) == 1:
        return ReadError("load.formula_no_value", row=row, column=column, cell=cells[0])
    others = ", ".join(cells[1 : 1 + _LISTED])
    others += ", …" if len(cells) - 1 > _LISTED else ""
    return ReadError(
        "load.formula_no_value_more",
        count=len(cells) - 1,
        cells=others,
        row=row,
        column=column,
        cell=cells[0],
    )


def _is_number(value: object) -> bool:
    """True for a workbook cell that holds a number (not a boolean, which is an int too)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


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
