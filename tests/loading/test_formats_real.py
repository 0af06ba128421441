"""Dates, timestamps and numbers as Chinese systems and Excel write them (issue #21, item 3).

Every expected value is computed independently of the parser: Python's datetime and zoneinfo
for dates and times, openpyxl's own serial-date conversion for Excel serials, and
decimal.Decimal (half-even) for money.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel, to_excel

from dashboard import schema
from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.loading.values import ParseOptions, parse, warehouse_timezone
from dashboard.settings import load_settings

C = {name: schema.table(name).c for name in schema.TABLE_ORDER}
STAMP = C["orders"].ordered_at.type
DAY = C["expenses"].date.type
MONEY = C["orders"].amount.type
COUNT = C["channel_daily"].impressions.type
FEN = Decimal("0.01")


def _parse(column_type, cells, **kwargs):
    """Parsed values (None for null) and each cell's issue code (None when clean)."""
    values, issues = parse(pd.Series(cells, dtype="str"), column_type, **kwargs)
    codes = [None] * len(cells)
    for issue in issues:
        for i in np.flatnonzero(issue.mask):
            codes[i] = issue.code
    return [None if pd.isna(v) else v for v in values], codes


def _one(column_type, cell, **kwargs):
    values, codes = _parse(column_type, [cell], **kwargs)
    return values[0], codes[0]


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-11-03", date(2026, 11, 3)),
        ("2026/11/3", date(2026, 11, 3)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026.11.03", date(2026, 11, 3)),
        ("20261103", date(2026, 11, 3)),
        ("2026年11月3日", date(2026, 11, 3)),
        ("2026 年 1 月 5 日", date(2026, 1, 5)),
        ("２０２６年１１月３日", date(2026, 11, 3)),  # full-width digits of Chinese input
        ("２０２６-１１-０３", date(2026, 11, 3)),
        # A timestamp form keeps its date when its time is midnight.
        ("2026-11-03 00:00", date(2026, 11, 3)),
        ("2026年11月3日 00:00:00", date(2026, 11, 3)),
        ("2026-11-02T16:00:00Z", date(2026, 11, 3)),  # midnight in Shanghai
    ],
)
def test_date_forms(cell, expected):
    with warehouse_timezone("Asia/Shanghai"):
        value, code = _one(DAY, cell)
    assert code is None
    assert value == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("2026-11/03", "load.bad_date"),  # two kinds of separator
        ("2026113", "load.bad_date"),  # seven digits
        ("26-11-03", "load.bad_date"),  # a two-digit year is never read
        ("2026年11月3", "load.bad_date"),
        ("20261303", "load.impossible_date"),
        ("2026年2月29日", "load.impossible_date"),
        ("2026-11-03 14:05", "load.date_with_time"),
        ("2026-11-03 00:00:01", "load.date_with_time"),
        ("46329", "load.bad_date"),  # a bare number in a CSV is not a serial date
    ],
)
def test_date_forms_refused(cell, code):
    assert _one(DAY, cell) == (None, code)


