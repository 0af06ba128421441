"""The warehouse schema, declared explicitly (duckdb-engine cannot reflect under SQLAlchemy 2.1).

Every table the dashboard reads is declared here once; the seed generator, the loader,
the README's "Bring your own data" section and the tests all read these declarations.
Enumerated columns carry their allowed values in ``ENUMS`` so the loader can validate them;
open vocabularies (channel kinds, order categories, specialties) take any code, with the few
codes a metric depends on listed in ``RESERVED_CODES``. ``OMISSIBLE`` lists the columns a
source system may not have at all.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

from dashboard import schema_derived

metadata = MetaData()

MONEY = Numeric(14, 2)

# Allowed values of enumerated (closed) columns: (table, column) -> values. Channel kinds,
# order categories and specialties are open vocabularies (below), not listed here.
ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("cities", "tier"): ("tier1", "new_tier1", "tier2", "tier3"),
    ("channels", "tier"): ("core", "potential", "cooperative"),
    ("customers", "gender"): ("F", "M"),
    ("experiments", "metric"): ("conversion", "revenue"),
    ("experiments", "surface"): ("ad_copy", "booking_screen", "offer", "landing_page"),
    ("experiment_metrics", "kind"): ("proportion", "mean"),
    ("feedback", "problem_category"): (
        "equipment",
        "staff_attitude",
        "process",
        "waiting_time",
        "price",
        "environment",
        "treatment_effect",
        "communication",
        "hygiene",
        "booking",
        "other",
    ),
    ("budgets", "category"): ("marketing", "service", "operations", "reserve"),
    ("expenses", "category"): ("service", "operations", "reserve"),
    ("referral_rewards", "reward_type"): ("red_packet", "voucher", "gift"),
    ("scorecard_targets", "period_kind"): ("week", "month", "quarter", "year", "campaign"),
    ("scorecard_targets", "scope_kind"): ("chain", "city", "clinic"),
}

# Open vocabularies: (table, column) -> its optional label columns (zh, en). Any non-empty
# code loads (trimmed, up to the declared length); pages show the loaded label, else the
# catalogue's label for the sample's codes, else the code itself. Labels sit beside the
# code in the same file, so a chain fills them from the export that carries the code.
OPEN_VOCABULARIES: dict[tuple[str, str], tuple[str, str]] = {
    ("channels", "kind"): ("kind_zh", "kind_en"),
    ("orders", "category"): ("category_zh", "category_en"),
    ("clinics", "specialty"): ("specialty_zh", "specialty_en"),
}

# Codes of open vocabularies that a metric depends on (documented in the README): a reward
# paid to a referrer is the spend of the channel whose kind is 'referral'; the members page's
# private-traffic (私域) channels are those whose kind is 'wechat'.
RESERVED_CODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("channels", "kind"): ("referral", "wechat"),
}

# Cell values that a source system writes for a closed code, case-insensitive: value -> code,
# None meaning "not known" (loads as null). Gender stays F/M/null: an unknown gender is a
# missing value, not a third category a cut could be mistaken to cover.
VALUE_ALIASES: dict[tuple[str, str], dict[str, str | None]] = {
    ("customers", "gender"): {
        "男": "M",
        "女": "F",
        "male": "M",
        "female": "F",
        "未知": None,
        "不详": None,
        "u": None,
        "unknown": None,
    },
}

# Columns a source system may not have at all: a file without the column loads with the
# column empty (null), and the load warns naming the pages that show less. -> those pages
# (empty for label columns, whose absence only means the catalogue label is shown). Other
# nullable columns (customers.referrer_id, the leads' stage times …) stay refused when absent,
# since a load replaces the whole table and would silently erase them.
OMISSIBLE: dict[tuple[str, str], tuple[str, ...]] = {
    ("customers", "name"): ("exports",),
    ("customers", "phone"): ("exports",),
    ("customers", "gender"): (),
    ("customers", "birth_year"): (),
    ("customers", "home_lat"): ("regions",),
    ("customers", "home_lon"): ("regions",),
    ("clinics", "doctors"): ("funnel", "scorecard"),
    ("clinics", "lat"): ("regions",),
    ("clinics", "lon"): ("regions",),
    ("experiment_exposures", "value"): ("experiments",),
    ("experiment_exposures", "clinic_id"): ("experiments",),
    ("leads", "appointment_at"): ("regions", "scorecard", "weekly"),
    **{(table, label): () for (table, _), labels in OPEN_VOCABULARIES.items() for label in labels},
}

calendar = Table(
    "calendar",
    metadata,
    Column("date", Date, primary_key=True, comment="the day"),
    Column("iso_year", Integer, nullable=False, comment="ISO-8601 week-numbering year"),
    Column("iso_week", Integer, nullable=False, comment="ISO-8601 week number 1-53"),
    Column("week_start", Date, nullable=False, comment="Monday of the ISO week"),
    Column("month_start", Date, nullable=False, comment="first day of the month"),
    Column("year", Integer, nullable=False),
    Column("quarter", Integer, nullable=False, comment="1-4"),
    Column("month", Integer, nullable=False, comment="1-12"),
    Column("day_of_week", Integer, nullable=False, comment="1 = Monday … 7 = Sunday"),
    Column("is_holiday", Boolean, nullable=False, comment="Chinese public holiday"),
    Column("holiday_name", String(40), comment="e.g. 春节; null on other days"),
    Column(
        "is_workday",
        Boolean,
        nullable=False,
        comment="a working day: Monday-Friday unless a holiday, plus weekend days made workdays (调休)",
    ),
    Column("holiday_name_en", String(60), comment="e.g. Spring Festival; null on other days"),
    Column(
        "holiday_source",
        String(20),
        nullable=False,
        comment="where the flags come from: chinese_calendar (the State Council schedule), "
        "weekends (a year the library does not cover: weekends only) or file (calendar.csv)",
    ),
    comment="Built by the writer at every load: every day of every year that holds a date.",
)

# The calendar is the warehouse's job: the writer builds it at every load (and seed) from the
# dates of every loaded table, with holidays and 调休 from the chinesecalendar library
# (dashboard/warehouse/calendar_build.py). It is not loader input; a user's calendar.csv loads
# into calendar_overrides, whose rows replace the library's flags on the days they list and
# stay until a later calendar.csv replaces them.
BUILT_TABLES: tuple[str, ...] = ("calendar",)

calendar_overrides = Table(
    "calendar_overrides",
    metadata,
    Column("date", Date, primary_key=True, comment="the day whose flags this row overrides"),
    Column("is_holiday", Boolean, comment="true or false; empty keeps the library's"),
    Column("holiday_name", String(40), comment="required when is_holiday is true, e.g. 店庆"),
    Column("holiday_name_en", String(60), comment="optional English name of that holiday"),
    Column("is_workday", Boolean, comment="true or false; empty: derived (a holiday is not)"),
)

# Files named after their table, except calendar.csv, which loads into calendar_overrides.
FILE_ALIASES: dict[str, str] = {"calendar": "calendar_overrides"}

# Columns of the calendar computed from the date: a calendar.csv that carries them is refused
# with a message saying so (they are never taken from a file).
COMPUTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "calendar_overrides": tuple(
        c.name for c in calendar.columns if c.name not in calendar_overrides.c
    ),
}

# An override file may leave out any flag column: the listed days keep the library's value.
OMISSIBLE.update(
    {
        ("calendar_overrides", c): ()
        for c in ("is_holiday", "holiday_name", "holiday_name_en", "is_workday")
    }
)

cities = Table(
    "cities",
    metadata,
    Column("city_id", Integer, primary_key=True, autoincrement=False),
    Column("name_zh", String(40), nullable=False),
    Column("name_en", String(60), nullable=False),
    Column("province_zh", String(40), nullable=False),
    Column("province_en", String(60), nullable=False),
    Column("region_zh", String(20), nullable=False, comment="e.g. 华中"),
    Column("region_en", String(40), nullable=False, comment="e.g. Central China"),
    Column("tier", String(12), nullable=False, comment="tier1 / new_tier1 / tier2 / tier3"),
    Column("lat", Double, nullable=False),
    Column("lon", Double, nullable=False),
)

clinics = Table(
    "clinics",
    metadata,
    Column("clinic_id", Integer, primary_key=True, autoincrement=False),
    Column("name_zh", String(60), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("city_id", Integer, ForeignKey("cities.city_id"), nullable=False),
    Column("specialty", String(12), nullable=False, comment="e.g. eye / dental / ent"),
    Column("specialty_zh", String(40), comment="label of the specialty code, or null"),
    Column("specialty_en", String(60)),
    Column("doctors", Integer, comment="doctors on staff; null if unknown"),
    Column("staff", Integer, nullable=False, comment="all staff, for training hours per head"),
    Column("opened_on", Date, nullable=False),
    Column("lat", Double, comment="null: the map places the clinic at its city's centre"),
    Column("lon", Double),
)

channels = Table(
    "channels",
    metadata,
    Column("channel_id", Integer, primary_key=True, autoincrement=False),
    Column("code", String(30), nullable=False, unique=True, comment="stable code, e.g. douyin"),
    Column("name_zh", String(40), nullable=False),
    Column("name_en", String(60), nullable=False),
    Column("kind", String(20), nullable=False, comment="e.g. short_video, email"),
    Column("kind_zh", String(40), comment="label of the kind code, or null"),
    Column("kind_en", String(60)),
    Column("tier", String(12), nullable=False, comment="core / potential / cooperative"),
)

customers = Table(
    "customers",
    metadata,
    Column("customer_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(40), comment="personal data: masked unless allowed"),
    Column("phone", String(20), comment="personal data: masked unless allowed"),
    Column("gender", String(1), comment="F / M, null if unknown (男/女/未知 accepted)"),
    Column("birth_year", Integer),
    Column("home_city_id", Integer, ForeignKey("cities.city_id"), nullable=False),
    Column("home_clinic_id", Integer, ForeignKey("clinics.clinic_id"), nullable=False),
    Column("acquisition_channel_id", Integer, ForeignKey("channels.channel_id"), nullable=False),
    Column(
        "referrer_id",
        BigInteger,
        ForeignKey("customers.customer_id"),
        comment="the customer who referred this one, or null",
    ),
    Column("created_at", DateTime, nullable=False, comment="when the customer was registered"),
    Column("first_visit_on", Date, comment="first arrival at a clinic, or null"),
    Column("member_since", Date, comment="joined the membership programme, or null"),
    Column("home_lat", Double, comment="home district, not the exact address; null if unknown"),
    Column("home_lon", Double),
)

leads = Table(
    "leads",
    metadata,
    Column("lead_id", BigInteger, primary_key=True, autoincrement=False),
    Column("created_at", DateTime, nullable=False, comment="lead captured"),
    Column("channel_id", Integer, ForeignKey("channels.channel_id"), nullable=False),
    Column("clinic_id", Integer, ForeignKey("clinics.clinic_id"), nullable=False),
    Column("customer_id", BigInteger, ForeignKey("customers.customer_id"), comment="once known"),
    Column("is_returning", Boolean, nullable=False, comment="from an existing customer"),
    Column("inquiry_at", DateTime, comment="consultation / private message (咨询/私信)"),
    Column("booked_at", DateTime, comment="booking or order placed (预约/订单)"),
    Column("arrived_at", DateTime, comment="arrived at the clinic (到院)"),
    Column("paid_at", DateTime, comment="paid deal (成交)"),
    Column("deal_amount", MONEY, comment="revenue of the paid deal, or null"),
    Column(
        "appointment_at",
        DateTime,
        comment="when the booked visit is due (预约到诊时间); may lie ahead, not before the "
        "booking's day; null if not recorded",
    ),
)

channel_daily = Table(
    "channel_daily",
    metadata,
    Column("date", Date, ForeignKey("calendar.date"), primary_key=True, autoincrement=False),
    Column(
        "channel_id",
        Integer,
        ForeignKey("channels.channel_id"),
        primary_key=True,
        autoincrement=False,
    ),
    Column(
        "clinic_id", Integer, ForeignKey("clinics.clinic_id"), primary_key=True, autoincrement=False
    ),
    Column("impressions", BigInteger, nullable=False),
    Column("clicks", BigInteger, nullable=False),
    Column("spend", MONEY, nullable=False, comment="CNY"),
)

orders = Table(
    "orders",
    metadata,
    Column("order_id", BigInteger, primary_key=True, autoincrement=False),
    Column("customer_id", BigInteger, ForeignKey("customers.customer_id"), nullable=False),
    Column("clinic_id", Integer, ForeignKey("clinics.clinic_id"), nullable=False),
    Column(
        "lead_id", BigInteger, ForeignKey("leads.lead_id"), comment="the lead it closed, or null"
    ),
    Column("ordered_at", DateTime, nullable=False),
    Column("service", String(60), nullable=False),
    Column("category", String(20), nullable=False, comment="e.g. implant"),
    Column("category_zh", String(40), comment="label of the category code, or null"),
    Column("category_en", String(60)),
    Column("amount", MONEY, nullable=False, comment="CNY"),
)

experiments = Table(
    "experiments",
    metadata,
    Column("experiment_id", Integer, primary_key=True, autoincrement=False),
    Column("code", String(40), nullable=False, unique=True),
    Column("name_zh", String(80), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("hypothesis_zh", String(400), nullable=False),
    Column("hypothesis_en", String(600), nullable=False),
    Column("owner", String(40), nullable=False),
    Column("surface", String(20), nullable=False, comment="ad_copy / booking_screen / offer / …"),
    Column("metric", String(12), nullable=False, comment="conversion or revenue"),
    Column("has_guardrail", Boolean, nullable=False, comment="guardrail_event is recorded"),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, comment="null while running"),
)

experiment_variants = Table(
    "experiment_variants",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("variant_code", String(20), primary_key=True, autoincrement=False),
    Column("name_zh", String(80), nullable=False),
    Column("name_en", String(120), nullable=False),
    Column("is_control", Boolean, nullable=False),
    Column("planned_share", Double, nullable=False, comment="planned traffic share, 0-1"),
)

experiment_exposures = Table(
    "experiment_exposures",
    metadata,
    Column("exposure_id", BigInteger, primary_key=True, autoincrement=False),
    Column("experiment_id", Integer, ForeignKey("experiments.experiment_id"), nullable=False),
    Column("variant_code", String(20), nullable=False),
    Column(
        "clinic_id",
        Integer,
        ForeignKey("clinics.clinic_id"),
        comment="null if not known: seen only by viewers of the whole chain",
    ),
    Column(
        "unit_id",
        String(40),
        nullable=False,
        comment="visitor or customer key; once per experiment (the loader refuses a repeat)",
    ),
    Column("exposed_at", DateTime, nullable=False),
    Column("converted", Boolean, nullable=False),
    Column("value", MONEY, comment="revenue per unit, 0 if none; null if not tracked"),
    Column("guardrail_event", Boolean, comment="e.g. refund or complaint; null if not tracked"),
)

# Further metrics of an experiment, measured on the same exposures: one row per metric, and
# one outcome per exposed unit and metric in experiment_outcomes (a long table: any number of
# metrics without new columns, exported as one more query by the system that computes them).
# The experiment's own metric (experiments.metric: conversion from ``converted``, revenue from
# ``value``) stays its main metric; these codes are reserved here.
EXPERIMENT_BUILTIN_METRICS: tuple[str, ...] = ("conversion", "revenue")

experiment_metrics = Table(
    "experiment_metrics",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id"),
        primary_key=True,
        autoincrement=False,
    ),
    Column(
        "metric_code",
        String(30),
        primary_key=True,
        comment="e.g. retention_d7; not conversion or revenue (the main metric's codes)",
    ),
    Column("name_zh", String(80), nullable=False, comment="e.g. 7日留存率"),
    Column("name_en", String(120), nullable=False, comment="e.g. Day-7 retention"),
    Column(
        "kind",
        String(12),
        nullable=False,
        comment="proportion (outcomes 0 or 1; z-test) or mean (any number; Welch t)",
    ),
)

experiment_outcomes = Table(
    "experiment_outcomes",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id"),
        primary_key=True,
        autoincrement=False,
    ),
    Column(
        "unit_id",
        String(40),
        primary_key=True,
        comment="an exposed unit of the experiment (experiment_exposures.unit_id)",
    ),
    Column(
        "metric_code",
        String(30),
        primary_key=True,
        comment="a metric of the experiment (experiment_metrics.metric_code)",
    ),
    Column(
        "value",
        Double,
        nullable=False,
        comment="0 or 1 for a proportion, the unit's value for a mean; no row: not measured (yet)",
    ),
)

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", BigInteger, primary_key=True, autoincrement=False),
    Column("customer_id", BigInteger, ForeignKey("customers.customer_id"), nullable=False),
    Column("clinic_id", Integer, ForeignKey("clinics.clinic_id"), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("score", Integer, nullable=False, comment="1-5"),
    Column("problem_category", String(20), comment="one of 11 problem types, or null"),
    Column("is_complaint", Boolean, nullable=False, comment="a formal complaint"),
)

staff_training = Table(
    "staff_training",
    metadata,
    Column(
        "clinic_id", Integer, ForeignKey("clinics.clinic_id"), primary_key=True, autoincrement=False
    ),
    Column("date", Date, primary_key=True, autoincrement=False),
    Column("hours", Numeric(8, 1), nullable=False, comment="total staff training hours that day"),
)

budgets = Table(
    "budgets",
    metadata,
    Column("month_start", Date, primary_key=True, comment="first day of the month"),
    Column("city_id", Integer, ForeignKey("cities.city_id"), primary_key=True, autoincrement=False),
    Column(
        "category", String(12), primary_key=True, comment="marketing/service/operations/reserve"
    ),
    Column("amount", MONEY, nullable=False, comment="planned CNY"),
)

expenses = Table(
    "expenses",
    metadata,
    Column("date", Date, primary_key=True, autoincrement=False),
    Column(
        "clinic_id", Integer, ForeignKey("clinics.clinic_id"), primary_key=True, autoincrement=False
    ),
    Column("category", String(12), primary_key=True, comment="service / operations / reserve"),
    Column(
        "amount", MONEY, nullable=False, comment="actual CNY; marketing actuals are channel spend"
    ),
)

referral_rewards = Table(
    "referral_rewards",
    metadata,
    Column("reward_id", BigInteger, primary_key=True, autoincrement=False),
    Column("referrer_id", BigInteger, ForeignKey("customers.customer_id"), nullable=False),
    Column("referred_id", BigInteger, ForeignKey("customers.customer_id"), nullable=False),
    Column("clinic_id", Integer, ForeignKey("clinics.clinic_id"), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("reward_type", String(12), nullable=False),
    Column("amount", MONEY, nullable=False, comment="CNY; the referral channel's cost"),
)

scorecard_targets = Table(
    "scorecard_targets",
    metadata,
    Column("kpi_id", String(40), primary_key=True, comment="an id of the metric registry"),
    Column("period_kind", String(10), nullable=False),
    Column("period_start", Date, primary_key=True, autoincrement=False),
    Column("period_end", Date, primary_key=True, comment="inclusive"),
    Column("scope_kind", String(8), primary_key=True, comment="chain / city / clinic"),
    Column(
        "scope_id",
        Integer,
        primary_key=True,
        autoincrement=False,
        comment="city or clinic id; 0 for the chain",
    ),
    Column("target", Double, nullable=False),
    Column("label_zh", String(80), comment="campaign name, for north-star targets"),
    Column("label_en", String(120)),
)

# load_batches.source of a generated sample chain (the page frame's "sample data" notice).
SEED_SOURCE = "seed"

load_batches = Table(
    "load_batches",
    metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=False),
    Column("loaded_at", DateTime, nullable=False),
    Column("source", String(200), nullable=False, comment="seed or the loaded folder"),
    Column("tables", String(400), nullable=False, comment="comma-separated tables written"),
    # The load history (opsdash loads, the Load history page); null on rows of older versions.
    Column("mode", String(10), comment="seed, replace, append, upsert or undo"),
    Column("loaded_by", String(100), comment="the OS user, or opsdash load --as"),
    Column("files", Text, comment="JSON: the source files, each with its size and SHA-256"),
    Column("counts", Text, comment="JSON: per table, rows added and replaced"),
    Column("seconds", Double, comment="how long the load took, reading to commit"),
    Column("undoes", Integer, comment="for an undo: the batch it took back"),
)

# Source systems key records with text (HIS numbers with leading zeros, order numbers like
# DD20261101-0001, UUIDs, WeChat openids). Files carry those external ids in the id columns;
# the warehouse keeps integer ids (joins stay as fast as they are) and ``key_map`` holds the
# external id of every entity whose id is not simply its integer: an id written as a plain
# whole number (``12345``) is its own integer and needs no row. See loading/keys.py.
ENTITY_IDS: dict[str, str] = {
    "cities": "city_id",
    "clinics": "clinic_id",
    "channels": "channel_id",
    "customers": "customer_id",
    "leads": "lead_id",
    "orders": "order_id",
    "experiments": "experiment_id",
    "experiment_exposures": "exposure_id",
    "feedback": "feedback_id",
    "referral_rewards": "reward_id",
}
EXTERNAL_ID_LENGTH = 64

key_map = Table(
    "key_map",
    metadata,
    Column("table_name", String(40), primary_key=True, comment="an entity table"),
    Column(
        "external_id",
        String(EXTERNAL_ID_LENGTH),
        primary_key=True,
        comment="the id as the source system writes it",
    ),
    Column("internal_id", BigInteger, nullable=False, comment="the warehouse's integer id"),
)

# Load order: every table after the tables its foreign keys point at.
TABLE_ORDER: tuple[str, ...] = (
    "calendar_overrides",
    "cities",
    "clinics",
    "channels",
    "customers",
    "leads",
    "channel_daily",
    "orders",
    "experiments",
    "experiment_variants",
    "experiment_exposures",
    "experiment_metrics",
    "experiment_outcomes",
    "feedback",
    "staff_training",
    "budgets",
    "expenses",
    "referral_rewards",
    "scorecard_targets",
)

# Derived tables (summaries the writer rebuilds at every load), declared on the same metadata.
DERIVED_TABLES: tuple[str, ...] = schema_derived.declare(metadata, MONEY)

# Tables that hold personal data, and their personal columns.
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {"customers": ("name", "phone")}


def table(name: str) -> Table:
    """Return the declared table called ``name``."""
    return metadata.tables[name]


def primary_key(name: str) -> tuple[str, ...]:
    """The primary-key columns of the declared table ``name`` (rows with one key are one row)."""
    return tuple(c.name for c in table(name).primary_key.columns)
