"""The dashboard's pages, in order: the one registry the app, the weekly pack, the benchmark
and the tests iterate.

Each entry names the page's script (what Streamlit runs), its section and icon, who may open
it, and its two Streamlit-free functions directly: ``build`` (the page's default view for a
``PageContext``) and ``tables`` (the tables it shows for a report and a language: the Excel
sheets when the page ``exports``). Adding a page means its report module, its script in
pages/ and one entry here; README's "Adding a page" lists the files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dashboard.reports.audit import load as audit_load
from dashboard.reports.audit import tables as audit_tables
from dashboard.reports.channels import load as channels_load
from dashboard.reports.channels import tables as channels_tables
from dashboard.reports.experiments import load as experiments_load
from dashboard.reports.experiments import tables as experiments_tables
from dashboard.reports.funnel import load as funnel_load
from dashboard.reports.funnel import tables as funnel_tables
from dashboard.reports.health import load as health_load
from dashboard.reports.health import tables as health_tables
from dashboard.reports.loads import load as loads_load
from dashboard.reports.loads import tables as loads_tables
from dashboard.reports.members import load as members_load
from dashboard.reports.members import tables as members_tables
from dashboard.reports.overview import load as overview_load
from dashboard.reports.overview import tables as overview_tables
from dashboard.reports.referrers import load as referrers_load
from dashboard.reports.referrers import tables as referrers_tables
from dashboard.reports.regions import load as regions_load
from dashboard.reports.regions import tables as regions_tables
from dashboard.reports.scorecard import load as scorecard_load
from dashboard.reports.scorecard import tables as scorecard_tables
from dashboard.reports.weekly import load as weekly_load
from dashboard.reports.weekly import tables as weekly_tables

if TYPE_CHECKING:
    from dashboard.auth import Viewer
    from dashboard.page_context import PageContext

# A report's type differs by page; the registry holds pages of every kind.
Build = Callable[["PageContext"], Any]
Tables = Callable[[Any, str], Sequence[Any]]


@dataclass(frozen=True)
class PageSpec:
    """One page: id (URL path and catalogue key), script, section, icon, access and functions."""

    id: str
    script: str
    section: str
    icon: str
    build: Build
    tables: Tables
    # The viewer capability the page needs (a ``Viewer`` property, e.g. "can_read_audit"), or
    # "" for every viewer. Others do not see it listed, and the page script refuses them too.
    needs: str = ""
    # True when ``tables`` returns the page's Excel sheets: the page is in the weekly pack.
    exports: bool = True
    # False when the page's own data is not the warehouse's (the audit store): the benchmark
    # does not judge it against the warehouse's floor.
    warehouse: bool = True

    @property
    def restricted(self) -> bool:
        """True when only some roles may open the page."""
        return bool(self.needs)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview",
        "pages/overview.py",
        "overview",
        ":material/dashboard:",
        build=overview_load.build,
        tables=overview_tables.sheets,
    ),
    PageSpec(
        "weekly",
        "pages/weekly.py",
        "overview",
        ":material/event_note:",
        build=weekly_load.build,
        tables=weekly_tables.sheets,
    ),
    PageSpec(
        "funnel",
        "pages/funnel.py",
        "marketing",
        ":material/filter_alt:",
        build=funnel_load.build,
        tables=funnel_tables.sheets,
    ),
    PageSpec(
        "channels",
        "pages/channels.py",
        "marketing",
        ":material/campaign:",
        build=channels_load.build,
        tables=channels_tables.sheets,
    ),
    PageSpec(
        "experiments",
        "pages/experiments.py",
        "marketing",
        ":material/science:",
        build=experiments_load.build,
        tables=experiments_tables.sheets,
    ),
    PageSpec(
        "referrers",
        "pages/referrers.py",
        "customers",
        ":material/group_add:",
        build=referrers_load.build,
        tables=referrers_tables.sheets,
    ),
    PageSpec(
        "members",
        "pages/members.py",
        "customers",
        ":material/loyalty:",
        build=members_load.build,
        tables=members_tables.sheets,
    ),
    PageSpec(
        "scorecard",
        "pages/scorecard.py",
        "management",
        ":material/fact_check:",
        build=scorecard_load.build,
        tables=scorecard_tables.sheets,
    ),
    PageSpec(
        "regions",
        "pages/regions.py",
        "management",
        ":material/map:",
        build=regions_load.build,
        tables=regions_tables.sheets,
    ),
    PageSpec(
        "health",
        "pages/health.py",
        "management",
        ":material/health_metrics:",
        build=health_load.build,
        tables=health_tables.tables,
        needs="can_read_health",
        exports=False,
    ),
    PageSpec(
        "audit",
        "pages/audit.py",
        "management",
        ":material/policy:",
        build=audit_load.build,
        tables=audit_tables.tables,
        needs="can_read_audit",
        exports=False,
        warehouse=False,
    ),
    PageSpec(
        "loads",
        "pages/loads.py",
        "management",
        ":material/history:",
        build=loads_load.build,
        tables=loads_tables.tables,
        needs="can_read_audit",
        exports=False,
    ),
)

SECTIONS: tuple[str, ...] = ("overview", "marketing", "customers", "management")


def page(page_id: str) -> PageSpec:
    """The registry's entry for ``page_id`` (KeyError for an unknown id)."""
    for spec in PAGES:
        if spec.id == page_id:
            return spec
    raise KeyError(page_id)


def exported() -> tuple[PageSpec, ...]:
    """The pages whose tables are Excel sheets, in order: the weekly pack's worksheets."""
    return tuple(p for p in PAGES if p.exports)


def may_open(viewer: Viewer, page: PageSpec) -> bool:
    """True when ``viewer`` may open ``page``."""
    return not page.needs or bool(getattr(viewer, page.needs))


def pages_by_section(viewer: Viewer) -> dict[str, list[PageSpec]]:
    """Pages the viewer may open, grouped by section, in display order."""
    visible = [p for p in PAGES if may_open(viewer, p)]
    return {s: [p for p in visible if p.section == s] for s in SECTIONS}
