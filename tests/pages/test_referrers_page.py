"""AppTest of the referrers page in both languages: controls from the URL, masking end to end."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.settings import ROOT
from tests.conftest import use_policy
from tests.pages.apptest import AUTH, ENTRY, all_text, open_page

PERIOD = {"period": "quarter"}


def everything(at: AppTest) -> str:
    """All text, tables, chart specs and widget values and options the run produced."""
    parts = [all_text(at)]
    parts.extend(str(el.proto) for el in at.get("plotly_chart"))
    for kind in ("selectbox", "number_input", "segmented_control", "multiselect", "text_input"):
        for w in getattr(at, kind, []):
            parts.append(str(w.value))
            parts.extend(str(o) for o in getattr(w, "options", []) or [])
    return "\n".join(parts)


def shown_ids(at: AppTest, lang: str) -> set[int]:
    """The customer ids in the page's tables (ranking and follow-up list)."""
    header = t("referrers.col.customer_id", lang)
    out: set[int] = set()
    for df in at.dataframe:
        frame = df.value
        if header in frame.columns:
            out |= {int(v) for v in frame[header]}
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_ranking_share_and_network(duckdb_warehouse, lang):
    at = open_page("referrers", lang, **PERIOD)
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert at.title[0].value == t("page.referrers", lang)
    for key in ("referrers.ranking", "referrers.share", "referrers.network", "referrers.follow_up"):
        assert t(key, lang) in text, key
    assert t("referrers.col.valid_paid", lang) in text
    assert len(at.get("plotly_chart")) == 2
    assert len(shown_ids(at, lang)) > 10


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_controls_come_from_the_url(duckdb_warehouse, raw, lang):
    at = open_page(
        "referrers",
        lang,
        referrers_basis=t("referrers.basis.arrived", lang),
        referrers_level=t("referrers.level.city", lang),
        **PERIOD,
    )
    assert not at.exception, [e.value for e in at.exception]
    assert t("referrers.col.valid_arrived", lang) in all_text(at)
    picker = at.selectbox(key="referrers_city")
    assert len(picker.options) >= 2
    label = picker.options[-1]
    city_id = int(raw["cities"].set_index(f"name_{lang}").loc[label, "city_id"])
    picker.set_value(city_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("referrers.ranking_in", lang, group=label) in all_text(at)
    ranking = at.dataframe[0].value
    ranked = [int(v) for v in ranking[t("referrers.col.customer_id", lang)]]
    homes = raw["customers"].set_index("customer_id").loc[ranked, "home_city_id"]
    assert set(homes) == {city_id}


def test_referrer_id_selects_the_network(duckdb_warehouse, raw):
    referred = raw["customers"]["referrer_id"].dropna().astype(int)
    rid = int(referred.value_counts().index[0])
    at = open_page("referrers", "en", referrers_id=str(rid), **PERIOD)
    assert not at.exception, [e.value for e in at.exception]
    assert f"customer id {rid}" in all_text(at)
    followers = set(raw["customers"].loc[raw["customers"]["referrer_id"] == rid, "customer_id"])
    assert followers <= shown_ids(at, "en")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_url_values_are_ignored(duckdb_warehouse, lang):
    at = open_page(
        "referrers",
        lang,
        referrers_basis="everything",
        referrers_level="galaxy",
        referrers_city="Atlantis",
        referrers_id="1; drop table customers",
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t("page.referrers", lang)


def test_unknown_referrer_id_says_so(duckdb_warehouse):
    at = open_page("referrers", "en", referrers_id="99999999", **PERIOD)
    assert not at.exception
    assert t("referrers.not_found", "en", id=99999999) in all_text(at)


@pytest.fixture
def finance_viewer(duckdb_warehouse, tmp_path, monkeypatch):
    """Sign-in mode with a finance user, whose role may not see personal data."""
    use_policy(tmp_path, monkeypatch, '[users."cfo@clinic.example"]\nrole = "finance"\n')


def run_signed_in(lang: str, **query: str) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.user = {"is_logged_in": True, "email": "cfo@clinic.example", "email_verified": True}
    at.run()
    at.switch_page(str(ROOT / "pages" / "referrers.py"))
    at.run()
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_unmasked_phone_anywhere_when_masked(finance_viewer, raw, lang):
    at = run_signed_in(lang, **PERIOD)
    assert not at.exception, [e.value for e in at.exception]
    output = everything(at)
    ids = shown_ids(at, lang)
    assert len(ids) > 10, "the page should list referrers and their referred customers"
    people = raw["customers"].set_index("customer_id").loc[sorted(ids)]
    for cid, row in people.iterrows():
        assert row["phone"] not in output, f"raw phone of customer {cid} on the page"
        assert row["phone"][-4:] in output  # the masked form 138****5678 is there instead
    assert t("referrers.masked", lang) in output
    # And the ranking's numbers one: its network root name is masked in the chart too.
    top = people.iloc[0]
    assert top["name"] not in output


def test_demo_viewer_sees_names_and_phones(duckdb_warehouse, raw):
    at = open_page("referrers", "en", **PERIOD)
    assert not at.exception
    ids = shown_ids(at, "en")
    phones = raw["customers"].set_index("customer_id").loc[sorted(ids), "phone"]
    output = everything(at)
    assert all(p in output for p in phones)
    assert t("referrers.masked", "en") not in output
