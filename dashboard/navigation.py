"""The dashboard's pages and their sections, in order: the single list the app and tests read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.auth import Viewer


@dataclass(frozen=True)
class PageSpec:
    """One page: its id (URL path and catalogue key), script, section, icon and who may open it."""

    id: str
    script: str
    section: str
    icon: str
    # The viewer capability the page needs (a ``Viewer`` property, e.g. "can_read_audit"), or
    # "" for every viewer. Others do not see it listed, and the page script refuses them too.
    needs: str = ""

    @property
    def restricted(self) -> bool:
        """True when only some roles may open the page."""
        return bool(self.needs)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "pages/overview.py", "overview", ":material/dashboard:"),
    PageSpec("weekly", "pages/weekly.py", "overview", ":material/event_note:"),
    PageSpec("funnel", "pages/funnel.py", "marketing", ":material/filter_alt:"),
    PageSpec("channels", "pages/channels.py", "marketing", ":material/campaign:"),
    PageSpec("experiments", "pages/experiments.py", "marketing", ":material/science:"),
    PageSpec("referrers", "pages/referrers.py", "customers", ":material/group_add:"),
    PageSpec("members", "pages/members.py", "customers", ":material/loyalty:"),
    PageSpec("scorecard", "pages/scorecard.py", "management", ":material/fact_check:"),
    PageSpec("regions", "pages/regions.py", "management", ":material/map:"),
    PageSpec(
        "health", "pages/health.py", "management", ":material/health_metrics:", "can_read_health"
    ),
    PageSpec("audit", "pages/audit.py", "management", ":material/policy:", "can_read_audit"),
    PageSpec("loads", "pages/loads.py", "management", ":material/history:", "can_read_audit"),
)

SECTIONS: tuple[str, ...] = ("overview", "marketing", "customers", "management")


def may_open(viewer: Viewer, page: PageSpec) -> bool:
    """True when ``viewer`` may open ``page``."""
    return not page.needs or bool(getattr(viewer, page.needs))


def pages_by_section(viewer: Viewer) -> dict[str, list[PageSpec]]:
    """Pages the viewer may open, grouped by section, in display order."""
    visible = [p for p in PAGES if may_open(viewer, p)]
    return {s: [p for p in visible if p.section == s] for s in SECTIONS}
