"""The access policy: identities to roles and cities; unknown users get nothing."""

import pandas as pd
import pytest

from dashboard.auth import ROLES, PolicyError, load_policy
from dashboard.auth.policy import parse_policy

CITIES = pd.DataFrame(
    {
        "city_id": [1, 2, 3, 4],
        "name_zh": ["郑州", "洛阳", "上海", "成都"],
        "name_en": ["Zhengzhou", "Luoyang", "Shanghai", "Chengdu"],
        "region_zh": ["华中", "华中", "华东", "西南"],
        "region_en": ["Central China", "Central China", "East China", "Southwest China"],
    }
)

POLICY = """
[users."zz.lead@clinic.example"]
role = "region_lead"
cities = ["郑州"]

[users."central@clinic.example"]
role = "region_lead"
regions = ["Central China"]

[users."cfo@clinic.example"]
role = "finance"

[users."Boss@Clinic.example"]
role = "admin"

[domains."clinic.example"]
role = "analyst"
"""


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "access_policy.toml"
    path.write_text(POLICY, encoding="utf-8")
    return load_policy(path)


def test_region_lead_by_city_name(policy):
    v = policy.viewer("zz.lead@clinic.example", CITIES)
    assert v.role == "region_lead" and v.scope.cities == frozenset({1})
    assert v.can_see_personal and v.can_export and not v.can_read_audit


def test_region_lead_by_region(policy):
    v = policy.viewer("central@clinic.example", CITIES)
    assert v.scope.cities == frozenset({1, 2})


def test_finance_sees_all_cities_without_personal_data(policy):
    v = policy.viewer("cfo@clinic.example", CITIES)
    assert not v.scope.is_restricted
    assert not v.can_see_personal and v.can_export


def test_emails_are_case_insensitive_and_domain_default(policy):
    assert policy.viewer("boss@clinic.example", CITIES).can_read_audit
    v = policy.viewer("someone@clinic.example", CITIES)
    assert v.role == "analyst" and not v.can_export and not v.can_see_personal


@pytest.mark.parametrize("email", [None, "", "stranger@elsewhere.example", "clinic.example"])
def test_unknown_users_get_no_access(policy, email):
    assert policy.viewer(email, CITIES) is None


def test_missing_policy_file_means_nobody(tmp_path):
    assert load_policy(tmp_path / "none.toml").viewer("cfo@clinic.example", CITIES) is None


@pytest.mark.parametrize(
    "text",
    [
        '[users."a@b.c"]\nrole = "superuser"\n',
        '[users."a@b.c"]\nrole = "region_lead"\ncities = "郑州"\n',
        "[people]\nx = 1\n",
        "[users\n",
    ],
)
def test_broken_policies_are_rejected(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError):
        load_policy(path)


def test_roles_matrix():
    assert {r for r, role in ROLES.items() if role.all_cities} == {
        "admin",
        "manager",
        "finance",
        "analyst",
    }
    assert {r for r, role in ROLES.items() if not role.personal_data} == {"finance", "analyst"}
    assert {r for r, role in ROLES.items() if not role.exports} == {"analyst"}


def test_region_lead_with_unknown_city_sees_nothing():
    policy = parse_policy({"users": {"x@y.z": {"role": "region_lead", "cities": ["Atlantis"]}}})
    assert policy.viewer("x@y.z", CITIES).scope.cities == frozenset()
