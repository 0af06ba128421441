"""The load test: every page in N simultaneous headless-Chromium sessions against one server.

``opsdash bench --concurrency 10`` starts ``opsdash run`` on a free loopback port over a
1,000,000-lead warehouse, then N browser sessions (contexts of one headless Chromium) each open
every page by its link, starting at different pages so that they hit the server together.
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
Reports errors (exceptions, error boxes, page errors, timeouts) and the percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from dashboard.bench import budgets as bd
from dashboard.bench import machine, seeding
from dashboard.bench.report import machine_line, verdict
from dashboard.navigation import PAGES
from dashboard.settings import ROOT, Settings

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGE_TIMEOUT_SECONDS = 120
# Quiet time that ends a page's rendering. Long enough that a starved renderer waiting for its
# next animation frame is not taken for a finished page.
SETTLE_SECONDS = 1.0
LANG = "zh"

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


def _page_url(base: str, page_id: str) -> str:
    # The default page is served at "/" (Streamlit has no /overview route).
    path = "" if page_id == "overview" else page_id
    return f"{base}/{path}?lang={LANG}"


async def _session(browser, base: str, index: int, page_ids: list[str]) -> list[Visit]:
    from dashboard.i18n import t

    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    await context.add_init_script(_WATCH_MUTATIONS)
    tab = await context.new_page()
    page_errors: list[str] = []
    tab.on("pageerror", lambda exc: page_errors.append(str(exc)[:300]))
    order = page_ids[index % len(page_ids) :] + page_ids[: index % len(page_ids)]
    visits = []
    for page_id in order:
        page_errors.clear()
        started = time.perf_counter()
        try:
            await tab.goto(
                _page_url(base, page_id),
                wait_until="commit",
                timeout=PAGE_TIMEOUT_SECONDS * 1000,
            )
            await tab.wait_for_function(
                _DONE,
                arg=t(f"page.{page_id}", LANG),
                polling=50,
                timeout=PAGE_TIMEOUT_SECONDS * 1000,
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
        except Exception as exc:  # a timeout or a broken page counts as an error
            seconds, script_seconds = None, None
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            # A fresh tab, so a navigation still pending cannot interrupt the next page's.
            await tab.close()
            tab = await context.new_page()
            tab.on("pageerror", lambda exc: page_errors.append(str(exc)[:300]))
        visits.append(Visit(index, page_id, seconds, error, script_seconds))
    await context.close()
    return visits


async def _run_sessions(base: str, sessions: int, page_ids: list[str]) -> list[Visit]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            groups = await asyncio.gather(
                *(_session(browser, base, i, page_ids) for i in range(sessions))
            )
        finally:
            await browser.close()
    return [v for group in groups for v in group]


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), linear between ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summarise(visits: list[Visit]) -> dict:
    """Errors and render-time percentiles, overall and per page."""
    times = [v.seconds for v in visits if v.seconds is not None]
    script_times = [v.script_seconds for v in visits if v.script_seconds is not None]
    per_page = {}
    for spec in PAGES:
        mine = [v.seconds for v in visits if v.page == spec.id and v.seconds is not None]
        mine_script = [
            v.script_seconds for v in visits if v.page == spec.id and v.script_seconds is not None
        ]
        per_page[spec.id] = {
            "p50": percentile(mine, 50),
            "p95": percentile(mine, 95),
            "max": max(mine) if mine else None,
            "script_p95": percentile(mine_script, 95),
            "errors": sum(1 for v in visits if v.page == spec.id and v.error),
        }
    return {
        "visits": len(visits),
        "errors": sum(1 for v in visits if v.error),
        "p50_seconds": percentile(times, 50),
        "p95_seconds": percentile(times, 95),
        "script_p50_seconds": percentile(script_times, 50),
        "script_p95_seconds": percentile(script_times, 95),
        "max_seconds": max(times) if times else None,
        "mean_seconds": statistics.fmean(times) if times else None,
        "per_page": per_page,
        "error_samples": [f"{v.page} (session {v.session}): {v.error}" for v in visits if v.error][
            :20
        ],
    }


def run(url: str, leads: int, sessions: int, reuse: bool, say=print) -> dict:
    """Prepare the warehouse, start the server, run the sessions, stop the server."""
    settings = Settings(warehouse_url=url)
    seed = seeding.prepare(settings, leads, reuse)
    page_ids = [p.id for p in PAGES]
    started = datetime.now()
    load_start = machine.load_average()
    with tempfile.TemporaryDirectory(prefix="opsdash-load-") as tmp:
        proc, base, log_path = start_server(url, Path(tmp))
        say(f"Server {base}: {sessions} sessions × {len(page_ids)} pages")
        try:
            t0 = time.perf_counter()
            visits = asyncio.run(_run_sessions(base, sessions, page_ids))
            wall = time.perf_counter() - t0
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
        "pages": page_ids,
        "wall_seconds": wall,
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


def _n(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def markdown(r: dict) -> str:
    """The load test's result as Markdown."""
    checks = {c["figure"]: c for c in r["checks"]}
    lines = [
        f"# opsdash load test: {r['sessions']} sessions, {r['leads']:,} leads",
        "",
        f"Measured {r['generated_at']} on: {machine_line(r['machine'])}",
        "",
        f"{r['sessions']} headless-Chromium sessions each opened all {len(r['pages'])} pages "
        f"({r['visits']} page loads in {r['wall_seconds']:.0f} s). Render time = from navigation "
        "until the page's last DOM change (charts drawn), after the script has finished; "
        f"script finished = until the script has finished and the page's title shows.",
        "",
        "| figure | value | budget | verdict |",
        "|---|---|---|---|",
        f"| errors | {r['errors']} | = 0 | {verdict(checks['errors']['pass'])} |",
        f"| p95 render time | {_n(r['p95_seconds'])} s | ≤ {r['budgets']['load_p95_seconds']} s "
        f"| {verdict(checks['p95 render time']['pass'])} |",
        f"| p50 / max render time | {_n(r['p50_seconds'])} s / {_n(r['max_seconds'])} s | | |",
        f"| p50 / p95 script finished | {_n(r['script_p50_seconds'])} s / "
        f"{_n(r['script_p95_seconds'])} s | | |",
        "",
        "| page | p50 (s) | p95 (s) | max (s) | p95 script finished (s) | errors |",
        "|---|---|---|---|---|---|",
    ]
    for page, s in r["per_page"].items():
        lines.append(
            f"| {page} | {_n(s['p50'])} | {_n(s['p95'])} | {_n(s['max'])} "
            f"| {_n(s['script_p95'])} | {s['errors']} |"
        )
    if r["error_samples"]:
        lines += ["", "Errors:", ""] + [f"- {e}" for e in r["error_samples"]]
    return "\n".join(lines) + "\n"


def main_from_cli(args: argparse.Namespace, url: str, leads: int) -> int:
    """``opsdash bench --concurrency N``: run, write load-test.json/.md, print the verdict."""
    import json

    result = run(url, leads, args.concurrency, args.reuse, say=lambda s: print(s, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load-test.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    (args.out / "load-test.md").write_text(markdown(result))
    print(markdown(result))
    failed = [c for c in result["checks"] if c["pass"] is False]
    return 1 if args.strict and failed else 0
