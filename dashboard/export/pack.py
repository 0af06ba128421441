"""The weekly pack: one workbook for a period (an ISO week, or any range) with a cover and
one worksheet per exported page of the registry (``dashboard.navigation``), each page built
with the pack's filters and its default view (the registry's ``build``), written from its
``tables``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from dashboard.export.cover import ExportInfo, cover, period_text
from dashboard.export.sheet import Sheet
from dashboard.export.workbook import Progress, Tab, WorkbookResult, write_workbook
from dashboard.i18n import has, t
from dashboard.navigation import PageSpec, exported
from dashboard.page_context import PageContext
from dashboard.reports.weekly.load import review_week


@dataclass(frozen=True)
class PackResult:
    """The written pack: the workbook's sheets and rows, and the pages included."""

    workbook: WorkbookResult
    included: tuple[str, ...]


def page_title(page_id: str, lang: str) -> str:
    """The page's name in ``lang`` (its id when the catalogue has none yet)."""
    return t(f"page.{page_id}", lang) if has(f"page.{page_id}") else page_id


def context(info: ExportInfo, data_end: date) -> PageContext:
    """The page context of an export: its filters, scope, language and personal-data right."""
    return PageContext(info.filters, info.scope, data_end, info.lang, info.can_see_personal)


def page_sheets(page: PageSpec, info: ExportInfo, data_end: date) -> tuple[list[Sheet], bool]:
    """The page's sheets for the export's filters, and whether its report is empty."""
    report = page.build(context(info, data_end))
    if getattr(report, "is_empty", False):
        return [], True
    return list(page.tables(report, info.lang)), False


def build_pack(
    info: ExportInfo,
    data_end: date,
    target: Path | BinaryIO,
    period_label: str = "",
    progress: Progress | None = None,
) -> PackResult:
    """Load every available page for the pack's period and write the workbook to ``target``."""
    lang = info.lang
    tabs: list[Tab] = []
    included: list[str] = []
    pages = exported()
    for i, page in enumerate(pages):
        title = page_title(page.id, lang)
        if progress:
            progress(i, len(pages) + 1, title)
        blocks, empty = page_sheets(page, info, data_end)
        heading = f"{title} — {period_text(info.filters, lang, period_label)}"
        if page.id == "weekly":
            week = review_week(info.filters, data_end)
            heading += " · " + t("export.pack.review_week", lang, week=week.code)
        lines = (t("state.empty", lang),) if empty else ()
        tabs.append(Tab(title, tuple(blocks), heading, lines))
        included.append(page.id)
    extra = [(t("export.pack.pages", lang), ", ".join(page_title(p, lang) for p in included))]
    sheet = cover(info, t("export.pack.title", lang), period_label, extra)
    if progress:
        progress(len(pages), len(pages) + 1, t("export.progress.writing", lang))
    result = write_workbook(target, tabs, sheet, empty_text=t("export.no_rows", lang))
    if progress:
        progress(len(pages) + 1, len(pages) + 1, "")
    return PackResult(result, tuple(included))
