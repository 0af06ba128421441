"""The frame's data on every page view: data as of and the filter bar's options, at once."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.filters import Scope
from dashboard.reports import frame
from tests.reports.kpi_expected import latest_fact

SCOPES = [Scope.all(), Scope(frozenset({2, 5})), Scope(frozenset())]


@pytest.mark.parametrize("scope", SCOPES, ids=["all", "two-cities", "none"])
def test_as_of_and_options_match_raw_rows(warehouse, raw, scope):
    got = frame.load(scope)
    # Every fact's latest timestamp, not only lead creation and orders.
    expected_as_of = pd.Timestamp(latest_fact(raw))
    assert got.as_of == expected_as_of.to_pydatetime()

    def allowed(rows):
        return rows if scope.cities is None else rows[rows["city_id"].isin(scope.cities)]

    cities = allowed(raw["cities"]).sort_values("city_id")
    assert got.cities["city_id"].tolist() == cities["city_id"].tolist()
    assert got.cities["name_en"].tolist() == cities["name_en"].tolist()
    clinics = allowed(raw["clinics"]).sort_values(["city_id", "clinic_id"])
    assert got.clinics["clinic_id"].tolist() == clinics["clinic_id"].tolist()
    assert got.clinics["specialty"].tolist() == clinics["specialty"].tolist()
    # Channels are chain-wide: every viewer picks from all of them.
    assert got.channels["channel_id"].tolist() == sorted(raw["channels"]["channel_id"])
