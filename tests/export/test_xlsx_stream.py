"""The lean streaming xlsx writer: the same cells as the openpyxl writer (values, types,
formats), text neutralised and cleaned, phones masked, sheets spilled, nothing half-written."""

import math
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from dashboard import privacy
from dashboard.export import detail, xlsx_cells
from dashboard.export.cover import ExportInfo
from dashboard.export.detail import SplitWriter, export_detail
from dashboard.export.sheet import Column, Sheet
from dashboard.export.workbook import Cover, page_tabs, write_workbook
from dashboard.export.xlsx_cells import StreamColumn
from dashboard.export.xlsx_stream import XlsxStream
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from tests.export.expected import detail_orders
from tests.export.helpers import FORMATS, TRIGGERS, libreoffice_csv, open_workbook

TRICKY_TEXT = [
    "plain",
    "=SUM(A1:A2)",
    "+8613800138000",
    "-1",
    "@cmd",
    "\tx",
    "\rx",
    "a&b<c>d",
    "ctrl\x01char\x1f",
    "",
    "  spaced  ",
    "全角\u3000",
    "中文 名字",
    "x" * 40_000,
    None,
    "plain",
]
N = len(TRICKY_TEXT)
COLUMNS = {
    "id": ("text", pa.array([1, None, -5, 2**53, *range(N - 4)], pa.int64())),
    "amount": (
        "money",
        pa.array([1.5, None, math.nan, math.inf, 0.1 + 0.2, -100.0, *[7.25] * (N - 6)]),
    ),
    "deal": (
        "money",
        pa.array([Decimal("123.45"), Decimal("-0.10"), None, *[Decimal("1.00")] * (N - 3)]),
    ),
    "when": (
        "datetime",
        pa.array(
            [
                datetime(2026, 11, 22, 13, 45, 7),
                datetime(2026, 1, 1),
                datetime(2026, 3, 4, 5, 6, 7, 891_000),
                None,
                datetime(1999, 12, 31, 23, 59, 59),
                *[datetime(2026, 6, 1, 8, 0)] * (N - 5),
            ],
            pa.timestamp("us"),
        ),
    ),
    "day": ("date", pa.array([date(2026, 2, 3), None, *[date(2020, 1, 1)] * (N - 2)])),
    "count": ("count", pa.array([3, 0, None, *[12_345] * (N - 3)], pa.int32())),
    "rate": ("rate", pa.array([0.125, None, *[0.5] * (N - 2)])),
    "flag": ("text", pa.array([True, False, None, *[True] * (N - 3)])),
    "inline": ("text", pa.array(TRICKY_TEXT, pa.string())),
    "shared": ("text", pa.array(TRICKY_TEXT, pa.string())),
}


COVER = Cover(
    "封面",
    "明细导出 =title",
    (("行数", N), ("生成时间", datetime(2026, 1, 2, 3, 4)), ("筛选", "全部城市、@all")),
    ("数据分布在多个工作表。",),
)


def stream_columns() -> list[StreamColumn]:
    return [
        StreamColumn(key, unit, 12.0, shared=(key == "shared"))
        for key, (unit, _) in COLUMNS.items()
    ]


def write_stream(path, per_sheet=None, batch=5) -> SplitWriter:
    book = XlsxStream(path)
    writer = SplitWriter(book, "rows", stream_columns(), per_sheet)
    arrays = [arr for _, arr in COLUMNS.values()]
    for start in range(0, N, batch):
        writer.append([a.slice(start, batch) for a in arrays])
    writer.close()
    book.write_cover(COVER)
    book.close()
    return writer


def reference(path) -> None:
    """The same table through the openpyxl writer of page exports (the behaviour to keep)."""
    frame = pd.DataFrame({key: arr.to_pylist() for key, (_, arr) in COLUMNS.items()})
    cols = tuple(Column(key, key, unit) for key, (unit, _) in COLUMNS.items())
    write_workbook(path, page_tabs([Sheet("rows", frame, cols)]), cover=COVER)


