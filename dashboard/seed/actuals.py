"""KPI actuals of the generated chain per period and group, to set believable targets from.

The KPIs are the metric registry's (``dashboard.metrics.registry``): the components below are
the counts and sums its formulas read (spend includes referral rewards; a new customer is one
whose first paid order falls in the period), built per day once and then summed into any
period (month or week) and any grouping (chain or city).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from dashboard.metrics.registry import kpi
from dashboard.seed.core import DAY, Window
from dashboard.seed.leads import Leads
from dashboard.seed.network import Network


@dataclass
class Sources:
    """The generated facts the actuals are computed from."""

    window: Window
    net: Network
    leads: Leads
    tables: dict[str, pd.DataFrame]

    @cached_property
    def orders(self) -> dict[str, np.ndarray]:
        """Order columns as arrays, with each customer's first order (orders are time-sorted)."""
        o = self.tables["orders"]
        cust = o["customer_id"].to_numpy() - 1
        # Orders are sorted by time, so a customer's first order has their smallest row.
        first = np.full(int(cust.max(initial=0)) + 1, len(cust))
        np.minimum.at(first, cust, np.arange(len(cust)))
        first = first[first < len(cust)]
        return {
            "day": _day(self.window, o["ordered_at"].to_numpy()),
            "clinic": o["clinic_id"].to_numpy() - 1,
            "customer": cust,
            "amount": o["amount"].to_numpy(float),
            "first": first,
        }

    @cached_property
    def daily(self) -> dict[str, np.ndarray]:
        """Additive facts per (day, clinic)."""
        return _daily(self)


