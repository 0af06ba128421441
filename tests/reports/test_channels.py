"""Channel CAC / ROI against an independent pandas computation over the raw rows, on both backends."""

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from dashboard.filters import Filters, Scope
from dashboard.reports.channels import load as channels
from dashboard.reports.channels import tables
from dashboard.reports.overview import load as overview
from tests.conftest import TEST_END

HORIZON = 90
PERIODS = [
    Filters(date(2026, 10, 19), date(2026, 11, 15)),
    Filters(date(2026, 7, 1), date(2026, 9, 30), specialties=("dental",)),
    Filters(date(2026, 3, 2), date(2026, 5, 31), cities=(1, 2), channels=(1, 2, 4, 12)),
]
IDS = ["4-weeks", "dental-quarter", "two-cities-four-channels"]


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, datetime.min.time()))


def _ratio(num, den):
    return None if not den else float(num) / float(den)


def _ok_clinics(raw, f: Filters) -> set[int]:
    k = raw["clinics"]
    if f.cities:
        k = k[k.city_id.isin(f.cities)]
    if f.specialties:
        k = k[k.specialty.isin(f.specialties)]
    if f.clinics:
        k = k[k.clinic_id.isin(f.clinics)]
    return set(k.clinic_id)


def _first_orders(raw) -> pd.DataFrame:
    orders = raw["orders"].merge(raw["customers"][["customer_id", "acquisition_channel_id"]])
    first = orders.sort_values(["ordered_at", "order_id"]).groupby("customer_id").head(1)
    return orders, first.rename(columns={"ordered_at": "first_at"})


