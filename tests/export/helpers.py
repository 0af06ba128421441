"""Test helpers for exports: read workbooks back, compare cells with a Sheet, run LibreOffice."""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import uuid
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.export.sheet import Sheet

# The formats finance expects, per unit (the wording, not read from the writer).
FORMATS = {
    "count": "#,##0",
    "money": '"¥"#,##0.00',
    "rate": "0.0%",
    "ratio": "0.00",
    "days": "#,##0.0",
    "hours": "#,##0.0",
    "score": "0.00",
    "number": "#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = ("count", "money", "rate", "ratio", "days", "hours", "score", "number")
# LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1, every sheet (-1).
# Token 9 ("save cell contents as shown") is false for raw values and true for formatted text.
_CSV_RAW = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
_CSV_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def blank(value: object) -> bool:
    """None, NaN, NaT, pd.NA."""
    if value is None or isinstance(value, str):
        return value is None or value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def open_workbook(source):
    """An openpyxl workbook (full mode, so tables, charts and views are read too)."""
    return load_workbook(source)


def assert_cell(cell, value: object, unit: str, where: str) -> None:
    """One written cell against the frame's value in its unit: type, value and format."""
    if blank(value) or (isinstance(value, float) and math.isinf(value)):
        assert cell.value is None, f"{where}: expected empty, got {cell.value!r}"
        return
    if isinstance(value, str):
        text = cell.value
        assert isinstance(text, str), f"{where}: text written as {type(text).__name__}"
        dangerous = value.startswith(TRIGGERS)
        assert text == ("'" + value if dangerous else value), where
        assert cell.data_type == "s", f"{where}: text cell of type {cell.data_type}"
        return
    if unit in ("date", "datetime") or isinstance(value, date | datetime | pd.Timestamp):
        assert isinstance(cell.value, datetime | date), f"{where}: date as {cell.value!r}"
        expected = pd.Timestamp(value)
        got = pd.Timestamp(cell.value)
        assert got == expected or got.date() == expected.date(), f"{where}: {got} != {expected}"
        assert cell.number_format in (FORMATS["date"], FORMATS["datetime"]), where
        if unit == "date":
            assert cell.number_format == FORMATS["date"], where
        return
    number = float(value)
    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), (
        f"{where}: number written as {type(cell.value).__name__} {cell.value!r}"
    )
    assert cell.value == pytest.approx(number, rel=1e-9, abs=1e-9), where
    if unit in NUMERIC:
        assert cell.number_format == FORMATS[unit], f"{where}: {cell.number_format} for {unit}"


def assert_sheet(ws, sheet: Sheet, header_row: int) -> None:
    """The table at ``header_row`` holds exactly ``sheet``'s rows, typed and formatted."""
    for i, col in enumerate(sheet.columns):
        label = ws.cell(header_row, i + 1).value
        expected = "'" + col.label if col.label.startswith(TRIGGERS) else col.label
        assert isinstance(label, str) and label.startswith(expected), (label, col.label)
    header = ws.cell(header_row, 1)
    assert header.font.bold and header.fill.fgColor.rgb.endswith("1F4E79")
    frame = sheet.frame
    units = frame["unit"].tolist() if "unit" in frame.columns else [None] * len(frame)
    for r in range(len(frame)):
        for c, col in enumerate(sheet.columns):
            unit = col.unit
            if unit == "number" and units[r] in FORMATS:
                unit = units[r]
            value = frame[col.key].iloc[r]
            where = f"{ws.title}!{sheet.name} row {r + 1} col {col.key}"
            assert_cell(ws.cell(header_row + 1 + r, c + 1), value, unit, where)
    after = ws.cell(header_row + 1 + len(frame), 1).value
    assert after is None or not isinstance(after, int | float), "no extra data row"


def soffice() -> str:
    """The LibreOffice binary; skipped (or failed under CI) when it is not installed."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return exe


def libreoffice_csv(path: Path, out_dir: Path, shown: bool = False) -> dict[str, list[list[str]]]:
    """Every sheet of ``path`` as LibreOffice reads it (CSV rows per sheet name).

    A file LibreOffice rejects produces no CSV, which fails the test.
    """
    exe = soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile: parallel runs must not share (and lock) one LibreOffice instance.
    profile = f"-env:UserInstallation=file://{out_dir / ('lo-profile-' + uuid.uuid4().hex)}"
    done = subprocess.run(
        [
            exe,
            profile,
            "--headless",
            "--norestore",
            "--convert-to",
            _CSV_SHOWN if shown else _CSV_RAW,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    sheets = {}
    for csv_path in sorted(out_dir.glob(f"{path.stem}*.csv")):
        name = csv_path.stem[len(path.stem) :].lstrip("-")
        with csv_path.open(encoding="utf-8", newline="") as fh:
            sheets[name] = list(csv.reader(fh))
    assert sheets, f"LibreOffice could not read {path.name}: {done.stdout} {done.stderr}"
    return sheets
