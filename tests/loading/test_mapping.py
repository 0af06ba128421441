"""Source mappings: exports with their own headers and vocabularies, read through a TOML file.

Every figure is checked against pandas over the raw source file; every error must name the
source file's own row and header. The shipped examples load end to end into a new warehouse.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import schema
from dashboard.loading import load_directory
from dashboard.settings import ROOT, Settings, duckdb_url
from dashboard.warehouse import engine as wh

EXAMPLES = ROOT / "sample_data" / "examples"

AD_MAPPING = """
file = "巨量引擎日报.csv"
table = "channel_daily"
[columns]
date = "日期"
spend = "消耗(元)"
impressions = "展示数"
clicks = "点击数"
[constants]
channel_id = 1
clinic_id = 10
[aggregate]
by = ["date", "channel_id", "clinic_id"]
sum = ["spend", "impressions", "clicks"]
"""

# Several plans per day; plan-level clicks may exceed nothing in particular, sums are checked.
AD_ROWS = [
    ("2024-01-01", "近视手术-信息流", "1000.00", "8000", "300", "5"),
    ("2024-01-01", "青少年近视-搜索", "500.50", "4000", "180", "2"),
    ("2024-01-01", "白内障-直播", "250.25", "3000", "90", "1"),
    ("2024-01-02", "近视手术-信息流", "1400.00", "11000", "420", "7"),
    ("2024-01-02", "青少年近视-搜索", "99.99", "1500", "40", "0"),
    ("2024-01-03", "近视手术-信息流", "1,234.56", "9000", "310", "4"),
]
AD_HEADER = ("日期", "广告计划", "消耗(元)", "展示数", "点击数", "转化数")

CUSTOMER_MAPPING = """
file = "客户档案.csv"
table = "customers"
[columns]
customer_id = "客户编号"
name = "姓名"
phone = "手机号"
gender = "性别"
birth_year = "出生年份"
home_city_id = "城市编号"
home_clinic_id = "门店"
acquisition_channel_id = "来源渠道"
referrer_id = "推荐人"
created_at = "建档时间"
first_visit_on = "首次到院"
[constants]
member_since = ""
home_lat = 34.75
home_lon = 113.62
[values.gender]
"男" = "M"
"女" = "F"
"未知" = ""
[values.home_clinic_id]
"郑州眼科中心" = 10
"郑州口腔" = 11
"上海医美" = 20
[values.acquisition_channel_id]
"抖音" = 1
"老带新" = 2
"百度" = 3
"""
CUSTOMER_HEADER = (
    "客户编号,姓名,手机号,性别,出生年份,城市编号,门店,来源渠道,推荐人,建档时间,首次到院,备注"
)
CUSTOMER_ROWS = [
    "1001,张伟,13800138001,男,1985,1,郑州眼科中心,抖音,,2024-01-01 09:00:00,2024-01-02,",
    "1002,王芳,13800138002,女,1990,1,郑州眼科中心,老带新,1001,2024-01-02 10:30:00,2024-01-03,VIP",
    "1003,李娜,13800138003,未知,2001,1,郑州口腔,老带新,1002,2024-01-03 11:15:30,,",
    "1004,刘洋,13800138004,男,1978,2,上海医美,百度,,2024-01-04 08:00:00,2024-01-05,",
    "1005,陈静,13800138005,女,1995,2,上海医美,抖音,,2024-01-05 20:45:00,,",
]


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _ad_lines(rows=AD_ROWS) -> list[str]:
    return [",".join(AD_HEADER)] + [",".join(_quoted(c) for c in row) for row in rows]


def _quoted(cell: str) -> str:
    return f'"{cell}"' if "," in cell else cell


def _plain(sample_rows, *mapped: str) -> list[str]:
    """The sample's tables written as table files: all but the mapped ones (and a calendar the
    warehouse builds itself)."""
    return [t for t in sample_rows if t in schema.TABLE_ORDER and t not in mapped]


@pytest.fixture
def mapped_folder(make_folder, sample_rows):
    """The sample chain with channel_daily and customers as exports beside their mappings."""
    folder = make_folder(sample_rows, _plain(sample_rows, "channel_daily", "customers"))
    _write_lines(folder / "巨量引擎日报.csv", _ad_lines())
    (folder / "巨量引擎日报.mapping.toml").write_text(AD_MAPPING, encoding="utf-8")
    _write_lines(folder / "客户档案.csv", [CUSTOMER_HEADER, *CUSTOMER_ROWS])
    (folder / "客户档案.mapping.toml").write_text(CUSTOMER_MAPPING, encoding="utf-8")
    return folder


@pytest.fixture
def duck(tmp_path) -> Settings:
    """A new, empty DuckDB warehouse."""
    folder = tmp_path / "duck"
    folder.mkdir()
    yield Settings(warehouse_url=duckdb_url(folder / "w.duckdb"))
    wh.dispose_all()


def _money(text: str) -> Decimal:
    """A money cell as the loader reads it: ¥ and thousands separators off, half-even to the fen."""
    clean = text.replace("¥", "").replace(",", "").strip()
    return Decimal(clean).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def test_mapped_exports_equal_pandas_over_the_raw_files(
    warehouse_settings, mapped_folder, read_tables
):
    result = load_directory(warehouse_settings, mapped_folder, lang="en")
    assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
    got = read_tables(warehouse_settings, ["channel_daily", "customers"])

    raw = pd.read_csv(mapped_folder / "巨量引擎日报.csv", dtype=str)
    raw["spend"] = raw["消耗(元)"].map(_money)
    raw["impressions"] = raw["展示数"].astype(int)
    raw["clicks"] = raw["点击数"].astype(int)
    want = raw.groupby("日期", sort=True)[["spend", "impressions", "clicks"]].sum().reset_index()
    daily = got["channel_daily"]
    assert len(daily) == len(want) == 3
    assert [d.isoformat() for d in pd.to_datetime(daily["date"]).dt.date] == list(want["日期"])
    assert list(daily["spend"].map(Decimal)) == list(want["spend"])
    assert list(daily["impressions"].astype(int)) == list(want["impressions"])
    assert list(daily["clicks"].astype(int)) == list(want["clicks"])
    assert set(daily["channel_id"].astype(int)) == {1} and set(daily["clinic_id"].astype(int)) == {
        10
    }
    # The plan and conversion columns are named as not loaded.
    note = [w for w in result.warnings if w.code == "load.warn_unmapped_columns"]
    assert any("广告计划" in w.reason and "转化数" in w.reason for w in note)

    src = pd.read_csv(mapped_folder / "客户档案.csv", dtype=str, keep_default_na=False)
    mapping = tomllib.loads(CUSTOMER_MAPPING)
    customers = got["customers"]
    assert list(customers["customer_id"].astype(int)) == list(src["客户编号"].astype(int))
    genders = [mapping["values"]["gender"][g] or None for g in src["性别"]]
    assert list(customers["gender"]) == genders
    clinics = [mapping["values"]["home_clinic_id"][c] for c in src["门店"]]
    assert list(customers["home_clinic_id"].astype(int)) == clinics
    channels = [mapping["values"]["acquisition_channel_id"][c] for c in src["来源渠道"]]
    assert list(customers["acquisition_channel_id"].astype(int)) == channels
    assert list(customers["name"]) == list(src["姓名"])
    assert customers["member_since"].isna().all()
    assert set(customers["home_lat"].astype(float)) == {34.75}


def test_a_plain_table_file_beside_a_mapping_for_the_same_table_is_refused(
    duck, mapped_folder, write_csv, sample_rows
):
    write_csv(mapped_folder, "channel_daily", sample_rows["channel_daily"])
    result = load_directory(duck, mapped_folder, lang="en")
    assert not result.ok
    hit = [p for p in result.problems if p.code == "load.mapping_table_twice"]
    assert (
        hit and hit[0].file == "巨量引擎日报.mapping.toml" and "channel_daily.csv" in hit[0].reason
    )


def _problem(result, code):
    found = [p for p in result.problems if p.code == code]
    assert found, [(p.code, p.reason) for p in result.problems]
    return found[0]


def test_a_bad_source_cell_names_the_source_file_row_and_header(duck, mapped_folder):
    rows = list(AD_ROWS)
    rows[3] = ("2024-01-02", "近视手术-信息流", "14x0", "11000", "420", "7")  # spreadsheet row 5
    _write_lines(mapped_folder / "巨量引擎日报.csv", _ad_lines(rows))
    lines = [CUSTOMER_HEADER, *CUSTOMER_ROWS]
    lines[4] = lines[4].replace(",百度,", ",快手,")  # row 5: a platform the value map lacks
    lines[5] = lines[5].replace(",女,", ",F?,")  # row 6: a gender the value map lacks
    _write_lines(mapped_folder / "客户档案.csv", lines)
    result = load_directory(duck, mapped_folder, lang="zh")
    assert not result.ok
    bad = _problem(result, "load.bad_decimal")
    assert (bad.file, bad.row, bad.column) == ("巨量引擎日报.csv", 5, "消耗(元)")
    missing = [p for p in result.problems if p.code == "load.value_not_mapped"]
    where = {(p.file, p.row, p.column) for p in missing}
    assert where == {("客户档案.csv", 5, "来源渠道"), ("客户档案.csv", 6, "性别")}
    one = next(p for p in missing if p.column == "来源渠道")
    assert "快手" in one.reason_in("zh") and "values.acquisition_channel_id" in one.reason_in("zh")
    assert "快手" in one.reason_in("en") and "客户档案.mapping.toml" in one.reason_in("en")
    # Reported once: not again as an unknown channel or a bad value.
    assert len([p for p in result.problems if p.row == 5 and p.file == "客户档案.csv"]) == 1


def test_a_reference_error_names_the_source_header_of_a_mapped_value(duck, mapped_folder):
    text = CUSTOMER_MAPPING.replace('"百度" = 3', '"百度" = 9')  # no channel 9
    (mapped_folder / "客户档案.mapping.toml").write_text(text, encoding="utf-8")
    result = load_directory(duck, mapped_folder, lang="en")
    dangling = _problem(result, "load.dangling_incoming")
    assert (dangling.file, dangling.row, dangling.column) == ("客户档案.csv", 5, "来源渠道")


def test_an_aggregated_rows_reference_error_names_a_real_source_row(duck, mapped_folder):
    text = AD_MAPPING.replace("clinic_id = 10", "clinic_id = 99")
    (mapped_folder / "巨量引擎日报.mapping.toml").write_text(text, encoding="utf-8")
    result = load_directory(duck, mapped_folder, lang="en")
    rows = {p.row for p in result.problems if p.code == "load.dangling_incoming"}
    # One per summed day, at the day's first source row (rows 2, 5 and 7).
    assert rows == {2, 5, 7}
    assert all("[constants]" in p.column for p in result.problems)


MAP, SRC = "巨量引擎日报.mapping.toml", "巨量引擎日报.csv"
# (text replaced in AD_MAPPING, its replacement, the expected code, the file it is reported on)
MALFORMED = [
    ('file = "巨量引擎日报.csv"', 'file = "巨量引擎日报.csv', "load.mapping_bad_toml", MAP),
    ('table = "channel_daily"', 'table = "channel_day"', "load.mapping_unknown_table", MAP),
    ('spend = "消耗(元)"', 'spent = "消耗(元)"', "load.mapping_unknown_column", MAP),
    ('spend = "消耗(元)"', 'spend = "花费"', "load.mapping_header_missing", SRC),
    ("clinic_id = 10", "clinic_id = 10\nspend = 0", "load.mapping_constant_mapped", MAP),
    ('clicks = "点击数"\n', "", "load.mapping_column_unset", MAP),
    ('clicks = "点击数"', 'clicks = ""', "load.mapping_not_text", MAP),
    ("[aggregate]", '[dates]\norder = "dym"\n[aggregate]', "load.mapping_bad_date_order", MAP),
    (
        "[aggregate]",
        '[dates]\ntimezone = "Asia/Shanghia"\n[aggregate]',
        "load.mapping_bad_timezone",
        MAP,
    ),
    ('"impressions", "clicks"]', '"impressions"]', "load.mapping_aggregate_column", MAP),
    (
        '"impressions", "clicks"]',
        '"impressions", "clicks", "date"]',
        "load.mapping_sum_and_by",
        MAP,
    ),
    (
        "[aggregate]",
        '[values.clinic_id]\n"a" = 1\n[aggregate]',
        "load.mapping_values_unmapped",
        MAP,
    ),
    ("[constants]", "[constant]", "load.mapping_unknown_key", MAP),
    ('file = "巨量引擎日报.csv"', 'file = "日报.csv"', "load.mapping_source_missing", MAP),
    (
        'file = "巨量引擎日报.csv"',
        'file = "../巨量引擎日报.csv"',
        "load.mapping_file_not_name",
        MAP,
    ),
]


@pytest.mark.parametrize(("old", "new", "code", "file"), MALFORMED)
def test_a_malformed_mapping_is_refused_with_its_message(
    duck, make_folder, sample_rows, old, new, code, file
):
    folder = make_folder(sample_rows, _plain(sample_rows, "channel_daily"))
    _write_lines(folder / "巨量引擎日报.csv", _ad_lines())
    assert old in AD_MAPPING
    text = AD_MAPPING.replace(old, new, 1)
    (folder / "巨量引擎日报.mapping.toml").write_text(text, encoding="utf-8")
    result = load_directory(duck, folder, lang="zh")
    assert not result.ok
    problem = _problem(result, code)
    assert problem.file == file
    zh, en = problem.reason_in("zh"), problem.reason_in("en")
    assert zh != en and code not in zh and code not in en and "{" not in zh + en
    assert not duck.duckdb_path.exists()  # nothing written


def test_a_pattern_names_one_file_and_two_matches_are_refused(duck, make_folder, sample_rows):
    folder = make_folder(sample_rows, _plain(sample_rows, "channel_daily"))
    _write_lines(folder / "巨量引擎日报_20240101-20240107.csv", _ad_lines())
    pattern = AD_MAPPING.replace('file = "巨量引擎日报.csv"', 'file = "巨量引擎日报_*.csv"')
    (folder / "日报.mapping.toml").write_text(pattern, encoding="utf-8")
    first = load_directory(duck, folder, lang="en")
    assert first.ok, [p.reason for p in first.problems]
    assert first.tables["channel_daily"] == 3
    _write_lines(folder / "巨量引擎日报_20240108-20240114.csv", _ad_lines())
    second = load_directory(duck, folder, lang="en")
    problem = _problem(second, "load.mapping_source_ambiguous")
    assert "20240108-20240114" in problem.reason


def test_day_first_dates_are_read_with_the_mappings_date_order(duck, make_folder, sample_rows):
    # Waits on values.ParseOptions and build_table(options=…) (date formats, item 3).
    folder = make_folder(sample_rows, _plain(sample_rows, "channel_daily"))
    rows = [(f"{d[8:10]}/{d[5:7]}/{d[0:4]}", *rest) for d, *rest in AD_ROWS]
    _write_lines(folder / "巨量引擎日报.csv", _ad_lines(rows))
    text = AD_MAPPING.replace("[aggregate]", '[dates]\norder = "dmy"\n[aggregate]')
    (folder / "巨量引擎日报.mapping.toml").write_text(text, encoding="utf-8")
    result = load_directory(duck, folder, lang="en")
    assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
    days = _query(duck, "select cast(date as varchar) as day from channel_daily order by 1")
    assert list(days["day"]) == sorted({d for d, *_ in AD_ROWS})


def test_cli_mapping_option_reads_an_export_with_a_mapping_kept_elsewhere(
    tmp_path, make_folder, sample_rows, read_tables
):
    folder = make_folder(sample_rows, _plain(sample_rows, "channel_daily"))
    _write_lines(folder / "巨量引擎日报.csv", _ad_lines())
    kept = tmp_path / "mappings"
    kept.mkdir()
    (kept / "douyin.mapping.toml").write_text(AD_MAPPING, encoding="utf-8")
    url = duckdb_url(tmp_path / "cli" / "w.duckdb")
    (tmp_path / "cli").mkdir()
    run = [sys.executable, "-m", "dashboard.cli", "load", str(folder), "--lang", "en"]
    env = {"OPSDASH_WAREHOUSE_URL": url, "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [*run, "--mapping", str(kept / "douyin.mapping.toml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "channel_daily: 3 rows" in proc.stdout
    settings = Settings(warehouse_url=url)
    daily = read_tables(settings, ["channel_daily"])["channel_daily"]
    assert sum(daily["spend"].map(Decimal)) == sum(_money(r[2]) for r in AD_ROWS)
    missing = subprocess.run(
        [*run, "--mapping", str(kept / "nope.mapping.toml")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )
    assert missing.returncode == 1 and "nope.mapping.toml" in missing.stdout


# --- the shipped examples -------------------------------------------------------------------


def _example_mapping(name: str) -> dict:
    (path,) = (EXAMPLES / name).glob("*.mapping.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _query(settings: Settings, sql: str) -> pd.DataFrame:
    engine = sa.create_engine(settings.warehouse_url, connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            return pd.read_sql(sa.text(sql), conn)
    finally:
        engine.dispose()


def _load_example(duck: Settings, name: str):
    result = load_directory(duck, EXAMPLES / name, lang="en")
    assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
    return result


def test_example_ad_platform_sums_per_day_equal_pandas(duck):
    _load_example(duck, "ad_platform")
    raw = pd.read_csv(EXAMPLES / "ad_platform" / "巨量引擎日报.csv", dtype=str)
    assert raw.groupby("日期").size().max() > 1  # several plans a day
    raw["spend"] = raw["消耗(元)"].map(_money)
    want = raw.groupby("日期")[["spend"]].sum()
    for col in ("展示数", "点击数"):
        want[col] = raw[col].astype(int).groupby(raw["日期"]).sum()
    got = _query(
        duck,
        "select cast(date as varchar) as day, spend, impressions, clicks, channel_id, clinic_id "
        "from channel_daily order by date",
    )
    constants = _example_mapping("ad_platform")["constants"]
    assert list(got["day"]) == list(want.index)
    assert list(got["spend"].map(lambda v: Decimal(str(v)).quantize(Decimal("0.01")))) == list(
        want["spend"]
    )
    assert list(got["impressions"]) == list(want["展示数"])
    assert list(got["clicks"]) == list(want["点击数"])
    assert set(got["channel_id"]) == {constants["channel_id"]}
    assert set(got["clinic_id"]) == {constants["clinic_id"]}


def test_example_crm_leads_headline_counts_equal_pandas(duck):
    _load_example(duck, "crm_leads")
    raw = pd.read_csv(EXAMPLES / "crm_leads" / "线索导出.csv", dtype=str, keep_default_na=False)
    values = _example_mapping("crm_leads")["values"]
    raw["channel_id"] = raw["来源渠道"].map(values["channel_id"])
    raw["amount"] = raw["成交金额"].map(lambda v: _money(v) if v else Decimal(0))
    want = raw.groupby("channel_id").agg(
        leads=("线索编号", "size"),
        inquiries=("咨询时间", lambda s: (s != "").sum()),
        paid=("成交时间", lambda s: (s != "").sum()),
        revenue=("amount", "sum"),
    )
    got = _query(
        duck,
        "select channel_id, count(*) as leads, count(inquiry_at) as inquiries, "
        "count(paid_at) as paid, coalesce(sum(deal_amount), 0) as revenue, "
        "sum(case when is_returning then 1 else 0 end) as returning "
        "from leads group by channel_id order by channel_id",
    ).set_index("channel_id")
    assert list(got.index) == list(want.index)
    for col in ("leads", "inquiries", "paid"):
        assert list(got[col]) == list(want[col]), col
    revenue = got["revenue"].map(lambda v: Decimal(str(v)).quantize(Decimal("0.01")))
    assert list(revenue) == list(want["revenue"])
    assert got["returning"].sum() == (raw["新老客"] == "老客").sum()


def test_example_his_orders_revenue_equals_pandas(duck):
    _load_example(duck, "his_orders")
    raw = pd.read_csv(EXAMPLES / "his_orders" / "HIS订单导出.csv", dtype=str)
    values = _example_mapping("his_orders")["values"]
    raw["clinic_id"] = raw["门店"].map(values["clinic_id"])
    raw["category"] = raw["项目"].map(values["category"])
    raw["amount"] = raw["金额"].map(_money)
    got = _query(
        duck,
        "select clinic_id, category, count(*) as orders, sum(amount) as revenue "
        "from orders group by clinic_id, category order by clinic_id, category",
    )
    want = (
        raw.groupby(["clinic_id", "category"])
        .agg(orders=("订单号", "size"), revenue=("amount", "sum"))
        .reset_index()
        .sort_values(["clinic_id", "category"])
    )
    assert list(zip(got["clinic_id"], got["category"], strict=True)) == list(
        zip(want["clinic_id"], want["category"], strict=True)
    )
    assert list(got["orders"]) == list(want["orders"])
    revenue = got["revenue"].map(lambda v: Decimal(str(v)).quantize(Decimal("0.01")))
    assert list(revenue) == list(want["revenue"])
    # Every order's customer, as the HIS numbers them with leading zeros, is one of customers.csv.
    customers = pd.read_csv(EXAMPLES / "his_orders" / "customers.csv", dtype=str)
    assert set(raw["客户编号"]) <= set(customers["customer_id"])
    assert _query(duck, "select count(distinct customer_id) as n from orders")["n"][0] == len(
        set(raw["客户编号"])
    )