def expected(raw, f: Filters, horizon: int = HORIZON, data_end: date = TEST_END) -> pd.DataFrame:
    """Every per-channel figure of the page, from the raw tables with pandas."""
    start, end = _ts(f.start), _ts(f.end + timedelta(days=1))
    ok = _ok_clinics(raw, f)
    chans = raw["channels"]
    if f.channels:
        chans = chans[chans.channel_id.isin(f.channels)]
    ids = set(chans.channel_id)
    out = chans.set_index("channel_id")[["kind", "tier"]].copy()

    cd = raw["channel_daily"]
    cd = cd[(cd.date >= start) & (cd.date < end) & cd.clinic_id.isin(ok) & cd.channel_id.isin(ids)]
    out = out.join(cd.groupby("channel_id")[["impressions", "clicks", "spend"]].sum())
    rr = raw["referral_rewards"]
    rr = rr[(rr.paid_on >= start) & (rr.paid_on < end) & rr.clinic_id.isin(ok)]
    out = out.fillna(0.0)
    referral = raw["channels"].loc[raw["channels"].kind == "referral", "channel_id"].iloc[0]
    if referral in ids:
        out.loc[referral, "spend"] += rr.amount.sum()

    leads = raw["leads"]
    leads = leads[
        (leads.created_at >= start)
        & (leads.created_at < end)
        & leads.clinic_id.isin(ok)
        & leads.channel_id.isin(ids)
    ]
    new_leads = leads[~leads.is_returning]
    out["leads"] = leads.groupby("channel_id").size()
    out["new_leads"] = new_leads.groupby("channel_id").size()
    out["new_leads_paid"] = new_leads[new_leads.paid_at.notna()].groupby("channel_id").size()
    out["new_leads_arrived"] = new_leads[new_leads.arrived_at.notna()].groupby("channel_id").size()

    orders, first = _first_orders(raw)
    new = first[
        (first.first_at >= start)
        & (first.first_at < end)
        & first.clinic_id.isin(ok)
        & first.acquisition_channel_id.isin(ids)
    ].copy()
    new["horizon_end"] = new.first_at + pd.Timedelta(days=horizon)
    by = "acquisition_channel_id"
    out["new_customers"] = new.groupby(by).size()
    end_of_data = _ts(data_end + timedelta(days=1))
    out["mature_customers"] = new[new.horizon_end <= end_of_data].groupby(by).size()
    o = orders[orders.clinic_id.isin(ok)].merge(new[["customer_id", "first_at", "horizon_end"]])
    o = o[o.ordered_at >= o.first_at]
    out["new_customer_revenue"] = o[o.ordered_at < end].groupby(by).amount.sum()
    within = o[o.ordered_at < o.horizon_end]
    out["revenue_horizon"] = within.groupby(by).amount.sum()
    out["horizon_orders"] = within.groupby(by).size()
    later = within[within.ordered_at.dt.normalize() > within.first_at.dt.normalize()]
    out["repeaters"] = later.groupby(by).customer_id.nunique()
    # Referred: customers whose referrer is new here, whose first order (within the filters)
    # at or after the referrer's first order comes before the referrer's horizon ends.
    cust = raw["customers"][["customer_id", "referrer_id"]].dropna(subset=["referrer_id"])
    cust = cust.astype({"referrer_id": "int64"})
    pairs = cust.merge(
        new[["customer_id", by, "first_at", "horizon_end"]],
        left_on="referrer_id",
        right_on="customer_id",
        suffixes=("", "_ref"),
    )
    ref_orders = orders[orders.clinic_id.isin(ok)][["customer_id", "ordered_at"]]
    ref = pairs.merge(ref_orders, on="customer_id")
    ref = ref[ref.ordered_at >= ref.first_at]
    firsts = ref.groupby(["customer_id", "referrer_id", by, "horizon_end"], as_index=False)[
        "ordered_at"
    ].min()
    out["referred"] = firsts[firsts.ordered_at < firsts.horizon_end].groupby(by).size()

    # LTV cohort: first order 730 … 365 days before the data's end, 365 days of revenue.
    lo, hi = _ts(data_end - timedelta(days=729)), _ts(data_end - timedelta(days=364))
    cohort = first[
        (first.first_at >= lo)
        & (first.first_at < hi)
        & first.clinic_id.isin(ok)
        & first.acquisition_channel_id.isin(ids)
    ]
    out["cohort_customers"] = cohort.groupby(by).size()
    co = orders[orders.clinic_id.isin(ok)].merge(cohort[["customer_id", "first_at"]])
    co = co[(co.ordered_at >= co.first_at) & (co.ordered_at < co.first_at + pd.Timedelta(days=365))]
    days = (co.ordered_at.dt.normalize() - co.first_at.dt.normalize()).dt.days
    co = co.assign(month=np.minimum(11, np.floor(days * 12 / 365)).astype(int))
    monthly = co.pivot_table(index=by, columns="month", values="amount", aggfunc="sum")
    monthly = monthly.reindex(columns=range(12)).fillna(0.0)
    out = out.fillna(0.0)

    rows = {}
    for cid, r in out.iterrows():
        size = r.cohort_customers
        cac = _ratio(r.spend, r.new_customers)
        curve = (
            (monthly.loc[cid].cumsum() / size).tolist() if size and cid in monthly.index else None
        )
        ltv = curve[-1] if curve else None
        payback = None
        if curve and cac is not None:
            payback = next((m + 1 for m, v in enumerate(curve) if v >= cac), None)
        rows[cid] = {
            **r.to_dict(),
            "cost_per_lead": _ratio(r.spend, r.leads),
            "cac": cac,
            "roas_horizon": _ratio(r.revenue_horizon, r.spend),
            "roi_horizon": _ratio(r.revenue_horizon - r.spend, r.spend),
            "marketing_roi": _ratio(r.new_customer_revenue - r.spend, r.spend),
            "lead_customer_rate": _ratio(r.new_leads_paid, r.new_leads),
            "ltv_12m": ltv,
            "ltv_cac": None if ltv is None or not cac else ltv / cac,
            "payback_months": payback,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _close(got, want, key):
    if want is None or (isinstance(want, float) and np.isnan(want)):
        assert got is None or pd.isna(got), key
    else:
        assert got == pytest.approx(float(want), rel=1e-9, abs=1e-6), key


COMPARED = (
    "impressions",
    "clicks",
    "spend",
    "leads",
    "new_leads",
    "new_leads_paid",
    "new_customers",
    "mature_customers",
    "new_customer_revenue",
    "revenue_horizon",
    "horizon_orders",
    "repeaters",
    "referred",
    "cohort_customers",
    "cost_per_lead",
    "cac",
    "roas_horizon",
    "roi_horizon",
    "marketing_roi",
    "lead_customer_rate",
    "ltv_12m",
    "ltv_cac",
    "payback_months",
)


@pytest.mark.parametrize("f", PERIODS, ids=IDS)
def test_every_channel_figure_matches_pandas(warehouse, raw, f):
    report = channels.load(f, Scope.all(), horizon=HORIZON, data_end=TEST_END)
    want = expected(raw, f)
    got = report.rows.set_index("channel_id")
    assert set(got.index) == set(want.index)
    for cid, row in want.iterrows():
        for key in COMPARED:
            _close(got.loc[cid, key], row[key], f"{key} of channel {cid}")


@pytest.mark.parametrize("f", PERIODS[:2], ids=IDS[:2])
def test_intervals_and_low_sample_flags(warehouse, raw, f):
    report = channels.load(f, Scope.all(), data_end=TEST_END)
    want = expected(raw, f)
    for _, row in report.rows.iterrows():
        w = want.loc[row.channel_id]
        assert row.low_sample == (w.new_customers < 30)
        if w.new_leads:
            low, high = proportion_confint(w.new_leads_paid, w.new_leads, 0.05, method="wilson")
            assert row.conversion_low == pytest.approx(low)
            assert row.conversion_high == pytest.approx(high)
        if w.new_customers:
            n = w.new_customers
            assert row.cac_low == pytest.approx(w.spend / stats.gamma.ppf(0.975, n + 1))
            assert row.cac_high == pytest.approx(w.spend / stats.gamma.ppf(0.025, n))
        else:
            assert pd.isna(row.cac) and pd.isna(row.cac_low) and "no_new_customers" in row.reasons


def test_totals_match_the_overview(warehouse):
    f = PERIODS[0]
    report = channels.load(f, Scope.all(), data_end=TEST_END)
    kpis = overview.load(f, Scope.all()).deltas
    for key in ("spend", "new_customers", "cac", "marketing_roi"):
        assert report.totals[key] == pytest.approx(kpis[key].current, rel=1e-9), key


@pytest.mark.parametrize("grouping", ["kind", "tier"])
def test_grouping_sums_channels(warehouse, raw, grouping):
    f = PERIODS[0]
    report = channels.load(f, Scope.all(), grouping=grouping, data_end=TEST_END)
    want = (
        expected(raw, f)
        .groupby(grouping)[["spend", "new_customers", "revenue_horizon", "cohort_customers"]]
        .sum()
    )
    got = report.rows.set_index(grouping)
    assert set(got.index) == set(want.index)
    for key, row in want.iterrows():
        assert got.loc[key, "spend"] == pytest.approx(row.spend)
        assert got.loc[key, "new_customers"] == row.new_customers
        _close(got.loc[key, "cac"], _ratio(row.spend, row.new_customers), f"cac of {key}")
        _close(got.loc[key, "roas_horizon"], _ratio(row.revenue_horizon, row.spend), key)
    assert sorted(c for ids in got.channel_ids for c in ids) == sorted(raw["channels"].channel_id)


def test_weekly_spend_and_revenue_by_channel(warehouse, raw):
    f = PERIODS[0]
    report = channels.load(f, Scope.all(), data_end=TEST_END)
    start, end = _ts(f.start), _ts(f.end + timedelta(days=1))
    cd = raw["channel_daily"]
    cd = cd[(cd.date >= start) & (cd.date < end)]
    week = cd.date - pd.to_timedelta(cd.date.dt.day_of_week, unit="D")
    want = cd.groupby([week.dt.date, cd.channel_id]).spend.sum()
    got = report.weekly.assign(week=pd.to_datetime(report.weekly.week_start).dt.date)
    got = got.set_index(["week", "key"])
    referral = str(raw["channels"].loc[raw["channels"].kind == "referral", "channel_id"].iloc[0])
    for (wk, cid), spend in want.items():
        if str(cid) != referral:
            assert got.loc[(wk, str(cid)), "spend"] == pytest.approx(spend)
    assert got.index.get_level_values("week").nunique() == 4
    totals = expected(raw, f)
    by_key = report.weekly.groupby("key")[["spend", "revenue"]].sum()
    for cid, row in totals.iterrows():
        assert by_key.loc[str(cid), "spend"] == pytest.approx(row.spend)
        assert by_key.loc[str(cid), "revenue"] == pytest.approx(row.new_customer_revenue)


@pytest.mark.parametrize("horizon", [30, 365])
def test_private_traffic_rates(warehouse, raw, horizon):
    f = PERIODS[1]
    report = channels.load(f, Scope.all(), horizon=horizon, data_end=TEST_END)
    want = expected(raw, f, horizon=horizon)
    wechat = want[want.kind == "wechat"].sum(numeric_only=True)
    p = report.private
    assert p.followers == wechat.new_leads and p.arrived == wechat.new_leads_arrived
    assert p.cohort_customers == wechat.new_customers
    assert p.inputs.arrival_rate == pytest.approx(wechat.new_leads_arrived / wechat.new_leads)
    assert p.inputs.repeat_rate == pytest.approx(wechat.repeaters / wechat.new_customers)
    assert p.inputs.referral_rate == pytest.approx(wechat.referred / wechat.new_customers)
    assert p.inputs.ticket == pytest.approx(wechat.revenue_horizon / wechat.horizon_orders)
    rates = p.inputs
    assert p.result.value == pytest.approx(
        wechat.new_leads
        * rates.arrival_rate
        * (1 + rates.repeat_rate + rates.referral_rate)
        * rates.ticket
    )


def test_city_scope_equals_city_filter(warehouse):
    f = PERIODS[0]
    by_filter = channels.load(Filters(f.start, f.end, cities=(3,)), Scope.all(), data_end=TEST_END)
    by_scope = channels.load(f, Scope(frozenset({3})), data_end=TEST_END)
    sneaky = channels.load(
        Filters(f.start, f.end, cities=(4,)), Scope(frozenset({3})), data_end=TEST_END
    )
    for key in ("spend", "new_customers", "revenue_horizon", "cohort_customers"):
        assert by_scope.totals[key] == pytest.approx(by_filter.totals[key]), key
        assert sneaky.totals[key] == pytest.approx(by_filter.totals[key]), key
    assert by_scope.budget.split["plan"].sum() == pytest.approx(
        by_filter.budget.split["plan"].sum()
    )


def test_empty_period_is_empty_and_shows_dashes(warehouse):
    report = channels.load(
        Filters(date(2019, 1, 7), date(2019, 1, 13)), Scope.all(), data_end=TEST_END
    )
    assert report.is_empty
    assert report.totals["cac"] is None and report.totals["roi_horizon"] is None
    assert report.rows["cac"].isna().all()
    html = tables.ranking_styler(report, "en").to_html()
    assert "—" in html and "inf" not in html.lower() and "nan" not in html.lower()


def test_zero_denominators_show_a_dash_with_a_reason(warehouse, raw):
    # One clinic for one week: several channels have no new customers or no spend.
    f = Filters(date(2026, 11, 9), date(2026, 11, 15), clinics=(5,))
    report = channels.load(f, Scope.all(), data_end=TEST_END)
    rows = tables.labelled(report, "en")
    no_new = rows[rows.new_customers == 0]
    assert not no_new.empty
    assert no_new.cac.isna().all() and no_new.ltv_cac.isna().all()
    assert no_new.notes.str.contains("no new customers").all()
    html = tables.ranking_styler(report, "en").to_html()
    assert "inf" not in html.lower() and "nan" not in html.lower()


def test_sheets_follow_the_export_contract(warehouse):
    report = channels.load(PERIODS[0], Scope.all(), grouping="kind", data_end=TEST_END)
    for lang in ("zh", "en"):
        sheets = tables.sheets(report, lang)
        assert len({s.name for s in sheets}) == len(sheets)
        for sheet in sheets:
            assert len(sheet.name) <= 31
            table = sheet.table()
            assert len(table.columns) == len({c.label for c in sheet.columns}), sheet.name
            assert not table.empty, sheet.name
