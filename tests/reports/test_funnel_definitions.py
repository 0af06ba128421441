"""Funnel definitions that hold on real data, on both backends.

Real lead sets close deals months after the lead (implants, orthodontics, eye and aesthetic
surgery) and often lack stage times (walk-ins, phone bookings, CRMs that record only the deal).
Each test writes the generated sample with one such change into its own warehouse and checks
the funnel against an independent pandas computation over the same raw rows.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.formatting import fmt_value
from dashboard.i18n import t
from dashboard.metrics.arithmetic import is_missing
from dashboard.reports.channels import load as channels
from dashboard.reports.funnel import load as funnel
from dashboard.reports.funnel import tables as funnel_tables
from dashboard.settings import Settings, duckdb_url
from tests.conftest import activate
from tests.reports.test_funnel import FOUR_WEEKS, QUARTER, STAGE_COLS, cohort

HALF_YEAR = Filters(date(2026, 5, 1), date(2026, 10, 31), cities=(1, 2, 3, 4))


def _blank(column: str):
    def change(leads: pd.DataFrame) -> pd.DataFrame:
        return leads.assign(
            **{column: pd.Series(pd.NaT, index=leads.index, dtype=leads[column].dtype)}
        )

    return change


# How each warehouse differs from the sample: only the leads table changes.
VARIANTS = {
    # A CRM that does not flag returning customers: every lead is new, as the channel page's
    # conversion counts them.
    "new_leads": lambda leads: leads.assign(is_returning=False),
    # Inquiries never recorded (walk-ins, phone bookings, deals keyed in at the till).
    "no_inquiry": _blank("inquiry_at"),
    # Bookings never recorded.
    "no_booking": _blank("booked_at"),
}


@pytest.fixture(scope="module")
def variants(tmp_path_factory, raw):
    """Builds each variant's warehouse once per backend, on first use: (variant, backend[, pg])."""
    from dashboard.warehouse.writer import replace_tables

    built: dict[tuple[str, str], Settings] = {}

    def build(variant: str, backend: str, postgres=None) -> Settings:
        if (variant, backend) not in built:
            frames = {**raw, "leads": VARIANTS[variant](raw["leads"])}
            if backend == "duckdb":
                path = tmp_path_factory.mktemp(variant) / "warehouse.duckdb"
                settings = Settings(warehouse_url=duckdb_url(path))
            else:
                settings = Settings(warehouse_url=postgres.create_database(f"opsdash_{variant}"))
            replace_tables(settings, frames, source=variant)
            built[variant, backend] = settings
        return built[variant, backend]

    return build


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def use(request, monkeypatch, variants, raw):
    """Point the data layer at a variant on each backend; returns that variant's raw tables."""

    def switch(variant: str) -> dict[str, pd.DataFrame]:
        pg = request.getfixturevalue("postgres") if request.param == "postgres" else None
        activate(variants(variant, request.param, pg), monkeypatch)
        return {**raw, "leads": VARIANTS[variant](raw["leads"])}

    yield switch
    data.settings.cache_clear()
    data.clear_cache()


def new_lead_conversion(raw, f: Filters) -> float:
    """The channel page's lead → customer, independently: new (not returning) leads created in
    the period that have a deal by the data's end ÷ those new leads."""
    c = cohort(raw, f, None)
    new = c[~c.is_returning.astype(bool)]
    return new.paid_at.notna().sum() / len(new)


def _shown_rates(report) -> list[tuple[str, str, float]]:
    """Every rate the funnel's sheets (page tables and Excel) hold: (sheet, column, value)."""
    out = []
    for sheet in funnel_tables.sheets(report, "en"):
        for col in sheet.columns:
            if col.unit != "rate":
                continue
            for value in sheet.frame[col.key].tolist():
                if not is_missing(value) and not pd.isna(value):
                    out.append((sheet.name, col.label, float(value)))
    return out


@pytest.mark.parametrize("f", [FOUR_WEEKS, HALF_YEAR], ids=["4-weeks", "half-year-4-cities"])
def test_no_limit_funnel_equals_the_channel_page_on_the_same_leads(use, f):
    """The channel page's lead → customer is new_leads_paid ÷ new_leads (queries/
    channels_weekly.sql): leads created in the period that are not returning customers, with a
    deal at any time by the data's end. The funnel counts every lead created in the period, new
    or returning, so like is compared with like on a lead set where every lead is new: there
    the funnel with no limit must equal the channel page, in total and channel by channel; a
    30-day window misses the deals that close later."""
    raw = use("new_leads")
    fun = funnel.load(f, Scope.all(), window="none", dimension="channel", top_n=20)
    chan = channels.load(f, Scope.all())
    want = new_lead_conversion(raw, f)
    assert fun.lead_to_deal == pytest.approx(want)
    assert chan.totals["lead_customer_rate"] == pytest.approx(want)
    by_channel = chan.rows.set_index("channel_id")
    c = cohort(raw, f, None)
    for row in fun.breakdown.itertuples():
        leads = c[c.channel_id == row.key]
        expected = leads.paid_at.notna().sum() / len(leads)
        assert row.overall_rate == pytest.approx(expected), row.key
        assert by_channel.loc[row.key, "lead_customer_rate"] == pytest.approx(expected), row.key
    # A 30-day window misses the deals that close later: the half year's leads have had time
    # for those (the last four weeks' leads have not, so there the two agree).
    within_30 = cohort(raw, f, 30)["paid_deals"].mean()
    assert funnel.load(f, Scope.all(), window=30).lead_to_deal == pytest.approx(within_30)
    assert within_30 < want if f is HALF_YEAR else within_30 == pytest.approx(want)


