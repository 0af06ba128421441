"""References: to the folder's files first, then to the warehouse; and kept tables stay whole."""

from __future__ import annotations

from dashboard.loading import load_directory


def _found(result):
    return [(p.file, p.row, p.column, p.code) for p in result.problems]


def test_reference_to_a_row_added_in_the_same_load(loaded_settings, make_folder, sample_rows):
    new = {**sample_rows["customers"][0], "customer_id": "2001", "phone": "13900000000"}
    sample_rows["customers"].append(new)
    sample_rows["orders"][0]["customer_id"] = "2001"

    result = load_directory(loaded_settings, make_folder(sample_rows, ["customers", "orders"]))

    assert result.ok, _found(result)
    assert result.tables == {"customers": 6, "orders": 3}


def test_reference_into_an_empty_warehouse(warehouse_settings, make_folder, sample_rows):
    result = load_directory(warehouse_settings, make_folder(sample_rows, ["clinics"]), "en")

    assert _found(result) == [
        ("clinics.csv", row, "city_id", "load.dangling_nothing") for row in (2, 3, 4)
    ]
    assert result.problems[0].reason == (
        "city_id = 1 does not exist: the folder has no cities file and the warehouse has no "
        "cities data"
    )
    if warehouse_settings.is_duckdb:
        assert not warehouse_settings.duckdb_path.exists()


def test_dangling_reference_message_names_the_file(loaded_settings, make_folder, sample_rows):
    sample_rows["clinics"][2]["city_id"] = "99"
    result = load_directory(loaded_settings, make_folder(sample_rows, ["cities", "clinics"]), "zh")
    assert (
        result.problems[0].reason == "引用的 city_id = 99 在 cities.csv 中不存在（cities.city_id）"
    )


def test_replacing_a_table_must_not_orphan_kept_tables(
    loaded_settings, make_folder, sample_rows, unchanged
):
    # Customer 1004 has a lead, an order and feedback in the warehouse; the new customers
    # file drops them, and those tables are not part of the load.
    sample_rows["customers"] = [r for r in sample_rows["customers"] if r["customer_id"] != "1004"]
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, make_folder(sample_rows, ["customers"]), "en")

    assert _found(result) == [
        ("customers.csv", None, "customer_id", "load.orphaned_existing"),
        ("customers.csv", None, "customer_id", "load.orphaned_existing"),
        ("customers.csv", None, "customer_id", "load.orphaned_existing"),
    ]
    children = [dict(p.params)["child"] for p in result.problems]
    assert children == ["leads", "orders", "feedback"]
    assert "customer_id = 1004" in result.problems[0].reason
    check()


def test_replacing_the_referring_tables_too_is_fine(loaded_settings, make_folder, sample_rows):
    keep = [r for r in sample_rows["customers"] if r["customer_id"] != "1004"]
    sample_rows["customers"] = keep
    for table in ("leads", "orders", "feedback"):
        sample_rows[table] = [r for r in sample_rows[table] if r["customer_id"] != "1004"]
    sample_rows["orders"] = [r for r in sample_rows["orders"] if r["lead_id"] != "4"]

    result = load_directory(
        loaded_settings, make_folder(sample_rows, ["customers", "leads", "orders", "feedback"])
    )

    assert result.ok, _found(result)


def test_unknown_experiment_is_reported_once(loaded_settings, make_folder, sample_rows):
    sample_rows["experiment_exposures"][0]["experiment_id"] = "7"
    result = load_directory(loaded_settings, make_folder(sample_rows, ["experiment_exposures"]))
    assert _found(result) == [
        ("experiment_exposures.csv", 2, "experiment_id", "load.dangling_existing")
    ]


def test_variant_checked_against_incoming_variants(loaded_settings, make_folder, sample_rows):
    sample_rows["experiment_variants"][1]["variant_code"] = "C"
    result = load_directory(
        loaded_settings, make_folder(sample_rows, ["experiment_variants", "experiment_exposures"])
    )
    assert _found(result) == [
        ("experiment_exposures.csv", row, "experiment_id, variant_code", "load.dangling_incoming")
        for row in (3, 4)
    ]


def test_refused_parent_file_does_not_fall_back_to_the_warehouse(
    loaded_settings, make_folder, sample_rows
):
    folder = make_folder(sample_rows, ["clinics"])
    (folder / "cities.xls").write_bytes(b"old excel")
    result = load_directory(loaded_settings, folder)
    assert _found(result) == [("cities.xls", None, None, "load.unsupported_format")]


def test_scorecard_scope_resolves_against_cities(loaded_settings, make_folder, sample_rows):
    sample_rows["scorecard_targets"][1]["scope_id"] = "9"
    result = load_directory(loaded_settings, make_folder(sample_rows, ["scorecard_targets"]))
    assert _found(result) == [("scorecard_targets.csv", 3, "scope_id", "load.unknown_scope")]
