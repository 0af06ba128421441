"""channel_daily against the leads it produced: reach, clicks and acquisition cost."""

from __future__ import annotations

import pandas as pd


def _per_channel(frames) -> pd.DataFrame:
    cd, leads, channels = frames["channel_daily"], frames["leads"], frames["channels"]
    out = channels.set_index("channel_id")[["code", "kind"]].copy()
    out["spend"] = cd.groupby("channel_id")["spend"].sum()
    out["leads"] = leads.groupby("channel_id").size()
    out["bookings"] = leads.dropna(subset=["booked_at"]).groupby("channel_id").size()
    out["customers"] = frames["customers"].groupby("acquisition_channel_id").size()
    return out


def test_reach_and_clicks_cover_the_leads(small):
    cd, leads = small["channel_daily"], small["leads"]
    cells = leads.assign(date=leads["created_at"].dt.normalize())
    counts = cells.groupby(["date", "channel_id", "clinic_id"]).size().rename("leads")
    merged = cd.set_index(["date", "channel_id", "clinic_id"]).join(counts, how="left").fillna(0)
    assert (merged["clicks"] >= merged["leads"]).all()
    assert (merged["impressions"] >= merged["clicks"]).all()
    # Every lead of a media or partner channel falls on a channel_daily row.
    referral = small["channels"].query("kind == 'referral'")["channel_id"]
    media = counts[~counts.index.get_level_values("channel_id").isin(referral)]
    assert media.index.isin(merged.index).all()


def test_paid_channels_cost_thousands_per_customer(default):
    per = _per_channel(default)
    cac = per["spend"] / per["customers"]
    for code in ("moments_ads", "baidu_sem", "soyoung", "douyin"):
        assert 1_000 <= cac[per["code"] == code].iat[0] <= 9_000, code


def test_livestream_anchor_and_cheap_partners(default):
    per = _per_channel(default).set_index("code")
    # The playbook's ¥50,000 livestream that produced 2,000 bookings: about ¥25 per booking.
    assert 10 <= per.loc["livestream", "spend"] / per.loc["livestream", "bookings"] <= 60
    assert per.loc["pharmacy_points", "spend"] == 30 * per.loc["pharmacy_points", "leads"]
    partner_cpl = per.loc["community_hospital", "spend"] / per.loc["community_hospital", "leads"]
    assert partner_cpl < per.loc["baidu_sem", "spend"] / per.loc["baidu_sem", "leads"] / 5


def test_referral_channel_has_no_media_rows(small):
    referral = small["channels"].query("kind == 'referral'")["channel_id"]
    assert not small["channel_daily"]["channel_id"].isin(referral).any()
