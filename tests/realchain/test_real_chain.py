"""Issue #21's acceptance: a chain's real-shaped exports load, and every page's headline figures
equal pandas over the raw files.

The exports (tests/realchain/exports.py) carry text ids of several kinds, no personal fields,
Chinese headers through mappings, mixed date forms, plan-level ad rows, no calendar file and
five years of data. They are loaded with ``load_directory`` (mappings found beside the files)
into a fresh DuckDB warehouse and a fresh PostgreSQL database; each page's report is then
compared with tests/realchain/oracle.py, which never calls dashboard code. Counts must be
equal, money within 1e-9 relative. Every page also renders in AppTest, in zh and en.
"""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.loading import load_directory
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from tests.conftest import activate
from tests.realchain import exports, oracle

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))
PERIODS = [pytest.param(OCTOBER, id="2026-10"), pytest.param(YEAR_2025, id="2025")]
REVIEWED_WEEK = "2026-W44"  # Monday 2026-10-26 to Sunday 2026-11-01
_databases = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The chain's export folder, written once."""
    return exports.write_exports(tmp_path_factory.mktemp("realchain") / "exports")


@pytest.fixture(scope="module")
def chain(folder) -> oracle.Chain:
    """The raw exports as the oracle reads them."""
    return oracle.read_chain(folder)


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def loaded(request, folder, tmp_path_factory) -> Settings:
    """A fresh warehouse of each backend with the exports loaded in one ``load_directory``."""
    if request.param == "duckdb":
        path = tmp_path_factory.mktemp("realchain_db") / "warehouse.duckdb"
        settings = Settings(warehouse_url=duckdb_url(path))
    else:
        server = request.getfixturevalue("postgres")
        settings = Settings(warehouse_url=server.create_database(f"realchain_{next(_databases)}"))
    with pytest.MonkeyPatch.context() as mp:
        # The loader refuses facts after today + 1 day: today is fixed just after the data.
        mp.setenv("OPSDASH_TODAY", exports.TODAY.isoformat())
        result = load_directory(settings, folder, lang="en")
    assert result.ok, [f"{p.file} {p.row} {p.column}: {p.reason}" for p in result.problems]
    yield settings
    wh.dispose_all()


@pytest.fixture
def pages(loaded, monkeypatch) -> Settings:
    """The data layer pointed at the loaded warehouse, with today fixed."""
    monkeypatch.setenv("OPSDASH_TODAY", exports.TODAY.isoformat())
    yield activate(loaded, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


def _same(actual, expected, what: str) -> None:
    """Counts exactly, money and rates within 1e-9 relative, None ("—") only as None."""
    if expected is None or pd.isna(expected):
        assert actual is None or pd.isna(actual), f"{what}: {actual} (expected none)"
        return
    assert actual is not None and not pd.isna(actual), f"{what}: none (expected {expected})"
    assert float(actual) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), what


def test_exports_are_real_shaped(folder, chain):
    """The suite's premises: what the files look like, so the test cannot pass on tidy data."""
    files = {p.name for p in folder.iterdir()}
    assert not any(name.startswith("calendar") for name in files)
    customers = pd.read_csv(folder / "客户导出.csv", dtype=str, keep_default_na=False)
    assert not {"name", "phone", "birth_year", "姓名", "手机号"} & set(customers.columns)
    ids = customers["客户编号"]
    assert ids.str.match(r"^0\d+$").any() and ids.str.len().eq(36).any()
    assert ids.str.match(r"^o[\w-]{27}$").any()
    assert set(customers["性别"]) == {"男", "女", "未知", ""}
    leads = pd.read_csv(folder / "线索导出.csv", dtype=str, keep_default_na=False)
    created = leads["创建时间"]
    assert created.str.contains("/").any() and created.str.contains("年").any()
    assert created.str.endswith("Z").any() and created.str.match(r"^\d{4}-\d\d-\d\d \d").any()
    assert leads["成交金额"].str.startswith("¥").any()
    assert (leads["咨询时间"] == "").mean() > 0.5
    orders = pd.read_csv(folder / "HIS订单导出.csv", dtype=str, keep_default_na=False)
    assert orders["下单时间"].str.match(r"^\d{8}$").any()
    assert orders["下单时间"].str.contains("年").any()
    ads = pd.read_csv(folder / "广告日报.csv", dtype=str, keep_default_na=False)
    assert ads["消耗(元)"].str.match(r"^\d+\.\d{9}$").any()
    assert set(ads["平台"]) == {"巨量引擎", "腾讯广告"}
    assert len(ads) > ads[["日期", "平台", "账户"]].drop_duplicates().shape[0]  # plan level
    years = chain.orders["ordered_at"].dt.year
    assert years.min() == 2022 and years.max() == 2026
    paid = chain.leads.dropna(subset=["paid_at"])
    assert (paid["paid_at"] - paid["created_at"]).max() > pd.Timedelta(days=300)


