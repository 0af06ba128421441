"""Incremental loads give the same pages as one load of the same final data (issue #23).

A generated chain is exported as files and cut in two at a day: the history before it and
the week from it (leads, orders, channel spend and the customers first seen that week). Then:
- one warehouse loads the history, appends the week, and upserts a correction (deal amounts
  and order amounts changed on rows already loaded, plus new orders);
- another loads the final data — history + week with the correction applied by pandas — at once;
- a third does what the first did, then appends a mistaken file and undoes it.
Every page of the weekly pack (each page's export sheets for the whole range and for the last
week) must be equal across the three, on DuckDB and on PostgreSQL; so must every derived
table. Rows added and replaced, as the load reports them, are checked against the files.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data
from dashboard.export.cover import ExportInfo
from dashboard.export.pack import page_sheets
from dashboard.filters import Filters, Scope
from dashboard.loading import load_directory
from dashboard.loading.exporting import export_tables
from dashboard.metrics.periods import last_complete_week
from dashboard.navigation import exported
from dashboard.seed import generate
from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from dashboard.warehouse.undo import UndoUnavailable, read_history, undo_last
from dashboard.warehouse.writer import replace_tables
from tests.conftest import activate

END = date(2026, 11, 15)
CUT = pd.Timestamp("2026-11-09")  # the appended week: 9–15 November
DATED = {"leads": "created_at", "orders": "ordered_at", "channel_daily": "date"}
_databases = itertools.count()


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def _write(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """The chain as files: history, week, correction, mistake, and the final data in one."""
    root = tmp_path_factory.mktemp("modes")
    source = Settings(warehouse_url=duckdb_url(root / "source.duckdb"))
    replace_tables(source, generate(END, leads=2_500, seed=23), source="tests")
    full = root / "full"
    export_tables(source, full)
    tables = {p.stem: _read(full, p.stem) for p in full.glob("*.csv")}

    history, week = dict(tables), {}
    for name, column in DATED.items():
        when = pd.to_datetime(tables[name][column])
        history[name], week[name] = tables[name][when < CUT], tables[name][when >= CUT]
    # Customers the history's rows point at stay in it; the rest arrive with the week.
    customers = tables["customers"]
    used = set()
    for name in ("leads", "orders", "feedback"):
        used |= set(history[name]["customer_id"])
    for column in ("referrer_id", "referred_id"):
        used |= set(tables["referral_rewards"][column])
    kept = customers["customer_id"].isin(used) | (pd.to_datetime(customers["created_at"]) < CUT)
    while True:  # and whoever referred them
        more = customers["customer_id"].isin(set(customers.loc[kept, "referrer_id"])) & ~kept
        if not more.any():
            break
        kept |= more
    history["customers"], week["customers"] = customers[kept], customers[~kept]
    assert len(week["leads"]) > 50 and len(week["orders"]) > 20 and len(week["customers"])

    # The correction: ten paid leads' deal amounts and ten orders' amounts, plus two new orders.
    leads, orders = history["leads"], pd.concat([history["orders"], week["orders"]])
    paid = leads[leads["deal_amount"] != ""].head(10).copy()
    paid["deal_amount"] = (paid["deal_amount"].astype(float) * 1.1).round(2).astype(str)
    fixed = orders.head(10).copy()
    fixed["amount"] = (fixed["amount"].astype(float) + 100).round(2).astype(str)
    extra = orders.tail(2).copy()
    extra["order_id"] = ["900001", "900002"]
    correction = {"leads": paid, "orders": pd.concat([fixed, extra])}

    final = {name: frame.copy() for name, frame in history.items()}
    for name, frame in week.items():
        final[name] = pd.concat([final[name], frame])
    for name, frame in correction.items():
        key = "lead_id" if name == "leads" else "order_id"
        final[name] = pd.concat([final[name][~final[name][key].isin(frame[key])], frame])
    mistake = week["orders"].head(3).copy()
    mistake["order_id"] = ["910001", "910002", "910003"]
    return {
        "history": _write(root / "history", history),
        "week": _write(root / "week", week),
        "correction": _write(root / "correction", correction),
        "mistake": _write(root / "mistake", {"orders": mistake}),
        "final": _write(root / "final", final),
    }


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_warehouse(request, tmp_path):
    """A factory of empty warehouses on the backend under test."""

    def make() -> Settings:
        if request.param == "duckdb":
            return Settings(warehouse_url=duckdb_url(tmp_path / f"w{next(_databases)}.duckdb"))
        server = request.getfixturevalue("postgres")
        return Settings(warehouse_url=server.create_database(f"modes_{next(_databases)}"))

    yield make
    wh.dispose_all()


def _load(settings: Settings, folder: Path, mode: str):
    result = load_directory(settings, folder, lang="en", mode=mode, loaded_by="test")
    assert result.ok, [p.reason for p in result.problems][:5]
    return result


def _pages(settings: Settings, monkeypatch) -> dict[str, pd.DataFrame]:
    """Every pack page's sheets for the whole range and the last week, by page and sheet."""
    activate(settings, monkeypatch)
    week = last_complete_week(END)
    out = {}
    try:
        for filters in (Filters(date(2020, 1, 1), END), Filters(week.start, week.end)):
            info = ExportInfo(
                filters=filters,
                scope=Scope.all(),
                user="test",
                role="admin",
                lang="en",
                data_as_of=None,
                generated_at=datetime(2026, 11, 16, 9, 0),
            )
            for page in exported():
                sheets, _empty = page_sheets(page, info, END)
                for i, sheet in enumerate(sheets):
                    out[f"{filters.start}:{page.id}:{i}:{sheet.name}"] = sheet.frame
    finally:
        data.settings.cache_clear()
        data.clear_cache()
        wh.dispose_all()
    return out


