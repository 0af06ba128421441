"""Checks in append and upsert mode run on the merged table: kept warehouse rows plus incoming rows.

A small chain (the sample, with customers and orders keyed by text ids as HIS and order
systems write them, and one experiment metric with its outcomes) is loaded in replace mode;
a second folder is then validated in append or upsert mode through
``dashboard.loading.validate.validate``. Every expected problem is worked out from the raw
rows of both folders.
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest
import sqlalchemy as sa

from dashboard import schema
from dashboard.loading import existing as existing_module
from dashboard.loading import load_directory
from dashboard.loading.existing import ExistingWarehouse
from dashboard.loading.keys import key_columns
from dashboard.loading.problems import Problems
from dashboard.loading.reading import read_table
from dashboard.loading.tables import build_table
from dashboard.loading.validate import validate
from dashboard.loading.values import warehouse_timezone

# Source ids of the text-keyed entities; customer 1005 stays a plain number (its own integer).
TEXT_IDS = {
    "customers": {
        "1001": "00001001",
        "1002": "HIS-1002",
        "1003": "HIS-1003",
        "1004": "HIS-1004",
    },
    "orders": {"501": "DD20240102-0001", "502": "DD20240105-0001", "503": "DD20240106-0001"},
}
METRIC = "retention_d7"


def _rekeyed(sample_rows):
    rows = copy.deepcopy(sample_rows)
    for table, table_rows in rows.items():
        for column, entity in key_columns(table).items():
            for row in table_rows:
                if entity in TEXT_IDS and row.get(column):
                    row[column] = TEXT_IDS[entity].get(row[column], row[column])
    rows["experiment_metrics"] = [
        {
            "experiment_id": "1",
            "metric_code": METRIC,
            "name_zh": "7日留存率",
            "name_en": "Day-7 retention",
            "kind": "proportion",
        }
    ]
    rows["experiment_outcomes"] = [
        {"experiment_id": "1", "unit_id": "v-001", "metric_code": METRIC, "value": "1"},
        {"experiment_id": "1", "unit_id": "v-002", "metric_code": METRIC, "value": "0"},
    ]
    return rows


@pytest.fixture
def base(warehouse_settings, make_folder, sample_rows):
    """A warehouse loaded (replace mode) with the chain; returns (settings, its raw rows)."""
    rows = _rekeyed(sample_rows)
    result = load_directory(warehouse_settings, make_folder(rows), lang="en")
    assert result.ok, [(p.file, p.row, p.reason) for p in result.problems]
    return warehouse_settings, rows


@pytest.fixture
def check(make_folder):
    """``check(settings, rows, mode)``: the problems of validating ``rows`` in ``mode``."""

    def run(settings, rows, mode) -> Problems:
        folder = make_folder(rows)
        problems, warnings = Problems("en"), Problems("en")
        incoming = {}
        with warehouse_timezone(settings.timezone):
            for table in schema.TABLE_ORDER:
                path = folder / f"{table}.csv"
                if path.exists():
                    incoming[table] = build_table(read_table(table, path), problems, warnings)
        assert not problems, [p.reason for p in problems.listed]
        with ExistingWarehouse(settings) as existing:
            validate(incoming, set(), existing, problems, mode)
        return problems

    return run


def found(problems: Problems) -> list[tuple]:
    # File-level problems (row None) sort first.
    return sorted(
        ((p.file, p.row, p.code) for p in problems.listed), key=lambda f: (f[0], f[1] or 0, f[2])
    )


def like(rows, table: str, index: int, **changes) -> dict[str, str]:
    """A copy of one raw row of the chain with some cells changed."""
    return {**rows[table][index], **changes}


def pk_of(table: str) -> list[str]:
    return [c.name for c in schema.table(table).primary_key.columns]


def rows_where(new, table: str, test) -> list[int]:
    """Spreadsheet rows (header = 1) of the incoming ``table`` rows that pass ``test``."""
    return [i + 2 for i, row in enumerate(new[table]) if test(row)]


def read(settings, sql: str) -> pd.DataFrame:
    engine = sa.create_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            return pd.read_sql(sql, conn)
    finally:
        engine.dispose()


def _with_existing_keys(settings, rows):
    """New rows of a few tables, some with keys the warehouse holds (entity ids, and
    composite keys with dates, codes and the scorecard's scope)."""
    # An integer that a text id holds: written as a plain number it is a new customer.
    taken = read(settings, "select internal_id from key_map where table_name = 'customers'")
    held = str(int(taken["internal_id"].min()))
    return {
        "customers": [
            like(rows, "customers", 4),  # 1005, a plain number already loaded
            like(rows, "customers", 4, customer_id="01005"),  # not the same id as 1005
            like(rows, "customers", 4, customer_id=held),
        ],
        "leads": [
            like(rows, "leads", 0),  # lead 1, an integer id already loaded
            like(rows, "leads", 2, lead_id="5"),
        ],
        "orders": [
            like(rows, "orders", 0),  # a text id already loaded
            like(rows, "orders", 2, order_id="DD20240201-0001"),
        ],
        "channel_daily": [
            like(rows, "channel_daily", 0, date="2024-01-03"),
            like(rows, "channel_daily", 1),  # (date, channel, clinic) already loaded
        ],
        "experiment_variants": [like(rows, "experiment_variants", 1, name_en="B again")],
        "scorecard_targets": [
            like(rows, "scorecard_targets", 0, target="500"),
            like(rows, "scorecard_targets", 1, period_start="2024-02-01", period_end="2024-02-29"),
        ],
    }


@pytest.mark.parametrize("chunk", [existing_module.CHUNK, 1])
def test_append_refuses_keys_the_warehouse_holds(base, check, chunk, monkeypatch):
    settings, rows = base
    # chunk 1: every warehouse look-up is split into one query per value.
    monkeypatch.setattr(existing_module, "CHUNK", chunk)
    new = _with_existing_keys(settings, rows)

    problems = check(settings, new, "append")

    expected = []
    for table in new:
        pk = pk_of(table)
        loaded = {tuple(r[c] for c in pk) for r in rows[table]}
        expected += [
            (f"{table}.csv", row, "load.key_exists")
            for row in rows_where(
                new, table, lambda r, pk=pk, loaded=loaded: tuple(r[c] for c in pk) in loaded
            )
        ]
    assert len(expected) == 6
    assert found(problems) == sorted(expected)
    order = next(p for p in problems.listed if p.file == "orders.csv")
    assert order.reason == (
        f"order_id = {rows['orders'][0]['order_id']} is already in the warehouse: an append only "
        "adds new rows. Load with --upsert to replace that row"
    )


def test_upsert_replaces_the_same_rows(base, check):
    settings, rows = base
    assert found(check(settings, _with_existing_keys(settings, rows), "upsert")) == []


def test_references_resolve_against_kept_and_incoming_rows(base, check):
    settings, rows = base
    new = {
        "customers": [like(rows, "customers", 3, customer_id="HIS-2001", referrer_id="")],
        "orders": [
            # customer only in the warehouse, lead only in the warehouse (no leads file)
            like(rows, "orders", 1, order_id="DD20240301-0001"),
            like(rows, "orders", 1, order_id="DD20240301-0002", customer_id="HIS-2001"),
            like(rows, "orders", 1, order_id="DD20240301-0003", customer_id="HIS-9999"),
        ],
        "experiment_exposures": [
            like(rows, "experiment_exposures", 0, exposure_id="4", unit_id="v-004"),
        ],
        "experiment_outcomes": [
            like(rows, "experiment_outcomes", 0, unit_id="v-003"),  # a kept exposure
            like(rows, "experiment_outcomes", 0, unit_id="v-004"),  # the incoming one
            like(rows, "experiment_outcomes", 0, unit_id="v-404"),  # neither
        ],
    }
    customers = {r["customer_id"] for r in rows["customers"] + new["customers"]}
    units = {
        (r["experiment_id"], r["unit_id"])
        for r in rows["experiment_exposures"] + new["experiment_exposures"]
    }
    expected = [
        ("orders.csv", row, "load.dangling_merged")
        for row in rows_where(new, "orders", lambda r: r["customer_id"] not in customers)
    ] + [
        ("experiment_outcomes.csv", row, "load.dangling_merged")
        for row in rows_where(
            new, "experiment_outcomes", lambda r: (r["experiment_id"], r["unit_id"]) not in units
        )
    ]
    assert len(expected) == 2

    for mode in ("append", "upsert"):
        problems = check(settings, new, mode)
        assert found(problems) == sorted(expected), mode
    reasons = {p.file: p.reason for p in problems.listed}
    assert reasons["orders.csv"] == (
        "customer_id = HIS-9999 exists neither in customers.csv nor in the warehouse's "
        "customers table (customers.customer_id)"
    )
    # Replace mode: the customers file is the whole table, so a kept-only customer dangles.
    replaced = found(check(settings, new, "replace"))
    assert ("orders.csv", 2, "load.dangling_incoming") in replaced


def _cycles(rows, new) -> list[tuple[int, str, int]]:
    """Referral cycles of the merged customers through an incoming row: (row, chain, size)."""
    referrer = {r["customer_id"]: r["referrer_id"] for r in rows["customers"]}
    incoming = {r["customer_id"]: i + 2 for i, r in enumerate(new["customers"])}
    referrer.update({r["customer_id"]: r["referrer_id"] for r in new["customers"]})
    out = []
    for start, row in incoming.items():
        path, node = [start], referrer.get(start)
        while node and node not in path:
            path.append(node)
            node = referrer.get(node)
        if node != start:
            continue
        if min(incoming.get(c, 10**9) for c in path) == row:  # the first incoming row on it
            out.append((row, " → ".join([*path, start]), len(path)))
    return out


@pytest.mark.parametrize("referrer", ["HIS-1002", "HIS-1003"])
def test_referral_cycle_through_kept_customers(base, check, referrer):
    settings, rows = base
    # 00001001 referred HIS-1002, who referred HIS-1003: 00001001 now says it was referred
    # by one of them, closing a cycle through kept customers only.
    new = {
        "customers": [
            like(rows, "customers", 3, customer_id="HIS-2001", referrer_id="HIS-1003"),
            like(rows, "customers", 0, referrer_id=referrer),
        ]
    }
    cycles = _cycles(rows, new)
    assert len(cycles) == 1

    problems = check(settings, new, "upsert")

    assert found(problems) == [("customers.csv", cycles[0][0], "load.referral_cycle")]
    row, chain, size = cycles[0]
    assert problems.listed[0].reason == f"Referrals form a cycle ({size} customers): {chain}"
    # Appending a customer referred by a kept one closes nothing.
    assert found(check(settings, {"customers": new["customers"][:1]}, "append")) == []


def test_variant_shares_count_kept_variants(base, check):
    settings, rows = base
    kept = pd.DataFrame(rows["experiment_variants"])

    def total(new_rows):
        merged = pd.concat([kept, pd.DataFrame(new_rows)]).drop_duplicates(
            subset=["experiment_id", "variant_code"], keep="last"
        )
        return merged["planned_share"].astype(float).sum()

    added = [like(rows, "experiment_variants", 1, variant_code="C", planned_share="0.2")]
    problems = check(settings, {"experiment_variants": added}, "append")
    assert found(problems) == [("experiment_variants.csv", 2, "load.shares_not_one")]
    assert dict(problems.listed[0].params)["total"] == f"{total(added):.4g}"

    # B cut to 0.3 and C added at 0.2: 0.5 in the file, 1 with the kept control A.
    reshaped = [
        like(rows, "experiment_variants", 1, planned_share="0.3"),
        like(rows, "experiment_variants", 1, variant_code="C", planned_share="0.2"),
    ]
    assert abs(total(reshaped) - 1) < 1e-9
    assert found(check(settings, {"experiment_variants": reshaped}, "upsert")) == []
    assert ("experiment_variants.csv", 2, "load.shares_not_one") in found(
        check(settings, {"experiment_variants": reshaped}, "replace")
    )

    second_control = [
        like(rows, "experiment_variants", 0, variant_code="C", planned_share="0"),
    ]
    controls = sum(r["is_control"] == "true" for r in rows["experiment_variants"]) + 1
    problems = check(settings, {"experiment_variants": second_control}, "append")
    assert found(problems) == [("experiment_variants.csv", 2, "load.control_count")]
    assert dict(problems.listed[0].params)["count"] == controls


def test_second_referral_channel(base, check):
    settings, rows = base
    referral = next(i for i, r in enumerate(rows["channels"]) if r["kind"] == "referral")
    added = [like(rows, "channels", referral, channel_id="4", code="wechat_referral")]

    problems = check(settings, {"channels": added}, "append")

    assert found(problems) == [("channels.csv", 2, "load.referral_channel_kept")]
    assert f"“{rows['channels'][referral]['code']}”" in problems.listed[0].reason
    # The referral channel itself, upserted; or its kind moved to the new channel.
    renamed = [like(rows, "channels", referral, name_en="Referrals")]
    assert found(check(settings, {"channels": renamed}, "upsert")) == []
    moved = [like(rows, "channels", referral, kind="wechat"), *added]
    assert found(check(settings, {"channels": moved}, "upsert")) == []


def test_unique_columns_against_kept_rows(base, check):
    settings, rows = base
    channels = rows["channels"]
    owner = {r["code"]: r["channel_id"] for r in channels}

    copied = [like(rows, "channels", 0, channel_id="4")]  # code douyin again
    problems = check(settings, {"channels": copied}, "append")
    assert found(problems) == [("channels.csv", 2, "load.key_in_warehouse")]
    assert dict(problems.listed[0].params)["other"] == f"channel_id = {owner['douyin']}"

    taken = [like(rows, "channels", 0, code=channels[2]["code"])]
    problems = check(settings, {"channels": taken}, "upsert")
    assert found(problems) == [("channels.csv", 2, "load.key_in_warehouse")]
    assert dict(problems.listed[0].params)["other"] == (
        f"channel_id = {owner[channels[2]['code']]}"
    )

    # Two channels swap codes: neither code is held by a kept row.
    swapped = [
        like(rows, "channels", 0, code=channels[2]["code"]),
        like(rows, "channels", 2, code=channels[0]["code"]),
    ]
    assert found(check(settings, {"channels": swapped}, "upsert")) == []

    exposures = rows["experiment_exposures"]
    again = [like(rows, "experiment_exposures", 0, exposure_id="4", unit_id="v-002")]
    problems = check(settings, {"experiment_exposures": again}, "append")
    assert found(problems) == [("experiment_exposures.csv", 2, "load.unit_in_warehouse")]
    holder = next(r["exposure_id"] for r in exposures if r["unit_id"] == "v-002")
    assert dict(problems.listed[0].params)["other"] == f"exposure_id = {holder}"


def test_upsert_must_not_move_a_unit_kept_outcomes_refer_to(base, check):
    settings, rows = base
    outcomes = pd.DataFrame(rows["experiment_outcomes"])
    moved = [like(rows, "experiment_exposures", 0, unit_id="v-009")]
    old = rows["experiment_exposures"][0]
    count = int(
        (
            (outcomes["experiment_id"] == old["experiment_id"])
            & (outcomes["unit_id"] == old["unit_id"])
        ).sum()
    )
    assert count > 0

    problems = check(settings, {"experiment_exposures": moved}, "upsert")

    assert found(problems) == [("experiment_exposures.csv", 2, "load.moves_referenced")]
    params = dict(problems.listed[0].params)
    assert params["count"] == count
    assert params["ref"] == f"experiment_id = 1, unit_id = {old['unit_id']}"
    assert params["new"] == "experiment_id = 1, unit_id = v-009"

    # Units swapped between two exposures, or a unit taken over by another exposure, or
    # another column changed: every unit an outcome names is still exposed.
    swapped = [
        like(rows, "experiment_exposures", 0, unit_id="v-002"),
        like(rows, "experiment_exposures", 1, unit_id="v-001"),
    ]
    taken_over = [moved[0], like(rows, "experiment_exposures", 2, unit_id="v-001")]
    converted = [like(rows, "experiment_exposures", 0, converted="true")]
    for new in (swapped, taken_over, converted):
        assert found(check(settings, {"experiment_exposures": new}, "upsert")) == []


def test_proportion_outcomes_use_kept_metric_kinds(base, check):
    settings, rows = base
    new = {
        "experiment_metrics": [
            like(rows, "experiment_metrics", 0, metric_code="spend_30d", kind="mean"),
        ],
        "experiment_outcomes": [
            like(rows, "experiment_outcomes", 0, unit_id="v-003", value="0.5"),
            like(
                rows,
                "experiment_outcomes",
                0,
                unit_id="v-003",
                metric_code="spend_30d",
                value="0.5",
            ),
        ],
    }
    kinds = {
        r["metric_code"]: r["kind"] for r in rows["experiment_metrics"] + new["experiment_metrics"]
    }
    expected = [
        ("experiment_outcomes.csv", row, "load.outcome_not_binary")
        for row in rows_where(
            new,
            "experiment_outcomes",
            lambda r: kinds[r["metric_code"]] == "proportion" and r["value"] not in ("0", "1"),
        )
    ]
    assert len(expected) == 1
    assert found(check(settings, new, "append")) == expected


def test_scorecard_scope_in_kept_or_incoming_cities(base, check):
    settings, rows = base
    city = next(i for i, r in enumerate(rows["scorecard_targets"]) if r["scope_kind"] == "city")
    feb = {"period_start": "2024-02-01", "period_end": "2024-02-29"}
    new = {
        "cities": [like(rows, "cities", 0, city_id="3", name_en="Luoyang")],
        "scorecard_targets": [
            like(rows, "scorecard_targets", city, scope_id=scope, **feb)
            for scope in ("1", "3", "9")
        ],
    }
    cities = {r["city_id"] for r in rows["cities"] + new["cities"]}
    expected = [
        ("scorecard_targets.csv", row, "load.unknown_scope")
        for row in rows_where(new, "scorecard_targets", lambda r: r["scope_id"] not in cities)
    ]
    assert found(check(settings, new, "append")) == expected
