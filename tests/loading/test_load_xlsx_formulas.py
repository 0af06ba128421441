"""Workbook formulas: a saved result loads; a formula with no saved result is refused by cell.

A workbook keeps each formula's last result beside it when Excel, WPS or LibreOffice saves
it; programs that write workbooks without calculating (openpyxl among them) leave it out.
Such a cell has no value to load, and loading it as blank would turn an experiment's end
date into "still running".
"""

from __future__ import annotations

import re
import zipfile
from datetime import date

import openpyxl
import pytest

from dashboard.loading import load_directory
from tests.export.helpers import soffice

SHEET = "xl/worksheets/sheet1.xml"


def _experiments_book(sample_rows, path, **formulas: str) -> None:
    """The sample's experiments as a workbook, with ``column=formula`` in its data row."""
    row = dict(sample_rows["experiments"][0])
    row.update(formulas)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(row))
    sheet.append([int(v) if k == "experiment_id" else v for k, v in row.items()])
    for name, cell in zip(row, sheet[2], strict=True):
        if name in ("started_on", "ended_on"):
            cell.number_format = "yyyy-mm-dd"  # as Excel formats a DATE() result
    book.save(path)


def _set_saved_result(path, cell: str, xml: str) -> None:
    """Give a formula cell its saved result, as a spreadsheet program writes it."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts[SHEET].decode()
    pattern = rf'<c r="{cell}"( [^>]*)?><f>(.*?)</f><v ?/></c>'
    assert re.search(pattern, sheet), sheet
    parts[SHEET] = re.sub(pattern, xml.replace("FORMULA", r"\2"), sheet).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _load(settings, folder):
    return load_directory(settings, folder, lang="en")


def test_formula_without_saved_value_is_refused_naming_the_cell(
    loaded_settings, tmp_path, sample_rows, unchanged, read_tables
):
    folder = tmp_path / "book"
    folder.mkdir()
    _experiments_book(sample_rows, folder / "experiments.xlsx", ended_on="=DATE(2026,3,8)")
    check = unchanged(loaded_settings)

    result = _load(loaded_settings, folder)

    assert [(p.file, p.row, p.column, p.code) for p in result.problems] == [
        ("experiments.xlsx", 2, "ended_on", "load.formula_no_value")
    ]
    reason = result.problems[0].reason
    assert "L2" in reason and "Excel" in reason and "values" in reason
    assert "L2" in result.problems[0].reason_in("zh")
    check()
    experiments = read_tables(loaded_settings, ["experiments"])["experiments"]
    assert experiments["ended_on"].tolist() == [None]


def test_every_formula_without_a_value_is_counted(loaded_settings, tmp_path, sample_rows):
    folder = tmp_path / "book"
    folder.mkdir()
    path = folder / "experiments.xlsx"
    _experiments_book(sample_rows, path, started_on="=DATE(2024,1,1)", ended_on="=K2+60")
    book = openpyxl.load_workbook(path)
    book.active["N5"] = "=1+1"  # a helper cell outside the table still has no value
    book.save(path)

    result = _load(loaded_settings, folder)

    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (2, "started_on", "load.formula_no_value_more")
    ]
    params = dict(result.problems[0].params)
    assert (params["cell"], params["count"], params["cells"]) == ("K2", 2, "L2, N5")


@pytest.mark.parametrize(
    ("saved", "expected"),
    [
        ('<c r="L2"\\1><f>FORMULA</f><v>46089</v></c>', date(2026, 3, 8)),
        # A formula whose result is the empty string (=IF(…, "", …)), as Excel saves it.
        ('<c r="L2"\\1 t="str"><f>FORMULA</f><v></v></c>', None),
    ],
    ids=["date", "empty_text"],
)
def test_formula_with_saved_value_loads_the_value(
    loaded_settings, tmp_path, sample_rows, read_tables, saved, expected
):
    folder = tmp_path / "book"
    folder.mkdir()
    path = folder / "experiments.xlsx"
    _experiments_book(sample_rows, path, ended_on="=DATE(2026,3,8)")
    _set_saved_result(path, "L2", saved)

    result = _load(loaded_settings, folder)

    assert result.ok, [p.reason for p in result.problems]
    ended = read_tables(loaded_settings, ["experiments"])["experiments"]["ended_on"].tolist()
    assert [None if v is None else date.fromisoformat(str(v)[:10]) for v in ended] == [expected]


def test_workbook_saved_by_libreoffice_loads_its_formula_results(
    loaded_settings, tmp_path, sample_rows, read_tables
):
    import subprocess

    written = tmp_path / "written"
    written.mkdir()
    _experiments_book(
        sample_rows,
        written / "experiments.xlsx",
        owner='="市场"&"部"',
        started_on="=DATE(2024,1,1)",
        ended_on='=IF(1,"","x")',
    )
    folder = tmp_path / "saved"
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        [soffice(), profile, "--headless", "--norestore", "--convert-to", "xlsx"]
        + ["--outdir", str(folder), str(written / "experiments.xlsx")],
        capture_output=True,
        timeout=300,
        check=True,
    )

    result = _load(loaded_settings, folder)

    assert result.ok, [p.reason for p in result.problems]
    row = read_tables(loaded_settings, ["experiments"])["experiments"].iloc[0]
    assert (row["owner"], str(row["started_on"])[:10], row["ended_on"]) == (
        "市场部",
        "2024-01-01",
        None,
    )


def _rewrite_sheet(path, edit) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts[SHEET] = edit(parts[SHEET].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _without_positions(xml: str) -> str:
    # Some writers leave out r="…": each row and cell follows the one before.
    return re.sub(r'<(row|c) r="[A-Z]*\d+"', r"<\1", xml)


def _with_prefix(xml: str) -> str:
    # The same sheet with every element in a prefixed namespace (<x:row>, <x:c>, <x:f>).
    xml = re.sub(r"<(/?)(\w+)", r"<\1x:\2", xml)
    return xml.replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=", 1)


def _shared_formula(xml: str) -> str:
    # Excel's fill-down: L2 holds the formula (with its result), L3 shares it (without).
    xml = re.sub(
        r'<c r="L2"([^>]*)><f>([^<]*)</f><v ?/></c>',
        r'<c r="L2"\1><f t="shared" ref="L2:L3" si="0">\2</f><v>46089</v></c>',
        xml,
    )
    return xml.replace(
        "</sheetData>", '<row r="3"><c r="L3" s="1"><f t="shared" si="0"/></c></row></sheetData>'
    )


@pytest.mark.parametrize(
    ("edit", "cell", "row"),
    [(_without_positions, "L2", 2), (_with_prefix, "L2", 2), (_shared_formula, "L3", 3)],
    ids=["no_positions", "prefixed", "shared"],
)
def test_formula_cells_in_other_writers_layouts_are_found(
    loaded_settings, tmp_path, sample_rows, edit, cell, row, unchanged
):
    folder = tmp_path / "book"
    folder.mkdir()
    path = folder / "experiments.xlsx"
    _experiments_book(sample_rows, path, ended_on="=DATE(2026,3,8)")
    _rewrite_sheet(path, edit)
    check = unchanged(loaded_settings)

    result = _load(loaded_settings, folder)

    assert [(p.row, p.column, p.code) for p in result.problems][:1] == [
        (row, "ended_on", "load.formula_no_value")
    ]
    assert dict(result.problems[0].params)["cell"] == cell
    check()
