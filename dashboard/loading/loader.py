"""``load_directory``: read a folder of table files, validate everything, then write or not at all.

Nothing is written unless every check passes; then all incoming tables go to the warehouse
in one ``write_tables`` call (atomic: a file swap for DuckDB, a transaction for servers).
Tables without a file in the folder are kept as they are; a table with one is, by mode,
replaced wholly (``replace``), added to (``append``: a key already there is refused) or added
to with rows of known keys replaced (``upsert``). Checks run on the merged result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from dashboard import schema
from dashboard.i18n import LANGUAGES
from dashboard.loading import calendar_notes, keys
from dashboard.loading.existing import ExistingWarehouse, WarehouseUnreadable
from dashboard.loading.mapped import read_mapped
from dashboard.loading.problems import Problem, Problems
from dashboard.loading.reading import ReadError, read_table
from dashboard.loading.sources import find_sources
from dashboard.loading.tables import TableData, build_table
from dashboard.loading.validate import validate
from dashboard.loading.values import warehouse_timezone
from dashboard.settings import Settings
from dashboard.warehouse import history, writelock
from dashboard.warehouse.history import LoadRecord, TableCount
from dashboard.warehouse.writer import write_tables

MODES = ("replace", "append", "upsert")
Progress = Callable[[str], None]  # called with each phase: read, validate, write, derived


@dataclass(frozen=True)
class LoadResult:
    """The outcome of a load: written or not, what, and every problem and warning."""

    ok: bool
    source: str
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows written (when ok)
    problems: tuple[Problem, ...] = ()  # listed problems (capped)
    problem_count: int = 0  # every problem found, listed or not
    warnings: tuple[Problem, ...] = ()
    batch_id: int | None = None
    mode: str = "replace"
    counts: dict[str, TableCount] = field(default_factory=dict)  # rows added/removed (when ok)

    @property
    def omitted(self) -> int:
        """Problems found but not listed."""
        return self.problem_count - len(self.problems)


def load_directory(
    settings: Settings,
    path: str | Path,
    lang: str = "zh",
    mappings: Sequence[Path] = (),
    mode: str = "replace",
    loaded_by: str | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Validate every table file in ``path`` and, only if all is well, load them in one batch.

    Exports are read through the ``*.mapping.toml`` files beside them and ``mappings``;
    ``mode`` is replace, append or upsert; ``loaded_by`` goes to the load history (default:
    the OS user); ``progress`` hears each phase as it starts.
    """
    if mode not in MODES:
        raise ValueError(f"unknown load mode: {mode!r}")
    lang = lang if lang in LANGUAGES else "zh"
    folder = Path(path)
    step = progress or (lambda _phase: None)
    started = datetime.now()
    problems, warnings = Problems(lang), Problems(lang)
    if not folder.is_dir():
        problems.add("", None, None, "load.no_folder", path=str(folder))
        return _failed(folder, problems, warnings, mode)
    step("read")
    # Offset timestamps convert to this warehouse's zone, whatever options a file brings.
    with warehouse_timezone(settings.timezone):
        incoming, unreadable, files = _read_folder(folder, problems, warnings, mappings)
    record = LoadRecord(
        mode=mode,
        source=str(folder.resolve()),
        loaded_by=history.current_user() if loaded_by is None else loaded_by,
        files=history.stamp_files(files, folder) if not problems else (),
        started=started,
    )
    try:
        result = _check_and_write(
            settings, folder, incoming, unreadable, problems, warnings, record, step
        )
        _audit(settings, result, record)
        return result
    except sa.exc.DBAPIError as exc:  # the warehouse server cannot be reached (or locked)
        problems.add(
            "",
            None,
            None,
            "load.warehouse_unreachable",
            url=settings.redacted_url(),
            seconds=settings.connect_timeout,
            detail=_first_line(exc.orig if exc.orig is not None else exc),
        )
        return _failed(folder, problems, warnings, mode)


