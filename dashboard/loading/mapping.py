"""Source mappings: a TOML file saying how one exported file fills one warehouse table.

A mapping names its source file and target table, renames columns (``[columns]``: target =
source header), gives columns the export lacks (``[constants]``, ``""`` for none), translates
values (``[values.<target>]``: source text = target value; every value the file holds must be
listed), sets the date order of day-first or month-first files (``[dates]``) and sums rows
finer than the table's grain (``[aggregate]``). ``read_mapping`` checks the file itself and
reports every mistake in it; applying it to the source is ``mapped.read_mapped``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dashboard import schema
from dashboard.loading import values as vals
from dashboard.loading.problems import Problems
from dashboard.loading.reading import LOADER_OWNED, ReadError, decode
from dashboard.settings import check_timezone

MAPPING_SUFFIX = ".mapping.toml"
_KEYS = ("file", "table", "columns", "constants", "values", "dates", "aggregate")
_DATE_ORDERS = ("ymd", "dmy", "mdy")
_SUMMABLE = ("int32", "int64", "decimal", "double")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Mapping:
    """One checked mapping: source file (name or pattern), table, and how columns are filled."""

    path: Path
    file: str
    table: str
    columns: dict[str, str]  # target column -> source header, as the mapping spells it
    constants: dict[str, str]  # target column -> cell text ('' = empty)
    values: dict[str, dict[str, str]]  # target column -> {source text: target text}
    date_order: vals.DateOrder | None = None  # checked against the known orders when read
    timezone: str | None = None
    group_by: tuple[str, ...] = ()
    sums: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The mapping file's name, as messages show it."""
        return self.path.name

    @property
    def aggregates(self) -> bool:
        """True when the mapping sums source rows to the table's grain."""
        return bool(self.group_by)

    def label(self, column: str) -> str:
        """Where a target column comes from: its source header, or the mapping's constant."""
        if column in self.columns:
            return self.columns[column]
        return f"{column} ({self.name} [constants])"


def is_mapping_file(path: Path) -> bool:
    """True for a file named ``*.mapping.toml``."""
    return path.name.lower().endswith(MAPPING_SUFFIX)


def read_mapping(path: Path, problems: Problems) -> Mapping | None:
    """Read and check one mapping file; every mistake in it is a problem (then None)."""
    before = problems.total
    doc = _parse_toml(path, problems)
    if doc is None:
        return None
    check = _Checker(path.name, problems)
    for key in doc:
        if key not in _KEYS:
            check.fail(key, "load.mapping_unknown_key", setting=key, allowed=", ".join(_KEYS))
    file = check.text(doc, "file")
    if file is not None and (Path(file).name != file or file in (".", "..")):
        check.fail("file", "load.mapping_file_not_name", value=file)
        file = None
    table = check.text(doc, "table")
    if table is not None and (table not in schema.TABLE_ORDER or table in LOADER_OWNED):
        check.fail("table", "load.mapping_unknown_table", value=table, expected=_tables())
        table = None
    if file is None or table is None:
        return None
    names = [c.name for c in schema.table(table).columns]
    columns = check.columns(doc.get("columns", {}), table, names)
    constants = check.constants(doc.get("constants", {}), table, names, columns)
    value_maps = check.value_maps(doc.get("values", {}), columns)
    order, zone = check.dates(doc.get("dates", {}))
    # Columns a source system may not have (schema.OMISSIBLE) may be left out, as in a file.
    omissible = getattr(schema, "OMISSIBLE", {})
    for name in names:
        if name not in columns and name not in constants and (table, name) not in omissible:
            check.fail(None, "load.mapping_column_unset", target=name, table=table)
    by, sums = check.aggregate(doc.get("aggregate"), table, names, constants)
    if problems.total > before:
        return None
    return Mapping(path, file, table, columns, constants, value_maps, order, zone, by, sums)


def _parse_toml(path: Path, problems: Problems) -> dict | None:
    try:
        text, _ = decode(path.read_bytes())
        return tomllib.loads(text)
    except OSError as exc:
        problems.add(path.name, None, None, "load.mapping_unreadable", detail=str(exc))
    except ReadError as exc:
        problems.add(path.name, exc.row, None, exc.code, **exc.params)
    except tomllib.TOMLDecodeError as exc:
        line = _TOML_LINE.search(str(exc))
        row = int(line.group(1)) if line else None
        problems.add(path.name, row, None, "load.mapping_bad_toml", detail=str(exc))
    return None


def _tables() -> str:
    return ", ".join(t for t in schema.TABLE_ORDER if t not in LOADER_OWNED)


