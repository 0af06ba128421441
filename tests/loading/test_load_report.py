"""The problem list: capped but counted, rendered for the CLI and as a frame."""

from __future__ import annotations

from dashboard.loading import format_report, load_directory, problems_as_frame
from dashboard.loading.problems import MAX_LISTED, MAX_PER_KIND, Problems


def test_many_bad_rows_are_counted_and_the_list_is_capped(
    loaded_settings, make_folder, sample_rows, unchanged
):
    base = sample_rows["expenses"][0]
    sample_rows["expenses"] = [
        {**base, "date": "2024-01-01", "clinic_id": "10", "category": "service", "amount": "-1"}
    ]
    sample_rows["expenses"] += [
        {**base, "clinic_id": str(1000 + i), "amount": "x"} for i in range(500)
    ]
    check = unchanged(loaded_settings)

    result = load_directory(loaded_settings, make_folder(sample_rows, ["expenses"]), "en")

    # 500 bad amounts, 500 unknown clinics, 1 negative amount.
    assert result.problem_count == 1001
    kinds = [(p.column, p.code) for p in result.problems]
    assert kinds.count(("amount", "load.bad_decimal")) == MAX_PER_KIND
    assert kinds.count(("clinic_id", "load.dangling_existing")) == MAX_PER_KIND
    assert kinds.count(("amount", "load.negative")) == 1
    assert result.omitted == 1001 - len(result.problems)
    report = format_report(result, "en")
    assert f"… and {result.omitted:,} more problems not listed" in report
    assert report.startswith("Not loaded: 1,001 problems found; the warehouse is unchanged.")
    check()


def test_overall_cap():
    problems = Problems("en", max_listed=MAX_LISTED, max_per_kind=MAX_PER_KIND)
    for column in range(30):
        problems.add_rows("orders.csv", f"c{column}", "load.required", list(range(2, 50)))
    assert len(problems.listed) == MAX_LISTED
    assert problems.total == 30 * 48
    assert problems.omitted == 30 * 48 - MAX_LISTED


def test_problems_as_frame_and_report_languages(loaded_settings, make_folder, sample_rows):
    sample_rows["channels"][0]["tier"] = "gold"
    sample_rows["channels"][1]["name_en"] = ""
    result = load_directory(loaded_settings, make_folder(sample_rows, ["channels"]), "zh")

    frame = problems_as_frame(result)
    assert frame.columns.tolist() == ["file", "row", "column", "reason"]
    # Listed by file and row, whatever order the checks ran in.
    assert frame["row"].tolist() == [2, 3]
    assert frame["reason"][1] == "此列必须填写，不能为空"
    assert problems_as_frame(result, "en")["reason"][1] == "A value is required here"
    assert "channels.csv 第 2 行 tier 列：“gold” 不是允许的值" in format_report(result, "zh")
    assert "channels.csv, row 3, column name_en: A value is required here" in format_report(
        result, "en"
    )


def test_success_report_lists_tables_and_warnings(loaded_settings, make_folder, sample_rows):
    folder = make_folder(sample_rows, ["cities", "clinics", "experiments"])
    (folder / "notes.txt").write_text("x", encoding="utf-8")

    result = load_directory(loaded_settings, folder, "en")

    assert result.ok and result.batch_id == 2
    # The calendar's note depends on whether the holiday library covers the years the
    # sample (generated up to today) spans; test_calendar_built.py checks it on fixed dates.
    lines = [
        line
        for line in format_report(result, "en").splitlines()
        if not line.startswith("  calendar:")
    ]
    assert lines == [
        "Loaded (batch 2): 3 tables replaced; all other tables are unchanged.",
        "  cities: 2 rows",
        "  clinics: 3 rows",
        "  experiments: 1 row",
        "Notes:",
        "  notes.txt: Not a table file; ignored",
    ]
    assert format_report(result, "zh").splitlines()[0] == (
        "导入成功（批次 2）：替换了 3 张表，其余表保持不变。"
    )
