"""A lean streaming .xlsx writer: sheet XML written straight into the zip, a batch at a time.

openpyxl builds and serialises one Python object per cell; a million-row detail export
needs something leaner. ``XlsxStream`` writes the package itself: data sheets are zip
entries written row batch by row batch (``xlsx_cells.rows_xml``), each with the frozen,
styled header and an autofilter as ``workbook`` gives them; the cover sheet (placed first,
written last when the counts are known), shared strings, styles and the workbook parts
are added on ``close``.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from dashboard.export.formats import display_width, excel_value, shown_text
from dashboard.export.safety import clean_text
from dashboard.export.workbook import Cover
from dashboard.export.xlsx_cells import (
    MAIN_NS,
    XML_HEAD,
    SharedStrings,
    cell_rest,
    styles_xml,
)

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class XlsxStream:
    """A workbook written part by part into a zip file; call ``close`` to finish it."""

    def __init__(self, path: Path, compresslevel: int = 1) -> None:
        self.zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self.sheets: list[tuple[str, str, str]] = []  # (name, part, autofilter ref)
        self._order: list[int] = []
        self._open: IO[bytes] | None = None  # the data sheet being written
        # Compression runs on one worker thread (zlib lets go of the GIL), overlapping the
        # next batch's XML; at most two batches wait, in order.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-zip")
        self._pending: deque[Future] = deque()
        self.strings = SharedStrings()

    def _part(self, name: str, first: bool) -> str:
        part = f"xl/worksheets/sheet{len(self.sheets) + 1}.xml"
        if first:
            self._order.insert(0, len(self.sheets))
        else:
            self._order.append(len(self.sheets))
        self.sheets.append((name, part, ""))
        return part

    def open_sheet(self, name: str, widths: Sequence[float], labels: Sequence[str]) -> None:
        """Start a data sheet with column widths and a frozen, styled header."""
        fh = self.zip.open(self._part(name, False), "w")
        self._open = fh
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        head = "".join(
            f'<c r="{get_column_letter(i)}1"' + cell_rest(clean_text(label), "text", style="header")
            for i, label in enumerate(labels, start=1)
        )
        fh.write(
            (
                f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetViews>'
                '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>'
                f'<sheetData><row r="1">{head}</row>'
            ).encode()
        )

    def write(self, rows: bytes | memoryview) -> None:
        """Append rows' XML to the open data sheet (compressed on the worker thread)."""
        while len(self._pending) >= 2:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(self._sheet().write, rows))

    def _sheet(self) -> IO[bytes]:
        # Without this a write outside open_sheet/close_sheet failed on the worker thread
        # (None.write), surfacing only at the next batch or never.
        if self._open is None:
            raise RuntimeError("no data sheet is open: call open_sheet first")
        return self._open

    def _drain(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def close_sheet(self, columns: int, last_row: int) -> None:
        """End the open data sheet with an autofilter over its header and rows."""
        self._drain()
        fh = self._sheet()
        ref = f"A1:{get_column_letter(columns)}{max(last_row, 1)}"
        fh.write(f'</sheetData><autoFilter ref="{ref}"/></worksheet>'.encode())
        fh.close()
        self._open = None
        name, part, _ = self.sheets[-1]
        self.sheets[-1] = (name, part, ref)

    def write_cover(self, cover: Cover) -> None:
        """The cover sheet, placed first: title, label/value lines, notes (as ``write_cover``)."""
        lines: list[list[tuple[str, object]]] = [[("heading", clean_text(cover.title))], []]
        for label, value in cover.rows:
            written = excel_value(value, "datetime")
            lines.append([("label", clean_text(str(label))), ("value", written)])
        if cover.notes:
            lines.append([])
            lines.extend([("note", clean_text(note))] for note in cover.notes)
        labels = [display_width(str(label)) for label, _ in cover.rows]
        values = [
            display_width(shown_text(excel_value(v, "text"), "datetime")) for _, v in cover.rows
        ]
        widths = (min(40, max(labels + [10]) + 2), min(80, max(values + [20]) + 2))
        body = []
        for r, cells in enumerate(lines, start=1):
            xml = "".join(
                f'<c r="{get_column_letter(c)}{r}"{rest}'
                for c, (style, v) in enumerate(cells, start=1)
                # cell_rest is None exactly for an empty value: no cell is written for it
                if (
                    rest := (
                        cell_rest(v, "datetime", "value", "value")
                        if style == "value"
                        else cell_rest(v, "text", style=style)
                    )
                )
                is not None
            )
            body.append(f'<row r="{r}">{xml}</row>')
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        xml = (
            f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"<cols>{cols}</cols><sheetData>{''.join(body)}</sheetData></worksheet>"
        )
        self.zip.writestr(self._part(cover.name, True), xml)

    def abort(self) -> None:
        """Give up on the file: close it as it is (the caller throws it away)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        with contextlib.suppress(Exception):
            if self._open is not None:
                self._open.close()
        with contextlib.suppress(Exception):
            self.zip.close()

    def close(self) -> None:
        """Write the workbook, relationship, content-type and style parts; close the zip."""
        self._pool.shutdown(wait=True)
        sheets = [self.sheets[i] for i in self._order]
        entries = "".join(
            f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"/>'
            for i, (n, _, _) in enumerate(sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            + escape(_absolute(n, ref))
            + "</definedName>"
            for i, (n, _, ref) in enumerate(sheets)
            if ref
        )
        defined = f"<definedNames>{names}</definedNames>" if names else ""
        self.zip.writestr(
            "xl/workbook.xml",
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews>'
            f'<workbookView activeTab="0"/></bookViews><sheets>{entries}</sheets>{defined}'
            "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="{part[3:]}"/>'
            for i, (_, part, _) in enumerate(sheets, start=1)
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL_NS}/styles" '
            f'Target="styles.xml"/><Relationship Id="rId{len(sheets) + 2}" '
            f'Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        self.zip.writestr("xl/styles.xml", styles_xml())
        self.zip.writestr("xl/sharedStrings.xml", self.strings.xml())
        self.zip.writestr(
            "_rels/.rels",
            f'{XML_HEAD}<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        overrides = "".join(
            f'<Override PartName="/{part}" ContentType="{SHEET_TYPE}"/>' for _, part, _ in sheets
        )
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        self.zip.writestr(
            "[Content_Types].xml",
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{ct}.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            f'ContentType="{ct}.styles+xml"/><Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{ct}.sharedStrings+xml"/>{overrides}</Types>',
        )
        self.zip.close()


def _absolute(sheet: str, ref: str) -> str:
    first, last = ref.split(":")
    col = "".join(ch for ch in last if ch.isalpha())
    row = last[len(col) :]
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!$A$1:${col}${row}" if first == "A1" else f"{quoted}!{ref}"
