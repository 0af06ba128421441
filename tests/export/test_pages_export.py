"""Every page's own export (the button's workbook): each table the page shows, typed and
formatted, one worksheet per table after the cover; LibreOffice opens every one of them."""

from datetime import date
from io import BytesIO

import pytest

from dashboard import data, navigation
from dashboard.auth import Viewer
from dashboard.export import pack, service
from dashboard.export.formats import safe_sheet_name
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from tests.export.helpers import assert_sheet, libreoffice_csv, open_workbook

F = Filters(date(2026, 10, 12), date(2026, 11, 15))
PAGES = [p.id for p in navigation.exported()]


def page_sheets(page_id: str, info) -> list:
    page = navigation.page(page_id)
    sheets, empty = pack.page_sheets(page, info, data.data_as_of().date())
    assert not empty, f"{page_id} has data in the test chain"
    return sheets


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page_id", PAGES)
def test_page_workbook_matches_page_sheets(duckdb_warehouse, page_id, lang, tmp_path):
    viewer = Viewer(user="manager@clinic.example", role="manager", scope=Scope.all())
    info = service.export_info(viewer, F, lang)
    sheets = page_sheets(page_id, info)
    content = service.page_bytes(info, page_id, sheets, None)
    wb = open_workbook(BytesIO(content))
    used = {t("export.cover.sheet", lang).lower()}
    names = [safe_sheet_name(s.name, used) for s in sheets]
    assert wb.sheetnames == [t("export.cover.sheet", lang), *names]
    for name, sheet in zip(names, sheets, strict=True):
        assert_sheet(wb[name], sheet, header_row=2)
    if lang == "en":
        path = tmp_path / f"{page_id}.xlsx"
        path.write_bytes(content)
        read = libreoffice_csv(path, tmp_path / "csv")
        assert len(read) == len(sheets) + 1
