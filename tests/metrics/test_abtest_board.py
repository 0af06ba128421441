"""The board's verdicts on hand-built experiments: SRM, BH across the board, minimum sample,
guardrails, ranking, and the power figures against statsmodels."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm, ttest_ind
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, zt_ind_solve_power
from statsmodels.stats.proportion import proportions_ztest

from dashboard.metrics import abtest_power
from dashboard.metrics.abtest_board import BoardSettings, evaluate, ranked


def _exp(exp_id, metric="conversion", guardrail=False):
    return {"experiment_id": exp_id, "metric": metric, "has_guardrail": guardrail}


def _arm(exp_id, code, units, conversions, control=False, share=0.5, value=0.0, value_sq=0.0,
         g_units=0, g_events=0):  # fmt: skip
    return {
        "experiment_id": exp_id, "variant_code": code, "is_control": control,
        "planned_share": share, "units": units, "conversions": conversions,
        "value_sum": value, "value_sq_sum": value_sq, "guardrail_units": g_units,
        "guardrail_events": g_events,
    }  # fmt: skip


def _board(exps, arms, traffic=None, **settings):
    return evaluate(
        pd.DataFrame(exps), pd.DataFrame(arms), traffic or {}, BoardSettings(**settings)
    ).set_index("experiment_id")


def test_verdicts_on_a_hand_built_board():
    exps = [_exp(1), _exp(2), _exp(3), _exp(4, guardrail=True), _exp(5), _exp(6)]
    arms = [
        _arm(1, "A", 10_000, 1_000, True), _arm(1, "B", 10_000, 1_200),  # clear win
        _arm(2, "A", 10_000, 1_000, True), _arm(2, "B", 10_000, 850),  # clear loss
        _arm(3, "A", 10_000, 1_000, True), _arm(3, "B", 10_000, 1_010),  # no difference
        # A win whose complaint rate doubled: needs attention, not the red list.
        _arm(4, "A", 10_000, 1_000, True, g_units=10_000, g_events=100),
        _arm(4, "B", 10_000, 1_200, g_units=10_000, g_events=200),
        _arm(5, "A", 140, 30, True), _arm(5, "B", 160, 45),  # fewer than 150 units
        _arm(6, "A", 10_400, 1_000, True), _arm(6, "B", 9_600, 1_200),  # a 52/48 split
    ]  # fmt: skip
    board = _board(exps, arms)
    assert board.loc[1, "verdict"] == "red"
    assert board.loc[2, "verdict"] == "black"
    assert board.loc[3, "verdict"] == "inconclusive"
    assert (board.loc[4, "verdict"], board.loc[4, "reason"]) == ("attention", "guardrail")
    assert bool(board.loc[4, "guard_worse"])
    assert board.loc[5, "verdict"] == "too_early"
    assert board.loc[5, "units_short"] == 10 and board.loc[5, "conversions_short"] == 0
    assert (board.loc[6, "verdict"], board.loc[6, "reason"]) == ("attention", "srm")
    assert board.loc[6, "srm_p"] < 0.001 and board.loc[1, "srm_p"] == pytest.approx(1.0)


def test_minimum_sample_counts_conversions_for_conversion_metrics_only():
    """A revenue test whose units never "convert" is judged on units; a conversion test on both."""
    value, value_sq = 1_000 * 120.0, 1_000 * 120.0**2 * 1.5
    exps = [_exp(1, metric="revenue"), _exp(2)]
    arms = [
        _arm(1, "A", 1_000, 0, True, value=value, value_sq=value_sq),
        _arm(1, "B", 1_000, 0, value=value * 1.01, value_sq=value_sq * 1.02),
        _arm(2, "A", 1_000, 5, True), _arm(2, "B", 1_000, 4),
    ]  # fmt: skip
    board = _board(exps, arms)
    assert board.loc[1, "verdict"] != "too_early"
    assert board.loc[1, "conversions_short"] == 0 and board.loc[1, "units_short"] == 0
    assert board.loc[2, "verdict"] == "too_early" and board.loc[2, "conversions_short"] == 6


def test_bh_runs_across_every_comparison_on_the_board():
    exps = [_exp(i) for i in range(1, 6)]
    arms = []
    for i, treated in zip(range(1, 6), (1_150, 1_095, 1_060, 1_030, 1_000), strict=True):
        arms += [_arm(i, "A", 10_000, 1_000, True), _arm(i, "B", 10_000, treated)]
    board = _board(exps, arms)
    raw = [proportions_ztest([t, 1_000], [10_000, 10_000])[1]
           for t in (1_150, 1_095, 1_060, 1_030, 1_000)]  # fmt: skip
    assert board["p_value"].tolist() == pytest.approx(raw, rel=1e-9)
    want = multipletests(raw, method="fdr_bh")[1]
    assert board["p_adjusted"].tolist() == pytest.approx(want.tolist(), rel=1e-9)
    # 1,095 has raw p < 0.05 but not after adjustment across the five comparisons.
    assert raw[1] < 0.05 < board.loc[2, "p_adjusted"]
    assert board.loc[2, "verdict"] == "inconclusive"
    assert board.loc[1, "verdict"] == "red"


def test_a_three_way_test_compares_each_treatment_with_the_control_and_checks_all_shares():
    exps = [_exp(1, metric="revenue")]
    rng = np.random.default_rng(4)
    samples = {code: np.where(rng.random(3_000) < 0.1, rng.lognormal(7, 0.5, 3_000), 0)
               for code in "ABC"}  # fmt: skip
    samples["C"] = samples["C"] * 1.6
    arms = [
        _arm(1, code, len(s), int((s > 0).sum()), code == "A", share=1 / 3,
             value=s.sum(), value_sq=(s * s).sum())
        for code, s in samples.items()
    ]  # fmt: skip
    board = _board(exps, arms).reset_index()
    assert board["variant_code"].tolist() == ["B", "C"]
    assert set(board["control_code"]) == {"A"}
    assert board.loc[1, "verdict"] == "red"
    assert board["srm_p"].nunique() == 1  # one SRM check per experiment, over all three arms


def test_no_single_control_needs_attention():
    board = _board([_exp(1)], [_arm(1, "A", 500, 50, True), _arm(1, "B", 500, 60, True)])
    assert (board.loc[1, "verdict"], board.loc[1, "reason"]) == ("attention", "no_control")


def test_zero_conversions_and_identical_rates_give_no_nan_verdict():
    exps = [_exp(1), _exp(2), _exp(3, metric="revenue")]
    arms = [
        _arm(1, "A", 5_000, 0, True), _arm(1, "B", 5_000, 0),
        _arm(2, "A", 5_000, 400, True), _arm(2, "B", 5_000, 400),
        _arm(3, "A", 5_000, 0, True), _arm(3, "B", 5_000, 0),
    ]  # fmt: skip
    board = _board(exps, arms, traffic={1: 100.0, 2: 100.0, 3: 100.0})
    assert board.loc[1, "verdict"] == "too_early"  # zero conversions cannot reach 10
    assert board.loc[1, "days_to_minimum"] is None or math.isnan(board.loc[1, "days_to_minimum"])
    assert board.loc[2, "verdict"] == "inconclusive"
    assert board.loc[2, "p_value"] == pytest.approx(1.0)
    # A revenue test is judged on units: 5,000 each is enough; all-zero values test nothing.
    assert board.loc[3, "verdict"] == "inconclusive"
    assert board.loc[3, "p_value"] is None or math.isnan(board.loc[3, "p_value"])
    numbers = board.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()


def test_ranking_red_by_lower_bound_and_black_by_upper_bound():
    exps = [_exp(i) for i in range(1, 5)]
    arms = [
        _arm(1, "A", 2_000, 200, True), _arm(1, "B", 2_000, 300),  # big lift, wide interval
        _arm(2, "A", 40_000, 4_000, True), _arm(2, "B", 40_000, 4_800),  # smaller, surer
        _arm(3, "A", 2_000, 300, True), _arm(3, "B", 2_000, 200),
        _arm(4, "A", 40_000, 4_800, True), _arm(4, "B", 40_000, 4_000),
    ]  # fmt: skip
    board = evaluate(pd.DataFrame(exps), pd.DataFrame(arms), {})
    red = ranked(board, "red")
    assert red["rel_lo"].is_monotonic_decreasing
    assert red["experiment_id"].tolist() == [1, 2] or red["experiment_id"].tolist() == [2, 1]
    assert red.iloc[0]["rel_lo"] == max(red["rel_lo"])
    black = ranked(board, "black")
    assert black["rel_hi"].is_monotonic_increasing and len(black) == 2


def test_power_figures_match_statsmodels():
    exps = [_exp(1)]
    arms = [_arm(1, "A", 8_000, 800, True, share=0.6), _arm(1, "B", 5_000, 540, share=0.4)]
    board = _board(exps, arms, traffic={1: 250.0}, target_lift=0.10)
    row = board.loc[1]
    p, sigma = 0.1, math.sqrt(0.1 * 0.9)
    # MDE at the current sample: the effect NormalIndPower reaches 80% power with.
    d = row["mde_abs"] / sigma
    assert NormalIndPower().power(d, 8_000, 0.05, ratio=5_000 / 8_000) == pytest.approx(
        0.8, abs=1e-12
    )
    solved = NormalIndPower().solve_power(None, 8_000, 0.05, 0.8, ratio=5_000 / 8_000)
    assert d == pytest.approx(solved, rel=1e-3)  # statsmodels stops its root search early
    assert row["mde_rel"] == pytest.approx(row["mde_abs"] / p, rel=1e-12)
    # Units for a 10% relative lift at the planned 60/40 split.
    n1 = zt_ind_solve_power(effect_size=0.1 * p / sigma, alpha=0.05, power=0.8, ratio=0.4 / 0.6)
    assert row["needed_units"] == math.ceil(abtest_power.sample_size(0.1 * p / sigma, 0.4 / 0.6)
                                            / 0.6)  # fmt: skip
    assert row["needed_units"] == pytest.approx(n1 / 0.6, rel=1e-6, abs=1)
    assert row["remaining_units"] == row["needed_units"] - 13_000
    assert row["days_needed"] == pytest.approx(row["remaining_units"] / 250.0)


def test_power_solver_agrees_with_statsmodels_equation():
    rng = np.random.default_rng(11)
    for _ in range(30):
        n, ratio = float(rng.integers(40, 500_000)), float(rng.uniform(0.2, 5))
        d = abtest_power.detectable_effect(n, ratio)
        assert NormalIndPower().power(d, n, 0.05, ratio) == pytest.approx(0.8, abs=1e-12)
        effect = float(rng.uniform(0.002, 0.8))
        m = abtest_power.sample_size(effect, ratio)
        assert NormalIndPower().power(effect, m, 0.05, ratio) == pytest.approx(0.8, abs=1e-12)
        want = zt_ind_solve_power(effect_size=effect, alpha=0.05, power=0.8, ratio=ratio)
        assert m == pytest.approx(want, rel=1e-6)
        assert abtest_power.power(effect, n, ratio) == pytest.approx(
            NormalIndPower().power(effect, n, 0.05, ratio), rel=1e-12, abs=1e-15
        )


def test_power_shift_is_solved_once_and_undefined_outside_alpha_to_one():
    shift = abtest_power.critical_shift(0.05, 0.8)
    crit = -norm.ppf(0.025)
    assert norm.cdf(shift - crit) + norm.cdf(-shift - crit) == pytest.approx(0.8, abs=1e-15)
    # Detectable effect and sample are the same shift read two ways.
    d = abtest_power.detectable_effect(1_000, 2.0)
    assert abtest_power.sample_size(d, 2.0) == pytest.approx(1_000, rel=1e-13)
    for alpha, target in ((0.05, 0.05), (0.05, 0.02), (0.05, 1.0), (0.0, 0.8)):
        assert abtest_power.critical_shift(alpha, target) is None
        assert abtest_power.detectable_effect(1_000, 1.0, alpha, target) is None
        assert abtest_power.sample_size(0.1, 1.0, alpha, target) is None


def _pandas_ranked(board, verdict):
    """The list order as pandas sorts it (the reference for ``ranked``)."""
    part = board[board["verdict"] == verdict]
    if verdict in ("red", "black"):
        bound = "lo" if verdict == "red" else "hi"
        key = part[f"rel_{bound}"].astype(float).fillna(part[f"abs_{bound}"].astype(float))
        return part.assign(_k=key).sort_values("_k", ascending=verdict == "black").index
    return part.sort_values(["experiment_id", "variant_code"], na_position="first").index


def test_ranking_matches_pandas_sort_with_ties_and_missing_bounds():
    rng = np.random.default_rng(5)
    n = 60
    rel_lo = rng.choice([0.01, 0.02, 0.05, np.nan], n)  # ties and missing relative bounds
    board = pd.DataFrame(
        {
            "verdict": rng.choice(["red", "black", "inconclusive", "attention"], n),
            "rel_lo": rel_lo,
            "rel_hi": -rel_lo,
            "abs_lo": rng.choice([0.001, 0.003, np.nan], n),
            "abs_hi": rng.choice([-0.001, -0.003, np.nan], n),
            "experiment_id": rng.integers(1, 6, n),
            "variant_code": rng.choice(["B", "C", "D", None], n),
        }
    )
    for verdict in ("red", "black", "inconclusive", "attention", "too_early"):
        got = ranked(board, verdict)
        assert got.index.tolist() == _pandas_ranked(board, verdict).tolist(), verdict


def _outcome(exp_id, code, kind, variant, values):
    values = np.asarray(values, dtype=float)
    return {
        "experiment_id": exp_id, "metric_code": code, "name_zh": f"{code}（中）",
        "name_en": code, "kind": kind, "variant_code": variant, "units": len(values),
        "value_sum": float(values.sum()), "value_sq_sum": float((values**2).sum()),
    }  # fmt: skip


def test_further_metrics_have_their_own_tests_minimum_and_bh_across_all():
    """One experiment, main conversion plus a proportion and a mean metric from outcomes:
    each row's test as scipy/statsmodels compute it on the unit values, BH across all rows of
    the board, and the minimum sample judged per metric kind."""
    rng = np.random.default_rng(3)
    exps = [_exp(1), _exp(2, metric="revenue")]
    arms = [_arm(1, "A", 900, 90, control=True), _arm(1, "B", 880, 120),
            _arm(2, "A", 400, 0, control=True, value=4000.0, value_sq=90000.0),
            _arm(2, "B", 410, 0, value=4510.0, value_sq=101000.0)]  # fmt: skip
    # Day-7 retention measured on few units so far: 8 events in the control (too early).
    d7 = {"A": (rng.random(300) < 0.027).astype(float), "B": (rng.random(310) < 0.2).astype(float)}
    d7["A"][:8], d7["A"][8:] = 1.0, 0.0
    # Spend: most units spend nothing — a mean metric is judged on units, never on events.
    spend = {v: np.where(rng.random(n) < 0.3, rng.gamma(2.0, s, n), 0.0)
             for v, n, s in (("A", 700, 50.0), ("B", 720, 65.0))}  # fmt: skip
    metrics = [_outcome(1, "retention_d7", "proportion", v, d7[v]) for v in "AB"]
    metrics += [_outcome(1, "spend_30d", "mean", v, spend[v]) for v in "AB"]
    board = evaluate(pd.DataFrame(exps), pd.DataFrame(arms), {}, BoardSettings(),
                     pd.DataFrame(metrics)).set_index(["experiment_id", "metric"])  # fmt: skip
    assert list(board.index) == [(1, "conversion"), (1, "retention_d7"), (1, "spend_30d"),
                                 (2, "revenue")]  # fmt: skip
    assert board["is_primary"].tolist() == [True, False, False, True]
    assert board["kind"].tolist() == ["proportion", "proportion", "mean", "mean"]
    want = {
        (1, "conversion"): proportions_ztest([120, 90], [880, 900])[1],
        (1, "retention_d7"): proportions_ztest(
            [d7["B"].sum(), d7["A"].sum()], [len(d7["B"]), len(d7["A"])]
        )[1],
        (1, "spend_30d"): ttest_ind(spend["B"], spend["A"], equal_var=False).pvalue,
    }
    for key, p in want.items():
        assert board.loc[key, "p_value"] == pytest.approx(p, rel=1e-9), key
    raw = board["p_value"].tolist()
    assert board["p_adjusted"].tolist() == pytest.approx(
        multipletests(raw, method="fdr_bh")[1].tolist(), rel=1e-12
    )
    d7_row = board.loc[(1, "retention_d7")]
    assert d7_row["verdict"] == "too_early" and d7_row["conversions_short"] == 2
    assert (d7_row["conv_c"], d7_row["conv_t"]) == (8, int(d7["B"].sum()))
    spend_row = board.loc[(1, "spend_30d")]
    assert not spend_row["too_early"] and spend_row["conversions_short"] == 0
    assert pd.isna(spend_row["conv_c"])  # a mean metric has no events
    # The main revenue test has no conversions at all and is not too early either.
    assert not board.loc[(2, "revenue"), "too_early"]
