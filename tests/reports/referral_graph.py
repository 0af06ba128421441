"""A hand-built referral graph whose ranking is known by construction (ties included).

Period: October 2026. Three cities in two regions; referrers A…H (ids 1…8) bring the
customers listed in ``REFERRALS``; each referred customer's first paid order, first visit
and spend are set so that every tie-break of the ranking rule is exercised:

- A (郑州) 3 valid, ¥300 in the period        → first overall (most valid)
- B (郑州) 2 paid + 1 only arrived, ¥2,000     → second by paid; first by arrived (3, beats A on revenue)
- E (北京) 2 valid, ¥800, first referral 09-01 → beats D (same revenue, earlier first referral)
- F (北京) 2 valid, ¥800, first referral 09-01 → same as E to the second: the lower id (E) wins
- D (武汉) 2 valid, ¥800, first referral 09-10
- C (武汉) 2 valid, ¥500                       → below D on revenue
- H (北京) 1 valid; their 81 brought 811 and 812 (second-degree 2)
- G (郑州) 0 valid: 71 first paid in September, 72 registered only → not ranked
- customer 9 refers no one; their first order in October makes them a new, unreferred customer
A's 11 brought 111 (A's second-degree 1). 13's second order and a referral registered after
the period end must not count.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

START, END = date(2026, 10, 1), date(2026, 10, 31)
PHONE_BASE = 13_900_000_000

CITIES = pd.DataFrame(
    {
        "city_id": [1, 2, 3],
        "name_zh": ["郑州", "武汉", "北京"],
        "name_en": ["Zhengzhou", "Wuhan", "Beijing"],
        "province_zh": ["河南省", "湖北省", "北京市"],
        "province_en": ["Henan", "Hubei", "Beijing"],
        "region_zh": ["华中", "华中", "华北"],
        "region_en": ["Central China", "Central China", "North China"],
        "tier": ["new_tier1", "new_tier1", "tier1"],
        "lat": [34.7, 30.6, 39.9],
        "lon": [113.6, 114.3, 116.4],
    }
)
CLINICS = pd.DataFrame(
    {
        "clinic_id": [10, 20, 30],
        "name_zh": ["郑州口腔", "武汉眼科", "北京医美"],
        "name_en": ["Dental Zhengzhou", "Eye Wuhan", "Aesthetics Beijing"],
        "city_id": [1, 2, 3],
        "specialty": ["dental", "eye", "aesthetic"],
        "doctors": 3,
        "staff": 12,
        "opened_on": pd.Timestamp("2020-01-01"),
        "lat": [34.7, 30.6, 39.9],
        "lon": [113.6, 114.3, 116.4],
    }
)
CHANNELS = pd.DataFrame(
    {
        "channel_id": [1, 2],
        "code": ["wechat_oa", "referral"],
        "name_zh": ["公众号", "老带新"],
        "name_en": ["WeChat official account", "Referral"],
        "kind": ["wechat", "referral"],
        "tier": ["core", "core"],
    }
)
HOME = {1: 10, 2: 10, 3: 20, 4: 20, 5: 30, 6: 30, 7: 10, 8: 30, 9: 10}  # referrer -> home clinic
CITY_OF_CLINIC = {10: 1, 20: 2, 30: 3}

# referred id: (referrer, registered, first visit, [(order time, amount), ...])
REFERRALS: dict[int, tuple[int, str, str | None, list[tuple[str, float]]]] = {
    11: (1, "2026-09-05 10:00", "2026-10-02", [("2026-10-02 11:00", 100.0)]),
    12: (1, "2026-09-06 10:00", "2026-10-03", [("2026-10-03 11:00", 100.0)]),
    13: (
        1,
        "2026-09-07 10:00",
        "2026-10-04",
        [("2026-10-04 11:00", 100.0), ("2026-11-02 09:00", 999.0)],
    ),
    21: (2, "2026-10-05 10:00", "2026-10-06", [("2026-10-06 11:00", 1000.0)]),
    22: (2, "2026-10-05 12:00", "2026-10-07", [("2026-10-07 11:00", 1000.0)]),
    23: (2, "2026-10-06 10:00", "2026-10-08", []),
    31: (3, "2026-09-02 10:00", "2026-10-09", [("2026-10-09 11:00", 250.0)]),
    32: (3, "2026-09-03 10:00", "2026-10-09", [("2026-10-09 12:00", 250.0)]),
    41: (4, "2026-09-10 10:00", "2026-10-10", [("2026-10-10 11:00", 400.0)]),
    42: (4, "2026-09-11 10:00", "2026-10-10", [("2026-10-10 12:00", 400.0)]),
    51: (5, "2026-09-01 10:00", "2026-10-11", [("2026-10-11 11:00", 400.0)]),
    52: (5, "2026-09-02 10:00", "2026-10-11", [("2026-10-11 12:00", 400.0)]),
    61: (6, "2026-09-01 10:00", "2026-10-12", [("2026-10-12 11:00", 300.0)]),
    62: (6, "2026-09-03 10:00", "2026-10-12", [("2026-10-12 12:00", 500.0)]),
    71: (
        7,
        "2026-09-01 10:00",
        "2026-09-02",
        [("2026-09-02 11:00", 50.0), ("2026-10-15 11:00", 70.0)],
    ),
    72: (7, "2026-10-20 10:00", None, []),
    81: (8, "2026-08-01 10:00", "2026-10-13", [("2026-10-13 11:00", 60.0)]),
    111: (11, "2026-10-20 10:00", None, []),
    811: (81, "2026-10-21 10:00", None, []),
    812: (81, "2026-10-22 10:00", None, []),
    14: (1, "2026-11-03 10:00", "2026-11-04", [("2026-11-04 11:00", 100.0)]),
}
# Referrers' own spend (all before the period end) decides their value tier.
OWN_ORDERS: dict[int, list[tuple[str, float]]] = {
    1: [("2025-06-01 10:00", 25_000.0)],
    2: [("2025-06-01 10:00", 6_000.0)],
    3: [("2025-06-01 10:00", 100.0)],
    5: [("2025-06-01 10:00", 4_000.0), ("2026-10-01 09:00", 1_000.0)],
    8: [("2026-11-05 10:00", 50_000.0)],
    9: [("2026-10-20 10:00", 300.0)],  # a new customer of the period who was not referred
}
# The ranking the rule must produce (paid basis, whole chain) and per city / region.
EXPECTED_PAID = [1, 2, 5, 6, 4, 3, 8]
EXPECTED_ARRIVED = [2, 1, 5, 6, 4, 3, 8]
EXPECTED_CITY = {1: [1, 2], 2: [4, 3], 3: [5, 6, 8]}
EXPECTED_REGION = {"Central China": [1, 2, 4, 3], "North China": [5, 6, 8]}


def _name(customer_id: int) -> str:
    return f"张{'三四五六七八九'[customer_id % 7]}丰"


def phone(customer_id: int) -> str:
    """The raw phone number of a customer of the graph."""
    return str(PHONE_BASE + customer_id)


def customers() -> pd.DataFrame:
    """The referrers (registered in 2024) and everyone they brought."""
    rows = []
    for cid, clinic in HOME.items():
        rows.append((cid, clinic, None, "2024-03-01 10:00", "2024-03-02", 1))
    for cid, (ref, created, visit, _) in REFERRALS.items():
        clinic = HOME.get(ref, HOME.get(REFERRALS.get(ref, (8,))[0], 30))
        rows.append((cid, clinic, ref, created, visit, 2))
    frame = pd.DataFrame(
        rows, columns=["customer_id", "home_clinic_id", "referrer_id", "created_at", "visit", "ch"]
    )
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"].astype("int64"),
            "name": [_name(c) for c in frame["customer_id"]],
            "phone": [phone(c) for c in frame["customer_id"]],
            "gender": "F",
            "birth_year": 1990,
            "home_city_id": [CITY_OF_CLINIC[k] for k in frame["home_clinic_id"]],
            "home_clinic_id": frame["home_clinic_id"].astype("int32"),
            "acquisition_channel_id": frame["ch"].astype("int32"),
            "referrer_id": pd.array(frame["referrer_id"], dtype="Int64"),
            "created_at": pd.to_datetime(frame["created_at"]).astype("datetime64[s]"),
            "first_visit_on": pd.to_datetime(frame["visit"]).astype("datetime64[s]"),
            "member_since": pd.NaT,
            "home_lat": 34.7,
            "home_lon": 113.6,
        }
    )


def orders(cust: pd.DataFrame) -> pd.DataFrame:
    """Every paid order of the graph, at the customer's home clinic."""
    clinic = dict(zip(cust["customer_id"], cust["home_clinic_id"], strict=True))
    rows = [
        (cid, when, amount) for cid, (_, _, _, items) in REFERRALS.items() for when, amount in items
    ]
    rows += [(cid, when, amount) for cid, items in OWN_ORDERS.items() for when, amount in items]
    frame = pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])
    return pd.DataFrame(
        {
            "order_id": range(1, len(frame) + 1),
            "customer_id": frame["customer_id"].astype("int64"),
            "clinic_id": [clinic[c] for c in frame["customer_id"]],
            "lead_id": pd.array([None] * len(frame), dtype="Int64"),
            "ordered_at": pd.to_datetime(frame["ordered_at"]).astype("datetime64[s]"),
            "service": "treatment",
            "category": "treatment",
            "amount": frame["amount"],
        }
    )


def tables() -> dict[str, pd.DataFrame]:
    """The tables the referrer queries read, ready for ``replace_tables``."""
    cust = customers()
    return {
        "cities": CITIES,
        "clinics": CLINICS,
        "channels": CHANNELS,
        "customers": cust,
        "orders": orders(cust),
    }


def period_ts() -> tuple[datetime, datetime]:
    """The period as [start, end) timestamps."""
    return datetime(2026, 10, 1), datetime(2026, 11, 1)