def test_load_keeps_source_ids(pages, folder):
    """The warehouse maps the sources' text ids once each, in key_map."""
    import sqlalchemy as sa

    engine = wh.get_engine(pages)
    with engine.connect() as conn:
        mapped = pd.read_sql(sa.text("select table_name, external_id from key_map"), conn)
    customers = pd.read_csv(folder / "客户导出.csv", dtype=str, keep_default_na=False)
    leads = pd.read_csv(folder / "线索导出.csv", dtype=str, keep_default_na=False)
    by_table = mapped.groupby("table_name")["external_id"].apply(set)
    assert by_table["customers"] == set(customers["客户编号"])
    assert by_table["leads"] == set(leads["线索编号"])
    assert by_table["clinics"] == {c[0] for c in exports.CLINICS}


@pytest.mark.parametrize("period", PERIODS)
def test_overview(pages, chain, period):
    from dashboard.metrics.registry import OVERVIEW_KPIS
    from dashboard.reports.overview import load as overview

    report = overview.load(Filters(*period), Scope.all())
    expected = oracle.kpis(chain, *period)
    for kpi_id in OVERVIEW_KPIS:
        _same(report.deltas[kpi_id].current, expected[kpi_id], kpi_id)
    assert expected["new_customers"] and expected["spend"] and expected["paid_deals"]


@pytest.mark.parametrize("window", [30, "none"])
@pytest.mark.parametrize("period", PERIODS)
def test_funnel(pages, chain, period, window):
    from dashboard.reports.funnel import load as funnel

    report = funnel.load(Filters(*period), Scope.all(), window=window)
    expected = oracle.funnel(chain, *period, None if window == "none" else window)
    counts = report.stages.set_index("stage")["count"]
    for stage in ("impressions", "leads", "inquiries", "bookings", "arrivals", "paid_deals"):
        _same(counts[stage], expected[stage], stage)
    _same(report.lead_to_deal, expected["lead_to_deal"], "lead_to_deal")
    if window != "none":
        _same(report.maturing_leads, expected["maturing_leads"], "maturing_leads")
    assert report.data_end == chain.data_end


@pytest.mark.parametrize("period", PERIODS)
def test_channels(pages, chain, period):
    from dashboard.reports.channels import load as channels

    report = channels.load(Filters(*period), Scope.all())
    expected = oracle.channels(chain, *period)
    rows = report.rows.set_index("code")
    assert set(rows.index) == set(expected.index)
    for code, want in expected.iterrows():
        for column in ("spend", "leads", "new_leads", "new_leads_paid", "new_customers", "cac"):
            _same(rows.loc[code, column], want[column], f"{code} {column}")
    _same(report.totals["spend"], expected["spend"].sum(), "total spend")
    _same(report.totals["new_customers"], expected["new_customers"].sum(), "total new")
    # The new kind loaded with its own label; spend only on the two ad platforms' channels.
    assert rows.loc["tencent_ads", "kind"] == "mini_program_ads"
    assert expected.loc["douyin", "spend"] > 0 and expected.loc["tencent_ads", "spend"] > 0


@pytest.mark.parametrize("period", PERIODS)
def test_members(pages, chain, period):
    from dashboard.reports.members import load as members

    report = members.load(Filters(*period), Scope.all())
    expected = oracle.members(chain, period[1])
    stages = report.stages.set_index("stage")["customers"]
    for stage, count in expected["stages"].items():
        _same(stages[stage], count, stage)
    _same(report.prospects, expected["prospects"], "prospects")
    tiers = report.tier_table.set_index("tier")["customers"]
    for tier, count in expected["tiers"].items():
        _same(tiers[tier], count, f"tier {tier}")
    _same(
        report.repeat["repeat_rate"].current, oracle.kpis(chain, *period)["repeat_rate"], "repeat"
    )


