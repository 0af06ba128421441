"""A real-shaped chain (no names, phones or birth years; clinics without doctors or coordinates;
the chain's own kinds, categories and a specialty ``ent``; exposures without value or clinic),
loaded through ``load_directory``: every page renders, each degrades in one line in both
languages, and its figures equal pandas over the raw rows."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.navigation import PAGES
from dashboard.reports.experiments import load as experiments_load
from dashboard.reports.funnel import load as funnel
from dashboard.reports.funnel import tables as funnel_tables
from dashboard.reports.kpis import totals
from dashboard.reports.referrers import load as referrers
from dashboard.reports.regions import load as regions_load
from dashboard.reports.regions import tables as regions_tables
from dashboard.settings import Settings, duckdb_url
from tests.conftest import activate
from tests.loading.sparse_chain import OMITTED, sparse_tables, write_folder
from tests.pages.apptest import main_text, open_page
from tests.reports.kpi_expected import Raw, approx_equal
from tests.reports.kpi_expected import kpis as expected_kpis

MONTH = Filters(date(2026, 10, 1), date(2026, 10, 31))
# Fixed parts of the one-line notes, per language.
AT_CITY = {"zh": "来自没有居住地坐标的客户", "en": "comes from customers without home coordinates"}
CLINICS_AT_CITY = {"zh": "家门店没有坐标", "en": "clinics have no coordinates"}
NO_DOCTORS = {"zh": "家门店没有医生人数", "en": "clinics have no doctor count"}
ALL_KPIS = (
    "arrivals",
    "revenue",
    "spend",
    "new_customers",
    "cac",
    "marketing_roi",
    "value_per_customer",
    "new_members",
    "satisfaction_mean",
    "training_hours_per_staff",
)


@pytest.fixture(scope="module")
def sparse(raw, tmp_path_factory):
    """The sparse tables (the raw rows of every expected figure) and the load's result."""
    tables = sparse_tables(raw)
    base = tmp_path_factory.mktemp("sparse")
    folder = write_folder(tables, base / "in", base)
    settings = Settings(warehouse_url=duckdb_url(base / "warehouse.duckdb"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPSDASH_TODAY", "2026-11-16")
        result = load_directory(settings, folder, lang="en")
    assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
    return tables, settings, result, folder


@pytest.fixture(scope="module")
def sparse_postgres(sparse, postgres) -> Settings:
    """The same export folder loaded into a new PostgreSQL warehouse."""
    settings = Settings(warehouse_url=postgres.create_database("opsdash_sparse"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPSDASH_TODAY", "2026-11-16")
        result = load_directory(settings, sparse[3], lang="zh")
    assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
    return settings


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def sparse_any(request, sparse, monkeypatch):
    """The data layer pointed at the sparse chain on each backend in turn."""
    monkeypatch.setenv("OPSDASH_TODAY", "2026-11-16")
    settings = (
        sparse[1] if request.param == "duckdb" else request.getfixturevalue("sparse_postgres")
    )
    yield activate(settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


@pytest.fixture
def sparse_warehouse(sparse, monkeypatch):
    """The data layer pointed at the sparse chain's warehouse."""
    monkeypatch.setenv("OPSDASH_TODAY", "2026-11-16")
    yield activate(sparse[1], monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, time.min))


def test_the_load_warns_about_each_column_left_out(sparse):
    result = sparse[2]
    warned = {(w.file, w.column) for w in result.warnings if w.code.startswith("load.omitted")}
    assert warned == {("customers.csv", c) for c in OMITTED["customers"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", [p.id for p in PAGES])
def test_every_page_renders(sparse_warehouse, page, lang):
    """Every page opens on the gappy chain under its own title, with no error and no figure
    shown as nan or inf (a column left out reads as "—", never as a broken number)."""
    at = open_page(page, lang, timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert [x.value for x in at.title][:1] == [t(f"page.{page}", lang)]
    assert not at.error, [e.value for e in at.error]
    # A sparkline column holds the series itself (an array, NaN where a week has no value).
    text = re.sub(r"\[[^\]]*\]", "", main_text(at))
    assert not re.search(r"\b(nan|inf)\b", text, re.IGNORECASE), page
    assert not re.search(r"\bNone\b", text), page


def test_headline_kpis_equal_pandas(sparse_any, sparse):
    r = Raw(sparse[0])
    got = totals(ALL_KPIS, MONTH, Scope.all())
    want = expected_kpis(r, MONTH)
    for kpi_id in ALL_KPIS:
        assert approx_equal(got[kpi_id], want[kpi_id]), (kpi_id, got[kpi_id], want[kpi_id])


def test_first_visits_per_doctor_only_where_every_clinic_has_doctors(sparse_any, sparse):
    clinics = sparse[0]["clinics"]
    assert (
        totals(["first_visits_per_doctor"], MONTH, Scope.all())["first_visits_per_doctor"] is None
    )
    staffed = tuple(int(c) for c in clinics.loc[clinics["doctors"].notna(), "clinic_id"])
    f = Filters(MONTH.start, MONTH.end, clinics=staffed)
    got = totals(["first_visits_per_doctor"], f, Scope.all())["first_visits_per_doctor"]
    want = expected_kpis(Raw(sparse[0]), f)["first_visits_per_doctor"]
    assert got is not None and approx_equal(got, want)


def test_regions_map_places_homeless_customers_at_their_city(sparse_any, sparse):
    tables = sparse[0]
    report = regions_load.load(MONTH, Scope.all(), map_metric="revenue")
    orders = tables["orders"].merge(tables["customers"], on="customer_id")
    period = orders[
        (orders["ordered_at"] >= _ts(MONTH.start))
        & (orders["ordered_at"] < _ts(MONTH.end + timedelta(days=1)))
    ]
    amount = period["amount"].astype(float)
    # Nothing is left off the map, and the part placed at home cities is said.
    assert report.grid["value"].sum() == pytest.approx(amount.sum())
    homeless = period["home_lat"].isna()
    assert report.at_city == pytest.approx(amount[homeless].sum())
    clinics = tables["clinics"]
    assert report.clinics_at_city == int(clinics["lat"].isna().sum())
    assert report.clinics[["lat", "lon"]].notna().all().all()
    cities = tables["cities"].set_index("city_id")
    placed = report.clinics.merge(
        clinics[["clinic_id", "lat"]], on="clinic_id", suffixes=("", "_raw")
    )
    for row in placed[placed["lat_raw"].isna()].itertuples():
        assert (row.lat, row.lon) == (
            cities.loc[row.city_id, "lat"],
            cities.loc[row.city_id, "lon"],
        )
    for lang in ("zh", "en"):
        notes = "\n".join(regions_tables.map_notes(report, lang))
        assert t("regions.clinics_at_city", lang, n=report.clinics_at_city) in notes
        assert AT_CITY[lang] in t("regions.at_city", lang, amount="", metric="")
        assert AT_CITY[lang] in notes
        legend = regions_tables.specialty_legend(report, lang)
        assert ("耳鼻喉科" if lang == "zh" else "ENT") in legend


def test_traffic_diagnosis_says_which_clinics_it_cannot_judge(sparse_any, sparse):
    clinics = sparse[0]["clinics"]
    report = funnel.load(MONTH, Scope.all())
    opened = pd.to_datetime(clinics["opened_on"]).dt.date <= MONTH.end
    want = sorted(int(c) for c in clinics.loc[clinics["doctors"].isna() & opened, "clinic_id"])
    assert sorted(report.chain.no_doctors) == want
    unknown = report.clinics.loc[report.clinics["doctors"].isna(), "traffic_status"]
    assert set(unknown) == {"unknown"}
    for lang in ("zh", "en"):
        line = funnel_tables.texts(report, lang).no_doctors
        assert line and str(len(want)) in line


def test_revenue_experiments_without_values_are_not_evaluated(sparse_any, sparse):
    tables = sparse[0]
    exp = tables["experiments"]
    exposures = tables["experiment_exposures"]
    f = Filters(date(2020, 1, 1), date(2026, 11, 15))
    report = experiments_load.load(f, Scope.all())
    unvalued = set(exposures.loc[exposures["value"].isna(), "experiment_id"])
    revenue = set(exp.loc[exp["metric"] == "revenue", "experiment_id"])
    codes = set(exp.loc[exp["experiment_id"].isin(unvalued & revenue), "code"])
    assert codes and {u[0] for u in report.unvalued} == codes
    assert not set(report.board["code"]) & codes
    assert report.no_clinic_units == int(
        exposures.loc[exposures["exposed_at"] < _ts(f.end + timedelta(days=1)), "clinic_id"]
        .isna()
        .sum()
    )


def test_a_region_lead_never_sees_an_exposure_without_clinic(sparse_any, sparse):
    tables = sparse[0]
    exposures = tables["experiment_exposures"].merge(
        tables["clinics"][["clinic_id", "city_id"]], on="clinic_id", how="left"
    )
    city = int(tables["clinics"]["city_id"].iloc[0])
    f = Filters(date(2020, 1, 1), date(2026, 11, 15))
    for scope, rows in (
        (Scope(frozenset({city})), exposures[exposures["city_id"] == city]),
        (Scope.all(), exposures),
    ):
        got = data.run("experiments_variants", f, scope)
        assert int(got["units"].sum()) == len(rows), scope
        assert int(got["no_clinic_units"].sum()) == int(rows["clinic_id"].isna().sum())
    lead = experiments_load.load(f, Scope(frozenset({city})))
    assert lead.no_clinic_units == 0


@pytest.mark.parametrize("personal", [False, True])
def test_missing_names_show_empty_never_invented(sparse_warehouse, personal):
    report = referrers.load(MONTH, Scope.all(), personal=personal)
    assert not report.ranking.empty
    for frame in (report.ranking, report.network):
        for col in ("name", "phone"):
            if col in frame:
                assert set(frame[col]) == {""}, (col, set(frame[col]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_say_what_they_cannot_show(sparse_warehouse, lang):
    funnel_text = main_text(open_page("funnel", lang, timeout=120))
    assert NO_DOCTORS[lang] in t("funnel.no_doctors", lang, n=1, clinics="")
    assert NO_DOCTORS[lang] in funnel_text
    regions_text = main_text(open_page("regions", lang, timeout=120))
    for line in (AT_CITY, CLINICS_AT_CITY):
        assert line[lang] in regions_text


def test_the_chain_own_codes_are_labelled_on_the_pages(sparse_warehouse, sparse):
    from dashboard.reports.channels import load as channels
    from dashboard.reports.channels.tables import row_names

    tables = sparse[0]
    report = channels.load(MONTH, Scope.all(), grouping="kind")
    kinds = dict(zip(report.rows["kind"], row_names(report.rows, "kind", "en"), strict=True))
    # Loaded label, else the catalogue's for a sample code, else the code itself.
    assert kinds["mini_program_ads"] == "Mini-program ads"
    assert kinds["display"] == "display"
    assert kinds["referral"] == t("channels.kind.referral", "en")
    assert set(report.rows["kind"]) == set(tables["channels"]["kind"])
    # Spend by kind adds up to pandas over the raw rows: spend days plus referral rewards.
    cd, rr = tables["channel_daily"], tables["referral_rewards"]
    days, paid = pd.to_datetime(cd["date"]), pd.to_datetime(rr["paid_on"])
    want = cd.loc[(days >= _ts(MONTH.start)) & (days <= _ts(MONTH.end)), "spend"].astype(float)
    rewards = rr.loc[(paid >= _ts(MONTH.start)) & (paid <= _ts(MONTH.end)), "amount"].astype(float)
    assert float(report.rows["spend"].sum()) == pytest.approx(want.sum() + rewards.sum())
    by_specialty = funnel.load(MONTH, Scope.all(), dimension="specialty").breakdown
    names = dict(zip(by_specialty["key"], by_specialty["name_zh"], strict=True))
    assert names["ent"] == "耳鼻喉科" and names["eye"] == t("specialty.eye", "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecard_says_first_visits_per_doctor_is_not_computed(sparse_warehouse, sparse, lang):
    clinics = sparse[0]["clinics"]
    n = int(clinics["doctors"].isna().sum())
    text = main_text(open_page("scorecard", lang, timeout=120))
    assert t("scorecard.no_doctors", lang, n=n) in text
