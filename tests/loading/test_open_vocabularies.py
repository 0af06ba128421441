"""Open vocabularies: channel kinds, order categories and specialties take the chain's own codes,
with optional labels in both languages; the reserved codes keep their meaning (both backends)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import labels, schema
from dashboard.loading import load_directory

NEW_KINDS = ("email", "display", "organic_search", "mini_program_ads")


def _new_vocabularies(rows) -> None:
    """Channels of new kinds (two with labels), new categories, a new specialty ``ent``."""
    base = rows["channels"][0]
    for i, kind in enumerate(NEW_KINDS):
        rows["channels"].append(
            {
                **base,
                "channel_id": str(10 + i),
                "code": f"c{i}",
                "name_zh": f"渠道{i}",
                "name_en": f"Channel {i}",
                "kind": kind,
            }
        )
    for row in rows["channels"]:
        row["kind_zh"], row["kind_en"] = "", ""
    rows["channels"][-1].update(kind_zh="小程序广告", kind_en="Mini-program ads")
    rows["channels"][-2].update(kind_zh="自然搜索", kind_en="Organic search")
    for row in rows["orders"]:
        row["category_zh"], row["category_en"] = "", ""
    rows["orders"][0].update(
        category="dental_implant", category_zh="种植牙", category_en="Implants"
    )
    rows["orders"][1]["category"] = "激光美肤"  # a chain's own code in Chinese, no labels
    for row in rows["clinics"]:
        row["specialty_zh"], row["specialty_en"] = "", ""
    rows["clinics"][1].update(specialty="ent", specialty_zh="耳鼻喉科", specialty_en="ENT")


LABELS = {label for labels in schema.OPEN_VOCABULARIES.values() for label in labels}


def _label_warnings(result) -> list:
    """Warnings about left-out label columns (the sample's leads leave out appointment_at,
    which warns for its own reason)."""
    return [w for w in result.warnings if w.code.startswith("load.omitted") and w.column in LABELS]


def test_new_codes_load_with_their_labels(
    sample_rows, make_folder, warehouse_settings, read_tables
):
    _new_vocabularies(sample_rows)
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    # Label columns given or not: no warning about them.
    assert not _label_warnings(result)
    got = read_tables(warehouse_settings, ["channels", "orders", "clinics"])
    channels = got["channels"].set_index("code")
    assert set(NEW_KINDS) <= set(channels["kind"])
    assert channels.loc["c3", "kind_zh"] == "小程序广告"
    assert pd.isna(channels.loc["c0", "kind_en"])
    orders = got["orders"].set_index("order_id")
    assert orders.loc[501, "category"] == "dental_implant"
    assert orders.loc[502, "category"] == "激光美肤"
    clinics = got["clinics"].set_index("clinic_id")
    assert clinics.loc[11, ["specialty", "specialty_en"]].tolist() == ["ent", "ENT"]


def test_files_without_label_columns_load(sample_rows, make_folder, warehouse_settings):
    sample_rows["channels"][0]["kind"] = "email"
    sample_rows["clinics"][0]["specialty"] = "ent"
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    assert not _label_warnings(result)


@pytest.mark.parametrize(
    ("table", "column", "length"),
    [("channels", "kind", 20), ("orders", "category", 20), ("clinics", "specialty", 12)],
)
def test_codes_keep_their_declared_length(
    sample_rows, make_folder, warehouse_settings, table, column, length
):
    assert schema.table(table).c[column].type.length == length
    sample_rows[table][0][column] = "x" * (length + 1)
    sample_rows[table][1][column] = "  " + "y" * length + " "  # trimmed, then fits
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert not result.ok
    assert [(p.file, p.row, p.column, p.code) for p in result.problems] == [
        (f"{table}.csv", 2, column, "load.too_long")
    ]


def test_empty_code_is_refused(sample_rows, make_folder, warehouse_settings):
    sample_rows["channels"][0]["kind"] = "  "
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert [(p.file, p.row, p.column, p.code) for p in result.problems] == [
        ("channels.csv", 2, "kind", "load.required")
    ]


def test_a_second_referral_channel_is_refused(sample_rows, make_folder, warehouse_settings):
    # 'referral' is reserved: every reward is its channel's cost, twice with two channels.
    sample_rows["channels"][2]["kind"] = "referral"
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="zh")
    assert not result.ok
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column, problem.code) == (
        "channels.csv",
        4,
        "kind",
        "load.second_referral_channel",
    )
    assert "3" in problem.reason_in("en") and "referral" in problem.reason


def test_closed_vocabularies_stay_closed(sample_rows, make_folder, warehouse_settings):
    sample_rows["channels"][0]["tier"] = "gold"
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert [(p.column, p.code) for p in result.problems] == [("tier", "load.bad_enum")]


def test_open_and_closed_vocabularies_are_declared_apart():
    open_ = set(schema.OPEN_VOCABULARIES)
    assert open_ == {("channels", "kind"), ("orders", "category"), ("clinics", "specialty")}
    assert not open_ & set(schema.ENUMS)
    assert schema.RESERVED_CODES[("channels", "kind")] == ("referral", "wechat")


def test_labels_fall_back_from_loaded_to_catalogue_to_code():
    assert labels.code_label("kind", "email", "en", "E-mail") == "E-mail"
    assert labels.code_label("kind", "search", "zh") == "搜索广告"  # the sample's code
    assert labels.code_label("kind", "organic_search", "zh") == "organic_search"
    assert labels.code_label("category", "implant", "en") != "implant"
    assert labels.code_label("specialty", "ent", "en", None) == "ent"
    assert labels.code_label("specialty", "ent", "en", float("nan")) == "ent"
    frame = pd.DataFrame(
        {"specialty": ["eye", "ent", "ent"], "specialty_zh": [None, "耳鼻喉科", "耳鼻喉科"]}
    )
    assert labels.labels_in(frame, "specialty", "zh") == ["眼科", "耳鼻喉科", "耳鼻喉科"]
    assert labels.labels_in(frame, "specialty", "en")[1] == "ent"


def test_unknown_specialties_get_their_own_colours():
    colours = labels.specialty_colors(["eye", "ent", "pediatrics", "dental"])
    assert colours["eye"][0] == labels.SPECIALTY_COLORS["eye"]
    assert colours["ent"][0] != colours["pediatrics"][0]
    assert colours["ent"][0] not in labels.SPECIALTY_COLORS.values()
    assert labels.ordered_codes(["ent", "eye", "dental"]) == ["eye", "dental", "ent"]
