"""Broken files: each gives its own message at the right row and column, and changes nothing."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.loading import format_report, load_directory


def _drop_column(table, column):
    def edit(rows):
        for row in rows[table]:
            del row[column]

    return edit


def _add_column(table, column, value):
    def edit(rows):
        for row in rows[table]:
            row[column] = value

    return edit


def _set(table, index, **values):
    def edit(rows):
        rows[table][index].update(values)

    return edit


def _append(table, **values):
    def edit(rows):
        rows[table].append({**rows[table][0], **values})

    return edit


# (id, tables in the folder, edit, expected (file, row, column, code)). Row 2 is the first
# data row (the header is row 1); None where the problem is not in one row.
CASES = [
    (
        "missing_column",
        ["orders"],
        _drop_column("orders", "amount"),
        ("orders.csv", None, "amount", "load.missing_column"),
    ),
    (
        # A replacing load without an optional column would empty it (every referral link).
        "missing_optional_column",
        ["customers"],
        _drop_column("customers", "referrer_id"),
        ("customers.csv", None, "referrer_id", "load.missing_optional_column"),
    ),
    (
        # One order typed as 2099 would move "data as of" and blank every default view.
        "future_order",
        ["orders"],
        _set("orders", 1, ordered_at="2099-12-31 10:00"),
        ("orders.csv", 3, "ordered_at", "load.future"),
    ),
    (
        "future_expense_day",
        ["expenses"],
        _set("expenses", 1, date="2099-01-02"),
        ("expenses.csv", 3, "date", "load.future"),
    ),
    (
        # A unit seen twice in one experiment (a page-view log, or two variants after a deploy).
        "unit_exposed_twice",
        ["experiment_exposures"],
        _set("experiment_exposures", 2, unit_id="v-002"),
        ("experiment_exposures.csv", 4, "experiment_id, unit_id", "load.duplicate_unit"),
    ),
    (
        "extra_column",
        ["orders"],
        _add_column("orders", "discount", "0"),
        ("orders.csv", 1, "discount", "load.unknown_column"),
    ),
    (
        "bad_date",
        ["expenses"],
        _set("expenses", 1, date="2024-13-01"),
        ("expenses.csv", 3, "date", "load.impossible_date"),
    ),
    (
        # Day-first or month-first: never guessed without the file's declared order.
        "date_ambiguous_order",
        ["expenses"],
        _set("expenses", 0, date="03.01.2024"),
        ("expenses.csv", 2, "date", "load.ambiguous_date"),
    ),
    (
        "date_wrong_format",
        ["expenses"],
        _set("expenses", 0, date="3 Jan 2024"),
        ("expenses.csv", 2, "date", "load.bad_date"),
    ),
    (
        "bad_timestamp",
        ["orders"],
        _set("orders", 2, ordered_at="yesterday"),
        ("orders.csv", 4, "ordered_at", "load.bad_datetime"),
    ),
    (
        "bad_number",
        ["orders"],
        _set("orders", 0, amount="12,34.5"),
        ("orders.csv", 2, "amount", "load.bad_decimal"),
    ),
    (
        "bad_integer",
        ["clinics"],
        _set("clinics", 1, doctors="three"),
        ("clinics.csv", 3, "doctors", "load.bad_integer"),
    ),
    (
        "bad_boolean",
        ["leads"],
        _set("leads", 0, is_returning="maybe"),
        ("leads.csv", 2, "is_returning", "load.bad_bool"),
    ),
    (
        # More decimals are rounded to the fen (a warning); a sum this large cannot be kept.
        "money_too_large",
        ["orders"],
        _set("orders", 1, amount="1234567890123.005"),
        ("orders.csv", 3, "amount", "load.decimal_too_large"),
    ),
    (
        "negative_money",
        ["orders"],
        _set("orders", 1, amount="-20.00"),
        ("orders.csv", 3, "amount", "load.negative"),
    ),
    (
        "negative_count",
        ["channel_daily"],
        _set("channel_daily", 0, impressions="-1", clicks="0"),
        ("channel_daily.csv", 2, "impressions", "load.negative"),
    ),
    (
        "required_value_empty",
        ["customers"],
        _set("customers", 3, home_city_id=""),
        ("customers.csv", 5, "home_city_id", "load.required"),
    ),
    (
        "duplicate_key",
        ["orders"],
        _append("orders"),
        ("orders.csv", 5, "order_id", "load.duplicate_key"),
    ),
    (
        "duplicate_composite_key",
        ["channel_daily"],
        _append("channel_daily", spend="1.00"),
        ("channel_daily.csv", 5, "date, channel_id, clinic_id", "load.duplicate_key"),
    ),
    (
        "duplicate_unique_code",
        ["channels"],
        _set("channels", 2, code="douyin"),
        ("channels.csv", 4, "code", "load.duplicate_key"),
    ),
    (
        "calendar_date_twice",
        ["calendar"],
        _append("calendar"),
        ("calendar.csv", 4, "date", "load.duplicate_key"),
    ),
    (
        "bad_enum",
        ["channels"],
        _set("channels", 0, tier="Core"),  # specialties and kinds are open; tiers are not
        ("channels.csv", 2, "tier", "load.bad_enum"),
    ),
    (
        "text_too_long",
        ["customers"],
        _set("customers", 0, gender="FM"),
        ("customers.csv", 2, "gender", "load.too_long"),
    ),
    (
        "dangling_reference_to_incoming",
        ["cities", "clinics"],
        _set("clinics", 2, city_id="99"),
        ("clinics.csv", 4, "city_id", "load.dangling_incoming"),
    ),
    (
        "dangling_reference_to_existing",
        ["orders"],
        _set("orders", 0, customer_id="424242"),
        ("orders.csv", 2, "customer_id", "load.dangling_existing"),
    ),
    (
        "variant_of_another_experiment",
        ["experiment_exposures"],
        _set("experiment_exposures", 1, variant_code="Z"),
        ("experiment_exposures.csv", 3, "experiment_id, variant_code", "load.dangling_existing"),
    ),
    (
        "stages_out_of_order",
        ["leads"],
        _set("leads", 0, arrived_at="2024-01-01 08:30:00"),
        ("leads.csv", 2, "arrived_at", "load.stage_order"),
    ),
    (
        "deal_amount_without_paid_at",
        ["leads"],
        _set("leads", 1, deal_amount="99.00"),
        ("leads.csv", 3, "deal_amount", "load.deal_without_paid"),
    ),
    (
        "self_referral",
        ["customers"],
        _set("customers", 4, referrer_id="1005"),
        ("customers.csv", 6, "referrer_id", "load.self_referral"),
    ),
    (
        "clicks_over_impressions",
        ["channel_daily"],
        _set("channel_daily", 2, clicks="20000"),
        ("channel_daily.csv", 4, "clicks", "load.clicks_over_impressions"),
    ),
    (
        "score_out_of_range",
        ["feedback"],
        _set("feedback", 0, score="6"),
        ("feedback.csv", 2, "score", "load.out_of_range"),
    ),
    (
        "shares_do_not_sum_to_one",
        ["experiment_variants"],
        _set("experiment_variants", 1, planned_share="0.4"),
        ("experiment_variants.csv", 2, "planned_share", "load.shares_not_one"),
    ),
    (
        "two_controls",
        ["experiment_variants"],
        _set("experiment_variants", 1, is_control="是"),
        ("experiment_variants.csv", 2, "is_control", "load.control_count"),
    ),
    (
        "experiment_ends_before_start",
        ["experiments"],
        _set("experiments", 0, ended_on="2023-12-31"),
        ("experiments.csv", 2, "ended_on", "load.ends_before_start"),
    ),
    (
        "chain_target_with_scope_id",
        ["scorecard_targets"],
        _set("scorecard_targets", 0, scope_id="3"),
        ("scorecard_targets.csv", 2, "scope_id", "load.chain_scope_id"),
    ),
    (
        # The warehouse computes weeks and months from the date: never taken from a file.
        "calendar_computed_column",
        ["calendar"],
        _add_column("calendar", "iso_week", "1"),
        ("calendar.csv", 1, "iso_week", "load.computed_column"),
    ),
    (
        "calendar_holiday_without_name",
        ["calendar"],
        _set("calendar", 0, holiday_name=""),
        ("calendar.csv", 2, "holiday_name", "load.calendar.holiday_needs_name"),
    ),
    (
        "calendar_name_without_holiday",
        ["calendar"],
        _set("calendar", 1, holiday_name="周日培训"),
        ("calendar.csv", 3, "is_holiday", "load.calendar.name_without_holiday"),
    ),
    (
        # 2024-02-10 is 春节 in the library: a working day only if the file clears the holiday.
        "calendar_library_holiday_made_workday",
        ["calendar"],
        _append(
            "calendar",
            date="2024-02-10",
            is_holiday="",
            holiday_name="",
            holiday_name_en="",
            is_workday="true",
        ),
        ("calendar.csv", 4, "is_workday", "load.calendar.holiday_workday"),
    ),
    (
        "phone_mangled_by_excel",
        ["customers"],
        _set("customers", 1, phone="1.38001E+10"),
        ("customers.csv", 3, "phone", "load.phone_scientific"),
    ),
]


@pytest.mark.parametrize(
    ("tables", "edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_broken_file_is_refused_with_its_message(
    loaded_settings, make_folder, sample_rows, unchanged, tables, edit, expected
):
    edit(sample_rows)
    folder = make_folder(sample_rows, tables)
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="en")

    assert not result.ok
    assert result.batch_id is None
    found = [(p.file, p.row, p.column, p.code) for p in result.problems]
    assert found == [expected]
    check()


def test_messages_in_both_languages(loaded_settings, make_folder, sample_rows, unchanged):
    sample_rows["orders"][1]["amount"] = "-20.00"
    folder = make_folder(sample_rows, ["orders"])
    check = unchanged(loaded_settings)

    zh = load_directory(loaded_settings, folder, lang="zh")
    en = load_directory(loaded_settings, folder, lang="en")

    assert zh.problems[0].reason == "“-20.00” 是负数：金额和数量不能为负"
    assert en.problems[0].reason == "“-20.00” is negative: money and counts cannot be negative"
    # A result renders in the other language too: reasons keep their key and values.
    assert zh.problems[0].reason_in("en") == en.problems[0].reason
    assert "orders.csv 第 3 行 amount 列：“-20.00” 是负数" in format_report(zh, "zh")
    assert "orders.csv, row 3, column amount: “-20.00” is negative" in format_report(zh, "en")
    assert t("load.report.failed", "zh", count=1) in format_report(zh, "zh")
    check()


def test_every_problem_is_reported_not_just_the_first(
    loaded_settings, make_folder, sample_rows, unchanged
):
    sample_rows["orders"][0]["amount"] = "-1.00"
    sample_rows["orders"][1]["category"] = ""
    sample_rows["orders"][2]["ordered_at"] = "2024-02-30 10:00"
    sample_rows["clinics"][0]["staff"] = ""
    folder = make_folder(sample_rows, ["orders", "clinics"])
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, folder, lang="en")

    found = {(p.file, p.row, p.column, p.code) for p in result.problems}
    assert found == {
        ("clinics.csv", 2, "staff", "load.required"),
        ("orders.csv", 2, "amount", "load.negative"),
        ("orders.csv", 3, "category", "load.required"),
        ("orders.csv", 4, "ordered_at", "load.impossible_date"),
    }
    assert result.problem_count == 4
    check()


def test_a_bad_value_is_reported_once(loaded_settings, make_folder, sample_rows):
    # A clicks cell that is not a number must not also trip "clicks > impressions".
    sample_rows["channel_daily"][0]["clicks"] = "lots"
    result = load_directory(loaded_settings, make_folder(sample_rows, ["channel_daily"]), "en")
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (2, "clicks", "load.bad_integer")
    ]


def test_a_refused_load_into_no_warehouse_creates_no_file(
    warehouse_settings, make_folder, sample_rows, duckdb_only
):
    sample_rows["cities"][0]["tier"] = "tier9"
    result = load_directory(warehouse_settings, make_folder(sample_rows), lang="en")
    assert not result.ok
    assert not warehouse_settings.duckdb_path.exists()
    assert list(warehouse_settings.duckdb_path.parent.iterdir()) == []


@pytest.mark.parametrize(("days_ahead", "refused"), [("1", False), ("0", True)])
def test_future_horizon_is_today_plus_the_setting(
    loaded_settings, make_folder, sample_rows, monkeypatch, days_ahead, refused
):
    # The latest order is on 2024-01-06 15:00; "today" is the day before.
    monkeypatch.setenv("OPSDASH_TODAY", "2024-01-05")
    monkeypatch.setenv("OPSDASH_FUTURE_DAYS", days_ahead)
    result = load_directory(loaded_settings, make_folder(sample_rows, ["orders"]), lang="en")
    found = [(p.row, p.column, p.code) for p in result.problems]
    assert found == ([(4, "ordered_at", "load.future")] if refused else [])
    if refused:
        assert "after 2024-01-05" in result.problems[0].reason
