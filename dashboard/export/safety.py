"""Formula-injection neutralising and cleaning of text cells (OWASP "CSV injection").

A spreadsheet treats text that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and
tab or carriage return can hide one), so text from data that begins with one of them is
prefixed with a single quote and written as plain text: nothing runs when the file opens,
and the quote stays visible if the cell is later saved as CSV and reopened. Numbers are
never touched, so they stay numbers.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Excel's limit for the text of one cell.
MAX_CELL_CHARS = 32_767
# Control characters that the XLSX format cannot hold (tab, LF and CR are allowed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    return text.startswith(TRIGGERS)


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when it begins with a formula trigger."""
    return QUOTE + text if is_dangerous(text) else text


def clean_text(text: str) -> str:
    """Text safe for a cell: control characters removed, neutralised, cut to Excel's limit."""
    text = _ILLEGAL.sub("", text)
    text = neutralise(text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text
