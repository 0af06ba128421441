"""The query files' reader: includes expanded, parameters declared, and every file reads cleanly."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.filters import Filters, Scope
from dashboard.settings import QUERIES_DIR
from dashboard.warehouse import derived, sqlfiles
from dashboard.warehouse.sqlfiles import QueryFileError

F = Filters(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty queries folder (with _parts/) the reader reads instead of the real one."""
    (tmp_path / "_parts").mkdir()
    monkeypatch.setattr(sqlfiles, "QUERIES_DIR", tmp_path)
    sqlfiles.clear_cache()
    yield tmp_path
    sqlfiles.clear_cache()


def _write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_include_expands_nested_parts_with_indentation(folder):
    _write(folder / "_parts" / "inner.sql", "-- inner: about it\nselect :x as x\n")
    _write(folder / "_parts" / "outer.sql", "-- outer\nwith a as (\n    {{ include inner }}\n)\n")
    _write(
        folder / "q.sql",
        "-- q: test\n-- params: x, y\n{{ include outer }},\nb as (select :y as y)\nselect * from a\n",
    )
    text = sqlfiles.query_text("q")
    assert text == (
        "-- q: test\n-- params: x, y\n"
        "with a as (\n    select :x as x\n),\nb as (select :y as y)\nselect * from a\n"
    )
    assert sqlfiles.query_file("q").params == {"x", "y"}


def test_unknown_part_fails_at_read(folder):
    _write(folder / "q.sql", "-- q: test\n-- params:\nselect 1 from {{ include nowhere }}\n")
    with pytest.raises(QueryFileError, match=r"q\.sql: unknown part 'nowhere'"):
        sqlfiles.query_file("q")


def test_parts_including_each_other_fail(folder):
    _write(folder / "_parts" / "a.sql", "{{ include b }}\n")
    _write(folder / "_parts" / "b.sql", "{{ include a }}\n")
    _write(folder / "q.sql", "-- q: test\n-- params:\n{{ include a }}\n")
    with pytest.raises(QueryFileError, match="a -> b -> a"):
        sqlfiles.query_file("q")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("-- params: start_date", "undeclared parameter(s) end_date"),
        ("-- params: start_date, end_date, grain", "never uses: grain"),
        ("-- about the query", "no '-- params:' line"),
        ("-- params: start_date, start_date, end_date", "declared twice"),
    ],
)
def test_wrong_declaration_fails_at_read(folder, header, message):
    _write(
        folder / "q.sql",
        f"-- q: test\n{header}\nselect 1 where :start_date <= :end_date\n",
    )
    with pytest.raises(
        QueryFileError, match="q.sql: .*" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        sqlfiles.query_file("q")


def test_casts_and_literals_are_not_parameters(folder):
    _write(
        folder / "q.sql",
        "-- q: test\n-- params: n\n"
        "select cast(:n as integer), x::integer, '10:30' as t, 'it''s' as s, \"odd:col\"\n"
        "from t -- n is :n\n",
    )
    assert sqlfiles.query_file("q").params == {"n"}


@pytest.mark.parametrize("where", ["select 1 -- at most :limit", "select 'a :limit b'"])
def test_colon_name_in_a_comment_or_literal_must_be_declared(folder, where):
    # SQLAlchemy binds :limit there too: it would be demanded at run time though the code
    # never uses it.
    _write(folder / "q.sql", f"-- q: test\n-- params:\n{where}\n")
    with pytest.raises(QueryFileError, match=":limit in a comment or string"):
        sqlfiles.query_file("q")


def test_run_with_undeclared_or_missing_parameter_names_the_file(folder):
    _write(folder / "q.sql", "-- q: test\n-- params: step, start_ts\nselect :step, :start_ts\n")
    with pytest.raises(QueryFileError, match=r"queries/q\.sql|q\.sql: run with .*: grain"):
        sqlfiles.render("q", F, Scope.all(), {"step": 1, "grain": "week"})
    with pytest.raises(QueryFileError, match=r"q\.sql: run without .*: step"):
        sqlfiles.render("q", F, Scope.all(), {})
    with pytest.raises(QueryFileError, match=r"q\.sql: run without .*: start_ts"):
        sqlfiles.render("q", None, Scope.all(), {"step": 1})
    rendered = sqlfiles.render("q", F, Scope.all(), {"step": 1})
    assert rendered.params["step"] == 1 and "start_ts" in rendered.params


def test_error_names_the_real_file():
    with pytest.raises(QueryFileError, match=r"^queries/kpi_money\.sql: run with"):
        sqlfiles.render("kpi_money", F, Scope.all(), {"grain": "week", "stepp": 1})


ALL = sqlfiles.query_names() + sqlfiles.query_names("derived")


@pytest.mark.parametrize("name", ALL)
def test_every_query_file_reads_cleanly(name):
    sqlfiles.clear_cache()  # read from disk again, every check included
    file = sqlfiles.query_file(name)
    stem = name.rsplit("/", 1)[-1]
    assert file.text.startswith(f"-- {stem}:"), "first line names the query"
    assert "{{ include" not in file.text
    assert file.params == sqlfiles.code_params(file.text)


@pytest.mark.parametrize("part", sorted(p.stem for p in (QUERIES_DIR / "_parts").glob("*.sql")))
def test_every_part_is_used(part):
    users = [n for n in ALL if f"include {part} " in (QUERIES_DIR / f"{n}.sql").read_text()]
    parts = [
        p for p in (QUERIES_DIR / "_parts").glob("*.sql") if f"include {part} " in p.read_text()
    ]
    assert users or parts, f"queries/_parts/{part}.sql is included nowhere"


@pytest.mark.parametrize("incremental", [False, True])
def test_derived_statements_are_plain_sql(incremental):
    for name in sqlfiles.query_names("derived"):
        sql = derived.statement(name.split("/")[1], incremental=incremental)
        assert "{{" not in sql and "%" not in sql, "the driver reads % as a placeholder"
        assert ("affected_" in sql) == incremental
