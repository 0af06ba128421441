"""Red-black board charts: the forest plot and the cumulative-lift chart from small frames."""

import math

import pandas as pd

from dashboard.reports.experiments.charts import VERDICT_COLOURS, cumulative_chart, forest_plot

NAMES = {"red": "Red list", "black": "Black list", "inconclusive": "Inconclusive"}


def test_forest_plot_draws_each_interval_in_its_list_colour():
    frame = pd.DataFrame(
        {
            "label": ["Win · B", "Loss · B", "Flat · B", "Undefined · B"],
            "verdict": ["red", "black", "inconclusive", "inconclusive"],
            "rel_lift": [0.30, -0.20, 0.02, None],
            "rel_lo": [0.10, -0.35, -0.05, None],
            "rel_hi": [0.50, -0.05, 0.09, None],
        }
    )
    fig = forest_plot(frame, NAMES, "Relative lift")
    traces = {t.name: t for t in fig.data}
    assert set(traces) == {"Red list", "Black list", "Inconclusive"}
    red = traces["Red list"]
    assert list(red.x) == [0.30]
    assert red.marker.color == VERDICT_COLOURS["red"]
    assert list(red.error_x.array) == [0.5 - 0.3] and math.isclose(red.error_x.arrayminus[0], 0.2)
    # A comparison without a lift (control at zero) is left out, not drawn at NaN.
    assert "Undefined · B" not in list(traces["Inconclusive"].y)
    assert fig.layout.xaxis.title.text == "Relative lift"
    assert fig.layout.shapes[0].x0 == 0  # the no-effect line


def test_cumulative_chart_has_a_band_and_a_line_per_treatment():
    days = pd.date_range("2026-09-01", periods=4)
    frame = pd.DataFrame(
        {
            "label": ["B · New"] * 4 + ["C · Other"] * 4,
            "day": list(days) * 2,
            "rel_lift": [0.1, 0.12, 0.08, 0.09, -0.02, 0.0, 0.01, 0.0],
            "rel_lo": [None, -0.2, -0.1, -0.05, None, -0.3, -0.2, -0.1],
            "rel_hi": [None, 0.4, 0.3, 0.2, None, 0.3, 0.2, 0.1],
        }
    )
    fig = cumulative_chart(frame, "Cumulative lift", "Date")
    lines = [t for t in fig.data if t.mode == "lines"]
    bands = [t for t in fig.data if t.fill == "toself"]
    assert [t.name for t in lines] == ["B · New", "C · Other"]
    assert len(bands) == 2
    # The band skips the first day, whose interval is undefined: 3 days up and 3 back.
    assert len(bands[0].x) == 6
    assert fig.layout.yaxis.title.text == "Cumulative lift"


def test_charts_accept_empty_frames():
    empty = pd.DataFrame(columns=["label", "verdict", "rel_lift", "rel_lo", "rel_hi", "day"])
    assert len(forest_plot(empty, NAMES, "x").data) == 0
    assert len(cumulative_chart(empty, "y", "d").data) == 0
