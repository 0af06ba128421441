"""The dashboard's pages and their sections, in order: the single list the app and tests read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page: its id (URL path and catalogue key), script, section and icon."""

    id: str
    script: str
    section: str
    icon: str
    admin_only: bool = False


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
    PageSpec("audit", "pages/audit.py", "management", ":material/policy:", admin_only=True),
)

SECTIONS: tuple[str, ...] = ("overview", "marketing", "customers", "management")


def pages_by_section(is_admin: bool = False) -> dict[str, list[PageSpec]]:
    """Pages the viewer may open, grouped by section, in display order."""
    visible = [p for p in PAGES if is_admin or not p.admin_only]
    return {s: [p for p in visible if p.section == s] for s in SECTIONS}
