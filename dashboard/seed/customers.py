"""Who the leads are: new customers registered by their first booking, and returning ones.

A lead from someone new becomes a customer when it books (or walks in); a returning lead
belongs to a customer of the same clinic registered strictly before the lead came in.
Customer ids follow registration time, so "created before" is also "smaller id".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.seed import people
from dashboard.seed.core import DAY, Window, dates, frame, nullable_int, rng_for, timestamps
from dashboard.seed.leads import Leads
from dashboard.seed.network import Network
from dashboard.seed.reference import Reference

_SHIFT = 40  # clinic in the high bits, seconds in the low bits: one sortable key


@dataclass
class Customers:
    """Customers as parallel arrays; index = customer_id - 1."""

    acq_lead: np.ndarray  # the lead that registered them
    created: np.ndarray  # seconds since window start
    clinic: np.ndarray  # home clinic
    channel: np.ndarray  # acquisition channel
    first_visit: np.ndarray  # seconds of the first arrival (valid where has_visit)
    has_visit: np.ndarray
    referrer: np.ndarray | None = None  # customer index or -1

    def __len__(self) -> int:
        return len(self.acq_lead)

    @property
    def referrers(self) -> np.ndarray:
        """``referrer`` once the referrals step has set it (customer index or -1)."""
        if self.referrer is None:
            raise RuntimeError("referrers are not assigned yet")
        return self.referrer


def _registration(leads: Leads) -> tuple[np.ndarray, np.ndarray]:
    registered = leads.has_booking | leads.has_arrival
    return registered, np.where(leads.has_booking, leads.booked, leads.arrived)


def link_customers(leads: Leads, seed: int) -> tuple[Customers, np.ndarray]:
    """Create customers from new leads and attach returning leads; return (customers, lead → customer)."""
    rng = rng_for(seed, "customers")
    registered, reg = _registration(leads)
    new = registered & ~leads.returning
    cand = np.flatnonzero(new)
    key = (leads.clinic[cand].astype(np.int64) << _SHIFT) | reg[cand]
    order = np.argsort(key)
    cand, key = cand[order], key[order]

    ret = np.flatnonzero(leads.returning)
    clinic_key = leads.clinic[ret].astype(np.int64) << _SHIFT
    hi = np.searchsorted(key, clinic_key | leads.created[ret], side="left")
    starts = np.searchsorted(key, np.arange(int(leads.clinic.max(initial=0)) + 1) << _SHIFT)
    lo = starts[leads.clinic[ret]]
    known = hi > lo
    pick = lo + (rng.random(len(ret)) * (hi - lo)).astype(np.int64)
    chosen = np.where(known, cand[np.minimum(pick, len(cand) - 1)], -1)
    # The first days of a clinic have nobody to return: such leads are new after all.
    leads.returning[ret[~known]] = False
    new = registered & ~leads.returning

    acq = np.flatnonzero(new)
    acq = acq[np.argsort(reg[acq], kind="stable")]
    lead_customer = np.full(len(leads), -1, dtype=np.int64)
    lead_customer[acq] = np.arange(len(acq))
    lead_customer[ret[known]] = lead_customer[chosen[known]]

    first = np.full(len(acq), np.iinfo(np.int64).max)
    arrived = np.flatnonzero(leads.has_arrival)
    np.minimum.at(first, lead_customer[arrived], leads.arrived[arrived])
    has_visit = first < np.iinfo(np.int64).max
    customers = Customers(
        acq_lead=acq,
        created=reg[acq],
        clinic=leads.clinic[acq],
        channel=leads.channel[acq].copy(),
        first_visit=np.where(has_visit, first, 0),
        has_visit=has_visit,
    )
    return customers, lead_customer


MEMBER_BASE = 0.18  # share of visitors who join the membership programme …
MEMBER_LOYAL = 0.45  # … plus this much more for those who keep coming back
MEMBER_DELAY_DAYS = 40.0


def customers_frame(
    cust: Customers, net: Network, ref: Reference, window: Window, repeat_count: np.ndarray,
    seed: int,
) -> pd.DataFrame:  # fmt: skip
    """The customers table: personal details, home area, acquisition and membership."""
    rng = rng_for(seed, "customer-details")
    spec = net.spec[cust.clinic]
    city = net.city[cust.clinic]
    female = people.genders(spec, rng)
    home_lat, home_lon = people.home_points(
        net.cities["lat"].to_numpy()[city], net.cities["lon"].to_numpy()[city], rng
    )
    fv_day = cust.first_visit // DAY
    joins = cust.has_visit & (
        rng.random(len(cust)) < MEMBER_BASE + MEMBER_LOYAL * (repeat_count >= 2)
    )
    member_day = fv_day + rng.exponential(MEMBER_DELAY_DAYS, len(cust)).astype(np.int64)
    joins &= member_day < window.days
    return frame(
        {
            "customer_id": np.arange(1, len(cust) + 1, dtype=np.int64),
            "name": people.names(ref, female, rng),
            "phone": people.phones(len(cust), rng),
            "gender": pd.Categorical.from_codes(female.astype(np.int8), categories=["M", "F"]),
            "birth_year": people.birth_years(spec, window.end.year, rng),
            "home_city_id": (city + 1).astype(np.int32),
            "home_clinic_id": (cust.clinic + 1).astype(np.int32),
            "acquisition_channel_id": (cust.channel + 1).astype(np.int32),
            "referrer_id": nullable_int(cust.referrers + 1, cust.referrers >= 0),
            "created_at": timestamps(window, cust.created),
            "first_visit_on": dates(window, fv_day, cust.has_visit),
            "member_since": dates(window, member_day, joins),
            "home_lat": home_lat,
            "home_lon": home_lon,
        }
    )
