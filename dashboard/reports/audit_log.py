"""The audit page's data: the latest events from the audit store, in words a reader knows."""

from __future__ import annotations

import json

import pandas as pd

from dashboard import audit, data
from dashboard.filters import Scope
from dashboard.i18n import has, t

COLUMNS = ("at", "user", "role", "event", "what", "filters", "rows")

# Filter keys stored in an event, the query that names their ids and the id column.
_NAMED = {
    "cities": ("filter_cities", "city_id"),
    "clinics": ("filter_clinics", "clinic_id"),
    "channels": ("filter_channels", "channel_id"),
}


def load(limit: int = 1000) -> pd.DataFrame:
    """The latest ``limit`` audit events, newest first."""
    return audit.read(data.settings().audit_url, limit=limit)


def names(lang: str) -> dict[str, dict[object, str]]:
    """City, clinic and channel names by id (the audit page is for admins: every city)."""
    col = "name_zh" if lang == "zh" else "name_en"
    out: dict[str, dict[object, str]] = {}
    for key, (query, id_col) in _NAMED.items():
        frame = data.run(query, None, Scope.all())
        out[key] = dict(zip(frame[id_col].tolist(), frame[col].tolist(), strict=True))
    return out


def _label(key: str, value: object, lang: str) -> str:
    """A catalogue label when there is one, else the stored value as it is."""
    return t(key, lang) if has(key) else str(value)


def describe_filters(stored: str, lang: str, lookup: dict[str, dict[object, str]]) -> str:
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


def display(
    frame: pd.DataFrame, lang: str, lookup: dict[str, dict[object, str]] | None = None
) -> pd.DataFrame:
    """The audit events with translated headers, roles, events, pages and readable filters."""
    lookup = lookup or {}
    out = frame.loc[:, list(COLUMNS)].copy()
    out["role"] = [_label(f"role.{r}", r, lang) for r in out["role"]]
    out["what"] = [_what(e, w, lang) for e, w in zip(frame["event"], frame["what"], strict=True)]
    out["event"] = [_label(f"audit.events.{e}", e, lang) for e in out["event"]]
    out["filters"] = [describe_filters(s, lang, lookup) for s in out["filters"]]
    return out.rename(columns={c: t(f"audit.{c}", lang) for c in COLUMNS})
