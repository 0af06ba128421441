"""Which target scope (chain, city, clinic) the actuals cover, given the global filters.

Targets are set for the whole chain, a whole city or a whole clinic. An actual narrowed by
a filter the target does not know about (a specialty, a channel, some clinics) covers only
part of that scope, so it is shown without a status rather than judged against the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from dashboard.filters import Filters, Scope, effective_cities

SCOPE_KINDS = ("chain", "city", "clinic")


@dataclass(frozen=True)
class TargetScope:
    """A target scope: the chain (id 0), one city or one clinic."""

    kind: str
    id: int = 0

    @property
    def code(self) -> str:
        """A stable code: ``chain``, ``city-3`` or ``clinic-12``."""
        return "chain" if self.kind == "chain" else f"{self.kind}-{self.id}"

    @classmethod
    def parse(cls, code: str | None) -> TargetScope | None:
        """The scope of a code, or None for anything malformed."""
        if code == "chain":
            return cls("chain", 0)
        kind, _, ident = (code or "").partition("-")
        if kind in ("city", "clinic") and ident.isdigit():
            return cls(kind, int(ident))
        return None


def narrowing(filters: Filters, kind: str) -> tuple[str, ...]:
    """The filter dimensions that make actuals cover less than a whole ``kind`` scope."""
    out = []
    if kind == "chain" and filters.cities:
        out.append("city")
    if kind in ("chain", "city") and filters.specialties:
        out.append("specialty")
    if kind in ("chain", "city") and filters.clinics:
        out.append("clinic")
    if filters.channels:
        out.append("channel")
    return tuple(out)


def scoped_filters(
    filters: Filters, target: TargetScope, clinic_city: Mapping[int, int]
) -> Filters:
    """The global filters narrowed to one city or clinic (the scorecard's scope switch)."""
    if target.kind == "city":
        return replace(filters, cities=(target.id,))
    if target.kind == "clinic":
        city = clinic_city.get(target.id)
        cities = (city,) if city is not None else filters.cities
        return replace(filters, cities=cities, clinics=(target.id,))
    return filters


def implied_scope(
    filters: Filters, scope: Scope, clinic_city: Mapping[int, int]
) -> TargetScope | None:
    """The target scope the global filters select exactly, or None when they cut across scopes.

    No dimension filter: the chain (only for a viewer who sees every city); one city and
    nothing else: that city; one clinic (with its own city or none picked): that clinic.
    """
    if filters.specialties or filters.channels:
        return None
    # The cities the actuals really cover: the picked ones within scope, else the whole scope
    # (a region lead with one city sees that city's targets, as an administrator filtering to it).
    cities = effective_cities(filters, scope)
    if not cities and scope.cities is not None:  # restricted: only these cities
        cities = tuple(sorted(scope.cities))
    if len(filters.clinics) == 1:
        clinic = filters.clinics[0]
        city = clinic_city.get(clinic)
        if city is not None and filters.cities in ((), (city,)) and scope.allows(city):
            return TargetScope("clinic", clinic)
        return None
    if filters.clinics:
        return None
    if not cities:
        return TargetScope("chain")
    if len(cities) == 1:
        return TargetScope("city", cities[0])
    return None
