"""Data health: coverage, filled shares and warnings, each checked against pandas over the raw CSVs.

Three small real-shaped chains (tests/reports/health_chain.py) are loaded through the loader
into a fresh warehouse on DuckDB and on PostgreSQL: one with every warned condition, a clean
one with none, and a bare one with every optional table empty. Every figure of the report is
computed again from the CSV rows with pandas; every warning must appear exactly when its
condition holds, with its figures, in both languages. Then the thresholds at their edges, and
``opsdash load`` printing the report.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, schema
from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.navigation import PAGES
from dashboard.reports.health import load as health_load
from dashboard.reports.health import model as health_model
from dashboard.reports.health import tables as health_tables
from dashboard.reports.health.checks import CHECKS, SHARE_THRESHOLD, evaluate
from dashboard.reports.health.model import Facts, FieldShare, TableCoverage
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from tests.conftest import activate
from tests.reports import health_chain

LANGS = ("zh", "en")
CHAINS = {
    "gaps": lambda: health_chain.chain(gaps=True),
    "clean": lambda: health_chain.chain(gaps=False),
    "bare": health_chain.bare,
}
# The warnings each chain must give, and no others.
EXPECTED = {
    "gaps": {
        "untimed_inquiry",
        "untimed_booking",
        "untimed_arrival",
        "bookings_no_appointment",
        "spend_starts_late",
        "spend_ends_early",
        "referral_without_rewards",
        "customers_no_home",
        "customers_no_gender",
        "customers_no_birth_year",
        "clinics_no_doctors",
        "clinics_no_point",
        "exposures_no_value",
        "exposures_no_clinic",
    },
    "clean": set(),
    "bare": {
        "empty_experiments",
        "empty_feedback",
        "empty_staff_training",
        "empty_budgets",
        "empty_expenses",
        "empty_scorecard_targets",
        "referral_without_rewards",
    },
}
# The test's own reading of each table's main date column(s): (first from, last from).
DATES = {
    "customers": ("created_at", "created_at"),
    "leads": ("created_at", "created_at"),
    "channel_daily": ("date", "date"),
    "orders": ("ordered_at", "ordered_at"),
    "experiments": ("started_on", "started_on"),
    "experiment_exposures": ("exposed_at", "exposed_at"),
    "feedback": ("submitted_at", "submitted_at"),
    "staff_training": ("date", "date"),
    "budgets": ("month_start", "month_start"),
    "expenses": ("date", "date"),
    "referral_rewards": ("paid_on", "paid_on"),
    "scorecard_targets": ("period_start", "period_end"),
}
UNDATED = (
    "cities",
    "clinics",
    "channels",
    "experiment_variants",
    "experiment_metrics",
    "experiment_outcomes",
)
STAGES = ("inquiry_at", "booked_at", "arrived_at", "paid_at")

_databases = itertools.count()


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def loaded(backend, tmp_path_factory, request) -> dict[str, tuple[Settings, Path]]:
    """Each chain written as CSV files and loaded into its own new warehouse."""
    out = {}
    for name, rows in CHAINS.items():
        folder = health_chain.write(tmp_path_factory.mktemp(name) / "in", rows())
        if backend == "duckdb":
            settings = Settings(warehouse_url=duckdb_url(folder.parent / "w.duckdb"))
        else:
            server = request.getfixturevalue("postgres")
            settings = Settings(
                warehouse_url=server.create_database(f"health_{name}_{next(_databases)}")
            )
        result = load_directory(settings, folder, lang="en")
        assert result.ok, [p.reason for p in result.problems]
        out[name] = (settings, folder)
    yield out
    wh.dispose_all()


def _opened(loaded, name: str, monkeypatch):
    settings, folder = loaded[name]
    activate(settings, monkeypatch)
    yield name, health_load.load(), raw_rows(folder)
    data.settings.cache_clear()
    data.clear_cache()


@pytest.fixture(params=list(CHAINS))
def chain(request, loaded, monkeypatch):
    """(chain name, the health report of its warehouse, its raw CSV rows)."""
    yield from _opened(loaded, request.param, monkeypatch)


@pytest.fixture
def gappy(loaded, monkeypatch):
    """``chain`` for the chain with every warned condition."""
    yield from _opened(loaded, "gaps", monkeypatch)


def raw_rows(folder: Path) -> dict[str, pd.DataFrame]:
    """Every CSV of the folder as text cells (empty cells as "")."""
    return {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8")
        for p in folder.glob("*.csv")
    }


def _filled(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].str.strip() != ""


def _day(values: pd.Series, how: str) -> date | None:
    days = pd.to_datetime(values[values.str.strip() != ""])
    if days.empty:
        return None
    return (days.min() if how == "min" else days.max()).date()


# --- coverage and shares ---------------------------------------------------------------------


def test_every_table_has_its_rows_and_date_coverage(chain):
    _name, report, raw = chain
    by_table = {c.table: c for c in report.tables}
    assert set(by_table) == {"calendar", *schema.TABLE_ORDER}
    for table, frame in raw.items():
        cov = by_table[schema.FILE_ALIASES.get(table, table)]
        assert cov.rows == len(frame), table
        if table in DATES:
            first_col, last_col = DATES[table]
            assert cov.dated, table
            assert cov.first == _day(frame[first_col], "min"), table
            assert cov.last == _day(frame[last_col], "max"), table
        elif table in UNDATED:
            assert not cov.dated and cov.first is None and cov.last is None, table
    # No calendar file: the warehouse built the calendar over every date of the data.
    calendar = by_table["calendar"]
    days = [
        _day(raw[t][c], how)
        for t, cols in DATES.items()
        for c, how in zip(cols, ("min", "max"), strict=True)
    ]
    days = [d for d in days if d is not None]
    assert calendar.first <= min(days) and calendar.last >= max(days)
    assert by_table["calendar_overrides"].rows == 0


def test_leads_share_of_each_stage_time_and_deal_amount(chain):
    _name, report, raw = chain
    fields = {(f.table, f.column): f for f in report.fields}
    leads = raw["leads"]
    for column in (*STAGES, "deal_amount"):
        field = fields[("leads", column)]
        assert field.rows == len(leads)
        assert field.filled == _filled(leads, column).sum(), column
        assert field.share == pytest.approx(_filled(leads, column).mean()), column


def test_optional_fields_come_from_the_schema_with_their_shares(chain):
    _name, report, raw = chain
    listed = [(f.table, f.column) for f in report.fields]
    expected = [
        (table, c.name)
        for table in health_model.FIELD_TABLES
        for c in schema.table(table).columns
        if c.nullable and not c.primary_key
    ]
    assert listed == expected  # every nullable column, none typed by hand
    for field in report.fields:
        frame = raw[field.table]
        filled = _filled(frame, field.column) if field.column in frame else pd.Series([False])
        assert field.filled == int(filled.sum()) if len(frame) else field.filled == 0
        assert field.rows == len(frame)


def test_fields_queries_count_every_column(loaded, monkeypatch):
    """A column added to the schema must be counted (else its share would silently vanish)."""
    activate(loaded["clean"][0], monkeypatch)
    for table in health_model.FIELD_TABLES:
        counted = set(data.run(f"health_fields_{table}").columns) - {"row_count"}
        assert {c.name for c in schema.table(table).columns} <= counted, table


# --- warnings ----------------------------------------------------------------------------------


def test_each_warning_appears_exactly_when_its_condition_holds(chain):
    name, report, _raw = chain
    assert {w.check for w in report.warnings} == EXPECTED[name]


def _pct(share: float) -> str:
    return f"{share:.1%}"


def _expected_messages(raw: dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    """The gappy chain's warnings, every figure computed here with pandas."""
    leads = raw["leads"]
    has = {c: _filled(leads, c) for c in STAGES}
    out = {}
    for stage, own, later in (
        ("inquiry", "inquiry_at", STAGES[1:]),
        ("booking", "booked_at", STAGES[2:]),
        ("arrival", "arrived_at", STAGES[3:]),
    ):
        after = pd.concat([has[c] for c in later], axis=1).any(axis=1)
        reached = has[own] | after
        untimed = ~has[own] & after
        out[f"untimed_{stage}"] = t(
            f"health.warn.untimed_{stage}",
            lang,
            share=_pct(untimed.sum() / reached.sum()),
            count=f"{untimed.sum():,}",
        )
    booked = has["booked_at"]
    no_appointment = booked & ~_filled(leads, "appointment_at")
    out["bookings_no_appointment"] = t(
        "health.warn.bookings_no_appointment",
        lang,
        share=_pct(no_appointment.sum() / booked.sum()),
        count=f"{no_appointment.sum():,}",
    )
    firsts = {tb: _day(raw[tb][DATES[tb][0]], "min") for tb in ("leads", "orders")}
    lasts = {tb: _day(raw[tb][DATES[tb][1]], "max") for tb in ("leads", "orders")}
    spend = raw["channel_daily"]["date"]
    earliest = min(firsts, key=firsts.get)
    latest = max(lasts, key=lasts.get)
    out["spend_starts_late"] = t(
        "health.warn.spend_starts_late",
        lang,
        facts=t(f"health.table.{earliest}", lang),
        first=firsts[earliest].isoformat(),
        spend=_day(spend, "min").isoformat(),
    )
    out["spend_ends_early"] = t(
        "health.warn.spend_ends_early",
        lang,
        facts=t(f"health.table.{latest}", lang),
        last=lasts[latest].isoformat(),
        spend=_day(spend, "max").isoformat(),
    )
    kinds = dict(zip(raw["channels"].channel_id, raw["channels"].kind, strict=True))
    referral = (leads.channel_id.map(kinds) == "referral").sum()
    out["referral_without_rewards"] = t(
        "health.warn.referral_without_rewards", lang, count=f"{referral:,}"
    )
    customers, clinics, exposures = raw["customers"], raw["clinics"], raw["experiment_exposures"]
    missing = {
        "customers_no_home": ~(_filled(customers, "home_lat") & _filled(customers, "home_lon")),
        "customers_no_gender": ~_filled(customers, "gender"),
        "customers_no_birth_year": ~_filled(customers, "birth_year"),
        "clinics_no_doctors": ~_filled(clinics, "doctors"),
        "clinics_no_point": ~(_filled(clinics, "lat") & _filled(clinics, "lon")),
        "exposures_no_value": ~_filled(exposures, "value"),
        "exposures_no_clinic": ~_filled(exposures, "clinic_id"),
    }
    for check, rows in missing.items():
        out[check] = t(
            f"health.warn.{check}", lang, share=_pct(rows.mean()), count=f"{rows.sum():,}"
        )
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_warnings_say_the_figures_and_name_the_pages(gappy, lang):
    _name, report, raw = gappy
    expected = _expected_messages(raw, lang)
    for finding in report.warnings:
        assert health_tables.message(finding, lang) == expected[finding.check]
        line = health_tables.warning_line(finding, lang)
        titles = [t(f"page.{p}", lang) for p in finding.pages] or [t("health.no_page", lang)]
        assert all(title in line for title in titles), line


