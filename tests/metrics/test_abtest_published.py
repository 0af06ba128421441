"""Published results reproduced by the A/B statistics, each with its source and the rounding
tolerance of the publication (a figure printed to k decimals is matched to half a unit of the
k-th decimal)."""

import pytest

from dashboard.metrics import abtest, abtest_power, intervals
from dashboard.metrics.multiple_testing import benjamini_hochberg


def test_srm_example_of_kohavi_tang_xu():
    """Kohavi, Tang & Xu (2020), *Trustworthy Online Controlled Experiments*, Cambridge
    University Press, ch. 21 "Sample Ratio Mismatch and Other Trust-Related Guardrail
    Metrics", scenario 1: Control
    821,588 users, Treatment 815,482 users on a 1:1 design; "the p-value ... is 1.8E-6".
    Published to two significant figures: tolerance ±0.05E-6."""
    got = abtest.srm_check([821_588, 815_482], [0.5, 0.5])
    assert got.p_value == pytest.approx(1.8e-6, abs=0.05e-6)
    assert got.failed  # far below the board's 0.001 threshold
    ratio = 815_482 / 821_588
    assert ratio == pytest.approx(0.993, abs=0.0005)  # "the ratio ... is 0.993"


def test_benjamini_hochberg_worked_example():
    """Benjamini & Hochberg (1995), "Controlling the false discovery rate", J. R. Statist.
    Soc. B 57(1), 289–300, the worked example of section 4 (15 p-values of a multiple-endpoint
    trial): at q = 0.05 the procedure rejects the four smallest hypotheses. The p-values are
    printed to four decimals; the rejection set is exact."""
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
         0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]  # fmt: skip
    adjusted = benjamini_hochberg(p)
    rejected = [i for i, a in enumerate(adjusted) if a <= 0.05]
    assert rejected == [0, 1, 2, 3]
    # The step-up boundary: 4/15·0.05 clears p(4) = 0.0095, 5/15·0.05 does not clear 0.0201.
    assert adjusted[3] == pytest.approx(0.0095 * 15 / 4)
    assert adjusted[4] == pytest.approx(0.0201 * 15 / 5) and adjusted[4] > 0.05


def test_hybrid_score_interval_for_a_difference_newcombe_1998():
    """Newcombe (1998), "Interval estimation for the difference between independent
    proportions: comparison of eleven methods", Statistics in Medicine 17, 873–890, table II,
    example (a) 56/70 − 48/80, method 10 (hybrid score interval from the two Wilson
    intervals, no continuity correction): 0.0524 to 0.3339. Printed to four decimals:
    tolerance ±0.00005."""
    got = abtest.compare_proportions(48, 80, 56, 70)  # treatment 56/70 against control 48/80
    assert got.absolute.estimate == pytest.approx(0.2, abs=1e-12)
    assert got.absolute.low == pytest.approx(0.0524, abs=0.00005)
    assert got.absolute.high == pytest.approx(0.3339, abs=0.00005)


def test_wilson_interval_newcombe_1998():
    """Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison
    of seven methods", Statistics in Medicine 17, 857–872, table I, 81/263, method 3 (Wilson
    score without continuity correction): 0.2553 to 0.3662. Tolerance ±0.00005."""
    got = intervals.wilson(81, 263)
    assert got.low == pytest.approx(0.2553, abs=0.00005)
    assert got.high == pytest.approx(0.3662, abs=0.00005)


def test_welch_t_test_nist_auto83b():
    """NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.3 "Two-Sample t-Test for Equal
    Means" (AUTO83B.DAT: miles per gallon of 249 US and 79 Japanese cars; means 20.14458 and
    30.48101, standard deviations 6.41470 and 6.10771). With unequal variances the test gives
    T = −12.94627 on 136.87499 degrees of freedom, p = 1.571e−25 — the handbook's unequal-variance
    figures as printed by Boost.Math's example ``students_t_two_samples.cpp`` from the same
    summary statistics. Tolerances: half a unit of the printed last digit."""
    n1, m1, s1 = 249, 20.14458, 6.41470
    n2, m2, s2 = 79, 30.48101, 6.10771

    def sums(n, mean, sd):  # the aggregates the warehouse would return
        return n, n * mean, (n - 1) * sd**2 + n * mean**2

    got = abtest.compare_means(*sums(n2, m2, s2), *sums(n1, m1, s1))  # sample 1 as treatment
    assert got.statistic == pytest.approx(-12.94627, abs=0.000005)
    assert got.df == pytest.approx(136.87499, abs=0.000005)
    assert got.p_value == pytest.approx(1.571e-25, abs=0.0005e-25)


def test_sample_size_rule_of_thumb_kohavi_2009():
    """Kohavi, Longbotham, Sommerfield & Henne (2009), "Controlled experiments on the web:
    survey and practical guide", Data Mining and Knowledge Discovery 18, 140–181, §3.2: for
    95% confidence and 80% power each variant needs n = 16σ²/Δ² units (van Belle's rule of
    thumb). The constant 16 rounds 2·(1.95996 + 0.84162)² = 15.70, so the published rule is
    matched to its own rounding: within 2%, and exactly once the 16 is unrounded."""
    for sigma, delta in ((1.0, 0.1), (0.2179, 0.0025), (30.0, 1.5), (0.4, 0.01)):
        n = abtest_power.sample_size(delta / sigma)
        rule = 16 * sigma**2 / delta**2
        assert n == pytest.approx(rule, rel=0.02)
        assert n == pytest.approx(rule * 15.6978 / 16, rel=1e-4)
