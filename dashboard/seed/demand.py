"""How many leads each day × clinic × channel gets: weekdays, seasons, holidays, campaigns.

The result is a probability per cell; the leads step draws every lead's cell from it in
one multinomial draw, so the daily totals carry the shape built here plus honest noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dashboard.seed.calendar_table import spring_festival_breaks, window_holidays
from dashboard.seed.core import Window, rng_for
from dashboard.seed.network import Network
from dashboard.seed.reference import SPECIALTIES

# Monday … Sunday: enquiries come in on Sunday evenings and early in the week.
LEAD_WEEKDAY = np.array([1.06, 1.0, 1.0, 0.98, 0.95, 0.88, 1.02])
# Month factors (Jan … Dec) per specialty: eye peaks in the students' summer holiday
# (myopia surgery before university), aesthetics in the autumn/winter laser season.
SEASON = np.array(
    [
        [0.95, 1.0, 0.9, 0.9, 0.95, 1.15, 1.45, 1.4, 0.95, 0.9, 0.95, 1.0],
        [0.95, 0.9, 1.0, 1.0, 1.0, 1.0, 1.12, 1.12, 1.0, 0.95, 1.0, 1.05],
        [1.1, 0.95, 1.05, 1.05, 1.0, 0.9, 0.85, 0.85, 1.0, 1.1, 1.15, 1.15],
    ]
)
YEARLY_GROWTH = 0.14
# Business-hours channels (partners, corporate, offline) go quiet at weekends.
WEEKDAY_KINDS = ("partner", "corporate", "offline")
CAMPAIGN_WEEKS_IN = 6  # the Zhengzhou push started six weeks before the end date …
CAMPAIGN_WEEKS = 8  # … and runs eight weeks, so it is still in progress


@dataclass(frozen=True)
class Campaign:
    """The regional north-star campaign (区域化营销): Zhengzhou arrivals through Douyin."""

    city_row: int
    start: date
    end: date


def zhengzhou_campaign(net: Network, window: Window) -> Campaign:
    """The Zhengzhou arrivals push: eight weeks from a Monday, in progress at ``end``."""
    row = int(np.flatnonzero(net.cities["name_en"].to_numpy() == "Zhengzhou")[0])
    monday = window.end - timedelta(days=window.end.weekday())
    start = monday - timedelta(weeks=CAMPAIGN_WEEKS_IN)
    return Campaign(row, start, start + timedelta(weeks=CAMPAIGN_WEEKS, days=-1))


def _promo_curve(days: pd.DatetimeIndex) -> np.ndarray:
    """Online shopping festivals: a ramp up to 618 (18 June) and Double 11 (11 November)."""
    out = np.ones(len(days))
    for month, peak_day, height in ((6, 18, 1.6), (11, 11, 2.2)):
        in_run = (days.month == month) & (days.day <= peak_day)
        ramp = (days.day.to_numpy() / peak_day) ** 3
        out = np.where(in_run, 1.0 + height * ramp, out)
        # The peak day itself is the loudest; the day after is a hangover dip.
        out = np.where((days.month == month) & (days.day == peak_day + 1), 0.85, out)
    return out


def _holiday_factor(window: Window, holidays: pd.DataFrame) -> np.ndarray:
    """Public holidays dampen enquiries; the Spring Festival nearly stops them."""
    f = np.ones(window.days)
    inside = window_holidays(window, holidays)
    f[inside["day"].to_numpy()] = 0.8
    for first, last in spring_festival_breaks(holidays):
        a, b = window.day_of(first), window.day_of(last)
        for lo, hi, level in ((a - 10, a - 1, 0.7), (a, b, 0.3), (b + 1, b + 8, 0.8)):
            lo, hi = max(lo, 0), min(hi, window.days - 1)
            if lo <= hi:
                f[lo : hi + 1] = level
    return f


def cell_weights(
    net: Network, channels: pd.DataFrame, holidays: pd.DataFrame, window: Window, seed: int
) -> np.ndarray:
    """Probability of a lead falling in each (day, clinic, channel) cell, shape (D, C, K)."""
    rng = rng_for(seed, "demand")
    days = pd.DatetimeIndex(window.day_dates())
    t_years = np.arange(window.days) / 365.25
    weekday = days.day_of_week.to_numpy()
    common = LEAD_WEEKDAY[weekday] * np.exp(YEARLY_GROWTH * t_years)
    common *= _holiday_factor(window, holidays)
    spec_day = SEASON[:, days.month.to_numpy() - 1] * common  # (3, D)
    # Per clinic: its traffic, nothing before it opens, a four-month ramp-up after opening,
    # and day-to-day noise (staff on leave, a local news item).
    since_open = np.arange(window.days)[:, None] - net.open_day[None, :]
    ramp = np.clip(0.3 + 0.7 * since_open / 120.0, 0.0, 1.0) * (since_open >= 0)
    ramp[:, net.open_day == 0] = 1.0
    noise = rng.gamma(60.0, 1.0 / 60.0, size=(window.days, net.size))
    clinic_day = spec_day[net.spec].T * net.traffic * ramp * noise  # (D, C)
    mix = _channel_mix(net, channels)  # (C, K)
    chan_day = _channel_day(channels, days, t_years)  # (D, K)
    p = clinic_day[:, :, None] * mix[None, :, :] * chan_day[:, None, :]
    camp = zhengzhou_campaign(net, window)
    lo, hi = window.day_of(camp.start), min(window.day_of(camp.end), window.days - 1)
    boost = np.where(channels["code"].isin(["douyin", "livestream"]), 1.3, 1.0)
    p[lo : hi + 1, net.city == camp.city_row, :] *= boost
    return p / p.sum()


def _channel_mix(net: Network, channels: pd.DataFrame) -> np.ndarray:
    mix = channels[[f"mix_{s}" for s in SPECIALTIES]].to_numpy(float).T[net.spec]
    tiers = net.cities["tier"].to_numpy()[net.city]
    low_tier = np.isin(tiers, ["tier2", "tier3"])[:, None]
    kind = channels["kind"].to_numpy()
    # Lower-tier cities: vertical platforms are thin there, offline and partners matter more.
    adjust = np.where(kind == "vertical", 0.5, np.where(np.isin(kind, WEEKDAY_KINDS), 1.4, 1.0))
    return np.where(low_tier, mix * adjust[None, :], mix)


def _channel_day(channels: pd.DataFrame, days: pd.DatetimeIndex, t_years: np.ndarray) -> np.ndarray:
    growth = channels["growth"].to_numpy(float)
    trend = np.exp(np.outer(t_years - 1.0, growth))  # (D, K): Douyin rising, Baidu fading
    promo = _promo_curve(days)[:, None]
    lift = channels["promo_lift"].to_numpy(float)[None, :]
    out = trend * (1.0 + lift * (promo - 1.0))
    weekend = days.day_of_week.to_numpy() >= 5
    business = channels["kind"].isin(WEEKDAY_KINDS).to_numpy()
    out[np.ix_(weekend, business)] *= 0.45
    # Livestreams happen on show nights (Fridays and festival peaks); off-nights only
    # bring stragglers from replays.
    live = (channels["code"] == "livestream").to_numpy()
    show = (days.day_of_week.to_numpy() == 4) | (promo[:, 0] > 2.0)
    out[:, live] *= np.where(show, 3.5, 0.35)[:, None]
    return out