@pytest.mark.parametrize("period", PERIODS)
def test_regions(pages, chain, period):
    from dashboard.reports.regions import load as regions_load

    report = regions_load.load(Filters(*period), Scope.all())
    expected = oracle.regions(chain, *period)
    # The report keys cities by the warehouse's ids: match them by name.
    code = {c[1]: c[0] for c in exports.CITIES}
    names = dict(zip(report.cities["city_id"], report.cities["name_zh"].map(code), strict=True))
    totals = report.city_totals.assign(code=report.city_totals["city_id"].map(names))
    totals = totals.groupby("code")[list(expected.columns)].sum()
    assert set(totals.index) == set(expected.index)
    for city, want in expected.iterrows():
        for column, value in want.items():
            _same(totals.loc[city, column], value, f"{city} {column}")
    # No customer has home coordinates: the map places every paying customer at a city centre.
    assert report.clinics_at_city == 2


@pytest.mark.parametrize("period", PERIODS)
def test_referrers(pages, chain, period):
    from dashboard.reports.referrers import load as referrers

    report = referrers.load(Filters(*period), Scope.all())
    expected = oracle.referrers(chain, *period)
    _same(report.active_referrers, expected["active_referrers"], "active referrers")
    _same(report.valid_referrals, expected["valid_referrals"], "valid referrals")
    _same(report.referral_share, expected["referral_share"], "referral share")
    assert expected["valid_referrals"] > 0


def test_weekly_review(pages, chain):
    from dashboard.metrics.registry import WEEKLY_KPIS
    from dashboard.reports.weekly import load as weekly_load

    report = weekly_load.load(Filters(*OCTOBER), Scope.all(), week_code=REVIEWED_WEEK)
    assert report.week.start == date(2026, 10, 26)
    this = oracle.kpis(chain, date(2026, 10, 26), date(2026, 11, 1))
    last = oracle.kpis(chain, date(2026, 10, 19), date(2026, 10, 25))
    heads = {h.kpi_id: h for h in report.headlines}
    assert set(heads) == set(WEEKLY_KPIS)
    for kpi_id in WEEKLY_KPIS:
        _same(heads[kpi_id].this_week, this[kpi_id], f"this week {kpi_id}")
        _same(heads[kpi_id].last_week, last[kpi_id], f"last week {kpi_id}")


SCORED = (
    "revenue",
    "value_per_customer",
    "marketing_roi",
    "cac",
    "new_members",
    "repeat_rate",
    "arrival_rate",
    "booking_completion",
    "lead_to_arrival_days",
)


@pytest.mark.parametrize(
    ("kind", "code", "period"), [("month", "2026-10", OCTOBER), ("year", "2025", YEAR_2025)]
)
def test_scorecard(pages, chain, kind, code, period):
    from dashboard.reports.scorecard import load as scorecard_load

    report = scorecard_load.load(Filters(*OCTOBER), Scope.all(), kind=kind, period_code=code)
    assert (report.period.start, report.period.end) == period
    actual = report.rows.set_index("kpi_id")["actual"]
    expected = oracle.kpis(chain, *period)
    for kpi_id in SCORED:
        _same(actual[kpi_id], expected[kpi_id], kpi_id)
    assert expected["new_members"] and expected["lead_to_arrival_days"]


def test_health(pages, chain):
    from dashboard.reports.health import load as health_load

    report = health_load.load()
    expected = oracle.health(chain)
    fields = {(f.table, f.column): f for f in report.fields}
    for key, share in expected.items():
        if key.startswith("leads.") or key.startswith("customers."):
            table, column = key.split(".")
            _same(fields[(table, column)].share, share, key)
    warnings = {w.check: w for w in report.warnings}
    _same(warnings["untimed_inquiry"].value, expected["untimed_inquiry"], "untimed inquiry")
    # No customer has a birth year or home coordinates; no calendar file, yet a calendar.
    assert fields[("customers", "birth_year")].filled == 0
    assert "customers_no_home" in warnings
    calendar = {t.table: t for t in report.tables}["calendar"]
    assert calendar.first == date(2022, 1, 1) and calendar.last == date(2026, 12, 31)


def _duckdb_only(loaded: Settings) -> None:
    if not loaded.is_duckdb:
        pytest.skip("pages render once, on DuckDB")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(pages, loaded, lang):
    from dashboard.i18n import t
    from dashboard.navigation import PAGES
    from tests.pages.apptest import open_page

    _duckdb_only(loaded)
    for page in PAGES:
        at = open_page(page.id, lang)
        assert not at.exception, (page.id, [e.value for e in at.exception])
        assert at.title[0].value == t(f"page.{page.id}", lang)
