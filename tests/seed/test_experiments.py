"""A/B tests for the red-black board: designs, true effects, SRM and guardrails."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def _by_code(frames, code: str) -> pd.DataFrame:
    experiments = frames["experiments"]
    exp_id = experiments.loc[experiments["code"] == code, "experiment_id"].iat[0]
    exposures = frames["experiment_exposures"]
    out = exposures[exposures["experiment_id"] == exp_id].copy()
    out["variant_code"] = out["variant_code"].astype("str")
    return out


def _z(a: pd.Series, b: pd.Series) -> float:
    """Two-proportion z statistic of b against a."""
    p = (a.sum() + b.sum()) / (len(a) + len(b))
    se = np.sqrt(p * (1 - p) * (1 / len(a) + 1 / len(b)))
    return float((b.mean() - a.mean()) / se)


def test_variant_designs(small):
    variants = small["experiment_variants"]
    shares = variants.groupby("experiment_id")["planned_share"].sum()
    assert np.allclose(shares, 1.0)
    assert (variants.groupby("experiment_id")["is_control"].sum() == 1).all()
    assert variants.groupby("experiment_id").size().max() >= 3


def test_experiment_catalogue(small):
    experiments = small["experiments"]
    assert 10 <= len(experiments) <= 14
    assert experiments["ended_on"].isna().sum() == 1  # one still running
    assert set(experiments["surface"]) == {"ad_copy", "booking_screen", "offer", "landing_page"}
    assert (experiments["metric"] == "revenue").any()
    assert experiments["has_guardrail"].any()
    ended = experiments.dropna(subset=["ended_on"])
    assert (ended["ended_on"] >= ended["started_on"]).all()


def test_exposures_within_experiment_dates(small):
    exposures = small["experiment_exposures"].merge(small["experiments"], on="experiment_id")
    assert (exposures["exposed_at"] >= exposures["started_on"]).all()
    ended = exposures.dropna(subset=["ended_on"])
    assert (ended["exposed_at"] < ended["ended_on"] + pd.Timedelta(days=1)).all()
    tracked = exposures["has_guardrail"]
    assert exposures.loc[tracked, "guardrail_event"].notna().all()
    assert exposures.loc[~tracked, "guardrail_event"].isna().all()


def test_sample_ratio_mismatch_is_detectable(small):
    exposures = _by_code(small, "booking_wechat_login")
    counts = exposures["variant_code"].value_counts().sort_index()
    assert stats.chisquare(counts.to_numpy()).pvalue < 0.001


def test_playbook_winners(default):
    for code, lift in (("ad_copy_free_consult", 0.27), ("booking_minimal_screen", 0.32)):
        e = _by_code(default, code)
        a = e.loc[e["variant_code"] == "A", "converted"]
        b = e.loc[e["variant_code"] == "B", "converted"]
        assert _z(a, b) > 3, code
        assert abs(b.mean() / a.mean() - 1 - lift) < 0.12, code


def test_clear_loser_and_inconclusive(default):
    loser = _by_code(default, "ad_copy_price_first")
    a, b = (loser.loc[loser["variant_code"] == v, "converted"] for v in "AB")
    assert _z(a, b) < -3
    flat = _by_code(default, "landing_video_hero")
    a, b = (flat.loc[flat["variant_code"] == v, "converted"] for v in "AB")
    assert abs(_z(a, b)) < 2


def test_winner_with_worse_guardrail(default):
    e = _by_code(default, "offer_countdown_banner")
    a, b = (e[e["variant_code"] == v] for v in "AB")
    assert _z(a["converted"], b["converted"]) > 3
    assert _z(a["guardrail_event"].astype(bool), b["guardrail_event"].astype(bool)) > 3


def test_revenue_experiment_has_values(default):
    e = _by_code(default, "offer_first_order_3way")
    per_unit = e.groupby("variant_code")["value"].mean()
    assert per_unit["C"] > per_unit["A"] * 1.15
    assert (e.loc[~e["converted"], "value"] == 0).all()


def test_customer_units_are_not_repeated(small):
    e = _by_code(small, "offer_member_day_points")
    assert e["unit_id"].is_unique
    assert e["unit_id"].str.startswith("c").all()


def test_further_metrics_day1_and_day7_retention(small):
    """One experiment carries day-1 and day-7 retention: one 0/1 outcome per unit whose window
    has passed by the data's end, deterministic for a seed."""
    from dashboard.seed import generate
    from tests.seed.conftest import END, SMALL_LEADS

    metrics, outcomes = small["experiment_metrics"], small["experiment_outcomes"]
    assert metrics[["metric_code", "kind"]].values.tolist() == [
        ["retention_d1", "proportion"],
        ["retention_d7", "proportion"],
    ]
    assert metrics["experiment_id"].nunique() == 1
    assert metrics[["name_zh", "name_en"]].notna().all().all()
    exp_id = int(metrics["experiment_id"].iat[0])
    exposures = small["experiment_exposures"]
    mine = exposures[exposures.experiment_id == exp_id]
    assert not outcomes.duplicated(["experiment_id", "unit_id", "metric_code"]).any()
    assert set(outcomes["value"]) <= {0.0, 1.0}
    merged = outcomes.merge(mine[["unit_id", "exposed_at"]], on="unit_id", how="left")
    assert merged["exposed_at"].notna().all()  # every outcome is an exposed unit's
    last = pd.Timestamp(END) + pd.Timedelta(days=1)
    for code, days in (("retention_d1", 1), ("retention_d7", 7)):
        due = mine[pd.to_datetime(mine.exposed_at) + pd.Timedelta(days=days) <= last]
        measured = merged[merged.metric_code == code]
        assert len(measured) == len(due)
        assert set(measured.unit_id) == set(due.unit_id)
    again = generate(END, leads=SMALL_LEADS, seed=42)
    pd.testing.assert_frame_equal(again["experiment_outcomes"], outcomes)
    pd.testing.assert_frame_equal(again["experiment_metrics"], metrics)
