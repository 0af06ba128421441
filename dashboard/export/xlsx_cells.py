"""Cell XML for the streaming .xlsx writer: styles, shared strings, a batch's rows at once.

A column of an Arrow record batch becomes a column of cell XML fragments in one vectorised
step: numbers as numbers, datetimes as Excel serials with a date style (computed as
openpyxl's ``to_excel`` does), text as inline strings, or as shared strings for columns of
few distinct values (cities, clinics, labels). Text is cleaned exactly as everywhere else
(``safety.clean_text``: formula triggers neutralised, control characters dropped); values
that need it go through Python, the rest is checked and wrapped in Arrow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, overload
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from dashboard.export.formats import NUMBER_FORMATS, excel_value, format_for
from dashboard.export.safety import MAX_CELL_CHARS, TRIGGERS, clean_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
EPOCH_DAYS = 25569  # 1970-01-01 as an Excel serial (1900 date system)
US_PER_DAY = 86_400_000_000
MAX_SHARED = 100_000  # distinct shared strings kept; later new ones are written inline
# Text that Python must look at: formula triggers, characters to drop or escape, spaces at
# either end (xml:space), empty text (no cell).
_SPACE = r"[\s\pZ\x{0b}\x{1c}-\x{1f}\x{85}]"  # what str.strip() takes away
_CAREFUL = (
    "^["
    + "".join(f"\\x{{{ord(c):02x}}}" for c in TRIGGERS)
    + r"]|[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}&<>]|^$|^"
    + _SPACE
    + "|"
    + _SPACE
    + "$"
)

# Cell styles (cellXfs): fixed ones, then one per number format of ``formats``.
_FONTS = (
    '<font><sz val="11"/><name val="Calibri"/></font>',
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>',
    '<font><b/><sz val="14"/><name val="Calibri"/></font>',
    '<font><b/><sz val="11"/><name val="Calibri"/></font>',
    '<font><i/><sz val="11"/><color rgb="FF595959"/><name val="Calibri"/></font>',
)
_FILLS = (
    '<fill><patternFill patternType="none"/></fill>',
    '<fill><patternFill patternType="gray125"/></fill>',
    '<fill><patternFill patternType="solid"><fgColor rgb="FF1F4E79"/>'
    '<bgColor rgb="FF1F4E79"/></patternFill></fill>',
)
_BORDERS = (
    "<border><left/><right/><top/><bottom/><diagonal/></border>",
    '<border><left/><right/><top/><bottom style="thin"><color rgb="FF000000"/></bottom>'
    "<diagonal/></border>",
)
_HEADER_ALIGN = '<alignment horizontal="center" vertical="center" wrapText="1"/>'
_VALUE_ALIGN = '<alignment horizontal="left" vertical="top" wrapText="1"/>'
_FORMATS = [f for f in NUMBER_FORMATS.values() if f != "General"]
_FORMAT_IDS = {f: 164 + i for i, f in enumerate(_FORMATS)}
# name -> (numFmtId, fontId, fillId, borderId, alignment)
_XFS: dict[str, tuple[int, int, int, int, str]] = {
    "default": (0, 0, 0, 0, ""),
    "header": (0, 1, 2, 1, _HEADER_ALIGN),
    "heading": (0, 2, 0, 0, ""),
    "label": (0, 3, 0, 0, ""),
    "note": (0, 4, 0, 0, ""),
    "value": (0, 0, 0, 0, _VALUE_ALIGN),
    **{f"value:{f}": (_FORMAT_IDS[f], 0, 0, 0, _VALUE_ALIGN) for f in _FORMATS},
    **{f"fmt:{f}": (_FORMAT_IDS[f], 0, 0, 0, "") for f in _FORMATS},
}
STYLE = {name: i for i, name in enumerate(_XFS)}


def styles_xml() -> str:
    """The workbook's styles part."""
    fmts = "".join(
        f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(f)}/>"
        for f, i in _FORMAT_IDS.items()
    )
    xfs = "".join(
        f'<xf numFmtId="{n}" fontId="{fo}" fillId="{fi}" borderId="{b}"'
        + (' applyNumberFormat="1"' if n else "")
        + (' applyFont="1"' if fo else "")
        + (' applyFill="1"' if fi else "")
        + (' applyBorder="1"' if b else "")
        + (f' applyAlignment="1">{a}</xf>' if a else "/>")
        for n, fo, fi, b, a in _XFS.values()
    )
    return (
        f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
        f'<numFmts count="{len(_FORMAT_IDS)}">{fmts}</numFmts>'
        f'<fonts count="{len(_FONTS)}">{"".join(_FONTS)}</fonts>'
        f'<fills count="{len(_FILLS)}">{"".join(_FILLS)}</fills>'
        f'<borders count="{len(_BORDERS)}">{"".join(_BORDERS)}</borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(_XFS)}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def _style_attr(fmt: str, prefix: str = "fmt") -> str:
    return "" if fmt == "General" else f' s="{STYLE[f"{prefix}:{fmt}"]}"'


@overload
def cell_rest(value: str, unit: str, prefix: str = "fmt", style: str = "") -> str: ...


@overload
def cell_rest(value: object, unit: str, prefix: str = "fmt", style: str = "") -> str | None: ...


def cell_rest(value: object, unit: str, prefix: str = "fmt", style: str = "") -> str | None:
    """Everything of a ``<c>`` element after its reference, for a value from ``excel_value``."""
    if value is None:
        return None
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        s = f' s="{STYLE[style]}"' if style else ""
        return f'{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    fmt = format_for(unit, value)
    s = f' s="{STYLE[style]}"' if style and fmt == "General" else _style_attr(fmt, prefix)
    number = to_excel(value) if isinstance(value, date) else value  # datetimes too
    return f"{s}><v>{number_text(number)}</v></c>"


def number_text(value: object) -> str:
    """A number (Python or numpy scalar) as openpyxl writes it (16 significant digits)."""
    return f"{value:.16g}"


@dataclass(frozen=True)
class StreamColumn:
    """One column of a streamed sheet: header, unit, width, translation, shared strings or not."""

    label: str
    unit: str = "text"
    width: float = 10.0
    # Takes the column's raw cells (typed by the driver, so Any: mask_name takes str | None).
    translate: Callable[[Any], object] | None = None
    shared: bool = False


@dataclass
class SharedStrings:
    """The workbook's shared-strings table, filled as cells refer to it."""

    index: dict[str, int] = field(default_factory=dict)

    def rest(self, text: str) -> str:
        """The cell fragment of a cleaned, non-empty text (inline once the table is full)."""
        i = self.index.get(text)
        if i is None:
            if len(self.index) >= MAX_SHARED:
                return cell_rest(text, "text")
            i = self.index[text] = len(self.index)
        return f' t="s"><v>{i}</v></c>'

    def xml(self) -> str:
        """The sharedStrings part."""
        preserve = ' xml:space="preserve"'
        items = "".join(
            f"<si><t{preserve if t != t.strip() else ''}>{escape(t)}</t></si>" for t in self.index
        )
        n = len(self.index)
        return f'{XML_HEAD}<sst xmlns="{MAIN_NS}" uniqueCount="{n}">{items}</sst>'


def _serials(arr: pa.Array) -> pa.Array:
    """Timestamps or dates as Excel serials (as openpyxl's ``to_excel`` computes them)."""
    missing = arr.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_date(arr.type):
        days = pc.fill_null(arr.cast(pa.date32()).cast(pa.int32()), 0).to_numpy()
        return pa.array(days.astype(np.float64) + EPOCH_DAYS, mask=missing)
    us = pc.fill_null(arr.cast(pa.timestamp("us")).cast(pa.int64()), 0).to_numpy()
    days, rest = np.divmod(us, US_PER_DAY)
    seconds, micros = np.divmod(rest, 1_000_000)
    serial = (days + EPOCH_DAYS) + (seconds + micros / 10**6) / 86400
    return pa.array(serial, mask=missing)


def _python_rest(v: object, col: StreamColumn, strings: SharedStrings) -> str | None:
    """One value's fragment the slow way: translated, made an Excel value, cleaned."""
    if v is not None and col.translate is not None:
        v = col.translate(v)
    if isinstance(v, str):  # what excel_value makes of text, without its type probing
        text = clean_text(v)
        return (strings.rest(text) if col.shared else cell_rest(text, "text")) if text else None
    return cell_rest(excel_value(v, col.unit), col.unit)


def _inline_text(texts: pa.Array, col: StreamColumn, strings: SharedStrings) -> pa.Array:
    """Inline-string fragments of text values; only text needing care goes through Python."""
    careful = pc.fill_null(
        pc.or_(
            pc.match_substring_regex(texts, _CAREFUL),
            pc.greater(pc.utf8_length(texts), MAX_CELL_CHARS),
        ),
        False,
    )
    plain = pc.binary_join_element_wise(' t="inlineStr"><is><t>', texts, "</t></is></c>", "")
    picked = np.flatnonzero(careful.to_numpy(zero_copy_only=False))
    if not len(picked):
        return plain
    slow: list[str | None] = [None] * len(texts)
    for i in picked:
        slow[i] = _python_rest(texts[int(i)].as_py(), col, strings)
    return pc.if_else(careful, pa.array(slow, pa.string()), plain)


def _by_value(arr: pa.Array, col: StreamColumn, strings: SharedStrings) -> pa.Array:
    """Fragments computed once per distinct value of the batch (text, translated values)."""
    try:
        encoded = pc.dictionary_encode(arr)
    except pa.ArrowNotImplementedError:
        return pa.array([_python_rest(v, col, strings) for v in arr.to_pylist()], pa.string())
    distinct = encoded.dictionary
    values = distinct.to_pylist()
    if col.translate is not None and not col.shared:
        values = [col.translate(v) for v in values]
        col = replace(col, translate=None)
        if all(isinstance(v, str) for v in values):
            distinct = pa.array(values, pa.string())
    if not col.shared and col.translate is None and pa.types.is_string(distinct.type):
        rests = _inline_text(distinct, col, strings)
    else:  # shared text, and values of other types: each distinct value in Python
        rests = pa.array([_python_rest(v, col, strings) for v in values], pa.string())
    return pc.take(rests, encoded.indices)


def _exact_text(arr: pa.Array) -> bool:
    """True when Arrow's text of these numbers reads as openpyxl's 16 digits would."""
    # Integers below 10**16 and decimals of up to 15 digits; floats go through number_text.
    t = arr.type
    if pa.types.is_decimal(t):
        return t.precision <= 15
    if pa.types.is_integer(t):
        big = pc.max(pc.abs_checked(arr.cast(pa.float64()))).as_py()
        return big is None or big < 10**16
    return False


def fragments(arr: pa.Array, col: StreamColumn, strings: SharedStrings) -> pa.Array:
    """The cell fragments (after ``<c r="A1"``) of one column; null where no cell is written."""
    t = arr.type
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    when = pa.types.is_timestamp(t) or pa.types.is_date(t)
    if col.translate is None and col.unit in ("date", "datetime") and when:
        fmt = NUMBER_FORMATS["date" if col.unit == "date" else "datetime"]
        values = pc.cast(_serials(arr), pa.string())
        return pc.binary_join_element_wise(f"{_style_attr(fmt)}><v>", values, "</v></c>", "")
    if col.translate is None and _exact_text(arr):
        attr = _style_attr(format_for(col.unit, 0))
        values = pc.cast(arr, pa.string())
        if pa.types.is_decimal(t):  # 1.50 -> 1.5, 2.00 -> 2, as 16 significant digits give
            values = pc.replace_substring_regex(values, r"\.0+$", "")
            values = pc.replace_substring_regex(values, r"(\.[0-9]*[1-9])0+$", r"\1")
        return pc.binary_join_element_wise(f"{attr}><v>", values, "</v></c>", "")
    return _by_value(arr, col, strings)


def rows_xml(
    columns: Sequence[pa.Array],
    specs: Sequence[StreamColumn],
    first_row: int,
    strings: SharedStrings,
) -> memoryview:
    """The ``<row>`` elements of one batch (rows numbered from ``first_row``), as bytes."""
    n = len(columns[0])
    numbers = pc.cast(pa.array(np.arange(first_row, first_row + n, dtype=np.int64)), pa.string())
    cells = []
    for i, (arr, spec) in enumerate(zip(columns, specs, strict=True)):
        ref = f'<c r="{get_column_letter(i + 1)}'
        rest = fragments(arr, spec, strings)
        cells.append(pc.fill_null(pc.binary_join_element_wise(ref, numbers, '"', rest, ""), ""))
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    rows = rows.cast(pa.large_string())
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    start, end = offsets[rows.offset], offsets[rows.offset + n]
    return memoryview(rows.buffers()[2])[start:end]
