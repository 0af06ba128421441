"""No rate shown anywhere exceeds 100% (or is negative), on random chains (issue #22).

Hypothesis draws small chains — with and without appointment times (or on some bookings
only), with missing stage times (walk-ins, phone bookings, deals keyed at the till), long sales
cycles (arrivals and deals up to 400 days after the lead), text or numeric lead ids, repeat
purchases, feedback with complaints — writes them as CSV files, loads them through the loader
into a new warehouse, and reads every page's export sheets the way the export pack does
(``dashboard.export.pack``: each page's report with its default options). Every value in a
column of unit "rate" must lie in [0, 1].

Columns of unit "rate" that are not a share of one set of cases are named below and skipped:
changes (this period vs the previous one), attainment of a target, and the experiment board's
lifts and differences with their intervals. They may exceed 100% or be negative by design.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dashboard import data
from dashboard.export.cover import ExportInfo
from dashboard.export.pack import page_sheets
from dashboard.filters import Filters, Scope
from dashboard.loading import load_directory
from dashboard.metrics.periods import last_complete_week
from dashboard.metrics.registry import KPIS, kpi
from dashboard.navigation import exported
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from tests.conftest import activate
from tests.reports import health_chain

# Rate-unit columns that are not shares, by column key (see the module docstring).
NOT_SHARES = {
    "change_pct",  # relative change against the previous period / week
    "change",  # a rate's change in points (regions ranking of a rate)
    "attainment",  # actual ÷ target: 120% means 20% above target
    # variance_pct (budget page): (actual − budget) ÷ budget, over or under the plan
}
NOT_SHARE_PARTS = (
    "lift",  # experiments: absolute and relative lift and their interval bounds (rel_*, abs_*)
    "rel_",
    "abs_",
    "mde",  # the smallest relative lift a test can detect
    "diff",  # guardrail difference between variants
    "change",
    "attainment",
    "variance",
)
# Where a sheet has one KPI per row, the columns holding the KPI's own value (targets are plans
# typed by the chain and are not checked).
ROW_VALUES = ("current", "previous", "actual", "projection", "this_week", "last_week", "average")
FIRST = date(2023, 1, 2)  # a Monday
DAYS = 180
END = FIRST + timedelta(days=DAYS - 1)
TODAY = "2023-07-03"
CLINICS = (10, 11, 20)
CHANNELS = (1, 2, 3)
CUSTOMERS = ("000101", "000102", "000103", "000104", "000105", "000106", "000107", "000108")


def _ts(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _chain(
    seed: int, leads: int, appointments: str, missing: float, long_cycles: bool, text_ids: bool
) -> dict[str, list[dict[str, str]]]:
    """A chain over the base chain's cities, clinics, channels and customers (health_chain),
    with random leads, orders, spend and feedback inside [FIRST, END]."""
    rng = np.random.default_rng(seed)
    rows = health_chain.chain(gaps=False)
    horizon = datetime.combine(END, datetime.max.time()).replace(microsecond=0)
    lead_rows, order_rows = [], []
    cycle = 400 if long_cycles else 20
    for i in range(leads):
        created = datetime.combine(FIRST, datetime.min.time()) + timedelta(
            minutes=int(rng.integers(0, DAYS * 24 * 60))
        )
        customer = str(rng.choice(CUSTOMERS)) if rng.random() < 0.8 else ""
        stages: dict[str, datetime | None] = dict.fromkeys(
            ("inquiry_at", "booked_at", "arrived_at", "paid_at")
        )
        at = created
        for stage, p, most in (
            ("inquiry_at", 0.8, 2),
            ("booked_at", 0.7, 72),
            ("arrived_at", 0.6, cycle * 24),
            ("paid_at", 0.6, cycle * 24),
        ):
            if rng.random() >= p:
                break
            at = at + timedelta(hours=float(rng.uniform(0, most)))
            if at > horizon:
                break
            stages[stage] = at
        appointment = None
        booked = stages["booked_at"]
        if booked is not None and (
            appointments == "all" or (appointments == "some" and rng.random() < 0.5)
        ):
            # Due on the booking's day or up to ten days later; may lie after the data's end.
            day = booked.date() + timedelta(days=int(rng.integers(0, 11)))
            appointment = datetime.combine(day, datetime.min.time()) + timedelta(
                hours=int(rng.integers(9, 20))
            )
        # Missing stage times: a later stage kept without the earlier one's time.
        for stage in ("inquiry_at", "booked_at"):
            later = [s for s in ("booked_at", "arrived_at", "paid_at") if s > stage]
            if (
                stages[stage] is not None
                and rng.random() < missing
                and any(stages[s] is not None for s in later if s != stage)
            ):
                stages[stage] = None
        lead_id = f"L-{i:05d}" if text_ids else str(1000 + i)
        paid = stages["paid_at"]
        amount = f"{rng.uniform(100, 20000):.2f}" if paid is not None else ""
        lead_rows.append(
            {
                "lead_id": lead_id,
                "created_at": _ts(created),
                "channel_id": str(rng.choice(CHANNELS)),
                "clinic_id": str(rng.choice(CLINICS)),
                "customer_id": customer,
                "is_returning": "true" if rng.random() < 0.2 else "false",
                **{k: _ts(v) for k, v in stages.items()},
                "deal_amount": amount,
                **({"appointment_at": _ts(appointment)} if appointments != "none" else {}),
            }
        )
        if paid is not None and customer:
            order_rows.append((customer, lead_rows[-1]["clinic_id"], lead_id, paid, amount))
    # Repeat purchases and purchases without a lead.
    for _ in range(int(rng.integers(0, 3 * len(CUSTOMERS)))):
        when = datetime.combine(FIRST, datetime.min.time()) + timedelta(
            minutes=int(rng.integers(0, DAYS * 24 * 60))
        )
        order_rows.append(
            (
                str(rng.choice(CUSTOMERS)),
                str(rng.choice(CLINICS)),
                "",
                when,
                f"{rng.uniform(50, 5000):.2f}",
            )
        )
    rows["leads"] = lead_rows
    rows["orders"] = [
        {
            "order_id": f"DD-{n:05d}",
            "customer_id": c,
            "clinic_id": k,
            "lead_id": lid,
            "ordered_at": _ts(when),
            "service": "洗牙",
            "category": "cleaning",
            "amount": amount,
        }
        for n, (c, k, lid, when, amount) in enumerate(order_rows)
    ]
    rows["channel_daily"] = []
    for day in range(0, DAYS, 3):
        impressions = int(rng.integers(0, 5000))
        rows["channel_daily"].append(
            {
                "date": (FIRST + timedelta(days=day)).isoformat(),
                "channel_id": str(rng.choice(CHANNELS)),
                "clinic_id": str(CLINICS[day % len(CLINICS)]),
                "impressions": str(impressions),
                "clicks": str(int(rng.integers(0, impressions + 1))),
                "spend": f"{rng.uniform(0, 3000):.2f}",
            }
        )
    rows["feedback"] = [
        {
            "feedback_id": str(n + 1),
            "customer_id": str(rng.choice(CUSTOMERS)),
            "clinic_id": str(rng.choice(CLINICS)),
            "submitted_at": _ts(
                datetime.combine(
                    FIRST + timedelta(days=int(rng.integers(0, DAYS))), datetime.min.time()
                )
                + timedelta(hours=12)
            ),
            "score": str(int(rng.integers(1, 6))),
            "problem_category": "",
            "is_complaint": "true" if rng.random() < 0.2 else "false",
        }
        for n in range(int(rng.integers(0, 30)))
    ]
    return rows


def _is_share(key: str) -> bool:
    return key not in NOT_SHARES and not any(part in key for part in NOT_SHARE_PARTS)


def _row_units(frame: pd.DataFrame) -> pd.Series | None:
    """Each row's unit where a sheet lists one KPI per row (overview, weekly, scorecard)."""
    if "kpi_id" in frame:
        return frame["kpi_id"].map(lambda k: kpi(k).unit if k in KPIS else "")
    if "unit" in frame:
        return frame["unit"]
    return None