def test_the_example_warnings_read_as_the_issue_asks(gappy):
    _name, report, _raw = gappy
    found = {w.check: health_tables.warning_line(w, "en") for w in report.warnings}
    assert found["spend_starts_late"].startswith("Leads go back to 2019-02-01 but spend starts")
    assert "Channel CAC & ROI" in found["spend_starts_late"]
    assert "Overview" in found["spend_starts_late"]
    assert "starts from created leads" in found["untimed_inquiry"]
    zh = {w.check: health_tables.warning_line(w, "zh") for w in report.warnings}
    assert "转化漏斗" in zh["untimed_inquiry"] and "区域热力图" in zh["customers_no_home"]


def test_checks_are_well_formed():
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    page_ids = {p.id for p in PAGES}
    for check in CHECKS:
        assert set(check.pages) <= page_ids, check.id
        for lang in LANGS:
            assert t(check.message, lang)  # in the catalogue, both languages


# --- thresholds, on facts made up for the purpose -----------------------------------------------


def _facts(
    rows: dict[str, int] | None = None,
    fields: dict[tuple[str, str], tuple[int, int]] | None = None,
    stages: dict[str, int] | None = None,
    dates: dict[str, tuple[date, date]] | None = None,
    referral: tuple[int, int] = (0, 0),
) -> Facts:
    """A warehouse's facts: rows per table, (rows, filled) per field, lead stages, date ranges."""
    rows = {t: 10 for t in health_model.TABLES} | (rows or {})
    dates = dates or {}
    tables = {
        t: TableCoverage(t, n, t in dates, *(dates.get(t) or (None, None))) for t, n in rows.items()
    }
    counted = {k: FieldShare(k[0], k[1], n, f) for k, (n, f) in (fields or {}).items()}
    lead_stages = {"leads": 100} | {
        f"{s}{suffix}": 0 for s in ("inquiry", "booking", "arrival") for suffix in ("", "_untimed")
    }
    lead_stages |= {"booked": 0, "booked_no_appointment": 0}
    lead_stages |= stages or {}
    return Facts(
        tables=tables,
        fields=counted,
        frames={
            "health_lead_stages": pd.DataFrame([lead_stages]),
            "health_referral": pd.DataFrame(
                [{"referral_leads": referral[0], "rewards": referral[1]}]
            ),
        },
    )


