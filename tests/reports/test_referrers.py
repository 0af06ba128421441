"""Referrer rankings: a hand-built graph (every tie-break) and the generated chain against pandas.

Both run on DuckDB and PostgreSQL. The hand-built graph's expected order is known by
construction (tests/reports/referral_graph.py); every figure is also checked against the
independent pandas computation in tests/reports/referrers_oracle.py.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.literal import t_md
from dashboard.metrics import referrals as rf
from dashboard.privacy import mask_name, mask_phone
from dashboard.reports.overview import load as overview
from dashboard.reports.referrers import load as referrers
from dashboard.reports.referrers import tables as referrers_tables
from dashboard.reports.sheet_display import display
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse.writer import replace_tables
from tests.conftest import activate
from tests.reports import referral_graph as g
from tests.reports import referrers_oracle as oracle

OCTOBER = Filters(g.START, g.END)
FIGURES = (
    "valid",
    "referred",
    "referred_all",
    "arrived",
    "paid",
    "paid_all",
    "second_degree",
    "rank_all",
    "rank_region",
    "rank_city",
)
MONEY = ("revenue", "revenue_all", "own_spend")


@pytest.fixture(scope="module")
def graph_duckdb(tmp_path_factory) -> Settings:
    settings = Settings(warehouse_url=duckdb_url(tmp_path_factory.mktemp("graph") / "g.duckdb"))
    replace_tables(settings, g.tables(), source="referral graph")
    return settings


@pytest.fixture(scope="module")
def graph_postgres(postgres) -> Settings:
    settings = Settings(warehouse_url=postgres.create_database("opsdash_referral_graph"))
    replace_tables(settings, g.tables(), source="referral graph")
    return settings


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def graph(request, monkeypatch) -> Settings:
    """The data layer pointed at the hand-built graph on each backend in turn."""
    settings = request.getfixturevalue(f"graph_{request.param}")
    yield activate(settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()


def ids(report) -> list[int]:
    return [int(i) for i in report.ranking["referrer_id"]]


def assert_matches(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """The report's rows equal the oracle's, figure by figure, in the same order."""
    assert [int(i) for i in got["referrer_id"]] == [int(i) for i in want["referrer_id"]]
    for col in FIGURES:
        assert [int(v) for v in got[col]] == [int(v) for v in want[col]], col
    for col in MONEY:
        assert got[col].astype(float).tolist() == pytest.approx(want[col].tolist()), col
    for col in ("first_referral_at", "last_referral_at"):
        assert pd.to_datetime(got[col]).tolist() == pd.to_datetime(want[col]).tolist(), col
    assert got["tier"].tolist() == want["tier"].tolist()
    conversion = [p / r for p, r in zip(want["paid_all"], want["referred_all"], strict=True)]
    assert [float(c) for c in got["conversion"]] == pytest.approx(conversion)


@pytest.mark.parametrize(
    ("basis", "expected"), [("paid", g.EXPECTED_PAID), ("arrived", g.EXPECTED_ARRIVED)]
)
def test_graph_ranking_and_tie_breaks(graph, basis, expected):
    report = referrers.load(OCTOBER, Scope.all(), basis=basis, personal=True)
    assert ids(report) == expected
    assert report.ranking["rank"].tolist() == list(range(1, len(expected) + 1))
    want = oracle.ranking(g.tables(), OCTOBER, basis)
    assert_matches(report.ranking, want)
    # Not ranked: G has no valid referral; 14 registered after the period and never counts.
    assert 7 not in ids(report)
    a = report.ranking.set_index("referrer_id").loc[1]
    assert (a["referred_all"], a["second_degree"], a["revenue_all"]) == (3, 1, 300.0)


def test_graph_figures_and_tiers(graph):
    report = referrers.load(OCTOBER, Scope.all(), personal=True)
    rows = report.ranking.set_index("referrer_id")
    # B referred three in October, two paid: conversion 2/3; E's own ¥5,000 sits on the mid edge.
    assert rows.loc[2, ["referred", "paid", "paid_all", "referred_all"]].tolist() == [3, 2, 2, 3]
    assert rows.loc[2, "conversion"] == pytest.approx(2 / 3)
    assert rows.loc[5, "tier"] == "mid" and rows.loc[1, "tier"] == "high"
    # H's ¥50,000 order is after the period end: not their spend yet.
    assert rows.loc[8, ["own_spend", "tier", "second_degree"]].tolist() == [0.0, "low", 2]


@pytest.mark.parametrize("city", sorted(g.EXPECTED_CITY))
def test_graph_ranking_within_each_city(graph, city):
    options = referrers.group_options(OCTOBER, Scope.all(), "paid", "city")
    assert set(options) == set(g.EXPECTED_CITY)
    report = referrers.load(OCTOBER, Scope.all(), level="city", group=city, personal=True)
    assert ids(report) == g.EXPECTED_CITY[city]
    assert report.active_referrers == len(g.EXPECTED_CITY[city])


@pytest.mark.parametrize("region", sorted(g.EXPECTED_REGION))
def test_graph_ranking_within_each_region(graph, region):
    report = referrers.load(OCTOBER, Scope.all(), level="region", group=region, personal=True)
    assert ids(report) == g.EXPECTED_REGION[region]
    assert report.ranking["rank"].tolist() == list(range(1, len(g.EXPECTED_REGION[region]) + 1))


def test_graph_scope_is_home_city(graph):
    beijing = Scope(frozenset({3}))
    report = referrers.load(OCTOBER, beijing, personal=True)
    assert ids(report) == g.EXPECTED_CITY[3]
    # Picking another city under the restricted scope cannot widen it.
    sneaky = referrers.load(Filters(g.START, g.END, cities=(1,)), beijing, personal=True)
    assert ids(sneaky) == g.EXPECTED_CITY[3]
    # A referrer outside the scope cannot be opened by id.
    outside = referrers.load(OCTOBER, beijing, referrer_id=1, personal=True)
    assert outside.selected is None and outside.network.empty


def test_graph_masking(graph):
    masked = referrers.load(OCTOBER, Scope.all(), referrer_id=8, personal=False)
    shown = masked.ranking.set_index("referrer_id")
    raw = g.customers().set_index("customer_id")
    for cid in shown.index:
        assert shown.loc[cid, "name"] == mask_name(raw.loc[cid, "name"])
        assert shown.loc[cid, "phone"] == mask_phone(raw.loc[cid, "phone"])
        assert g.phone(cid) not in shown.loc[cid, "phone"]
    for frame in (masked.ranking, masked.network):
        text = frame.astype(str).to_csv()
        assert not any(g.phone(c) in text for c in raw.index)
    plain = referrers.load(OCTOBER, Scope.all(), referrer_id=8, personal=True)
    assert plain.ranking.set_index("referrer_id").loc[8, "phone"] == g.phone(8)


def test_graph_network_depth_two(graph):
    report = referrers.load(OCTOBER, Scope.all(), referrer_id=8, personal=True)
    tree = report.network.set_index("id")
    assert tree["depth"].to_dict() == {"8": 0, "81": 1, "811": 2, "812": 2}
    assert tree.loc["81", "parent"] == "8" and tree.loc["811", "parent"] == "81"
    assert tree.loc["81", "status"] == "paid" and tree.loc["811", "status"] == "registered"
    assert tree.loc["8", "size"] == 2 and tree.loc["81", "size"] == 2
    follow_up = referrers_tables.network_sheet(report, "en").frame
    assert follow_up["customer_id"].tolist() == [81, 811, 812]
    assert follow_up["via"].tolist() == [raw_name(8), raw_name(81), raw_name(81)]


def raw_name(cid: int) -> str:
    return g.customers().set_index("customer_id").loc[cid, "name"]


def test_graph_weekly_share(graph):
    report = referrers.load(OCTOBER, Scope.all(), personal=True)
    want = oracle.weekly_share(g.tables(), OCTOBER)
    got = report.weekly
    assert pd.to_datetime(got["week_start"]).dt.date.tolist() == want["week_start"].tolist()
    assert got["new_customers"].tolist() == want["new_customers"].tolist()
    assert got["referred"].tolist() == want["referred"].tolist()
    assert report.referral_share == pytest.approx(
        want["referred"].sum() / want["new_customers"].sum()
    )


CHAIN_PERIODS = [
    Filters(date(2026, 8, 1), date(2026, 10, 31)),
    Filters(date(2026, 5, 1), date(2026, 10, 31), specialties=("dental", "aesthetic")),
]


@pytest.mark.parametrize("basis", rf.BASES)
@pytest.mark.parametrize("f", CHAIN_PERIODS, ids=["quarter", "dental-aesthetic-half-year"])
def test_chain_ranking_matches_pandas(warehouse, raw, f, basis):
    report = referrers.load(f, Scope.all(), basis=basis, personal=True)
    want = oracle.ranking(raw, f, basis)
    assert len(want) > 5, "the test chain should have several ranked referrers"
    assert_matches(report.ranking, want.head(rf.TOP_N))
    assert report.active_referrers == len(want)
    assert report.valid_referrals == int(want["valid"].sum())


def test_chain_ranking_per_city_matches_pandas(warehouse, raw):
    f = CHAIN_PERIODS[0]
    want = oracle.ranking(raw, f, "paid")
    city = int(want["home_city_id"].iloc[0])
    report = referrers.load(f, Scope.all(), level="city", group=city, personal=True)
    expected = want[want["home_city_id"] == city].sort_values("rank_city")
    assert_matches(report.ranking, expected.head(rf.TOP_N))
    assert report.ranking["rank"].tolist() == expected["rank_city"].head(rf.TOP_N).tolist()


def test_chain_city_filter_and_scope(warehouse, raw):
    f = CHAIN_PERIODS[0]
    city = int(oracle.ranking(raw, f, "paid")["home_city_id"].iloc[0])
    by_filter = referrers.load(Filters(f.start, f.end, cities=(city,)), Scope.all(), personal=True)
    by_scope = referrers.load(f, Scope(frozenset({city})), personal=True)
    want = oracle.ranking(raw, f, "paid", scope=Scope(frozenset({city})))
    assert_matches(by_filter.ranking, want.head(rf.TOP_N))
    assert_matches(by_scope.ranking, want.head(rf.TOP_N))


def test_chain_weekly_share_matches_pandas_and_overview(warehouse, raw):
    f = Filters(date(2026, 10, 5), date(2026, 11, 15))
    report = referrers.load(f, Scope.all(), personal=True)
    want = oracle.weekly_share(raw, f)
    assert report.weekly["new_customers"].tolist() == want["new_customers"].tolist()
    assert report.weekly["referred"].tolist() == want["referred"].tolist()
    # The weeks add up to the overview's new customers (one definition of a new customer).
    total = overview.load(f, Scope.all()).deltas["new_customers"].current
    assert report.weekly["new_customers"].sum() == total


def test_chain_network_matches_pandas(warehouse, raw):
    f = CHAIN_PERIODS[0]
    top = oracle.ranking(raw, f, "paid").sort_values("referred_all").iloc[-1]
    rid = int(top["referrer_id"])
    report = referrers.load(f, Scope.all(), referrer_id=rid, personal=False)
    cust = raw["customers"]
    end = pd.Timestamp(f.end) + pd.Timedelta(days=1)
    live = cust[pd.to_datetime(cust["created_at"]) < end]
    first = set(live.loc[live["referrer_id"] == rid, "customer_id"])
    second = set(live.loc[live["referrer_id"].isin(first), "customer_id"])
    tree = report.network
    assert set(tree.loc[tree["depth"] == 1, "id"].astype(int)) == first
    assert set(tree.loc[tree["depth"] == 2, "id"].astype(int)) == second
    children = live.loc[live["referrer_id"].isin(first), "referrer_id"].value_counts()
    leaves = sum(int(children.get(c, 0)) or 1 for c in first)
    assert tree.loc[tree["depth"] == 0, "size"].iloc[0] == max(leaves, 1)
    phones = set(cust.loc[cust["customer_id"].isin(first | second | {rid}), "phone"])
    assert not phones & set(tree["phone"])


def test_empty_period_is_empty(warehouse):
    report = referrers.load(Filters(date(2019, 1, 7), date(2019, 1, 13)), Scope.all())
    assert report.is_empty
    assert report.referral_share is None


def test_odd_controls_fall_back(warehouse):
    report = referrers.load(
        CHAIN_PERIODS[0],
        Scope.all(),
        basis="bogus",
        level="planet",
        group="Atlantis",
        referrer_id="x",
    )
    assert (report.basis, report.level) == (rf.DEFAULT_BASIS, rf.DEFAULT_LEVEL)
    # "x" could be a source system's customer number: it is looked up, and not found.
    assert report.referrer_id is None and report.referrer_ref == "x"
    assert report.network.empty
    found = referrers_tables.network_messages(report, "en")
    assert found == [(t_md("referrers.not_found", "en", id="x"), "warning")]
    blank = referrers.load(CHAIN_PERIODS[0], Scope.all(), referrer_id="  ")
    assert blank.referrer_id == (
        int(blank.ranking["referrer_id"].iloc[0]) if len(blank.ranking) else None
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets_are_the_tables_shown(duckdb_warehouse, lang):
    report = referrers.load(CHAIN_PERIODS[0], Scope.all(), personal=False)
    sheets = referrers_tables.sheets(report, lang)
    assert [s.name for s in sheets] == [
        t(f"referrers.sheet.{k}", lang) for k in ("ranking", "share", "network")
    ]
    for sheet in sheets:
        table = sheet.table()
        assert len(table.columns) == len(sheet.columns) and len(sheet.name) <= 31
        shown = display(sheet, lang)
        assert list(shown.columns) == list(table.columns)
        cells = {str(v).lower() for v in shown.to_numpy().ravel()}
        assert not cells & {"nan", "nat", "none", "inf", "-inf"}
    # The export carries the masked values and says so.
    assert t("referrers.masked", lang) in sheets[0].notes
