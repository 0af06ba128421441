"""City heat tables: grouped by tier, low-sample cells grey and uncoloured, clickable cells."""

import pandas as pd
import pytest

from dashboard.metrics import regions as rm
from dashboard.reports.regions.charts import LOW_SAMPLE_GREY, heat_table

CITIES = pd.DataFrame({"city_id": [1, 2], "tier": ["tier1", "tier3"]})


def _grid():
    cells = pd.DataFrame(
        {
            "city_id": [1, 1, 2, 2],
            "week": ["w1", "w2", "w1", "w2"],
            # bookings without appointment times: 到诊率 is the cohort's (bookings that arrived)
            "booked_arrivals": [30, 10, 2, 0],
            "bookings": [100, 50, 4, 0],
        }
    )
    for c in rm.COUNT_COLUMNS:
        if c not in cells:
            cells[c] = 0
    return rm.heat_grid(cells, CITIES, "week", ["w1", "w2"], rm.metric("arrival_rate"))


def test_heat_table_traces():
    grid = _grid()
    rows = [("一线", "北京"), ("三线及以下", "南阳")]
    text = [["30.0%", "20.0%"], ["(50.0%)", "—"]]
    hover = [["a", "b"], ["c", "d"]]
    fig = heat_table(
        grid, rows, ["11-02", "11-09"], text, hover, higher_is_better=True, colorbar_title="到院率"
    )
    colour, grey, cells = fig.data
    assert colour.type == "heatmap"
    assert list(colour.y[0]) == ["一线", "三线及以下"] and list(colour.y[1]) == ["北京", "南阳"]
    assert list(colour.z[0]) == pytest.approx([0.3, 0.2])
    assert list(colour.z[1]) == [None, None]  # low sample and missing: not on the colour scale
    assert list(grey.z[1]) == [1, None]
    assert grey.colorscale[0][1] == LOW_SAMPLE_GREY
    assert list(cells.customdata) == [1, 1, 2, 2]
    assert list(cells.text) == ["30.0%", "20.0%", "(50.0%)", "—"]
    assert list(cells.hovertext) == ["a", "b", "c", "d"]
    assert fig.layout.yaxis.type == "multicategory"


def test_no_grey_trace_without_low_samples():
    cells = pd.DataFrame({"city_id": [1], "week": ["w1"]})
    for c in rm.COUNT_COLUMNS:
        cells[c] = 5
    grid = rm.heat_grid(cells, CITIES, "week", ["w1"], rm.metric("revenue"))
    fig = heat_table(
        grid,
        [("a", "b"), ("c", "d")],
        ["w1"],
        [["5"], ["0"]],
        [["", ""], ["", ""]],
        higher_is_better=False,
        colorbar_title="x",
    )
    assert len(fig.data) == 2
    assert fig.data[0].colorscale[0][1] != LOW_SAMPLE_GREY


def test_cell_text_stays_readable_on_dark_cells():
    grid = _grid()
    fig = heat_table(
        grid,
        [("t1", "a"), ("t3", "b")],
        ["w1", "w2"],
        [["", ""], ["", ""]],
        [["", ""], ["", ""]],
        higher_is_better=True,
        colorbar_title="x",
    )
    inks = list(fig.data[-1].textfont.color)
    # 30% is the top of the scale (white text), 20% the bottom (dark), low samples muted.
    assert inks[0] == "#ffffff"
    assert inks[1] != "#ffffff"
    assert inks[2] == inks[3] != "#ffffff"
