"""The warehouse builds the calendar at every load: it covers every date, with the library's holidays.

A folder with no calendar file loads, and the calendar then spans whole years from the earliest
to the latest date of the files (pandas min/max over the raw CSV files, the independent
computation); holidays and 调休 are checked day by day against chinese_calendar's own API;
an override from calendar.csv survives a later load that rebuilds the calendar. Every test runs
on DuckDB and on PostgreSQL.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from dashboard import schema
from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.loading.existing import open_duckdb_readonly
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from dashboard.warehouse.writer import replace_tables

TODAY = date(2026, 11, 15)

# A chain whose files span 2019-2026, plus a campaign target running into 2027; no calendar.
# The clinic opened in 2015: an opening day is not a date the calendar needs to reach.
FILES: dict[str, list[str]] = {
    "cities": [
        "city_id,name_zh,name_en,province_zh,province_en,region_zh,region_en,tier,lat,lon",
        "1,郑州,Zhengzhou,河南,Henan,华中,Central China,new_tier1,34.7466,113.6253",
    ],
    "clinics": [
        "clinic_id,name_zh,name_en,city_id,specialty,doctors,staff,opened_on,lat,lon",
        "10,郑州眼科中心,Zhengzhou Eye Centre,1,eye,5,30,2015-05-01,34.75,113.62",
    ],
    "channels": [
        "channel_id,code,name_zh,name_en,kind,tier",
        "1,douyin,抖音,Douyin,short_video,core",
    ],
    "customers": [
        "customer_id,name,phone,gender,birth_year,home_city_id,home_clinic_id,"
        "acquisition_channel_id,referrer_id,created_at,first_visit_on,member_since,home_lat,home_lon",
        "1001,张伟,13800138001,M,1985,1,10,1,,2019-03-04 09:00:00,2019-03-06,,34.75,113.6",
        "1002,王芳,13800138002,F,1990,1,10,1,,2023-05-01 10:30:00,2023-05-02,2024-02-04,34.7,113.7",
    ],
    "leads": [
        "lead_id,created_at,channel_id,clinic_id,customer_id,is_returning,inquiry_at,booked_at,"
        "arrived_at,paid_at,deal_amount",
        "1,2019-03-04 08:00:00,1,10,1001,false,2019-03-04 08:05:00,2019-03-05 09:00:00,"
        "2019-03-06 10:00:00,2019-03-06 11:00:00,3200.00",
        "2,2023-05-01 09:00:00,1,10,1002,false,2023-05-01 09:10:00,,2023-05-02 10:00:00,,",
        "3,2026-11-14 10:00:00,1,10,,false,,,,,",
    ],
    "channel_daily": [
        "date,channel_id,clinic_id,impressions,clicks,spend",
        "2020-01-02,1,10,12000,480,1500.00",
        "2026-11-14,1,10,11000,420,1400.00",
    ],
    "orders": [
        "order_id,customer_id,clinic_id,lead_id,ordered_at,service,category,amount",
        "501,1001,10,1,2019-03-06 11:00:00,全飞秒近视手术,surgery,3200.00",
        "502,1002,10,,2025-06-18 15:00:00,验光配镜,optical,680.00",
    ],
    "scorecard_targets": [
        "kpi_id,period_kind,period_start,period_end,scope_kind,scope_id,target,label_zh,label_en",
        "arrivals,campaign,2026-12-01,2027-01-31,city,1,400,郑州平台到院,Zhengzhou arrivals",
    ],
}
# Dates the calendar need not reach (see calendar_build.NOT_COVERED).
SKIPPED = {("clinics", "opened_on")}

_databases = itertools.count()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("OPSDASH_TODAY", TODAY.isoformat())


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_warehouse(request, tmp_path):
    """Factory: a new, empty warehouse on each backend in turn."""

    def make() -> Settings:
        if request.param == "duckdb":
            path = tmp_path / f"wh{next(_databases)}" / "warehouse.duckdb"
            path.parent.mkdir()
            return Settings(warehouse_url=duckdb_url(path))
        server = request.getfixturevalue("postgres")
        return Settings(warehouse_url=server.create_database(f"calendar_{next(_databases)}"))

    yield make
    wh.dispose_all()


def _write(folder: Path, files: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _calendar(settings: Settings) -> pd.DataFrame:
    """The warehouse's calendar, one row per day, dates as Timestamps."""
    if settings.is_duckdb:
        engine, conn = open_duckdb_readonly(settings)
    else:
        engine = sa.create_engine(settings.warehouse_url, poolclass=NullPool)
        conn = engine.connect()
    try:
        result = conn.execute(sa.select(schema.calendar).order_by(schema.calendar.c.date))
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    finally:
        conn.close()
        engine.dispose()
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("is_holiday", "is_workday"):
        frame[column] = frame[column].astype(bool)
    return frame.set_index("date", drop=False)


