"""Typing text cells by the declared column types, vectorised, flagging every bad cell.

Accepted forms (what a user may write in a cell). Full-width digits and punctuation
(``２０２６``, ``，``, ``．``, ``：``) are read as their ASCII forms everywhere.
- booleans: true/false, 1/0, yes/no, 是/否 (any letter case);
- dates: ``2026-11-03``, ``2026/11/3``, ``2026.11.3`` (year first, one separator kind,
  month and day may be one digit), ``20261103`` and ``2026年11月3日``; years 1900-2100.
  Day-first or month-first forms (``03-11-2026``, ``11/03/2026``, ``3.11.2026``) only with
  the file's ``ParseOptions.date_order`` set to ``dmy`` or ``mdy``: otherwise they are
  ambiguous and refused, never guessed. A timestamp form in a date column is accepted when
  its time is 00:00 (the date is kept) and refused otherwise;
- timestamps: a date, optionally followed by ``HH:MM``, ``:SS`` and a fraction of up to nine
  digits (rounded to the microsecond), after a space or ``T`` (after ``日`` the space may be
  left out), optionally with a UTC offset ``Z``, ``+08:00``, ``+0800`` or ``+08``; a time
  with an offset is converted to the warehouse's time zone, one without is local time;
- Excel serial dates: a number cell of an XLSX file in a date or timestamp column is a day
  count of the workbook's date system (1900, with Excel's nonexistent 1900-02-29 refused, or
  1904); its fraction is the time of day, to the millisecond. An eight-digit number cell is
  read as ``YYYYMMDD``. In a CSV a bare number in a date column stays an error;
- whole numbers and decimals: an optional sign, digits, and thousands separators only when
  they group by three: commas (``1,234,567``, also ``，``) or spaces (``1 234 567``, also
  no-break and thin spaces), never mixed; decimals may carry a currency mark: ``¥``/``￥``,
  ``RMB`` or ``CNY`` before, ``元``, ``RMB`` or ``CNY`` after. A decimal with more places
  than the column keeps is rounded half-even (``0.125`` → ``0.12``) and counted in a warning;
- real numbers (shares, coordinates, targets): also scientific notation (``1e-05``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy.types as sat

from dashboard.loading.problems import show_value
from dashboard.settings import check_timezone

DateOrder = Literal["ymd", "dmy", "mdy"]
DATE_ORDERS: tuple[str, ...] = get_args(DateOrder)

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_TRUE = pa.array(["true", "1", "yes", "是"])
_FALSE = pa.array(["false", "0", "no", "否"])
# Thousands separators only where they group by three, and one kind per number: a comma
# (full-width ones are made ASCII first) or a space (also no-break and thin spaces).
_SPACES = r"\x{00A0}\x{2009}\x{202F}"
_GROUPED = rf"(\d+|\d{{1,3}}(,\d{{3}})+|\d{{1,3}}([ {_SPACES}]\d{{3}})+)"
_SEPARATORS = rf"[, {_SPACES}]"
_INT_RE = rf"^[+-]?{_GROUPED}(\.0+)?$"
_CURRENCY_BEFORE = r"^([+-]?)\s*(?:[¥￥]|(?i:rmb|cny))\s*"
_CURRENCY_AFTER = r"\s*(?:元|(?i:rmb|cny))$"
_CURRENCY_MARK = r"[¥￥元]|(?i:rmb|cny)"
_DECIMAL_RE = rf"^[+-]?{_GROUPED}(\.\d+)?$"
_DECIMAL_PARTS = r"^(?P<sign>[+-]?)(?P<whole>\d+)(?:\.(?P<frac>\d+))?$"
_DOUBLE_RE = rf"^[+-]?({_GROUPED}(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
# Full-width forms Chinese input methods type, and their ASCII equivalents.
_WIDE = {chr(0xFF10 + d): str(d) for d in range(10)} | {
    "．": ".",
    "，": ",",
    "－": "-",
    "＋": "+",
    "：": ":",
    "／": "/",
    "\u3000": " ",
}
_WIDE_RE = "[" + "".join(_WIDE) + "]"
# One pattern for every date form, each alternative with its own group names (RE2, Arrow's
# regex engine, allows no repeated names and no back-references, so separators are captured
# and compared afterwards). Exactly one alternative's groups are non-empty in a match.
_DATE_FORMS = (
    r"(?P<y>\d{4})(?P<s1>[-/.])(?P<m>\d{1,2})(?P<s2>[-/.])(?P<d>\d{1,2})"
    r"|(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日\s*"
    r"|(?P<ky>\d{4})(?P<km>\d{2})(?P<kd>\d{2})"
    r"|(?P<a>\d{1,2})(?P<t1>[-/.])(?P<b>\d{1,2})(?P<t2>[-/.])(?P<ly>\d{4})"
)
_TIME = (
    r"(?P<tsep>[ T]?)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?"
    r"(?:\s?(?P<tz>Z|[+-]\d{2}(?::?\d{2})?))?"
)
_STAMP_RE = rf"^(?:{_DATE_FORMS})(?:{_TIME})?$"
# The year-first forms alone: far fewer groups, so several times faster.
_YEAR_FIRST_RE = (
    r"^(?P<y>\d{4})(?P<s1>[-/.])(?P<m>\d{1,2})(?P<s2>[-/.])(?P<d>\d{1,2})"
    r"(?:(?P<tsep>[ T])(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?"
    r"(?:\s?(?P<tz>Z|[+-]\d{2}(?::?\d{2})?))?)?$"
)
_OFFSET_RE = r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?$"
_EIGHT_DIGITS = r"^\d{8}$"
# Forms of fixed width (2026-11-03, 2026-11-03 14:05, 2026-11-03T14:05:09; 20261103) and
# where each field sits in them.
_FIXED_FORMS = (
    (
        r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$",
        {
            "year": (0, 4),
            "month": (5, 7),
            "day": (8, 10),
            "hour": (11, 13),
            "minute": (14, 16),
            "second": (17, 19),
        },
    ),
    (_EIGHT_DIGITS, {"year": (0, 4), "month": (4, 6), "day": (6, 8)}),
)
_STAMP_NUMBERS = ("year", "month", "day", "hour", "minute", "second", "nanos", "offset_minutes")
MIN_YEAR, MAX_YEAR = 1900, 2100
# Excel's 1900 system counts 1900-01-01 as day 1 and, like Lotus 1-2-3, has a 29 February
# 1900 (day 60); from day 61 on, day n is 1899-12-30 + n. The 1904 system counts from 1904-01-01.
_EXCEL_1900 = np.datetime64("1899-12-30", "D")
_EXCEL_1904 = np.datetime64("1904-01-01", "D")
_EXCEL_LEAP_BUG = 60
_LAST_SERIAL_DAY = {
    False: int((np.datetime64(f"{MAX_YEAR}-12-31", "D") - _EXCEL_1900).astype(int)),
    True: int((np.datetime64(f"{MAX_YEAR}-12-31", "D") - _EXCEL_1904).astype(int)),
}
# Fraction digits kept before rounding a decimal (the next one stands for the rest).
_WIDE_FRACTION = 20
_DOT = pa.scalar(".", pa.large_string())
_NO_SEPARATOR = pa.scalar("", pa.large_string())
_ONE = pa.scalar("1", pa.large_string())


@dataclass(frozen=True)
class ParseOptions:
    """What a file's cells alone cannot say: the order of day-first dates, the time zone."""

    # How day-first or month-first forms (03-11-2026) are read; "ymd" refuses them.
    date_order: DateOrder = "ymd"
    # The zone the file's times without a UTC offset are written in (an ad platform that
    # reports in UTC); None: the warehouse's own, so they are kept as written. Times with an
    # offset say their zone themselves. Either way they are stored in the warehouse's zone.
    timezone: str | None = None

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}")
        if self.timezone is not None:
            check_timezone(self.timezone)


