"""The load test's figures: percentiles, the per-page summary and the Markdown report."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from bench.report import machine_line, megabytes, num, verdict
from dashboard.navigation import PAGES

if TYPE_CHECKING:
    from bench.browser_sessions import Visit


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


def _n(x: float | None) -> str:
    return num(x, 2)


def markdown(r: dict) -> str:
    """The load test's result as Markdown."""
    checks = {c["figure"]: c for c in r["checks"]}
    how = (
        "opened its first page by URL and the others through the sidebar"
        if r["navigate"] == "sidebar"
        else "opened every page by URL (a full load of the app each time)"
    )
    cpu, views = r["cpu_seconds"], max(r["visits"], 1)
    lines = [
        f"# opsdash load test: {r['sessions']} sessions, {r['leads']:,} leads",
        "",
        f"Measured {r['generated_at']} on: {machine_line(r['machine'])}",
        "",
        f"{r['sessions']} headless-Chromium sessions each opened all {len(r['pages'])} pages "
        f"({r['visits']} page loads in {r['wall_seconds']:.0f} s); each session {how}. "
        "Render time = from navigation "
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
        f"| CPU per page view: server / browsers | {_n(cpu['server'] / views)} s / "
        f"{_n(cpu['browsers'] / views)} s | | |",
        f"| server peak RSS | {megabytes(r['server_peak_rss_bytes'])} | | |",
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
