"""The one compact form of money and counts (fmt_compact) at its thresholds, in both languages."""

from __future__ import annotations

import pytest

from dashboard.formatting import fmt_compact, fmt_value


@pytest.mark.parametrize(
    ("value", "unit", "lang", "want"),
    [
        # Below 100,000 the full figure, as fmt_value writes it.
        (99_999, "money", "en", "¥99,999"),
        (99_999, "count", "zh", "99,999"),
        (-99_999.4, "money", "zh", "¥-99,999"),
        # English: K / M / B, three significant digits.
        (100_000, "money", "en", "¥100K"),
        (174_900, "money", "en", "¥175K"),
        (1_234_567, "count", "en", "1.2M"),
        (26_730_000, "money", "en", "¥26.7M"),
        (263_800_000, "count", "en", "264M"),
        (4_560_000_000, "money", "en", "¥4.6B"),
        (-174_900, "money", "en", "¥-175K"),
        # Chinese: 万 below 亿, whole 万 from a million up, 亿 with two decimals.
        (174_900, "money", "zh", "¥17.5万"),
        (999_499, "count", "zh", "99.9万"),
        (26_730_000, "money", "zh", "¥2673万"),
        (99_990_000, "count", "zh", "9999万"),
        (263_800_000, "count", "zh", "2.64亿"),
        (-315_000, "money", "zh", "¥-31.5万"),
    ],
)
def test_compact_money_and_counts(value, unit, lang, want):
    assert fmt_compact(value, unit, lang) == want


@pytest.mark.parametrize("unit", ["rate", "ratio", "days", "score"])
def test_other_units_are_written_in_full(unit):
    for lang in ("zh", "en"):
        assert fmt_compact(1_234_567.0, unit, lang) == fmt_value(1_234_567.0, unit, lang)
        assert fmt_compact(None, unit, lang) == "—"


def test_no_page_module_has_a_compact_formatter_of_its_own():
    """The scorecard, weekly and regions views once had their own ("¥175.0k")."""
    from dashboard.reports.regions import tables as regions_tables
    from dashboard.reports.scorecard import tables as scorecard_tables
    from dashboard.reports.weekly import tables as weekly_tables

    for module in (regions_tables, scorecard_tables, weekly_tables):
        assert not hasattr(module, "fmt_short") and not hasattr(module, "compact")
        assert module.fmt_compact is fmt_compact
