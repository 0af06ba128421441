"""An unverified e-mail claim never signs in, not even as an address the policy names.

With any identity provider that lets people register themselves, anyone can hold a token
saying ``email: boss@clinic.example`` with ``email_verified: false``. The dashboard must
show the polite no-access page (in the viewer's language), no data, and audit the refusal.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import audit
from dashboard.i18n import t
from tests.conftest import use_policy
from tests.pages.apptest import AUTH, ENTRY, all_text

BOSS = "boss@clinic.example"


@pytest.fixture
def audit_url(duckdb_warehouse, tmp_path, monkeypatch) -> str:
    use_policy(tmp_path, monkeypatch, f'[users."{BOSS}"]\nrole = "admin"\n')
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


def run_as(claims: dict, lang: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.query_params["lang"] = lang
    at.user = {"is_logged_in": True, "email": BOSS, **claims}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("claims", "lang"),
    [({"email_verified": False}, "en"), ({"email_verified": "false"}, "zh"), ({}, "en")],
    ids=["false", "string_false", "missing"],
)
def test_unverified_email_gets_no_access_and_no_data(audit_url, claims, lang):
    at = run_as(claims, lang)

    assert [e.value for e in at.title] == [t("auth.no_access_title", lang)]
    # The reason in the viewer's language (the address itself may be shown escaped).
    after_address = t("auth.email_unverified_text", lang, email="\x00").split("\x00")[1]
    assert after_address in all_text(at)
    assert not at.metric and not at.dataframe and not at.table and not at.multiselect
    assert not at.get("plotly_chart") and not at.get("deck_gl_json_chart")
    assert [b.label for b in at.button] == [t("auth.sign_out", lang)]
    assert audit.read(audit_url, user=BOSS)["event"].tolist() == ["denied"]


@pytest.mark.parametrize("verified", [True, "true"])
def test_verified_email_still_signs_in(audit_url, verified):
    at = run_as({"email_verified": verified}, "en")

    assert t("auth.no_access_title", "en") not in all_text(at)
    assert at.metric  # the overview's figures
    assert "sign_in" in audit.read(audit_url, user=BOSS)["event"].tolist()
