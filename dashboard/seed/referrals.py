"""The referral network (老带新) and the rewards paid for it.

Referrers are drawn with heavy-tailed weights: most customers who refer bring one or
two friends, while a few super-customers (超级客户, the clinic's KOCs) bring dozens.
A referrer is always registered strictly before the customer they bring, which rules out
cycles and self-referrals by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.seed.core import DAY, Window, frame, money, rng_for
from dashboard.seed.customers import Customers
from dashboard.seed.leads import Leads

_SHIFT = 40
KOC_SHARE_EARLY = 0.006  # loyal early customers become advocates more often …
KOC_SHARE_LATE = 0.001  # … than recent ones
KOC_WEIGHT = 150.0
ORDINARY_TAIL = 1.8  # Pareto shape of everyone else's pull: a long but thin tail
SAME_CITY = 0.85  # most friends live in the same city
FALLBACK_CHANNEL = "wechat_oa"
REWARDS = (  # (type, share, possible amounts in CNY)
    ("red_packet", 0.55, (10,)),
    ("voucher", 0.30, (50, 100, 200)),
    ("gift", 0.15, (68, 128, 198, 298)),
)


def _weights(cust: Customers, window: Window, rng) -> np.ndarray:
    n = len(cust)
    early = cust.created < window.horizon // 4
    koc = rng.random(n) < np.where(early, KOC_SHARE_EARLY, KOC_SHARE_LATE)
    ordinary = 1.0 + rng.pareto(ORDINARY_TAIL, n)
    koc_pull = KOC_WEIGHT * rng.lognormal(0.0, 0.6, n)
    # Only customers who have been to a clinic recommend it.
    return np.where(koc, koc_pull, ordinary) * cust.has_visit


def _draw_prefix(group, created, weights, who, rng) -> np.ndarray:
    """For each customer in ``who``, a weighted pick among same-group customers created before."""
    order = np.lexsort((created, group))
    key = (group[order].astype(np.int64) << _SHIFT) | created[order]
    cw = np.concatenate([[0.0], np.cumsum(weights[order])])
    gkey = group[who].astype(np.int64) << _SHIFT
    hi = np.searchsorted(key, gkey | created[who], side="left")
    starts = np.searchsorted(
        key, np.arange(int(group.max(initial=0)) + 1, dtype=np.int64) << _SHIFT
    )
    lo = starts[group[who]]
    total = cw[hi] - cw[lo]
    ok = total > 0
    target = cw[lo] + rng.random(len(who)) * total
    pos = np.clip(np.searchsorted(cw, target, side="right") - 1, lo, np.maximum(hi - 1, lo))
    return np.where(ok, order[np.minimum(pos, len(order) - 1)], -1)


def assign_referrers(
    cust: Customers, leads: Leads, city_of_clinic: np.ndarray, referral: int, fallback: int,
    window: Window, seed: int,
) -> None:  # fmt: skip
    """Set ``cust.referrer`` for customers acquired through the referral channel."""
    rng = rng_for(seed, "referrals")
    weights = _weights(cust, window, rng)
    referrer = np.full(len(cust), -1, dtype=np.int64)
    who = np.flatnonzero(cust.channel == referral)
    city = city_of_clinic[cust.clinic]
    local = rng.random(len(who)) < SAME_CITY
    chain = np.zeros(len(cust), dtype=np.int64)
    picked = np.where(
        local,
        _draw_prefix(city, cust.created, weights, who, rng),
        _draw_prefix(chain, cust.created, weights, who, rng),
    )
    missing = picked < 0
    picked[missing] = _draw_prefix(chain, cust.created, weights, who[missing], rng)
    referrer[who] = picked
    # The very first referral-channel customers had nobody to be referred by: the lead
    # was really a WeChat follower, so relabel it rather than invent a referrer.
    orphans = who[picked < 0]
    cust.channel[orphans] = fallback
    leads.channel[cust.acq_lead[orphans]] = fallback
    cust.referrer = referrer


def referral_rewards(
    cust: Customers, first_paid: np.ndarray, window: Window, seed: int
) -> pd.DataFrame:
    """One reward to the referrer when a referred customer first pays (¥10 red packets …)."""
    rng = rng_for(seed, "rewards")
    who = np.flatnonzero((cust.referrers >= 0) & (first_paid >= 0))
    paid_day = np.minimum(first_paid[who] // DAY + rng.integers(0, 3, len(who)), window.days - 1)
    u = rng.random(len(who))
    shares = np.cumsum([r[1] for r in REWARDS])
    kind = np.searchsorted(shares, u * shares[-1], side="right")
    amount = np.zeros(len(who))
    for i, (_, _, amounts) in enumerate(REWARDS):
        sel = kind == i
        amount[sel] = rng.choice(np.array(amounts, dtype=float), sel.sum())
    types = pd.Categorical.from_codes(kind, categories=[r[0] for r in REWARDS])
    return frame(
        {
            "reward_id": np.arange(1, len(who) + 1, dtype=np.int64),
            "referrer_id": cust.referrers[who] + 1,
            "referred_id": who.astype(np.int64) + 1,
            "clinic_id": (cust.clinic[who] + 1).astype(np.int32),
            "paid_on": np.datetime64(window.start, "s") + (paid_day * DAY).astype("timedelta64[s]"),
            "reward_type": types,
            "amount": money(amount),
        }
    )
