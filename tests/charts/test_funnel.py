"""Funnel chart builders: what they draw, from small hand-built frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.i18n import t
from dashboard.metrics import funnel as fm
from dashboard.metrics import traffic_retention as tr
from dashboard.reports.funnel import charts


def _stages() -> pd.DataFrame:
    return fm.stage_table(
        {
            "impressions": 90_000,
            "leads": 1500,
            "inquiries": 900,
            "bookings": 400,
            "arrivals": 200,
            "paid_deals": 90,
        }
    )


def _weekly(maturing: list[int]) -> pd.DataFrame:
    n = len(maturing)
    weeks = pd.DataFrame(
        {
            "week_start": pd.date_range("2026-10-19", periods=n, freq="7D"),
            "impressions": [10_000] * n,
            "leads": [120] * n,
            "inquiries": [100] * n,
            "bookings": [50] * n,
            "arrivals": [20] * (n - 1) + [0],
            "paid_deals": [10] * (n - 1) + [0],
            "maturing_leads": maturing,
        }
    )
    now = fm.mark_maturing(fm.with_rates(weeks))
    before = fm.mark_maturing(fm.with_rates(weeks.assign(bookings=60, maturing_leads=0)))
    return fm.align_comparison(now, before)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_stage_funnel_draws_lead_stages_and_names_impressions(lang):
    fig = charts.stage_funnel(_stages(), lang)
    trace = fig.data[0]
    assert list(trace.x) == [1500, 900, 400, 200, 90]
    assert list(trace.y) == [t(f"funnel.stage.{s}", lang) for s in fm.LEAD_STAGES]
    # Each stage's share of the created leads, the funnel's base.
    assert list(trace.text) == [
        "1,500<br>100.0%",
        "900<br>60.0%",
        "400<br>26.7%",
        "200<br>13.3%",
        "90<br>6.0%",
    ]
    assert "90,000" in fig.layout.title.text


def test_stage_funnel_shows_a_dash_after_a_zero_stage():
    stages = fm.stage_table({"impressions": 0, "leads": 0})
    trace = charts.stage_funnel(stages, "en").data[0]
    assert list(trace.text) == ["0<br>—"] * 5
    assert all("nan" not in str(c).lower() for c in trace.customdata)


def test_breakdown_bars_carry_member_keys():
    frame = pd.DataFrame(
        {
            "key": [4, 7, fm.OTHER],
            "name_en": ["Douyin", "Baidu", "Other (3)"],
            "leads": [80, 40, 30],
            "inquiries": [50, 30, 20],
            "bookings": [25, 10, 8],
            "arrivals": [10, 5, 4],
            "paid_deals": [5, 2, 1],
        }
    )
    fig = charts.breakdown_bars(frame, "en")
    assert len(fig.data) == len(fm.LEAD_STAGES)
    for trace in fig.data:
        assert list(trace.customdata) == ["4", "7", fm.OTHER]
        assert list(trace.x) == ["Douyin", "Baidu", "Other (3)"]
    assert fig.layout.barmode == "group"


def test_weekly_conversion_marks_maturing_weeks():
    weekly = _weekly([0, 0, 30, 120])
    fig = charts.weekly_conversion(weekly, "en", "previous period")
    now = [tr_ for tr_ in fig.data if tr_.name == t("funnel.chart.this_period", "en")]
    cmp = [tr_ for tr_ in fig.data if tr_.name == "previous period"]
    # Impressions → leads, four stage steps, and lead → paid deal.
    assert len(now) == len(cmp) == 6
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "Impressions → Leads created"
    assert titles[5] == t("funnel.col.overall_rate", "en")
    assert list(now[0].marker.symbol) == ["circle", "circle", "circle-open", "circle-open"]
    assert cmp[2].line.dash == "dash"
    assert list(cmp[2].marker.symbol) == ["circle"] * 4  # the comparison has matured
    # The comparison's bookings rate is 60/100 in every week.
    assert list(cmp[2].y) == pytest.approx([0.6] * 4)
    # Lead → paid deal: 10 of 120 created leads, 0 in the last week.
    assert list(now[5].y) == pytest.approx([10 / 120] * 3 + [0.0])
    # The maturing band starts half a week before the first maturing week, on every panel.
    shapes = fig.layout.shapes
    assert shapes and all(s.fillcolor == charts.MATURING_FILL for s in shapes)
    assert pd.Timestamp(shapes[0].x0) == weekly.week_start[2] - pd.Timedelta(days=3.5)
    # No arrivals in the last week: the paid rate there is a gap, never NaN or inf.
    assert now[4].y[-1] is None
    assert all(v is None or math.isfinite(v) for tr_ in fig.data for v in tr_.y)


def test_weekly_conversion_without_maturing_has_no_band():
    fig = charts.weekly_conversion(_weekly([0, 0, 0]), "zh", "去年同期")
    assert not fig.layout.shapes


def test_traffic_scatter_thresholds_and_clinics():
    clinics = pd.DataFrame(
        {
            "clinic_id": [1, 2, 3],
            "name_en": ["A", "B", "C"],
            "per_doctor_month": pd.Series([10.0, 60.0, None], dtype=object),
            "retained_share": pd.Series([0.7, 0.3, 0.5], dtype=object),
            "traffic_status": ["lacks_traffic", "healthy", "unknown"],
        }
    )
    fig = charts.traffic_scatter(clinics, "en")
    drawn = {name for trace in fig.data for name in trace.text}
    assert drawn == {"A", "B"}  # C has no doctors: no point
    xs = sorted(s.x0 for s in fig.layout.shapes if s.x0 == s.x1)
    assert xs == [tr.FIRST_VISITS_LOW, tr.FIRST_VISITS_HEALTHY]
    assert [s.y0 for s in fig.layout.shapes if s.y0 == s.y1] == [tr.RETENTION_MIN_SHARE]


def test_weekly_conversion_marks_maturing_comparison_weeks():
    weekly = _weekly([0, 10])
    weekly["cmp_is_maturing"] = [False, True]
    fig = charts.weekly_conversion(weekly, "en", "previous period")
    cmp = [tr_ for tr_ in fig.data if tr_.name == "previous period"]
    assert list(cmp[0].marker.symbol) == ["circle", "circle-open"]