# The warehouse's time zone during a load (``warehouse_timezone``): what times are converted
# to, whichever file and options they come with.
_WAREHOUSE_ZONE: ContextVar[str | None] = ContextVar("warehouse_zone", default=None)


@contextmanager
def warehouse_timezone(name: str) -> Iterator[None]:
    """Within the block, times are converted to the warehouse zone ``name``."""
    token = _WAREHOUSE_ZONE.set(check_timezone(name))
    try:
        yield
    finally:
        _WAREHOUSE_ZONE.reset(token)


def warehouse_zone() -> str:
    """The zone the warehouse keeps local times in (``warehouse_timezone``, else the settings)."""
    zone = _WAREHOUSE_ZONE.get()
    if zone is not None:
        return zone
    from dashboard.settings import load_settings

    return load_settings().timezone


@dataclass(frozen=True)
class Issue:
    """Cells of one column that failed the same way (a catalogue key and its parameters).

    A warning issue does not fail its cells: the value was kept (e.g. rounded) and the
    load reports how many cells it concerns.
    """

    mask: np.ndarray
    code: str
    params: dict
    warning: bool = False


@dataclass(frozen=True)
class _Context:
    options: ParseOptions
    excel: np.ndarray  # cells that were numbers in an XLSX file
    excel_1904: bool = False


