"""Exports as the dashboard and the command line run them: build, then record in the audit log.

Both callers pass who is exporting (a Viewer: user, role, city scope, personal-data right)
and the filters; the scope narrows every query and personal data stays masked unless the
role allows it. Every finished export is recorded (who, what, filters, rows).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from dashboard import audit, data
from dashboard.auth import Viewer
from dashboard.export import detail as detail_export
from dashboard.export import pack as pack_export
from dashboard.export.cover import ExportInfo, cover
from dashboard.export.sheet import Sheet
from dashboard.export.workbook import Progress, page_tabs, write_workbook
from dashboard.filters import Filters
from dashboard.i18n import t


def export_info(
    viewer: Viewer, filters: Filters, lang: str, data_as_of: datetime | None = None
) -> ExportInfo:
    """The context of an export by ``viewer`` (data as of is read when not given)."""
    return ExportInfo(
        filters=filters,
        scope=viewer.scope,
        user=viewer.user,
        role=viewer.role,
        lang=lang,
        data_as_of=data_as_of if data_as_of is not None else data.data_as_of(),
        generated_at=datetime.now(),
        can_see_personal=viewer.can_see_personal,
    )


def record(audit_url: str | None, info: ExportInfo, what: str, rows: int) -> None:
    """One audit event for a finished export (skipped when no audit store is given)."""
    if audit_url:
        audit.record(audit_url, info.user, info.role, "export", what, info.filters, rows)


def page_bytes(info: ExportInfo, page_id: str, sheets: list[Sheet], audit_url: str | None) -> bytes:
    """A page's workbook (cover + one worksheet per table) as bytes, recorded when written."""
    info = replace(info, generated_at=datetime.now())
    title = t("export.page_title", info.lang, page=pack_export.page_title(page_id, info.lang))
    buffer = BytesIO()
    result = write_workbook(
        buffer, page_tabs(sheets), cover(info, title), empty_text=t("export.no_rows", info.lang)
    )
    record(audit_url, info, f"page:{page_id}", result.rows)
    return buffer.getvalue()


def pack(
    info: ExportInfo,
    data_end: date,
    target: Path | BinaryIO,
    audit_url: str | None,
    period_label: str = "",
    progress: Progress | None = None,
) -> pack_export.PackResult:
    """The weekly pack for ``info``'s period, written to ``target`` and recorded."""
    result = pack_export.build_pack(info, data_end, target, period_label, progress)
    what = period_label or f"{info.filters.start.isoformat()}..{info.filters.end.isoformat()}"
    record(audit_url, info, f"pack:{what}", result.workbook.rows)
    return result


def detail(
    kind: str,
    info: ExportInfo,
    out_path: Path,
    audit_url: str | None,
    progress: detail_export.DetailProgress | None = None,
) -> detail_export.ExportResult:
    """A streamed detail export of ``kind`` to ``out_path`` (atomically), recorded."""
    result = detail_export.export_detail(kind, info, out_path, progress=progress)
    record(audit_url, info, f"detail:{kind}", result.rows)
    return result
