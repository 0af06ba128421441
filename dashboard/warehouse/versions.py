"""The DuckDB warehouse's previous versions, kept for ``opsdash undo``.

Every load builds the new state in a copy of the file and swaps it in; the file it replaces
is the state before the load, so keeping it costs a hard link, not a copy. It is kept as
``<file>.before-<batch>``; the newest ``Settings.undo_versions`` are kept, older ones deleted.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

_SUFFIX = re.compile(r"\.before-(\d+)$")


def kept_path(path: Path, batch_id: int) -> Path:
    """Where the state before load ``batch_id`` is kept."""
    return path.with_name(f"{path.name}.before-{batch_id}")


def keep(path: Path, batch_id: int) -> None:
    """Keep the current file as the state before ``batch_id`` (a hard link: no copy)."""
    target = kept_path(path, batch_id)
    target.unlink(missing_ok=True)
    try:
        os.link(path, target)
    except OSError:  # a file system without hard links: move it aside instead
        os.replace(path, target)


def kept_batches(path: Path) -> list[int]:
    """Batches whose previous state is kept, newest first."""
    found = []
    for name in glob.glob(f"{glob.escape(str(path))}.before-*"):
        match = _SUFFIX.search(name)
        if match:
            found.append(int(match.group(1)))
    return sorted(found, reverse=True)


def prune(path: Path, keep_count: int) -> None:
    """Delete kept versions beyond the newest ``keep_count``."""
    for batch_id in kept_batches(path)[keep_count:]:
        kept_path(path, batch_id).unlink(missing_ok=True)
