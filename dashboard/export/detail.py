"""Streamed detail export: every order or lead of the filters, row by row, into a workbook.

Rows come from the warehouse in chunks (a server-side cursor where the driver has one) and go
straight into openpyxl's write-only sheets, so memory stays bounded however many rows there
are. Excel holds 1,048,576 rows per sheet: beyond that the rows continue on the next sheet
(orders_1, orders_2, …); nothing is ever cut off. Names and phones are masked through
``dashboard.privacy`` unless the viewer may see them. A cover sheet says what the file holds.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from dashboard import data, privacy
from dashboard.export.cover import ExportInfo, cover
from dashboard.export.formats import column_width, excel_value, number_format, shown_text
from dashboard.export.workbook import atomic_path, header_cell, write_cover
from dashboard.filters import Filters, Scope
from dashboard.i18n import has, t
from dashboard.settings import Settings
from dashboard.warehouse import engine as wh
from dashboard.warehouse import sqlfiles

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


def _translator(col: DetailColumn, lang: str) -> Callable[[object], object]:
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
    """Appends rows to ``<base>_1``, ``<base>_2``, … starting a new sheet every ``per_sheet``
    rows, each with the frozen, styled header and an autofilter over its rows."""

    def __init__(
        self,
        wb: Workbook,
        base: str,
        labels: Sequence[str],
        units: Sequence[str],
        widths: Sequence[float],
        per_sheet: int = MAX_DATA_ROWS,
    ) -> None:
        if not 1 <= per_sheet <= MAX_DATA_ROWS:
            raise ValueError(f"rows per sheet must be 1..{MAX_DATA_ROWS}")
        self.wb, self.base, self.labels, self.units = wb, base, list(labels), list(units)
        self.widths, self.per_sheet = list(widths), per_sheet
        self.sheets: list[str] = []
        self.counts: list[int] = []
        self._ws = None
        self._cells: list[WriteOnlyCell] = []

    def _new_sheet(self) -> None:
        self._close_sheet()
        name = f"{self.base}_{len(self.sheets) + 1}"
        ws = self.wb.create_sheet(name)
        for i, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        ws.append([header_cell(ws, label) for label in self.labels])
        self._ws = ws
        # One reusable cell per column: openpyxl serialises each row as it is appended.
        self._cells = []
        for unit in self.units:
            cell = WriteOnlyCell(ws)
            if number_format(unit) != "General":
                cell.number_format = number_format(unit)
            self._cells.append(cell)
        self.sheets.append(name)
        self.counts.append(0)

    def _close_sheet(self) -> None:
        if self._ws is not None:
            last = max(self.counts[-1] + 1, 1)
            self._ws.auto_filter.ref = f"A1:{get_column_letter(len(self.labels))}{last}"

    def append(self, values: Sequence[object]) -> None:
        """Write one row, on a new sheet when the current one is full."""
        if self._ws is None or self.counts[-1] >= self.per_sheet:
            self._new_sheet()
        row: list[WriteOnlyCell | None] = []
        for cell, value in zip(self._cells, values, strict=True):
            if value is None:
                row.append(None)
                continue
            cell.value = value
            row.append(cell)
        self._ws.append(row)
        self.counts[-1] += 1

    def close(self) -> None:
        """Finish the last sheet (an empty export still gets one sheet with its header)."""
        if self._ws is None:
            self._new_sheet()
        self._close_sheet()


def stream_rows(
    settings: Settings,
    query: str,
    filters: Filters,
    scope: Scope,
    params: dict[str, object],
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[Sequence[Sequence[object]]]:
    """Chunks of result rows of a named query, read with a streaming cursor."""
    dialect = (
        "duckdb"
        if settings.is_duckdb
        else sa.engine.make_url(settings.warehouse_url).get_backend_name()
    )
    rendered = sqlfiles.render(query, filters, scope, params, dialect=dialect)
    bound = {
        k: list(v) if isinstance(v, tuple | frozenset | set) else v
        for k, v in rendered.params.items()
    }
    engine = wh.get_engine(settings)
    with engine.connect() as conn:
        streaming = conn.execution_options(stream_results=True, yield_per=chunk_rows)
        result = streaming.execute(sqlfiles.to_statement(rendered), bound)
        try:
            while True:
                chunk = result.fetchmany(chunk_rows)
                if not chunk:
                    return
                yield chunk
        finally:
            result.close()


def _limited(chunks: Iterable[Sequence], limit: int | None) -> Iterator[Sequence]:
    left = limit
    for chunk in chunks:
        if left is not None:
            chunk = chunk[:left]
            left -= len(chunk)
        if chunk:
            yield chunk
        if left is not None and left <= 0:
            return


def export_detail(
    kind: str,
    info: ExportInfo,
    out_path: Path,
    *,
    limit: int | None = None,
    rows_per_sheet: int = MAX_DATA_ROWS,
    chunk_rows: int = CHUNK_ROWS,
    progress: DetailProgress | None = None,
    settings: Settings | None = None,
) -> ExportResult:
    """Export every ``kind`` row ("orders" or "leads") of ``info``'s filters and scope to
    ``out_path`` (atomically), at most ``limit`` rows when given (the benchmark's knob)."""
    if kind not in DETAIL_KINDS:
        raise ValueError(f"unknown detail export {kind!r}; one of {', '.join(DETAIL_KINDS)}")
    query, columns = DETAIL_KINDS[kind]
    lang = info.lang
    settings = settings or data.settings()
    convert = row_converter(columns, lang, info.can_see_personal)
    labels = [t(c.label, lang) for c in columns]
    units = [c.unit for c in columns]
    stream = stream_rows(settings, query, info.filters, info.scope, {"lang": lang}, chunk_rows)
    chunks = _limited(stream, limit)
    out_path = Path(out_path)
    with contextlib.closing(stream), atomic_path(out_path) as tmp:
        wb = Workbook(write_only=True)
        cover_ws_name = t("export.cover.sheet", lang)
        first = next(chunks, [])
        converted = [convert(r) for r in first]
        widths = [
            column_width(label, [shown_text(r[i], units[i]) for r in converted[:2000]])
            for i, label in enumerate(labels)
        ]
        # The cover comes first but is filled at the end, when the counts are known.
        cover_ws = wb.create_sheet(cover_ws_name)
        writer = SplitWriter(wb, kind, labels, units, widths, rows_per_sheet)
        written = 0
        for rows in _chain_first(converted, chunks, convert):
            for values in rows:
                writer.append(values)
            written += len(rows)
            if progress:
                progress(written)
        writer.close()
        _fill_cover(wb, cover_ws, info, kind, written, writer)
        wb.save(tmp)
    log.info("detail export %s: %d rows in %d sheets", kind, written, len(writer.sheets))
    return ExportResult(out_path, written, tuple(writer.sheets), tuple(writer.counts))


def _chain_first(
    first: list[list[object]], chunks: Iterable[Sequence], convert: Callable
) -> Iterator[list[list[object]]]:
    if first:
        yield first
    for chunk in chunks:
        yield [convert(r) for r in chunk]


def _fill_cover(wb: Workbook, ws, info: ExportInfo, kind: str, rows: int, writer: SplitWriter):
    lang = info.lang
    sheets = ", ".join(f"{n} ({c:,})" for n, c in zip(writer.sheets, writer.counts, strict=True))
    extra = [
        (t("export.detail.what", lang), t(f"export.detail.kind.{kind}", lang)),
        (t("export.detail.rows", lang), rows),
        (t("export.detail.sheets", lang), sheets),
    ]
    notes = [t("export.detail.split_note", lang)] if len(writer.sheets) > 1 else []
    sheet = cover(info, t(f"export.detail.title.{kind}", lang), extra=extra, notes=notes)
    write_cover(wb, sheet, set(), ws=ws)


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
