"""A load's progress on a terminal: each phase as it starts, with the time the last one took.

Quiet when the output is not a terminal (cron, a pipe, tests), so logs hold only the report.
"""

from __future__ import annotations

import time
from typing import TextIO

from dashboard.i18n import t


class Progress:
    """Prints ``phase(name)`` calls to ``stream`` when it is a terminal; a context manager."""

    def __init__(self, stream: TextIO, lang: str, enabled: bool | None = None) -> None:
        self.stream = stream
        self.lang = lang
        self.enabled = stream.isatty() if enabled is None else enabled
        self._current: str | None = None
        self._since = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self._finish()

    def phase(self, name: str) -> None:
        """A phase begins: read, validate, write or derived."""
        self._finish()
        self._current, self._since = name, time.monotonic()
        if self.enabled:
            self.stream.write(t(f"load.phase.{name}", self.lang) + " …")
            self.stream.flush()

    def _finish(self) -> None:
        if self._current is not None and self.enabled:
            self.stream.write(f" {time.monotonic() - self._since:.1f} s\n")
            self.stream.flush()
        self._current = None
