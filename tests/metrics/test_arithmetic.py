"""Safe arithmetic and direction-aware comparison."""

import math

import pytest

from dashboard.formatting import fmt_change, fmt_delta, fmt_value
from dashboard.metrics.arithmetic import pct_change, roi, safe_div
from dashboard.metrics.compare import compare


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(1, 2, 0.5), (1, 0, None), (None, 2, None), (1, None, None), (math.nan, 1, None), (0, 5, 0.0)],
)
def test_safe_div(num, den, expected):
    assert safe_div(num, den) == expected


def test_pct_change_and_roi():
    assert pct_change(110, 100) == pytest.approx(0.1)
    assert pct_change(90, -100) == pytest.approx(1.9)
    assert pct_change(1, 0) is None
    assert roi(150_000, 50_000) == pytest.approx(2.0)
    assert roi(100, 0) is None


@pytest.mark.parametrize(
    ("cur", "prev", "up", "verdict"),
    [
        (2, 1, True, "better"),
        (2, 1, False, "worse"),
        (1, 2, False, "better"),
        (1, 1, True, "flat"),
        (None, 1, True, "unknown"),
    ],
)
def test_compare(cur, prev, up, verdict):
    assert compare(cur, prev, up).verdict == verdict


def test_formatting():
    assert fmt_value(1234567.8, "money") == "¥1,234,568"
    assert fmt_value(0.1234, "rate") == "12.3%"
    assert fmt_value(None, "money") == "—"
    assert fmt_value(math.nan, "count") == "—"
    assert fmt_change(0.05) == "+5.0%"
    assert fmt_delta(-0.02, "rate", "en") == "−2.0 pp"


def test_compact_formatting():
    from dashboard.formatting import fmt_compact

    assert fmt_compact(26_730_000, "money", "en") == "¥26.7M"
    assert fmt_compact(26_730_000, "money", "zh") == "¥2673万"
    assert fmt_compact(315_000, "money", "zh") == "¥31.5万"
    assert fmt_compact(263_800_000, "count", "zh") == "2.64亿"
    assert fmt_compact(14_667, "count", "en") == "14,667"
    assert fmt_compact(174_900, "money", "en") == "¥175K"
    assert fmt_compact(0.123, "rate", "en") == "12.3%"
    assert fmt_compact(None, "money", "en") == "—"
