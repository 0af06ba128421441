"""Benjamini–Hochberg: against statsmodels' multipletests(fdr_bh) and on hand-built cases."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from dashboard.metrics.multiple_testing import benjamini_hochberg


@pytest.mark.parametrize("seed", range(8))
def test_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 60))
    p = np.concatenate([rng.uniform(0, 1, m), rng.uniform(0, 0.01, m // 3)])
    p[rng.integers(0, len(p), 3)] = p[0]  # ties
    rng.shuffle(p)
    want = multipletests(p, alpha=0.05, method="fdr_bh")[1]
    got = benjamini_hochberg(p.tolist())
    assert got == pytest.approx(want.tolist(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_matches_statsmodels_with_ties_zeros_and_ones(seed):
    rng = np.random.default_rng(100 + seed)
    m = int(rng.integers(2, 80))
    p = rng.uniform(0, 1, m).round(int(rng.integers(1, 4)))  # rounding makes ties
    p[rng.integers(0, m, 2)] = 0.0
    p[rng.integers(0, m, 2)] = 1.0
    rng.shuffle(p)
    want = multipletests(p, alpha=0.05, method="fdr_bh")[1]
    got = benjamini_hochberg(p.tolist())
    assert got == pytest.approx(want.tolist(), rel=1e-12, abs=1e-15)
    assert benjamini_hochberg([0.0, 1.0, 1.0]) == pytest.approx([0.0, 1.0, 1.0])


def test_hand_built_step_up():
    # m = 4; sorted p·m/rank = .04, .05, .0533, .8 -> the step-up takes the running minimum
    # from the top, so rank 2 inherits nothing and rank 3 keeps its own value.
    assert benjamini_hochberg([0.01, 0.025, 0.04, 0.8]) == pytest.approx(
        [0.04, 0.05, 0.04 * 4 / 3, 0.8]
    )
    # A larger p-value later in the order pulls earlier ones down to its adjusted value.
    assert benjamini_hochberg([0.04, 0.049]) == pytest.approx([0.049, 0.049])
    # Input order is kept.
    assert benjamini_hochberg([0.8, 0.01, 0.04, 0.025]) == pytest.approx(
        [0.8, 0.04, 0.04 * 4 / 3, 0.05]
    )


def test_missing_values_are_kept_and_not_counted():
    got = benjamini_hochberg([0.01, None, 0.03, float("nan")])
    assert got[1] is None and got[3] is None
    assert got[0] == pytest.approx(0.02) and got[2] == pytest.approx(0.03)
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([None]) == [None]


def test_adjusted_values_are_capped_at_one():
    assert benjamini_hochberg([0.9, 0.95, 1.0]) == pytest.approx([1.0, 1.0, 1.0])
