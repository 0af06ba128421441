"""The referral network (老带新) and its rewards."""

from __future__ import annotations

import numpy as np


def _referral_channel(frames) -> int:
    channels = frames["channels"]
    return int(channels.loc[channels["kind"] == "referral", "channel_id"].iat[0])


def test_referrers_are_earlier_customers(small):
    customers = small["customers"].set_index("customer_id")
    referred = customers.dropna(subset=["referrer_id"])
    referrer = referred["referrer_id"].astype("int64")
    assert (referrer.to_numpy() != referred.index.to_numpy()).all()
    # Strictly earlier registration: following referrers always goes back in time, so no cycles.
    assert (
        customers.loc[referrer, "created_at"].to_numpy() < referred["created_at"].to_numpy()
    ).all()


def test_no_referral_cycles(small):
    parent = small["customers"].set_index("customer_id")["referrer_id"]
    parent = parent.astype("Int64").fillna(0).astype(np.int64)
    lookup = np.zeros(int(parent.index.max()) + 1, dtype=np.int64)
    lookup[parent.index.to_numpy()] = parent.to_numpy()
    current = parent.index.to_numpy()
    for _ in range(len(lookup)):
        current = lookup[current]
        if not current.any():
            break
    assert not current.any()


def test_referred_customers_came_through_the_referral_channel(small):
    customers = small["customers"]
    referral = _referral_channel(small)
    referred = customers["referrer_id"].notna()
    assert (customers.loc[referred, "acquisition_channel_id"] == referral).all()
    assert referred.sum() == (customers["acquisition_channel_id"] == referral).sum()


def test_heavy_tailed_referrers(small, default):
    counts = small["customers"]["referrer_id"].value_counts()
    assert counts.max() >= 20
    big = default["customers"]["referrer_id"].value_counts()
    assert big.max() >= 20
    assert big.median() <= 2  # most who refer bring one or two
    assert (big >= 20).sum() >= 5  # a few super-customers bring dozens


def test_rewards_go_to_the_referrer_after_the_referred_pays(small):
    rewards, customers, orders = (small["referral_rewards"], small["customers"], small["orders"])
    referrer = customers.set_index("customer_id")["referrer_id"]
    assert (rewards["referrer_id"].to_numpy() == referrer[rewards["referred_id"]].to_numpy()).all()
    assert rewards["referred_id"].is_unique
    first_paid = orders.groupby("customer_id")["ordered_at"].min().dt.normalize()
    assert (rewards["paid_on"].to_numpy() >= first_paid[rewards["referred_id"]].to_numpy()).all()
    red = rewards[rewards["reward_type"] == "red_packet"]
    assert (red["amount"] == 10).all()
    assert (rewards["amount"] > 0).all()
