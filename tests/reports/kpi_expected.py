"""Independent pandas computation of every registry KPI from the raw generated tables.

Used by the scorecard, weekly-review and KPI tests: each number the pages show is checked
against these functions, which start from the raw rows (the ``raw`` fixture) and share no
code with the SQL or the registry formulas.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from dashboard.filters import Filters


def _ts(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, datetime.min.time()))


def _div(a, b):
    return None if b in (0, None) or pd.isna(b) or a is None or pd.isna(a) else float(a) / float(b)


def latest_fact(raw: dict[str, pd.DataFrame]) -> datetime:
    """The latest timestamp of any fact: each lead stage, orders, exposures, feedback, and
    the start of the last spend and training days ("data as of")."""
    stamps = [raw["leads"][c].max() for c in ("created_at", "inquiry_at", "booked_at")]
    stamps += [raw["leads"][c].max() for c in ("arrived_at", "paid_at")]
    stamps += [raw["orders"].ordered_at.max(), raw["experiment_exposures"].exposed_at.max()]
    stamps += [raw["feedback"].submitted_at.max()]
    stamps += [pd.Timestamp(raw[t]["date"].max()) for t in ("channel_daily", "staff_training")]
    return max(pd.Timestamp(s) for s in stamps if pd.notna(s)).to_pydatetime()


class Raw:
    """The raw tables with dates parsed once (per test session)."""

    def __init__(self, raw: dict[str, pd.DataFrame]):
        self.clinics = raw["clinics"].copy()
        self.clinics["opened_on"] = pd.to_datetime(self.clinics["opened_on"])
        self.channels = raw["channels"]
        leads = raw["leads"].copy()
        if "appointment_at" not in leads:  # a chain whose CRM exports no appointment times
            leads["appointment_at"] = pd.NaT
        for c in ("created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at"):
            leads[c] = pd.to_datetime(leads[c])
        leads["appointment_at"] = pd.to_datetime(leads["appointment_at"])
        self.as_of = pd.Timestamp(latest_fact(raw))
        self.leads = leads.merge(
            self.clinics[["clinic_id", "city_id", "specialty"]], on="clinic_id"
        )
        cust = raw["customers"].copy()
        for c in ("member_since", "first_visit_on"):
            cust[c] = pd.to_datetime(cust[c])
        self.customers = cust.merge(
            self.clinics[["clinic_id", "city_id", "specialty"]].rename(
                columns={"clinic_id": "home_clinic_id"}
            ),
            on="home_clinic_id",
        )
        orders = raw["orders"].copy()
        orders["ordered_at"] = pd.to_datetime(orders["ordered_at"])
        orders["amount"] = orders["amount"].astype(float)
        orders = orders.merge(cust[["customer_id", "acquisition_channel_id"]], on="customer_id")
        self.orders = orders.merge(
            self.clinics[["clinic_id", "city_id", "specialty"]], on="clinic_id"
        )
        first = self.orders.sort_values(["ordered_at", "order_id"]).groupby("customer_id").head(1)
        self.first_orders = first.set_index("customer_id")
        cd = raw["channel_daily"].copy()
        cd["date"] = pd.to_datetime(cd["date"])
        cd["spend"] = cd["spend"].astype(float)
        self.channel_daily = cd.merge(
            self.clinics[["clinic_id", "city_id", "specialty"]], on="clinic_id"
        )
        rr = raw["referral_rewards"].copy()
        rr["paid_on"] = pd.to_datetime(rr["paid_on"])
        rr["amount"] = rr["amount"].astype(float)
        self.rewards = rr.merge(self.clinics[["clinic_id", "city_id", "specialty"]], on="clinic_id")
        fb = raw["feedback"].copy()
        fb["submitted_at"] = pd.to_datetime(fb["submitted_at"])
        fb = fb.merge(cust[["customer_id", "acquisition_channel_id"]], on="customer_id")
        self.feedback = fb.merge(
            self.clinics[["clinic_id", "city_id", "specialty"]], on="clinic_id"
        )
        st = raw["staff_training"].copy()
        st["date"] = pd.to_datetime(st["date"])
        st["hours"] = st["hours"].astype(float)
        self.training = st.merge(
            self.clinics[["clinic_id", "city_id", "specialty"]], on="clinic_id"
        )
        self.referral_channel = int(
            self.channels.loc[self.channels.kind == "referral", "channel_id"].iloc[0]
        )
        self.targets = raw["scorecard_targets"].copy()
        self.targets["period_start"] = pd.to_datetime(self.targets["period_start"]).dt.date
        self.targets["period_end"] = pd.to_datetime(self.targets["period_end"]).dt.date


def _place(frame: pd.DataFrame, f: Filters, clinic_col: str = "clinic_id") -> pd.Series:
    ok = pd.Series(True, index=frame.index)
    if f.cities:
        ok &= frame["city_id"].isin(f.cities)
    if f.specialties:
        ok &= frame["specialty"].isin(f.specialties)
    if f.clinics:
        ok &= frame[clinic_col].isin(f.clinics)
    return ok


def _channel(frame: pd.DataFrame, f: Filters, col: str) -> pd.Series:
    return frame[col].isin(f.channels) if f.channels else pd.Series(True, index=frame.index)


def _within(s: pd.Series, f: Filters) -> pd.Series:
    return (s >= _ts(f.start)) & (s < _ts(f.end + timedelta(days=1)))


def measures(r: Raw, f: Filters) -> dict[str, float]:
    """Every base measure of the period (the same names the queries return)."""
    out: dict[str, float] = {}
    leads = r.leads[_place(r.leads, f) & _channel(r.leads, f, "channel_id")]
    for name, col in (
        ("leads", "created_at"),
        ("inquiries", "inquiry_at"),
        ("bookings", "booked_at"),
        ("arrivals", "arrived_at"),
        ("paid_deals", "paid_at"),
    ):
        out[name] = float(_within(leads[col], f).sum())
    # 到诊率's counts: visits due in the period by the data's end, and of those the arrived;
    # the period's bookings that arrived / carry an appointment; inquiries that booked.
    due = leads[_within(leads["appointment_at"], f) & (leads["appointment_at"] <= r.as_of)]
    out["appointments"] = float(len(due))
    out["appointment_arrivals"] = float(due["arrived_at"].notna().sum())
    booked = leads[_within(leads["booked_at"], f)]
    out["booked_arrivals"] = float(booked["arrived_at"].notna().sum())
    out["booked_with_appointment"] = float(booked["appointment_at"].notna().sum())
    asked = leads[_within(leads["inquiry_at"], f)]
    out["inquiries_booked"] = float(asked["booked_at"].notna().sum())
    arrived = leads[_within(leads["arrived_at"], f)]
    days = (arrived["arrived_at"] - arrived["created_at"]).dt.total_seconds() / 86400.0
    out["lead_to_arrival_days"] = float(np.median(days)) if len(days) else None

    cd = r.channel_daily[_place(r.channel_daily, f) & _channel(r.channel_daily, f, "channel_id")]
    cd = cd[_within(cd["date"], f)]
    out["impressions"] = float(cd["impressions"].sum())
    rr = r.rewards[_place(r.rewards, f) & _within(r.rewards["paid_on"], f)]
    referral = not f.channels or r.referral_channel in f.channels
    out["spend"] = float(cd["spend"].sum()) + (float(rr["amount"].sum()) if referral else 0.0)

    orders = r.orders[_place(r.orders, f) & _channel(r.orders, f, "acquisition_channel_id")]
    orders = orders[_within(orders["ordered_at"], f)]
    out["revenue"] = float(orders["amount"].sum())
    payers = orders["customer_id"].unique()
    out["paying_customers"] = float(len(payers))
    first_at = r.first_orders.loc[payers, "ordered_at"]
    out["returning_customers"] = float((first_at < _ts(f.start)).sum())
    first = r.first_orders.reset_index()
    new = first[
        _within(first["ordered_at"], f)
        & _place(first, f)
        & _channel(first, f, "acquisition_channel_id")
    ]
    out["new_customers"] = float(len(new))
    # Repurchase: each new customer's next purchase day after the first (any clinic), and
    # whether their window has ended by the last order day.
    last_day = r.orders["ordered_at"].max().normalize()
    first_day = new["ordered_at"].dt.normalize()
    days = r.orders.assign(day=r.orders["ordered_at"].dt.normalize())
    later = days.merge(
        pd.DataFrame({"customer_id": new["customer_id"], "first_day": first_day.to_numpy()}),
        on="customer_id",
    )
    later = later[later["day"] > later["first_day"]]
    second = later.groupby("customer_id")["day"].min()
    second_day = pd.to_datetime(new["customer_id"].map(second.to_dict()))
    for h in (90, 180, 365):
        end = first_day + pd.Timedelta(days=h)
        mature = end <= last_day
        out[f"mature_{h}"] = float(mature.sum())
        out[f"repurchased_{h}"] = float((mature & (second_day <= end)).sum())
    out["new_customer_revenue"] = float(
        orders.loc[orders["customer_id"].isin(new["customer_id"]), "amount"].sum()
    )

    cust = r.customers[
        _place(r.customers, f, "home_clinic_id")
        & _channel(r.customers, f, "acquisition_channel_id")
    ]
    out["new_members"] = float(_within(cust["member_since"], f).sum())
    out["first_visits"] = float(_within(cust["first_visit_on"], f).sum())

    fb = r.feedback[_place(r.feedback, f) & _channel(r.feedback, f, "acquisition_channel_id")]
    fb = fb[_within(fb["submitted_at"], f)]
    out["responses"] = float(len(fb))
    out["score_sum"] = float(fb["score"].sum())
    out["top_scores"] = float((fb["score"] == 5).sum())
    out["complaints"] = float(fb["is_complaint"].sum())

    tr = r.training[_place(r.training, f) & _within(r.training["date"], f)]
    out["training_hours"] = float(tr["hours"].sum())
    clinics = r.clinics[_place(r.clinics, f)]
    day_list = pd.date_range(f.start, f.end, freq="D")
    out["days"] = float(len(day_list))
    out["staff_days"] = float(
        sum(clinics.loc[clinics.opened_on <= d, "staff"].sum() for d in day_list)
    )
    out["doctor_days"] = float(
        sum(clinics.loc[clinics.opened_on <= d, "doctors"].sum() for d in day_list)
    )
    out["months"] = float(sum(1.0 / d.days_in_month for d in day_list))
    return out


def arrival_basis(m: dict[str, float]) -> str:
    """The documented choice: appointments when 80% or more of the bookings carry a time."""
    if m["bookings"] == 0:
        return "appointments" if m["appointments"] > 0 else "cohort"
    return "appointments" if m["booked_with_appointment"] >= 0.8 * m["bookings"] else "cohort"


def arrival_rate(m: dict[str, float]) -> float | None:
    """到诊率 by its documented definition (see arrival_basis)."""
    if arrival_basis(m) == "appointments":
        return _div(m["appointment_arrivals"], m["appointments"])
    return _div(m["booked_arrivals"], m["bookings"])


def kpis(r: Raw, f: Filters) -> dict[str, float | None]:
    """Every registry KPI of the period, from the measures by its documented definition."""
    m = measures(r, f)
    spend = m["spend"]
    avg_staff = _div(m["staff_days"], m["days"])
    avg_doctors = _div(m["doctor_days"], m["days"])
    return {
        "inquiries": m["inquiries"],
        "bookings": m["bookings"],
        "arrivals": m["arrivals"],
        "paid_deals": m["paid_deals"],
        "impressions": m["impressions"],
        "revenue": m["revenue"],
        "spend": spend,
        "new_customers": m["new_customers"],
        "cac": _div(spend, m["new_customers"]),
        "marketing_roi": _div(m["new_customer_revenue"] - spend, spend) if spend else None,
        "value_per_customer": _div(m["revenue"], m["paying_customers"]),
        "new_members": m["new_members"],
        "satisfaction_mean": _div(m["score_sum"], m["responses"]),
        "satisfaction_top_share": _div(m["top_scores"], m["responses"]),
        "repeat_rate": _div(m["returning_customers"], m["paying_customers"]),
        "repurchase_90": _div(m["repurchased_90"], m["mature_90"]),
        "repurchase_180": _div(m["repurchased_180"], m["mature_180"]),
        "repurchase_365": _div(m["repurchased_365"], m["mature_365"]),
        "arrival_rate": arrival_rate(m),
        "booking_completion": _div(m["inquiries_booked"], m["inquiries"]),
        "lead_to_arrival_days": m["lead_to_arrival_days"],
        "complaint_rate": _div(m["complaints"], m["responses"]),
        "training_hours_per_staff": _div(m["training_hours"], avg_staff),
        "first_visits_per_doctor": _div(_div(m["first_visits"], avg_doctors), m["months"]),
    }


def target(r: Raw, kpi_id: str, kind: str, start: date, end: date, scope_kind: str, scope_id: int):
    """The raw target row's value, or None."""
    t = r.targets
    rows = t[
        (t.kpi_id == kpi_id)
        & (t.period_kind == kind)
        & (t.period_start == start)
        & (t.period_end == end)
        & (t.scope_kind == scope_kind)
        & (t.scope_id == scope_id)
    ]
    return None if rows.empty else float(rows["target"].iloc[0])


def expected_status(actual, target_value, higher_is_better: bool):
    """Green on or beyond target, amber within 10% of it, red beyond (written out by hand)."""
    if actual is None or target_value is None:
        return None
    if higher_is_better:
        if actual >= target_value:
            return "green"
        return "amber" if target_value and actual >= 0.9 * target_value else "red"
    if actual <= target_value:
        return "green"
    return "amber" if target_value and actual <= 1.1 * target_value else "red"


def approx_equal(got, want, rel=1e-9, abs_=1e-6) -> bool:
    """Both missing, or both present and close."""
    if want is None or got is None:
        return want is None and got is None
    return abs(float(got) - float(want)) <= max(abs_, rel * abs(float(want)))
