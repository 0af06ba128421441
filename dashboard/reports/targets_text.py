"""Status and attainment texts of KPIs judged against targets, shared by the scorecard and the
weekly review (no Streamlit here)."""

from __future__ import annotations

from dashboard.formatting import DASH, fmt_change
from dashboard.i18n import t
from dashboard.metrics.arithmetic import is_missing


def status_code(value: object) -> str | None:
    """A status or reason code from a frame cell (pandas may hold a missing one as NaN)."""
    return value if isinstance(value, str) and value else None


def status_text(
    status: object, reason: object, pacing: bool, lang: str, short: bool = False
) -> str:
    """Icon and words for a status (never colour alone); a reason when there is no status.

    ``short`` gives the compact wording the tables use (the page's legend spells it out).
    """
    status, reason = status_code(status), status_code(reason)
    suffix = "_short" if short else ""
    if status is None:
        return t(f"scorecard.reason{suffix}.{reason or 'no_value'}", lang)
    return t(f"scorecard.{'pace' if pacing else 'status'}{suffix}.{status}", lang)


def fmt_attainment(value: float | None) -> str:
    """Attainment as a whole percentage, or — without a target."""
    return DASH if is_missing(value) else f"{value:.0%}"


def trend_text(change_pct: float | None, verdict: str, lang: str) -> str:
    """A change as arrow, percentage and verdict, e.g. '▲ +5.2% · better' (never colour alone):
    the arrow follows the sign, the word the KPI's direction."""
    if is_missing(change_pct):
        return DASH
    arrow = "▲" if change_pct > 0 else "▼" if change_pct < 0 else "▶"
    return f"{arrow} {fmt_change(change_pct)} · {t(f'scorecard.verdict.{verdict}', lang)}"