def kind_of(column_type: sat.TypeEngine) -> str:
    """The parsing kind of a declared SQLAlchemy type."""
    # Order matters: Double is a Float is a Numeric, DateTime is not a Date.
    if isinstance(column_type, sat.Boolean):
        return "bool"
    if isinstance(column_type, sat.DateTime):
        return "datetime"
    if isinstance(column_type, sat.Date):
        return "date"
    if isinstance(column_type, sat.Float):
        return "double"
    if isinstance(column_type, sat.Numeric):
        return "decimal"
    if isinstance(column_type, sat.BigInteger):
        return "int64"
    if isinstance(column_type, sat.Integer):
        return "int32"
    return "text"


def empty_series(column_type: sat.TypeEngine, length: int) -> pd.Series:
    """An all-null column of the type's pandas dtype (for a nullable column left out)."""
    return pd.Series([None] * length, dtype=dtype_of(column_type))


def dtype_of(column_type: sat.TypeEngine):
    """The pandas dtype a parsed column of this type has."""
    kind = kind_of(column_type)
    if kind == "decimal" and isinstance(column_type, sat.Numeric):  # always a Numeric then
        return pd.ArrowDtype(pa.decimal128(column_type.precision, column_type.scale))
    return {
        "bool": "boolean",
        "datetime": "datetime64[us]",
        "date": "datetime64[s]",
        "double": "float64",
        "int64": "Int64",
        "int32": "Int32",
        "text": "str",
    }[kind]


