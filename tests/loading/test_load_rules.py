"""Domain rules: referral cycles, lead stages, experiment variants."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.loading import load_directory
from dashboard.loading.referrals import cycle_labels, successors, walk


def _found(result):
    return [(p.file, p.row, p.column, p.code) for p in result.problems]


def test_three_cycle_of_referrals(loaded_settings, make_folder, sample_rows, unchanged):
    # 1001 was referred by 1003, 1003 by 1002, 1002 by 1001: nobody started the chain.
    sample_rows["customers"][0]["referrer_id"] = "1003"
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, make_folder(sample_rows, ["customers"]), "en")

    assert _found(result) == [("customers.csv", 2, "referrer_id", "load.referral_cycle")]
    assert result.problems[0].reason == (
        "Referrals form a cycle (3 customers): 1001 → 1003 → 1002 → 1001"
    )
    check()


def test_two_cycle_and_self_referral_each_reported(loaded_settings, make_folder, sample_rows):
    sample_rows["customers"][3]["referrer_id"] = "1005"
    sample_rows["customers"][4]["referrer_id"] = "1004"
    sample_rows["customers"][0]["referrer_id"] = "1001"

    result = load_directory(loaded_settings, make_folder(sample_rows, ["customers"]), "zh")

    assert _found(result) == [
        ("customers.csv", 2, "referrer_id", "load.self_referral"),
        ("customers.csv", 5, "referrer_id", "load.referral_cycle"),
    ]
    assert result.problems[0].reason == "客户 “1001” 不能推荐自己"
    assert result.problems[1].reason == "推荐关系形成循环（2 位客户）：1004 → 1005 → 1004"


@pytest.mark.slow
def test_cycle_detection_on_two_million_customers():
    n = 2_000_000
    rng = np.random.default_rng(5)
    ids = rng.permutation(n).astype(np.int64) + 10_000_000
    # One long referral chain through everybody …
    refs = np.roll(ids, 1)
    has = np.ones(n, dtype=bool)
    has[0] = False
    # … closed into a cycle of five near its end, plus a separate 2-cycle.
    refs[n - 5] = ids[n - 1]
    refs[10], refs[11] = ids[11], ids[10]
    nxt = successors(ids, refs, has)
    labels = cycle_labels(nxt)
    on_cycle = np.flatnonzero(labels >= 0)
    assert sorted(on_cycle.tolist()) == [10, 11, *range(n - 5, n)]
    assert set(labels[on_cycle].tolist()) == {10, n - 5}
    assert walk(nxt, n - 5, 10) == [n - 5, n - 1, n - 2, n - 3, n - 4]


def test_lead_stages_may_be_skipped_but_not_reversed(loaded_settings, make_folder, sample_rows):
    lead = sample_rows["leads"][1]  # created, inquiry, (no booking), arrived
    lead["arrived_at"] = "2024-01-02 09:05:00"  # before the inquiry at 09:10
    sample_rows["leads"][3]["paid_at"] = "2024-01-04 07:15:00"  # skips back past the booking

    result = load_directory(loaded_settings, make_folder(sample_rows, ["leads"]), "en")

    assert _found(result) == [
        ("leads.csv", 3, "arrived_at", "load.stage_order"),
        ("leads.csv", 5, "paid_at", "load.stage_order"),
    ]
    assert result.problems[0].reason == (
        "arrived_at “2024-01-02 09:05:00” is earlier than inquiry_at: a lead's stages cannot go "
        "back in time"
    )
    assert dict(result.problems[1].params)["earlier"] == "arrived_at"


@pytest.mark.parametrize(
    ("shares", "ok"),
    [
        (("0.3333", "0.3333", "0.3334"), True),
        (("0.3333", "0.3333", "0.3333"), True),
        (("0.5", "0.3", "0.1"), False),
    ],
)
def test_variant_shares_sum_to_one_within_tolerance(
    loaded_settings, make_folder, sample_rows, shares, ok
):
    base = sample_rows["experiment_variants"][1]
    sample_rows["experiment_variants"].append({**base, "variant_code": "C"})
    for row, share in zip(sample_rows["experiment_variants"], shares, strict=True):
        row["planned_share"] = share

    result = load_directory(loaded_settings, make_folder(sample_rows, ["experiment_variants"]))

    assert result.ok is ok
    if not ok:
        assert _found(result) == [
            ("experiment_variants.csv", 2, "planned_share", "load.shares_not_one")
        ]


def test_experiment_without_control(loaded_settings, make_folder, sample_rows):
    sample_rows["experiment_variants"][0]["is_control"] = "否"
    result = load_directory(
        loaded_settings, make_folder(sample_rows, ["experiment_variants"]), "en"
    )
    assert result.problems[0].reason == (
        "Experiment 1 has 0 control variants (is_control); it needs exactly 1"
    )
