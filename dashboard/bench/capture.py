"""Record the SQL a page runs: every query rendered and executed during one cold run.

``data.run_uncached`` and ``sqlfiles.render`` are wrapped for the duration of a ``with``
block, so the floor replays exactly the statements the app executed (same text, same bound
parameters), and each query's own time inside the app is known for profiling.
"""

from __future__ import annotations

import contextlib
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
    original_render = sqlfiles.render
    original_run = data.run_uncached
    rendered: list[sqlfiles.RenderedQuery] = []

    def render(*args, **kwargs):
        result = original_render(*args, **kwargs)
        rendered.append(result)
        return result

    def run_uncached(*args, **kwargs):
        start = time.perf_counter()
        frame = original_run(*args, **kwargs)
        seconds = time.perf_counter() - start
        capture.queries.append(CapturedQuery(rendered[-1], seconds, len(frame)))
        return frame

    sqlfiles.render = render
    data.run_uncached = run_uncached
    try:
        yield capture
    finally:
        sqlfiles.render = original_render
        data.run_uncached = original_run
