"""``channel_daily``: impressions, clicks and spend per date × channel × clinic.

Media channels buy reach: spend follows the planned volume (cost per lead × expected
leads) with noise, and clicks and impressions sit above the leads actually produced.
Partner channels are paid per referred customer (pharmacy points swap ¥30, community
hospitals a referral fee), so their spend is exactly unit price × leads. The referral
channel (老带新) has no media: its cost is the rewards in ``referral_rewards``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.seed.core import DAY, Window, dates, frame, money, rng_for
from dashboard.seed.leads import Leads


def channel_daily(
    leads: Leads, p: np.ndarray, channels: pd.DataFrame, window: Window, seed: int
) -> pd.DataFrame:
    """One row per active (day, clinic, channel) cell, zero-lead days included."""
    rng = rng_for(seed, "channel-daily")
    d, c, k = p.shape
    cell = ((leads.created // DAY) * c + leads.clinic) * k + leads.channel
    counts = np.bincount(cell, minlength=d * c * k).reshape(d, c, k)
    active = p > 0
    active[:, :, (channels["kind"] == "referral").to_numpy()] = False
    day, clinic, chan = np.nonzero(active)
    got = counts[day, clinic, chan].astype(float)
    expected = p[day, clinic, chan] * len(leads)
    cpl = channels["cost_per_lead"].to_numpy(float)[chan]
    per_lead = channels["pay_per_lead"].to_numpy(float)[chan]
    # Media budgets are planned a little ahead of results: half plan, half what came in.
    volume = 0.5 * expected + 0.5 * got
    noise = rng.gamma(20.0, 1.0 / 20.0, len(day))
    spend = np.where(per_lead > 0, per_lead * got, cpl * volume * noise)
    c2l = channels["click_to_lead"].to_numpy(float)[chan]
    ctr = channels["ctr"].to_numpy(float)[chan]
    clicks = np.maximum(got, np.round(volume / c2l * rng.gamma(30.0, 1.0 / 30.0, len(day))))
    impressions = np.maximum(clicks, np.round(clicks / ctr * rng.gamma(30.0, 1.0 / 30.0, len(day))))
    return frame(
        {
            "date": dates(window, day),
            "channel_id": (chan + 1).astype(np.int32),
            "clinic_id": (clinic + 1).astype(np.int32),
            "impressions": impressions.astype(np.int64),
            "clicks": clicks.astype(np.int64),
            "spend": money(spend),
        }
    )
