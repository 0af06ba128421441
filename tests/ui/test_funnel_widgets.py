"""Clicking a breakdown bar: which member the selection picks and which filter it sets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dashboard.metrics import funnel as fm
from dashboard.ui import funnel_widgets as fw


def _selection(*custom) -> dict:
    return {"selection": {"points": [{"x": "a", "customdata": c} for c in custom]}}


@pytest.mark.parametrize(
    ("state", "dimension", "want"),
    [
        (_selection("7"), "channel", 7),
        (_selection(["12"]), "clinic", 12),
        (_selection("dental"), "specialty", "dental"),
        (_selection(fm.OTHER, "3"), "city", 3),  # "other" merges members: skipped
        (_selection(fm.OTHER), "city", None),
        (_selection("not-a-number"), "city", None),
        (_selection(), "channel", None),
        ({"selection": {}}, "channel", None),
        (None, "channel", None),
    ],
)
def test_selected_member(state, dimension, want):
    assert fw.selected_member(state, dimension) == want


@pytest.mark.parametrize("dimension", fm.DIMENSIONS)
def test_narrow_sets_the_global_filter(monkeypatch, dimension):
    member = "eye" if dimension == "specialty" else "5"
    state = {fw.BREAKDOWN_CHART_KEY: _selection(member), dimension: [1, 2]}
    monkeypatch.setattr(fw, "st", SimpleNamespace(session_state=state))
    fw._narrow(dimension)
    assert state[dimension] == (["eye"] if dimension == "specialty" else [5])


def test_click_on_other_changes_nothing(monkeypatch):
    state = {fw.BREAKDOWN_CHART_KEY: _selection(fm.OTHER), "city": [1, 2]}
    monkeypatch.setattr(fw, "st", SimpleNamespace(session_state=state))
    fw._narrow("city")
    assert state["city"] == [1, 2]


def test_controls_default_to_the_documented_values():
    c = fw.FunnelControls()
    assert c.as_kwargs() == {
        "window": 30,
        "dimension": "channel",
        "top_n": fm.DEFAULT_TOP_N,
        "comparison": "previous",
    }
