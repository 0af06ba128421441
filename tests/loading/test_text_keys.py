"""Ids as source systems write them: text keys load, resolve, stay stable and come back out.

The chain of ``conftest.SAMPLE`` is re-keyed the way real exports key it — HIS customer
numbers with leading zeros, order numbers like ``DD20240102-0001``, a UUID, a WeChat openid,
city and channel codes — and every relation is checked against the raw rows with pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import schema
from dashboard.loading import load_directory
from dashboard.loading.exporting import export_tables
from dashboard.loading.keys import key_columns

# old integer id -> the source system's id, per entity table
REKEY: dict[str, dict[str, str]] = {
    "cities": {"1": "ZZ", "2": "SH"},
    "clinics": {"10": "K-010", "11": "K-011", "20": "SH-MED-01"},
    "channels": {"1": "douyin", "2": "laodaixin", "3": "baidu_sem"},
    "customers": {
        "1001": "00001001",
        "1002": "9f1c2b7e-3d4a-4c55-8e21-0a6b7c8d9e10",
        "1003": "oX3kT5uVwYz_8aBcDeFgHiJk",
        "1004": "HIS-1004",
        "1005": "1005",  # a plain number stays its own integer
    },
    "leads": {
        "1": "XS20240101-0001",
        "2": "XS20240102-0001",
        "3": "XS20240103-0001",
        "4": "XS20240104-0001",
    },
    "orders": {"501": "DD20240102-0001", "502": "DD20240105-0001", "503": "DD20240106-0001"},
    "experiments": {"1": "EXP-COPY-1"},
    "experiment_exposures": {"1": "E-1", "2": "E-2", "3": "E-3"},
    "feedback": {"1": "FB-1", "2": "FB-2"},
    "referral_rewards": {"1": "RW-1"},
}


def rekeyed(rows):
    """The sample rows with every id column (own ids and references) in the source's form."""
    out = {}
    for table, table_rows in rows.items():
        columns = key_columns(table)
        new_rows = []
        for row in table_rows:
            row = dict(row)
            for column, entity in columns.items():
                if row.get(column):
                    row[column] = REKEY[entity][row[column]]
            if table == "scorecard_targets" and row["scope_kind"] == "city":
                row["scope_id"] = REKEY["cities"][row["scope_id"]]
            new_rows.append(row)
        out[table] = new_rows
    return out


def external_view(settings, table: str) -> pd.DataFrame:
    """The warehouse table with every id column shown as its external id (through key_map)."""
    engine = sa.create_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql(sa.select(schema.table(table)), conn)
            mapped = pd.read_sql(sa.select(schema.key_map), conn)
    finally:
        engine.dispose()
    for column, entity in key_columns(table).items():
        own = mapped[mapped["table_name"] == entity]
        names = dict(zip(own["internal_id"], own["external_id"], strict=True))
        frame[column] = [
            None if pd.isna(v) else names.get(int(v), str(int(v))) for v in frame[column]
        ]
    return frame


def read(settings, sql: str) -> pd.DataFrame:
    """One query's rows through a connection closed at once (a load needs the file to itself)."""
    engine = sa.create_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            return pd.read_sql(sql, conn)
    finally:
        engine.dispose()


def raw_pairs(rows, table: str, columns: list[str]) -> set[tuple]:
    return {tuple(r[c] or None for c in columns) for r in rows[table]}


