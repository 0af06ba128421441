"""Sign-in (st.login, OpenID Connect) and the access policy, resolved into a Viewer per session."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from dashboard import audit, data
from dashboard.auth import PolicyError, Viewer, email_verified, load_policy
from dashboard.filters import Scope
from dashboard.i18n import t
from dashboard.literal import t_md
from dashboard.settings import Settings

_SIGNED_IN = "_opsdash_signed_in"


def auth_configured(settings: Settings) -> bool:
    """True when an ``[auth]`` section exists (sign-in mode); otherwise demo mode."""
    if settings.auth_configured:
        return True
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def resolve_viewer(settings: Settings, lang: str) -> Viewer:
    """The viewer of this session; shows the sign-in or no-access page and stops if needed."""
    if not auth_configured(settings):
        return Viewer.demo_viewer()
    if not st.user.is_logged_in:
        st.title(t("auth.sign_in_title", lang))
        st.write(t("auth.sign_in_text", lang))
        st.button(t("auth.sign_in", lang), on_click=st.login, type="primary")
        st.stop()
    email = str(st.user.get("email") or "")
    # Before the policy: an address the provider has not verified proves nothing, whoever
    # it names (with self-registration, anyone can claim boss@clinic.example).
    if not email_verified(st.user):
        audit.record(settings.audit_url, email or "?", "-", "denied", "sign_in_unverified_email")
        _no_access("auth.email_unverified_text", lang, email)
    try:
        policy = load_policy(settings.access_policy_path)
    except PolicyError:
        st.error(t("auth.policy_broken", lang))
        st.stop()
    cities = data.run("filter_cities", None, Scope.all())
    viewer = policy.viewer(email, cities)
    if viewer is None:
        audit.record(settings.audit_url, email or "?", "-", "denied", "sign_in")
        _no_access("auth.no_access_text", lang, email)
    if st.session_state.get(_SIGNED_IN) != viewer.user:
        st.session_state[_SIGNED_IN] = viewer.user
        audit.record(settings.audit_url, viewer.user, viewer.role, "sign_in", "dashboard")
    return viewer


def _no_access(reason_key: str, lang: str, email: str) -> NoReturn:
    """The polite no-access page with its reason and a sign-out button; stops the run."""
    st.title(t("auth.no_access_title", lang))
    st.write(t_md(reason_key, lang, email=email))
    st.button(t("auth.sign_out", lang), on_click=st.logout)
    st.stop()


def account_box(viewer: Viewer, lang: str) -> None:
    """The sidebar line saying who is signed in (or the demo banner), with sign-out."""
    if viewer.demo:
        st.warning(t("app.demo_banner", lang), icon=":material/visibility:")
        return
    role = t(f"role.{viewer.role}", lang)
    st.sidebar.caption(t_md("auth.signed_in_as", lang, user=viewer.user, role=role))
    st.sidebar.button(t("auth.sign_out", lang), on_click=st.logout, key="sign_out")
