"""Fixtures for the loader tests: a small valid chain as text rows, folders of files, warehouses.

``BACKENDS`` is the one place that picks the warehouse backends: every test that takes
``warehouse_settings``, ``loaded_settings`` or ``new_warehouse`` runs on each of them; tests about
the DuckDB file itself take ``duckdb_only`` and skip elsewhere.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import itertools
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from dashboard import schema
from dashboard.loading import load_directory
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh

Rows = dict[str, list[dict[str, str]]]


def _rows(header: str, *lines: str) -> list[dict[str, str]]:
    names = header.split("|")
    return [dict(zip(names, line.split("|"), strict=True)) for line in lines]


SAMPLE: Rows = {
    # calendar.csv only overrides flags (loaded into calendar_overrides): a clinic's own day
    # off with its names, and a training Sunday made a working day.
    "calendar": _rows(
        "date|is_holiday|holiday_name|holiday_name_en|is_workday",
        "2024-01-06|true|店庆|Clinic anniversary|false",
        "2024-01-07||||true",
    ),
    "cities": _rows(
        "city_id|name_zh|name_en|province_zh|province_en|region_zh|region_en|tier|lat|lon",
        "1|郑州|Zhengzhou|河南|Henan|华中|Central China|new_tier1|34.7466|113.6253",
        "2|上海|Shanghai|上海|Shanghai|华东|East China|tier1|31.2304|121.4737",
    ),
    "clinics": _rows(
        "clinic_id|name_zh|name_en|city_id|specialty|doctors|staff|opened_on|lat|lon",
        "10|郑州眼科中心|Zhengzhou Eye Centre|1|eye|5|30|2020-05-01|34.75|113.62",
        "11|郑州口腔|Zhengzhou Dental|1|dental|3|12|2021-03-15|34.76|113.65",
        "20|上海医美|Shanghai Aesthetics|2|aesthetic|4|25|2019-09-09|31.22|121.45",
    ),
    "channels": _rows(
        "channel_id|code|name_zh|name_en|kind|tier",
        "1|douyin|抖音|Douyin|short_video|core",
        "2|referral|老带新|Old brings new|referral|cooperative",
        "3|baidu|百度竞价|Baidu search ads|search|potential",
    ),
    "customers": _rows(
        "customer_id|name|phone|gender|birth_year|home_city_id|home_clinic_id|"
        "acquisition_channel_id|referrer_id|created_at|first_visit_on|member_since|home_lat|home_lon",
        "1001|张伟|13800138001|M|1985|1|10|1||2024-01-01 09:00:00|2024-01-02||34.75|113.6",
        "1002|王芳|13800138002|F|1990|1|10|2|1001|2024-01-02 10:30:00|2024-01-03|2024-01-03|34.7|113.7",
        "1003|李娜|13800138003|F|2001|1|11|2|1002|2024-01-03 11:15:30.250000|||34.8|113.5",
        "1004|刘洋|13800138004|M|1978|2|20|3||2024-01-04 08:00:00|2024-01-05||31.2|121.4",
        "1005|陈静|13800138005|F|1995|2|20|1||2024-01-05 20:45:00|||31.25|121.5",
    ),
    "leads": _rows(
        "lead_id|created_at|channel_id|clinic_id|customer_id|is_returning|inquiry_at|booked_at|"
        "arrived_at|paid_at|deal_amount",
        "1|2024-01-01 08:00:00|1|10|1001|false|2024-01-01 08:05:00|2024-01-01 09:00:00|"
        "2024-01-02 10:00:00|2024-01-02 11:00:00|3200.00",
        "2|2024-01-02 09:00:00|2|10|1002|false|2024-01-02 09:10:00||2024-01-03 10:00:00||",
        "3|2024-01-03 10:00:00|2|11||false|||||",
        "4|2024-01-04 07:00:00|3|20|1004|true||2024-01-04 07:30:00|2024-01-05 09:00:00|"
        "2024-01-05 09:30:00|15800.50",
    ),
    "channel_daily": _rows(
        "date|channel_id|clinic_id|impressions|clicks|spend",
        "2024-01-01|1|10|12000|480|1500.00",
        "2024-01-01|3|20|8000|160|2300.75",
        "2024-01-02|1|10|11000|420|1400.00",
    ),
    "orders": _rows(
        "order_id|customer_id|clinic_id|lead_id|ordered_at|service|category|amount",
        "501|1001|10|1|2024-01-02 11:00:00|全飞秒近视手术|surgery|3200.00",
        "502|1004|20|4|2024-01-05 09:30:00|玻尿酸注射|injectable|15800.50",
        "503|1002|10||2024-01-06 15:00:00|验光配镜|optical|680.00",
    ),
    "experiments": _rows(
        "experiment_id|code|name_zh|name_en|hypothesis_zh|hypothesis_en|owner|surface|metric|"
        "has_guardrail|started_on|ended_on",
        "1|free_consult_copy|免费专家咨询文案|Free expert consultation copy|"
        "“免费专家咨询”文案提高点击率|Copy offering a free expert consultation lifts CTR|"
        "市场部|ad_copy|conversion|true|2024-01-01|",
    ),
    "experiment_variants": _rows(
        "experiment_id|variant_code|name_zh|name_en|is_control|planned_share",
        "1|A|原文案|Original copy|true|0.5",
        "1|B|免费咨询|Free consultation|false|0.5",
    ),
    "experiment_exposures": _rows(
        "exposure_id|experiment_id|variant_code|clinic_id|unit_id|exposed_at|converted|value|"
        "guardrail_event",
        "1|1|A|10|v-001|2024-01-01 12:00:00|false|0.00|false",
        "2|1|B|10|v-002|2024-01-01 12:05:00|true|199.00|",
        "3|1|B|11|v-003|2024-01-02 08:00:00|true|0.00|true",
    ),
    "feedback": _rows(
        "feedback_id|customer_id|clinic_id|submitted_at|score|problem_category|is_complaint",
        "1|1001|10|2024-01-02 12:00:00|5||false",
        "2|1004|20|2024-01-05 10:00:00|2|waiting_time|true",
    ),
    "staff_training": _rows("clinic_id|date|hours", "10|2024-01-03|2.5", "20|2024-01-04|6.0"),
    "budgets": _rows(
        "month_start|city_id|category|amount",
        "2024-01-01|1|marketing|200000.00",
        "2024-01-01|1|reserve|30000.00",
    ),
    "expenses": _rows(
        "date|clinic_id|category|amount",
        "2024-01-02|10|service|5200.00",
        "2024-01-03|20|operations|800.25",
    ),
    "referral_rewards": _rows(
        "reward_id|referrer_id|referred_id|clinic_id|paid_on|reward_type|amount",
        "1|1001|1002|10|2024-01-04|red_packet|10.00",
    ),
    "scorecard_targets": _rows(
        "kpi_id|period_kind|period_start|period_end|scope_kind|scope_id|target|label_zh|label_en",
        "arrivals|month|2024-01-01|2024-01-31|chain|0|400||",
        "arrivals|campaign|2024-01-01|2024-01-31|city|1|400|郑州平台到院|Zhengzhou arrivals",
    ),
}


@pytest.fixture
def sample_rows() -> Rows:
    """A small, valid chain: every table, as text rows (a fresh copy to mutate)."""
    return copy.deepcopy(SAMPLE)


def _write_csv(folder: Path, table: str, rows: list[dict[str, str]], encoding: str = "utf-8"):
    """Write rows as ``folder/<table>.csv`` with the header taken from the first row."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    header = list(rows[0]) if rows else [c.name for c in schema.table(table).columns]
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def make_folder(tmp_path):
    """Factory: write the given tables as CSV files into a new folder and return it."""
    counter = iter(range(1000))

    def make(rows: Rows, tables=None) -> Path:
        folder = tmp_path / f"in{next(counter)}"
        folder.mkdir()
        for name in tables or rows:
            _write_csv(folder, name, rows[name])
        return folder

    return make


