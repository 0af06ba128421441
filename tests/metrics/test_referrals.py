"""Referral logic: picking a top list, conversion without a denominator, the network tree."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.metrics import referrals as rf


def _ranking():
    return pd.DataFrame(
        {
            "referrer_id": [1, 2, 3],
            "rank_all": [1, 2, 3],
            "rank_region": [1, 1, 2],
            "rank_city": [1, 1, 1],
            "region_en": ["A", "B", "B"],
            "home_city_id": [10, 20, 30],
            "paid_all": [2, 0, 1],
            "referred_all": [4, 0, 1],
            "referrers_all": [3, 3, 3],
            "valid_all": [9, 9, 9],
            "referrers_region": [1, 2, 2],
            "valid_region": [5, 4, 4],
            "referrers_city": [1, 1, 1],
            "valid_city": [5, 3, 1],
        }
    )


def test_top_lists_per_level():
    ranking = _ranking()
    assert rf.groups(ranking, "region") == ["A", "B"]
    assert rf.groups(ranking, "chain") == []
    region = rf.top_list(ranking, "region", "B")
    assert region["referrer_id"].tolist() == [2, 3] and region["rank"].tolist() == [1, 2]
    assert rf.group_total(region, "region", "valid") == 4
    chain = rf.top_list(ranking, "chain")
    assert chain["conversion"].tolist()[0] == pytest.approx(0.5)
    assert chain["conversion"].tolist()[1] is None  # nobody referred: no conversion, not 0


def test_share_of_new_without_new_customers_is_none():
    weekly = pd.DataFrame({"week_start": [1, 2], "new_customers": [10, 0], "referred": [2, 0]})
    shares = rf.share_of_new(weekly)["share"].tolist()
    assert shares[0] == pytest.approx(0.2) and shares[1] is None
    assert rf.period_share(weekly) == pytest.approx(0.2)
    assert rf.period_share(weekly.iloc[1:]) is None


def test_network_tree_sizes_and_orphans():
    nodes = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5, 9],
            "parent_id": [None, 1, 1, 2, 2, 7],  # 9's referrer was cut by the node limit
            "depth": [0, 1, 1, 2, 2, 2],
            "first_visit_on": [None, "2026-10-01", None, None, "2026-10-02", None],
            "first_paid_at": [None, "2026-10-01", None, None, None, None],
        }
    )
    tree = rf.network_tree(nodes).set_index("id")
    assert "9" not in tree.index
    # Leaves count 1, a parent the sum of its children: every ring is full.
    assert tree["size"].to_dict() == {"1": 3, "2": 2, "3": 1, "4": 1, "5": 1}
    assert tree.loc["1", "parent"] == "" and tree.loc["4", "parent"] == "2"
    assert tree["status"].to_dict() == {
        "1": "registered",
        "2": "paid",
        "3": "registered",
        "4": "registered",
        "5": "arrived",
    }
    assert rf.network_tree(nodes.iloc[0:0]).empty
