"""The audit page's data: the latest events from the audit store and the names their filters
refer to."""

from __future__ import annotations

import pandas as pd

from dashboard import audit, data
from dashboard.filters import Scope
from dashboard.i18n import LANGUAGES
from dashboard.page_context import PageContext
from dashboard.reports.audit.model import AuditView, Names

# Filter keys stored in an event, the query that names their ids and the id column.
_NAMED = {
    "cities": ("filter_cities", "city_id"),
    "clinics": ("filter_clinics", "clinic_id"),
    "channels": ("filter_channels", "channel_id"),
}


def load(limit: int = 1000) -> pd.DataFrame:
    """The latest ``limit`` audit events, newest first."""
    return audit.read(data.settings().audit_url, limit=limit)


def names(lang: str) -> Names:
    """City, clinic and channel names by id (the audit page is for admins: every city)."""
    col = "name_zh" if lang == "zh" else "name_en"
    out: Names = {}
    for key, (query, id_col) in _NAMED.items():
        frame = data.run(query, None, Scope.all())
        out[key] = dict(zip(frame[id_col].tolist(), frame[col].tolist(), strict=True))
    return out


def build(ctx: PageContext) -> AuditView:
    """The page's default view for the registry: the latest 1,000 events (admins only), with the
    names their filters refer to in every language."""
    return AuditView(load(limit=1000), {lang: names(lang) for lang in LANGUAGES})
