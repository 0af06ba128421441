"""The overview's export: its KPI and weekly-trend sheets against pandas over the raw rows,
and the workbook the page's button downloads, on DuckDB and PostgreSQL."""

from datetime import date
from io import BytesIO

import pytest

from dashboard.auth import Viewer
from dashboard.export import service
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.reports.overview import load as overview
from dashboard.reports.overview import tables as overview_tables
from tests.export.expected import weekly_trends
from tests.export.helpers import FORMATS, assert_sheet, open_workbook

PERIODS = [
    Filters(date(2026, 10, 19), date(2026, 11, 15)),
    Filters(date(2026, 10, 1), date(2026, 10, 31), specialties=("dental",), channels=(1, 2, 3)),
]
SERIES = ("impressions", "inquiries", "arrivals", "paid_deals", "revenue", "spend")


@pytest.mark.parametrize("f", PERIODS, ids=["4-weeks", "month-dental"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_sheets_and_workbook(warehouse, raw, f, lang):
    report = overview.load(f, Scope.all())
    kpis, trends = overview_tables.sheets(report, lang)

    want = weekly_trends(raw, f)
    assert [c.key for c in trends.columns] == ["week_start", *SERIES]
    got = trends.frame.reset_index(drop=True)
    assert [str(d)[:10] for d in got.week_start] == [str(d)[:10] for d in want.week_start]
    for col in SERIES:
        assert got[col].astype(float).tolist() == pytest.approx(want[col].tolist()), col

    before = weekly_trends(raw, f.previous())
    rows = kpis.frame.set_index("kpi")
    for key in SERIES:
        row = rows.loc[t(f"kpi.{key}", lang)]
        now, then = float(want[key].sum()), float(before[key].sum())
        assert row.current == pytest.approx(now) and row.previous == pytest.approx(then)
        assert row.change == pytest.approx(now - then)
        assert row.change_pct == pytest.approx((now - then) / then)

    viewer = Viewer(user="cfo@clinic.example", role="finance", scope=Scope.all())
    info = service.export_info(viewer, f, lang)
    wb = open_workbook(BytesIO(service.page_bytes(info, "overview", [kpis, trends], None)))
    assert wb.sheetnames == [t("export.cover.sheet", lang), kpis.name, trends.name]
    assert_sheet(wb[kpis.name], kpis, header_row=2)
    assert_sheet(wb[trends.name], trends, header_row=2)
    ws = wb[trends.name]
    assert ws.cell(3, 1).number_format == FORMATS["date"]
    assert ws.cell(3, 6).number_format == FORMATS["money"]
    assert len(ws._charts) >= 2, "native line charts beside the weekly table"
    cover = {r[0].value: r[1].value for r in wb.worksheets[0].iter_rows(min_row=3) if r[0].value}
    assert cover[t("export.cover.generated_by", lang)].startswith("cfo@clinic.example")
    assert cover[t("export.cover.scope", lang)] == t("export.cover.scope_all", lang)
    assert str(f.start) in cover[t("export.cover.period", lang)]
