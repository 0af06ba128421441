"""data.run's cache key: every field of the filters and the scope counts, and only their values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dashboard import data
from dashboard.filters import Filters, Scope

BASE = Filters(start=date(2026, 10, 19), end=date(2026, 11, 15))


def _calls(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    real = data.execute  # what a cache miss runs

    def spy(name, filters, scope, params, snap):
        calls.append((name, filters, scope))
        return real(name, filters, scope, params, snap)

    monkeypatch.setattr(data, "execute", spy)
    return calls


@pytest.mark.parametrize(
    ("other", "scope"),
    [
        (replace(BASE, start=date(2026, 10, 20)), Scope.all()),
        (replace(BASE, end=date(2026, 11, 14)), Scope.all()),
        (replace(BASE, cities=(1,)), Scope.all()),
        (replace(BASE, specialties=("eye",)), Scope.all()),
        (replace(BASE, clinics=(1,)), Scope.all()),
        (replace(BASE, channels=(1,)), Scope.all()),
        (replace(BASE, extra=(("a", "b"),)), Scope.all()),
        (BASE, Scope(frozenset({1}))),
        (BASE, Scope(frozenset())),
    ],
)
def test_any_difference_is_another_entry(duckdb_warehouse, monkeypatch, other, scope):
    calls = _calls(monkeypatch)
    data.run("kpi_funnel", BASE, Scope.all(), grain="total")
    data.run("kpi_funnel", other, scope, grain="total")
    assert [c[1:] for c in calls] == [(BASE, Scope.all()), (other, scope)]


def test_equal_values_hit_the_same_entry(duckdb_warehouse, monkeypatch):
    calls = _calls(monkeypatch)
    # Equal sets built in other orders (9 and 1 share a slot of a small set's table).
    first = data.run("kpi_funnel", BASE, Scope(frozenset([1, 9, 17])), grain="total")
    again = data.run(
        "kpi_funnel",
        Filters(start=date(2026, 10, 19), end=date(2026, 11, 15)),
        Scope(frozenset([17, 9, 1])),
        grain="total",
    )
    assert len(calls) == 1
    assert first.equals(again)
