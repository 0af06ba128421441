"""Typing text cells by the declared column types, vectorised, flagging every bad cell.

Accepted forms (what a user may write in a cell):
- booleans: true/false, 1/0, yes/no, 是/否 (any letter case);
- dates: ``YYYY-MM-DD`` or ``YYYY/MM/DD`` (month and day may be one digit), years 1900-2100;
- timestamps: a date, optionally followed by `` HH:MM``, ``:SS`` and ``.ffffff`` (a ``T``
  may replace the space); local time, no time-zone suffix;
- whole numbers and decimals: an optional sign, digits, and comma thousands separators only
  when they group by three (``1,234,567``); money may start with ¥; decimals may not have
  more places than the column keeps (no silent rounding of money);
- real numbers (shares, coordinates, targets): also scientific notation (``1e-05``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy.types as sat

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_TRUE = pa.array(["true", "1", "yes", "是"])
_FALSE = pa.array(["false", "0", "no", "否"])
_DIGITS = r"(\d+|\d{1,3}(,\d{3})+)"
_INT_RE = rf"^[+-]?{_DIGITS}(\.0+)?$"
_DECIMAL_RE = rf"^[+-]?[¥￥]?{_DIGITS}(\.\d+)?$"
_DECIMAL_PARTS = r"^(?P<sign>[+-]?)(?P<whole>\d+)(?:\.(?P<frac>\d+))?$"
_DOUBLE_RE = rf"^[+-]?({_DIGITS}(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
# RE2 (Arrow's regex engine) has no back-references, so the two date separators are
# captured and compared instead of written as ``\2``.
_STAMP_RE = (
    r"^(?P<year>\d{4})(?P<s1>[-/])(?P<month>\d{1,2})(?P<s2>[-/])(?P<day>\d{1,2})"
    r"(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<frac>\d{1,6}))?)?)?$"
)
_DATE_RE = r"^(?P<year>\d{4})(?P<s1>[-/])(?P<month>\d{1,2})(?P<s2>[-/])(?P<day>\d{1,2})$"
MIN_YEAR, MAX_YEAR = 1900, 2100
_DOT = pa.scalar(".", pa.large_string())
_NO_SEPARATOR = pa.scalar("", pa.large_string())


@dataclass(frozen=True)
class Issue:
    """Cells of one column that failed the same way (a catalogue key and its parameters)."""

    mask: np.ndarray
    code: str
    params: dict


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
    return {
        "bool": "boolean",
        "datetime": "datetime64[us]",
        "date": "datetime64[s]",
        "double": "float64",
        "int64": "Int64",
        "int32": "Int32",
        "text": "str",
    }.get(kind) or pd.ArrowDtype(pa.decimal128(column_type.precision, column_type.scale))


def parse(text: pd.Series, column_type: sat.TypeEngine) -> tuple[pd.Series, list[Issue]]:
    """Parse stripped text cells ('' = null): typed values (null where bad) and the issues."""
    text = text.reset_index(drop=True).astype(str)
    filled = (text != "").to_numpy(dtype=bool)
    # Arrow's compute kernels run the regular expressions in C++ over the whole column;
    # pandas' str.extract would run Python's re once per cell.
    arr = pa.array(text, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return _PARSERS[kind_of(column_type)](text, arr, filled, column_type)


def _np(mask) -> np.ndarray:
    """An Arrow boolean result as a numpy array, null counting as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def _matches(arr: pa.Array, pattern: str) -> np.ndarray:
    return _np(pc.match_substring_regex(arr, pattern))


def _bool(text, arr, filled, _type):
    lower = pc.utf8_lower(arr)
    true, false = _np(pc.is_in(lower, _TRUE)), _np(pc.is_in(lower, _FALSE))
    values = pd.array(true, dtype="boolean")
    values[~(true | false)] = pd.NA
    return pd.Series(values), [Issue(filled & ~true & ~false, "load.bad_bool", {})]


def _integer(text, arr, filled, column_type):
    kind = kind_of(column_type)
    shaped = _matches(arr, _INT_RE)
    clean = pc.replace_substring_regex(pc.replace_substring(arr, ",", ""), r"\.0+$", "")
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