def _ids(facts: Facts) -> set[str]:
    return {f.check for f in evaluate(facts)}


def test_missing_shares_warn_above_five_percent_only():
    at = _facts(fields={("customers", "gender"): (100, 95)})
    above = _facts(fields={("customers", "gender"): (100, 94)})
    assert SHARE_THRESHOLD == 0.05
    assert "customers_no_gender" not in _ids(at)
    assert "customers_no_gender" in _ids(above)


def test_untimed_stages_warn_above_five_percent_only():
    assert "untimed_booking" not in _ids(_facts(stages={"booking": 40, "booking_untimed": 2}))
    assert "untimed_booking" in _ids(_facts(stages={"booking": 40, "booking_untimed": 3}))
    assert "untimed_arrival" not in _ids(_facts(stages={"arrival": 0, "arrival_untimed": 0}))


def test_bookings_without_appointment_warn_above_five_percent_only():
    warns = "bookings_no_appointment"
    assert warns not in _ids(_facts(stages={"booked": 40, "booked_no_appointment": 2}))
    assert warns in _ids(_facts(stages={"booked": 40, "booked_no_appointment": 3}))
    assert warns not in _ids(_facts(stages={"booked": 0, "booked_no_appointment": 0}))


def test_one_clinic_without_doctors_warns():
    assert "clinics_no_doctors" not in _ids(_facts(fields={("clinics", "doctors"): (40, 40)}))
    assert "clinics_no_doctors" in _ids(_facts(fields={("clinics", "doctors"): (40, 39)}))


