"""The Excel workbook writer: Sheets (the page contract) to a styled, typed .xlsx file.

Everything is written in openpyxl's write-only (streaming) mode. Each worksheet ("tab")
holds one or more tables: a title line, a styled header, the rows with real Excel types
and number formats by unit, then the notes. A tab with one table freezes its header and
turns the autofilter on; a tab with several (a page in the weekly pack) makes each an Excel
table, which brings its own filter buttons. Trend tables get native line charts beside them.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from dashboard.export import charts
from dashboard.export.formats import (
    ROW_UNIT_KEY,
    column_width,
    display_width,
    excel_value,
    format_for,
    row_unit,
    safe_sheet_name,
    shown_text,
)
from dashboard.export.safety import clean_text
from dashboard.export.sheet import Sheet

# progress(done, total, what): ``done`` steps of ``total`` finished, ``what`` is running now.
Progress = Callable[[int, int, str], None]

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
HEADING_FONT = Font(bold=True, size=14)
TITLE_FONT = Font(bold=True, size=12)
NOTE_FONT = Font(italic=True, color="595959")
LABEL_FONT = Font(bold=True)
WIDTH_SAMPLE = 2000  # rows looked at to size a column
BLOCK_GAP = 2  # empty rows between stacked tables


@dataclass(frozen=True)
class Tab:
    """One worksheet: its name, an optional heading and lines, and the tables stacked on it."""

    name: str
    blocks: tuple[Sheet, ...]
    heading: str = ""
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cover:
    """The first worksheet: a title and label/value lines (period, filters, scope, …)."""

    name: str
    title: str
    rows: tuple[tuple[str, object], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkbookResult:
    """What was written: worksheet names in order and the data rows over all tables."""

    sheets: tuple[str, ...]
    rows: int
    tables: dict[str, int] = field(default_factory=dict)


def page_tabs(sheets: Sequence[Sheet]) -> list[Tab]:
    """One worksheet per table (a page's own export)."""
    return [Tab(s.name, (s,)) for s in sheets]


def header_cell(ws, label: str) -> Cell:
    """A styled header cell (labels come through ``unique_labels`` or the catalogue)."""
    cell = WriteOnlyCell(ws, value=clean_text(label))
    cell.font, cell.fill, cell.alignment, cell.border = (
        HEADER_FONT,
        HEADER_FILL,
        HEADER_ALIGN,
        HEADER_BORDER,
    )
    return cell


def text_cell(ws, text: str, font: Font) -> Cell:
    """A text cell in the given font (titles, notes)."""
    cell = WriteOnlyCell(ws, value=clean_text(text))
    cell.font = font
    return cell


def unique_labels(labels: Sequence[str]) -> list[str]:
    """Header labels made unique (an Excel table needs distinct column names)."""
    seen: set[str] = set()
    out = []
    for label in labels:
        # One line: a table's column name must equal its header cell, and XML attributes
        # would turn a line break into a space.
        text, n = " ".join(clean_text(str(label)).split()) or "-", 1
        candidate = text
        while candidate.lower() in seen:
            n += 1
            candidate = f"{text} ({n})"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


@dataclass
class _Block:
    sheet: Sheet
    labels: list[str]
    units: list[list[str]]  # per row, per column
    values: list[list[object]]


def _prepare(sheet: Sheet) -> _Block:
    frame = sheet.frame
    declared = [c.unit for c in sheet.columns]
    row_units = (
        frame[ROW_UNIT_KEY].tolist() if ROW_UNIT_KEY in frame.columns else [None] * len(frame)
    )
    columns = [frame[c.key].tolist() for c in sheet.columns]
    values, units = [], []
    for r in range(len(frame)):
        units_r = [row_unit(u, row_units[r]) for u in declared]
        values.append([excel_value(col[r], u) for col, u in zip(columns, units_r, strict=True)])
        units.append(units_r)
    return _Block(sheet, unique_labels([c.label for c in sheet.columns]), units, values)


def _widths(blocks: Sequence[_Block]) -> dict[int, float]:
    widths: dict[int, float] = {}
    for b in blocks:
        for i, label in enumerate(b.labels):
            sample = b.values[:WIDTH_SAMPLE]
            shown = [shown_text(row[i], b.units[r][i]) for r, row in enumerate(sample)]
            widths[i + 1] = max(widths.get(i + 1, 0.0), column_width(label, shown))
    return widths


def _header_height(block: _Block, widths: dict[int, float]) -> float | None:
    """Height of a header row whose labels wrap (Excel does not grow it by itself)."""
    lines = 1
    for i, label in enumerate(block.labels):
        room = max(int(widths.get(i + 1, 10)) - 1, 1)
        lines = max(lines, -(-display_width(label) // room))
    return 15.0 * min(lines, 4) if lines > 1 else None


def _data_cells(ws, values: list[object], units: list[str]) -> list[Cell | None]:
    cells: list[Cell | None] = []
    for value, unit in zip(values, units, strict=True):
        if value is None:
            cells.append(None)
            continue
        # excel_value's dates, times, bools and Decimals are cells openpyxl writes; its stubs
        # name only str | float | datetime.
        cell = WriteOnlyCell(ws, value=value)  # type: ignore[arg-type]
        fmt = format_for(unit, value)
        if fmt != "General":
            cell.number_format = fmt
        cells.append(cell)
    return cells


def _write_block(
    ws, block: _Block, row: int, widths: dict[int, float], empty_text: str
) -> tuple[int, int, int]:
    """Write one table from ``row``; returns (header row, last data row, next free row)."""
    sheet = block.sheet
    ws.append([text_cell(ws, sheet.title or sheet.name, TITLE_FONT)])
    header_row = row + 1
    height = _header_height(block, widths)
    if height:
        ws.row_dimensions[header_row].height = height
    ws.append([header_cell(ws, label) for label in block.labels])
    for values, units in zip(block.values, block.units, strict=True):
        ws.append(_data_cells(ws, values, units))
    last = header_row + len(block.values)
    extra = []
    if not block.values and empty_text:
        extra.append(empty_text)
    for text in [*extra, *sheet.notes]:
        ws.append([text_cell(ws, text, NOTE_FONT)])
    for _ in range(BLOCK_GAP):
        ws.append([])
    return header_row, last, last + 1 + len(extra) + len(sheet.notes) + BLOCK_GAP


def _add_table(ws, block: _Block, ref: str, name: str) -> None:
    # Write-only sheets keep no cells, so the table's column names are given explicitly.
    table = Table(displayName=name, ref=ref)
    table.tableColumns = [
        TableColumn(id=i, name=label) for i, label in enumerate(block.labels, start=1)
    ]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
        ws.add_table(table)


def write_tab(
    wb: Workbook, tab: Tab, used: set[str], tab_index: int, empty_text: str = ""
) -> tuple[str, dict[str, int]]:
    """Write one worksheet with its tables; returns its name and the rows per table."""
    name = safe_sheet_name(tab.name, used)
    ws = wb.create_sheet(name)
    blocks = [_prepare(s) for s in tab.blocks]
    widths = _widths(blocks)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    stacked = len(blocks) > 1
    row = 1
    if tab.heading:
        ws.append([text_cell(ws, tab.heading, HEADING_FONT)])
        row += 1
    for line in tab.lines:
        ws.append([text_cell(ws, line, NOTE_FONT)])
        row += 1
    if row > 1:
        ws.append([])
        row += 1
    counts: dict[str, int] = {}
    chart_col = get_column_letter(max(widths, default=1) + 2)
    chart_row = 1  # charts of stacked tables must not overlap each other
    if not stacked:
        # Sheet views are written with the first row, so the frozen pane is set beforehand:
        # the block's title is on ``row`` and its header just below.
        ws.freeze_panes = f"A{row + 2}"
    for b_index, block in enumerate(blocks, start=1):
        header_row, last, row = _write_block(ws, block, row, widths, empty_text)
        counts[block.sheet.name] = len(block.values)
        ref = f"A{header_row}:{get_column_letter(len(block.labels))}{last}"
        if stacked and block.values:
            _add_table(ws, block, ref, f"tbl_{tab_index}_{b_index}")
        elif not stacked:
            ws.auto_filter.ref = ref
        specs = charts.trend_charts(block.sheet.columns, block.sheet.frame)
        if specs:
            chart_row = max(chart_row, header_row)
            charts.add_charts(ws, specs, 1, header_row, last, f"{chart_col}{chart_row}")
            chart_row += len(specs) * charts.CHART_ROWS
    return name, counts


def write_cover(wb: Workbook, cover: Cover, used: set[str], ws=None) -> str:
    """Write the cover worksheet (new, or the empty ``ws`` given): title, lines, notes."""
    if ws is None:
        ws = wb.create_sheet(safe_sheet_name(cover.name, used))
    name = ws.title
    labels = [display_width(str(label)) for label, _ in cover.rows]
    values = [display_width(shown_text(excel_value(v, "text"), "datetime")) for _, v in cover.rows]
    ws.column_dimensions["A"].width = min(40, max(labels + [10]) + 2)
    ws.column_dimensions["B"].width = min(80, max(values + [20]) + 2)
    ws.append([text_cell(ws, cover.title, HEADING_FONT)])
    ws.append([])
    for label, value in cover.rows:
        written = excel_value(value, "datetime")
        cell = WriteOnlyCell(ws, value=written)  # type: ignore[arg-type]  # as in _data_cells
        fmt = format_for("datetime", written)
        if fmt != "General":
            cell.number_format = fmt
        cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
        ws.append([text_cell(ws, str(label), LABEL_FONT), cell])
    if cover.notes:
        ws.append([])
        for note in cover.notes:
            ws.append([text_cell(ws, note, NOTE_FONT)])
    return name


def write_workbook(
    target: Path | BinaryIO,
    tabs: Sequence[Tab],
    cover: Cover | None = None,
    progress: Progress | None = None,
    empty_text: str = "",
) -> WorkbookResult:
    """Write the cover and tabs to ``target`` (a path or a binary file object)."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    names: list[str] = []
    tables: dict[str, int] = {}
    if cover is not None:
        names.append(write_cover(wb, cover, used))
    for i, tab in enumerate(tabs, start=1):
        if progress:
            progress(i - 1, len(tabs), tab.name)
        name, counts = write_tab(wb, tab, used, i, empty_text)
        names.append(name)
        tables.update({f"{name}/{k}": v for k, v in counts.items()})
    if progress:
        progress(len(tabs), len(tabs), "")
    if not names:
        wb.create_sheet("-")
    wb.save(target)
    return WorkbookResult(tuple(names), sum(tables.values()), tables)


@contextlib.contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` that replaces it only when the block succeeds.

    The folder must exist (a clear error otherwise): nothing is created, and a failed or
    interrupted export never leaves a half-written file under the final name.
    """
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"the output folder does not exist: {folder}")
    tmp = folder / f".{out.name}.{os.getpid()}.part"
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
