"""The audit page's data: the latest events from the audit store."""

from __future__ import annotations

import pandas as pd

from dashboard import audit, data
from dashboard.i18n import t

COLUMNS = ("at", "user", "role", "event", "what", "filters", "rows")


def load(limit: int = 1000) -> pd.DataFrame:
    """The latest ``limit`` audit events, newest first."""
    return audit.read(data.settings().audit_url, limit=limit)


def display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit events with translated headers."""
    return frame.loc[:, list(COLUMNS)].rename(columns={c: t(f"audit.{c}", lang) for c in COLUMNS})
