"""The weekly review's pure logic: 4-week averages, headlines, movers, north-star pacing, summary."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from dashboard.metrics.periods import period_containing
from dashboard.metrics.target_scope import TargetScope
from dashboard.metrics.weekly import headlines, movers, north_star, pick_campaign, weekly_average
from dashboard.metrics.weekly_summary import summary


def test_weekly_average_divides_counts_and_keeps_pooled_ratios():
    assert weekly_average(400.0, cumulative=True) == 100.0
    assert weekly_average(0.62, cumulative=False) == 0.62
    assert weekly_average(None, cumulative=True) is None


def test_headlines_direction_and_targets():
    heads = headlines(
        ["arrivals", "cac", "repeat_rate"],
        this_week={"arrivals": 120.0, "cac": 1100.0, "repeat_rate": None},
        last_week={"arrivals": 100.0, "cac": 1000.0, "repeat_rate": 0.7},
        four_weeks={"arrivals": 440.0, "cac": 1050.0, "repeat_rate": 0.7},
        targets={"arrivals": 130.0, "cac": 1200.0},
    )
    arrivals, cac, repeat = heads
    assert arrivals.delta.verdict == "better" and arrivals.delta.change_pct == pytest.approx(0.2)
    assert arrivals.average == 110.0 and arrivals.vs_average.change == pytest.approx(10.0)
    assert arrivals.judgement.status == "amber"  # 120 against 130: within 10%
    assert cac.delta.verdict == "worse"  # a higher CAC is bad news
    assert cac.judgement.status == "green"  # 1,100 under the 1,200 cap
    assert repeat.judgement.status is None and repeat.judgement.reason == "no_value"


def _mover_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city_id": [1, 1, 2, 2, 3],
            "channel_id": [1, 2, 1, 2, 1],
            "city_en": ["A", "A", "B", "B", "C"],
            "channel_en": ["x", "y", "x", "y", "x"],
            "arrivals_this": [10, 3, 7, 0, 5],
            "arrivals_last": [4, 8, 1, 0, 9],
        }
    )


def test_movers_largest_absolute_change_up_and_down():
    up, down = movers(_mover_frame(), "arrivals", n=2)
    assert list(zip(up.city_id, up.channel_id, up.change, strict=True)) == [
        (1, 1, 6.0),
        (2, 1, 6.0),
    ]
    assert list(zip(down.city_id, down.change, strict=True)) == [(1, -5.0), (3, -4.0)]
    up3, _ = movers(_mover_frame(), "arrivals", n=10)
    assert (up3.change > 0).all() and len(up3) == 2  # unchanged rows are neither
    empty_up, empty_down = movers(_mover_frame().iloc[0:0], "arrivals")
    assert empty_up.empty and empty_down.empty


def test_north_star_pacing_on_hand_built_days():
    start, end = date(2026, 9, 28), date(2026, 11, 22)  # 56 days
    daily = {start + timedelta(days=i): 1.0 for i in range(49)}  # one arrival a day for 7 weeks
    star = north_star(
        "arrivals",
        ("郑州", "Zhengzhou"),
        TargetScope("city", 10),
        start,
        end,
        date(2026, 11, 15),
        80.0,
        daily,
    )
    assert star.days == 56 and star.elapsed == 49
    assert star.actual == 49.0 and star.share_of_target == pytest.approx(49 / 80)
    assert star.judgement.target_to_date == pytest.approx(80 * 49 / 56)  # 70 due by now
    assert star.judgement.status == "red"  # 49 of 70 is 30% behind pace
    assert star.judgement.projection == pytest.approx(56.0)
    assert star.daily["pace"].iloc[-1] == pytest.approx(80.0)
    assert star.daily["cumulative"].iloc[48] == 49.0 and pd.isna(star.daily["cumulative"].iloc[49])


def test_north_star_before_start_and_gaps():
    start = date(2026, 12, 1)
    star = north_star(
        "arrivals",
        ("a", "b"),
        TargetScope("chain"),
        start,
        start + timedelta(days=9),
        date(2026, 11, 15),
        10.0,
        {},
    )
    assert star.elapsed == 0 and star.actual is None and star.judgement.reason == "not_started"
    gaps = north_star(
        "arrivals",
        ("a", "b"),
        TargetScope("chain"),
        start,
        start + timedelta(days=9),
        start + timedelta(days=4),
        10.0,
        {start: 2.0},
    )
    assert gaps.actual == 2.0 and gaps.judgement.status == "red"  # 2 of the 5 due


def test_pick_campaign_prefers_the_one_in_progress():
    frame = pd.DataFrame(
        {
            "period_start": [date(2026, 1, 5), date(2026, 9, 28), date(2027, 1, 4)],
            "period_end": [date(2026, 2, 28), date(2026, 11, 22), date(2027, 2, 28)],
        }
    )
    assert pick_campaign(frame, date(2026, 11, 15)) == 1
    assert pick_campaign(frame, date(2026, 12, 15)) == 1  # the latest that had started
    assert pick_campaign(frame, date(2025, 12, 15)) == 0
    assert pick_campaign(frame.iloc[0:0], date(2026, 11, 15)) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_from_templates_in_both_languages(lang):
    week = period_containing("week", date(2026, 11, 15))
    heads = headlines(
        ["arrivals", "revenue", "cac"],
        this_week={"arrivals": 150.0, "revenue": 800000.0, "cac": 1300.0},
        last_week={"arrivals": 100.0, "revenue": 900000.0, "cac": 1300.0},
        four_weeks={"arrivals": 400.0, "revenue": 3200000.0, "cac": 1250.0},
        targets={"arrivals": 200.0},
    )
    frame = _mover_frame().assign(
        city_zh=["甲", "甲", "乙", "乙", "丙"], channel_zh=["x", "y", "x", "y", "x"]
    )
    lines = summary(week, heads, {"arrivals": movers(frame, "arrivals")}, None, lang)
    text = "\n".join(lines)
    assert "2026-W46" in text and "+50.0%" in text and "−5" in text
    assert ("1 项指标较上周向好" if lang == "zh" else "1 KPIs improved") in text
    assert ("到院数" if lang == "zh" else "Arrivals") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_names_the_arrival_rate_definition_in_use(lang):
    """With the booking-cohort 到诊率 on the page, every sentence naming it says so."""
    week = period_containing("week", date(2026, 11, 15))
    heads = headlines(
        ["arrival_rate", "complaint_rate"],
        this_week={"arrival_rate": 0.9, "complaint_rate": 0.05},
        last_week={"arrival_rate": 0.6, "complaint_rate": 0.04},
        four_weeks={"arrival_rate": 0.7, "complaint_rate": 0.04},
        targets={"arrival_rate": 0.99},
    )
    cohort = {"zh": "到诊率（预约队列）", "en": "Arrival rate (booking cohort)"}[lang]
    plain = {"zh": "到诊率", "en": "Arrival rate"}[lang]
    for basis, name in (("cohort", cohort), ("appointments", plain)):
        text = "\n".join(summary(week, heads, {}, None, lang, basis))
        # best (+50%) and a target missed by over 10% (0.9 against 0.99 is amber: not named)
        assert name in text
        if basis == "appointments":
            assert cohort not in text
        else:
            assert text.count(plain) == text.count(cohort)
