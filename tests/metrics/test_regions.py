"""Regional metrics on hand-built cases: low samples, heat grids, ranking, map helpers."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.metrics import regions as rm

CITIES = pd.DataFrame({"city_id": [3, 1, 2, 4], "tier": ["tier3", "tier1", "new_tier1", "tier1"]})


def _counts(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for c in rm.COUNT_COLUMNS:
        if c not in frame:
            frame[c] = 0.0
    return frame


def test_rates_flag_small_denominators_and_never_divide_by_zero():
    frame = _counts(
        [
            {"city_id": 1, "arrivals": 12, "bookings": 40},
            {"city_id": 2, "arrivals": 5, "bookings": 5},
            {"city_id": 3, "arrivals": 0, "bookings": 0},
            {"city_id": 4, "arrivals": 29, "bookings": 30},
        ]
    )
    # No appointment times: 到诊率 is the booking cohort's (its bookings that arrived).
    frame["booked_arrivals"] = frame["arrivals"]
    out = rm.with_values(frame, rm.metric("arrival_rate"))
    assert out["value"].iloc[0] == pytest.approx(0.3)
    assert out["low_sample"].tolist() == [False, True, False, False]
    assert math.isnan(out["value"].iloc[2])  # no denominator: missing, not inf or 0
    assert not np.isinf(out["value"]).any()
    counts = rm.with_values(frame, rm.metric("arrivals"))
    assert counts["value"].tolist() == [12, 5, 0, 29]
    assert not counts["low_sample"].any()


def test_cities_are_grouped_by_tier():
    assert rm.order_cities(CITIES)["city_id"].tolist() == [1, 4, 2, 3]
    assert rm.tier_rank("unknown") == len(rm.TIERS)


def test_heat_grid_fills_missing_cells_and_greys_low_samples():
    cells = _counts(
        [
            {"city_id": 1, "col": "a", "complaints": 2, "responses": 50},
            {"city_id": 1, "col": "b", "complaints": 9, "responses": 10},
            {"city_id": 2, "col": "a", "complaints": 1, "responses": 40},
        ]
    )
    grid = rm.heat_grid(cells, CITIES, "col", ["a", "b"], rm.metric("complaint_rate"))
    assert grid.row_ids == (1, 4, 2, 3)
    assert grid.value[0] == (pytest.approx(0.04), pytest.approx(0.9))
    assert grid.low[0] == (False, True)
    assert grid.z[0] == (pytest.approx(0.04), None)  # 90% on 10 answers is not coloured
    assert grid.value[1] == (None, None)  # city 4 has no feedback at all
    assert grid.n[2] == (40.0, 0.0)
    counts = rm.heat_grid(cells, CITIES, "col", ["a", "b"], rm.metric("complaints"))
    assert counts.value[1] == (0.0, 0.0)  # a count of nothing is zero


def test_week_spans_compare_like_for_like_days():
    this, last = rm.week_spans(date(2026, 11, 11))  # a Wednesday
    assert this == (date(2026, 11, 9), date(2026, 11, 11))
    assert last == (date(2026, 11, 2), date(2026, 11, 4))
    assert rm.week_spans(date(2026, 11, 15))[0] == (date(2026, 11, 9), date(2026, 11, 15))


def test_ranking_follows_direction_and_leaves_low_samples_unranked():
    totals = _counts(
        [
            {"city_id": 1, "complaints": 3, "responses": 100},
            {"city_id": 2, "complaints": 1, "responses": 100},
            {"city_id": 3, "complaints": 0, "responses": 4},
            {"city_id": 4, "complaints": 5, "responses": 100},
        ]
    )
    now = _counts(
        [
            {"city_id": 1, "complaints": 2, "responses": 40},
            {"city_id": 2, "complaints": 1, "responses": 5},
        ]
    )
    before = _counts(
        [
            {"city_id": 1, "complaints": 1, "responses": 40},
            {"city_id": 2, "complaints": 1, "responses": 50},
        ]
    )
    out = rm.ranking(totals, now, before, CITIES, rm.metric("complaint_rate"))
    assert out["city_id"].tolist() == [2, 1, 4, 3]  # fewest complaints first; city 3 is n=4
    assert out["rank"].tolist()[:3] == [1, 2, 3]
    assert math.isnan(out["rank"].iloc[3])
    first = out.set_index("city_id")
    assert first.loc[1, "change"] == pytest.approx(0.05 - 0.025)
    assert first.loc[1, "verdict"] == "worse"  # complaint rate went up
    assert math.isnan(first.loc[2, "change"])  # this week's n = 5 is too small to compare
    assert first.loc[4, "verdict"] == "unknown"
    revenue = rm.ranking(
        _counts([{"city_id": 1, "revenue": 10}, {"city_id": 2, "revenue": 30}]),
        _counts([{"city_id": 1, "revenue": 6}]),
        _counts([{"city_id": 1, "revenue": 4}]),
        CITIES,
        rm.metric("revenue"),
    )
    assert revenue["city_id"].tolist()[:2] == [2, 1]
    r1 = revenue.set_index("city_id").loc[1]
    assert r1["change_pct"] == pytest.approx(0.5) and r1["verdict"] == "better"


def test_grid_helpers():
    assert rm.grid_step(1) < rm.grid_step(3) < rm.grid_step(13)
    # About 7 pixels at the opening zoom, never finer than a grid cell.
    assert rm.hexagon_radius_m(0.05, 4.0, 0.0) == round(156_543.03 / 16 * 7)
    assert rm.hexagon_radius_m(0.01, 16.0, 30.0) == 1110
    assert rm.hexagon_radius_m(0.05, 4.0, 30.0) < rm.hexagon_radius_m(0.05, 4.0, 0.0)
    cells = rm.cell_centres(pd.DataFrame({"cell_y": [453], "cell_x": [2282], "value": [2]}), 0.05)
    assert (cells["lat"].iloc[0], cells["lon"].iloc[0]) == (22.65, 114.1)


def test_marker_radius_grows_with_the_square_root_of_revenue():
    r = rm.marker_radius(pd.Series([0.0, 25.0, 100.0]), smallest=5, largest=25)
    assert r.tolist() == pytest.approx([5.0, 15.0, 25.0])
    assert rm.marker_radius(pd.Series([0.0, 0.0])).tolist() == [5.0, 5.0]


def test_arrival_rate_follows_the_selection_definition():
    """Appointments due when 80% of the selection's bookings carry a time, else the cohort;
    one definition for every row, and the low-sample base follows it."""
    rows = [
        # city 1: 40 visits due, 30 arrived; 50 bookings, 45 with a time, 20 of them arrived
        {
            "city_id": 1,
            "appointments": 40,
            "appointment_arrivals": 30,
            "bookings": 50,
            "booked_with_appointment": 45,
            "booked_arrivals": 20,
            "arrivals": 60,
        },
        # city 2: 10 visits due, 10 arrived; 10 bookings, all with a time
        {
            "city_id": 2,
            "appointments": 10,
            "appointment_arrivals": 10,
            "bookings": 10,
            "booked_with_appointment": 10,
            "booked_arrivals": 9,
            "arrivals": 12,
        },
    ]
    frame = _counts(rows)
    out = rm.with_values(frame, rm.metric("arrival_rate"))
    # 55 of 60 bookings carry a time (≥ 80%): visits due.
    assert out["value"].tolist() == pytest.approx([30 / 40, 10 / 10])
    assert out["n"].tolist() == [40, 10]
    assert out["low_sample"].tolist() == [False, True]
    frame.loc[0, "booked_with_appointment"] = 30  # 40 of 60 = 67%: the booking cohort
    out = rm.with_values(frame, rm.metric("arrival_rate"))
    assert out["value"].tolist() == pytest.approx([20 / 50, 9 / 10])
    assert out["n"].tolist() == [50, 10]
    # A basis given for the whole page wins over the frame's own counts.
    forced = rm.with_values(frame, rm.metric("arrival_rate"), basis="appointments")
    assert forced["value"].tolist() == pytest.approx([30 / 40, 10 / 10])
    assert (out["value"] <= 1).all() and (forced["value"] <= 1).all()
