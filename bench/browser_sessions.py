"""The load test: every page in N simultaneous headless-Chromium sessions against one server.

``opsdash bench --concurrency 10`` starts ``opsdash run`` on a free loopback port over a
1,000,000-lead warehouse, then N browser sessions (contexts of one headless Chromium) each open
every page, starting at different pages so that they hit the server together. A session opens
its first page by URL and moves on through the sidebar, as a manager does
(``--navigate url`` opens every page by URL instead: a full load of the app each time).
Two times per page load, both from the start of the navigation:
- script finished: Streamlit's script is no longer running, its status widget and every
  placeholder are gone and the page's h1 title shows;
- rendered (the budget's figure): the last change to the page's DOM, once the script has
  finished and the DOM has then stayed still for ``SETTLE_SECONDS``. Charts are drawn after
  the script finishes (Plotly lays out and redraws once the element arrives), so this is when
  the manager sees the whole page. Canvas painting (the map) changes no DOM and is not seen.
  Waiting for it also keeps the load honest: a session that moves on as soon as the script
  finishes cancels the drawing of the page it leaves, and so costs the machine less than a
  manager who looks at each page.
Reports errors (exceptions, error boxes, page errors, timeouts), the percentiles, and where the
machine's CPU went (the server's and the browsers' CPU seconds per page view) with the
server's peak memory: on a small machine the browsers share the server's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from bench import budgets as bd
from bench import machine, seeding
from bench.jobs import DescendantsCpu, cpu_seconds, vm_hwm_bytes
from bench.load_report import markdown, summarise
from dashboard.navigation import PAGES
from dashboard.settings import ROOT, Settings

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGE_TIMEOUT_SECONDS = 120
# Quiet time that ends a page's rendering. Long enough that a starved renderer waiting for its
# next animation frame is not taken for a finished page.
SETTLE_SECONDS = 1.0
LANG = "zh"
_NAV_LINK = 'a[data-testid="stSidebarNavLink"]'

# Installed in every document before its scripts run: the time of the latest DOM change.
_WATCH_MUTATIONS = """(() => {
    window.__opsdashLastChange = performance.now();
    new MutationObserver(() => { window.__opsdashLastChange = performance.now(); }).observe(
        document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""
_SETTLED = "q => performance.now() - window.__opsdashLastChange >= q"
_SINCE_LAST_CHANGE = "() => (performance.now() - window.__opsdashLastChange) / 1000"

_DONE = """t => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
    if (app.getAttribute('data-test-script-state') === 'running') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    return Array.from(document.querySelectorAll('h1')).some(h => h.innerText.trim() === t);
}"""
_ERRORS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stException"], [data-testid="stAlertContentError"]'
)).map(e => e.innerText.slice(0, 300))"""


@dataclass
class Visit:
    """One page opened by one session: how long it took and what went wrong."""

    session: int
    page: str
    seconds: float | None  # until rendered (the DOM's last change)
    error: str = ""
    script_seconds: float | None = None  # until the script finished and the title showed
    how: str = "url"  # opened by its URL or through the sidebar


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workdir: Path) -> tuple[subprocess.Popen, str, Path]:
    """``opsdash run`` on a free loopback port (demo mode, its own audit file); wait for health."""
    port = _free_port()
    log_path = workdir / "server.log"
    env = {
        **os.environ,
        "OPSDASH_WAREHOUSE_URL": url,
        "OPSDASH_SECRETS": "/nonexistent/secrets.toml",
        "OPSDASH_AUDIT_URL": f"sqlite:///{workdir / 'audit.sqlite'}",
        "PYTHONUNBUFFERED": "1",
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cli", "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base, log_path
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"opsdash run did not start; see {log_path}")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server this test started."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def _path(page_id: str) -> str:
    # The default page is served at "/" (Streamlit has no /overview route).
    return "" if page_id == "overview" else page_id


def _page_url(base: str, page_id: str) -> str:
    return f"{base}/{_path(page_id)}?lang={LANG}"


async def _open(tab, base: str, page_id: str, by_sidebar: bool) -> None:
    """Start opening a page: click its sidebar link, or load its URL."""
    if by_sidebar:
        # The link's text carries its icon's name; its address ends with the page's path.
        link = tab.locator(f'{_NAV_LINK}[href$="/{_path(page_id)}"]')
        await link.click(timeout=PAGE_TIMEOUT_SECONDS * 1000)
    else:
        await tab.goto(
            _page_url(base, page_id), wait_until="commit", timeout=PAGE_TIMEOUT_SECONDS * 1000
        )


async def _session(
    browser, base: str, index: int, page_ids: list[str], navigate: str
) -> list[Visit]:
    from dashboard.i18n import t

    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    await context.add_init_script(_WATCH_MUTATIONS)
    tab = await context.new_page()
    page_errors: list[str] = []
    tab.on("pageerror", lambda exc: page_errors.append(str(exc)[:300]))
    order = page_ids[index % len(page_ids) :] + page_ids[: index % len(page_ids)]
    visits = []
    app_shown = False  # whether the tab shows the app (so its sidebar can be used)
    for page_id in order:
        page_errors.clear()
        title = t(f"page.{page_id}", LANG)
        by_sidebar = navigate == "sidebar" and app_shown
        started = time.perf_counter()
        try:
            await _open(tab, base, page_id, by_sidebar)
            await tab.wait_for_function(
                _DONE, arg=title, polling=50, timeout=PAGE_TIMEOUT_SECONDS * 1000
            )
            script_seconds = time.perf_counter() - started
            await tab.wait_for_function(
                _SETTLED,
                arg=SETTLE_SECONDS * 1000,
                polling=100,
                timeout=PAGE_TIMEOUT_SECONDS * 1000,
            )
            quiet = await tab.evaluate(_SINCE_LAST_CHANGE)
            seconds = max(time.perf_counter() - started - quiet, script_seconds)
            shown = await tab.evaluate(_ERRORS)
            error = "; ".join(shown + page_errors)
            app_shown = True
        except Exception as exc:  # a timeout or a broken page counts as an error
            seconds, script_seconds = None, None
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            # A fresh tab, so a navigation still pending cannot interrupt the next page's.
            await tab.close()
            tab = await context.new_page()
            tab.on("pageerror", lambda exc: page_errors.append(str(exc)[:300]))
            app_shown = False
        how = "sidebar" if by_sidebar else "url"
        visits.append(Visit(index, page_id, seconds, error, script_seconds, how))
    await context.close()
    return visits


async def _run_sessions(
    base: str, sessions: int, page_ids: list[str], navigate: str
) -> list[Visit]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            groups = await asyncio.gather(
                *(_session(browser, base, i, page_ids, navigate) for i in range(sessions))
            )
        finally:
            await browser.close()
    return [v for group in groups for v in group]


def run(
    url: str, leads: int, sessions: int, reuse: bool, navigate: str = "sidebar", say=print
) -> dict:
    """Prepare the warehouse, start the server, run the sessions, stop the server."""
    settings = Settings(warehouse_url=url)
    seed = seeding.prepare(settings, leads, reuse)
    page_ids = [p.id for p in PAGES]
    started = datetime.now()
    load_start = machine.load_average()
    with tempfile.TemporaryDirectory(prefix="opsdash-load-") as tmp:
        proc, base, log_path = start_server(url, Path(tmp))
        say(f"Server {base}: {sessions} sessions × {len(page_ids)} pages, by {navigate}")
        try:
            server_cpu = cpu_seconds(proc.pid)
            t0 = time.perf_counter()
            with DescendantsCpu(exclude={proc.pid}) as browsers:
                visits = asyncio.run(_run_sessions(base, sessions, page_ids, navigate))
            wall = time.perf_counter() - t0
            server_cpu = cpu_seconds(proc.pid) - server_cpu
            server_peak_rss = vm_hwm_bytes(proc.pid)
        finally:
            stop_server(proc)
            server_log = log_path.read_text(errors="replace")[-4000:]
    summary = summarise(visits)
    b = bd.LOAD_TEST
    described = machine.describe(settings)
    return {
        "generated_at": started.isoformat(timespec="seconds"),
        "leads": leads,
        "warehouse": settings.redacted_url(),
        "sessions": sessions,
        "navigate": navigate,
        "pages": page_ids,
        "wall_seconds": wall,
        "cpu_seconds": {"server": server_cpu, "browsers": browsers.seconds},
        "server_peak_rss_bytes": server_peak_rss,
        "machine": {
            **described,
            "load_average_at_start": load_start,
            "load_average_at_end": machine.load_average(),
        },
        "seeding": seed,
        **summary,
        "budgets": b.as_dict(),
        "checks": [
            {
                "figure": "errors",
                "value": summary["errors"],
                "budget": b.load_errors,
                "pass": bd.at_most(summary["errors"], b.load_errors),
                "unit": "",
            },
            {
                "figure": "p95 render time",
                "value": summary["p95_seconds"],
                "budget": b.load_p95_seconds,
                "pass": bd.at_most(summary["p95_seconds"], b.load_p95_seconds),
                "unit": "s",
            },
        ],
        "visit_log": [asdict(v) for v in visits],
        "server_log_tail": server_log if summary["errors"] else "",
    }


def main_from_cli(args: argparse.Namespace, url: str, leads: int) -> int:
    """``opsdash bench --concurrency N``: run, write load-test.json/.md, print the verdict."""
    import json

    result = run(
        url, leads, args.concurrency, args.reuse, args.navigate, say=lambda s: print(s, flush=True)
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load-test.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (args.out / "load-test.md").write_text(markdown(result))
    print(markdown(result))
    failed = [c for c in result["checks"] if c["pass"] is False]
    return 1 if args.strict and failed else 0