def cell_text(value: object) -> str | None:
    """A TOML scalar as the text a CSV cell would hold (None for tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


class _Checker:
    """Checks the parts of one mapping, reporting each mistake under the key it is at."""

    def __init__(self, file: str, problems: Problems):
        self.file = file
        self.problems = problems

    def fail(self, at: str | None, code: str, **params) -> None:
        """Report a mistake in the mapping at ``at`` (a dotted TOML key, or None)."""
        self.problems.add(self.file, None, at, code, **params)

    def text(self, doc: dict, key: str) -> str | None:
        """A required non-empty text key."""
        value = doc.get(key)
        if value is None:
            self.fail(key, "load.mapping_missing_key", setting=key)
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "load.mapping_not_text", setting=key)
            return None
        return value.strip()

    def _section(self, value: object, key: str) -> dict:
        if not isinstance(value, dict):
            self.fail(key, "load.mapping_not_table", setting=key)
            return {}
        return value

    def _target(self, key: str, column: str, table: str, names: list[str]) -> bool:
        if column in names:
            return True
        self.fail(
            key,
            "load.mapping_unknown_column",
            target=column,
            table=table,
            expected=", ".join(names),
        )
        return False

    def columns(self, section: object, table: str, names: list[str]) -> dict[str, str]:
        """``[columns]``: target column = source header."""
        out: dict[str, str] = {}
        for target, header in self._section(section, "columns").items():
            key = f"columns.{target}"
            if not self._target(key, target, table, names):
                continue
            if not isinstance(header, str) or not header.strip():
                self.fail(key, "load.mapping_not_text", setting=key)
                continue
            out[target] = header.strip()
        return out

    def constants(self, section, table, names, columns) -> dict[str, str]:
        """``[constants]``: target column = the one value every row gets."""
        out: dict[str, str] = {}
        for target, value in self._section(section, "constants").items():
            key = f"constants.{target}"
            if not self._target(key, target, table, names):
                continue
            if target in columns:
                self.fail(key, "load.mapping_constant_mapped", target=target)
                continue
            text = cell_text(value)
            if text is None:
                self.fail(key, "load.mapping_not_scalar", setting=key)
                continue
            out[target] = text.strip()
        return out

    def value_maps(self, section, columns) -> dict[str, dict[str, str]]:
        """``[values.<target>]``: source text = target value, for mapped columns only."""
        out: dict[str, dict[str, str]] = {}
        for target, pairs in self._section(section, "values").items():
            key = f"values.{target}"
            if target not in columns:
                self.fail(key, "load.mapping_values_unmapped", target=target)
                continue
            table = self._section(pairs, key)
            converted: dict[str, str] = {}
            for source, value in table.items():
                text = cell_text(value)
                if text is None:
                    self.fail(
                        f"{key}.{source}", "load.mapping_not_scalar", setting=f"{key}.{source}"
                    )
                    continue
                # Cells are compared stripped, as the reader strips them.
                converted[source.strip()] = text.strip()
            if table and not converted:
                continue
            if not table:
                self.fail(key, "load.mapping_values_empty", target=target)
                continue
            out[target] = converted
        return out

    def dates(self, section) -> tuple[vals.DateOrder | None, str | None]:
        """``[dates]``: ``order`` (ymd, dmy or mdy) and ``timezone`` of the source's times."""
        section = self._section(section, "dates")
        for key in section:
            if key not in ("order", "timezone"):
                self.fail(
                    f"dates.{key}",
                    "load.mapping_unknown_key",
                    setting=key,
                    allowed="order, timezone",
                )
        order = section.get("order")
        if order is not None and order not in _DATE_ORDERS:
            self.fail("dates.order", "load.mapping_bad_date_order", value=str(order))
            order = None
        zone = section.get("timezone")
        if zone is not None and not isinstance(zone, str):
            self.fail("dates.timezone", "load.mapping_not_text", setting="dates.timezone")
            zone = None
        elif zone is not None:
            try:
                check_timezone(zone)
            except ValueError:
                self.fail("dates.timezone", "load.mapping_bad_timezone", value=zone)
                zone = None
        return order, zone

    def aggregate(
        self, section, table, names, constants
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``[aggregate]``: ``by`` = the grain's columns, ``sum`` = the measures summed."""
        if section is None:
            return (), ()
        section = self._section(section, "aggregate")
        for key in section:
            if key not in ("by", "sum"):
                self.fail(
                    f"aggregate.{key}", "load.mapping_unknown_key", setting=key, allowed="by, sum"
                )
        by = self._names(section.get("by"), "aggregate.by", table, names)
        sums = self._names(section.get("sum"), "aggregate.sum", table, names)
        if not by:
            self.fail("aggregate.by", "load.mapping_missing_key", setting="aggregate.by")
        for column in sums:
            kind = vals.kind_of(schema.table(table).c[column].type)
            if column in by:
                self.fail("aggregate.sum", "load.mapping_sum_and_by", target=column)
            elif kind not in _SUMMABLE:
                self.fail("aggregate.sum", "load.mapping_sum_not_number", target=column)
        for column in names:
            if column not in by and column not in sums and column not in constants:
                self.fail("aggregate", "load.mapping_aggregate_column", target=column)
        return tuple(by), tuple(sums)

    def _names(self, value, key, table, names) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "load.mapping_not_list", setting=key)
            return []
        return [v for v in dict.fromkeys(value) if self._target(key, v, table, names)]