@pytest.mark.parametrize("table", ["leads", "orders", "customers", "channel_daily"])
def test_an_empty_core_table_warns(table):
    assert f"empty_{table}" in _ids(_facts(rows={table: 0}))
    assert f"empty_{table}" not in _ids(_facts())


def test_spend_gaps_warn_from_one_day():
    d = date
    same = {
        "leads": (d(2023, 1, 1), d(2023, 6, 30)),
        "channel_daily": (d(2023, 1, 1), d(2023, 6, 30)),
    }
    assert not {"spend_starts_late", "spend_ends_early"} & _ids(_facts(dates=same))
    early = same | {"orders": (d(2022, 12, 31), d(2023, 6, 1))}
    assert "spend_starts_late" in _ids(_facts(dates=early))
    late = same | {"orders": (d(2023, 2, 1), d(2023, 7, 1))}
    assert "spend_ends_early" in _ids(_facts(dates=late))


def test_referral_leads_without_rewards_warn():
    assert "referral_without_rewards" in _ids(_facts(referral=(3, 0)))
    assert "referral_without_rewards" not in _ids(_facts(referral=(3, 1)))
    assert "referral_without_rewards" not in _ids(_facts(referral=(0, 0)))


def test_every_check_is_exercised_by_a_test():
    covered = set().union(*EXPECTED.values()) | {
        f"empty_{t}" for t in ("leads", "orders", "customers", "channel_daily")
    }
    assert {c.id for c in CHECKS} <= covered


# --- the command line ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_opsdash_load_prints_the_health_after_the_load(tmp_path, lang):
    rows = health_chain.chain(gaps=True)
    folder = health_chain.write(tmp_path / "in", rows)
    url = duckdb_url(tmp_path / "w.duckdb")
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load", str(folder), "--url", url, "--lang", lang],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    report_at = out.index(t("health.title_cli", lang))
    assert out.index(t("load.report.ok", lang, batch=1, count=len(rows)).split("(")[0]) < report_at
    raw = raw_rows(folder)
    for check, text in _expected_messages(raw, lang).items():
        assert text in out, check
    lead_line = next(line for line in out.splitlines() if "(leads)" in line and "–" in line)
    assert f"{len(raw['leads']):,}" in lead_line
    assert _day(raw["leads"]["created_at"], "max").isoformat() in lead_line


def test_opsdash_load_prints_no_health_when_refused(tmp_path):
    rows = health_chain.chain(gaps=False)
    rows["leads"][0]["channel_id"] = "99"  # no such channel
    folder = health_chain.write(tmp_path / "in", rows)
    url = duckdb_url(tmp_path / "w.duckdb")
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load", str(folder), "--url", url, "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert t("health.title_cli", "en") not in proc.stdout
