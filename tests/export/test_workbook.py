"""The workbook writer: real types and formats per unit, styled frozen header, autofilter,
widths for CJK text, Excel tables for stacked tables, native charts; LibreOffice reads it."""

from datetime import date, timedelta
from io import BytesIO

import pandas as pd
import pytest

from dashboard.export.sheet import Column, Sheet
from dashboard.export.workbook import Cover, Tab, atomic_path, page_tabs, write_workbook
from tests.export.helpers import FORMATS, assert_sheet, libreoffice_csv, open_workbook

WEEKS = [date(2026, 9, 7) + timedelta(weeks=i) for i in range(6)]


def trend_sheet() -> Sheet:
    frame = pd.DataFrame(
        {
            "week": WEEKS,
            "impressions": [1_200_000, 1_300_500, 990_000, 1_100_000, 1_250_000, 1_190_000],
            "arrivals": [310, 295, 330, 280, 301, 322],
            "revenue": [1_234_567.5, 1_111_111.0, 999_999.99, 1_300_000.0, 1_250_000.25, 0.0],
            "rate": [0.123, 0.2, None, 0.15, float("nan"), 0.0],
        }
    )
    columns = (
        Column("week", "周", "date"),
        Column("impressions", "曝光量", "count"),
        Column("arrivals", "到院数", "count"),
        Column("revenue", "营业收入", "money"),
        Column("rate", "到院率", "rate"),
    )
    return Sheet("趋势", frame, columns, "每周趋势", ("口径说明：按事件发生时间计入。",))


def mixed_sheet() -> Sheet:
    frame = pd.DataFrame(
        {
            "city": ["郑州", "Luoyang", "乌鲁木齐市第一人民医院眼科中心"],
            "unit": ["money", "rate", "count"],
            "value": [12345.6, 0.256, 42],
            "ratio": [1.5, None, 3.25],
            "days": [2.5, 3.0, None],
            "hours": [10.0, 0.5, 7.25],
            "score": [4.5, 3.75, 5.0],
            "num": [1.5, 2.0, 3.0],
            "when": pd.to_datetime(["2026-11-01 09:30", "2026-11-02 18:00", None]),
        }
    )
    columns = (
        Column("city", "城市"),
        Column("value", "数值", "number"),
        Column("ratio", "ROI", "ratio"),
        Column("days", "天数", "days"),
        Column("hours", "小时", "hours"),
        Column("score", "评分", "score"),
        Column("num", "数", "number"),
        Column("when", "时间", "datetime"),
    )
    return Sheet("混合", frame, columns)


def test_types_formats_header_filter_and_widths():
    buffer = BytesIO()
    result = write_workbook(buffer, page_tabs([trend_sheet(), mixed_sheet()]))
    assert result.sheets == ("趋势", "混合") and result.rows == 9
    wb = open_workbook(BytesIO(buffer.getvalue()))
    for sheet in (trend_sheet(), mixed_sheet()):
        ws = wb[sheet.name]
        assert ws.cell(1, 1).value == (sheet.title or sheet.name)
        assert_sheet(ws, sheet, header_row=2)
        assert ws.freeze_panes == "A3"
        last_col = chr(ord("A") + len(sheet.columns) - 1)
        assert ws.auto_filter.ref == f"A2:{last_col}{2 + len(sheet.frame)}"
    ws = wb["混合"]
    # A number column takes the row's unit when the frame says it (KPI tables).
    assert [ws.cell(r, 2).number_format for r in (3, 4, 5)] == [
        FORMATS["money"],
        FORMATS["rate"],
        FORMATS["count"],
    ]
    # The long Chinese clinic name needs about twice its character count.
    assert ws.column_dimensions["A"].width >= 2 * len("乌鲁木齐市第一人民医院眼科中心")
    notes = wb["趋势"].cell(2 + 6 + 1, 1).value
    assert notes == "口径说明：按事件发生时间计入。"


def test_trend_tables_get_native_charts():
    buffer = BytesIO()
    write_workbook(buffer, page_tabs([trend_sheet(), mixed_sheet()]))
    wb = open_workbook(BytesIO(buffer.getvalue()))
    charts = wb["趋势"]._charts
    # impressions (millions) and arrivals (hundreds) on separate charts; money; rate.
    assert len(charts) == 3
    assert all(c.tagname == "lineChart" for c in charts)
    series = sorted(len(c.series) for c in charts)
    assert series == [1, 1, 2] or series == [1, 1, 1]
    assert not wb["混合"]._charts, "no chart without a date column"


def test_stacked_tables_are_excel_tables_and_cover_first():
    buffer = BytesIO()
    cover = Cover("封面", "周报包", (("期间", "2026-W46"), ("数据截至", date(2026, 11, 15))))
    tabs = [Tab("总览", (trend_sheet(), mixed_sheet()), heading="总览 — 2026-W46")]
    result = write_workbook(buffer, tabs, cover)
    assert result.sheets == ("封面", "总览")
    wb = open_workbook(BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["封面", "总览"]
    assert wb["封面"].cell(3, 2).value == "2026-W46"
    assert wb["封面"].cell(4, 2).number_format == FORMATS["date"]
    ws = wb["总览"]
    assert ws.cell(1, 1).value == "总览 — 2026-W46"
    tables = sorted(ws.tables.values(), key=lambda tb: int(tb.ref.split(":")[0][1:]))
    assert len(tables) == 2
    for table, sheet in zip(tables, (trend_sheet(), mixed_sheet()), strict=True):
        header_row = int(table.ref.split(":")[0][1:])
        assert [c.name for c in table.tableColumns] == [c.label for c in sheet.columns]
        assert_sheet(ws, sheet, header_row)
    assert ws.freeze_panes is None


def test_empty_table_says_so():
    frame = pd.DataFrame({"a": pd.Series([], dtype=float)})
    sheet = Sheet("空", frame, (Column("a", "金额", "money"),))
    buffer = BytesIO()
    result = write_workbook(buffer, page_tabs([sheet]), empty_text="没有数据行。")
    ws = open_workbook(BytesIO(buffer.getvalue()))["空"]
    assert (
        result.rows == 0 and ws.cell(2, 1).value == "金额" and ws.cell(3, 1).value == "没有数据行。"
    )


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with atomic_path(out) as tmp:
        write_workbook(tmp, page_tabs([trend_sheet()]))
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]
    with (
        pytest.raises(FileNotFoundError, match="does not exist"),
        atomic_path(tmp_path / "no" / "x.xlsx"),
    ):
        pass


def test_libreoffice_reads_values_and_formats(tmp_path):
    path = tmp_path / "book.xlsx"
    cover = Cover("封面", "导出", (("期间", "2026-W46"),))
    write_workbook(path, page_tabs([trend_sheet(), mixed_sheet()]), cover)
    raw = libreoffice_csv(path, tmp_path / "raw")
    assert set(raw) == {"封面", "趋势", "混合"}
    rows = raw["趋势"]
    assert rows[1][:3] == ["周", "曝光量", "到院数"]
    assert [float(r[3]) for r in rows[2:8]] == pytest.approx(list(trend_sheet().frame.revenue))
    shown = libreoffice_csv(path, tmp_path / "shown", shown=True)["趋势"]
    assert shown[2][0] == "2026-09-07"
    assert shown[2][1] == "1,200,000"
    assert shown[2][3] == "¥1,234,567.50"
    assert shown[2][4] == "12.3%"
    assert shown[4][4] == ""
