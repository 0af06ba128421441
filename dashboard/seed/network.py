"""The clinic network: cities from ``cities.csv`` and about forty clinics spread over them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.seed.core import Window, date_column, rng_for
from dashboard.seed.reference import SPECIALTIES, Reference

# Brand names (zh, en) in the order of SPECIALTIES.
BRANDS = dict(
    zip(
        SPECIALTIES,
        (
            ("明视眼科", "Mingshi Eye"),
            ("皓齿口腔", "Haochi Dental"),
            ("悦颜医美", "Yueyan Aesthetics"),
        ),
        strict=True,
    )
)
ORDINALS_ZH = "一二三四五六"
# Relative footfall a clinic draws by city tier: lower-tier cities have thinner markets.
TIER_TRAFFIC = {"tier1": 1.35, "new_tier1": 1.0, "tier2": 0.8, "tier3": 0.6}
NEW_CLINICS = 2  # clinics that open inside the window, so "a new clinic ramps up" is visible


@dataclass
class Network:
    """Cities and clinics as frames plus the per-clinic arrays the other steps index."""

    cities: pd.DataFrame
    clinics: pd.DataFrame
    city: np.ndarray  # clinic -> city row (0-based)
    spec: np.ndarray  # clinic -> specialty index into SPECIALTIES
    traffic: np.ndarray  # clinic -> relative lead volume
    open_day: np.ndarray  # clinic -> first window day it takes leads (0 if open before)
    fv_target: np.ndarray  # clinic -> intended first visits per doctor per month

    @property
    def size(self) -> int:
        """Number of clinics."""
        return len(self.clinics)


def build_cities(ref: Reference) -> pd.DataFrame:
    """The cities table (ids in file order)."""
    cols = ["name_zh", "name_en", "province_zh", "province_en", "region_zh", "region_en"]
    out = ref.cities[[*cols, "tier", "lat", "lon"]].copy()
    out.insert(0, "city_id", np.arange(1, len(out) + 1, dtype=np.int32))
    return out


def _specialties(cities: pd.DataFrame, counts: np.ndarray) -> list[int]:
    # Rotate the starting specialty by city so the chain stays balanced; tier-3 cities
    # carry only eye and dental clinics (aesthetics needs a bigger market).
    out: list[int] = []
    for i, (tier, n) in enumerate(zip(cities["tier"], counts, strict=True)):
        cycle = [0, 1] if tier == "tier3" else [0, 1, 2]
        out += [cycle[(i + k) % len(cycle)] for k in range(n)]
    return out


def build_network(ref: Reference, window: Window, seed: int) -> Network:
    """Cities and clinics (without doctors and staff, which follow the generated traffic)."""
    rng = rng_for(seed, "network")
    cities = build_cities(ref)
    counts = ref.cities["clinics"].to_numpy(int)
    city = np.repeat(np.arange(len(cities)), counts)
    spec = np.array(_specialties(cities, counts))
    n = len(city)
    tiers = cities["tier"].to_numpy()[city]
    traffic = np.array([TIER_TRAFFIC[t] for t in tiers]) * rng.lognormal(0.0, 0.35, n)
    # Later clinics in a city are newer: a second clinic opens years after the flagship.
    opened = [date(2012, 1, 1) + timedelta(days=int(d)) for d in np.sort(rng.integers(0, 3600, n))]
    opened = [min(o, window.start - timedelta(days=400)) for o in opened]
    open_day = np.zeros(n, dtype=np.int64)
    candidates = [i for i in range(1, n) if city[i] == city[i - 1]]
    for i in rng.choice(candidates, size=NEW_CLINICS, replace=False):
        open_day[i] = int(rng.integers(window.days // 4, window.days // 2))
        opened[i] = window.start + timedelta(days=int(open_day[i]))
    # A spread of intended first visits per doctor per month (初诊/医生/月): some clinics
    # under 25 (lacks traffic, 缺流量), most healthy around 50, some busier.
    fv_target = rng.permutation(np.linspace(15.0, 70.0, n))
    lat = cities["lat"].to_numpy()[city] + rng.normal(0, 0.035, n)
    lon = cities["lon"].to_numpy()[city] + rng.normal(0, 0.035, n)
    names_zh: list[str] = []
    names_en: list[str] = []
    seen: dict[tuple[object, object], int] = {}  # (city, specialty) -> clinics so far
    for c, s in zip(city, spec, strict=True):
        k = seen[(c, s)] = seen.get((c, s), 0) + 1
        brand_zh, brand_en = BRANDS[SPECIALTIES[s]]
        names_zh.append(f"{brand_zh}·{cities['name_zh'].iat[c]}{ORDINALS_ZH[k - 1]}店")
        names_en.append(f"{brand_en} {cities['name_en'].iat[c]} {k}")
    clinics = pd.DataFrame(
        {
            "clinic_id": np.arange(1, n + 1, dtype=np.int32),
            "name_zh": names_zh,
            "name_en": names_en,
            "city_id": (city + 1).astype(np.int32),
            "specialty": [SPECIALTIES[s] for s in spec],
            "doctors": np.ones(n, dtype=np.int32),
            "staff": np.ones(n, dtype=np.int32),
            "opened_on": date_column(opened),
            "lat": np.round(lat, 4),
            "lon": np.round(lon, 4),
        }
    )
    return Network(cities, clinics, city, spec, traffic, open_day, fv_target)


def staff_clinics(net: Network, monthly_first_visits: np.ndarray, seed: int) -> None:
    """Set doctors (and staff) from the first visits each clinic actually received.

    Sizing doctors from realised traffic keeps first visits per doctor in the intended
    15–70 spread at any ``leads`` scale; staff adds nurses, consultants and front desk.
    """
    rng = rng_for(seed, "staffing")
    doctors = np.maximum(1, np.round(monthly_first_visits / net.fv_target)).astype(np.int32)
    staff = doctors * rng.uniform(2.5, 3.5, net.size) + rng.integers(4, 10, net.size)
    net.clinics["doctors"] = doctors
    net.clinics["staff"] = np.round(staff).astype(np.int32)
