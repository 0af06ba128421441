"""An independent pandas computation of the regions page's figures from the raw generated rows.

Written from the definitions (not from the SQL): every fact is counted in the city of its
clinic; lead events use the lead's channel, orders and feedback the customer's acquisition
channel; a new customer's first paid order ever (by time, then order id) is in the span.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from dashboard.filters import Filters
from tests.reports.kpi_expected import latest_fact

COUNTS = (
    "bookings",
    "arrivals",
    "revenue",
    "paying_customers",
    "new_customers",
    "responses",
    "complaints",
    "appointments",
    "appointment_arrivals",
    "booked_arrivals",
    "booked_with_appointment",
)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def _kept_clinics(raw: dict[str, pd.DataFrame], f: Filters, scope_cities=None) -> pd.DataFrame:
    k = raw["clinics"][["clinic_id", "city_id", "specialty", "lat", "lon"]]
    if f.cities:
        k = k[k.city_id.isin(f.cities)]
    if scope_cities is not None:
        k = k[k.city_id.isin(scope_cities)]
    if f.specialties:
        k = k[k.specialty.isin(f.specialties)]
    if f.clinics:
        k = k[k.clinic_id.isin(f.clinics)]
    return k


def _channels(raw, f: Filters) -> set[int]:
    return set(f.channels) if f.channels else set(raw["channels"].channel_id)


def facts(raw: dict[str, pd.DataFrame], f: Filters, start: date, end: date) -> pd.DataFrame:
    """One row per counted fact in [start, end]: city_id, clinic_id, channel_id, day, measure."""
    lo, hi = _bounds(start, end)
    clinics = _kept_clinics(raw, f)[["clinic_id", "city_id"]]
    channels = _channels(raw, f)
    acq = raw["customers"][["customer_id", "acquisition_channel_id"]]
    parts = []
    leads = raw["leads"].merge(clinics, on="clinic_id")
    leads = leads[leads.channel_id.isin(channels)]
    # 到诊率's counts: visits due in the span by the data's end ("data as of") and those whose
    # lead arrived; the span's bookings that arrived or carry an appointment time.
    appointment = pd.to_datetime(leads["appointment_at"]) if "appointment_at" in leads else pd.NaT
    leads = leads.assign(appointment_at=appointment)
    due = pd.to_datetime(leads["appointment_at"]) <= pd.Timestamp(latest_fact(raw))
    arrived = leads["arrived_at"].notna()
    for measure, col, keep in (
        ("bookings", "booked_at", True),
        ("arrivals", "arrived_at", True),
        ("appointments", "appointment_at", due),
        ("appointment_arrivals", "appointment_at", due & arrived),
        ("booked_arrivals", "booked_at", arrived),
        ("booked_with_appointment", "booked_at", leads["appointment_at"].notna()),
    ):
        ts = pd.to_datetime(leads[col])
        hit = leads[(ts >= lo) & (ts < hi) & keep]
        parts.append(
            pd.DataFrame(
                {
                    "city_id": hit.city_id,
                    "clinic_id": hit.clinic_id,
                    "channel_id": hit.channel_id,
                    "day": pd.to_datetime(hit[col]).dt.normalize(),
                    "customer_id": np.nan,
                    "measure": measure,
                    "amount": 1.0,
                }
            )
        )
    orders = raw["orders"].merge(acq, on="customer_id")
    first = orders.sort_values(["ordered_at", "order_id"]).groupby("customer_id").head(1)
    first_ids = set(first.order_id)
    orders = orders.merge(clinics, on="clinic_id")
    orders = orders[orders.acquisition_channel_id.isin(channels)]
    ts = pd.to_datetime(orders.ordered_at)
    orders = orders[(ts >= lo) & (ts < hi)]
    base = {
        "city_id": orders.city_id,
        "clinic_id": orders.clinic_id,
        "channel_id": orders.acquisition_channel_id,
        "day": pd.to_datetime(orders.ordered_at).dt.normalize(),
        "customer_id": orders.customer_id.astype(float),
    }
    base = pd.DataFrame(base)
    parts.append(base.assign(measure="revenue", amount=orders.amount.astype(float)))
    parts.append(base.assign(measure="paying_customers", amount=1.0))
    is_new = orders.order_id.isin(first_ids).to_numpy()
    parts.append(base[is_new].assign(measure="new_customers", amount=1.0))
    fb = raw["feedback"].merge(acq, on="customer_id").merge(clinics, on="clinic_id")
    fb = fb[fb.acquisition_channel_id.isin(channels)]
    ts = pd.to_datetime(fb.submitted_at)
    fb = fb[(ts >= lo) & (ts < hi)]
    fbase = {
        "city_id": fb.city_id,
        "clinic_id": fb.clinic_id,
        "channel_id": fb.acquisition_channel_id,
        "day": pd.to_datetime(fb.submitted_at).dt.normalize(),
        "customer_id": np.nan,
    }
    fbase = pd.DataFrame(fbase)
    parts.append(fbase.assign(measure="responses", amount=1.0))
    parts.append(fbase[fb.is_complaint.to_numpy()].assign(measure="complaints", amount=1.0))
    out = pd.concat(parts, ignore_index=True)
    for col in ("city_id", "clinic_id", "channel_id"):
        out[col] = out[col].astype("int64")
    out["week_start"] = (out.day - pd.to_timedelta(out.day.dt.day_of_week, unit="D")).dt.date
    return out


def by(fact_rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Every count per ``keys``; customers are distinct customers, the rest sums."""
    sums = fact_rows[fact_rows.measure != "paying_customers"].pivot_table(
        index=keys, columns="measure", values="amount", aggfunc="sum", fill_value=0
    )
    cust = fact_rows[fact_rows.measure == "paying_customers"].groupby(keys).customer_id.nunique()
    out = sums.join(cust.rename("paying_customers"), how="outer").fillna(0)
    for c in COUNTS:
        if c not in out:
            out[c] = 0.0
    return out[list(COUNTS)].astype(float)