# ------------------------------------------------------------------ timestamps


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-11-03 14:05", datetime(2026, 11, 3, 14, 5)),
        ("2026-11-03T14:05", datetime(2026, 11, 3, 14, 5)),
        ("2026-11-03 14:05:09", datetime(2026, 11, 3, 14, 5, 9)),
        ("2026/11/3 7:05:09", datetime(2026, 11, 3, 7, 5, 9)),
        ("2026.11.3 07:05", datetime(2026, 11, 3, 7, 5)),
        ("20261103 14:05", datetime(2026, 11, 3, 14, 5)),
        ("2026年11月3日 14:05", datetime(2026, 11, 3, 14, 5)),
        ("2026年11月3日14:05:09", datetime(2026, 11, 3, 14, 5, 9)),
        ("２０２６年１１月３日 １４：０５", datetime(2026, 11, 3, 14, 5)),
        ("2026-11-03 14:05:09.5", datetime(2026, 11, 3, 14, 5, 9, 500000)),
        ("2026-11-03 14:05:09,25", datetime(2026, 11, 3, 14, 5, 9, 250000)),
        ("2026-11-03T14:05:09.123456", datetime(2026, 11, 3, 14, 5, 9, 123456)),
        # Seven to nine digits (.NET, Java): rounded to the microsecond the warehouse keeps.
        ("2026-11-03T14:05:09.1234567", datetime(2026, 11, 3, 14, 5, 9, 123457)),
        ("2026-11-03T14:05:09.123456049", datetime(2026, 11, 3, 14, 5, 9, 123456)),
        ("2026-11-03 23:59:59.9999996", datetime(2026, 11, 4)),
    ],
)
def test_timestamp_forms(cell, expected):
    assert _one(STAMP, cell) == (pd.Timestamp(expected), None)


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("2026-11-0314:05", "load.bad_datetime"),  # date and time run together
        ("2026-11-03 14", "load.bad_datetime"),
        ("2026-11-03 14:05 CST", "load.bad_datetime"),  # zone names are ambiguous (CST)
        ("2026-11-03 24:00", "load.impossible_date"),
        ("2026-11-03 14:05+15:00", "load.impossible_date"),
        ("2026-11-03 14:05+08:61", "load.impossible_date"),
    ],
)
def test_timestamp_forms_refused(cell, code):
    assert _one(STAMP, cell) == (None, code)


def _local(wall: datetime, offset: timedelta, zone: str) -> pd.Timestamp:
    """The warehouse's local wall clock of ``wall`` written at UTC ``offset`` (via zoneinfo)."""
    instant = wall.replace(tzinfo=timezone(offset))
    return pd.Timestamp(instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize(
    ("cell", "wall", "offset"),
    [
        ("2026-11-03T00:30:00Z", datetime(2026, 11, 3, 0, 30), timedelta(0)),
        ("2026-11-03T00:30:00+08:00", datetime(2026, 11, 3, 0, 30), timedelta(hours=8)),
        ("2026-11-03 00:30+0800", datetime(2026, 11, 3, 0, 30), timedelta(hours=8)),
        (
            "2026-07-01 12:00:00.25-0400",
            datetime(2026, 7, 1, 12, 0, 0, 250000),
            -timedelta(hours=4),
        ),
        ("2026-03-08T06:59:00Z", datetime(2026, 3, 8, 6, 59), timedelta(0)),  # US clocks change
        ("2026-03-08T07:00:00Z", datetime(2026, 3, 8, 7, 0), timedelta(0)),
        ("2026年11月3日 08:00 +05:30", datetime(2026, 11, 3, 8, 0), timedelta(hours=5, minutes=30)),
        ("2026-11-03 08:00+08", datetime(2026, 11, 3, 8, 0), timedelta(hours=8)),
    ],
)
def test_an_offset_converts_to_the_warehouse_zone(zone, cell, wall, offset):
    with warehouse_timezone(zone):
        value, code = _one(STAMP, cell)
        # An offset says its zone itself: a file's declared zone does not change it.
        assert _one(STAMP, cell, options=ParseOptions(timezone="Asia/Tokyo")) == (value, code)
    assert code is None
    assert value == _local(wall, offset, zone)


def test_utc_half_past_midnight_is_half_past_eight_in_shanghai():
    with warehouse_timezone("Asia/Shanghai"):
        assert _one(STAMP, "2026-11-03T00:30:00Z") == (pd.Timestamp(2026, 11, 3, 8, 30), None)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_a_file_written_in_another_zone(zone):
    """An export in UTC (or any declared zone) without offsets: its times move to Shanghai."""
    cells = ["2026-11-03 00:30", "2026/7/1 12:00:05", "2026年3月8日 07:30"]
    walls = [
        datetime(2026, 11, 3, 0, 30),
        datetime(2026, 7, 1, 12, 0, 5),
        datetime(2026, 3, 8, 7, 30),
    ]
    with warehouse_timezone("Asia/Shanghai"):
        values, codes = _parse(STAMP, cells, options=ParseOptions(timezone=zone))
        # Dates are calendar days, not instants: they never move.
        assert _one(DAY, "2026-11-03", options=ParseOptions(timezone=zone))[0] == pd.Timestamp(
            2026, 11, 3
        )
    assert codes == [None] * 3
    expected = [
        pd.Timestamp(w.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("Asia/Shanghai")))
        for w in walls
    ]
    assert values == [e.tz_localize(None) for e in expected]


