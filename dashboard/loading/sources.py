"""What a folder holds once mappings are counted: table files, and exports read through mappings.

Mappings are the ``*.mapping.toml`` files in the folder plus any given explicitly (``opsdash
load DIR --mapping FILE``). A mapping's ``file`` is looked up in the folder being loaded, so
one mapping serves every week's export folder; it may be a pattern (``巨量引擎日报_*.csv``)
that must match exactly one file. Files a mapping reads are sources, not unknown files, even
when one is named like a table; a table filled both by a mapping and by a table file (or by two
mappings) is refused, since a load replaces each table wholly from one file.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.loading.mapping import Mapping, is_mapping_file, read_mapping
from dashboard.loading.problems import Problems
from dashboard.loading.reading import TABLE_SUFFIXES, discover


@dataclass
class Sources:
    """Plain table files, mapped sources, and what to warn about or refuse."""

    tables: dict[str, Path]
    mapped: dict[str, tuple[Mapping, Path]] = field(default_factory=dict)
    ignored: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str, dict]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.tables or self.mapped or self.refused)


def find_sources(folder: Path, explicit: Sequence[Path], problems: Problems) -> Sources:
    """Sort ``folder``'s files into table files and mapped sources; mapping mistakes are problems."""
    found = discover(folder)
    beside = sorted((p for p in folder.iterdir() if p.is_file() and is_mapping_file(p)), key=_name)
    paths = list(beside)
    for path in explicit:
        path = Path(path)
        if not path.is_file():
            problems.add(path.name, None, None, "load.mapping_not_found", path=str(path))
        elif all(path.resolve() != p.resolve() for p in paths):
            paths.append(path)
    claimed = {p.name for p in beside}
    mapped: dict[str, tuple[Mapping, Path]] = {}
    for path in paths:
        mapping = read_mapping(path, problems)
        if mapping is None:
            continue
        source = _source(folder, mapping, problems)
        if source is None:
            continue
        claimed.add(source.name)
        if mapping.table in mapped:
            other = mapped[mapping.table][0].name
            problems.add(
                mapping.name,
                None,
                "table",
                "load.mapping_table_twice",
                table=mapping.table,
                other=other,
            )
            continue
        mapped[mapping.table] = (mapping, source)
    tables = {t: p for t, p in found.tables.items() if p.name not in claimed}
    for table, (mapping, _) in mapped.items():
        if table in tables:
            problems.add(
                mapping.name,
                None,
                "table",
                "load.mapping_table_twice",
                table=table,
                other=tables[table].name,
            )
    return Sources(
        tables=tables,
        mapped=mapped,
        ignored=[(n, code) for n, code in found.ignored if n not in claimed],
        refused=[r for r in found.refused if r[0] not in claimed],
    )


def _name(path: Path) -> str:
    return path.name


def _source(folder: Path, mapping: Mapping, problems: Problems) -> Path | None:
    """The one file in ``folder`` that the mapping's ``file`` names or matches."""
    wanted = mapping.file.lower()
    files = [
        p
        for p in sorted(folder.iterdir(), key=_name)
        if p.is_file() and not p.name.startswith((".", "~$")) and not is_mapping_file(p)
    ]
    # A name first (brackets in a real name are not a pattern), then a pattern.
    hits = [p for p in files if p.name.lower() == wanted] or [
        p for p in files if fnmatch.fnmatchcase(p.name.lower(), wanted)
    ]
    if len(hits) != 1:
        code = "load.mapping_source_missing" if not hits else "load.mapping_source_ambiguous"
        shown = ", ".join(p.name for p in hits[:10])
        problems.add(
            mapping.name, None, "file", code, source=mapping.file, folder=str(folder), matches=shown
        )
        return None
    source = hits[0]
    if source.suffix.lower() not in TABLE_SUFFIXES:
        problems.add(
            source.name, None, None, "load.unsupported_format", suffix=source.suffix or "-"
        )
        return None
    return source