def _raw_dates(folder: Path) -> pd.Series:
    """Every date of every date column in the folder's files, read with pandas."""
    found = []
    for path in folder.glob("*.csv"):
        table = schema.FILE_ALIASES.get(path.stem, path.stem)
        frame = pd.read_csv(path, dtype=str)
        for column in schema.table(table).columns:
            if (table, column.name) in SKIPPED or column.name not in frame:
                continue
            if isinstance(column.type, sa.Date | sa.DateTime):
                found.append(pd.to_datetime(frame[column.name]).dropna().dt.normalize())
    return pd.concat(found, ignore_index=True)


def _library(day: date) -> tuple[bool, bool, str | None, str | None]:
    """(is_holiday, is_workday, zh name, en name) of a day, straight from chinese_calendar."""
    off, name = chinese_calendar.get_holiday_detail(day)
    holiday = bool(off and name)
    zh = chinese_calendar.Holiday(name).chinese if holiday else None
    return holiday, chinese_calendar.is_workday(day), zh, name if holiday else None


def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _load(settings: Settings, folder: Path, lang: str = "en"):
    result = load_directory(settings, folder, lang=lang)
    assert result.ok, [p.reason for p in result.problems]
    return result


def test_a_folder_without_calendar_gets_one_covering_every_date(new_warehouse, tmp_path):
    settings = new_warehouse()
    folder = _write(tmp_path / "in", FILES)
    _load(settings, folder)

    cal = _calendar(settings)
    dates = _raw_dates(folder)
    # Whole years from the earliest to the latest date of the files (today's year included).
    first = date(min(dates.min().year, TODAY.year), 1, 1)
    last = date(max(dates.max().year, TODAY.year), 12, 31)
    assert (first, last) == (date(2019, 1, 1), date(2027, 12, 31))
    assert cal["date"].min().date() == first and cal["date"].max().date() == last
    assert len(cal) == (last - first).days + 1 == cal["date"].nunique()
    assert dates.isin(cal["date"]).all()
    # Weeks and months computed from the date.
    iso = cal["date"].dt.isocalendar()
    assert (cal["iso_week"] == iso["week"]).all() and (cal["iso_year"] == iso["year"]).all()
    assert (cal["day_of_week"] == cal["date"].dt.day_of_week + 1).all()
    assert (
        pd.to_datetime(cal["week_start"])
        == cal["date"] - pd.to_timedelta(cal["date"].dt.day_of_week, unit="D")
    ).all()
    assert (pd.to_datetime(cal["month_start"]) == cal["date"].dt.to_period("M").dt.start_time).all()
    assert (cal["quarter"] == cal["date"].dt.quarter).all()


def test_holidays_and_adjusted_workdays_are_the_librarys(new_warehouse, tmp_path):
    settings = new_warehouse()
    _load(settings, _write(tmp_path / "in", FILES))
    cal = _calendar(settings)

    # Known days: the 2024 Spring Festival break, and the Sunday before it worked in exchange.
    assert cal.loc["2024-02-10", "is_holiday"] and not cal.loc["2024-02-10", "is_workday"]
    assert cal.loc["2024-02-10", "holiday_name"] == "春节"
    assert cal.loc["2024-02-10", "holiday_name_en"] == "Spring Festival"
    assert cal.loc["2024-02-04", "day_of_week"] == 7 and cal.loc["2024-02-04", "is_workday"]
    assert not cal.loc["2024-02-04", "is_holiday"]
    # Every day of every year the library covers, against its own API.
    covered = cal[cal["date"].dt.year.map(_library_covers)]
    assert len(covered) >= 365 * 7
    expected = [_library(d.date()) for d in covered["date"]]
    got = list(
        zip(
            covered["is_holiday"],
            covered["is_workday"],
            covered["holiday_name"].astype(object).where(covered["holiday_name"].notna(), None),
            covered["holiday_name_en"]
            .astype(object)
            .where(covered["holiday_name_en"].notna(), None),
            strict=True,
        )
    )
    assert got == expected
    assert (covered["holiday_source"] == "chinese_calendar").all()


def test_years_the_library_does_not_cover_are_weekends_only_and_reported(new_warehouse, tmp_path):
    settings = new_warehouse()
    files = {name: list(lines) for name, lines in FILES.items()}
    # A customer registered in 2003, before the library's first year.
    files["customers"].append(
        "1003,李娜,13800138003,F,1970,1,10,1,,2003-06-02 10:00:00,,,34.8,113.5"
    )
    result = _load(settings, _write(tmp_path / "in", files), lang="en")
    cal = _calendar(settings)

    uncovered = sorted({y for y in cal["date"].dt.year if not _library_covers(y)})
    assert uncovered[0] == 2003 and 2004 not in uncovered
    weekends = cal[cal["date"].dt.year.isin(uncovered)]
    assert (weekends["holiday_source"] == "weekends").all()
    assert not weekends["is_holiday"].any() and weekends["holiday_name"].isna().all()
    assert (weekends["is_workday"] == (weekends["date"].dt.day_of_week < 5)).all()
    notes = [w for w in result.warnings if w.code == "load.calendar.weekends_only"]
    assert len(notes) == 1
    years = dict(notes[0].params)["years"]
    assert years.startswith("2003") and all(str(y) in years for y in uncovered)
    assert "2004" not in years
    assert notes[0].reason_in("zh") == t("load.calendar.weekends_only", "zh", years=years)