def test_a_local_time_that_is_skipped_or_doubled_is_refused():
    new_york = ParseOptions(timezone="America/New_York")
    with warehouse_timezone("Asia/Shanghai"):
        # 02:30 never happened on 8 March 2026; 01:30 happened twice on 1 November.
        assert _one(STAMP, "2026-03-08 02:30", options=new_york) == (None, "load.impossible_date")
        assert _one(STAMP, "2026-11-01 01:30", options=new_york) == (None, "load.ambiguous_time")
        # With its offset the second 01:30 is clear.
        assert _one(STAMP, "2026-11-01 01:30-05:00", options=new_york) == (
            pd.Timestamp(2026, 11, 1, 14, 30),
            None,
        )


def test_without_an_offset_the_time_is_local_and_kept():
    cells = ["2026-11-03 08:30", "2026-11-03T08:30:00+08:00", "2026-11-03T00:30:00Z"]
    with warehouse_timezone("Asia/Shanghai"):
        values, codes = _parse(STAMP, cells)
    assert codes == [None, None, None]
    assert values == [pd.Timestamp(2026, 11, 3, 8, 30)] * 3


# ------------------------------------------------------------------ day-first, month-first


@pytest.mark.parametrize(
    ("cell", "dmy_format", "mdy_format"),
    [
        ("03-11-2026", "%d-%m-%Y", "%m-%d-%Y"),
        ("11/03/2026", "%d/%m/%Y", "%m/%d/%Y"),
        ("3.11.2026", "%d.%m.%Y", "%m.%d.%Y"),
        ("03/11/2026 14:05", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"),
        ("5/1/2026 7:05:09", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S"),
    ],
)
def test_day_or_month_first_only_with_the_declared_order(cell, dmy_format, mdy_format):
    assert _one(STAMP, cell) == (None, "load.ambiguous_date")
    dmy = _one(STAMP, cell, options=ParseOptions(date_order="dmy"))
    mdy = _one(STAMP, cell, options=ParseOptions(date_order="mdy"))
    assert dmy == (pd.Timestamp(datetime.strptime(cell, dmy_format)), None)
    assert mdy == (pd.Timestamp(datetime.strptime(cell, mdy_format)), None)
    # Year-first forms are unambiguous whatever the file declares.
    assert _one(STAMP, "2026-11-03", options=ParseOptions(date_order="mdy"))[0] == pd.Timestamp(
        2026, 11, 3
    )


def test_a_declared_order_still_refuses_impossible_days():
    assert _one(DAY, "25/12/2026", options=ParseOptions(date_order="mdy")) == (
        None,
        "load.impossible_date",
    )
    assert _one(DAY, "25/12/2026", options=ParseOptions(date_order="dmy")) == (
        pd.Timestamp(2026, 12, 25),
        None,
    )
    # Even a day over 12 is not taken as a hint: without an order the form is refused.
    assert _one(DAY, "25/12/2026") == (None, "load.ambiguous_date")


def test_the_ambiguity_message_says_how_to_declare_the_order():
    for lang in ("zh", "en"):
        text = t("load.ambiguous_date", lang, value="“03-11-2026”")
        assert "“03-11-2026”" in text
        assert 'order = "dmy"' in text and 'order = "mdy"' in text and "[dates]" in text


def test_options_are_checked():
    with pytest.raises(ValueError):
        ParseOptions(date_order="ydm")
    with pytest.raises(ValueError):
        ParseOptions(timezone="Asia/Nowhere")
    assert ParseOptions() == ParseOptions(date_order="ymd", timezone=None)


# ------------------------------------------------------------------ Excel serial dates


SERIALS = [1, 59, 61, 367, 45292, 46329, 46329.5, 46329.604166666664, 45293.458333333336, 73415]


def _from_excel(serial: float, epoch=None) -> pd.Timestamp:
    """openpyxl's reading of a serial, to the millisecond Excel keeps."""
    stamp = from_excel(serial) if epoch is None else from_excel(serial, epoch=epoch)
    return pd.Timestamp(stamp).round("ms")


def test_excel_serials_read_as_excel_does():
    cells = [repr(float(s)) if isinstance(s, float) else str(s) for s in SERIALS]
    values, codes = _parse(STAMP, cells, excel=np.ones(len(cells), dtype=bool))
    assert codes == [None] * len(cells)
    assert values == [_from_excel(s) for s in SERIALS]
    assert values[5] == pd.Timestamp(2026, 11, 3)  # the issue's own example
    assert values[6] == pd.Timestamp(2026, 11, 3, 12)


def test_excel_1904_serials():
    serials = [1, 2.5, 44865, 44865.25]
    values, codes = _parse(
        STAMP, [str(s) for s in serials], excel=np.ones(4, dtype=bool), excel_1904=True
    )
    assert codes == [None] * 4
    assert values == [_from_excel(s, CALENDAR_MAC_1904) for s in serials]


def test_excel_serials_outside_the_calendar_are_refused():
    cells = ["0", "60", "-3", "73416", "1e20"]  # 60 is Excel's 29 February 1900
    values, codes = _parse(STAMP, cells, excel=np.ones(len(cells), dtype=bool))
    assert values == [None] * len(cells)
    assert codes == ["load.bad_excel_serial"] * len(cells)


def test_excel_numbers_in_a_date_column():
    # A number cell of eight digits is the date typed as YYYYMMDD, not a serial.
    cells = ["46329", "20261103", "46329.5", "2026-11-04"]
    values, codes = _parse(DAY, cells, excel=np.array([True, True, True, False]))
    assert values == [
        pd.Timestamp(2026, 11, 3),
        pd.Timestamp(2026, 11, 3),
        None,
        pd.Timestamp(2026, 11, 4),
    ]
    assert codes == [None, None, "load.date_with_time", None]
    assert _parse(DAY, cells)[1][0] == "load.bad_date"  # the same text from a CSV


def _xlsx(path, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_excel_serials_load_end_to_end(loaded_settings, tmp_path, sample_rows, read_tables):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    header = list(sample_rows["orders"][0])
    rows = []
    stamps = [
        datetime(2024, 1, 2, 11, 0),
        datetime(2024, 1, 5, 9, 30),
        datetime(2024, 1, 6, 15, 0, 30),
    ]
    for row, stamp in zip(sample_rows["orders"], stamps, strict=True):
        cells = [row[name] for name in header]
        # The timestamp as Excel stores it under a "General" format: a bare serial number.
        cells[header.index("ordered_at")] = to_excel(stamp)
        rows.append(cells)
    _xlsx(folder / "orders.xlsx", header, rows)
    sheet = openpyxl.load_workbook(folder / "orders.xlsx").active
    letter = get_column_letter(header.index("ordered_at") + 1)
    assert all(isinstance(c.value, float) for c in sheet[letter][1:])  # numbers, not dates

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    stored = read_tables(loaded_settings, ["orders"])["orders"]
    assert [pd.Timestamp(v) for v in stored["ordered_at"]] == [pd.Timestamp(s) for s in stamps]


def test_an_excel_date_column_of_serials_and_yyyymmdd_numbers(
    loaded_settings, tmp_path, sample_rows, read_tables
):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    header = list(sample_rows["channel_daily"][0])
    rows = [[row[name] for name in header] for row in sample_rows["channel_daily"]]
    days = [date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 2)]
    at = header.index("date")
    rows[0][at] = to_excel(datetime(2024, 1, 1))  # 45292
    rows[1][at] = 20240101  # typed as YYYYMMDD, kept by Excel as a number
    rows[2][at] = datetime(2024, 1, 2)  # formatted as a date: openpyxl gives a datetime
    _xlsx(folder / "channel_daily.xlsx", header, rows)

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    stored = read_tables(loaded_settings, ["channel_daily"])["channel_daily"]
    assert sorted(pd.Timestamp(v) for v in stored["date"]) == [pd.Timestamp(d) for d in days]


def test_a_serial_number_in_a_csv_is_refused(loaded_settings, make_folder, sample_rows, unchanged):
    sample_rows["channel_daily"][0]["date"] = "45292"
    folder = make_folder(sample_rows, ["channel_daily"])
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="en")

    assert not result.ok
    found = [(p.file, p.row, p.column, p.code) for p in result.problems]
    assert found == [("channel_daily.csv", 2, "date", "load.bad_date")]
    check()


def test_an_offset_converts_to_the_configured_zone_in_a_load(
    loaded_settings, make_folder, sample_rows, read_tables
):
    tokyo = dataclasses.replace(loaded_settings, timezone="Asia/Tokyo")
    sample_rows["orders"][2]["ordered_at"] = "2024-01-06T06:00:00Z"
    folder = make_folder(sample_rows, ["orders"])

    result = load_directory(tokyo, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    stored = read_tables(tokyo, ["orders"])["orders"]
    expected = _local(datetime(2024, 1, 6, 6), timedelta(0), "Asia/Tokyo")
    assert pd.Timestamp(stored["ordered_at"].iloc[2]) == expected == pd.Timestamp(2024, 1, 6, 15)


# ------------------------------------------------------------------ money and counts


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234,567.5", "1234567.50"),
        ("1，234，567.5", "1234567.50"),  # full-width commas
        ("1 234 567.25", "1234567.25"),
        ("1\u00a0234", "1234"),  # a no-break space, as Excel and WPS export it
        ("１２３４．５", "1234.5"),
        ("¥1,234.50", "1234.50"),
        ("￥1234", "1234"),
        ("1234.5元", "1234.5"),
        ("1,234 元", "1234"),
        ("RMB 88", "88"),
        ("88 CNY", "88"),
        ("cny88", "88"),
        ("-¥5", "-5"),
        ("¥-5", "-5"),
        ("+12", "12"),
    ],
)
def test_money_forms(cell, expected):
    assert _one(MONEY, cell) == (Decimal(expected), None)


