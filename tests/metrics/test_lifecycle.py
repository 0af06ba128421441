"""Lifecycle logic: stage precedence, snapshots, decoding the warehouse's bits, flows, retention."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.metrics import lifecycle as lc


def test_snapshots_are_month_ends_then_the_period_end():
    assert lc.snapshot_dates(date(2026, 11, 15), 3) == [
        date(2026, 8, 31),
        date(2026, 9, 30),
        date(2026, 10, 31),
        date(2026, 11, 15),
    ]
    # A period ending on a month end: that day, then the previous month ends.
    assert lc.snapshot_dates(date(2026, 3, 31), 2) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    snaps = lc.snapshot_dates(date(2026, 11, 15))
    months = [lc.month_index(d) for d in snaps]
    assert months == list(range(months[0], months[0] + len(snaps)))


@pytest.mark.parametrize(
    ("bits", "stage"),
    [
        ((0, 0, 0, 0, 0), "none"),
        ((1, 1, 1, 0, 1), "new"),
        ((1, 0, 1, 1, 1), "won_back"),
        ((1, 0, 1, 0, 1), "active"),
        ((1, 0, 0, 0, 1), "dormant"),
        ((1, 0, 0, 0, 0), "lapsed"),
    ],
)
def test_stage_precedence(bits, stage):
    assert lc.stage_of(*bits) == stage


def _paths(rows):
    return pd.DataFrame(rows, columns=[*lc.BIT_COLUMNS, "customers"])


def test_decode_flows_and_counts():
    # Two snapshots. Customer kind A: new at 0, active at 1. B: dormant at 0, won back at 1.
    # C: no purchase at 0, new at 1.
    paths = _paths(
        [
            (0b11, 0b01, 0b11, 0b00, 0b11, 5),
            (0b11, 0b00, 0b10, 0b10, 0b11, 2),
            (0b10, 0b10, 0b10, 0b00, 0b10, 3),
            (0b00, 0b00, 0b00, 0b00, 0b00, 4),
        ]
    )
    snaps = [date(2026, 9, 30), date(2026, 10, 31)]
    decoded = lc.decode_paths(paths, 2)
    assert decoded.frame()[["s0", "s1"]].values.tolist() == [
        ["new", "active"],
        ["dormant", "won_back"],
        ["none", "new"],
        ["none", "none"],
    ]
    counts = lc.stage_counts(decoded, snaps)
    end = counts[counts["snapshot"] == snaps[1]].set_index("stage")["customers"]
    assert end.to_dict() == {"new": 3, "active": 5, "won_back": 2, "dormant": 0, "lapsed": 0}
    last = lc.stage_counts(decoded, snaps, since=1)
    assert last.equals(counts[counts["snapshot"] == snaps[1]].reset_index(drop=True))
    moves = lc.flows(decoded, snaps, months=1)
    assert set(zip(moves["from_stage"], moves["to_stage"], moves["customers"], strict=True)) == {
        ("new", "active", 5),
        ("dormant", "won_back", 2),
        ("none", "new", 3),
    }
    matrix = lc.transition_table(moves).set_index("stage")
    assert matrix.loc["none", "new"] == 3 and matrix.loc["dormant", "total"] == 2
    assert list(matrix.index) == ["none", *lc.STAGES]


def test_thresholds_validate():
    assert lc.thresholds_or_default(60, 200) == (lc.Thresholds(60, 200), True)
    assert lc.thresholds_or_default(200, 60) == (lc.Thresholds(), False)
    assert lc.thresholds_or_default("x", None) == (lc.Thresholds(), False)
    assert lc.tiers_or_default(3000, 9000) == (lc.TierThresholds(3000, 9000), True)
    assert lc.tiers_or_default(9000, 3000)[1] is False


def test_cohort_window_is_the_months_the_period_touches():
    # Inside one month: that month; four weeks across a boundary: both months.
    w = lc.cohort_window(date(2026, 9, 8), date(2026, 9, 21))
    assert [lc.month_start(m) for m in w.months] == [date(2026, 9, 1)]
    assert (w.touched, w.truncated) == (1, False)
    w = lc.cohort_window(date(2026, 10, 19), date(2026, 11, 15))
    assert [lc.month_start(m) for m in w.months] == [date(2026, 10, 1), date(2026, 11, 1)]
    # Two calendar years: 24 months, none left out.
    w = lc.cohort_window(date(2024, 1, 1), date(2025, 12, 31))
    assert (len(w.months), w.touched, w.truncated) == (24, 24, False)
    # 2023-12-31 … 2026-01-01 touches 26 months: the latest 24 (2024-02 … 2026-01).
    w = lc.cohort_window(date(2023, 12, 31), date(2026, 1, 1))
    assert (w.touched, w.truncated) == (26, True)
    assert (lc.month_start(w.first), lc.month_start(w.last)) == (date(2024, 2, 1), date(2026, 1, 1))


def test_retention_blanks_months_the_data_has_not_reached():
    window = lc.cohort_window(date(2026, 8, 1), date(2026, 10, 31))
    aug, sep, oct_ = window.months
    cohorts = pd.DataFrame(
        {
            "first_month": [aug, aug, aug, aug, sep, sep, oct_],
            "months_since": [0, 1, 2, 3, 0, 2, 0],
            "customers": [10, 3, 1, 2, 4, 1, 0],
        }
    )
    # The data ends on 15 November: November (k = 3 for August) is in progress.
    table = lc.retention_table(cohorts, window, date(2026, 11, 15)).set_index("cohort")
    assert lc.retention_columns(table.reset_index()) == ["m1", "m2", "m3"]
    august = table.loc[date(2026, 8, 1)]
    assert august["customers"] == 10
    assert [august["m1"], august["m2"], august["m3"]] == [0.3, 0.1, 0.2]
    assert august["maturing"] == 3
    september = table.loc[date(2026, 9, 1)]
    # No purchase in October is 0%; December is beyond the data: blank, not 0%.
    assert [september["m1"], september["m2"], september["m3"]] == [0.0, 0.25, None]
    assert september["maturing"] == 2
    # A cohort month without customers has no shares at all.
    assert table.loc[date(2026, 10, 1), ["m1", "m2", "m3"]].isna().all()
    # Data ending on the month's last day: nothing in progress.
    done = lc.retention_table(cohorts, window, date(2026, 11, 30))
    assert done["maturing"].isna().all()
    assert lc.maturing_month(date(2026, 11, 30)) is None
    assert lc.maturing_month(date(2026, 11, 15)) == lc.month_index(date(2026, 11, 1))
    # A cohort in the data's own month is still growing (k = 0) and has no month yet.
    now = lc.cohort_window(date(2026, 11, 2), date(2026, 11, 8))
    growing = lc.retention_table(cohorts.iloc[0:0], now, date(2026, 11, 15))
    assert growing["maturing"].tolist() == [0] and growing["m1"].tolist() == [None]
    assert lc.last_complete_month(date(2026, 10, 31)) == lc.month_index(date(2026, 10, 31))


def test_tier_summary_shares_and_no_division_by_zero():
    mix = pd.DataFrame(
        {
            **{c: [1, 1, 0] for c in lc.END_COLUMNS},
            "tier": ["high", "low", None],
            "customers": [2, 8, 5],
            "ltv": [60_000.0, 4_000.0, 0.0],
        }
    )
    tiers = lc.tier_summary(mix).set_index("tier")
    assert tiers.loc["high", "share"] == pytest.approx(0.2)
    assert tiers.loc["high", "ltv_share"] == pytest.approx(60 / 64)
    assert tiers.loc["mid", "ltv_per_customer"] is None
    assert lc.prospects(mix) == 5
    empty = lc.tier_summary(mix.iloc[0:0])
    assert all(v is None for v in empty["share"])


def _mix(rows):
    """A 'mix' section from (end bits as flags, tier, customers, ltv) per row; "" = no purchase."""
    flags = {"end_new": "n", "end_window": "w", "end_return": "r", "end_recent": "s"}
    bits = {"end_exists": [float(r[0] != "") for r in rows]}
    bits |= {c: [float(f in r[0]) for r in rows] for c, f in flags.items()}
    return pd.DataFrame(
        {
            **bits,
            "tier": [r[1] for r in rows],
            "customers": [r[2] for r in rows],
            "ltv": [r[3] for r in rows],
        }
    )


# Totals that depend on the order of float additions, with the rows of each group apart, or
# together (pandas adds a sorted group another way), and a missing value in the column or not.
AWKWARD = [
    ("w", "high", 3, -206418188.8415),
    ("n", "mid", 2, 458673841.4384),
    ("w", "high", 4, -403246491.711),
    ("w", "high", 1, -0.0056),
    ("", None, 7, 0.0),
    ("s", "low", 6, 0.2),
]
STAGE_OF_FLAGS = {"w": "active", "n": "new", "s": "dormant", "": "none"}


@pytest.mark.parametrize(
    "rows",
    [
        AWKWARD,
        sorted(AWKWARD, key=lambda r: r[1] or ""),
        sorted(AWKWARD, key=lambda r: STAGE_OF_FLAGS[r[0]]),
        [*AWKWARD, ("r", None, 1, float("nan"))],
    ],
)
def test_mix_tables_match_pandas_groupby_and_pivot(rows):
    mix = _mix(rows)
    stages = [lc.stage_of(*bits) for bits in mix[list(lc.END_COLUMNS)].astype(int).to_numpy()]
    frame = mix.assign(stage=stages)
    buyers = frame[frame["stage"] != lc.NO_PURCHASE]
    by_stage = buyers.groupby("stage")[["customers", "ltv"]].sum().reindex(lc.STAGES, fill_value=0)
    summary = lc.stage_summary(mix).set_index("stage")
    assert summary["customers"].tolist() == by_stage["customers"].tolist()
    assert summary["ltv"].tolist() == by_stage["ltv"].astype(float).tolist()  # to the bit
    by_tier = frame[frame["tier"].notna()].groupby("tier")[["customers", "ltv"]].sum()
    by_tier = by_tier.reindex(lc.TIERS, fill_value=0)
    tiers = lc.tier_summary(mix).set_index("tier")
    assert tiers["ltv"].tolist() == by_tier["ltv"].astype(float).tolist()
    assert tiers["ltv_share"].tolist() == [v / by_tier["ltv"].sum() for v in by_tier["ltv"]]
    assert lc.prospects(mix) == int(frame.loc[frame["stage"] == lc.NO_PURCHASE, "customers"].sum())
    pivot = (
        buyers[buyers["tier"].notna()]
        .pivot_table(index="stage", columns="tier", values="customers", aggfunc="sum")
        .reindex(index=list(lc.STAGES), columns=list(lc.TIERS))
        .fillna(0)
        .astype(int)
    )
    table = lc.stage_tier_table(mix).set_index("stage")
    assert table[list(lc.TIERS)].equals(pivot.rename_axis(index="stage", columns="tier"))
    assert table["total"].tolist() == pivot.sum(axis=1).tolist()


def test_transition_table_matches_pandas_pivot():
    moves = pd.DataFrame(
        {
            "from_stage": ["none", "new", "new", "dormant", "new"],
            "to_stage": ["new", "active", "dormant", "won_back", "active"],
            "customers": [4, 5, 1, 2, 3],
        }
    )
    want = moves.pivot_table(
        index="from_stage", columns="to_stage", values="customers", aggfunc="sum", fill_value=0
    ).reindex(index=[lc.NO_PURCHASE, *lc.STAGES], columns=list(lc.STAGES), fill_value=0)
    got = lc.transition_table(moves).set_index("stage")
    assert got[list(lc.STAGES)].to_numpy().tolist() == want.to_numpy().tolist()
    assert got["total"].tolist() == want.sum(axis=1).tolist()
    assert got.columns.name == "to_stage"