def _check_and_write(
    settings, folder, incoming, unreadable, problems, warnings, record, step
) -> LoadResult:
    mode = record.mode
    # Checks and write under one lock: another load cannot change the warehouse in between.
    with writelock.exclusive(settings):
        step("validate")
        with ExistingWarehouse(settings) as existing:
            try:
                validate(incoming, unreadable, existing, problems, mode)
                if not problems:
                    # Only checked ids are mapped: every reference resolves by now.
                    frames, new_keys = keys.to_internal(
                        {name: data.frame for name, data in incoming.items()},
                        existing,
                        merge=mode != "replace",
                    )
            except WarehouseUnreadable as exc:
                problems.add("", None, None, "load.warehouse_unreadable", detail=str(exc))
        # The read-only connection is closed here, before anything is written.
        if problems:
            return _failed(folder, problems, warnings, mode)
        try:
            written = write_tables(settings, frames, record, new_keys=new_keys, progress=step)
        except Exception as exc:  # the writer leaves the warehouse as it was; report why
            problems.add("", None, None, "load.write_failed", detail=_first_line(exc))
            return _failed(folder, problems, warnings, mode)
        # Still under the lock: the calendar read is the one this load wrote.
        calendar_notes.warn_weekends_only(settings, warnings)
    return LoadResult(
        ok=True,
        source=str(folder),
        tables={name: len(frame) for name, frame in frames.items()},
        warnings=tuple(warnings.listed),
        batch_id=written.batch_id,
        mode=mode,
        counts=written.counts,
    )


def _audit(settings: Settings, result: LoadResult, record: LoadRecord) -> None:
    """Every load in the audit log, refused ones too (the load history lists only writes)."""
    if not settings.audit_url:
        return
    from dashboard import audit

    details = [
        ["mode", record.mode],
        ["batch", result.batch_id] if result.ok else ["problems", result.problem_count],
        ["files", ", ".join(f.name for f in record.files)],
    ]
    audit.record(
        settings.audit_url,
        record.loaded_by or "?",
        "loader",
        "load" if result.ok else "load_refused",
        record.source,
        {"extra": details},
        sum(result.tables.values()) if result.ok else None,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _read_folder(
    folder: Path, problems: Problems, warnings: Problems, mappings: Sequence[Path] = ()
) -> tuple[dict[str, TableData], set[str], list[Path]]:
    """Read and type every table file; files that cannot be read are problems.

    Also returns the files read (sources and mappings), for the load history.
    """
    found = find_sources(folder, mappings, problems)
    for name, code in found.ignored:
        warnings.add(name, None, None, code)
    unreadable: set[str] = set()
    for name, code, params in found.refused:
        problems.add(name, None, None, code, **params)
        unreadable.add(Path(name).stem.lower())
    if not found and not problems:
        problems.add(
            folder.name, None, None, "load.no_tables", expected=", ".join(schema.TABLE_ORDER)
        )
    incoming: dict[str, TableData] = {}
    files = [*found.tables.values()]
    for table in schema.TABLE_ORDER:
        if table in found.mapped:
            mapping, source = found.mapped[table]
            files += [source, mapping.path]
            data = read_mapped(mapping, source, problems, warnings)
            if data is None:
                unreadable.add(table)
            else:
                incoming[table] = data
            continue
        path = found.tables.get(table)
        if path is None:
            continue
        try:
            raw = read_table(table, path)
        except ReadError as exc:
            problems.add(path.name, exc.row, exc.column, exc.code, **exc.params)
            unreadable.add(table)
            continue
        data = build_table(raw, problems, warnings)
        if len(data) == 0:
            warnings.add(path.name, None, None, "load.warn_no_rows")
        incoming[table] = data
    # A table whose file was refused is not "absent": checks must not fall back to the
    # warehouse's copy of it, which the user meant to replace.
    unreadable -= set(incoming)
    return incoming, unreadable, files


def _failed(folder: Path, problems: Problems, warnings: Problems, mode: str) -> LoadResult:
    return LoadResult(
        ok=False,
        source=str(folder),
        problems=_by_file_and_row(problems.listed),
        problem_count=problems.total,
        warnings=tuple(warnings.listed),
        mode=mode,
    )


def _by_file_and_row(problems: list[Problem]) -> tuple[Problem, ...]:
    """Problems grouped by file (in load order) and row, as someone fixing the files reads them.

    Folder-level problems come first, then each file's header problems, then its rows; the
    order of checking is kept among problems on the same row.
    """
    rank = {name: i for i, name in enumerate(schema.TABLE_ORDER)}

    def key(item: tuple[int, Problem]):
        index, problem = item
        row = problem.row if problem.row is not None else 0
        return (rank.get(Path(problem.file).stem.lower(), -1), row, index)

    return tuple(p for _, p in sorted(enumerate(problems), key=key))
