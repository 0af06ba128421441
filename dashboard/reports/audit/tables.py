"""The audit page's table: the events in words a reader knows (translated headers, roles,
events and page titles, and stored filters as one readable line)."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.i18n import has, t
from dashboard.reports.audit.model import AuditView, Names

COLUMNS = ("at", "user", "role", "event", "what", "filters", "rows")


def _label(key: str, value: object, lang: str) -> str:
    """A catalogue label when there is one, else the stored value as it is."""
    return t(key, lang) if has(key) else str(value)


def describe_filters(stored: str, lang: str, lookup: Names) -> str:
    """A stored filter JSON as one readable line: period, then each narrowed dimension."""
    try:
        f = json.loads(stored or "{}")
    except json.JSONDecodeError:
        return str(stored)
    if not isinstance(f, dict) or not f:
        return ""
    parts = []
    if f.get("start") and f.get("end"):
        parts.append(f"{t('filters.period', lang)} {f['start']} – {f['end']}")
    for key in ("cities", "specialties", "clinics", "channels"):
        values = f.get(key) or []
        if not values:
            continue
        if key == "specialties":
            shown = [_label(f"specialty.{v}", v, lang) for v in values]
        else:
            shown = [lookup.get(key, {}).get(v, f"#{v}") for v in values]
        parts.append(f"{t(f'filters.{key}', lang)}: {', '.join(shown)}")
    for item in f.get("extra") or []:
        parts.append(" = ".join(str(v) for v in item) if isinstance(item, list) else str(item))
    return "; ".join(parts)


def _what(event: str, what: str, lang: str) -> str:
    """A page view names the page by its title; other events keep what they recorded."""
    if event == "page_view" and has(f"page.{what}"):
        return t(f"page.{what}", lang)
    return what


def display(frame: pd.DataFrame, lang: str, lookup: Names | None = None) -> pd.DataFrame:
    """The audit events with translated headers, roles, events, pages and readable filters."""
    lookup = lookup or {}
    out = frame.loc[:, list(COLUMNS)].copy()
    out["role"] = [_label(f"role.{r}", r, lang) for r in out["role"]]
    out["what"] = [_what(e, w, lang) for e, w in zip(frame["event"], frame["what"], strict=True)]
    out["event"] = [_label(f"audit.events.{e}", e, lang) for e in out["event"]]
    out["filters"] = [describe_filters(s, lang, lookup) for s in out["filters"]]
    return out.rename(columns={c: t(f"audit.{c}", lang) for c in COLUMNS})


def tables(report: AuditView, lang: str) -> list[pd.DataFrame]:
    """The tables the page shows: the events, names of cities, clinics and channels filled in."""
    return [display(report.events, lang, report.names[lang])]
