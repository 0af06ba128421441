"""The one place filters become SQL: a parametrised table of filters × scope → clauses."""

from datetime import date

import pytest

from dashboard.filters import (
    Filters,
    Scope,
    ScopeError,
    iso_week_range,
    parse_iso_week,
    pick,
    preset_range,
    where_clauses,
)

D = date(2026, 11, 1)
COLS = {
    "city": "k.city_id",
    "specialty": "k.specialty",
    "clinic": "l.clinic_id",
    "channel": "l.channel_id",
}


@pytest.mark.parametrize(
    ("filters", "scope", "clauses", "params"),
    [
        (Filters(D, D), Scope.all(), [], {}),
        (Filters(D, D, cities=(1, 2)), Scope.all(), ["k.city_id in :f_city"], {"f_city": [1, 2]}),
        (
            Filters(D, D, specialties=("eye",), channels=(3,)),
            Scope.all(),
            ["k.specialty in :f_specialty", "l.channel_id in :f_channel"],
            {"f_specialty": ["eye"], "f_channel": [3]},
        ),
        (Filters(D, D, clinics=(9,)), Scope.all(), ["l.clinic_id in :f_clinic"], {"f_clinic": [9]}),
        # Scope is always enforced, even with no city picked.
        (
            Filters(D, D),
            Scope(frozenset({5})),
            ["k.city_id in :f_scope_cities"],
            {"f_scope_cities": [5]},
        ),
        # A picked city outside scope is dropped; scope still applies.
        (
            Filters(D, D, cities=(5, 6)),
            Scope(frozenset({5})),
            ["k.city_id in :f_city", "k.city_id in :f_scope_cities"],
            {"f_city": [5], "f_scope_cities": [5]},
        ),
        # Only out-of-scope cities picked: never widens to "all", stays within scope.
        (
            Filters(D, D, cities=(6,)),
            Scope(frozenset({5, 7})),
            ["k.city_id in :f_city", "k.city_id in :f_scope_cities"],
            {"f_city": [5, 7], "f_scope_cities": [5, 7]},
        ),
        # An empty scope sees nothing (no city has id -1).
        (
            Filters(D, D),
            Scope(frozenset()),
            ["k.city_id in :f_scope_cities"],
            {"f_scope_cities": [-1]},
        ),
    ],
)
def test_where_clauses(filters, scope, clauses, params):
    got_clauses, got_params = where_clauses(filters, scope, COLS)
    assert got_clauses == clauses
    assert got_params == params


def test_restricted_scope_without_city_column_fails_closed():
    with pytest.raises(ScopeError):
        where_clauses(Filters(D, D), Scope(frozenset({1})), {"channel": "l.channel_id"})


@pytest.mark.parametrize("expr", ["k.city_id; drop table x", "1=1 or k", "k.city_id)", ""])
def test_only_column_expressions_reach_sql(expr):
    with pytest.raises(ValueError):
        where_clauses(Filters(D, D), Scope.all(), {"city": expr})


def test_unknown_dimension_rejected():
    with pytest.raises(ValueError):
        where_clauses(Filters(D, D), Scope.all(), {"region": "c.region"})


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("this_week", date(2026, 11, 16), date(2026, 11, 19)),
        ("last_week", date(2026, 11, 9), date(2026, 11, 15)),
        ("last_4_weeks", date(2026, 10, 19), date(2026, 11, 15)),
        ("this_month", date(2026, 11, 1), date(2026, 11, 19)),
        ("last_month", date(2026, 10, 1), date(2026, 10, 31)),
        ("quarter", date(2026, 10, 1), date(2026, 11, 19)),
        ("ytd", date(2026, 1, 1), date(2026, 11, 19)),
    ],
)
def test_presets(preset, start, end):
    assert preset_range(preset, date(2026, 11, 19)) == (start, end)


@pytest.mark.parametrize(
    ("preset", "start", "end"),
    [
        ("this_week", date(2026, 11, 30), date(2026, 12, 6)),
        ("last_week", date(2026, 11, 30), date(2026, 12, 6)),
        ("last_4_weeks", date(2026, 11, 9), date(2026, 12, 6)),
    ],
)
def test_weeks_when_the_data_ends_on_a_sunday(preset, start, end):
    # Data to Sunday 2026-12-06: that week is complete, so it is the last of "last 4 weeks".
    assert preset_range(preset, date(2026, 12, 6)) == (start, end)


def test_last_month_in_january():
    assert preset_range("last_month", date(2026, 1, 10)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_previous_period_has_equal_length():
    f = Filters(date(2026, 11, 2), date(2026, 11, 15))
    p = f.previous()
    assert (p.start, p.end) == (date(2026, 10, 19), date(2026, 11, 1))
    assert p.days == f.days


def test_end_before_start_rejected():
    with pytest.raises(ValueError):
        Filters(date(2026, 11, 2), date(2026, 11, 1))


def test_iso_weeks():
    assert parse_iso_week("2026-W46") == (2026, 46)
    assert iso_week_range(2026, 46) == (date(2026, 11, 9), date(2026, 11, 15))
    assert iso_week_range(2026, 1) == (date(2025, 12, 29), date(2026, 1, 4))
    for bad in ("2026-46", "2026-W54", "W46", "2025-W53"):
        with pytest.raises(ValueError):
            parse_iso_week(bad)


def test_pick_takes_an_allowed_option_or_the_default():
    assert pick("city", ("city", "clinic"), "clinic") == "city"
    assert pick("garbage", ("city", "clinic"), "clinic") == "clinic"
    assert pick(None, ("city", "clinic"), "city") == "city"
    # A link's text names a number option; the option (an int) comes back.
    got = pick("30", (7, 30, 90), 90)
    assert got == 30 and isinstance(got, int)
    assert pick(30, (7, 30, 90), 90) == 30
    assert pick("31", (7, 30, 90), 90) == 90
    assert pick("none", (7, "none"), 7) == "none"