def _decimal(text, arr, filled, column_type):
    precision, scale = column_type.precision, column_type.scale
    shaped = _matches(arr, _DECIMAL_RE)
    parts = pc.extract_regex(pc.replace_substring_regex(arr, "[¥￥,]", ""), _DECIMAL_PARTS)
    sign = pc.replace_substring(parts.field("sign"), "+", "")
    whole = pc.replace_substring_regex(parts.field("whole"), "^0+", "")
    frac = pc.replace_substring_regex(parts.field("frac"), "0+$", "")
    too_precise = shaped & (_np_int(pc.utf8_length(frac)) > scale)
    too_large = shaped & (_np_int(pc.utf8_length(whole)) > precision - scale)
    good = shaped & ~too_precise & ~too_large
    normal = pc.binary_join_element_wise(sign, _or_zero(whole), _DOT, _or_zero(frac), _NO_SEPARATOR)
    decimals = pc.cast(pc.if_else(pa.array(good), normal, None), pa.decimal128(precision, scale))
    return pd.Series(pd.arrays.ArrowExtensionArray(decimals)), [
        Issue(filled & ~shaped, "load.bad_decimal", {}),
        Issue(too_precise, "load.decimal_places", {"places": scale}),
        Issue(too_large & ~too_precise, "load.decimal_too_large", {"digits": precision - scale}),
    ]


def _or_zero(arr):
    return pc.if_else(pc.equal(arr, ""), "0", arr)


def _double(text, arr, filled, _type):
    shaped = _matches(arr, _DOUBLE_RE)
    clean = pc.replace_substring_regex(pc.replace_substring(arr, ",", ""), r"^\+", "")
    numbers = pc.cast(pc.if_else(pa.array(shaped), clean, None), pa.float64())
    values = numbers.to_numpy(zero_copy_only=False).astype("float64")
    overflow = shaped & ~np.isfinite(values)
    values[overflow] = np.nan
    return pd.Series(values), [
        Issue(filled & ~shaped, "load.bad_number", {}),
        Issue(overflow, "load.number_range", {}),
    ]


def _date(text, arr, filled, _type):
    return _stamps(arr, filled, _DATE_RE, "datetime64[s]", "load.bad_date")


def _datetime(text, arr, filled, _type):
    return _stamps(arr, filled, _STAMP_RE, "datetime64[us]", "load.bad_datetime")


def _stamps(arr, filled, pattern, unit, code):
    parts = pc.extract_regex(arr, pattern)
    shaped = _np(parts.is_valid()) & _np(pc.equal(parts.field("s1"), parts.field("s2")))

    def number(name: str, pad: bool = False) -> np.ndarray:
        try:
            field = parts.field(name)
        except KeyError:
            return np.zeros(len(arr), dtype="int64")
        if pad:  # a fraction ".5" is half a second: pad on the right to microseconds
            field = pc.utf8_rpad(field, width=6, padding="0")
        return _np_int(pc.cast(_or_zero(field), pa.int64()))

    year, month, day = number("year"), number("month"), number("day")
    hour, minute, second, micro = (
        number("hour"),
        number("minute"),
        number("second"),
        number("frac", pad=True),
    )
    month_ok = (month >= 1) & (month <= 12)
    month_index = (year - 1970) * 12 + np.where(month_ok, month - 1, 0)
    first = month_index.astype("datetime64[M]").astype("datetime64[D]")
    days_in_month = (month_index + 1).astype("datetime64[M]").astype("datetime64[D]") - first
    day_ok = (day >= 1) & (day <= days_in_month.astype("int64"))
    clock_ok = (hour <= 23) & (minute <= 59) & (second <= 59)
    impossible = shaped & ~(month_ok & day_ok & clock_ok)
    out_of_range = shaped & ~impossible & ((year < MIN_YEAR) | (year > MAX_YEAR))
    good = shaped & ~impossible & ~out_of_range
    stamp = (
        first.astype("datetime64[us]")
        + (np.where(good, day, 1) - 1).astype("timedelta64[D]")
        + np.where(good, hour, 0).astype("timedelta64[h]")
        + np.where(good, minute, 0).astype("timedelta64[m]")
        + np.where(good, second, 0).astype("timedelta64[s]")
        + np.where(good, micro, 0).astype("timedelta64[us]")
    )
    values = pd.Series(np.where(good, stamp, np.datetime64("NaT")).astype(unit))
    return values, [
        Issue(filled & ~shaped, code, {}),
        Issue(impossible, "load.impossible_date", {}),
        Issue(out_of_range, "load.date_range", {"low": MIN_YEAR, "high": MAX_YEAR}),
    ]


def _text(text, arr, filled, column_type):
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
