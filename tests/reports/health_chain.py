"""A small real-shaped chain for the data-health tests, as text rows, with or without gaps.

``chain(gaps=True)`` has every condition data health warns about: leads that reached a later
stage without the earlier stage's time, customers without gender, birth year or home
coordinates, a clinic without doctors and one without coordinates, exposures without value or
clinic, orders going back to 2019 while spend covers only the first half of 2023, leads after
the last spend day, and referral leads without any referral reward. ``chain(gaps=False)`` has
none of them. ``bare()`` is the clean chain with every optional table empty. Ids are text, as
source systems write them (leading zeros, order numbers); no calendar file: the warehouse
builds the calendar.
"""

from __future__ import annotations

import csv
from pathlib import Path

from dashboard import schema

Rows = dict[str, list[dict[str, str]]]


def _rows(header: str, *lines: str) -> list[dict[str, str]]:
    names = header.split("|")
    return [dict(zip(names, line.split("|"), strict=True)) for line in lines]


_LEADS = "lead_id|created_at|channel_id|clinic_id|customer_id|is_returning|inquiry_at|booked_at|arrived_at|paid_at|deal_amount"


def _leads(gaps: bool) -> list[dict[str, str]]:
    """Twelve leads from 2019 to 2024; with gaps, later stages without the earlier times."""
    full = [
        "L-0001|2019-02-01 09:00:00|1|10|000101|false|2019-02-01 09:05:00|2019-02-02 10:00:00|2019-02-03 10:00:00|2019-02-03 11:00:00|3200.00",
        "L-0002|2019-06-01 09:00:00|2|10|000102|false|2019-06-01 09:10:00|2019-06-02 10:00:00|2019-06-03 10:00:00||",
        "L-0003|2020-03-01 10:00:00|3|11||false|2020-03-01 10:30:00||||",
        "L-0004|2021-04-04 07:00:00|3|20|000104|true|2021-04-04 07:10:00|2021-04-04 07:30:00|2021-04-05 09:00:00|2021-04-05 09:30:00|15800.50",
        "L-0005|2022-05-05 08:00:00|1|20|000105|false|||||",
        "L-0006|2023-01-10 08:00:00|1|10|000106|false|2023-01-10 08:20:00|2023-01-11 08:00:00|2023-01-12 08:00:00|2023-01-12 09:00:00|880.00",
        "L-0007|2023-02-10 08:00:00|2|11|000107|false|2023-02-10 08:20:00|2023-02-11 08:00:00|||",
        "L-0008|2023-03-10 08:00:00|3|20|000108|false|2023-03-10 09:00:00||||",
        "L-0009|2023-04-10 08:00:00|1|10||false|||||",
        "L-0010|2023-05-10 08:00:00|2|10|000102|true|2023-05-10 08:30:00|2023-05-11 08:00:00|2023-05-12 08:00:00|2023-05-12 08:30:00|420.00",
        "L-0011|2023-06-10 08:00:00|1|11|000103|false|2023-06-10 08:15:00||||",
        "L-0012|2023-06-20 08:00:00|3|20||false|2023-06-20 08:15:00||||",
    ]
    if gaps:
        # Walk-ins, phone bookings, deals keyed in at the till; and leads after the last spend.
        full[1] = (
            "L-0002|2019-06-01 09:00:00|2|10|000102|false||2019-06-02 10:00:00|2019-06-03 10:00:00||"
        )
        full[3] = (
            "L-0004|2021-04-04 07:00:00|3|20|000104|true|||2021-04-05 09:00:00|2021-04-05 09:30:00|15800.50"
        )
        full[5] = (
            "L-0006|2023-01-10 08:00:00|1|10|000106|false|2023-01-10 08:20:00|2023-01-11 08:00:00||2023-01-12 09:00:00|880.00"
        )
        full[11] = "L-0012|2024-09-20 08:00:00|3|20||false|2024-09-20 08:15:00||||"
    rows = _rows(_LEADS, *full)
    # The visit each booking was made for: the booking's own time (the same day is allowed);
    # with gaps, two bookings keyed in without one (phone bookings).
    for row in rows:
        row["appointment_at"] = row["booked_at"]
        if gaps and row["lead_id"] in ("L-0007", "L-0010"):
            row["appointment_at"] = ""
    return rows


