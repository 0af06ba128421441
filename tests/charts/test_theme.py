"""Weekly axes are labelled on the weeks' Mondays, at most a handful of ticks."""

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.charts.theme import week_ticks


@pytest.mark.parametrize("weeks", [1, 4, 13, 52])
def test_week_ticks_fall_on_mondays(weeks):
    starts = pd.date_range("2026-01-05", periods=weeks, freq="7D")  # Mondays
    fig = week_ticks(go.Figure(go.Scatter(x=starts, y=list(range(weeks)))), starts, most=6)
    ticks = [pd.Timestamp(v) for v in fig.layout.xaxis.tickvals]
    assert ticks and all(v.weekday() == 0 for v in ticks)
    assert len(ticks) <= 6 and set(ticks) <= set(starts)
    assert list(fig.layout.xaxis.ticktext) == [v.strftime("%m-%d") for v in ticks]
