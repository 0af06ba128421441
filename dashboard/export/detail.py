"""Streamed detail export: every order or lead of the filters, batch by batch, into a workbook.

Rows come from the warehouse as Arrow record batches (``detail_source``: the row limit, if
any, is in the query) and go straight into the sheet XML through the lean streaming writer
(``xlsx_stream``), so memory stays bounded however many rows there are. Excel holds
1,048,576 rows per sheet: beyond that the rows continue on the next sheet (orders_1,
orders_2, …); nothing is ever cut off. Names and phones are masked through
``dashboard.privacy`` unless the viewer may see them. A cover sheet says what the file holds.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from dashboard import data, privacy
from dashboard.export.cover import ExportInfo, cover
from dashboard.export.detail_source import record_batches
from dashboard.export.formats import column_width, excel_value, shown_text
from dashboard.export.workbook import WIDTH_SAMPLE, atomic_path
from dashboard.export.xlsx_cells import StreamColumn, rows_xml
from dashboard.export.xlsx_stream import XlsxStream
from dashboard.filters import Filters, Scope
from dashboard.i18n import has, t
from dashboard.settings import Settings

log = logging.getLogger(__name__)

EXCEL_MAX_ROWS = 1_048_576
MAX_DATA_ROWS = EXCEL_MAX_ROWS - 1  # one header row per sheet
CHUNK_ROWS = 50_000

DetailProgress = Callable[[int], None]


@dataclass(frozen=True)
class DetailColumn:
    """One column of a detail export: result key, catalogue label key, unit, kind of value."""

    key: str
    label: str
    unit: str = "text"
    kind: str = ""  # "name"/"phone" (personal), "specialty", "category", "flag"


DETAIL_KINDS: dict[str, tuple[str, tuple[DetailColumn, ...]]] = {
    "orders": (
        "export_orders",
        (
            DetailColumn("order_id", "export.detail.order_id"),
            DetailColumn("ordered_at", "export.detail.ordered_at", "datetime"),
            DetailColumn("city", "export.detail.city"),
            DetailColumn("clinic", "export.detail.clinic"),
            DetailColumn("specialty", "export.detail.specialty", kind="specialty"),
            DetailColumn("service", "export.detail.service"),
            DetailColumn("category", "export.detail.category", kind="category"),
            DetailColumn("amount", "export.detail.amount", "money"),
            DetailColumn("customer_id", "export.detail.customer_id"),
            DetailColumn("customer_name", "export.detail.customer_name", kind="name"),
            DetailColumn("customer_phone", "export.detail.customer_phone", kind="phone"),
            DetailColumn("channel", "export.detail.acquisition_channel"),
            DetailColumn("lead_id", "export.detail.lead_id"),
        ),
    ),
    "leads": (
        "export_leads",
        (
            DetailColumn("lead_id", "export.detail.lead_id"),
            DetailColumn("created_at", "export.detail.created_at", "datetime"),
            DetailColumn("city", "export.detail.city"),
            DetailColumn("clinic", "export.detail.clinic"),
            DetailColumn("specialty", "export.detail.specialty", kind="specialty"),
            DetailColumn("channel", "export.detail.channel"),
            DetailColumn("is_returning", "export.detail.is_returning", kind="flag"),
            DetailColumn("inquiry_at", "export.detail.inquiry_at", "datetime"),
            DetailColumn("booked_at", "export.detail.booked_at", "datetime"),
            DetailColumn("arrived_at", "export.detail.arrived_at", "datetime"),
            DetailColumn("paid_at", "export.detail.paid_at", "datetime"),
            DetailColumn("deal_amount", "export.detail.deal_amount", "money"),
            DetailColumn("customer_id", "export.detail.customer_id"),
            DetailColumn("customer_name", "export.detail.customer_name", kind="name"),
            DetailColumn("customer_phone", "export.detail.customer_phone", kind="phone"),
        ),
    ),
}


@dataclass(frozen=True)
class ExportResult:
    """A finished detail export: the file, data rows written, and the sheets with their rows."""

    path: Path
    rows: int
    sheets: tuple[str, ...]
    rows_per_sheet: tuple[int, ...]


def _translator(col: DetailColumn, lang: str) -> Callable[[Any], object]:
    """How a raw value becomes the written value (labels translated, personal data masked)."""
    if col.kind == "name":
        return privacy.mask_name
    if col.kind == "phone":
        return privacy.mask_phone
    if col.kind in ("specialty", "category"):
        prefix = "specialty" if col.kind == "specialty" else "export.category"
        labels: dict[object, str] = {}

        def label(code: object) -> object:
            if code is None:
                return None
            if code not in labels:
                key = f"{prefix}.{code}"
                labels[code] = t(key, lang) if has(key) else str(code)
            return labels[code]

        return label
    if col.kind == "flag":
        yes, no = t("export.detail.yes", lang), t("export.detail.no", lang)
        return lambda v: None if v is None else (yes if v else no)
    return lambda v: v


def row_converter(
    columns: Sequence[DetailColumn], lang: str, can_see_personal: bool
) -> Callable[[Sequence[object]], list[object]]:
    """A function from one result row to the row of cell values to write."""
    steps = []
    for col in columns:
        if col.kind in privacy.PERSONAL and can_see_personal:
            fn = None
        else:
            fn = _translator(col, lang) if col.kind else None
        steps.append((fn, col.unit))

    def convert(row: Sequence[object]) -> list[object]:
        out = []
        for value, (fn, unit) in zip(row, steps, strict=True):
            if fn is not None and value is not None:
                value = fn(value)
            out.append(excel_value(value, unit))
        return out

    return convert


class SplitWriter:
    """Appends record batches to ``<base>_1``, ``<base>_2``, … starting a new sheet every
    ``per_sheet`` rows, each with the frozen, styled header and an autofilter over its rows."""

    def __init__(
        self,
        book: XlsxStream,
        base: str,
        columns: Sequence[StreamColumn],
        per_sheet: int | None = None,
    ) -> None:
        per_sheet = MAX_DATA_ROWS if per_sheet is None else per_sheet
        if not 1 <= per_sheet <= MAX_DATA_ROWS:
            raise ValueError(f"rows per sheet must be 1..{MAX_DATA_ROWS}")
        self.book, self.base, self.columns, self.per_sheet = book, base, list(columns), per_sheet
        self.sheets: list[str] = []
        self.counts: list[int] = []
        self._open = False

    def _new_sheet(self) -> None:
        self._close_sheet()
        name = f"{self.base}_{len(self.sheets) + 1}"
        widths = [c.width for c in self.columns]
        self.book.open_sheet(name, widths, [c.label for c in self.columns])
        self._open = True
        self.sheets.append(name)
        self.counts.append(0)

    def _close_sheet(self) -> None:
        if self._open:
            self.book.close_sheet(len(self.columns), self.counts[-1] + 1)
            self._open = False

    def append(self, columns: Sequence[pa.Array]) -> None:
        """Write the rows of one batch (its columns), continuing on new sheets when full."""
        total, done = len(columns[0]), 0
        while done < total:
            if not self._open or self.counts[-1] >= self.per_sheet:
                self._new_sheet()
            take = min(total - done, self.per_sheet - self.counts[-1])
            part = [c.slice(done, take) for c in columns]
            self.book.write(rows_xml(part, self.columns, self.counts[-1] + 2, self.book.strings))
            self.counts[-1] += take
            done += take

    def close(self) -> None:
        """Finish the last sheet (an empty export still gets one sheet with its header)."""
        if not self._open and not self.sheets:
            self._new_sheet()
        self._close_sheet()


def _widths(first: pa.RecordBatch | None, convert: Callable, labels, units) -> list[float]:
    """Column widths from the first rows, as the workbook writer sizes them."""
    sample = first.slice(0, WIDTH_SAMPLE) if first is not None else None
    rows = (
        [convert(r) for r in zip(*[c.to_pylist() for c in sample.columns], strict=True)]
        if sample is not None and sample.num_rows
        else []
    )
    return [
        column_width(label, [shown_text(r[i], units[i]) for r in rows])
        for i, label in enumerate(labels)
    ]


def _stream_columns(
    columns: Sequence[DetailColumn], lang: str, can_see_personal: bool, widths: list[float]
) -> list[StreamColumn]:
    out = []
    for col, width in zip(columns, widths, strict=True):
        shown = col.kind in privacy.PERSONAL and can_see_personal
        translate = _translator(col, lang) if col.kind and not shown else None
        # Personal data is all different: inline; the rest repeats: the shared-strings table.
        shared = col.kind not in privacy.PERSONAL
        out.append(StreamColumn(t(col.label, lang), col.unit, width, translate, shared))
    return out


def export_detail(
    kind: str,
    info: ExportInfo,
    out_path: Path,
    *,
    limit: int | None = None,
    rows_per_sheet: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: DetailProgress | None = None,
    settings: Settings | None = None,
) -> ExportResult:
    """Export every ``kind`` row ("orders" or "leads") of ``info``'s filters and scope to
    ``out_path`` (atomically), at most ``limit`` rows when given (the benchmark's knob)."""
    if kind not in DETAIL_KINDS:
        raise ValueError(f"unknown detail export {kind!r}; one of {', '.join(DETAIL_KINDS)}")
    if limit is not None and limit < 0:
        raise ValueError("limit must be at least 0")
    query, columns = DETAIL_KINDS[kind]
    lang = info.lang
    settings = settings or data.settings()
    convert = row_converter(columns, lang, info.can_see_personal)
    labels = [t(c.label, lang) for c in columns]
    units = [c.unit for c in columns]
    params: dict[str, object] = {"lang": lang, "row_limit": limit}
    batches = record_batches(settings, query, info.filters, info.scope, params, chunk_rows)
    out_path = Path(out_path)
    with contextlib.closing(batches), atomic_path(out_path) as tmp:
        first = next(batches, None)
        widths = _widths(first, convert, labels, units)
        book = XlsxStream(tmp)
        try:
            writer = SplitWriter(
                book,
                kind,
                _stream_columns(columns, lang, info.can_see_personal, widths),
                rows_per_sheet,
            )
            written = 0
            for batch in itertools.chain([first] if first is not None else [], batches):
                writer.append(batch.columns)
                written += batch.num_rows
                if progress:
                    progress(written)
            writer.close()
            _write_cover(book, info, kind, written, writer)
            book.close()
        except BaseException:
            book.abort()
            raise
    log.info("detail export %s: %d rows in %d sheets", kind, written, len(writer.sheets))
    return ExportResult(out_path, written, tuple(writer.sheets), tuple(writer.counts))


def _write_cover(book: XlsxStream, info: ExportInfo, kind: str, rows: int, writer: SplitWriter):
    lang = info.lang
    sheets = ", ".join(f"{n} ({c:,})" for n, c in zip(writer.sheets, writer.counts, strict=True))
    extra = [
        (t("export.detail.what", lang), t(f"export.detail.kind.{kind}", lang)),
        (t("export.detail.rows", lang), rows),
        (t("export.detail.sheets", lang), sheets),
    ]
    notes = [t("export.detail.split_note", lang)] if len(writer.sheets) > 1 else []
    sheet = cover(info, t(f"export.detail.title.{kind}", lang), extra=extra, notes=notes)
    book.write_cover(sheet)


def detail_info(
    filters: Filters,
    scope: Scope,
    lang: str,
    can_see_personal: bool,
    user: str = "benchmark",
    role: str = "admin",
) -> ExportInfo:
    """An ExportInfo for a detail export outside the dashboard (the benchmark, scripts)."""
    return ExportInfo(
        filters=filters,
        scope=scope,
        user=user,
        role=role,
        lang=lang,
        data_as_of=data.data_as_of(),
        generated_at=datetime.now(),
        can_see_personal=can_see_personal,
    )