@pytest.mark.parametrize(
    "cell",
    [
        "1,23",  # not grouped by three
        "1 23",
        "1234,567",
        "1,234 567",  # two kinds of separator
        "1.234,56",  # European decimal comma: ambiguous
        "12,345.6.7",
        "¥",
        "元",
        "$12",
        "1e3",
        "¥12¥",
    ],
)
def test_money_forms_refused(cell):
    assert _one(MONEY, cell) == (None, "load.bad_decimal")


def _half_even(text: str) -> Decimal:
    return Decimal(text).quantize(FEN, rounding=ROUND_HALF_EVEN)


def test_money_rounds_half_even_to_the_fen():
    rng = np.random.default_rng(21)
    noisy = [f"{v:.9f}" for v in rng.random(500) * 20_000]
    ties = ["0.125", "0.135", "-0.125", "2.675", "1.005", "0.0050", "999999999999.994"]
    long = ["0.12500000000000000000000001", "1.429999948", "0.12500000000000000000000000"]
    cells = noisy + ties + long
    values, codes = _parse(MONEY, cells)
    assert values == [_half_even(c) for c in cells]
    assert values[500:504] == [Decimal("0.12"), Decimal("0.14"), Decimal("-0.12"), Decimal("2.68")]
    assert values[-3:] == [Decimal("0.13"), Decimal("1.43"), Decimal("0.12")]
    # Only cells that lost digits are counted; 0.0050 is 0.005, which had a third place.
    assert codes == ["load.warn_rounded"] * len(cells)
    _, clean = _parse(MONEY, ["1.50", "1.500000", "2"])
    assert clean == [None, None, None]


