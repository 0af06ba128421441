"""Record the SQL a page runs: every query rendered and executed during one cold run.

``data.execute`` (what every cache miss runs) is wrapped for the duration of a ``with`` block, so the floor replays
exactly the statements the app executed (same text, same bound parameters), and each query's
own time inside the app is known for profiling. Queries a page runs at once (``data.run_all``)
are recorded in the order they finish; the floor runs them one after another.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from dashboard import data
from dashboard.warehouse import sqlfiles


@dataclass
class CapturedQuery:
    """One query the app executed: the rendered statement and its time inside the app."""

    rendered: sqlfiles.RenderedQuery
    seconds: float = 0.0
    rows: int = 0


@dataclass
class Capture:
    """The queries of one run, in execution order."""

    queries: list[CapturedQuery] = field(default_factory=list)


@contextlib.contextmanager
def capturing() -> Iterator[Capture]:
    """Record every query the data layer executes (cache misses) inside the block."""
    capture = Capture()
    original_run = data.execute
    lock = threading.Lock()

    def execute(name, filters, scope, params, snap):
        # Rendered again here (it is deterministic), so queries that pages run at once on
        # the data layer's pool are each paired with their own statement.
        rendered = data.render(name, filters, scope, params)
        start = time.perf_counter()
        frame = original_run(name, filters, scope, params, snap)
        seconds = time.perf_counter() - start
        with lock:
            capture.queries.append(CapturedQuery(rendered, seconds, len(frame)))
        return frame

    data.execute = execute
    try:
        yield capture
    finally:
        data.execute = original_run