# The backends the core tests run on. PostgreSQL joins by adding
# ``pytest.param("postgres", marks=pytest.mark.postgres)``: it uses the session's server
# (the ``postgres`` fixture of tests/conftest.py) with a new database per warehouse.
BACKENDS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
_databases = itertools.count()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The warehouse backend of this test run."""
    return request.param


@pytest.fixture
def new_warehouse(backend, tmp_path, request):
    """Factory: a new, empty warehouse on the test's backend (a DuckDB path with no file yet)."""
    folders = itertools.count()

    def make() -> Settings:
        if backend == "duckdb":
            path = tmp_path / f"wh{next(folders)}" / "warehouse.duckdb"
            path.parent.mkdir()
            return Settings(warehouse_url=duckdb_url(path))
        server = request.getfixturevalue("postgres")
        return Settings(warehouse_url=server.create_database(f"loading_{next(_databases)}"))

    yield make
    wh.dispose_all()


@pytest.fixture
def warehouse_settings(new_warehouse) -> Settings:
    """An empty warehouse on the test's backend."""
    return new_warehouse()


@pytest.fixture
def duckdb_only(warehouse_settings):
    """Skip a test that is about the DuckDB file itself on other backends."""
    if not warehouse_settings.is_duckdb:
        pytest.skip("about the DuckDB file")


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory) -> Path:
    """The sample chain written as one CSV file per table."""
    folder = tmp_path_factory.mktemp("sample") / "in"
    for name, rows in SAMPLE.items():
        _write_csv(folder, name, rows)
    return folder


