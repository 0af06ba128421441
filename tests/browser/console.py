"""Console errors of a page in the browser, with the known noise set apart (and why)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# What the console may say without failing a test; everything else of type "error", and every
# uncaught page error, fails it:
# - Streamlit's own frontend, on a deep link such as /weekly, first probes
#   /weekly/_stcore/health and /weekly/_stcore/host-config, gets 404s and then falls back to the
#   server root. That noise is Streamlit's, not the dashboard's.
# - favicon 404s: the browser asks for /favicon.ico on its own; the app's icon is an emoji.
# - Anything not from the dashboard's own server (external fonts, map tiles, telemetry): the
#   browser resolves no other host (see conftest.LAUNCH_ARGS), so such requests fail by
#   design; they are listed in ConsoleLog.external for the report, not treated as app errors.
_STCORE_PROBE = re.compile(r"/[^/?#]+/_stcore/(health|host-config)$")
_NOT_FOUND = "Failed to load resource: the server responded with a status of 404"


@dataclass
class ConsoleLog:
    """Console errors and uncaught page errors of one page, split into real and ignored."""

    origin: str
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, page) -> ConsoleLog:
        """Start collecting from ``page``."""
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        return self

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url") or ""
        line = f"{msg.text} ({url})" if url else msg.text
        if self._ignorable(msg.text, url):
            self.ignored.append(line)
        else:
            self.errors.append(line)

    def _ignorable(self, text: str, url: str) -> bool:
        path = urlsplit(url).path
        if text.startswith(_NOT_FOUND) and (_STCORE_PROBE.search(path) or "favicon" in path):
            return True
        return bool(url) and not url.startswith(self.origin) and url.startswith(("http", "ws"))

    def _on_request_failed(self, request) -> None:
        if not request.url.startswith(self.origin):
            self.external.append(request.url)

    def clear(self) -> None:
        """Forget what was collected (before the next navigation)."""
        self.errors.clear()
        self.ignored.clear()
        self.external.clear()
