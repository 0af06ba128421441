"""Streamed detail export: every row of the filters in order, split across sheets beyond the
row limit (never cut), masked personal data unless allowed, real types; on both backends."""

from datetime import date, datetime

import pyarrow as pa
import pytest

from dashboard import privacy
from dashboard.export import detail, options
from dashboard.export.cover import ExportInfo
from dashboard.export.detail import SplitWriter, export_detail
from dashboard.export.xlsx_cells import StreamColumn
from dashboard.export.xlsx_stream import XlsxStream
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from tests.export.expected import detail_leads, detail_orders
from tests.export.helpers import FORMATS, libreoffice_csv, open_workbook

F = Filters(date(2026, 9, 1), date(2026, 11, 15))


ALL = Scope.all()


def info(f=F, scope=ALL, lang="zh", personal=False) -> ExportInfo:
    return ExportInfo(
        f, scope, "cfo@clinic.example", "finance", lang, None, datetime.now(), personal
    )


def data_rows(wb, kind: str) -> list[tuple]:
    rows = []
    for name in wb.sheetnames[1:]:
        assert name.startswith(f"{kind}_")
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        rows.extend(ws.iter_rows(min_row=2))
    return rows


def test_split_writer_continues_on_new_sheets(tmp_path):
    book = XlsxStream(tmp_path / "s.xlsx")
    columns = [StreamColumn("id", "text", 8), StreamColumn("amount", "money", 12)]
    writer = SplitWriter(book, "orders", columns, per_sheet=7)
    for start in (0, 9):  # batches of 9 and 11 rows, across the sheet boundaries
        ids = list(range(start, 20 if start else 9))
        writer.append([pa.array(ids), pa.array([i * 1.5 for i in ids])])
    writer.close()
    book.close()
    assert writer.sheets == ["orders_1", "orders_2", "orders_3"] and writer.counts == [7, 7, 6]
    back = open_workbook(tmp_path / "s.xlsx")
    ids = [r[0].value for name in back.sheetnames for r in back[name].iter_rows(min_row=2)]
    assert ids == list(range(20)), "every row once, in order"
    assert back["orders_3"].auto_filter.ref == "A1:B7"
    assert (
        back["orders_2"].cell(1, 1).value == "id"
        and back["orders_2"].cell(2, 2).number_format == FORMATS["money"]
        and back["orders_2"].cell(2, 2).value == 7 * 1.5
    )
    with pytest.raises(ValueError):
        SplitWriter(book, "x", columns[:1], per_sheet=detail.MAX_DATA_ROWS + 1)


def test_kinds_match_cli_choices():
    assert tuple(detail.DETAIL_KINDS) == options.DETAIL_CHOICES
    assert detail.MAX_DATA_ROWS == 1_048_575


def test_orders_split_in_order_masked_and_typed(warehouse, raw, tmp_path):
    want = detail_orders(raw, F)
    assert len(want) > 500
    out = tmp_path / "orders.xlsx"
    result = export_detail("orders", info(), out, rows_per_sheet=300, chunk_rows=97)
    assert result.rows == len(want)
    assert result.rows_per_sheet == tuple(
        [300] * (len(want) // 300) + ([len(want) % 300] if len(want) % 300 else [])
    )
    wb = open_workbook(out)
    assert wb.sheetnames == [t("export.cover.sheet", "zh"), *result.sheets]
    rows = data_rows(wb, "orders")
    # Ids are written as the source system wrote them: text (leading zeros kept).
    assert [r[0].value for r in rows] == want.order_id.astype(str).tolist()
    assert [r[7].value for r in rows] == pytest.approx(want.amount.astype(float).tolist())
    assert all(r[7].number_format == FORMATS["money"] for r in rows)
    assert [r[1].value for r in rows] == [ts.to_pydatetime() for ts in want.ordered_at]
    assert all(r[1].number_format == FORMATS["datetime"] for r in rows)
    assert [r[9].value for r in rows] == [privacy.mask_name(n) for n in want.name]
    assert [r[10].value for r in rows] == [privacy.mask_phone(p) for p in want.phone]
    assert set(r[10].value for r in rows).isdisjoint(set(want.phone))
    clinic_spec = raw["clinics"].set_index("clinic_id").specialty
    assert [r[4].value for r in rows] == [
        t(f"specialty.{clinic_spec[c]}", "zh") for c in want.clinic_id
    ]
    cover = [c.value for row in wb.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert len(want) in cover and t("export.detail.split_note", "zh") in cover


def test_personal_data_shown_when_allowed_and_scope_applied(warehouse, raw, tmp_path):
    zz = int(raw["cities"].loc[raw["cities"].name_en == "Zhengzhou", "city_id"].iloc[0])
    scope = Scope(frozenset({zz}))
    want = detail_orders(raw, Filters(F.start, F.end, cities=(zz,)))
    out = tmp_path / "zz.xlsx"
    result = export_detail("orders", info(scope=scope, lang="en", personal=True), out)
    assert result.rows == len(want) > 0 and result.sheets == ("orders_1",)
    rows = data_rows(open_workbook(out), "orders")
    assert {r[2].value for r in rows} == {"Zhengzhou"}
    assert [r[9].value for r in rows] == want.name.tolist()
    assert [r[10].value for r in rows] == want.phone.tolist()


def test_leads_with_flags_blanks_and_limit(warehouse, raw, tmp_path):
    f = Filters(date(2026, 11, 1), date(2026, 11, 15), specialties=("eye",))
    want = detail_leads(raw, f)
    out = tmp_path / "leads.xlsx"
    result = export_detail("leads", info(f, lang="en"), out, chunk_rows=50)
    assert result.rows == len(want) > 50
    rows = data_rows(open_workbook(out), "leads")
    assert [r[0].value for r in rows] == want.lead_id.astype(str).tolist()
    assert [r[6].value for r in rows] == ["yes" if v else "no" for v in want.is_returning]
    paid = [r[10].value for r in rows]
    assert [v is None for v in paid] == want.paid_at.isna().tolist()
    deal = [r[11].value for r in rows]
    assert [v is None for v in deal] == want.deal_amount.isna().tolist()
    assert all(isinstance(v, float | int) for v in deal if v is not None)
    limited = export_detail(
        "leads", info(f, lang="en"), tmp_path / "l.xlsx", limit=37, chunk_rows=10
    )
    assert limited.rows == 37 and limited.rows_per_sheet == (37,)


def test_empty_export_and_libreoffice(duckdb_warehouse, raw, tmp_path):
    empty = export_detail(
        "orders", info(Filters(date(2020, 1, 1), date(2020, 1, 31))), tmp_path / "e.xlsx"
    )
    assert empty.rows == 0 and empty.sheets == ("orders_1",)
    out = tmp_path / "split.xlsx"
    result = export_detail("orders", info(lang="en"), out, rows_per_sheet=400)
    read = libreoffice_csv(out, tmp_path / "csv")
    assert set(read) == {t("export.cover.sheet", "en"), *result.sheets}
    counts = [len(read[name]) - 1 for name in result.sheets]
    assert counts == list(result.rows_per_sheet)
    ids = [int(r[0]) for name in result.sheets for r in read[name][1:]]
    assert ids == detail_orders(raw, F).order_id.tolist()


def test_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown detail export"):
        export_detail("patients", info(), tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())
