"""The load history: one ``load_batches`` row per seed, load and undo, and reading it back.

A row says when, by whom, in which mode, from which files (each with its size and SHA-256,
so "which export was that?" has an answer), how many rows each table gained and lost, how
long it took, and for an undo which load it took back. ``opsdash loads`` and the Load
history page read it through ``read``; ``opsdash undo`` picks its target with ``undo_target``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboard import schema

# "rebuild": the dashboard rebuilt the derived tables of an older warehouse (no data changed).
MODES = ("seed", "replace", "append", "upsert", "undo", "rebuild")
# Loads ``opsdash undo`` can take back: a seed is the sample chain, not a load of the chain's data.
UNDOABLE = ("replace", "append", "upsert")
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileStamp:
    """A source file as loaded: its name in the folder, size and SHA-256."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class LoadRecord:
    """What the history says of one write, besides what the writer counts itself."""

    mode: str
    source: str
    loaded_by: str = ""
    files: tuple[FileStamp, ...] = ()
    started: datetime = field(default_factory=datetime.now)
    undoes: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown load mode: {self.mode!r}")


@dataclass(frozen=True)
class TableCount:
    """Rows a write added to one table and rows it removed (replaced or emptied)."""

    added: int = 0
    removed: int = 0


def current_user() -> str:
    """The OS user running the command (for the history's "by whom")."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return ""


def stamp_files(paths: Iterable[Path], folder: Path) -> tuple[FileStamp, ...]:
    """Each file's name relative to ``folder``, size and SHA-256, in name order."""
    out = []
    for path in sorted(set(paths)):
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)
        name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
        out.append(FileStamp(name, path.stat().st_size, digest.hexdigest()))
    return tuple(out)


def row_values(
    batch_id: int, record: LoadRecord, counts: Mapping[str, TableCount], finished: datetime
) -> dict[str, object]:
    """The ``load_batches`` row of a finished write."""
    return {
        "batch_id": batch_id,
        "loaded_at": finished,
        "source": record.source[:200],
        "tables": ",".join(counts)[:400],
        "mode": record.mode,
        "loaded_by": record.loaded_by[:100],
        "files": json.dumps(
            [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in record.files],
            ensure_ascii=False,
        ),
        "counts": json.dumps(
            {t: {"added": c.added, "removed": c.removed} for t, c in counts.items()}
        ),
        "seconds": round((finished - record.started).total_seconds(), 3),
        "undoes": record.undoes,
    }


COLUMNS = [c.name for c in schema.load_batches.columns]


def frame(rows: Iterable[tuple]) -> pd.DataFrame:
    """History rows (in ``load_batches`` column order) as a frame, newest first.

    Rows written by older versions have no mode: a seed's source says so, anything else
    replaced its tables.
    """
    out = pd.DataFrame(list(rows), columns=COLUMNS)
    seeded = out["source"] == schema.SEED_SOURCE
    out["mode"] = out["mode"].where(
        out["mode"].notna(), seeded.map({True: "seed", False: "replace"})
    )
    undos = out[out["undoes"].notna()]
    out["undone_by"] = out["batch_id"].map(
        dict(zip(undos["undoes"].astype(int), undos["batch_id"], strict=True))
    )
    return out.sort_values("batch_id", ascending=False, ignore_index=True)


def undo_target(history: pd.DataFrame) -> int | None:
    """The batch ``opsdash undo`` takes back: the latest load not undone yet, if loads came last.

    Undo walks back: after an undo, the load before it. A seed ends the walk (it replaced
    everything and is not a load of the chain's data).
    """
    for row in history.sort_values("batch_id", ascending=False).itertuples():
        if row.mode in ("undo", "rebuild") or pd.notna(row.undone_by):
            continue
        return int(row.batch_id) if row.mode in UNDOABLE else None
    return None


def parse_counts(text: str | None) -> dict[str, TableCount]:
    """A row's ``counts`` JSON back as TableCounts (empty for rows of older versions)."""
    if not text:
        return {}
    return {t: TableCount(**c) for t, c in json.loads(text).items()}


def parse_files(text: str | None) -> tuple[FileStamp, ...]:
    """A row's ``files`` JSON back as FileStamps (empty for rows of older versions)."""
    if not text:
        return ()
    return tuple(FileStamp(**f) for f in json.loads(text))