def _day(window: Window, values: np.ndarray) -> np.ndarray:
    start = np.datetime64(window.start, "s")
    return ((values - start) // np.timedelta64(1, "D")).astype(np.int64)


def components(
    src: Sources, period_of_day: np.ndarray, group_of_clinic: np.ndarray, distinct: bool
) -> dict[str, np.ndarray]:
    """Additive building blocks of every KPI, shape (periods, groups)."""
    n_p, n_g = int(period_of_day.max()) + 1, int(group_of_clinic.max()) + 1
    to_group = np.zeros((src.net.size, n_g))
    to_group[np.arange(src.net.size), group_of_clinic] = 1.0
    out: dict[str, np.ndarray] = {}
    for name, daily in src.daily.items():
        agg = np.zeros((n_p, n_g))
        np.add.at(agg, period_of_day, daily @ to_group)
        out[name] = agg
    if distinct:
        o = src.orders
        period = period_of_day[np.clip(o["day"], 0, len(period_of_day) - 1)]
        # Distinct customers per period without sorting: a (period, customer) bitmap.
        n_c = int(o["customer"].max(initial=0)) + 1
        seen = np.zeros(n_p * n_c, dtype=bool)
        seen[period.astype(np.int64) * n_c + o["customer"]] = True
        if n_g != 1:
            raise ValueError("distinct customers are counted for the whole chain only")
        out["paying_customers"] = seen.reshape(n_p, n_c).sum(axis=1)[:, None].astype(float)
        # New customers' revenue needs the period of each customer's first order.
        first_period = np.full(int(o["customer"].max(initial=0)) + 1, -1)
        first_period[o["customer"][o["first"]]] = period[o["first"]]
        is_new = first_period[o["customer"]] == period
        ncr = np.bincount(
            period * n_g + group_of_clinic[o["clinic"]],
            weights=o["amount"] * is_new,
            minlength=n_p * n_g,
        )
        out["new_customer_revenue"] = ncr.reshape(n_p, n_g)
    days = np.bincount(period_of_day, minlength=n_p).astype(float)
    out["days"] = np.repeat(days[:, None], n_g, axis=1)
    # Calendar months, each day weighing 1 ÷ its month's length (as queries/kpi_quality.sql).
    dates = src.window.day_dates()
    month = dates.astype("datetime64[M]")
    lengths = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(float)
    months = np.bincount(period_of_day, weights=1.0 / lengths, minlength=n_p)
    out["months"] = np.repeat(months[:, None], n_g, axis=1)
    return out


def _daily(src: Sources) -> dict[str, np.ndarray]:
    """Every additive fact per (day, clinic): computed once, summed into any period later."""
    w, t = src.window, src.tables
    d, c = w.days, src.net.size
    out: dict[str, np.ndarray] = {}

    def add(name, day, clinic, weights=None):
        ok = (day >= 0) & (day < d)
        wts = None if weights is None else np.asarray(weights, float)[ok]
        got = np.bincount(day[ok] * c + clinic[ok], weights=wts, minlength=d * c)
        out[name] = out.get(name, 0.0) + got.reshape(d, c)

    lv = src.leads
    lc = lv.clinic.astype(np.int64)
    for name, secs, mask in (
        ("inquiries", lv.inquiry, lv.has_inquiry),
        ("bookings", lv.booked, lv.has_booking),
        ("arrivals", lv.arrived, lv.has_arrival),
        ("paid_deals", lv.paid, lv.has_paid),
    ):
        sel = np.flatnonzero(mask)
        add(name, secs[sel] // DAY, lc[sel])
    # 到诊率 over the visits due in a period (those due by the end date) and booking completion
    # over the period's inquiries: both counted on the same leads as their numerators.
    due = np.flatnonzero(lv.has_appointment & (lv.appointment < w.horizon))
    add("appointments", lv.appointment[due] // DAY, lc[due])
    kept = due[lv.has_arrival[due]]
    add("appointment_arrivals", lv.appointment[kept] // DAY, lc[kept])
    asked = np.flatnonzero(lv.has_inquiry & lv.has_booking)
    add("inquiries_booked", lv.inquiry[asked] // DAY, lc[asked])
    arr = np.flatnonzero(lv.has_arrival)
    add("arrival_days", lv.arrived[arr] // DAY, lc[arr], (lv.arrived[arr] - lv.created[arr]) / DAY)
    o = src.orders
    add("revenue", o["day"], o["clinic"], o["amount"])
    add("new_customers", o["day"][o["first"]], o["clinic"][o["first"]])
    for frame, day_col, col in (
        (t["channel_daily"], "date", "spend"),
        (t["referral_rewards"], "paid_on", "amount"),
    ):
        add(
            "spend",
            _day(w, frame[day_col].to_numpy()),
            frame["clinic_id"].to_numpy() - 1,
            frame[col],
        )
    fb = t["feedback"]
    f_day, f_clinic = _day(w, fb["submitted_at"].to_numpy()), fb["clinic_id"].to_numpy() - 1
    add("feedback", f_day, f_clinic)
    add("score_sum", f_day, f_clinic, fb["score"])
    add("complaints", f_day, f_clinic, fb["is_complaint"])
    cu = t["customers"]
    cu_clinic = cu["home_clinic_id"].to_numpy() - 1
    for name, col in (("new_members", "member_since"), ("first_visits", "first_visit_on")):
        vals = cu[col].to_numpy()
        has = ~np.isnat(vals)
        add(name, _day(w, vals[has]), cu_clinic[has])
    st = t["staff_training"]
    add(
        "training_hours",
        _day(w, st["date"].to_numpy()),
        st["clinic_id"].to_numpy() - 1,
        st["hours"],
    )
    # Headcounts are stocks, not flows: sum open clinics' heads per day, divide by days later.
    open_ = np.arange(d)[:, None] >= src.net.open_day[None, :]
    for name, col in (("doctor_days", "doctors"), ("staff_days", "staff")):
        out[name] = open_ * src.net.clinics[col].to_numpy(float)[None, :]
    return out


# The registry's input columns, as the seed's components name them (the rest share names).
_COLUMNS = {"responses": "feedback"}
# The KPIs the seed sets targets from: plain sums, then the registry's formulas per cell.
SUMS = ("revenue", "spend", "arrivals", "paid_deals", "inquiries", "new_customers", "new_members")
_RATIOS = (
    "cac",
    "satisfaction_mean",
    "arrival_rate",
    "booking_completion",
    "lead_to_arrival_days",
    "complaint_rate",
    "training_hours_per_staff",
    "first_visits_per_doctor",
)
# Need customers counted distinct over the period (the whole chain only).
_DISTINCT = ("marketing_roi", "value_per_customer", "repeat_rate")


def _inputs(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The components under the registry's column names, with the derived ones it reads."""
    out = {k: np.asarray(v, float) for k, v in c.items()}
    out |= {name: out[comp] for name, comp in _COLUMNS.items()}
    out["lead_to_arrival_days"] = _mean(c["arrival_days"], c["arrivals"])
    if "paying_customers" in c:
        out["returning_customers"] = c["paying_customers"] - c["new_customers"]
    return out


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)


def kpi_values(c: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """KPI values per (period, group) from the components, by the registry's definitions."""
    inputs = _inputs(c)
    # The seed's leads all carry appointment times: 到诊率 over the visits due.
    basis = {"arrival_basis": "appointments"}
    ids = _RATIOS + (_DISTINCT if "paying_customers" in c else ())
    shape = c["days"].shape
    out = {k: c[k] for k in SUMS}
    values = {k: np.full(shape, np.nan) for k in ids}
    for cell in np.ndindex(shape):
        row = {name: float(arr[cell]) for name, arr in inputs.items()} | basis
        for kpi_id in ids:
            value = kpi(kpi_id).value(row)
            values[kpi_id][cell] = np.nan if value is None or not np.isfinite(value) else value
    return out | values