def _bad(values: pd.Series, where: str) -> list[str]:
    values = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    return [f"{where}: {v}" for v in values if not -1e-9 <= v <= 1 + 1e-9]


def _out_of_bounds(sheets, checked: set[str]) -> list[str]:
    """Every rate cell outside [0, 1], as 'sheet / column: value'; ``checked`` gets the keys
    of the rate columns (and the KPI ids of rate rows) looked at."""
    bad = []
    for sheet in sheets:
        frame = sheet.frame
        for col in sheet.columns:
            if col.unit != "rate" or not _is_share(col.key) or col.key not in frame:
                continue
            checked.add(col.key)
            bad += _bad(frame[col.key], f"{sheet.name} / {col.key}")
        units = _row_units(frame)
        if units is None:
            continue
        rates = frame[units.eq("rate").to_numpy()]
        if "kpi_id" in rates:
            checked.update(rates["kpi_id"])
        for key in ROW_VALUES:
            if key in rates:
                bad += _bad(rates[key], f"{sheet.name} / {key} of a rate row")
    return bad


_databases = itertools.count()


def _check(settings_: Settings, folder, monkeypatch) -> set[str]:
    result = load_directory(settings_, folder, lang="en")
    assert result.ok, [p.reason for p in result.problems][:5]
    activate(settings_, monkeypatch)
    try:
        week = last_complete_week(END)
        periods = [
            Filters(FIRST, END),  # the whole chain
            Filters(week.start, week.end),  # one week: where bookings and arrivals part ways
        ]
        bad: list[str] = []
        checked: set[str] = set()
        for filters, lang in zip(periods, ("zh", "en"), strict=True):
            info = ExportInfo(
                filters=filters,
                scope=Scope.all(),
                user="test",
                role="admin",
                lang=lang,
                data_as_of=None,
                generated_at=datetime(2023, 7, 3, 9, 0),
            )
            for page in exported():
                sheets, _empty = page_sheets(page, info, END)
                bad += [f"{page.id}: {b}" for b in _out_of_bounds(sheets, checked)]
        assert not bad, bad
        return checked
    finally:
        data.settings.cache_clear()
        data.clear_cache()
        wh.dispose_all()


