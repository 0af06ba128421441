"""Which target scope the filters select, and which filters keep a target from applying."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.filters import Filters, Scope
from dashboard.metrics.target_scope import TargetScope, implied_scope, narrowing, scoped_filters

F = Filters(date(2026, 11, 1), date(2026, 11, 15))
CLINIC_CITY = {1: 1, 2: 1, 30: 10, 31: 10}


def _f(**kw) -> Filters:
    return Filters(F.start, F.end, **kw)


@pytest.mark.parametrize(
    ("filters", "kind", "expected"),
    [
        (_f(), "chain", ()),
        (_f(cities=(10,)), "chain", ("city",)),
        (_f(cities=(10,)), "city", ()),
        (_f(specialties=("eye",)), "city", ("specialty",)),
        (_f(specialties=("eye",)), "clinic", ()),
        (_f(clinics=(30,)), "city", ("clinic",)),
        (_f(channels=(4,)), "clinic", ("channel",)),
        (
            _f(cities=(10,), specialties=("eye",), channels=(4,)),
            "chain",
            ("city", "specialty", "channel"),
        ),
    ],
)
def test_narrowing(filters, kind, expected):
    assert narrowing(filters, kind) == expected


@pytest.mark.parametrize(
    ("filters", "scope", "expected"),
    [
        (_f(), Scope.all(), TargetScope("chain")),
        # A region lead never sees the chain; with one city, that city's targets apply.
        (_f(), Scope(frozenset({10})), TargetScope("city", 10)),
        (_f(), Scope(frozenset({1, 10})), None),
        (_f(cities=(10,)), Scope.all(), TargetScope("city", 10)),
        # A pick outside scope is dropped, as in the queries: the actuals are city 1's.
        (_f(cities=(10,)), Scope(frozenset({1})), TargetScope("city", 1)),
        (_f(cities=(1, 10)), Scope.all(), None),
        (_f(clinics=(30,)), Scope.all(), TargetScope("clinic", 30)),
        (_f(cities=(10,), clinics=(30,)), Scope.all(), TargetScope("clinic", 30)),
        (_f(cities=(1,), clinics=(30,)), Scope.all(), None),
        (_f(cities=(10,), channels=(4,)), Scope.all(), None),
        (_f(specialties=("eye",)), Scope.all(), None),
    ],
)
def test_implied_scope(filters, scope, expected):
    assert implied_scope(filters, scope, CLINIC_CITY) == expected


def test_scoped_filters_and_codes():
    f = _f(specialties=("eye",), channels=(4,))
    assert scoped_filters(f, TargetScope("city", 10), CLINIC_CITY).cities == (10,)
    clinic = scoped_filters(f, TargetScope("clinic", 31), CLINIC_CITY)
    assert clinic.cities == (10,) and clinic.clinics == (31,) and clinic.channels == (4,)
    assert scoped_filters(f, TargetScope("chain"), CLINIC_CITY) == f
    for code in ("chain", "city-10", "clinic-31"):
        assert TargetScope.parse(code).code == code
    for bad in ("", None, "city-", "region-3", "city-x", "chain-1"):
        assert TargetScope.parse(bad) is None