def parse(
    text: pd.Series,
    column_type: sat.TypeEngine,
    options: ParseOptions | None = None,
    *,
    excel: np.ndarray | None = None,
    excel_1904: bool = False,
) -> tuple[pd.Series, list[Issue]]:
    """Parse stripped text cells ('' = null): typed values (null where bad) and the issues.

    ``excel`` marks the cells that were numbers in an XLSX file (a date column reads them
    as Excel serial dates of the 1900 system, or of the 1904 one with ``excel_1904``).
    """
    text = text.reset_index(drop=True).astype(str)
    filled = (text != "").to_numpy(dtype=bool)
    # Arrow's compute kernels run the regular expressions in C++ over the whole column;
    # pandas' str.extract would run Python's re once per cell.
    arr = pa.array(text, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    numbers = np.zeros(len(text), dtype=bool) if excel is None else np.asarray(excel, dtype=bool)
    ctx = _Context(options or ParseOptions(), numbers, excel_1904)
    return _PARSERS[kind_of(column_type)](text, arr, filled, column_type, ctx)


def _np(mask) -> np.ndarray:
    """An Arrow boolean result as a numpy array, null counting as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _matches(arr: pa.Array, pattern: str) -> np.ndarray:
    return _np(pc.match_substring_regex(arr, pattern))


def _halfwidth(arr: pa.Array) -> pa.Array:
    """Full-width digits and punctuation as ASCII (one scan when there are none)."""
    if not pc.any(pc.match_substring_regex(arr, _WIDE_RE)).as_py():
        return arr
    for wide, narrow in _WIDE.items():
        arr = pc.replace_substring(arr, wide, narrow)
    return arr


def _bool(text, arr, filled, _type, _ctx):
    lower = pc.utf8_lower(arr)
    true, false = _np(pc.is_in(lower, _TRUE)), _np(pc.is_in(lower, _FALSE))
    values = pd.array(true, dtype="boolean")
    values[~(true | false)] = pd.NA
    return pd.Series(values), [Issue(filled & ~true & ~false, "load.bad_bool", {})]


def _integer(text, arr, filled, column_type, _ctx):
    kind = kind_of(column_type)
    arr = _halfwidth(arr)
    shaped = _matches(arr, _INT_RE)
    clean = pc.replace_substring_regex(
        pc.replace_substring_regex(arr, _SEPARATORS, ""), r"\.0+$", ""
    )
    clean = pc.replace_substring_regex(clean, r"^\+", "")
    digits = _np_int(pc.utf8_length(pc.replace_substring_regex(clean, r"^-?0*", "")))
    # Up to 18 digits always fit int64 and convert vectorised; the rare longer ones go
    # through Python's unbounded int so that int64's extremes are still accepted.
    long = shaped & (digits > 18)
    quick = shaped & ~long
    numbers = pc.cast(pc.if_else(pa.array(quick), clean, None), pa.int64())
    values = _np_int(numbers)
    low, high = _INT_RANGES[kind]
    out_of_range = quick & ((values < low) | (values > high))
    for i in np.flatnonzero(long):
        big = int(clean[i].as_py())
        if low <= big <= high:
            values[i] = big
        else:
            out_of_range[i] = True
    good = shaped & ~out_of_range
    result = pd.array(np.where(good, values, 0), dtype="Int32" if kind == "int32" else "Int64")
    result[~good] = pd.NA
    return pd.Series(result), [
        Issue(filled & ~shaped, "load.bad_integer", {}),
        Issue(out_of_range, "load.integer_range", {"low": low, "high": high}),
    ]


def _np_int(arr) -> np.ndarray:
    return pc.fill_null(arr, 0).to_numpy(zero_copy_only=False).astype("int64")


def _decimal(text, arr, filled, column_type, _ctx):
    precision, scale = column_type.precision, column_type.scale
    whole_digits = precision - scale
    bare = _halfwidth(arr)
    if pc.any(pc.match_substring_regex(bare, _CURRENCY_MARK)).as_py():
        bare = pc.replace_substring_regex(bare, _CURRENCY_BEFORE, r"\1")
        bare = pc.replace_substring_regex(bare, _CURRENCY_AFTER, "")
    shaped = _matches(bare, _DECIMAL_RE)
    parts = pc.extract_regex(pc.replace_substring_regex(bare, _SEPARATORS, ""), _DECIMAL_PARTS)
    sign = pc.replace_substring(parts.field("sign"), "+", "")
    whole = pc.replace_substring_regex(parts.field("whole"), "^0+", "")
    frac = pc.replace_substring_regex(parts.field("frac"), "0+$", "")
    frac_len = _np_int(pc.utf8_length(frac))
    too_large = shaped & (_np_int(pc.utf8_length(whole)) > whole_digits)
    good = shaped & ~too_large
    rounded = good & (frac_len > scale)
    target = pa.decimal128(precision, scale)
    if rounded.any():
        decimals, carried = _round_half_even(sign, whole, frac, frac_len, good, column_type)
        too_large |= carried
        good &= ~carried
        rounded &= ~carried
    else:
        normal = pc.binary_join_element_wise(
            sign, _or_zero(whole), _DOT, _or_zero(frac), _NO_SEPARATOR
        )
        decimals = pc.cast(pc.if_else(pa.array(good), normal, None), target)
    issues = [
        Issue(filled & ~shaped, "load.bad_decimal", {}),
        Issue(too_large, "load.decimal_too_large", {"digits": whole_digits}),
    ]
    if rounded.any():
        first = int(np.flatnonzero(rounded)[0])
        example = {"value": show_value(text.iloc[first]), "rounded": str(decimals[first].as_py())}
        issues.append(Issue(rounded, "load.warn_rounded", {"places": scale, **example}, True))
    return pd.Series(pd.arrays.ArrowExtensionArray(decimals)), issues


def _round_half_even(sign, whole, frac, frac_len, good, column_type):
    """Decimals rounded half-even to the column's scale, and the cells whose rounding overflowed."""
    precision, scale = column_type.precision, column_type.scale
    whole_digits = precision - scale
    # One spare digit before the point takes a carry (9.995 → 10.00); Arrow's round wraps
    # silently on overflow. Trailing zeros are stripped, so a fraction longer than ``keep``
    # has a non-zero tail: ``keep - 1`` digits and a 1 then round exactly as the whole would.
    keep = min(_WIDE_FRACTION, 37 - whole_digits)
    cut = pc.if_else(
        pa.array(frac_len > keep),
        pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(frac, 0, keep - 1), _ONE, _NO_SEPARATOR
        ),
        frac,
    )
    wide_type = pa.decimal128(whole_digits + 1 + keep, keep)
    normal = pc.binary_join_element_wise(sign, _or_zero(whole), _DOT, _or_zero(cut), _NO_SEPARATOR)
    wide = pc.cast(pc.if_else(pa.array(good), normal, None), wide_type)
    rounded = pc.round(wide, ndigits=scale, round_mode="half_to_even")
    limit = pa.array([Decimal(10**whole_digits)], type=wide_type)[0]
    carried = _np(pc.greater_equal(pc.abs(rounded), limit))
    kept = pc.if_else(pa.array(~carried), rounded, None)
    return pc.cast(kept, pa.decimal128(precision, scale)), carried


