"""到诊率 per city for a week and a month against pandas over the raw leads (issue #22, item 1).

With appointment times (the sample): of the visits due in the period (and by "data as of"), the
share whose lead arrived. Without them (the same chain loaded with no appointment_at): of the
bookings made in the period, the share that arrived, labelled as the booking cohort. Both
backends; the label says which definition is shown, in both languages.
"""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.reports import kpis
from dashboard.reports.regions import load as regions_load
from dashboard.reports.regions.tables import metric_name
from dashboard.warehouse import engine as wh
from dashboard.warehouse.writer import replace_tables
from tests.conftest import activate
from tests.reports.kpi_expected import latest_fact

WEEK = Filters(date(2026, 11, 9), date(2026, 11, 15))
MONTH = Filters(date(2026, 10, 1), date(2026, 10, 31))
LABELS = {
    "appointments": {"zh": "到诊率", "en": "Arrival rate"},
    "cohort": {"zh": "到诊率（预约队列）", "en": "Arrival rate (booking cohort)"},
}
_databases = itertools.count()


def _expected(raw: dict[str, pd.DataFrame], f: Filters, basis: str) -> dict[int, float | None]:
    """Per city, from the raw rows by the README's definition."""
    leads = raw["leads"].merge(raw["clinics"][["clinic_id", "city_id"]], on="clinic_id")
    lo, hi = pd.Timestamp(f.start), pd.Timestamp(f.end) + pd.Timedelta(days=1)
    if basis == "appointments":
        due = pd.to_datetime(leads["appointment_at"])
        cases = leads[(due >= lo) & (due < hi) & (due <= pd.Timestamp(latest_fact(raw)))]
    else:
        booked = pd.to_datetime(leads["booked_at"])
        cases = leads[(booked >= lo) & (booked < hi)]
    out = {}
    for city in raw["cities"]["city_id"]:
        mine = cases[cases["city_id"] == city]
        out[int(city)] = mine["arrived_at"].notna().sum() / len(mine) if len(mine) else None
    return out


def _check(raw, basis: str) -> None:
    for f in (WEEK, MONTH):
        want = _expected(raw, f, basis)
        assert any(v is not None for v in want.values())
        # The registry KPI at city grain (scorecard league, KPI tables).
        got = kpis.by_grain(["arrival_rate"], f, Scope.all(), "city")
        by_city = dict(zip(got["city_id"], got["arrival_rate"], strict=True))
        for city, value in want.items():
            shown = by_city.get(city)
            shown = None if shown is None or pd.isna(shown) else shown
            assert shown == (None if value is None else pytest.approx(value)), (f, city)
        # The regions page: its ranking holds each city's period value, and its label.
        report = regions_load.load(f, Scope.all(), table_metric="arrival_rate")
        assert report.arrival_basis == basis
        for _, row in report.ranking.iterrows():
            value = want[int(row.city_id)]
            shown = None if pd.isna(row.value) else row.value
            assert shown == (None if value is None else pytest.approx(value))
            assert shown is None or 0 <= shown <= 1
        for lang in ("zh", "en"):
            assert metric_name("arrival_rate", lang, report.arrival_basis) == LABELS[basis][lang]


def test_arrival_rate_over_appointments_due(warehouse, raw):
    """The sample's bookings all carry an appointment time: visits due in the period."""
    assert raw["leads"]["appointment_at"].notna().sum() == raw["leads"]["booked_at"].notna().sum()
    _check(raw, "appointments")


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def no_appointments(request, raw, tmp_path_factory, monkeypatch):
    """The sample chain loaded without appointment times, on each backend."""
    from dashboard.settings import Settings, duckdb_url

    tables = dict(raw)
    tables["leads"] = raw["leads"].drop(columns=["appointment_at"])
    if request.param == "duckdb":
        url = duckdb_url(tmp_path_factory.mktemp("no_appointments") / "w.duckdb")
    else:
        url = request.getfixturevalue("postgres").create_database(
            f"no_appointments_{next(_databases)}"
        )
    settings = Settings(warehouse_url=url)
    replace_tables(settings, tables, source="tests")
    yield activate(settings, monkeypatch)
    data.settings.cache_clear()
    data.clear_cache()
    wh.dispose_all()


def test_arrival_rate_falls_back_to_the_booking_cohort(no_appointments, raw):
    """No appointment times: of the bookings made in the period, the share that arrived."""
    expected_raw = dict(raw)
    _check(expected_raw, "cohort")


def test_weekly_review_names_and_explains_the_cohort_definition(no_appointments):
    """Without appointment times the weekly review's card, table and help all say which
    到诊率 they show (the summary's sentences: tests/metrics/test_weekly.py)."""
    from dashboard.i18n import t
    from dashboard.reports.weekly import load as weekly_load
    from dashboard.reports.weekly import tables as weekly_tables

    report = weekly_load.load(WEEK, Scope.all(), data_end=WEEK.end)
    assert report.arrival_basis == "cohort"
    for lang in ("zh", "en"):
        card = next(c for c in weekly_tables.cards(report, lang) if c.kpi_id == "arrival_rate")
        assert card.label == LABELS["cohort"][lang]
        assert (
            card.help == t("kpi_cohort_help.arrival_rate", lang) != t("kpi_help.arrival_rate", lang)
        )
        table = weekly_tables.headline_table(report, lang)
        assert LABELS["cohort"][lang] in set(table["kpi"])
