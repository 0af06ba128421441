"""Sign-in, roles and the access policy: who may see which cities, personal data and exports."""

from dashboard.auth.policy import AccessPolicy, PolicyError, email_verified, load_policy
from dashboard.auth.roles import ROLES, Viewer

__all__ = ["ROLES", "AccessPolicy", "PolicyError", "Viewer", "email_verified", "load_policy"]