def _or_zero(arr):
    return pc.if_else(pc.equal(arr, ""), "0", arr)


def _double(text, arr, filled, _type, _ctx):
    arr = _halfwidth(arr)
    shaped = _matches(arr, _DOUBLE_RE)
    clean = pc.replace_substring_regex(pc.replace_substring_regex(arr, _SEPARATORS, ""), r"^\+", "")
    numbers = pc.cast(pc.if_else(pa.array(shaped), clean, None), pa.float64())
    values = numbers.to_numpy(zero_copy_only=False).astype("float64")
    overflow = shaped & ~np.isfinite(values)
    values[overflow] = np.nan
    return pd.Series(values), [
        Issue(filled & ~shaped, "load.bad_number", {}),
        Issue(overflow, "load.number_range", {}),
    ]


def _date(text, arr, filled, _type, ctx):
    return _stamps(arr, filled, ctx, "datetime64[s]", "load.bad_date")


def _datetime(text, arr, filled, _type, ctx):
    return _stamps(arr, filled, ctx, "datetime64[us]", "load.bad_datetime")


def _stamps(arr, filled, ctx: _Context, unit: str, code: str):
    f = _stamp_fields(_halfwidth(arr), filled, ctx.options.date_order)
    year, month, day = f["year"], f["month"], f["day"]
    hour, minute, second = f["hour"], f["minute"], f["second"]
    shaped, ambiguous = f["shaped"], f["ambiguous"]
    month_ok = (month >= 1) & (month <= 12)
    month_index = (year - 1970) * 12 + np.where(month_ok, month - 1, 0)
    first = month_index.astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = (month_index + 1).astype("datetime64[M]").astype("datetime64[D]") - first
    day_ok = (day >= 1) & (day <= days_in_month.astype("int64"))
    clock_ok = (hour <= 23) & (minute <= 59) & (second <= 59)
    impossible = shaped & ~(month_ok & day_ok & clock_ok)
    out_of_range = shaped & ~impossible & ((year < MIN_YEAR) | (year > MAX_YEAR))
    good = shaped & ~impossible & ~out_of_range
    # Up to nine fraction digits: nanoseconds, rounded to the warehouse's microseconds.
    micro = (f["nanos"] + 500) // 1000
    stamp = (
        first.astype("datetime64[us]")
        + (np.where(good, day, 1) - 1).astype("timedelta64[D]")
        + np.where(good, hour, 0).astype("timedelta64[h]")
        + np.where(good, minute, 0).astype("timedelta64[m]")
        + np.where(good, second, 0).astype("timedelta64[s]")
        + np.where(good, micro, 0).astype("timedelta64[us]")
    )
    impossible |= good & f["bad_offset"]
    good &= ~f["bad_offset"]
    _to_local_time(stamp, f["offset_minutes"], good & f["offset"])

    serial = np.zeros(len(arr), dtype=bool)
    if ctx.excel.any():
        serial = ctx.excel & filled & ~_matches(arr, _EIGHT_DIGITS)
    bad_serial = np.zeros(len(arr), dtype=bool)
    if serial.any():
        serial_ok, serial_stamp = _excel_serials(arr, serial, ctx.excel_1904)
        for mask in (shaped, ambiguous, impossible, out_of_range):
            mask &= ~serial
        good = (good & ~serial) | serial_ok
        bad_serial = serial & ~serial_ok
        stamp = np.where(serial_ok, serial_stamp, stamp)

    gap = overlap = np.zeros(len(arr), dtype=bool)
    if unit == "datetime64[us]":
        # A date is a calendar day, not an instant: only times move between zones.
        gap, overlap = _from_file_zone(stamp, good & ~f["offset"], ctx.options.timezone)
        impossible |= gap
        good &= ~gap & ~overlap
    has_time = np.zeros(len(arr), dtype=bool)
    if unit == "datetime64[s]":
        # A date column keeps a timestamp's date only when nothing of its time is lost.
        has_time = good & (stamp != stamp.astype("datetime64[D]").astype("datetime64[us]"))
        good &= ~has_time
    values = pd.Series(np.where(good, stamp, np.datetime64("NaT")).astype(unit))
    return values, [
        Issue(filled & ~shaped & ~ambiguous & ~serial, code, {}),
        Issue(ambiguous, "load.ambiguous_date", {}),
        Issue(impossible, "load.impossible_date", {}),
        Issue(out_of_range, "load.date_range", {"low": MIN_YEAR, "high": MAX_YEAR}),
        Issue(bad_serial, "load.bad_excel_serial", {"low": MIN_YEAR, "high": MAX_YEAR}),
        Issue(has_time, "load.date_with_time", {}),
        Issue(overlap, "load.ambiguous_time", {"zone": ctx.options.timezone}),
    ]