def test_cells_equal_the_openpyxl_writer(tmp_path):
    write_stream(tmp_path / "new.xlsx")
    reference(tmp_path / "old.xlsx")
    new, old = open_workbook(tmp_path / "new.xlsx"), open_workbook(tmp_path / "old.xlsx")
    assert new.sheetnames == ["封面", "rows_1"]
    ws, ref = new["rows_1"], old["rows"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:J{N + 1}"
    header = ws.cell(1, 1)
    assert header.value == "id" and header.font.bold and header.fill.fgColor.rgb.endswith("1F4E79")
    for c, key in enumerate(COLUMNS, start=1):
        for r in range(N):
            got, want = ws.cell(r + 2, c), ref.cell(r + 3, c)  # the reference has a title row
            where = f"{key} row {r}: {got.value!r} vs {want.value!r}"
            assert type(got.value) is type(want.value) and got.value == want.value, where
            assert got.number_format == want.number_format, where
            assert got.data_type == want.data_type, where
        assert ws.cell(N + 2, c).value is None
    got_cover, want_cover = new["封面"], old["封面"]
    assert got_cover.max_row == want_cover.max_row and got_cover.max_column == 2
    for row in want_cover.iter_rows():
        for want in row:
            got = got_cover[want.coordinate]
            size = (got.font.sz or 11, want.font.sz or 11)  # 11: the default size
            assert (got.value, got.number_format, got.font.b, got.font.i, size[0]) == (
                want.value,
                want.number_format,
                want.font.b,
                want.font.i,
                size[1],
            ), want.coordinate
    for col in "AB":
        assert got_cover.column_dimensions[col].width == want_cover.column_dimensions[col].width


def test_types_formats_and_neutralised_text(tmp_path):
    write_stream(tmp_path / "s.xlsx", batch=3)
    ws = open_workbook(tmp_path / "s.xlsx")["rows_1"]
    assert ws.cell(2, 1).value == 1 and ws.cell(5, 1).value == 2**53
    assert ws.cell(3, 1).value is None, "a null is an empty cell"
    assert ws.cell(2, 2).value == 1.5 and ws.cell(2, 2).number_format == FORMATS["money"]
    assert ws.cell(4, 2).value is None and ws.cell(5, 2).value is None, "NaN and inf: empty"
    assert ws.cell(2, 3).value == 123.45 and ws.cell(3, 3).value == -0.1
    assert ws.cell(2, 4).value == datetime(2026, 11, 22, 13, 45, 7)
    assert ws.cell(4, 4).value == datetime(2026, 3, 4, 5, 6, 7, 891_000)
    assert ws.cell(2, 4).number_format == FORMATS["datetime"]
    assert (
        ws.cell(2, 5).value == datetime(2026, 2, 3)
        and ws.cell(2, 5).number_format == (FORMATS["date"])
    )
    assert ws.cell(2, 6).number_format == FORMATS["count"] and ws.cell(2, 6).value == 3
    assert ws.cell(2, 7).value == 0.125 and ws.cell(2, 7).number_format == FORMATS["rate"]
    for col in (9, 10):
        texts = [ws.cell(r + 2, col).value for r in range(N)]
        for value, got in zip(TRICKY_TEXT, texts, strict=True):
            if not value:
                assert got is None
            elif value.startswith(TRIGGERS):
                # as with openpyxl, XML reads a carriage return back as a line feed
                assert got == "'" + value.replace("\r", "\n")
            elif "\x01" in value:
                assert got == "ctrlchar"
            elif len(value) > 32_767:
                assert len(got) == 32_767 and got.endswith("…")
            else:
                assert got == value, "spaces and markup kept as text"
        assert not any(isinstance(v, str) and v.startswith(TRIGGERS) for v in texts)
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        shared = z.read("xl/sharedStrings.xml").decode()
    assert "<t>plain</t>" in shared and shared.count("plain") == 1, "repeated text stored once"


def test_shared_strings_table_overflows_to_inline(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_cells, "MAX_SHARED", 2)
    write_stream(tmp_path / "small.xlsx")
    reference(tmp_path / "old.xlsx")
    ws, ref = open_workbook(tmp_path / "small.xlsx")["rows_1"], open_workbook(tmp_path / "old.xlsx")
    assert [ws.cell(r + 2, 10).value for r in range(N)] == [
        ref["rows"].cell(r + 3, 10).value for r in range(N)
    ]


def test_spill_across_sheets_and_libreoffice_reads_it(tmp_path):
    writer = write_stream(tmp_path / "spill.xlsx", per_sheet=4, batch=3)
    assert writer.sheets == [f"rows_{i}" for i in range(1, 5)] and writer.counts == [4, 4, 4, 4]
    wb = open_workbook(tmp_path / "spill.xlsx")
    assert wb.sheetnames == ["封面", *writer.sheets]
    counts = [wb[n].max_row - 1 for n in writer.sheets]
    assert counts == [4, 4, 4, 4]
    assert wb["rows_4"].auto_filter.ref == "A1:J5" and wb["rows_2"].cell(1, 9).value == "inline"
    read = libreoffice_csv(tmp_path / "spill.xlsx", tmp_path / "csv")
    assert set(read) == {"封面", *writer.sheets}
    ids = [row[0] for name in writer.sheets for row in read[name][1:]]
    want = COLUMNS["id"][1].to_pylist()
    assert [v == "" for v in ids] == [v is None for v in want]
    got = [float(v) for v in ids if v]
    assert got == pytest.approx([v for v in want if v is not None], rel=1e-14)
    texts = [row[8] for name in writer.sheets for row in read[name][1:]]
    assert texts[1] == "'=SUM(A1:A2)" and texts[7] == "a&b<c>d"


def test_rows_outside_an_open_sheet_are_refused_at_once(tmp_path):
    """Writing or closing with no data sheet open fails on the caller's thread, not later."""
    book = XlsxStream(tmp_path / "none.xlsx")
    with pytest.raises(RuntimeError, match="no data sheet is open"):
        book.write(b'<row r="2"/>')
    with pytest.raises(RuntimeError, match="no data sheet is open"):
        book.close_sheet(1, 1)
    book.open_sheet("s", [10.0], ["a"])
    book.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>')
    book.close_sheet(1, 2)
    book.close()
    assert [r[0].value for r in open_workbook(tmp_path / "none.xlsx")["s"].iter_rows()] == [
        "a",
        "x",
    ]


def test_phones_masked_in_the_written_file(tmp_path):
    phones = ["13812345678", "=13812345678", None, "12", "13812345678"]
    book = XlsxStream(tmp_path / "p.xlsx")
    column = StreamColumn("phone", "text", 14, translate=privacy.mask_phone)
    writer = SplitWriter(book, "p", [column])
    writer.append([pa.array(phones)])
    writer.close()
    book.close()
    cells = [r[0].value for r in open_workbook(tmp_path / "p.xlsx")["p_1"].iter_rows(min_row=2)]
    assert cells == ["138****5678", "*" * 10 + "78", None, "*12", "138****5678"]
    with zipfile.ZipFile(tmp_path / "p.xlsx") as z:
        raw = b"".join(z.read(n) for n in z.namelist())
    assert b"13812345678" not in raw and b"12345678" not in raw


F = Filters(date(2026, 9, 1), date(2026, 11, 15))


def info(lang="en") -> ExportInfo:
    return ExportInfo(F, Scope.all(), "cfo@clinic.example", "finance", lang, None, datetime.now())


def test_detail_export_spills_at_the_patched_sheet_limit(duckdb_warehouse, raw, tmp_path):
    want = detail_orders(raw, F)
    detail_limit = 1_000
    assert len(want) > 2 * detail_limit
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(detail, "MAX_DATA_ROWS", detail_limit)
        result = export_detail("orders", info(), tmp_path / "o.xlsx", chunk_rows=777)
    full, rest = divmod(len(want), detail_limit)
    assert result.rows_per_sheet == tuple([detail_limit] * full + ([rest] if rest else []))
    wb = open_workbook(tmp_path / "o.xlsx")
    assert wb.sheetnames == [t("export.cover.sheet", "en"), *result.sheets]
    ids = [r[0].value for n in result.sheets for r in wb[n].iter_rows(min_row=2)]
    assert ids == want.order_id.astype(str).tolist()  # ids as the source wrote them: text
    phones = {r[10].value for n in result.sheets for r in wb[n].iter_rows(min_row=2)}
    assert phones == {privacy.mask_phone(p) for p in want.phone}


def test_failed_export_leaves_no_file(duckdb_warehouse, tmp_path, monkeypatch):
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("disk full")
        return xlsx_cells.rows_xml(*args)

    monkeypatch.setattr(detail, "rows_xml", failing)
    out = tmp_path / "o.xlsx"
    out.write_bytes(b"previous export")
    with pytest.raises(RuntimeError, match="disk full"):
        export_detail("orders", info(), out, chunk_rows=100)
    assert out.read_bytes() == b"previous export", "the previous file is untouched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.xlsx"], "no temporary file left"