CHAINS = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**31 - 1),
        "leads": st.integers(5, 60),
        "appointments": st.sampled_from(["all", "some", "none"]),
        "missing": st.sampled_from([0.0, 0.3, 1.0]),
        "long_cycles": st.booleans(),
        "text_ids": st.booleans(),
    }
)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each example loads a warehouse
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chain=CHAINS)
def test_no_rate_above_one_on_duckdb(chain, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", TODAY)
    folder = health_chain.write(tmp_path_factory.mktemp("chain") / "in", _chain(**chain))
    _check(Settings(warehouse_url=duckdb_url(folder.parent / "w.duckdb")), folder, monkeypatch)


@pytest.mark.postgres
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: each example loads a warehouse
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chain=CHAINS)
def test_no_rate_above_one_on_postgres(chain, postgres, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", TODAY)
    folder = health_chain.write(tmp_path_factory.mktemp("chain") / "in", _chain(**chain))
    url = postgres.create_database(f"rates_{next(_databases)}")
    _check(Settings(warehouse_url=url), folder, monkeypatch)


def test_the_rates_the_issue_names_are_checked(tmp_path, monkeypatch):
    """Not a vacuous pass: on a full chain the check reads the rates issue #22 lists."""
    monkeypatch.setenv("OPSDASH_TODAY", TODAY)
    rows = _chain(7, 80, "all", 0.0, long_cycles=True, text_ids=True)
    folder = health_chain.write(tmp_path / "in", rows)
    checked = _check(Settings(warehouse_url=duckdb_url(tmp_path / "w.duckdb")), folder, monkeypatch)
    named = {
        "arrival_rate",  # scorecard, weekly review, regions (its default metric)
        "booking_completion",
        "complaint_rate",
        "repeat_rate",
        "satisfaction_top_share",
        "from_leads",  # funnel stage rates
        "overall_rate",  # funnel conversion
        "lead_customer_rate",  # channel conversion
        "conversion",  # referrers
        "share",  # members, referral share
        "rate",  # experiment variants
        "value",  # regions table of its rate
    }
    assert named <= checked, sorted(named - checked)
