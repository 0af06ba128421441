"""Optional fields: what a source system may not have loads as null, with a warning naming the
pages that show less; other optional columns stay refused when left out (both backends)."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import schema
from dashboard.loading import load_directory

CUSTOMER_PERSONAL = ("name", "phone", "gender", "birth_year")


def _drop(rows: list[dict[str, str]], *columns: str) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k not in columns} for row in rows]


def _warned(result, code: str) -> list:
    return [w for w in result.warnings if w.code == code]


def test_customers_without_personal_columns_load_as_null(
    sample_rows, make_folder, warehouse_settings, read_tables
):
    sample_rows["customers"] = _drop(sample_rows["customers"], *CUSTOMER_PERSONAL)
    # Two customers without home coordinates (empty cells, the columns are there).
    for row in sample_rows["customers"][3:]:
        row["home_lat"] = row["home_lon"] = ""
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    for col in CUSTOMER_PERSONAL:
        (warning,) = _warned(result, f"load.omitted.customers.{col}")
        assert warning.file == "customers.csv" and warning.column == col
        # The warning reads in both languages and names what degrades.
        assert warning.reason_in("zh") and warning.reason_in("en")
    home = _warned(result, "load.omitted.customers.name")[0]
    assert "detail exports" in home.reason_in("en")
    got = read_tables(warehouse_settings, ["customers"])["customers"]
    assert got[list(CUSTOMER_PERSONAL)].isna().all().all()
    want_homeless = [int(r["customer_id"]) for r in sample_rows["customers"] if not r["home_lat"]]
    assert sorted(got.loc[got["home_lat"].isna(), "customer_id"].astype(int)) == want_homeless
    assert got["home_lon"].isna().sum() == len(want_homeless)


def test_gender_words_of_source_systems(sample_rows, make_folder, warehouse_settings, read_tables):
    words = ["男", "女", "未知", "U", "unknown"]
    for row, word in zip(sample_rows["customers"], words, strict=True):
        row["gender"] = word
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    got = read_tables(warehouse_settings, ["customers"])["customers"]
    genders = got.sort_values("customer_id")["gender"].tolist()
    assert genders[:2] == ["M", "F"] and all(pd.isna(g) for g in genders[2:])


def test_other_gender_text_is_still_refused(sample_rows, make_folder, warehouse_settings):
    sample_rows["customers"][0]["gender"] = "X"
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert not result.ok
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column, problem.code) == (
        "customers.csv",
        2,
        "gender",
        "load.bad_enum",
    )


def test_clinics_without_doctors_or_coordinates(
    sample_rows, make_folder, warehouse_settings, read_tables
):
    sample_rows["clinics"] = _drop(sample_rows["clinics"], "doctors", "lat", "lon")
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="zh")
    assert result.ok, [p.reason for p in result.problems]
    codes = {w.code for w in result.warnings}
    assert {f"load.omitted.clinics.{c}" for c in ("doctors", "lat", "lon")} <= codes
    doctors = _warned(result, "load.omitted.clinics.doctors")[0]
    assert "流量诊断" in doctors.reason and "traffic diagnosis" in doctors.reason_in("en")
    got = read_tables(warehouse_settings, ["clinics"])["clinics"]
    assert got[["doctors", "lat", "lon"]].isna().all().all()
    assert got["staff"].notna().all()  # staff is not omissible


def test_exposures_without_value_or_clinic(
    sample_rows, make_folder, warehouse_settings, read_tables
):
    sample_rows["experiment_exposures"] = _drop(
        sample_rows["experiment_exposures"], "value", "clinic_id"
    )
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert result.ok, [p.reason for p in result.problems]
    assert _warned(result, "load.omitted.experiment_exposures.clinic_id")
    assert "city-scoped viewers" in _warned(result, "load.omitted.experiment_exposures.clinic_id")[
        0
    ].reason_in("en")
    got = read_tables(warehouse_settings, ["experiment_exposures"])["experiment_exposures"]
    assert len(got) == 3 and got[["value", "clinic_id"]].isna().all().all()


@pytest.mark.parametrize(
    ("table", "column"),
    [("customers", "referrer_id"), ("leads", "inquiry_at"), ("leads", "customer_id")],
)
def test_other_optional_columns_stay_refused_when_absent(
    sample_rows, make_folder, warehouse_settings, table, column
):
    assert (table, column) not in schema.OMISSIBLE
    sample_rows[table] = _drop(sample_rows[table], column)
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert not result.ok
    assert [(p.file, p.column, p.code) for p in result.problems] == [
        (f"{table}.csv", column, "load.missing_optional_column")
    ]


def test_required_columns_stay_required(sample_rows, make_folder, warehouse_settings):
    sample_rows["clinics"] = _drop(sample_rows["clinics"], "staff")
    sample_rows["customers"][1]["home_city_id"] = ""
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert not result.ok
    assert {(p.file, p.column, p.code) for p in result.problems} == {
        ("clinics.csv", "staff", "load.missing_column"),
        ("customers.csv", "home_city_id", "load.required"),
    }


@pytest.mark.parametrize(
    ("table", "lat", "lon"), [("customers", "home_lat", "home_lon"), ("clinics", "lat", "lon")]
)
def test_half_a_coordinate_pair_is_refused(
    sample_rows, make_folder, loaded_settings, unchanged, table, lat, lon
):
    sample_rows[table][1][lon] = ""
    check = unchanged(loaded_settings)
    result = load_directory(loaded_settings, make_folder(sample_rows), lang="zh")
    assert not result.ok
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column, problem.code) == (
        f"{table}.csv",
        3,
        f"{lat}, {lon}",
        "load.pair.coordinates",
    )
    check()


def test_a_file_with_only_a_latitude_column_is_refused_row_by_row(
    sample_rows, make_folder, warehouse_settings
):
    sample_rows["clinics"] = _drop(sample_rows["clinics"], "lon")
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert not result.ok
    assert sorted(p.row for p in result.problems if p.code == "load.pair.coordinates") == [2, 3, 4]