def test_text_ids_load_and_every_reference_resolves(warehouse_settings, make_folder, sample_rows):
    rows = rekeyed(sample_rows)
    result = load_directory(warehouse_settings, make_folder(rows), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    for table in rows:
        columns = list(key_columns(table))
        if not columns:
            continue
        view = external_view(warehouse_settings, table)
        shown = {
            tuple(None if pd.isna(v) else str(v) for v in r)
            for r in view[columns].itertuples(index=False)
        }
        assert shown == raw_pairs(rows, table, columns), table
    # Integer ids are unique per table, and a plain number keeps its own value.
    customers = external_view(warehouse_settings, "customers")
    ids = read(warehouse_settings, "select customer_id from customers")["customer_id"]
    mapped = read(warehouse_settings, "select * from key_map")
    assert ids.is_unique and 1005 in set(ids)
    assert "1005" not in set(mapped["external_id"])  # no mapping row for a plain number
    assert "00001001" in set(customers["customer_id"])
    text_ids = sum(1 for m in REKEY.values() for v in m.values() if not v.isdigit())
    # '00001001' is digits but not a plain number (leading zeros): it is mapped too.
    assert len(mapped) == text_ids + 1


def test_same_external_id_is_the_same_entity_in_later_loads(
    warehouse_settings, make_folder, sample_rows
):
    rows = rekeyed(sample_rows)
    assert load_directory(warehouse_settings, make_folder(rows), lang="en").ok
    before = external_view(warehouse_settings, "customers")
    first = read(warehouse_settings, "select * from key_map where table_name = 'customers'")
    # Customers again, in another order and with one more; orders alone, pointing at them.
    customers = list(reversed(rows["customers"])) + [
        {**rows["customers"][0], "customer_id": "HIS-2000", "phone": "13800138999"}
    ]
    orders = rows["orders"] + [
        {**rows["orders"][0], "order_id": "DD20240107-0001", "customer_id": "HIS-2000"}
    ]
    result = load_directory(
        warehouse_settings, make_folder({"customers": customers, "orders": orders}), lang="en"
    )
    assert result.ok, [p.reason for p in result.problems]
    second = read(warehouse_settings, "select * from key_map where table_name = 'customers'")
    kept = second.merge(first, on=["table_name", "external_id"], suffixes=("", "_before"))
    assert len(kept) == len(first)
    assert (kept["internal_id"] == kept["internal_id_before"]).all()
    new = second[second["external_id"] == "HIS-2000"]["internal_id"]
    assert len(new) == 1 and int(new.iloc[0]) not in set(first["internal_id"])
    assert int(new.iloc[0]) != 1005  # never the integer of a plain-number id
    after = external_view(warehouse_settings, "orders")
    raw = pd.DataFrame(orders)[["order_id", "customer_id"]]
    assert sorted(map(tuple, after[["order_id", "customer_id"]].to_numpy())) == sorted(
        map(tuple, raw.to_numpy())
    )
    # Leads kept from the first load still name their customers.
    leads = external_view(warehouse_settings, "leads")
    assert set(leads["customer_id"].dropna()) <= set(before["customer_id"])


def test_leading_zeros_are_another_id(warehouse_settings, make_folder, sample_rows):
    rows = rekeyed(sample_rows)
    rows["customers"].append(
        {**rows["customers"][0], "customer_id": "1001", "phone": "13800138777"}
    )
    assert load_directory(warehouse_settings, make_folder(rows), lang="en").ok
    shown = set(external_view(warehouse_settings, "customers")["customer_id"])
    assert {"00001001", "1001"} <= shown


def test_a_missing_text_reference_names_the_source_id(warehouse_settings, make_folder, sample_rows):
    rows = rekeyed(sample_rows)
    rows["orders"][0]["customer_id"] = "00009999"
    result = load_directory(warehouse_settings, make_folder(rows), lang="en")
    assert not result.ok
    problem = next(p for p in result.problems if p.column == "customer_id")
    assert problem.file == "orders.csv" and problem.row == 2
    assert "00009999" in problem.reason


def test_a_referral_cycle_is_named_by_source_ids(warehouse_settings, make_folder, sample_rows):
    rows = rekeyed(sample_rows)
    rows["customers"][0]["referrer_id"] = rows["customers"][2]["customer_id"]
    result = load_directory(warehouse_settings, make_folder(rows), lang="en")
    assert not result.ok
    cycle = next(p for p in result.problems if p.code == "load.referral_cycle")
    assert "00001001" in cycle.reason and "oX3kT5uVwYz_8aBcDeFgHiJk" in cycle.reason


def test_an_id_longer_than_kept_is_refused(warehouse_settings, make_folder, sample_rows):
    rows = rekeyed(sample_rows)
    rows["customers"][1]["customer_id"] = "x" * (schema.EXTERNAL_ID_LENGTH + 1)
    result = load_directory(warehouse_settings, make_folder(rows), lang="zh")
    assert not result.ok
    assert any(p.code == "load.key_too_long" for p in result.problems)


def test_export_writes_source_ids_and_loads_back(
    warehouse_settings, make_folder, sample_rows, tmp_path, new_warehouse
):
    rows = rekeyed(sample_rows)
    assert load_directory(warehouse_settings, make_folder(rows), lang="en").ok
    out = tmp_path / "dump"
    export_tables(warehouse_settings, out)
    orders = pd.read_csv(out / "orders.csv", dtype=str, encoding="utf-8-sig")
    assert set(orders["order_id"]) == set(REKEY["orders"].values())
    targets = pd.read_csv(out / "scorecard_targets.csv", dtype=str, encoding="utf-8-sig")
    assert set(targets["scope_id"]) == {"0", "ZZ"}
    fresh = new_warehouse()
    again = load_directory(fresh, out, lang="en")
    assert again.ok, [p.reason for p in again.problems]
    for table in ("customers", "orders", "leads", "referral_rewards"):
        left = external_view(warehouse_settings, table).sort_values(schema.ENTITY_IDS[table])
        right = external_view(fresh, table).sort_values(schema.ENTITY_IDS[table])
        columns = list(key_columns(table))
        assert left[columns].astype(str).to_numpy().tolist() == (
            right[columns].astype(str).to_numpy().tolist()
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_key_message_in_both_languages(lang):
    from dashboard.i18n import t

    assert "64" in t("load.key_too_long", lang, value="x", limit=64)


def test_pages_and_exports_show_source_ids(
    warehouse_settings, make_folder, sample_rows, monkeypatch, tmp_path
):
    """The referrer ranking, the follow-up list and the detail export name records by the
    source's ids; a person looks a referrer up by typing that id."""
    from datetime import date, datetime

    from openpyxl import load_workbook

    from dashboard import data
    from dashboard.export.cover import ExportInfo
    from dashboard.export.detail import export_detail
    from dashboard.filters import Filters, Scope
    from dashboard.reports.referrers import load as referrers
    from dashboard.reports.referrers import tables as referrers_tables
    from tests.conftest import activate

    rows = rekeyed(sample_rows)
    assert load_directory(warehouse_settings, make_folder(rows), lang="en").ok
    activate(warehouse_settings, monkeypatch)
    try:
        january = Filters(date(2024, 1, 1), date(2024, 1, 31))
        report = referrers.load(january, Scope.all(), basis="arrived", personal=False)
        # Pandas over the raw rows: who referred a customer who first arrived in January.
        customers = pd.DataFrame(rows["customers"])
        arrived = customers[customers["first_visit_on"].str.startswith("2024-01")]
        expected = set(arrived["referrer_id"].replace("", None).dropna())
        assert set(report.ranking_ids) == expected and expected
        chosen = referrers.load(january, Scope.all(), referrer_id="00001001", personal=False)
        brought = set(customers.loc[customers["referrer_id"] == "00001001", "customer_id"])
        follow_up = chosen.network[chosen.network["depth"] == 1]
        assert set(follow_up["customer_no"]) == brought
        sheet = referrers_tables.sheets(chosen, "en")[2]
        assert set(sheet.frame["customer_no"]) == brought | set(
            customers.loc[customers["referrer_id"].isin(brought), "customer_id"]
        )
        info = ExportInfo(
            january, Scope.all(), "a@b.example", "admin", "en", None, datetime(2024, 2, 1), False
        )
        out = tmp_path / "orders.xlsx"
        export_detail("orders", info, out)
        sheet_rows = list(load_workbook(out).worksheets[1].iter_rows(min_row=2, values_only=True))
        raw_orders = pd.DataFrame(rows["orders"])
        assert sorted(r[0] for r in sheet_rows) == sorted(raw_orders["order_id"])
        assert sorted(r[8] for r in sheet_rows) == sorted(raw_orders["customer_id"])
        assert sorted(r[12] or "" for r in sheet_rows) == sorted(raw_orders["lead_id"])
    finally:
        data.settings.cache_clear()
        data.clear_cache()