def test_no_limit_funnel_and_channel_page_on_the_sample(warehouse, raw):
    """On the sample, with returning leads: the funnel with no limit is every created lead's
    deal share, the channel page the new leads' — each equal to its own pandas computation;
    restricted to the new leads, the funnel's count equals the channel page's."""
    f = FOUR_WEEKS
    c = cohort(raw, f, None)
    report = funnel.load(f, Scope.all(), window="none")
    assert report.lead_to_deal == pytest.approx(c.paid_at.notna().sum() / len(c))
    chan = channels.load(f, Scope.all())
    assert chan.totals["lead_customer_rate"] == pytest.approx(new_lead_conversion(raw, f))
    new = c[~c.is_returning.astype(bool)]
    assert chan.totals["new_leads"] == len(new)
    assert chan.totals["new_leads_paid"] == int(new["paid_deals"].sum())
    assert c.is_returning.any()  # else this test would not tell the two lead sets apart


def _check_rates_over_created_leads(report, c: pd.DataFrame) -> None:
    """The funnel's rates against the pandas cohort ``c``: base = created leads, none > 100%."""
    rows = report.stages.set_index("stage")
    created = len(c)
    assert report.cohort_leads == created
    assert report.lead_to_deal == pytest.approx(c["paid_deals"].sum() / created)
    for stage in STAGE_COLS:
        assert rows.loc[stage, "count"] == int(c[stage].sum()), stage
        assert rows.loc[stage, "from_leads"] == pytest.approx(c[stage].sum() / created), stage
    for sheet, column, value in _shown_rates(report):
        assert 0.0 <= value <= 1.0, (sheet, column, value)
    # The breakdown's and the weeks' headline is paid over created leads too.
    by_week = report.weekly
    assert sum(by_week["leads"]) == created
    for row in by_week.itertuples():
        assert row.overall_rate == pytest.approx(row.paid_deals / row.leads)


@pytest.mark.parametrize(
    ("variant", "stage", "noun"),
    [("no_inquiry", "inquiries", "inquiry"), ("no_booking", "bookings", "booking")],
)
@pytest.mark.parametrize("window", [30, "none"])
@pytest.mark.parametrize("f", [FOUR_WEEKS, QUARTER], ids=["4-weeks", "quarter-dental-eye"])
def test_missing_stage_times_keep_created_leads_as_the_base(use, variant, stage, noun, window, f):
    """Without a stage's times, the leads that reached a later stage still count at it, every
    rate stays over the created leads (no 100% from a base of only timed leads), and the page
    says in one line how many leads lack the time."""
    raw = use(variant)
    report = funnel.load(f, Scope.all(), window=window)
    c = cohort(raw, f, None if window == "none" else window)
    _check_rates_over_created_leads(report, c)
    # Every lead counted at the stage lacks its time.
    counted = int(c[stage].sum())
    assert report.stages.set_index("stage").loc[stage, "untimed"] == counted
    line = funnel_tables.texts(report, "en").untimed
    name = t(f"funnel.stage.{stage}", "en")  # the cohort's stage names ("Cohort inquiries")
    assert f"100.0% of the leads counted as {name} ({counted:,})" in line
    assert f"have no {noun} time" in line
    zh = funnel_tables.texts(report, "zh").untimed
    assert zh.endswith("漏斗从新建线索算起，各比率以新建线索为基数。")
    assert fmt_value(counted, "count", "zh") in zh


@pytest.mark.parametrize("window", [30, "none"])
@pytest.mark.parametrize("f", [FOUR_WEEKS, QUARTER], ids=["4-weeks", "quarter-dental-eye"])
def test_sample_rates_are_over_created_leads(warehouse, raw, window, f):
    """The same checks on the unchanged sample."""
    report = funnel.load(f, Scope.all(), window=window)
    _check_rates_over_created_leads(report, cohort(raw, f, None if window == "none" else window))