def test_an_override_survives_later_loads_until_replaced(new_warehouse, tmp_path):
    settings = new_warehouse()
    files = {name: list(lines) for name, lines in FILES.items()}
    files["calendar"] = [
        "date,is_holiday,holiday_name,holiday_name_en,is_workday",
        "2025-06-06,true,店庆,Clinic anniversary,",  # a Friday: the chain's own day off
        "2024-02-04,,,,false",  # a 调休 Sunday the chain does not work
        "2024-02-12,false,,,",  # a Spring Festival day the chain opens
    ]
    first = _load(settings, _write(tmp_path / "in1", files))
    assert first.tables["calendar_overrides"] == 3

    def overridden(cal: pd.DataFrame) -> None:
        row = cal.loc["2025-06-06"]
        assert row["is_holiday"] and not row["is_workday"]
        assert (row["holiday_name"], row["holiday_name_en"]) == ("店庆", "Clinic anniversary")
        assert not cal.loc["2024-02-04", "is_workday"] and not cal.loc["2024-02-04", "is_holiday"]
        assert not cal.loc["2024-02-12", "is_holiday"] and cal.loc["2024-02-12", "is_workday"]
        assert pd.isna(cal.loc["2024-02-12", "holiday_name"])
        assert set(cal.loc[cal["holiday_source"] == "file", "date"].dt.date) == {
            date(2025, 6, 6),
            date(2024, 2, 4),
            date(2024, 2, 12),
        }
        # The days around keep the library's flags.
        assert cal.loc["2024-02-13", "holiday_name"] == "春节"

    overridden(_calendar(settings))
    # A later load without calendar.csv rebuilds the calendar (now reaching back to 2018 for an
    # older lead) and applies the kept overrides again.
    leads = [*FILES["leads"], "4,2018-12-30 10:00:00,1,10,,false,,,,,"]
    second = _load(settings, _write(tmp_path / "in2", {"leads": leads}))
    assert "calendar_overrides" not in second.tables
    cal = _calendar(settings)
    assert cal["date"].min().date() == date(2018, 1, 1)
    overridden(cal)
    # A calendar.csv with just its header removes every override.
    _load(settings, _write(tmp_path / "in3", {"calendar": [files["calendar"][0]]}))
    cal = _calendar(settings)
    assert not (cal["holiday_source"] == "file").any()
    for day in ("2025-06-06", "2024-02-04", "2024-02-12"):
        holiday, workday, zh, _ = _library(date.fromisoformat(day))
        assert (cal.loc[day, "is_holiday"], cal.loc[day, "is_workday"]) == (holiday, workday)


def test_an_empty_warehouse_has_the_current_year(new_warehouse):
    settings = new_warehouse()
    replace_tables(settings, {}, source="init")
    cal = _calendar(settings)
    assert cal["date"].min().date() == date(TODAY.year, 1, 1)
    assert cal["date"].max().date() == date(TODAY.year, 12, 31)


def test_the_seed_goes_through_the_same_calendar(new_warehouse):
    from dashboard.seed import generate

    settings = new_warehouse()
    frames = generate(TODAY - timedelta(days=1), leads=2_000, seed=3)
    assert frames["calendar_overrides"].empty
    replace_tables(settings, frames, source="seed")
    cal = _calendar(settings)
    dates = []
    for name, frame in frames.items():
        for column in schema.table(name).columns:
            if (
                isinstance(column.type, sa.Date | sa.DateTime)
                and (name, column.name) not in SKIPPED
            ):
                dates.append(pd.to_datetime(frame[column.name]).dropna().dt.normalize())
    every = pd.concat(dates, ignore_index=True)
    assert cal["date"].min().date() == date(every.min().year, 1, 1)
    assert cal["date"].max().date() == date(max(every.max().year, TODAY.year), 12, 31)
    assert every.isin(cal["date"]).all()
    assert cal.loc["2025-01-26", "is_workday"]  # a Sunday worked before the 2025 Spring Festival
    assert (
        cal.loc["2025-01-29", "holiday_name"]
        == chinese_calendar.Holiday(
            chinese_calendar.get_holiday_detail(date(2025, 1, 29))[1]
        ).chinese
    )


def test_a_calendar_file_may_give_only_the_flags_it_changes(new_warehouse, tmp_path):
    settings = new_warehouse()
    files = {**FILES, "calendar": ["date,is_workday", "2024-02-03,true"]}  # a training Saturday
    result = _load(settings, _write(tmp_path / "in", files))
    cal = _calendar(settings)
    assert cal.loc["2024-02-03", "is_workday"] and not cal.loc["2024-02-03", "is_holiday"]
    assert cal.loc["2024-02-03", "holiday_source"] == "file"
    omitted = {w.column for w in result.warnings if w.code.startswith("load.omitted.calendar")}
    assert omitted == {"is_holiday", "holiday_name", "holiday_name_en"}
