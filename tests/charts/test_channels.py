"""Channel charts: built from hand-made tables, in both languages, without Streamlit."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.i18n import t
from dashboard.reports.channels import charts


def _bubbles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": ["1", "2", "3", "4"],
            "name": ["A", "B", "C", "D"],
            "tier_name": ["core", "core", "potential", "potential"],
            "cac": [1_000.0, 300.0, None, 2_000.0],
            "cac_low": [900.0, 150.0, None, 1_200.0],
            "cac_high": [1_100.0, 600.0, None, 4_000.0],
            "roi_horizon": [1.5, 4.0, None, -0.2],
            "spend": [50_000.0, 3_000.0, 8_000.0, 20_000.0],
            "low_sample": [False, True, True, True],
            "plotted": [True, True, False, True],
        }
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bubble_places_only_plotted_rows(lang):
    fig = charts.bubble(_bubbles(), "tier_name", lang, 90)
    assert isinstance(fig, go.Figure)
    xs = [x for trace in fig.data for x in trace.x]
    assert sorted(xs) == [300.0, 1_000.0, 2_000.0]
    names = {trace.name for trace in fig.data}
    assert names == {"core", "potential"}
    core = next(trace for trace in fig.data if trace.name == "core")
    assert list(core.marker.symbol) == ["circle", charts.LOW_SAMPLE_SYMBOL]
    # Error bars only on the low-sample bubble: 600 − 300 above, 300 − 150 below.
    assert list(core.error_x.array) == [0.0, 300.0]
    assert list(core.error_x.arrayminus) == [0.0, 150.0]
    assert [c[0] for c in core.customdata] == ["1", "2"]
    assert fig.layout.yaxis.title.text == t("channels.chart.roi_axis", lang, horizon=90)


def test_bubble_with_nothing_to_plot():
    empty = _bubbles().assign(plotted=False)
    fig = charts.bubble(empty, None, "en", 30)
    assert len(fig.data) == 0


def test_weekly_small_multiples():
    weeks = pd.to_datetime(["2026-10-19", "2026-10-26"])
    table = pd.DataFrame(
        {
            "week_start": list(weeks) * 3,
            "name": ["A", "A", "B", "B", "C", "C"],
            "spend": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "revenue": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        }
    )
    fig = charts.weekly(table, ["B", "A", "C"], "en", cols=2)
    assert len(fig.data) == 6  # spend bars and a revenue line per panel
    assert [a.text for a in fig.layout.annotations] == ["B", "A", "C"]
    assert list(fig.data[0].y) == [3.0, 4.0]
    assert list(fig.data[1].y) == [30.0, 40.0]
    assert sum(1 for trace in fig.data if trace.showlegend) == 2


def test_budget_and_pacing_bars():
    split = pd.DataFrame(
        {"name": ["M", "S", "O"], "plan": [400.0, 300.0, 300.0], "actual": [450.0, 250.0, 300.0]}
    )
    reserve = pd.DataFrame({"name": ["R"], "plan": [176.0], "used": [100.0]})
    fig = charts.budget_bars(split, reserve, "zh")
    assert list(fig.data[0].y) == [400.0, 300.0, 300.0, 176.0]
    assert list(fig.data[1].y) == [450.0, 250.0, 300.0, 100.0]
    pacing = pd.DataFrame(
        {
            "name": ["M", "T"],
            "plan": [100.0, 200.0],
            "expected": [50.0, 100.0],
            "spent": [60.0, 90.0],
            "pace": [1.2, 0.9],
        }
    )
    fig = charts.pacing_bars(pacing, "en")
    assert list(fig.data[1].x) == [60.0, 90.0]
    assert list(fig.data[2].x) == [100.0, 200.0]
    assert fig.data[1].marker.color[0] == charts.BAD and fig.data[1].marker.color[1] == charts.GOOD
