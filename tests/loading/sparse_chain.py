"""A real-shaped chain for the loader: the generated sample with what real systems lack.

``sparse_tables`` turns the generated tables into what a chain's exports look like: customers
with no name, phone or birth-year columns at all, genders written 男/女/未知, 30% without home
coordinates; a third of the clinics without a doctor count or coordinates, some of them of a
new specialty ``ent``; channel kinds and order categories of the chain's own (some with
labels, some without); a revenue experiment whose exposures carry no value, and exposures
without a clinic. ``write_folder`` writes it as the CSV files a user would load. The frames
returned are the raw rows the tests' independent pandas computations start from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.loading.exporting import export_tables
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse.writer import replace_tables

# Columns the customers' export does not have at all.
OMITTED = {"customers": ("name", "phone", "birth_year")}
NEW_KINDS = {  # sample kind -> (chain's kind, zh label, en label); "" = no label given
    "moments_ads": ("mini_program_ads", "小程序广告", "Mini-program ads"),
    "offline": ("display", "", ""),
    "corporate": ("email", "邮件营销", "E-mail"),
    "search": ("organic_search", "", ""),
}
NEW_CATEGORIES = {  # sample category -> (chain's category, zh label, en label)
    "implant": ("dental_implant", "种植牙", "Dental implants"),
    "laser": ("激光", "", ""),
}
ENT = ("ent", "耳鼻喉科", "ENT")
GENDER_TEXT = {"F": "女", "M": "男"}


def sparse_tables(raw: dict[str, pd.DataFrame], seed: int = 21) -> dict[str, pd.DataFrame]:
    """The generated tables as a real chain's exports would give them (see the module doc)."""
    rng = np.random.default_rng(seed)
    t = {name: frame.copy() for name, frame in raw.items()}
    for name, col in (("orders", "category"), ("channels", "kind"), ("clinics", "specialty")):
        t[name][col] = t[name][col].astype(object)  # the generator's may be categorical

    cust = t["customers"]
    homeless = rng.random(len(cust)) < 0.3
    cust.loc[homeless, ["home_lat", "home_lon"]] = np.nan
    unknown = rng.random(len(cust)) < 0.1
    cust["gender"] = cust["gender"].astype(object)
    cust.loc[unknown, "gender"] = None
    for col in OMITTED["customers"]:
        cust[col] = None

    clinics = t["clinics"].sort_values("clinic_id").reset_index(drop=True)
    ids = clinics["clinic_id"].to_numpy()
    clinics["doctors"] = clinics["doctors"].astype("Int32")
    clinics.loc[ids % 3 == 0, "doctors"] = pd.NA
    clinics.loc[ids % 3 == 1, ["lat", "lon"]] = np.nan
    ent = ids % 5 == 0
    clinics["specialty_zh"] = None
    clinics["specialty_en"] = None
    clinics.loc[ent, ["specialty", "specialty_zh", "specialty_en"]] = list(ENT)
    t["clinics"] = clinics

    ch = t["channels"]
    ch["kind_zh"], ch["kind_en"] = None, None
    for old, (new, zh, en) in NEW_KINDS.items():
        hit = ch["kind"] == old
        ch.loc[hit, "kind"] = new
        if zh:
            ch.loc[hit, ["kind_zh", "kind_en"]] = [zh, en]

    orders = t["orders"]
    orders["category_zh"], orders["category_en"] = None, None
    for old, (new, zh, en) in NEW_CATEGORIES.items():
        hit = orders["category"] == old
        orders.loc[hit, "category"] = new
        if zh:
            orders.loc[hit, ["category_zh", "category_en"]] = [zh, en]

    ex = t["experiment_exposures"]
    revenue = t["experiments"].loc[t["experiments"]["metric"] == "revenue", "experiment_id"]
    if len(revenue):
        ex["value"] = ex["value"].astype(object)
        ex.loc[ex["experiment_id"] == revenue.iloc[0], "value"] = None
    ex["clinic_id"] = ex["clinic_id"].astype("Int32")
    ex.loc[rng.random(len(ex)) < 0.1, "clinic_id"] = pd.NA
    return t


def write_folder(tables: dict[str, pd.DataFrame], folder: Path, scratch: Path) -> Path:
    """Write the tables as CSV files the way a chain exports them (columns left out, 男/女)."""
    settings = Settings(warehouse_url=duckdb_url(scratch / "scratch.duckdb"))
    replace_tables(settings, tables, source="sparse fixture")
    export_tables(settings, folder)
    path = folder / "customers.csv"
    customers = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    customers = customers.drop(columns=list(OMITTED["customers"]))
    customers["gender"] = customers["gender"].map(lambda g: GENDER_TEXT.get(g, "未知"))
    customers.to_csv(path, index=False, encoding="utf-8-sig")
    return folder
