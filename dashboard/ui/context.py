"""The page context: language, filters, scope and viewer that the entry script resolves each run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard.auth import Viewer
from dashboard.filters import Filters, Scope

_KEY = "_opsdash_context"


@dataclass(frozen=True)
class PageContext:
    """What every page reads: the viewer's language, filters, scope and permissions."""

    lang: str
    filters: Filters
    scope: Scope
    data_end: date | None
    viewer: Viewer

    @property
    def can_see_personal(self) -> bool:
        """Names and phones may be shown unmasked."""
        return self.viewer.can_see_personal

    @property
    def can_export(self) -> bool:
        """The viewer may download exports."""
        return self.viewer.can_export

    @property
    def can_read_audit(self) -> bool:
        """The viewer may read the audit log."""
        return self.viewer.can_read_audit

    @property
    def can_read_health(self) -> bool:
        """The viewer may read the data-health report."""
        return self.viewer.can_read_health


def publish(ctx: PageContext) -> None:
    """Make the context available to the page that runs next (entry script only)."""
    st.session_state[_KEY] = ctx


def current() -> PageContext:
    """The context the entry script published for this run."""
    ctx = st.session_state.get(_KEY)
    if ctx is None:
        raise RuntimeError("page run without the entry script (dashboard/app.py)")
    return ctx
