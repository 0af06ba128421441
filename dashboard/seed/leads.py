"""Leads and their funnel: lead → inquiry → booking → arrival → paid, with realistic delays.

Every stage is drawn for all leads at once. Stage times only ever add non-negative delays
to the previous present stage, so they are non-decreasing per lead by construction; a
stage that would fall after the end date has simply not happened yet (nor have later ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.seed.calendar_table import spring_festival_breaks
from dashboard.seed.core import (
    DAY,
    HOUR,
    Window,
    draw_discrete,
    frame,
    nullable_int,
    rng_for,
    timestamps,
)  # fmt: skip
from dashboard.seed.network import Network

# When during the day leads arrive (phones light up at lunch and in the evening).
HOUR_WEIGHTS = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 2.2, 2.6, 2.6]
    + [2.2, 2.2, 2.4, 2.4, 2.3, 2.2, 2.3, 2.7, 3.0, 3.0, 2.4, 1.2]
)
# Stage-rate multipliers per specialty (inquiry, booking, arrival, paid): surgery-heavy
# eye clinics lose more at the paid step, aesthetics converts after arrival more easily.
SPEC_RATE = np.array([[1.0, 0.95, 1.0, 0.92], [1.0, 1.05, 1.02, 1.0], [1.02, 0.98, 0.96, 1.06]])
RETURNING_RATE = np.array([1.1, 1.15, 1.1, 1.1])  # known customers convert better
WALK_IN = 0.04  # inquired, never booked, came in anyway
OPEN_H, CLOSE_H = 9, 20  # clinic hours for arrivals and payments


@dataclass
class Leads:
    """All leads as parallel arrays, sorted by creation time (index = lead_id - 1)."""

    created: np.ndarray  # seconds since window start
    clinic: np.ndarray
    channel: np.ndarray
    returning: np.ndarray
    inquiry: np.ndarray
    booked: np.ndarray
    arrived: np.ndarray
    paid: np.ndarray
    has_inquiry: np.ndarray
    has_booking: np.ndarray
    has_arrival: np.ndarray
    has_paid: np.ndarray
    appointment: np.ndarray  # when the booked visit is due (预约到诊时间), seconds
    has_appointment: np.ndarray

    def __len__(self) -> int:
        return len(self.created)


def draw_cells(p: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Each lead's (day, clinic, channel) and creation second, sorted by creation time."""
    d, c, k = p.shape
    counts = rng.multinomial(n, p.ravel())
    cell = np.repeat(np.arange(d * c * k, dtype=np.int32), counts)
    hour = draw_discrete(HOUR_WEIGHTS, rng.random(n, dtype=np.float32))
    # int32 fits two years of seconds and sorts twice as fast as int64.
    created = (cell // (c * k)) * DAY + hour * HOUR + rng.integers(0, HOUR, n, dtype=np.int32)
    order = np.argsort(created)
    cell = cell[order]
    return (
        created[order].astype(np.int64),
        (cell // k % c).astype(np.int16),
        (cell % k).astype(np.int8),
    )


def _lognormal_seconds(rng, n: int, median_h: float, sigma: float) -> np.ndarray:
    # float32 throughout: float64 exp is ten times slower on millions of values.
    z = rng.standard_normal(n, dtype=np.float32)
    mu, s = np.float32(np.log(median_h * HOUR)), np.float32(sigma)
    return np.exp(mu + s * z).astype(np.int64)


def _in_hours(rng, day: np.ndarray, not_before: np.ndarray) -> np.ndarray:
    """A time within clinic hours on ``day``, moved to the next day if before ``not_before``."""
    tod = OPEN_H * HOUR + rng.integers(0, (CLOSE_H - OPEN_H) * HOUR, len(day))
    when = day * DAY + tod
    when = np.where(when < not_before, when + DAY, when)
    return np.maximum(when, not_before)


def reopening(window: Window, holidays: pd.DataFrame) -> np.ndarray:
    """Day → the day a visit planned for it actually happens (clinics close for the Spring Festival)."""
    out = np.arange(window.days + 400)
    for first, last in spring_festival_breaks(holidays):
        a, b = window.day_of(first), window.day_of(last)
        lo, hi = max(a, 0), min(b, len(out) - 1)
        if lo <= hi:
            out[lo : hi + 1] = b + 1
    return out


def _rates(net: Network, channels: pd.DataFrame, leads_clinic, leads_channel, returning):
    base = channels[["inquiry_rate", "booking_rate", "arrival_rate", "paid_rate"]].to_numpy(float)
    k = len(channels)
    table = SPEC_RATE[:, None, None, :] * base[None, :, None, :]  # (3, K, 2, 4)
    table = table * np.stack([np.ones(4), RETURNING_RATE])[None, None, :, :]
    table = np.minimum(table, 0.97).astype(np.float32).reshape(-1, 4)
    key = (net.spec[leads_clinic].astype(np.int32) * k + leads_channel) * 2 + returning
    return table, key


def skip_closure(when: np.ndarray, reopen: np.ndarray) -> np.ndarray:
    """Times on a closed day move to the same hour of the reopening day (never earlier)."""
    day = np.minimum(when // DAY, len(reopen) - 1)
    return np.where(reopen[day] > day, reopen[day] * DAY + when % DAY, when)


def _appointments(seed, booked, has_book, ia, arrived, reopen) -> np.ndarray:
    """When each booked visit is due (预约到诊时间), on the hour within clinic hours.

    A lead that arrives was mostly due that very day (85%); the rest came up to a week late
    (never due before the booking's day). A booking that never arrives was due days after the
    booking, like the arrivals. Its own random stream: every other table stays as it was. A
    visit due after the end date is a plan for the future, kept as such.
    """
    rng = rng_for(seed, "appointments")
    n = len(booked)
    book_day = booked // DAY
    due_day = book_day + 1 + (_lognormal_seconds(rng, n, 3 * 24.0, 1.0) // DAY)
    due_day = skip_closure(due_day * DAY, reopen) // DAY
    booked_arrivals = ia[has_book[ia]]
    arr_day = arrived[booked_arrivals] // DAY
    late = rng.random(len(booked_arrivals), dtype=np.float32) < 0.15
    early_by = rng.integers(1, 8, len(booked_arrivals))
    due_day[booked_arrivals] = np.maximum(
        np.where(late, arr_day - early_by, arr_day), book_day[booked_arrivals]
    )
    hour = rng.integers(OPEN_H, CLOSE_H, n)
    return np.where(has_book, due_day * DAY + hour * HOUR, 0)


def generate_leads(
    p: np.ndarray,
    n: int,
    net: Network,
    channels: pd.DataFrame,
    holidays: pd.DataFrame,
    window: Window,
    seed: int,
) -> Leads:
    """Draw ``n`` leads over the cells of ``p`` and walk each through the funnel."""
    rng = rng_for(seed, "leads")
    created, clinic, channel = draw_cells(p, n, rng)
    day = created // DAY
    # Returning customers' share of leads grows as the customer base builds up.
    ret_weight = channels["returning_weight"].to_numpy(np.float32)[channel]
    base_ret = (0.08 + 0.28 * np.minimum(1.0, day / 270.0)).astype(np.float32)
    returning = rng.random(n, dtype=np.float32) < base_ret * ret_weight
    table, key = _rates(net, channels, clinic, channel, returning)
    quality = rng_for(seed, "clinic-quality").lognormal(0.0, 0.08, net.size).astype(np.float32)
    skip_rate = channels["skip_rate"].to_numpy(np.float32)[channel] * np.where(returning, 1.5, 1.0)

    # Inquiry (咨询/私信): most leads message within the hour; some book straight away.
    skip = rng.random(n, dtype=np.float32) < skip_rate
    has_inq = ~skip & (rng.random(n, dtype=np.float32) < table[key, 0])
    inquiry = created + _lognormal_seconds(rng, n, 1.2, 1.3)
    # Booking (预约): hours to days after the inquiry, or right after the lead when skipped.
    has_book = skip | (has_inq & (rng.random(n, dtype=np.float32) < table[key, 1]))
    book_from = np.where(has_inq, inquiry, created)
    booked = book_from + _lognormal_seconds(rng, n, 18.0, 1.4)
    # Arrival (到院): days to weeks later with a heavy tail; a share of weekday plans slide
    # to the weekend, and nobody comes while the clinic is closed for the Spring Festival.
    # Only the leads that arrive get arrival times drawn (a quarter of them at most).
    arr_p = table[key, 2] * quality[clinic]
    walk_in = has_inq & ~has_book & (rng.random(n, dtype=np.float32) < WALK_IN)
    has_arr = (has_book & (rng.random(n, dtype=np.float32) < arr_p)) | walk_in
    ia = np.flatnonzero(has_arr)
    arr_from = np.where(has_book[ia], booked[ia], inquiry[ia])
    arr_day = (arr_from + _lognormal_seconds(rng, len(ia), 4 * 24.0, 1.15)) // DAY
    weekday = (arr_day + window.start.weekday()) % 7
    to_weekend = (weekday < 4) & (rng.random(len(ia), dtype=np.float32) < 0.3)
    arr_day = np.where(to_weekend, arr_day + 5 - weekday, arr_day)
    reopen = reopening(window, holidays)
    arr_day = np.where(arr_day < len(reopen), reopen[np.minimum(arr_day, len(reopen) - 1)], arr_day)
    # Moving a visit to the next day can land it in the closure again: reopen once more.
    arrived = np.zeros(n, dtype=np.int64)
    arrived[ia] = skip_closure(_in_hours(rng, arr_day, arr_from + 15 * 60), reopen)
    # Paid deal (成交): usually during the visit, otherwise days later (surgery scheduled).
    paid_p = table[key[ia], 3] * quality[clinic[ia]]
    ip = ia[rng.random(len(ia), dtype=np.float32) < paid_p]
    has_paid = np.zeros(n, dtype=bool)
    has_paid[ip] = True
    same_visit = rng.random(len(ip), dtype=np.float32) < 0.75
    later_day = (arrived[ip] + _lognormal_seconds(rng, len(ip), 6 * 24.0, 0.9)) // DAY
    paid = np.zeros(n, dtype=np.int64)
    paid[ip] = np.where(
        same_visit,
        arrived[ip] + rng.integers(10 * 60, 2 * HOUR, len(ip)),
        skip_closure(_in_hours(rng, later_day, arrived[ip] + HOUR), reopen),
    )
    appointment = _appointments(seed, booked, has_book, ia, arrived, reopen)
    h = window.horizon
    has_inq &= inquiry < h
    has_book &= booked < h
    has_arr &= arrived < h
    has_paid &= has_arr & (paid < h)
    return Leads(
        created, clinic, channel, returning, inquiry, booked, arrived, paid,
        has_inq, has_book, has_arr, has_paid, appointment, has_book.copy(),
    )  # fmt: skip


def leads_frame(
    leads: Leads, lead_customer: np.ndarray, deal_amount: np.ndarray, window: Window
) -> pd.DataFrame:
    """The leads table (lead ids follow creation time)."""
    return frame(
        {
            "lead_id": np.arange(1, len(leads) + 1, dtype=np.int64),
            "created_at": timestamps(window, leads.created),
            "channel_id": (leads.channel + 1).astype(np.int32),
            "clinic_id": (leads.clinic + 1).astype(np.int32),
            "customer_id": nullable_int(lead_customer + 1, lead_customer >= 0),
            "is_returning": leads.returning,
            "inquiry_at": timestamps(window, leads.inquiry, leads.has_inquiry),
            "booked_at": timestamps(window, leads.booked, leads.has_booking),
            "arrived_at": timestamps(window, leads.arrived, leads.has_arrival),
            "paid_at": timestamps(window, leads.paid, leads.has_paid),
            "appointment_at": timestamps(window, leads.appointment, leads.has_appointment),
            "deal_amount": pd.arrays.FloatingArray(np.round(deal_amount, 2), np.isnan(deal_amount)),
        }
    )
