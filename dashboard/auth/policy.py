"""The access policy file: maps a signed-in identity (e-mail) to a role and cities.

Format (TOML, default ``.streamlit/access_policy.toml``)::

    [users."li.wei@clinic.example"]
    role = "region_lead"          # admin, manager, finance, region_lead, analyst
    cities = ["郑州", "Luoyang"]   # city ids or names (zh or en); region leads only
    regions = ["华中"]             # or whole regions (zh or en names)

    [domains."clinic.example"]     # optional default for everyone at a domain
    role = "analyst"

Unknown users get no access. A region lead with no resolvable city sees nothing. Nobody
signs in on an e-mail address that the identity provider has not verified (``email_verified``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.auth.roles import ROLES, Viewer
from dashboard.filters import Scope


class PolicyError(ValueError):
    """The policy file is malformed."""


@dataclass(frozen=True)
class Grant:
    """One policy entry: a role, and for region leads the cities and regions named."""

    role: str
    cities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessPolicy:
    """Users and domains with their grants."""

    users: dict[str, Grant]
    domains: dict[str, Grant]

    def grant_for(self, email: str | None) -> Grant | None:
        """The grant of this identity, by exact e-mail first, then by domain."""
        if not email:
            return None
        key = email.strip().lower()
        if key in self.users:
            return self.users[key]
        domain = key.rsplit("@", 1)[-1] if "@" in key else ""
        return self.domains.get(domain)

    def viewer(self, email: str | None, cities: pd.DataFrame) -> Viewer | None:
        """Resolve an identity to a Viewer, using the warehouse's cities for names and regions."""
        grant = self.grant_for(email)
        if grant is None or email is None:  # no e-mail has no grant: grant_for says None
            return None
        role = ROLES[grant.role]
        if role.all_cities:
            return Viewer(user=email.strip().lower(), role=grant.role, scope=Scope.all())
        return Viewer(
            user=email.strip().lower(),
            role=grant.role,
            scope=Scope(frozenset(resolve_cities(grant, cities))),
        )


def email_verified(claims: Mapping[str, object]) -> bool:
    """True only when the sign-in's claims say the provider verified the e-mail address."""
    # The policy trusts an e-mail as an identity. A provider that lets anyone register
    # (or add an address to an account) hands out unverified claims for any address, so
    # only `email_verified: true` counts: false, a missing claim, or anything else is
    # refused. Some providers send the claim as the string "true". There is deliberately
    # no setting to skip this check.
    value = claims.get("email_verified")
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def resolve_cities(grant: Grant, cities: pd.DataFrame) -> set[int]:
    """City ids named by a grant (ids, zh/en names, or zh/en region names)."""
    wanted = {str(c).strip().lower() for c in grant.cities}
    regions = {str(r).strip().lower() for r in grant.regions}
    out: set[int] = set()
    for row in cities.itertuples(index=False):
        names = {str(row.city_id), str(row.name_zh).lower(), str(row.name_en).lower()}
        region_names = {str(row.region_zh).lower(), str(row.region_en).lower()}
        if names & wanted or region_names & regions:
            out.add(int(row.city_id))
    return out


def _grant(where: str, entry: object) -> Grant:
    if not isinstance(entry, dict):
        raise PolicyError(f"{where}: must be a table with a role")
    role = entry.get("role")
    if role not in ROLES:
        raise PolicyError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")
    cities = entry.get("cities", [])
    regions = entry.get("regions", [])
    if not isinstance(cities, list) or not isinstance(regions, list):
        raise PolicyError(f"{where}: cities and regions must be lists")
    return Grant(role=role, cities=tuple(map(str, cities)), regions=tuple(map(str, regions)))


def parse_policy(data: dict) -> AccessPolicy:
    """Build a policy from the parsed TOML."""
    unknown = set(data) - {"users", "domains"}
    if unknown:
        raise PolicyError(f"unknown sections: {', '.join(sorted(unknown))}")
    users = {k.strip().lower(): _grant(f"users.{k}", v) for k, v in data.get("users", {}).items()}
    domains = {
        k.strip().lower(): _grant(f"domains.{k}", v) for k, v in data.get("domains", {}).items()
    }
    return AccessPolicy(users=users, domains=domains)


def load_policy(path: Path) -> AccessPolicy:
    """Read the policy file; a missing file is an empty policy (nobody has access)."""
    if not path.exists():
        return AccessPolicy(users={}, domains={})
    try:
        with path.open("rb") as fh:
            return parse_policy(tomllib.load(fh))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: {exc}") from exc