def _stamp_fields(arr, filled: np.ndarray, order: str) -> dict[str, np.ndarray]:
    """Each cell's date and time fields as numbers, and which cells have a date's shape.

    ISO cells of fixed width (what most systems write) are cut by position, which is several
    times faster than extracting regex groups; only the other cells go through ``_STAMP_RE``.
    """
    n = len(arr)
    fields = {name: np.zeros(n, dtype="int64") for name in _STAMP_NUMBERS}
    for name in ("shaped", "ambiguous", "offset", "bad_offset"):
        fields[name] = np.zeros(n, dtype=bool)
    fixed = np.zeros(n, dtype=bool)
    for pattern, slices in _FIXED_FORMS:
        if not (filled & ~fixed).any():
            break
        found = _matches(arr, pattern) & ~fixed
        if found.any():
            taken = arr if found.all() else pc.filter(arr, pa.array(found))
            for name, (start, stop) in slices.items():
                fields[name][found] = _number(pc.utf8_slice_codeunits(taken, start, stop))
            fixed |= found
    fields["shaped"] |= fixed
    # Then the common year-first forms (2026/11/3 7:05), then every form, each on what is left.
    rest = filled & ~fixed
    for pattern in (_YEAR_FIRST_RE, _STAMP_RE):
        if not rest.any():
            break
        parsed = _regex_fields(pc.filter(arr, pa.array(rest)), order, pattern)
        matched = parsed["shaped"] | parsed["ambiguous"]
        if pattern is not _STAMP_RE:
            # Cells this pattern does not take are left for the next one.
            rows = np.flatnonzero(rest)[matched]
            for name, values in parsed.items():
                fields[name][rows] = values[matched]
            rest[rows] = False
        else:
            for name, values in parsed.items():
                fields[name][rest] = values
    return fields


