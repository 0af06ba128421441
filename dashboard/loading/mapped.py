"""Applying a mapping to its source file: a typed table whose problems name the source's cells.

Renames, value maps and constants work on the text cells, so typing and every later check are
the same as for a table file; problems are then relabelled from target columns to the
source's own headers (``Problems.label_columns``), keeping the source's row numbers.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.loading import values as vals
from dashboard.loading.aggregate import aggregate
from dashboard.loading.mapping import Mapping
from dashboard.loading.problems import Problems, show_value
from dashboard.loading.reading import RawTable, ReadError, read_table
from dashboard.loading.tables import TableData, build_table


def read_mapped(
    mapping: Mapping, source: Path, problems: Problems, warnings: Problems
) -> TableData | None:
    """Read ``source`` through ``mapping`` into its table (None when the file cannot be read)."""
    try:
        raw = read_table(mapping.table, source)
    except ReadError as exc:
        problems.add(source.name, exc.row, exc.column, exc.code, **exc.params)
        return None
    positions = _locate_headers(raw, mapping, problems, warnings)
    if positions is None:
        return None
    # Columns neither mapped nor constant are ones the table lets a source leave out.
    declared = [
        c
        for c in schema.table(mapping.table).columns
        if c.name in mapping.columns or c.name in mapping.constants
    ]
    labels = {c.name: mapping.label(c.name) for c in declared}
    problems.label_columns(raw.file, labels)
    warnings.label_columns(raw.file, labels)
    cells: dict[int, pd.Series] = {}
    unmapped: dict[str, np.ndarray] = {}
    for i, column in enumerate(declared):
        if column.name in mapping.constants:
            cells[i] = pd.Series(mapping.constants[column.name], index=raw.cells.index, dtype=str)
            continue
        text = raw.cells[positions[column.name]]
        table = mapping.values.get(column.name)
        if table is not None:
            text, unmapped[column.name] = _translate(text, table, column, mapping, raw, problems)
        cells[i] = text
    names = [c.name for c in declared]
    frame = pd.DataFrame(cells, index=raw.cells.index, columns=range(len(names)))
    fields: dict = {"table": mapping.table, "header": names, "cells": frame.fillna("")}
    numbers = getattr(raw, "numbers", None)
    if numbers is not None:
        # Which cells an XLSX held as numbers (serial dates), laid out like the new cells;
        # constants and value-mapped cells are text the mapping wrote.
        fields["numbers"] = pd.DataFrame(
            {
                i: numbers[positions[c.name]]
                if c.name in positions and c.name not in mapping.values
                else False
                for i, c in enumerate(declared)
            },
            index=numbers.index,
        )
    target = replace(raw, **fields)
    data = build_table(target, problems, warnings, **_parse_options(mapping))
    for name, mask in unmapped.items():
        # Reported once as "not in the value map"; later checks skip the cell.
        data.mark_bad(name, mask)
        data.frame.loc[mask, name] = None
    if mapping.aggregates:
        data = aggregate(data, mapping.group_by, mapping.sums, problems)
    return data


def _locate_headers(
    raw: RawTable, mapping: Mapping, problems: Problems, warnings: Problems
) -> dict[str, int] | None:
    """Each mapped target's position in the source; unknown or doubled headers are problems."""
    where: dict[str, list[int]] = {}
    for pos, name in enumerate(raw.header):
        where.setdefault(name, []).append(pos)
    positions: dict[str, int] = {}
    ok = True
    for target, header in mapping.columns.items():
        found = where.get(header.lower(), [])
        if len(found) == 1:
            positions[target] = found[0]
            continue
        ok = False
        if found:
            problems.add(raw.file, 1, header, "load.mapping_duplicate_header", mapping=mapping.name)
        else:
            shown = ", ".join(h for h in raw.header if h) or "-"
            problems.add(
                raw.file,
                1,
                header,
                "load.mapping_header_missing",
                mapping=mapping.name,
                target=target,
                headers=shown,
            )
    used = {h.lower() for h in mapping.columns.values()}
    # Columns the mapping does not read are dropped; saying which guards against a typo.
    left = [
        name or f"#{pos + 1}"
        for pos, name in enumerate(raw.header)
        if name not in used and (name or (raw.cells[pos] != "").any())
    ]
    if left:
        warnings.add(
            raw.file,
            1,
            None,
            "load.warn_unmapped_columns",
            columns=", ".join(left),
            mapping=mapping.name,
        )
    return positions if ok else None


def _translate(text: pd.Series, table: dict[str, str], column, mapping, raw, problems):
    """Cells through a value map; a filled cell the map lacks is a problem on its source row."""
    known = text.isin(list(table)).to_numpy()
    missing = ~known & (text != "").to_numpy()
    out = text.where(~known, text.map(table))
    if missing.any():
        hit = np.flatnonzero(missing)
        shown = text.iloc[hit[: problems.max_per_kind]].map(show_value).tolist()
        problems.add_rows(
            raw.file,
            column.name,
            "load.value_not_mapped",
            raw.cells.index.to_numpy()[hit],
            per_row={"value": shown},
            mapping=mapping.name,
            setting=f"values.{column.name}",
        )
        # A stand-in the mapping itself gives, so the cell is not reported again as empty
        # or unparsable; it is marked bad and nulled once typed.
        stand_in = "" if column.nullable else next((v for v in table.values() if v), "")
        out = out.where(~missing, stand_in)
    return out.astype(str), missing


def _parse_options(mapping: Mapping) -> dict:
    """``build_table``'s ``options`` for a mapping's ``[dates]`` (none when it has none)."""
    if mapping.date_order is None and mapping.timezone is None:
        return {}
    # An order left out is ParseOptions' default.
    order = mapping.date_order if mapping.date_order is not None else vals.ParseOptions.date_order
    return {"options": vals.ParseOptions(date_order=order, timezone=mapping.timezone)}