def chain(gaps: bool) -> Rows:
    """Every table of the chain as text rows; ``gaps`` puts in every warned condition."""
    spend = [
        "2023-01-01|1|10|12000|480|1500.00",
        "2023-03-01|3|20|8000|160|2300.75",
        "2023-06-30|1|11|11000|420|1400.00",
    ]
    if not gaps:  # spend from the first lead to the last order
        spend = ["2019-02-01|1|10|9000|300|900.00", *spend, "2024-12-31|2|10|100|4|10.00"]
    # Two customers' home coordinates, and two customers' gender and birth year.
    home = ("|", "|", "", "") if gaps else ("34.75|113.6", "34.7|113.7", "F", "1990")
    return {
        "cities": _rows(
            "city_id|name_zh|name_en|province_zh|province_en|region_zh|region_en|tier|lat|lon",
            "1|郑州|Zhengzhou|河南|Henan|华中|Central China|new_tier1|34.7466|113.6253",
            "2|上海|Shanghai|上海|Shanghai|华东|East China|tier1|31.2304|121.4737",
        ),
        "clinics": _rows(
            "clinic_id|name_zh|name_en|city_id|specialty|doctors|staff|opened_on|lat|lon",
            "10|郑州眼科中心|Zhengzhou Eye Centre|1|eye|5|30|2018-05-01|34.75|113.62",
            f"11|郑州口腔|Zhengzhou Dental|1|dental|{'' if gaps else '3'}|12|2018-03-15|34.76|113.65",
            "20|上海医美|Shanghai Aesthetics|2|aesthetic|4|25|2018-09-09|"
            + ("|" if gaps else "31.22|121.45"),
        ),
        "channels": _rows(
            "channel_id|code|name_zh|name_en|kind|tier",
            "1|douyin|抖音|Douyin|short_video|core",
            "2|referral|老带新|Old brings new|referral|cooperative",
            "3|baidu|百度竞价|Baidu search ads|search|potential",
        ),
        "customers": _rows(
            "customer_id|name|phone|gender|birth_year|home_city_id|home_clinic_id|"
            "acquisition_channel_id|referrer_id|created_at|first_visit_on|member_since|"
            "home_lat|home_lon",
            "000101|张伟|13800138001|M|1985|1|10|1||2019-02-01 09:00:00|2019-02-03||34.75|113.6",
            "000102|王芳|13800138002|F|1990|1|10|2|000101|2019-06-01 10:30:00|2019-06-03|2019-06-03|"
            + home[0],
            f"000103|||{home[2]}|{home[3]}|1|11|1||2020-03-01 11:15:30|||34.8|113.5",
            "000104|刘洋|13800138004|M|1978|2|20|3||2021-04-04 08:00:00|2021-04-05||31.2|121.4",
            f"000105|陈静|13800138005|{home[2]}|{home[3]}|2|20|1||2022-05-05 20:45:00|||" + home[1],
            "000106|赵磊|13800138006|M|1988|1|10|1||2023-01-10 08:00:00|2023-01-12||34.74|113.61",
            "000107|孙丽|13800138007|F|1999|1|11|2|000102|2023-02-10 08:00:00|||34.77|113.66",
            "000108|周杰|13800138008|M|1979|2|20|3||2023-03-10 08:00:00|||31.21|121.46",
        ),
        "leads": _leads(gaps),
        "channel_daily": _rows("date|channel_id|clinic_id|impressions|clicks|spend", *spend),
        "orders": _rows(
            "order_id|customer_id|clinic_id|lead_id|ordered_at|service|category|amount",
            "DD20190203-0001|000101|10|L-0001|2019-02-03 11:00:00|全飞秒近视手术|surgery|3200.00",
            "DD20210405-0001|000104|20|L-0004|2021-04-05 09:30:00|玻尿酸注射|injectable|15800.50",
            "DD20230112-0001|000106|10|L-0006|2023-01-12 09:00:00|验光配镜|optical|880.00",
            "DD20230512-0001|000102|10|L-0010|2023-05-12 08:30:00|洗牙|cleaning|420.00",
        ),
        "experiments": _rows(
            "experiment_id|code|name_zh|name_en|hypothesis_zh|hypothesis_en|owner|surface|metric|"
            "has_guardrail|started_on|ended_on",
            "1|free_consult_copy|免费专家咨询文案|Free expert consultation copy|"
            "免费专家咨询文案提高点击率|Copy offering a free expert consultation lifts CTR|"
            "市场部|ad_copy|revenue|true|2023-01-01|2023-03-31",
        ),
        "experiment_variants": _rows(
            "experiment_id|variant_code|name_zh|name_en|is_control|planned_share",
            "1|A|原文案|Original copy|true|0.5",
            "1|B|免费咨询|Free consultation|false|0.5",
        ),
        "experiment_exposures": _rows(
            "exposure_id|experiment_id|variant_code|clinic_id|unit_id|exposed_at|converted|value|"
            "guardrail_event",
            "1|1|A|10|v-001|2023-01-01 12:00:00|false|0.00|false",
            f"2|1|B|{'' if gaps else '10'}|v-002|2023-01-01 12:05:00|true|199.00|",
            f"3|1|B|11|v-003|2023-01-02 08:00:00|true|{'' if gaps else '0.00'}|true",
            "4|1|A|11|v-004|2023-01-03 08:00:00|false|0.00|false",
        ),
        "feedback": _rows(
            "feedback_id|customer_id|clinic_id|submitted_at|score|problem_category|is_complaint",
            "1|000101|10|2019-02-04 12:00:00|5||false",
            "2|000104|20|2021-04-06 10:00:00|2|waiting_time|true",
        ),
        "staff_training": _rows("clinic_id|date|hours", "10|2023-01-03|2.5", "20|2023-01-04|6.0"),
        "budgets": _rows("month_start|city_id|category|amount", "2023-01-01|1|marketing|20000.00"),
        "expenses": _rows("date|clinic_id|category|amount", "2023-01-02|10|service|5200.00"),
        "referral_rewards": []
        if gaps
        else _rows(
            "reward_id|referrer_id|referred_id|clinic_id|paid_on|reward_type|amount",
            "R-01|000101|000102|10|2019-06-04|red_packet|10.00",
        ),
        "scorecard_targets": _rows(
            "kpi_id|period_kind|period_start|period_end|scope_kind|scope_id|target|label_zh|label_en",
            "arrivals|month|2023-01-01|2023-01-31|chain|0|40||",
        ),
    }


# Tables a chain may leave empty (the "bare" chain): each warns, none fails the load.
OPTIONAL_TABLES = (
    "experiments",
    "experiment_variants",
    "experiment_exposures",
    "feedback",
    "staff_training",
    "budgets",
    "expenses",
    "referral_rewards",
    "scorecard_targets",
)


def bare() -> Rows:
    """The clean chain with every optional table empty (a header and no rows)."""
    rows = chain(gaps=False)
    return {name: ([] if name in OPTIONAL_TABLES else table) for name, table in rows.items()}


def write(folder: Path, rows: Rows) -> Path:
    """Each table as ``folder/<table>.csv`` (UTF-8); an empty table as its header alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in rows.items():
        header = list(table[0]) if table else [c.name for c in schema.table(name).columns]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(table)
    return folder