def _number(arr) -> np.ndarray:
    """Digit strings as int64 ('' and null as 0)."""
    return _np_int(pc.cast(_or_zero(arr), pa.int64()))


def _regex_fields(arr, order: str, pattern: str) -> dict[str, np.ndarray]:
    """``_stamp_fields`` through a regular expression (groups it lacks count as empty)."""
    parts = pc.extract_regex(arr, pattern)
    names = {parts.type.field(i).name for i in range(parts.type.num_fields)}

    def part(name: str) -> pa.Array | None:
        return parts.field(name) if name in names else None

    def filled(name: str) -> np.ndarray:
        field = part(name)
        return np.zeros(len(arr), dtype=bool) if field is None else _np(pc.not_equal(field, ""))

    def same(first: str, second: str) -> np.ndarray:
        if part(first) is None:
            return np.ones(len(arr), dtype=bool)
        return _np(pc.equal(part(first), part(second)))

    def number(*names: str) -> np.ndarray:
        fields = [part(n) for n in names if part(n) is not None]
        if not fields:
            return np.zeros(len(arr), dtype="int64")
        if len(fields) > 1:
            return _number(pc.binary_join_element_wise(*fields, _NO_SEPARATOR))
        return _number(fields[0])

    # The day-first or month-first form: its two leading numbers by the file's declared order.
    day_first, month_first = ("b", "a") if order == "mdy" else ("a", "b")
    glued = filled("hour") & ~filled("tsep") & ~filled("cy")  # 2026-11-0314:05
    shaped = _np(parts.is_valid()) & same("s1", "s2") & same("t1", "t2") & ~glued
    ambiguous = shaped & filled("ly") & (order == "ymd")
    offset = shaped & filled("tz")
    hours = minutes = np.zeros(len(arr), dtype="int64")
    west = np.zeros(len(arr), dtype=bool)
    if offset.any():
        signed = pc.extract_regex(part("tz"), _OFFSET_RE)  # "Z" does not match: offset zero
        west = _np(pc.equal(signed.field("sign"), "-"))
        hours, minutes = _number(signed.field("hours")), _number(signed.field("minutes"))
    frac = part("frac")
    return {
        "year": number("y", "cy", "ky", "ly"),
        "month": number("m", "cm", "km", month_first),
        "day": number("d", "cd", "kd", day_first),
        "hour": number("hour"),
        "minute": number("minute"),
        "second": number("second"),
        "nanos": number() if frac is None else _number(pc.utf8_rpad(frac, width=9, padding="0")),
        "shaped": shaped & ~ambiguous,
        "ambiguous": ambiguous,
        "offset": offset,
        # Real offsets run from -12:00 to +14:00.
        "bad_offset": offset & ((hours > 14) | (minutes > 59)),
        "offset_minutes": np.where(west, -1, 1) * (hours * 60 + minutes),
    }


def _to_local_time(stamp: np.ndarray, minutes: np.ndarray, offset: np.ndarray) -> None:
    """Convert, in place, the stamps written with a UTC offset to the warehouse's local time."""
    if not offset.any():
        return
    utc = stamp[offset] - minutes[offset].astype("timedelta64[m]")
    local = pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert(warehouse_zone())
    stamp[offset] = local.tz_localize(None).to_numpy().astype("datetime64[us]")


