"""The funnel: stage order, delays, conversion rates and deal amounts."""

from __future__ import annotations

import pandas as pd

STAGES = ["created_at", "inquiry_at", "booked_at", "arrived_at", "paid_at"]


def test_stage_times_never_go_backwards(small):
    leads = small["leads"]
    stages = leads[STAGES]
    # Carry the latest present time forward: every present stage must be at or after it.
    running = stages.ffill(axis=1)
    for prev, cur in zip(STAGES, STAGES[1:], strict=False):
        present = stages[cur].notna()
        assert (stages.loc[present, cur] >= running.loc[present, prev]).all(), cur


def test_later_stages_imply_earlier_ones(small):
    leads = small["leads"]
    assert leads.loc[leads["paid_at"].notna(), "arrived_at"].notna().all()
    assert leads["deal_amount"].notna().equals(leads["paid_at"].notna())
    registered = leads["booked_at"].notna() | leads["arrived_at"].notna()
    assert leads.loc[registered, "customer_id"].notna().all()
    assert leads.loc[leads["is_returning"], "customer_id"].notna().all()


def test_some_leads_skip_a_stage(small):
    leads = small["leads"]
    booked_without_inquiry = leads["booked_at"].notna() & leads["inquiry_at"].isna()
    walk_in = leads["arrived_at"].notna() & leads["booked_at"].isna()
    assert booked_without_inquiry.mean() > 0.01
    assert walk_in.sum() > 0


def test_conversion_rates_are_in_the_playbook_ranges(default):
    leads = default["leads"]
    inquired = leads["inquiry_at"].notna()
    booked = leads["booked_at"].notna()
    arrived = leads["arrived_at"].notna()
    paid = leads["paid_at"].notna()
    assert 0.6 <= inquired.mean() <= 0.8
    assert 0.3 <= (inquired & booked).sum() / inquired.sum() <= 0.5
    assert 0.6 <= (booked & arrived).sum() / booked.sum() <= 0.8
    assert 0.5 <= paid.sum() / arrived.sum() <= 0.7


def test_conversion_varies_by_channel(default):
    leads = default["leads"]
    rate = leads["arrived_at"].notna().groupby(leads["channel_id"]).mean()
    assert rate.max() - rate.min() > 0.1


def test_delays_have_a_heavy_tail(default):
    leads = default["leads"]
    wait = (leads["arrived_at"] - leads["booked_at"]).dropna()
    assert wait.median() < pd.Timedelta(days=7)
    assert (wait > pd.Timedelta(days=30)).sum() > 100
    minutes = (leads["inquiry_at"] - leads["created_at"]).dropna()
    assert minutes.median() < pd.Timedelta(hours=3)


def test_deal_amounts_by_specialty(default):
    leads, clinics = default["leads"], default["clinics"]
    spec = leads["clinic_id"].map(clinics.set_index("clinic_id")["specialty"])
    amount = leads["deal_amount"].astype(float)
    assert (amount.dropna() > 0).all()
    assert amount[spec == "eye"].max() <= 25_000
    assert amount[spec == "eye"].quantile(0.75) >= 8_000  # surgery dominates eye revenue
    assert amount[spec == "aesthetic"].median() < amount[spec == "eye"].median()
