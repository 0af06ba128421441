"""Browser fixtures: one generated warehouse, one ``opsdash run`` server, one headless Chromium.

The server is started once per session on a free loopback port; the browser is Debian's
chromium driven by Playwright (no browser download is possible here). Without chromium the
tests skip, saying how to install it; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard import data
from dashboard.settings import duckdb_url
from tests.browser import helpers as h

BROWSER_END = "2026-11-15"
BROWSER_LEADS = 20_000
FIRST_DEEP_LINK = ("weekly", "en")

# --host-resolver-rules: the browser resolves no host but the loopback server, so a page that
# reaches for the internet (fonts, tiles, telemetry) fails visibly here as it would on an
# intranet, and no test traffic leaves the machine.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
INSTALL_HINT = (
    "headless Chromium is needed for the browser tests: install Debian's package "
    "(`apt-get install chromium`), or run scripts/test as root, which installs it"
)


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _missing(reason: str) -> None:
    """Skip locally; fail under CI, where a missing browser is a broken setup."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium executable, or skip/fail with how to install it."""
    path = _chromium()
    if path is None:
        _missing(INSTALL_HINT)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the Python package playwright is missing: run scripts/test (installs .[dev])")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


def _opsdash() -> list[str]:
    """The ``opsdash`` console script of this environment (or the module, if not installed)."""
    script = Path(sys.executable).parent / "opsdash"
    return [str(script)] if script.exists() else [sys.executable, "-m", "dashboard.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(warehouse_url: str, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Settings a developer may have exported would change what the pages show.
    for name in ("OPSDASH_LANGUAGE", "OPSDASH_ACCESS_POLICY", "OPSDASH_MAP_STYLE"):
        env.pop(name, None)
    env.update(
        OPSDASH_WAREHOUSE_URL=warehouse_url,
        OPSDASH_SECRETS="/nonexistent/secrets.toml",  # ignore a developer's secrets: demo mode
        OPSDASH_AUDIT_URL=f"sqlite:///{tmp / 'audit.sqlite'}",  # keep the repo's var/ clean
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def browser_tmp(tmp_path_factory) -> Path:
    """The session's folder for the warehouse, the audit log and the server log."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def browser_warehouse(browser_tmp, chromium_path) -> str:
    """A small generated warehouse (DuckDB file) for the server, made with ``opsdash seed``."""
    path = browser_tmp / "w.duckdb"
    url = duckdb_url(path)
    done = subprocess.run(
        [*_opsdash(), "seed", "--leads", str(BROWSER_LEADS), "--end-date", BROWSER_END]
        + ["--url", url],
        env=_server_env(url, path.parent),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"opsdash seed failed:\n{done.stdout}\n{done.stderr}"
    return url


@dataclass
class Visit:
    """What one page load showed: title, exceptions, console errors (for later assertions)."""

    url: str
    titles: list[str]
    exceptions: list[str]
    console: h.ConsoleLog
    text: str = ""
    error: str = ""


@dataclass
class Server:
    """The running dashboard."""

    base_url: str
    log_path: Path
    process: subprocess.Popen
    first_visit: Visit | None = None
    notes: list[str] = field(default_factory=list)

    def log_tail(self, lines: int = 80) -> str:
        """The end of the server's log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


_SERVING = "You can now view your Streamlit app"


def _start(url: str, tmp: Path) -> Server:
    """Start ``opsdash run`` on a free port and wait for its health endpoint."""
    last_log = ""
    for _attempt in range(3):  # another process may take the free port before the server does
        port = _free_port()
        log_path = tmp / f"server-{port}.log"
        log = log_path.open("w")
        proc = subprocess.Popen(
            [*_opsdash(), "run", "--port", str(port), "--host", "127.0.0.1"],
            env=_server_env(url, tmp),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        server = Server(f"http://127.0.0.1:{port}", log_path, proc)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{server.base_url}/_stcore/health", timeout=2) as r:
                    # The log line proves the answer came from this server, not from another
                    # process that took the port first (this one would then exit).
                    if r.status == 200 and proc.poll() is None and _SERVING in server.log_tail():
                        return server
            except OSError:
                pass
            time.sleep(0.3)
        last_log = server.log_tail()
        _stop(proc)
    raise RuntimeError(f"opsdash run did not become healthy; server log:\n{last_log}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _visit(browser, base_url: str, page_id: str, lang: str) -> Visit:
    """Open one deep link in a fresh context and record what it showed."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    log = h.ConsoleLog(base_url).attach(page)
    url = h.page_url(base_url, page_id, lang)
    visit = Visit(url, [], [], log)
    try:
        h.open_page(page, url, h.title_of(page_id, lang))
        visit.text = h.main_text(page)
    except Exception as exc:  # recorded; the test that reads the visit reports it
        visit.error = f"{type(exc).__name__}: {exc}"
    visit.titles = [x.strip() for x in page.locator("h1").all_inner_texts()]
    visit.exceptions = h.exception_texts(page)
    context.close()
    return visit


@pytest.fixture(scope="session")
def server(browser, browser_warehouse, browser_tmp) -> Server:
    """``opsdash run`` on a free loopback port over the generated warehouse; the base URL.

    The very first request to the fresh server is a deep link (/weekly?lang=en), recorded in
    ``first_visit``: a deep link must work without the entry script having run before.
    """
    srv = _start(browser_warehouse, browser_tmp)
    try:
        srv.first_visit = _visit(browser, srv.base_url, *FIRST_DEEP_LINK)
        yield srv
    finally:
        _stop(srv.process)
        if srv.process.returncode not in (0, -15, None):
            print(f"\nopsdash run exited with {srv.process.returncode}:\n{srv.log_tail()}")


@pytest.fixture(scope="session")
def base_url(server) -> str:
    """The dashboard's base URL."""
    return server.base_url


@pytest.fixture(scope="session")
def context(browser):
    """One browser context at 1280×720 shared by the tests that need no fresh one."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, server):
    """A new tab in the shared context, collecting console errors in ``page.console``."""
    tab = context.new_page()
    tab.console = h.ConsoleLog(server.base_url).attach(tab)
    yield tab
    tab.close()


@pytest.fixture
def fresh_page(browser, server):
    """A tab in a brand-new context (no cookies, no session): opening a copied link."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    tab = ctx.new_page()
    tab.console = h.ConsoleLog(server.base_url).attach(tab)
    yield tab
    ctx.close()


@pytest.fixture
def query_layer(browser_warehouse, monkeypatch):
    """The dashboard's data layer, in this process, pointed at the server's warehouse.

    Both processes open the DuckDB file read-only, which DuckDB allows side by side.
    """
    monkeypatch.setenv("OPSDASH_WAREHOUSE_URL", browser_warehouse)
    monkeypatch.setenv("OPSDASH_SECRETS", "/nonexistent/secrets.toml")
    data.settings.cache_clear()
    data.clear_cache()
    yield data.settings()
    data.settings.cache_clear()
    data.clear_cache()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, attach the end of the server log to the report."""
    report = yield
    if report.failed and "server" in getattr(item, "funcargs", {}):
        srv = item.funcargs["server"]
        report.sections.append(("opsdash run log (tail)", srv.log_tail()))
    return report
