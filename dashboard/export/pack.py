"""The weekly pack: one workbook for a period (an ISO week, or any range) with a cover and
one worksheet per page, each page's report loaded with the pack's filters and default options.

The registry below maps a page id to its report module and how to call its ``load``; a page
whose report module (or its ``sheets``) does not exist yet is skipped with a note on the cover.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from dashboard.export.cover import ExportInfo, cover, period_text
from dashboard.export.sheet import Sheet
from dashboard.export.workbook import Progress, Tab, WorkbookResult, write_workbook
from dashboard.filters import Filters
from dashboard.i18n import has, t
from dashboard.metrics.periods import Period, last_complete_week


@dataclass(frozen=True)
class PackPage:
    """One page of the pack: its id, report module, and how to load it with defaults."""

    id: str
    module: str
    load: Callable[[ModuleType, ExportInfo, date], object]


def review_week(filters: Filters, data_end: date) -> Period:
    """The week the weekly review covers in a pack: the last complete week in the period."""
    return last_complete_week(min(filters.end, data_end))


def target_period(filters: Filters) -> tuple[str, str]:
    """The scorecard's (kind, code) for the pack's period: the week, month, quarter or year
    it spans exactly, else the month the period ends in."""
    from dashboard.metrics.periods import period_containing

    for kind in ("week", "month", "quarter", "year"):
        p = period_containing(kind, filters.start)
        if (p.start, p.end) == (filters.start, filters.end):
            return kind, p.code
    return "month", period_containing("month", filters.end).code


def _weekly(m: ModuleType, info: ExportInfo, data_end: date) -> object:
    week = review_week(info.filters, data_end).code
    return m.load(info.filters, info.scope, week_code=week, data_end=data_end)


def _scorecard(m: ModuleType, info: ExportInfo, data_end: date) -> object:
    kind, code = target_period(info.filters)
    opts = m.options(info.filters, info.scope, data_end)
    return m.load(info.filters, info.scope, kind, code, opts.default_scope, data_end)


PACK_PAGES: tuple[PackPage, ...] = (
    PackPage("overview", "dashboard.reports.overview", lambda m, i, d: m.load(i.filters, i.scope)),
    PackPage("weekly", "dashboard.reports.weekly", _weekly),
    PackPage("funnel", "dashboard.reports.funnel", lambda m, i, d: m.load(i.filters, i.scope)),
    PackPage(
        "channels",
        "dashboard.reports.channels",
        lambda m, i, d: m.load(i.filters, i.scope, data_end=d),
    ),
    PackPage(
        "experiments", "dashboard.reports.experiments", lambda m, i, d: m.load(i.filters, i.scope)
    ),
    PackPage(
        "referrers",
        "dashboard.reports.referrers",
        lambda m, i, d: m.load(i.filters, i.scope, personal=i.can_see_personal),
    ),
    PackPage("members", "dashboard.reports.members", lambda m, i, d: m.load(i.filters, i.scope)),
    PackPage("scorecard", "dashboard.reports.scorecard", _scorecard),
    PackPage("regions", "dashboard.reports.regions", lambda m, i, d: m.load(i.filters, i.scope)),
)


@dataclass(frozen=True)
class PackResult:
    """The written pack: the workbook's sheets and rows, pages included and skipped."""

    workbook: WorkbookResult
    included: tuple[str, ...]
    skipped: tuple[str, ...]


def page_title(page_id: str, lang: str) -> str:
    """The page's name in ``lang`` (its id when the catalogue has none yet)."""
    return t(f"page.{page_id}", lang) if has(f"page.{page_id}") else page_id


def report_module(page: PackPage) -> ModuleType | None:
    """The page's report module when it exists and offers ``load`` and ``sheets``."""
    try:
        module = importlib.import_module(page.module)
    except ModuleNotFoundError as exc:
        if exc.name != page.module:
            raise
        return None
    ok = callable(getattr(module, "load", None)) and callable(getattr(module, "sheets", None))
    return module if ok else None


def page_sheets(page: PackPage, info: ExportInfo, data_end: date) -> tuple[list[Sheet], bool]:
    """The page's sheets for the pack's filters, and whether its report is empty."""
    module = report_module(page)
    if module is None:
        raise LookupError(page.id)
    report = page.load(module, info, data_end)
    if getattr(report, "is_empty", False):
        return [], True
    return list(module.sheets(report, info.lang)), False


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
    included, skipped, notes = [], [], []
    pages = [p for p in PACK_PAGES if report_module(p) is not None]
    for p in PACK_PAGES:
        if p not in pages:
            skipped.append(p.id)
            notes.append(t("export.pack.skipped", lang, page=page_title(p.id, lang)))
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
    sheet = cover(info, t("export.pack.title", lang), period_label, extra, notes)
    if progress:
        progress(len(pages), len(pages) + 1, t("export.progress.writing", lang))
    result = write_workbook(target, tabs, sheet, empty_text=t("export.no_rows", lang))
    if progress:
        progress(len(pages) + 1, len(pages) + 1, "")
    return PackResult(result, tuple(included), tuple(skipped))
