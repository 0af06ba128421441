"""What is wrong with a DuckDB warehouse file that cannot be read, in words a person can act on.

A query that fails because the file is locked, damaged, empty, not a DuckDB file or a folder
is not a schema problem; the pages say which of these it is instead of "run opsdash init".
"""

from __future__ import annotations

import re
from pathlib import Path

# A DuckDB file carries this magic at byte 8 (after the header's checksum).
DUCKDB_MAGIC = b"DUCK"
_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


class WarehouseBroken(RuntimeError):
    """The warehouse file cannot be used; ``code`` names why (a catalogue key's last part)."""

    def __init__(self, code: str, path: Path, **params: str) -> None:
        super().__init__(f"{code}: {path}")
        self.code = code
        self.path = path
        self.params = params


def duckdb_fault(path: Path, exc: BaseException) -> WarehouseBroken | None:
    """The fault behind ``exc`` raised reading the DuckDB file at ``path``, or None (a query's own)."""
    text = str(exc)
    if path.is_dir():
        return WarehouseBroken("is_folder", path)
    if not path.exists():
        return None  # reported as a missing file by the data layer
    size = path.stat().st_size
    if size == 0:
        return WarehouseBroken("empty_file", path)
    with path.open("rb") as fh:
        head = fh.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        return WarehouseBroken("not_duckdb", path)
    lock = _LOCK.search(text)
    if lock:
        return WarehouseBroken("locked", path, program=lock["program"], pid=lock["pid"])
    lowered = text.lower()
    if any(word in lowered for word in ("corrupt", "checksum", "serialization", "invalid block")):
        return WarehouseBroken("damaged", path)
    return None