def _from_file_zone(stamp: np.ndarray, naive: np.ndarray, zone: str | None):
    """Convert, in place, local times of the file's zone to the warehouse's; the bad ones.

    Returns the times that do not exist in the file's zone (skipped when clocks go forward)
    and those that exist twice (when they go back): the second is never guessed.
    """
    none = np.zeros(len(stamp), dtype=bool)
    target = warehouse_zone()
    if zone is None or zone == target or not naive.any():
        return none, none
    wall = pd.DatetimeIndex(stamp[naive])
    earlier = wall.tz_localize(zone, ambiguous=np.ones(len(wall), bool), nonexistent="NaT")
    later = wall.tz_localize(zone, ambiguous=np.zeros(len(wall), bool), nonexistent="NaT")
    gap, overlap = none.copy(), none.copy()
    gap[naive] = earlier.isna()
    overlap[naive] = ~earlier.isna() & (earlier != later)
    moved = naive & ~gap & ~overlap
    local = earlier[~(gap | overlap)[naive]].tz_convert(target).tz_localize(None)
    stamp[moved] = local.to_numpy().astype("datetime64[us]")
    return gap, overlap


def _excel_serials(arr, serial: np.ndarray, is_1904: bool) -> tuple[np.ndarray, np.ndarray]:
    """Which number cells are Excel serial dates within the years allowed, and their stamps."""
    numbers = pc.cast(pc.if_else(pa.array(serial), arr, None), pa.float64(), safe=False)
    # Far outside any serial's range, a number only needs to stay out of it (and fit int64).
    value = np.clip(pc.fill_null(numbers, -1.0).to_numpy(zero_copy_only=False), -1.0, 1e7)
    day = np.floor(value).astype("int64")
    first_day = 0 if is_1904 else 1
    ok = serial & (day >= first_day) & (day <= _LAST_SERIAL_DAY[is_1904])
    if not is_1904:
        ok &= day != _EXCEL_LEAP_BUG
        # Days before the nonexistent 29 February 1900 are one later than the formula says.
        day = np.where(day < _EXCEL_LEAP_BUG, day + 1, day)
    epoch = _EXCEL_1904 if is_1904 else _EXCEL_1900
    # Excel keeps times to the millisecond; the float's tail beyond that is noise.
    millis = np.round((value - np.floor(value)) * 86_400_000).astype("int64")
    stamp = (
        epoch.astype("datetime64[us]")
        + np.where(ok, day, 0).astype("timedelta64[D]")
        + np.where(ok, millis, 0).astype("timedelta64[ms]")
    )
    return ok, stamp


def _text(text, arr, filled, column_type, _ctx):
    values = text.where(filled).astype("str")
    issues = []
    length = getattr(column_type, "length", None)
    if length:
        # PostgreSQL refuses over-long text mid-load; catch it here with the row.
        too_long = filled & (_np_int(pc.utf8_length(arr)) > length)
        issues.append(Issue(too_long, "load.too_long", {"max": length}))
        values = values.where(~too_long)
    return values, issues


_PARSERS = {
    "bool": _bool,
    "int32": _integer,
    "int64": _integer,
    "decimal": _decimal,
    "double": _double,
    "date": _date,
    "datetime": _datetime,
    "text": _text,
}


def coerce(values: pd.Series, column_type: sat.TypeEngine) -> pd.Series:
    """Warehouse values (Python objects) as the dtype ``parse`` gives, so keys compare equal."""
    kind = kind_of(column_type)
    values = values.reset_index(drop=True)
    if kind in ("date", "datetime"):
        return pd.to_datetime(values).astype(dtype_of(column_type))
    if kind == "decimal":
        arrow = pa.array(values.to_numpy(dtype=object, na_value=None))
        return pd.Series(
            pd.arrays.ArrowExtensionArray(arrow.cast(dtype_of(column_type).pyarrow_dtype))
        )
    return values.astype(dtype_of(column_type))
