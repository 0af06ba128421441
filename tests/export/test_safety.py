"""Formula injection: text from data that could run as a formula is neutralised; numbers stay."""

from io import BytesIO

import pandas as pd
import pytest

from dashboard.export.safety import MAX_CELL_CHARS, clean_text, neutralise
from dashboard.export.sheet import Column, Sheet
from dashboard.export.workbook import page_tabs, write_workbook
from tests.export.helpers import libreoffice_csv, open_workbook

PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_dangerous_text_gets_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "Li Wei", "1+1", " =1", "a=b", "", "＝1+1"])
def test_harmless_text_is_unchanged(text):
    assert neutralise(text) == text


def test_clean_text_drops_control_characters_then_neutralises():
    assert clean_text("\x01=1+1") == "'=1+1"
    assert clean_text("a\x00b\x1fc") == "abc"
    assert clean_text("line\nbreak") == "line\nbreak"
    long = clean_text("x" * (MAX_CELL_CHARS + 10))
    assert len(long) == MAX_CELL_CHARS and long.endswith("…")


def _sheet() -> Sheet:
    frame = pd.DataFrame(
        {
            "name": PAYLOADS + ["plain"],
            "amount": [-5.5, 1, -2, 3, 4, 5, 6, 7, -8.25],
            "note": ["-", "+", "@", "=", "ok", "ok", "ok", "ok", "ok"],
        }
    )
    columns = (Column("name", "=名称"), Column("amount", "金额", "money"), Column("note", "备注"))
    return Sheet("inject", frame, columns, "-title")


def test_no_formula_reaches_the_workbook(tmp_path):
    buffer = BytesIO()
    write_workbook(buffer, page_tabs([_sheet()]))
    wb = open_workbook(BytesIO(buffer.getvalue()))
    ws = wb["inject"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells), "no formula cells at all"
    names = [ws.cell(3 + i, 1).value for i in range(len(PAYLOADS))]
    # XML reads a carriage return back as a line feed; the quote is what matters.
    assert names == ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    assert ws.cell(2, 1).value == "'=名称" and ws.cell(1, 1).value == "'-title"
    # Negative numbers are numbers, not neutralised text.
    assert ws.cell(3, 2).value == -5.5 and ws.cell(11, 2).value == -8.25
    assert [ws.cell(3 + i, 3).value for i in range(4)] == ["'-", "'+", "'@", "'="]


def test_libreoffice_computes_nothing(tmp_path):
    path = tmp_path / "inject.xlsx"
    write_workbook(path, page_tabs([_sheet()]))
    sheets = libreoffice_csv(path, tmp_path / "csv")
    rows = next(iter(sheets.values()))
    names = [r[0] for r in rows[2 : 2 + len(PAYLOADS)]]
    # Shown as the literal text (with its quote), never evaluated (=1+1 would show 2).
    for shown, payload in zip(names, PAYLOADS, strict=True):
        assert shown.lstrip("'").strip() == payload.strip(), (shown, payload)
        assert shown != "2"