@pytest.fixture(scope="session")
def sample_duckdb_file(tmp_path_factory, sample_folder) -> Path:
    """A DuckDB file holding the sample chain, loaded once through ``load_directory``."""
    settings = Settings(warehouse_url=duckdb_url(tmp_path_factory.mktemp("sample_db") / "w.duckdb"))
    result = load_directory(settings, sample_folder, lang="en")
    assert result.ok, [p.reason for p in result.problems]
    return settings.duckdb_path


@pytest.fixture
def loaded_settings(warehouse_settings, sample_folder, request) -> Settings:
    """The test's own warehouse holding the sample chain (batch 1)."""
    if warehouse_settings.is_duckdb:
        # Copying the session's file is much cheaper than loading the folder again.
        template = request.getfixturevalue("sample_duckdb_file")
        shutil.copyfile(template, warehouse_settings.duckdb_path)
        return warehouse_settings
    result = load_directory(warehouse_settings, sample_folder, lang="en")
    assert result.ok, [p.reason for p in result.problems]
    return warehouse_settings


def _connect(settings: Settings) -> tuple[sa.Engine, sa.Connection]:
    if settings.is_duckdb:
        from dashboard.loading.existing import open_duckdb_readonly

        return open_duckdb_readonly(settings)
    engine = sa.create_engine(settings.warehouse_url, poolclass=NullPool)
    return engine, engine.connect()


def _read_tables(settings: Settings, tables=None) -> dict[str, pd.DataFrame]:
    """Every table's rows, sorted by key, through a short-lived connection."""
    engine, conn = _connect(settings)
    try:
        out = {}
        for name in tables or (*schema.TABLE_ORDER, "load_batches"):
            declared = schema.table(name)
            keys = [c.name for c in declared.primary_key.columns]
            result = conn.execute(sa.select(declared))
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()), dtype=object)
            out[name] = frame.sort_values(keys).reset_index(drop=True)
        return out
    finally:
        conn.close()
        engine.dispose()


def snapshot(settings: Settings) -> dict:
    """What must not change after a refused load: the data, and a DuckDB file's bytes and identity."""
    if not settings.is_duckdb:
        return {"tables": {k: v.to_dict("list") for k, v in _read_tables(settings).items()}}
    path = settings.duckdb_path
    if not path.exists():
        return {"exists": False}
    stat = path.stat()
    return {
        "exists": True,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "mtime_ns": stat.st_mtime_ns,
        "inode": stat.st_ino,
        "tables": {k: v.to_dict("list") for k, v in _read_tables(settings).items()},
    }


@pytest.fixture
def unchanged():
    """Factory: ``check = unchanged(settings)`` … ``check()`` asserts nothing moved."""

    def take(settings: Settings):
        before = snapshot(settings)

        def check():
            assert snapshot(settings) == before
            if settings.is_duckdb:
                folder = settings.duckdb_path.parent
                assert not [p.name for p in folder.iterdir() if ".tmp" in p.name]

        return check

    return take


@pytest.fixture
def raw_duckdb():
    """Open a plain DuckDB connection (closed after the test)."""
    opened = []

    def connect(path, read_only=True):
        con = duckdb.connect(str(path), read_only=read_only)
        opened.append(con)
        return con

    yield connect
    for con in opened:
        con.close()


@pytest.fixture
def write_csv():
    """``write_csv(folder, table, rows, encoding="utf-8")`` writes one table file."""
    return _write_csv


@pytest.fixture
def read_tables():
    """``read_tables(settings, tables=None)``: the warehouse's tables as sorted frames."""
    return _read_tables
