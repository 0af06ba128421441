"""The weekly review against independent pandas computations over the raw rows (both backends):
headline KPIs, 4-week averages, weekly targets, top movers, north-star pacing and the summary."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.export.sheet import COLUMN_UNITS
from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.metrics.registry import WEEKLY_KPIS, kpi
from dashboard.reports.weekly import load as weekly_load
from dashboard.reports.weekly import tables as weekly_tables
from tests.reports.kpi_expected import Raw, approx_equal, expected_status, target
from tests.reports.kpi_expected import kpis as expected_kpis

DATA_END = date(2026, 11, 15)
GLOBAL = Filters(date(2026, 10, 19), date(2026, 11, 15))  # the sidebar period: ignored here
W46 = (date(2026, 11, 9), date(2026, 11, 15))


@pytest.fixture(scope="module")
def r(raw) -> Raw:
    return Raw(raw)


def test_week_options_default_to_the_last_complete_week():
    weeks = weekly_load.week_options(DATA_END)
    assert weeks[0] == "2026-W46" and weeks[1] == "2026-W45" and len(weeks) == 52
    assert weekly_load.week_options(date(2026, 11, 18))[0] == "2026-W46"
    assert weekly_load.resolve_week("2027-W01", DATA_END).code == "2026-W46"  # not complete yet
    assert weekly_load.resolve_week("garbage", DATA_END).code == "2026-W46"


def test_headlines_match_pandas(warehouse, r):
    report = weekly_load.load(GLOBAL, Scope.all(), "2026-W46", None, DATA_END)
    assert report.week.code == "2026-W46" and not report.is_empty
    this = expected_kpis(r, Filters(*W46))
    last = expected_kpis(r, Filters(date(2026, 11, 2), date(2026, 11, 8)))
    four = expected_kpis(r, Filters(date(2026, 10, 12), date(2026, 11, 8)))
    assert [h.kpi_id for h in report.headlines] == list(WEEKLY_KPIS)
    assert report.target_scope is not None and report.target_scope.kind == "chain"
    for h in report.headlines:
        k = kpi(h.kpi_id)
        assert approx_equal(h.this_week, this[h.kpi_id]), h.kpi_id
        assert approx_equal(h.last_week, last[h.kpi_id]), h.kpi_id
        want_avg = four[h.kpi_id] / 4 if k.cumulative else four[h.kpi_id]
        assert approx_equal(h.average, want_avg), h.kpi_id
        goal = target(r, h.kpi_id, "week", *W46, "chain", 0)
        assert approx_equal(h.judgement.target, goal), h.kpi_id
        assert h.judgement.status == expected_status(this[h.kpi_id], goal, k.higher_is_better)
    with_targets = {h.kpi_id for h in report.headlines if h.judgement.target is not None}
    assert with_targets == {"arrivals", "revenue", "paid_deals", "inquiries"}


def test_filters_respected_and_targets_follow_their_scope(warehouse, r):
    f = Filters(GLOBAL.start, GLOBAL.end, cities=(10,), channels=(4,))
    report = weekly_load.load(f, Scope.all(), "2026-W45", None, DATA_END)
    want = expected_kpis(
        r, Filters(date(2026, 11, 2), date(2026, 11, 8), cities=(10,), channels=(4,))
    )
    arrivals = next(h for h in report.headlines if h.kpi_id == "arrivals")
    assert arrivals.this_week == want["arrivals"]
    assert report.target_scope is None and arrivals.judgement.target is None
    city_only = weekly_load.load(
        Filters(GLOBAL.start, GLOBAL.end, cities=(10,)), Scope.all(), "2026-W45"
    )
    assert (
        city_only.target_scope.code == "city-10"
    )  # no weekly city targets in the seed: none shown
    assert all(h.judgement.reason == "no_target" for h in city_only.headlines if h.this_week)


def test_movers_match_pandas(warehouse, r):
    report = weekly_load.load(GLOBAL, Scope.all(), "2026-W46", None, DATA_END)
    leads = r.leads
    this = leads[
        (leads.arrived_at >= pd.Timestamp(W46[0]))
        & (leads.arrived_at < pd.Timestamp(W46[1] + timedelta(days=1)))
    ]
    last = leads[
        (leads.arrived_at >= pd.Timestamp(date(2026, 11, 2)))
        & (leads.arrived_at < pd.Timestamp(W46[0]))
    ]
    change = (
        this.groupby(["city_id", "channel_id"])
        .size()
        .sub(last.groupby(["city_id", "channel_id"]).size(), fill_value=0)
    )
    up, down = report.movers["arrivals"]
    assert list(up["change"]) == sorted(change[change > 0], reverse=True)[: len(up)]
    assert list(down["change"]) == sorted(change[change < 0])[: len(down)]
    top = up.iloc[0]
    assert change[(top.city_id, top.channel_id)] == top.change
    o = r.orders
    rev_this = o[
        (o.ordered_at >= pd.Timestamp(W46[0]))
        & (o.ordered_at < pd.Timestamp(W46[1] + timedelta(days=1)))
    ]
    rev_last = o[
        (o.ordered_at >= pd.Timestamp(date(2026, 11, 2))) & (o.ordered_at < pd.Timestamp(W46[0]))
    ]
    rev = (
        rev_this.groupby(["city_id", "acquisition_channel_id"])
        .amount.sum()
        .sub(rev_last.groupby(["city_id", "acquisition_channel_id"]).amount.sum(), fill_value=0)
    )
    r_up, r_down = report.movers["revenue"]
    assert r_up["change"].iloc[0] == pytest.approx(rev.max())
    assert r_down["change"].iloc[0] == pytest.approx(rev.min())


def test_north_star_matches_pandas(warehouse, r):
    report = weekly_load.load(GLOBAL, Scope.all(), "2026-W46", None, DATA_END)
    camp = r.targets[r.targets.period_kind == "campaign"].iloc[0]
    star = report.north_star
    assert star is not None and report.campaign == weekly_load.default_campaign(
        report.campaigns, "2026-W46", DATA_END
    )
    assert (star.start, star.end, star.target) == (camp.period_start, camp.period_end, camp.target)
    city = int(camp.scope_id)
    want = expected_kpis(r, Filters(camp.period_start, DATA_END, cities=(city,)))["arrivals"]
    days = (camp.period_end - camp.period_start).days + 1
    elapsed = (DATA_END - camp.period_start).days + 1
    assert star.actual == want and star.elapsed == elapsed
    assert star.judgement.target_to_date == pytest.approx(camp.target * elapsed / days)
    assert star.judgement.projection == pytest.approx(want * days / elapsed)
    assert star.judgement.status == expected_status(want, camp.target * elapsed / days, True)
    assert star.daily["cumulative"].dropna().iloc[-1] == want
    # Reviewing an earlier week shows the campaign as it stood at that week's end.
    earlier = weekly_load.load(GLOBAL, Scope.all(), "2026-W42", None, DATA_END).north_star
    assert earlier.as_of == date(2026, 10, 18)
    assert (
        earlier.actual
        == expected_kpis(r, Filters(camp.period_start, date(2026, 10, 18), cities=(city,)))[
            "arrivals"
        ]
    )
    # A channel filter narrows the actual below the campaign's scope: shown, not judged.
    narrowed = weekly_load.load(
        Filters(GLOBAL.start, GLOBAL.end, channels=(4,)), Scope.all(), "2026-W46"
    )
    assert narrowed.north_star_narrowing == ("channel",)
    assert narrowed.north_star.judgement.status is None
    # A viewer who may not see the campaign's city gets no campaign.
    other = weekly_load.load(GLOBAL, Scope(frozenset({1})), "2026-W46", None, DATA_END)
    assert other.north_star is None and other.campaigns.empty


def _cells(frame: pd.DataFrame) -> str:
    return " | ".join(str(v) for v in frame.to_numpy().ravel())


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"[+−-]?¥?\d+(?:,\d{3})*(?:\.\d+)?%?", text))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_uses_only_numbers_on_the_page(warehouse, lang):
    report = weekly_load.load(GLOBAL, Scope.all(), "2026-W46", None, DATA_END)
    lines = weekly_tables.summary(report, lang)
    assert len(lines) >= 5
    page = [_cells(weekly_tables.headline_table(report, lang))]
    page += [
        _cells(weekly_tables.movers_table(report, m, d, lang))
        for m in ("arrivals", "revenue")
        for d in ("up", "down")
    ]
    page += list(weekly_tables.star_line(report, lang).values())
    page += [
        c.average + c.last_week + c.target + (c.delta or "")
        for c in weekly_tables.cards(report, lang)
    ]
    page.append(f"{report.week.code} {report.week.start} {report.week.end}")
    # Counts the summary states are counts of what the headline table shows.
    table = weekly_tables.headline_table(report, lang)
    words = {v: t(f"scorecard.verdict.{v}", lang) for v in ("better", "worse", "flat")}
    page += [str(table["change"].str.endswith(w).sum()) for w in words.values()]
    page += [str(len(table)), str((table["target"] != "—").sum())]
    page += [str(table["status"].str.startswith(icon).sum()) for icon in ("✔", "▲", "✖")]
    # The 10% in "within 10%" is the status rule's wording, not a figure.
    page.append(t("scorecard.status.amber", lang))
    shown = _numbers("\n".join(page)) | {n.lstrip("+−-") for n in _numbers("\n".join(page))}
    for line in lines:
        for number in _numbers(line):
            assert number in shown or number.lstrip("+−-▲▼ ") in shown, (number, line)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets(warehouse, lang):
    report = weekly_load.load(GLOBAL, Scope.all(), "2026-W46", None, DATA_END)
    sheets = weekly_tables.sheets(report, lang)
    assert len(sheets) == 3
    for sheet in sheets:
        assert all(c.unit in COLUMN_UNITS for c in sheet.columns)
        assert sheet.table().shape[1] == len(sheet.columns)
    assert len(sheets[0].frame) == len(WEEKLY_KPIS) and sheets[0].notes
    # The unit column shows the unit's name in the reader's language, not its code.
    shown = sheets[0].table()[t("weekly.col.unit", lang)].tolist()
    assert shown == [t(f"kpi_unit.{kpi(k).unit}", lang) for k in WEEKLY_KPIS]
    assert len(sheets[2].frame) == report.north_star.days
