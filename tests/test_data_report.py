"""data.report caches a finished report per filters, scope, controls and data version."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.reports.members import load as members

FILTERS = Filters(start=date(2026, 10, 19), end=date(2026, 11, 15))


def _counting(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = data.execute  # what a cache miss runs

    def spy(name, filters, scope, params, snap):
        calls.append(name)
        return real(name, filters, scope, params, snap)

    monkeypatch.setattr(data, "execute", spy)
    return calls


def test_rerun_comes_from_the_cache(duckdb_warehouse, monkeypatch):
    calls = _counting(monkeypatch)
    first = members.load(FILTERS, Scope.all())
    assert "members_lifecycle" in calls
    calls.clear()
    again = members.load(FILTERS, Scope.all())
    assert calls == []
    pd.testing.assert_frame_equal(first.stages, again.stages)
    pd.testing.assert_frame_equal(first.flows, again.flows)
    # Another control value is another report (months: only the pandas part differs).
    assert len(members.load(FILTERS, Scope.all(), months=3).snapshots) == 4
    members.load(FILTERS, Scope.all(), active_days=60)
    assert "members_lifecycle" in calls


def test_another_scope_or_a_cleared_cache_recomputes(duckdb_warehouse, monkeypatch):
    calls = _counting(monkeypatch)
    members.load(FILTERS, Scope.all())
    calls.clear()
    members.load(FILTERS, Scope(cities=frozenset({1})))
    assert "members_lifecycle" in calls
    calls.clear()
    data.clear_cache()
    members.load(FILTERS, Scope.all())
    assert "members_lifecycle" in calls
