"""Reading files: encodings, workbooks, and files that cannot be read at all."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from dashboard.loading import load_directory
from dashboard.loading.reading import decode


def _csv_text(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _names(read_tables, settings) -> list[str]:
    return read_tables(settings, ["cities"])["cities"]["name_zh"].tolist()


def test_gbk_csv_as_chinese_excel_writes_it(loaded_settings, tmp_path, sample_rows, read_tables):
    sample_rows["cities"][0]["name_zh"] = "郑州（新）"
    folder = tmp_path / "gbk"
    folder.mkdir()
    data = _csv_text(sample_rows["cities"]).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (folder / "cities.csv").write_bytes(data)

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    assert result.tables == {"cities": 2}
    assert _names(read_tables, loaded_settings) == ["郑州（新）", "上海"]


def test_utf8_with_bom(loaded_settings, tmp_path, sample_rows, read_tables):
    sample_rows["cities"][1]["name_zh"] = "上海市"
    folder = tmp_path / "bom"
    folder.mkdir()
    (folder / "cities.csv").write_bytes(_csv_text(sample_rows["cities"]).encode("utf-8-sig"))

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    assert _names(read_tables, loaded_settings) == ["郑州", "上海市"]


def test_decode_prefers_utf8_and_names_the_encoding():
    assert decode("城市".encode()) == ("城市", "utf-8")
    assert decode("城市".encode("utf-8-sig")) == ("城市", "utf-8-sig")
    assert decode("城市".encode("gbk")) == ("城市", "gb18030")


def test_xlsx_first_sheet_with_typed_cells(loaded_settings, tmp_path, sample_rows, read_tables):
    from datetime import date, datetime

    folder = tmp_path / "xlsx"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    header = list(sample_rows["orders"][0])
    sheet.append(header)
    # Excel keeps numbers as numbers and dates as dates; the loader reads them as their text.
    sheet.append(
        [501, 1001, 10, 1, datetime(2024, 1, 2, 11, 0), "全飞秒近视手术", "surgery", 3200.5]
    )
    sheet.append([502, 1004, 20, None, date(2024, 1, 5), "玻尿酸注射", "injectable", 0.1 + 0.2])
    book.create_sheet("notes").append(["ignored", "sheet"])
    book.save(folder / "orders.xlsx")

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    orders = read_tables(loaded_settings, ["orders"])["orders"]
    assert orders["order_id"].tolist() == [501, 502]
    assert [str(v) for v in orders["amount"]] == ["3200.50", "0.30"]
    assert orders["lead_id"].tolist()[1] is None
    assert str(orders["ordered_at"][1]) == "2024-01-05 00:00:00"


def test_xlsx_errors_name_the_spreadsheet_row(loaded_settings, tmp_path, sample_rows, unchanged):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(sample_rows["cities"][0]))
    sheet.append(list(sample_rows["cities"][0].values()))
    sheet.append([])  # a blank row keeps its number
    sheet.append([*list(sample_rows["cities"][1].values())[:7], "tier0", 31.2, 121.4])
    book.save(folder / "cities.xlsx")
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="en")

    assert [(p.file, p.row, p.column, p.code) for p in result.problems] == [
        ("cities.xlsx", 4, "tier", "load.bad_enum")
    ]
    check()


def test_csv_row_numbers_count_blank_rows_and_quoted_line_breaks(
    loaded_settings, tmp_path, sample_rows
):
    rows = sample_rows["cities"]
    rows[0]["region_en"] = "Central\nChina"  # a cell with a line break is still one row
    text = _csv_text(rows[:1]) + "\r\n" + _csv_text(rows[1:]).split("\r\n", 1)[1]
    text = text.replace(",tier1,", ",tierX,")
    folder = tmp_path / "rows"
    folder.mkdir()
    (folder / "cities.csv").write_text(text, encoding="utf-8")

    result = load_directory(loaded_settings, folder, lang="en")

    assert [(p.row, p.column, p.code) for p in result.problems] == [(4, "tier", "load.bad_enum")]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "load.empty_file"),
        (b"  \r\n", "load.empty_file"),
        (bytes(range(256)) * 4, "load.binary_file"),
        ("城市".encode("utf-16"), "load.binary_file"),
        (b"PK\x03\x04 not really a workbook", "load.csv_is_workbook"),
        (b'city_id,name_zh\n1,"Zheng\n', "load.bad_csv"),
        (b"city_id,name_zh\n1,a,b,c\n", "load.bad_csv"),
        (b"city_id\n\x81\x30\xff\xfe", "load.bad_encoding"),
    ],
    ids=["empty", "blank", "binary", "utf16", "zip", "broken_quote", "too_many_cells", "encoding"],
)
def test_unreadable_csv_is_refused(loaded_settings, tmp_path, content, code, unchanged):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "cities.csv").write_bytes(content)
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="zh")

    assert [(p.file, p.row, p.column, p.code) for p in result.problems] == [
        ("cities.csv", None, None, code)
    ]
    assert result.problems[0].reason  # rendered in Chinese without a missing placeholder
    check()


def test_garbage_xlsx_is_refused(loaded_settings, tmp_path, unchanged):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "cities.xlsx").write_bytes(b"this is not a zip file at all")
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="en")

    assert [(p.file, p.code) for p in result.problems] == [("cities.xlsx", "load.bad_xlsx")]
    check()


def test_unknown_files_are_warnings_and_the_load_goes_ahead(
    loaded_settings, tmp_path, sample_rows, write_csv
):
    folder = tmp_path / "mixed"
    write_csv(folder, "cities", sample_rows["cities"])
    (folder / "README.txt").write_text("notes", encoding="utf-8")
    (folder / "load_batches.csv").write_text("batch_id\n1\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (folder / "~$cities.xlsx").write_bytes(b"lock")
    (folder / "old").mkdir()

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok
    assert result.tables == {"cities": 2}
    assert [(w.file, w.code) for w in _about_files(result)] == [
        ("README.txt", "load.warn_unknown_file"),
        ("load_batches.csv", "load.warn_loader_owned"),
        ("old", "load.warn_folder"),
    ]


def test_table_file_in_unsupported_format_is_an_error(loaded_settings, tmp_path, unchanged):
    folder = tmp_path / "xls"
    folder.mkdir()
    (folder / "orders.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="en")

    assert [(p.file, p.code) for p in result.problems] == [
        ("orders.xls", "load.unsupported_format")
    ]
    check()


def test_two_files_for_one_table_is_an_error(loaded_settings, tmp_path, sample_rows, write_csv):
    folder = tmp_path / "two"
    write_csv(folder, "cities", sample_rows["cities"])
    openpyxl.Workbook().save(folder / "cities.xlsx")

    result = load_directory(loaded_settings, folder, lang="en")

    assert ("cities.xlsx", "load.duplicate_file") in [(p.file, p.code) for p in result.problems]


def test_folder_without_table_files(loaded_settings, tmp_path):
    (tmp_path / "none").mkdir()
    result = load_directory(loaded_settings, tmp_path / "none", lang="en")
    assert [p.code for p in result.problems] == ["load.no_tables"]
    result = load_directory(loaded_settings, tmp_path / "missing", lang="en")
    assert [p.code for p in result.problems] == ["load.no_folder"]


def test_header_only_file_empties_the_table_with_a_warning(
    loaded_settings, tmp_path, read_tables, write_csv
):
    folder = tmp_path / "empty_table"
    write_csv(folder, "staff_training", [])

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok
    assert result.tables == {"staff_training": 0}
    assert [w.code for w in _about_files(result)] == ["load.warn_no_rows"]
    assert read_tables(loaded_settings, ["staff_training"])["staff_training"].empty


def test_columns_in_any_order_case_and_spacing(
    loaded_settings, tmp_path, sample_rows, read_tables, write_csv
):
    rows = [
        {f" {k.upper()} ": v for k, v in reversed(row.items())} for row in sample_rows["cities"]
    ]
    rows[0][" LAT "] = " 34.7466 "
    folder = tmp_path / "order"
    write_csv(folder, "cities", rows)

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    assert read_tables(loaded_settings, ["cities"])["cities"]["lat"].tolist() == [34.7466, 31.2304]


def _about_files(result):
    """The load's warnings without the calendar's: whether the holiday library covers the
    sample's years depends on the day the suite runs (tests/warehouse/test_calendar_built.py
    checks that note with fixed dates)."""
    return [w for w in result.warnings if not w.code.startswith("load.calendar.")]