def test_rounding_up_past_the_column_is_refused():
    assert _one(MONEY, "999999999999.995") == (None, "load.decimal_too_large")
    assert _one(MONEY, "-999999999999.995") == (None, "load.decimal_too_large")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("１２３４", 1234), ("1，234", 1234), ("1 234 567", 1234567), ("1,234.00", 1234)],
)
def test_whole_numbers_take_full_width_digits_and_separators(cell, expected):
    assert _one(COUNT, cell) == (expected, None)


@pytest.mark.parametrize("cell", ["1 2345", "12,34", "1.5"])
def test_whole_numbers_refused(cell):
    assert _one(COUNT, cell) == (None, "load.bad_integer")


def test_rounded_money_loads_with_one_warning_per_column(
    loaded_settings, make_folder, sample_rows, read_tables
):
    spend = ["1500.004999", "2300.755", "1,400.0051"]
    for row, value in zip(sample_rows["channel_daily"], spend, strict=True):
        row["spend"] = value
    sample_rows["expenses"][0]["amount"] = "¥5,200.125元"
    folder = make_folder(sample_rows, ["channel_daily", "expenses"])

    result = load_directory(loaded_settings, folder, lang="en")

    assert result.ok, [p.reason for p in result.problems]
    rounded = {(w.file, w.column): dict(w.params) for w in result.warnings if "rounded" in w.code}
    assert set(rounded) == {("channel_daily.csv", "spend"), ("expenses.csv", "amount")}
    # The count is what pandas finds in the raw file: cells with more than two decimals.
    raw = pd.read_csv(folder / "channel_daily.csv", dtype=str, keep_default_na=False)
    places = (
        raw["spend"].str.replace(",", "").map(lambda v: -Decimal(v).normalize().as_tuple().exponent)
    )
    assert rounded[("channel_daily.csv", "spend")]["count"] == str(int((places > 2).sum())) == "3"
    assert rounded[("expenses.csv", "amount")]["count"] == "1"
    text = [w.reason_in("en") for w in result.warnings if w.column == "spend"][0]
    assert "3 values had more than 2 decimal places" in text and "half-even" in text
    assert "“1500.004999” → 1500.00" in text
    zh = [w.reason_in("zh") for w in result.warnings if w.column == "spend"][0]
    assert "3 个值" in zh and "五成双" in zh

    stored = read_tables(loaded_settings, ["channel_daily", "expenses"])
    expected = raw["spend"].str.replace(",", "").map(_half_even)
    assert sum(Decimal(str(v)) for v in stored["channel_daily"]["spend"]) == expected.sum()
    assert Decimal(str(stored["expenses"]["amount"].iloc[0])) == Decimal("5200.12")


# ------------------------------------------------------------------ settings


def test_timezone_and_currency_settings(monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    assert (load_settings(secrets).timezone, load_settings(secrets).currency) == (
        "Asia/Shanghai",
        "CNY",
    )
    secrets.write_text('[opsdash]\ntimezone = "Asia/Hong_Kong"\ncurrency = "hkd"\n')
    assert (load_settings(secrets).timezone, load_settings(secrets).currency) == (
        "Asia/Hong_Kong",
        "HKD",
    )
    monkeypatch.setenv("OPSDASH_TIMEZONE", "Asia/Macau")
    monkeypatch.setenv("OPSDASH_CURRENCY", "MOP")
    assert (load_settings(secrets).timezone, load_settings(secrets).currency) == (
        "Asia/Macau",
        "MOP",
    )
    monkeypatch.setenv("OPSDASH_TIMEZONE", "Beijing")
    with pytest.raises(ValueError, match="timezone"):
        load_settings(secrets)
    monkeypatch.setenv("OPSDASH_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("OPSDASH_CURRENCY", "yuan")
    with pytest.raises(ValueError, match="currency"):
        load_settings(secrets)