def grid(raw: dict[str, pd.DataFrame], f: Filters, metric: str, step: float) -> pd.Series:
    """The map metric per home cell (cell_y, cell_x) = floor(coordinate / step + 0.5)."""
    rows = facts(raw, f, f.start, f.end)
    measure = {"customers": "paying_customers"}.get(metric, metric)
    rows = rows[rows.measure == measure]
    homes = raw["customers"][["customer_id", "home_lat", "home_lon"]]
    if metric == "arrivals":
        # Arrivals need their customer: recompute with the lead's customer id.
        lo, hi = _bounds(f.start, f.end)
        clinics = _kept_clinics(raw, f)
        leads = raw["leads"].merge(clinics[["clinic_id"]], on="clinic_id")
        leads = leads[leads.channel_id.isin(_channels(raw, f))]
        ts = pd.to_datetime(leads.arrived_at)
        leads = leads[(ts >= lo) & (ts < hi) & leads.customer_id.notna()]
        rows = pd.DataFrame({"customer_id": leads.customer_id.astype("int64"), "amount": 1.0})
    elif metric in ("complaints",):
        fb = raw["feedback"].merge(raw["customers"][["customer_id", "acquisition_channel_id"]])
        fb = fb.merge(_kept_clinics(raw, f)[["clinic_id"]], on="clinic_id")
        lo, hi = _bounds(f.start, f.end)
        ts = pd.to_datetime(fb.submitted_at)
        fb = fb[
            (ts >= lo)
            & (ts < hi)
            & fb.is_complaint
            & fb.acquisition_channel_id.isin(_channels(raw, f))
        ]
        rows = pd.DataFrame({"customer_id": fb.customer_id, "amount": 1.0})
    elif metric == "customers":
        rows = rows.drop_duplicates("customer_id")
    rows = rows.assign(customer_id=rows.customer_id.astype("int64")).merge(homes, on="customer_id")
    rows["cell_y"] = np.floor(rows.home_lat / step + 0.5).astype(int)
    rows["cell_x"] = np.floor(rows.home_lon / step + 0.5).astype(int)
    return rows.groupby(["cell_y", "cell_x"]).amount.sum()
