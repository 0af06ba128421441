"""Text encodings of CSV files: a file is UTF-8 or GBK as a whole, or it is refused by row.

Each test writes real bytes to a folder and loads it through ``load_directory`` into a real
warehouse; a refused file leaves the warehouse exactly as it was.
"""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from dashboard.loading import load_directory
from dashboard.loading.reading import ReadError, decode, rows_at

BOM = b"\xef\xbb\xbf"


def _lines(rows: list[dict[str, str]]) -> list[str]:
    """The CSV records of ``rows`` (header first), each with its CRLF, as csv writes them."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    out = []
    for row in [dict(zip(rows[0], rows[0], strict=True)), *rows]:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        out.append(buf.getvalue())
    return out


def _load(settings, tmp_path, name: str, data: bytes, lang: str = "en"):
    folder = tmp_path / f"in_{name.replace('.', '_')}_{lang}"
    folder.mkdir()
    (folder / name).write_bytes(data)
    return load_directory(settings, folder, lang=lang)


def _where(result) -> list[tuple]:
    return [(p.file, p.row, p.column, p.code) for p in result.problems]


def _customers(sample_rows) -> list[dict[str, str]]:
    rows = sample_rows["customers"]
    # A quoted cell with a line break: records and lines part ways from here on, and the
    # row numbers below are records (as a spreadsheet shows them), not lines.
    rows[0]["name"] = "张伟\n（老客户）"
    return rows


def test_utf8_file_with_one_gbk_row_is_refused_naming_the_row(
    loaded_settings, tmp_path, sample_rows, unchanged, read_tables
):
    lines = _customers(sample_rows)
    records = _lines(lines)
    data = b"".join(r.encode("gbk") if i == 3 else r.encode("utf-8") for i, r in enumerate(records))
    check = unchanged(loaded_settings)

    en = _load(loaded_settings, tmp_path, "customers.csv", data, "en")
    zh = _load(loaded_settings, tmp_path, "customers.csv", data, "zh")

    # Record 3 (0-based, header = 0) is spreadsheet row 4, on line 5 of the file.
    assert _where(en) == [("customers.csv", 4, None, "load.mixed_encoding")]
    assert dict(en.problems[0].params)["utf8_row"] == 2
    assert "row 2" in en.problems[0].reason and "UTF-8" in en.problems[0].reason
    assert _where(zh) == _where(en) and "第 2 行" in zh.problems[0].reason
    check()
    assert "王芳" in read_tables(loaded_settings, ["customers"])["customers"]["name"].tolist()


def test_mixed_file_lists_every_row_that_is_not_utf8(
    loaded_settings, tmp_path, sample_rows, unchanged
):
    records = _lines(_customers(sample_rows))
    # The first data rows are GBK, the rest UTF-8: still one file in two encodings.
    data = b"".join(r.encode("gbk" if i in (1, 2, 5) else "utf-8") for i, r in enumerate(records))
    check = unchanged(loaded_settings)

    result = _load(loaded_settings, tmp_path, "customers.csv", data)

    assert _where(result) == [("customers.csv", 2, None, "load.mixed_encoding")]
    params = dict(result.problems[0].params)
    assert (params["bad_rows"], params["utf8_row"]) == ("2, 3, 6", 4)
    check()


def test_utf8_bom_file_whose_text_is_gbk_is_refused(
    loaded_settings, tmp_path, sample_rows, unchanged
):
    data = BOM + "".join(_lines(sample_rows["cities"])).encode("gbk")
    check = unchanged(loaded_settings)

    result = _load(loaded_settings, tmp_path, "cities.csv", data)

    assert _where(result) == [("cities.csv", 2, None, "load.bom_not_utf8")]
    assert "锘" not in result.problems[0].reason  # no garbled header named as a column
    check()


def test_utf8_file_cut_inside_its_last_character_is_refused(
    loaded_settings, tmp_path, sample_rows, unchanged
):
    data = "".join(_lines(sample_rows["cities"])).rstrip("\r\n").encode("utf-8")
    data = data.replace(b"121.4737", "121.4737,上海".encode()).rstrip(b"\r\n")
    # The header row is the file's shortest: give the last row the same cell count.
    data = data.replace(b",lon\r\n", b",lon,x\r\n", 1).replace(b",113.6253\r\n", b",113.6253,\r\n")
    cut = data[:-1]  # the last character's final byte is missing
    with pytest.raises(UnicodeDecodeError):
        cut.decode("utf-8")
    check = unchanged(loaded_settings)

    result = _load(loaded_settings, tmp_path, "cities.csv", cut)

    assert _where(result) == [("cities.csv", 3, None, "load.truncated")]
    check()


def test_one_nul_byte_in_64k_rows_names_its_row(loaded_settings, tmp_path, unchanged):
    header = "customer_id,name,phone,gender,birth_year,home_city_id,created_at\r\n"
    rows = [f"{i},客户{i},138{i:08d},F,1990,1,2024-01-01 09:00:00\r\n" for i in range(1, 64_001)]
    rows[99] = rows[99].replace("客户100", '"客户\n100"')  # a quoted line break before it
    rows[40_000] = rows[40_000].replace("客户40001", "客户4\x000001")
    data = (header + "".join(rows)).encode("utf-8")
    check = unchanged(loaded_settings)

    result = _load(loaded_settings, tmp_path, "customers.csv", data)

    # Data row 40001 is spreadsheet row 40002 (the header is row 1).
    assert _where(result) == [("customers.csv", 40_002, None, "load.nul_byte")]
    check()


def test_gbk_file_whose_first_chinese_bytes_happen_to_be_valid_utf8_loads(
    loaded_settings, tmp_path, sample_rows, read_tables
):
    # 郑 is D6 A3 in GBK, which is also a valid UTF-8 character (U+05A3); the file is GBK
    # throughout and must load as such, not be taken for a UTF-8 file with a bad row.
    assert "郑".encode("gbk").decode("utf-8")
    data = "".join(_lines(sample_rows["cities"])).encode("gbk")

    result = _load(loaded_settings, tmp_path, "cities.csv", data)

    assert result.ok, [p.reason for p in result.problems]
    names = read_tables(loaded_settings, ["cities"])["cities"]["name_zh"].tolist()
    assert names == ["郑州", "上海"]


def test_large_gbk_export_with_many_names_loads(
    loaded_settings, tmp_path, sample_rows, read_tables
):
    rng = random.Random(5)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    given = "芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟"
    rows = sample_rows["customers"]
    for i in range(3000):
        name = rng.choice(surnames) + "".join(rng.choices(given, k=rng.choice((1, 2))))
        rows.append({**rows[0], "customer_id": str(2001 + i), "name": name, "referrer_id": ""})

    result = _load(loaded_settings, tmp_path, "customers.csv", "".join(_lines(rows)).encode("gbk"))

    assert result.ok, [p.reason for p in result.problems]
    stored = read_tables(loaded_settings, ["customers"])["customers"]["name"].tolist()
    assert stored == [r["name"] for r in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_pure_ascii_file_loads_whatever_it_was_saved_as(
    loaded_settings, tmp_path, sample_rows, encoding, read_tables
):
    data = "".join(_lines(sample_rows["staff_training"])).encode(encoding)

    result = _load(loaded_settings, tmp_path, "staff_training.csv", data)

    assert result.ok, [p.reason for p in result.problems]
    hours = read_tables(loaded_settings, ["staff_training"])["staff_training"]["hours"]
    assert [float(h) for h in hours] == [2.5, 6.0]


def test_a_tail_of_zero_bytes_left_by_a_crash_names_where_it_starts():
    data = "city_id,name_zh\r\n1,郑州\r\n2,上海\r\n".encode() + bytes(50_000)
    with pytest.raises(ReadError) as info:
        decode(data)
    assert (info.value.code, info.value.row, info.value.params) == (
        "load.nul_byte",
        4,
        {"count": 50_000},
    )


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, "city_id,name\n1,郑州\n".encode("utf-16-le")],
    ids=["binary", "utf16_without_bom"],
)
def test_binary_and_utf16_files_are_not_taken_for_text_with_a_stray_nul(data):
    with pytest.raises(ReadError) as info:
        decode(data)
    assert (info.value.code, info.value.row) == ("load.binary_file", None)


def _random_csv(rng: random.Random) -> tuple[str, list[str]]:
    """CSV text whose records start with a marker cell, with quotes, line breaks and blanks."""
    # Cells as they stand in the file: quoted ones may hold commas, line breaks and doubled
    # quotes; a quote inside an unquoted cell (5" screen) is an ordinary character.
    cells = ["a", "", '5" screen', '"x,y"', '"two\nlines"', '"say ""hi"""', '"end\r"']
    cells += ['"crlf\r\nin"', "中文", " sp ", '"q"tail', '""', '"a ""b""\nc"']
    records, markers = [], []
    for i in range(rng.randrange(1, 40)):
        if i and rng.random() < 0.1:
            records.append("")  # a blank record keeps its row number
            continue
        markers.append(f"M{i}")
        records.append(",".join([f"M{i}", rng.choice(cells), rng.choice(cells)]))
    ends = [rng.choice(["\n", "\r\n", "\r"]) for _ in records]
    return "".join(r + e for r, e in zip(records, ends, strict=True)), markers


def test_row_numbers_count_records_as_the_csv_reader_does():
    rng = random.Random(11)
    for _ in range(300):
        text, markers = _random_csv(rng)
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
        expected = {m: i + 1 for i, m in enumerate(frame[0]) if m.startswith("M")}
        assert list(expected) == markers, text
        data = text.encode("utf-8")
        offsets = [data.index(f"{m},".encode()) for m in expected]
        assert rows_at(data, offsets) == list(expected.values()), text