def _derived(settings: Settings) -> dict[str, pd.DataFrame]:
    from dashboard import schema

    engine = wh.get_engine(settings) if not settings.is_duckdb else None
    out = {}
    for name in (*schema.DERIVED_TABLES, "orders", "leads", "customers"):
        sql = f"select * from {name}"  # noqa: S608 - names from the schema
        if settings.is_duckdb:
            import duckdb

            con = duckdb.connect(str(settings.duckdb_path), read_only=True)
            try:
                frame = con.execute(sql).df()
            finally:
                con.close()
        else:
            with engine.connect() as conn:
                frame = pd.read_sql_query(sql, conn)
        out[name] = frame.sort_values(list(frame.columns), ignore_index=True)
    wh.dispose_all()
    return out


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for key in left:
        pd.testing.assert_frame_equal(
            left[key].reset_index(drop=True),
            right[key].reset_index(drop=True),
            check_dtype=False,
            rtol=1e-9,
            obj=key,
        )


def test_append_upsert_and_undo_equal_one_load(files, new_warehouse, monkeypatch):
    once = new_warehouse()
    _load(once, files["final"], "replace")

    steps = new_warehouse()
    _load(steps, files["history"], "replace")
    appended = _load(steps, files["week"], "append")
    corrected = _load(steps, files["correction"], "upsert")

    # What the loads say they did, against the files.
    for name in ("leads", "orders", "channel_daily", "customers"):
        rows = len(_read(files["week"], name))
        assert (appended.counts[name].added, appended.counts[name].removed) == (rows, 0)
    fixed = _read(files["correction"], "orders")
    known = set(_read(files["history"], "orders")["order_id"]) | set(
        _read(files["week"], "orders")["order_id"]
    )
    replaced = int(fixed["order_id"].isin(known).sum())
    assert (corrected.counts["orders"].added, corrected.counts["orders"].removed) == (
        len(fixed),
        replaced,
    )
    assert replaced == len(fixed) - 2

    undone = new_warehouse()
    for folder, mode in (("history", "replace"), ("week", "append"), ("correction", "upsert")):
        _load(undone, files[folder], mode)
    before_mistake = read_history(undone)
    mistake = _load(undone, files["mistake"], "append")
    result = undo_last(undone, loaded_by="test")
    assert result.undone == mistake.batch_id
    after = read_history(undone)
    assert after.iloc[0]["mode"] == "undo" and int(after.iloc[0]["undoes"]) == mistake.batch_id
    assert len(after) == len(before_mistake) + 2  # the mistaken load and its undo stay listed

    expected_pages = _pages(once, monkeypatch)
    assert len(expected_pages) > 20
    _same(_pages(steps, monkeypatch), expected_pages)
    _same(_pages(undone, monkeypatch), expected_pages)
    expected = _derived(once)
    _same(_derived(steps), expected)
    _same(_derived(undone), expected)


def test_append_of_a_known_key_is_refused_and_changes_nothing(files, new_warehouse):
    settings = new_warehouse()
    _load(settings, files["history"], "replace")
    _load(settings, files["week"], "append")
    before = _derived(settings)
    again = load_directory(settings, files["week"], lang="en", mode="append")
    assert not again.ok
    assert {p.code for p in again.problems} == {"load.key_exists"}
    _same(_derived(settings), before)
    # The same files as an upsert replace themselves: nothing changes but the history.
    same = _load(settings, files["week"], "upsert")
    assert all(c.added == c.removed for c in same.counts.values())
    _same(_derived(settings), before)


def test_undo_walks_back_and_stops_where_nothing_is_kept(files, new_warehouse):
    settings = new_warehouse()
    _load(settings, files["history"], "replace")
    base = _derived(settings)
    _load(settings, files["week"], "append")
    week = _derived(settings)
    _load(settings, files["correction"], "upsert")
    undo_last(settings)
    _same(_derived(settings), week)
    undo_last(settings)
    _same(_derived(settings), base)
    # The first load had no warehouse before it: a third undo has nothing to go back to.
    with pytest.raises(UndoUnavailable) as refused:
        undo_last(settings)
    assert refused.value.code == "undo.first"
    _same(_derived(settings), base)
    assert datetime.now() - timedelta(hours=1) < read_history(settings).iloc[0]["loaded_at"]


def test_undo_reaches_back_as_far_as_undo_versions(files, new_warehouse):
    import dataclasses

    settings = dataclasses.replace(new_warehouse(), undo_versions=1)
    _load(settings, files["history"], "replace")
    _load(settings, files["week"], "append")
    week = _derived(settings)
    _load(settings, files["correction"], "upsert")
    assert undo_last(settings).undone == 3
    _same(_derived(settings), week)
    with pytest.raises(UndoUnavailable) as refused:
        undo_last(settings)
    assert (refused.value.code, refused.value.params) == ("undo.not_kept", {"batch": 2})
    _same(_derived(settings), week)
