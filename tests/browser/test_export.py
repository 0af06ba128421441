"""The "Export to Excel" button delivers a workbook that opens, holding what the page shows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from dashboard.filters import Scope
from dashboard.i18n import t
from dashboard.metrics.registry import OVERVIEW_KPIS, kpi
from dashboard.reports.overview import load as overview
from tests.browser import helpers as h

pytestmark = pytest.mark.browser

# Every page but the audit log (admins' record of who did what, not a report to rework), data
# health (a checklist for whoever loads the data: `opsdash load` prints it; not a report), the
# load history (`opsdash loads` prints it) and the overview, whose workbook the test below opens
# in both languages and checks number by number.
EXPORT_PAGES = tuple(p for p in h.PAGE_IDS if p not in ("audit", "health", "loads", "overview"))


def download_workbook(page, lang: str, folder: Path) -> tuple[Path, openpyxl.Workbook]:
    """Click the page's Excel button (found by its catalogue label) and open the file."""
    button = page.get_by_role("button", name=t("export.button", lang), exact=True)
    assert button.count() == 1, f"no single {t('export.button', lang)!r} button on {page.url}"
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = folder / download.suggested_filename
    download.save_as(path)
    return path, openpyxl.load_workbook(path)


def _cover_checks(book: openpyxl.Workbook, page_id: str, lang: str) -> None:
    assert book.sheetnames[0] == t("export.cover.sheet", lang), book.sheetnames
    assert len(book.sheetnames) >= 2, f"{page_id}: the workbook holds no table"
    cover = book.worksheets[0]
    assert cover["A1"].value == t("export.page_title", lang, page=h.title_of(page_id, lang))


@pytest.mark.parametrize("page_id", EXPORT_PAGES)
def test_excel_download_opens(page, base_url, tmp_path, page_id):
    """Each page's button delivers an .xlsx that openpyxl opens: a cover and the page's tables."""
    lang = "en"
    h.open_page(page, h.page_url(base_url, page_id, lang), h.title_of(page_id, lang))
    _path, book = download_workbook(page, lang, tmp_path)
    _cover_checks(book, page_id, lang)
    for sheet in book.worksheets[1:]:
        assert sheet.max_row >= 2, f"{page_id}: sheet {sheet.title!r} is empty"
    assert not h.exception_texts(page)
    assert not page.console.errors, page.console.errors


def _table(sheet, first_header: str) -> list[dict[str, object]]:
    """The rows under the header row that starts with ``first_header``, up to a blank row."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = rows[start]
    out = []
    for r in rows[start + 1 :]:
        if r[0] is None or all(v is None for v in r[1:]):
            break
        out.append(dict(zip(header, r, strict=False)))
    return out


@pytest.mark.parametrize("lang", h.LANGS)
def test_overview_workbook_holds_the_query_layers_numbers(
    page, base_url, query_layer, tmp_path, lang
):
    """With a narrowed view, the downloaded KPI sheet equals dashboard.reports.overview.load.load."""
    filters, query = h.view_filters("narrowed", lang)
    report = overview.load(filters, Scope.all())
    h.open_page(page, h.page_url(base_url, "overview", lang, **query), h.title_of("overview", lang))
    _path, book = download_workbook(page, lang, tmp_path)
    _cover_checks(book, "overview", lang)
    sheet = book[t("export.overview.kpi_sheet", lang)]
    rows = {
        r[t("export.overview.kpi", lang)]: r for r in _table(sheet, t("export.overview.kpi", lang))
    }
    assert set(rows) == {kpi(k).name(lang) for k in OVERVIEW_KPIS}
    current = t("export.overview.current", lang, start=filters.start, end=filters.end)
    for kpi_id in OVERVIEW_KPIS:
        want = report.deltas[kpi_id].current
        got = rows[kpi(kpi_id).name(lang)][current]
        assert got == (None if want is None else pytest.approx(float(want), rel=1e-9)), kpi_id
