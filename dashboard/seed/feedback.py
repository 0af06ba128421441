"""Visit feedback (1–5 scores, problem types, complaints) and staff training hours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.schema import ENUMS
from dashboard.seed.core import HOUR, Window, dates, draw_discrete, frame, rng_for, timestamps
from dashboard.seed.leads import Leads
from dashboard.seed.network import Network

LEAD_VISIT_SHARE = 0.35  # share of arrivals that leave a rating
REPEAT_VISIT_SHARE = 0.12  # regulars rate less often
# Score shares 1…5 for an average clinic: skewed high, as clinic ratings are.
SCORE_SHARES = np.array([0.03, 0.05, 0.10, 0.27, 0.55])
COMPLAINT_GIVEN_SCORE = np.array([0.35, 0.15, 0.03, 0.0, 0.0])
# Problem types most often named in reviews (waiting, attitude, price, process …).
PROBLEM_WEIGHTS = {
    "equipment": 4, "staff_attitude": 14, "process": 11, "waiting_time": 18, "price": 15,
    "environment": 5, "treatment_effect": 10, "communication": 9, "hygiene": 3,
    "booking": 8, "other": 3,
}  # fmt: skip


def feedback(
    leads: Leads, lead_customer: np.ndarray, orders: pd.DataFrame, net: Network, window: Window,
    seed: int,
) -> pd.DataFrame:  # fmt: skip
    """Ratings after arrivals and after some repeat purchases, a few hours to days later."""
    rng = rng_for(seed, "feedback")
    arrived = np.flatnonzero(leads.has_arrival & (rng.random(len(leads)) < LEAD_VISIT_SHARE))
    repeat = orders["lead_id"].isna().to_numpy()
    rows = np.flatnonzero(repeat & (rng.random(len(orders)) < REPEAT_VISIT_SHARE))
    start = np.datetime64(window.start, "s")
    order_secs = (orders["ordered_at"].to_numpy()[rows] - start).astype(np.int64)
    customer = np.concatenate([lead_customer[arrived] + 1, orders["customer_id"].to_numpy()[rows]])
    clinic = np.concatenate([leads.clinic[arrived] + 1, orders["clinic_id"].to_numpy()[rows]])
    when = np.concatenate([leads.arrived[arrived], order_secs])
    when = when + (rng.lognormal(np.log(3 * HOUR), 1.2, len(when))).astype(np.int64)
    keep = when < window.horizon
    customer, clinic, when = customer[keep], clinic[keep].astype(np.int32), when[keep]
    order = np.argsort(when.astype(np.int32))
    customer, clinic, when = customer[order], clinic[order], when[order]
    n = len(when)
    # Clinics differ in service quality, and every clinic improves slowly over time.
    quality = rng_for(seed, "clinic-service").normal(0.0, 0.35, net.size)[clinic - 1]
    shift = quality + 0.25 * when / window.horizon
    probs = SCORE_SHARES[None, :] * np.exp(np.outer(shift, np.arange(5) - 2.0) * 0.5)
    cdf = np.cumsum(probs, axis=1)
    score = (rng.random(n) * cdf[:, -1] > cdf[:, :-1].T).sum(axis=0) + 1
    low = score <= 3
    problems = list(ENUMS[("feedback", "problem_category")])
    w = np.array([PROBLEM_WEIGHTS[p] for p in problems], dtype=float)
    code = np.where(low, draw_discrete(w, rng.random(n, dtype=np.float32)), -1)
    complaint = rng.random(n) < COMPLAINT_GIVEN_SCORE[score - 1]
    return frame(
        {
            "feedback_id": np.arange(1, n + 1, dtype=np.int64),
            "customer_id": customer.astype(np.int64),
            "clinic_id": clinic,
            "submitted_at": timestamps(window, when),
            "score": score.astype(np.int32),
            "problem_category": pd.Categorical.from_codes(code, categories=problems),
            "is_complaint": complaint,
        }
    )


def staff_training(net: Network, window: Window, seed: int) -> pd.DataFrame:
    """Training days per clinic (a few a month), hours = staff × a session length."""
    rng = rng_for(seed, "training")
    day_clinic = rng.random((window.days, net.size)) < 3.5 / 30
    weekday = (np.arange(window.days) + window.start.weekday()) % 7
    day_clinic &= (weekday < 5)[:, None]  # trainings run on weekdays
    day_clinic &= np.arange(window.days)[:, None] >= net.open_day[None, :]
    day, clinic = np.nonzero(day_clinic)
    staff = net.clinics["staff"].to_numpy()[clinic]
    attend = rng.uniform(0.4, 0.9, len(day))  # not everyone joins every session
    hours = np.round(staff * attend * rng.choice([1.0, 1.5, 2.0, 3.0], len(day)) * 2) / 2
    return frame(
        {
            "clinic_id": (clinic + 1).astype(np.int32),
            "date": dates(window, day),
            "hours": np.maximum(hours, 0.5),
        }
    )
