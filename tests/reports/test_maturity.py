"""The maturity of a period's cohort per horizon (channels) and window (funnel), on DuckDB and
PostgreSQL, against pandas over the raw rows; and the default each rule picks from them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from dashboard.filters import Filters, Scope
from dashboard.metrics import maturity as mt
from dashboard.reports.channels import load as channels
from dashboard.reports.funnel import load as funnel
from tests.pages.test_default_views import HORIZONS, WINDOWS, _cohort, _new_customers, data_as_of

PERIODS = [(date(2026, 10, 19), date(2026, 11, 15)), (date(2026, 1, 1), date(2026, 11, 15))]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_horizon_maturity_and_default(warehouse, raw, start, end):
    filters = Filters(start, end)
    new = _new_customers(raw, start, end)
    end_ts = datetime.combine(data_as_of(raw).date() + timedelta(days=1), time.min)
    want = {h: (new.ordered_at + timedelta(days=h) <= end_ts).mean() for h in HORIZONS}
    got = channels.horizon_maturity(filters, Scope.all())
    assert got == pytest.approx(want)
    view = channels.default_view(filters, Scope.all())
    complete = [h for h in HORIZONS if want[h] >= mt.COMPLETE_SHARE]
    assert view.horizon == (max(complete) if complete else min(HORIZONS))
    assert view.rank_by == ("roi_horizon" if complete else "marketing_roi")


@pytest.mark.parametrize(("start", "end"), [*PERIODS, (date(2026, 10, 1), date(2026, 10, 31))])
def test_window_maturity_and_default(warehouse, raw, start, end):
    filters = Filters(start, end)
    cohort, as_of = _cohort(raw, start, end), data_as_of(raw)
    want = {w: (cohort.created_at <= as_of - timedelta(days=w)).mean() for w in WINDOWS}
    assert funnel.window_maturity(filters, Scope.all()) == pytest.approx(want)
    complete = [w for w in WINDOWS if want[w] >= mt.COMPLETE_SHARE]
    assert funnel.default_window(filters, Scope.all()) == (max(complete) if complete else 7)


def test_an_empty_period_has_no_share(warehouse):
    filters = Filters(date(2019, 1, 7), date(2019, 1, 13))
    assert set(channels.horizon_maturity(filters, Scope.all()).values()) == {None}
    assert channels.default_view(filters, Scope.all()).rank_by == "marketing_roi"
    assert set(funnel.window_maturity(filters, Scope.all()).values()) == {None}
    assert funnel.default_window(filters, Scope.all()) == 7
