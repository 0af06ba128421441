"""Roles and the viewer: what each role may do, and the resolved identity of one session."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.filters import Scope


@dataclass(frozen=True)
class Role:
    """What a role may do."""

    id: str
    all_cities: bool
    personal_data: bool
    exports: bool
    audit: bool = False
    health: bool = False  # the data-health page (every city's data quality)


ROLES: dict[str, Role] = {
    r.id: r
    for r in (
        Role("admin", all_cities=True, personal_data=True, exports=True, audit=True, health=True),
        Role("manager", all_cities=True, personal_data=True, exports=True),
        Role("finance", all_cities=True, personal_data=False, exports=True),
        # Region leads follow up with their own cities' customers, so they see contacts.
        Role("region_lead", all_cities=False, personal_data=True, exports=True),
        Role("analyst", all_cities=True, personal_data=False, exports=False, health=True),
    )
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person (or the demo viewer) with their role and city scope."""

    user: str
    role: str
    scope: Scope
    demo: bool = False

    @classmethod
    def demo_viewer(cls) -> Viewer:
        """Demo mode (no sign-in configured): full access, shown with a banner."""
        return cls(user="demo", role="admin", scope=Scope.all(), demo=True)

    @property
    def can_see_personal(self) -> bool:
        """True when names and phones may be shown unmasked."""
        return ROLES[self.role].personal_data

    @property
    def can_export(self) -> bool:
        """True when the viewer may download exports."""
        return ROLES[self.role].exports

    @property
    def can_read_audit(self) -> bool:
        """True for admins, who may read the audit log."""
        return ROLES[self.role].audit

    @property
    def can_read_health(self) -> bool:
        """True for admins and analysts, who may read the data-health report."""
        return ROLES[self.role].health
