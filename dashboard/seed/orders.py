"""Orders: one per paid lead (the deal) plus repeat purchases by customers who visited.

Repeat purchases are not tied to leads: a customer who has been to the clinic comes back
for cleanings, check-ups, skincare or lens refills. Their number is calibrated so that
orders total about half the number of leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.seed.catalogue import pick_services, service_columns
from dashboard.seed.core import DAY, HOUR, Window, frame, money, nullable_int, rng_for, timestamps
from dashboard.seed.customers import Customers
from dashboard.seed.leads import Leads, skip_closure
from dashboard.seed.network import Network

ORDERS_PER_LEAD = 0.5
# Repeat-purchase frequency per specialty: aesthetics and dental come back, eye less so.
REPEAT_BY_SPEC = np.array([0.6, 1.0, 1.4])
NEVER_REPEAT = 0.4  # share of visitors who never buy again


@dataclass
class Orders:
    """The orders frame plus what later steps need from it."""

    frame: pd.DataFrame
    deal_amount: np.ndarray  # per lead, NaN when not paid
    first_paid: np.ndarray  # per customer: seconds of the first order, -1 if none
    repeat_count: np.ndarray  # per customer


def generate_orders(
    leads: Leads,
    lead_customer: np.ndarray,
    cust: Customers,
    net: Network,
    services: pd.DataFrame,
    window: Window,
    reopen: np.ndarray,
    seed: int,
) -> Orders:
    """Deal orders for paid leads and calibrated repeat purchases."""
    rng = rng_for(seed, "orders")
    paid = np.flatnonzero(leads.has_paid)
    deal_svc, deal_price = pick_services(services, net.spec[leads.clinic[paid]], "deal_weight", rng)
    deal_amount = np.full(len(leads), np.nan)
    deal_amount[paid] = deal_price

    # Repeat purchases: Poisson counts over the time since the first visit, with a
    # heavy-tailed appetite (a few VIPs spend every month, many never come back).
    spec = net.spec[cust.clinic]
    years = np.where(cust.has_visit, (window.horizon - cust.first_visit) / (365.25 * DAY), 0.0)
    appetite = rng.gamma(0.7, 1.0 / 0.7, len(cust)) * (rng.random(len(cust)) > NEVER_REPEAT)
    intensity = years * appetite * REPEAT_BY_SPEC[spec]
    wanted = max(0.0, ORDERS_PER_LEAD * len(leads) - len(paid))
    counts = rng.poisson(intensity * (wanted / max(intensity.sum(), 1e-9)))
    owner = np.repeat(np.arange(len(cust)), counts)
    fv = cust.first_visit[owner]
    when = fv + (rng.random(len(owner)) * (window.horizon - fv)).astype(np.int64)
    tod = 9 * HOUR + rng.integers(0, 11 * HOUR, len(owner))
    when = (when // DAY) * DAY + tod
    when = skip_closure(np.where(when <= fv, fv + HOUR, when), reopen)
    keep = when < window.horizon
    owner, when = owner[keep], when[keep]
    rep_svc, rep_price = pick_services(services, spec[owner], "repeat_weight", rng)

    customer = np.concatenate([lead_customer[paid], owner])
    ordered = np.concatenate([leads.paid[paid], when])
    order = np.argsort(ordered.astype(np.int32))  # two years of seconds fit; sorts 2x faster
    svc = np.concatenate([deal_svc, rep_svc])[order]
    service, category = service_columns(services, svc)
    lead_id = np.concatenate([paid + 1, np.zeros(len(owner), dtype=np.int64)])[order]
    is_deal = np.concatenate([np.ones(len(paid), bool), np.zeros(len(owner), bool)])[order]
    customer = customer[order]
    ordered = ordered[order]
    clinic = np.concatenate([leads.clinic[paid], cust.clinic[owner]])[order]
    out = frame(
        {
            "order_id": np.arange(1, len(order) + 1, dtype=np.int64),
            "customer_id": customer + 1,
            "clinic_id": (clinic + 1).astype(np.int32),
            "lead_id": nullable_int(lead_id, is_deal),
            "ordered_at": timestamps(window, ordered),
            "service": service,
            "category": category,
            "amount": money(np.concatenate([deal_price, rep_price])[order]),
        }
    )
    first_paid = np.full(len(cust), np.iinfo(np.int64).max)
    np.minimum.at(first_paid, customer, ordered)
    first_paid[first_paid == np.iinfo(np.int64).max] = -1
    return Orders(out, deal_amount, first_paid, np.bincount(owner, minlength=len(cust)))
