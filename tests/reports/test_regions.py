"""Regions report against an independent pandas computation over the raw rows, on both backends."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import data
from dashboard.filters import Filters, Scope
from dashboard.metrics import regions as rm
from dashboard.reports.overview import load as overview
from dashboard.reports.regions import load as regions_load
from dashboard.reports.regions import tables as regions_tables
from tests.reports import regions_oracle as oracle

FOUR_WEEKS = Filters(date(2026, 10, 19), date(2026, 11, 15))
# A partial last week (Mon–Wed), a specialty and two channels: exercises every filter path.
NARROW = Filters(
    date(2026, 10, 1), date(2026, 11, 11), specialties=("dental", "eye"), channels=(1, 4)
)


def _indexed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for k in keys:
        if k != "week_start":
            out[k] = out[k].astype("int64")
    return out.set_index(keys)[list(oracle.COUNTS)].astype(float).sort_index()


def _assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    want = want.reindex(got.index.union(want.index), fill_value=0.0)
    got = got.reindex(want.index, fill_value=0.0)
    pd.testing.assert_frame_equal(
        got, want, check_exact=False, rtol=1e-9, atol=1e-6, check_names=False
    )


@pytest.mark.parametrize("f", [FOUR_WEEKS, NARROW], ids=["4-weeks", "narrow"])
def test_breakdown_matches_pandas(warehouse, raw, f):
    report = regions_load.load(f, Scope.all())
    spans = rm.week_spans(f.end)
    (rows,) = data.run_all(regions_load._breakdown_query(f, Scope.all(), spans))
    period = oracle.facts(raw, f, f.start, f.end)
    for grain, keys in (
        ("city", ["city_id"]),
        ("week", ["city_id", "week_start"]),
        ("channel", ["city_id", "channel_id"]),
        ("clinic", ["city_id", "clinic_id"]),
    ):
        got = _indexed(regions_load._grain(rows, grain), keys)
        _assert_same(got, oracle.by(period, keys))
    (this_start, this_end), (last_start, last_end) = spans
    for grain, (lo, hi) in (
        ("this_week", (this_start, this_end)),
        ("last_week", (last_start, last_end)),
    ):
        got = _indexed(regions_load._grain(rows, grain), ["city_id"])
        _assert_same(got, oracle.by(oracle.facts(raw, f, lo, hi), ["city_id"]))
    # The report's own frames carry the same figures.
    _assert_same(_indexed(report.city_totals, ["city_id"]), oracle.by(period, ["city_id"]))
    clinic_want = oracle.by(period, ["clinic_id"])
    clinics = report.clinics.set_index("clinic_id")[list(oracle.COUNTS)].sort_index()
    _assert_same(clinics, clinic_want)


def test_totals_agree_with_the_overview(warehouse):
    report = regions_load.load(FOUR_WEEKS, Scope.all())
    ov = overview.load(FOUR_WEEKS, Scope.all())
    for kpi_id in ("arrivals", "revenue", "new_customers"):
        assert report.city_totals[kpi_id].sum() == pytest.approx(ov.deltas[kpi_id].current)


@pytest.mark.parametrize("metric", rm.MAP_METRICS)
def test_map_layer_data_equals_pandas_grid(warehouse, raw, metric):
    report = regions_load.load(FOUR_WEEKS, Scope.all(), map_metric=metric)
    want = oracle.grid(raw, FOUR_WEEKS, metric, report.step)
    got = report.grid.set_index(["cell_y", "cell_x"])["value"].sort_index()
    pd.testing.assert_series_equal(
        got.astype(float), want.astype(float).sort_index(), check_names=False, rtol=1e-9
    )
    # Cell centres are the cell index times the step, and the layer sends exactly these rows.
    np.testing.assert_allclose(report.grid["lat"], report.grid["cell_y"] * report.step, atol=1e-6)
    assert report.unplaced in (None, 0.0)


def test_grid_is_finer_for_one_city_and_scope_is_enforced(warehouse, raw):
    city = int(raw["cities"].city_id.iloc[9])
    by_scope = regions_load.load(FOUR_WEEKS, Scope(frozenset({city})), map_metric="revenue")
    assert by_scope.step == 0.01
    assert by_scope.cities.city_id.tolist() == [city]
    f = Filters(FOUR_WEEKS.start, FOUR_WEEKS.end, cities=(city,))
    want = oracle.grid(raw, f, "revenue", 0.01)
    got = by_scope.grid.set_index(["cell_y", "cell_x"])["value"].sort_index()
    pd.testing.assert_series_equal(got, want.sort_index().astype(float), check_names=False)
    # Asking for another city under a restricted scope cannot widen it.
    other = int(raw["cities"].city_id.iloc[0])
    sneaky = regions_load.load(
        Filters(FOUR_WEEKS.start, FOUR_WEEKS.end, cities=(other,)), Scope(frozenset({city}))
    )
    assert set(sneaky.clinics.city_id) == {city}
    assert sneaky.city_totals.revenue.sum() == pytest.approx(by_scope.city_totals.revenue.sum())


@pytest.mark.parametrize("metric", ["arrival_rate", "revenue", "complaints"])
def test_ranking_and_week_on_week(warehouse, raw, metric):
    report = regions_load.load(FOUR_WEEKS, Scope.all(), table_metric=metric)
    m = rm.metric(metric)
    (this_start, this_end), (last_start, last_end) = report.spans
    period = oracle.by(oracle.facts(raw, FOUR_WEEKS, FOUR_WEEKS.start, FOUR_WEEKS.end), ["city_id"])
    now = oracle.by(oracle.facts(raw, FOUR_WEEKS, this_start, this_end), ["city_id"])
    before = oracle.by(oracle.facts(raw, FOUR_WEEKS, last_start, last_end), ["city_id"])

    def value(frame: pd.DataFrame, city: int) -> tuple[float | None, bool]:
        row = frame.loc[city] if city in frame.index else pd.Series(0.0, index=oracle.COUNTS)
        # The definitions, written out: arrival rate = arrivals of the visits due ÷ visits due
        # (every booking of the sample carries an appointment time).
        num, den = {
            "arrival_rate": ("appointment_arrivals", "appointments"),
            "revenue": ("revenue", None),
            "complaints": ("complaints", None),
        }[metric]
        if den is None:
            return float(row[num]), False
        n = float(row[den])
        return (float(row[num]) / n if n else None), 0 < n < rm.LOW_SAMPLE_MIN

    ranked = []
    for _, r in report.ranking.iterrows():
        city = int(r.city_id)
        v, low = value(period, city)
        assert (None if pd.isna(r.value) else r.value) == pytest.approx(v)
        assert bool(r.low_sample) == low
        a, a_low = value(now, city)
        b, b_low = value(before, city)
        assert (None if pd.isna(r.this_week) else r.this_week) == pytest.approx(a)
        assert (None if pd.isna(r.last_week) else r.last_week) == pytest.approx(b)
        if a is not None and b is not None and not (a_low or b_low):
            assert r.change == pytest.approx(a - b)
        else:
            assert pd.isna(r.change)
        if v is not None and not low:
            ranked.append((v, city, r["rank"]))
        else:
            assert pd.isna(r["rank"])
    # Best first: descending for "up" metrics, ascending for complaints.
    values = [v for v, _, _ in ranked]
    assert values == sorted(values, reverse=m.higher_is_better)
    assert [int(x) for _, _, x in ranked][0] == 1


def test_heat_tables_cover_every_city_and_column(warehouse, raw):
    report = regions_load.load(FOUR_WEEKS, Scope.all(), table_metric="arrival_rate")
    assert len(report.weeks) == 4
    assert report.weekly.row_ids == tuple(report.cities.city_id)
    assert len(report.by_channel.col_keys) == len(raw["channels"])
    week = oracle.by(
        oracle.facts(raw, FOUR_WEEKS, FOUR_WEEKS.start, FOUR_WEEKS.end), ["city_id", "week_start"]
    )
    for r, city in enumerate(report.weekly.row_ids):
        for c, wk in enumerate(report.weekly.col_keys):
            row = week.loc[(city, wk)] if (city, wk) in week.index else None
            inq = 0.0 if row is None else float(row["appointments"])
            arr = 0.0 if row is None else float(row["appointment_arrivals"])
            got = report.weekly.value[r][c]
            assert got == (pytest.approx(arr / inq) if inq else None)
            assert report.weekly.low[r][c] == (0 < inq < rm.LOW_SAMPLE_MIN)
            # Low-sample cells are never coloured.
            if report.weekly.low[r][c]:
                assert report.weekly.z[r][c] is None
    # Tiers are grouped: tier 1 rows come first.
    tiers = [rm.tier_rank(x) for x in report.weekly.row_tiers]
    assert tiers == sorted(tiers)


def test_empty_period_is_empty(warehouse):
    report = regions_load.load(Filters(date(2019, 1, 7), date(2019, 1, 13)), Scope.all())
    assert report.is_empty
    assert report.grid.empty


def test_sheets_carry_the_shown_figures(warehouse):
    report = regions_load.load(
        FOUR_WEEKS, Scope.all(), table_metric="revenue", map_metric="arrivals"
    )
    for lang in ("zh", "en"):
        sheets = regions_tables.sheets(report, lang)
        assert len(sheets) == 5
        for sheet in sheets:
            table = sheet.table()
            assert list(table.columns) == [c.label for c in sheet.columns]
            assert len(sheet.name) <= 31
        ranking, weekly, channel, clinics, cells = sheets
        assert ranking.frame["value"].sum() == pytest.approx(report.city_totals.revenue.sum())
        assert weekly.frame["value"].sum() == pytest.approx(report.city_totals.revenue.sum())
        assert channel.frame["value"].sum() == pytest.approx(report.city_totals.revenue.sum())
        assert clinics.frame["arrivals"].sum() == pytest.approx(report.city_totals.arrivals.sum())
        assert cells.frame["value"].sum() == pytest.approx(report.city_totals.arrivals.sum())


def test_queries_return_aggregates_only(warehouse):
    # The grid never returns more rows than cells, and far fewer than the customers it covers.
    f = Filters(date(2026, 1, 1), date(2026, 11, 15))
    cells = data.run("regions_grid_customers", f, Scope.all(), step=0.01)
    assert len(cells) == len(cells.drop_duplicates(["cell_y", "cell_x"]))
    assert set(cells.columns) == {"cell_y", "cell_x", "value", "at_city"}


def test_narrowing_from_map_clicks():
    clinic_city = {11: 3, 12: 3, 20: 5}
    clinic = {"clinics": [{"clinic_id": 20, "city_id": 5, "tip": "x"}]}
    assert regions_load.narrowing(clinic, [11], clinic_city) == {"city": [5], "clinic": [20]}
    city = {"cities": [{"city_id": 3, "tip": "y"}]}
    assert regions_load.narrowing(city, [11, 20], clinic_city) == {"city": [3], "clinic": [11]}
    assert regions_load.narrowing({}, [11], clinic_city) is None
    assert regions_load.narrowing(None, [], clinic_city) is None
    assert regions_load.narrowing({"heat": [{"x": 1}]}, [], clinic_city) is None
