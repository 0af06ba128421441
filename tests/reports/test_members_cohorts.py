"""Cohort retention over any period, against pandas over the raw orders, on DuckDB and PostgreSQL.

The definition the page states: a cohort is the customers (home city / clinic / specialty,
acquisition channel passing the filters and scope) whose first paid order falls in a calendar
month the period touches (the latest 24 at most); month k is the share of them with another
paid order in the k-th calendar month after it, followed to the data's end. Everything below
is recomputed here from the raw rows: the data's end from every fact's timestamp, the cohorts
from each customer's orders, month numbers from the calendar.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.filters import Filters, Scope
from dashboard.i18n import t
from dashboard.reports.members import load as members
from dashboard.reports.members import tables as members_tables
from dashboard.reports.sheet_display import display

# Every fact timestamp "data as of" reads (queries/data_as_of.sql), from the raw tables.
FACT_TIMES = {
    "leads": ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at"),
    "orders": ("ordered_at",),
    "experiment_exposures": ("exposed_at",),
    "feedback": ("submitted_at",),
    "channel_daily": ("date",),
    "staff_training": ("date",),
}


def _month(day) -> int:
    return day.year * 12 + day.month - 1


def _first_day(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def data_end(raw: dict) -> pd.Timestamp:
    """The latest timestamp of any fact in the raw tables."""
    latest = [
        pd.to_datetime(raw[table][column]).max()
        for table, columns in FACT_TIMES.items()
        for column in columns
        if column in raw[table].columns
    ]
    return max(x for x in latest if pd.notna(x))


def home_customers(raw: dict, f: Filters, scope: Scope) -> pd.Series:
    """The ids of customers whose home city / clinic / specialty and channel pass."""
    cust = raw["customers"]
    specialty = cust["home_clinic_id"].map(raw["clinics"].set_index("clinic_id")["specialty"])
    ok = pd.Series(True, index=cust.index)
    cities = [c for c in f.cities if scope.allows(c)]
    if cities:
        ok &= cust["home_city_id"].isin(cities)
    if scope.is_restricted:
        ok &= cust["home_city_id"].isin(scope.cities)
    if f.specialties:
        ok &= specialty.isin(f.specialties)
    if f.clinics:
        ok &= cust["home_clinic_id"].isin(f.clinics)
    if f.channels:
        ok &= cust["acquisition_channel_id"].isin(f.channels)
    return cust.loc[ok, "customer_id"]


def expected(raw: dict, f: Filters, scope: Scope, months: list[int]) -> dict:
    """(cohort month, k) → (cohort size, customers with an order in month cohort + k)."""
    orders = raw["orders"]
    orders = orders[orders["customer_id"].isin(home_customers(raw, f, scope))]
    when = pd.to_datetime(orders["ordered_at"])
    bought = pd.DataFrame(
        {"customer_id": orders["customer_id"], "month": when.dt.year * 12 + when.dt.month - 1}
    ).drop_duplicates()
    first = bought.groupby("customer_id")["month"].min().rename("first")
    bought = bought.join(first, on="customer_id")
    out = {}
    for c in months:
        cohort = set(first.index[first == c])
        later = bought[bought["first"] == c]
        per_k = later.groupby(later["month"] - c)["customer_id"].nunique()
        for k in range(0, 40):
            out[(c, k)] = (len(cohort), int(per_k.get(k, 0)))
    return out


def check_cells(report, raw, f: Filters, scope: Scope, cohort_months: list[int]) -> int:
    """Every cell of the retention table against pandas; returns how many shares were compared."""
    end = data_end(raw)
    end_month = _month(end)
    end_month_over = (end.normalize() + pd.Timedelta(days=1)).day == 1
    want = expected(raw, f, scope, cohort_months)
    table = report.cohorts
    assert [d for d in table["cohort"]] == [_first_day(c) for c in cohort_months]
    width = max(1, end_month - cohort_months[0])
    assert [c for c in table.columns if c.startswith("m") and c[1:].isdigit()] == [
        f"m{k}" for k in range(1, width + 1)
    ]
    compared = 0
    for row in table.itertuples(index=False):
        c = _month(row.cohort)
        size = want[(c, 0)][0]
        assert row.customers == size, row.cohort
        for k in range(1, width + 1):
            value = getattr(row, f"m{k}")
            if c + k > end_month or size == 0:
                assert value is None, (row.cohort, k)  # empty, not 0%
            else:
                share = want[(c, k)][1] / size
                assert value == pytest.approx(share, abs=1e-12), (row.cohort, k)
                assert 0 <= value <= 1
                compared += 1
        # The month in progress at the data's end, if the data's end is inside a month.
        k_now = end_month - c
        if end_month_over or not 0 <= k_now <= width:
            assert row.maturing is None, row.cohort
        else:
            assert row.maturing == k_now, row.cohort
    return compared


CASES = {
    # (a) three whole months: June, July and August 2026.
    "three-months": (
        Filters(date(2026, 6, 1), date(2026, 8, 31)),
        [2026 * 12 + m for m in (5, 6, 7)],
    ),
    # (b) two years: 24 cohorts, November 2024 … October 2026, none left out.
    "two-years": (
        Filters(date(2024, 11, 1), date(2026, 10, 31)),
        list(range(2024 * 12 + 10, 2026 * 12 + 10)),
    ),
    # (c) 28 months touched (August 2024 … November 2026): the latest 24 from December 2024.
    "longer": (
        Filters(date(2024, 8, 15), date(2026, 11, 15)),
        list(range(2024 * 12 + 11, 2026 * 12 + 11)),
    ),
    # (d) two weeks inside September 2026: that month only.
    "inside-a-month": (Filters(date(2026, 9, 8), date(2026, 9, 21)), [2026 * 12 + 8]),
    # Four weeks across a month boundary: the two months they touch (November is in progress).
    "four-weeks": (
        Filters(date(2026, 10, 19), date(2026, 11, 15)),
        [2026 * 12 + 9, 2026 * 12 + 10],
    ),
    # Filters apply to the customer's home: dental clinics, one quarter.
    "dental-quarter": (
        Filters(date(2026, 3, 1), date(2026, 5, 31), specialties=("dental",)),
        [2026 * 12 + m for m in (2, 3, 4)],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_cell_matches_pandas(warehouse, raw, case):
    f, months = CASES[case]
    report = members.load(f, Scope.all())
    compared = check_cells(report, raw, f, Scope.all(), months)
    assert report.cohort_window.touched == (_month(f.end) - _month(f.start) + 1)
    assert report.cohort_window.truncated == (case == "longer")
    minimum = {"three-months": 12, "two-years": 250, "longer": 250, "inside-a-month": 2}
    assert compared >= minimum.get(case, 1)
    # Followed to the data's end, not the period's: the oldest cohort reaches the data's month.
    assert pd.Timestamp(report.data_end) == data_end(raw)


def test_city_scope_applies_to_the_home_city(warehouse, raw):
    f, months = CASES["three-months"]
    city = int(raw["cities"]["city_id"].iloc[0])
    scope = Scope(frozenset({city}))
    report = members.load(f, scope)
    check_cells(report, raw, f, scope, months)
    everyone = members.load(f, Scope.all())
    assert report.cohorts["customers"].sum() < everyone.cohorts["customers"].sum()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_truncation_is_said_in_one_line(duckdb_warehouse, lang):
    f, _ = CASES["longer"]
    rules = members_tables.rules(members.load(f, Scope.all()), lang)
    note = t(
        "members.cohorts_truncated", lang, touched=28, shown=24, first="2024-12", last="2026-11"
    )
    assert rules["cohorts_truncated"] == note and "\n" not in note
    short = members_tables.rules(members.load(*CASES["two-years"][:1], Scope.all()), lang)
    assert "cohorts_truncated" not in short


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheet_follows_the_table(duckdb_warehouse, raw, lang):
    f, months = CASES["longer"]
    report = members.load(f, Scope.all())
    sheet = members_tables.cohort_sheet(report, lang)
    table = sheet.table()
    shown = display(sheet, lang)
    width = _month(data_end(raw)) - months[0]
    # Cohort, its size, months 1 … K, the month in progress.
    assert len(table.columns) == 2 + width + 1
    assert list(table.columns[2:-1]) == [
        t("members.col.month_k", lang, k=k) for k in range(1, width + 1)
    ]
    assert len(table) == 24
    end = data_end(raw)
    in_progress = (end.normalize() + pd.Timedelta(days=1)).day != 1
    labels = table.iloc[:, 0].tolist()
    if in_progress:
        # The data's own month is the last cohort: still gaining customers, marked *.
        assert labels[-1] == f"{end:%Y-%m}*"
        assert t("members.cohorts_maturing", lang, month=f"{end:%Y-%m}") in sheet.notes
        assert shown.iloc[0, -1] == t("members.col.month_k", lang, k=width)
    assert all(not x.endswith("*") for x in labels[:-1])
    # A month the data has not reached reads "—" on screen, never 0%.
    assert shown.iloc[-2, -2] == "—"
    assert (
        t("members.cohorts_truncated", lang, touched=28, shown=24, first="2024-12", last="2026-11")
        in sheet.notes
    )
