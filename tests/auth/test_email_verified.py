"""Only an e-mail address the identity provider verified may sign in."""

import pytest

from dashboard.auth import email_verified


@pytest.mark.parametrize("value", [True, "true", "True", " TRUE "])
def test_verified_claim_is_accepted(value):
    assert email_verified({"email": "boss@clinic.example", "email_verified": value})


@pytest.mark.parametrize(
    "value",
    [False, "false", "False", "", "yes", "1", 1, 0, None, [True], {"value": True}],
)
def test_anything_but_true_is_refused(value):
    assert not email_verified({"email": "boss@clinic.example", "email_verified": value})


def test_missing_claim_is_refused():
    # Providers that do not send the claim (Azure AD / Entra ID) vouch for nothing here.
    assert not email_verified({"email": "boss@clinic.example"})
    assert not email_verified({})
