"""Every named query renders with filters and scope; scope can never be left out."""

import re
from datetime import date

import pytest

from dashboard.filters import Filters, Scope, ScopeError
from dashboard.warehouse import sqlfiles

F = Filters(date(2026, 10, 1), date(2026, 10, 31), cities=(1,), channels=(2,))
RESTRICTED = Scope(frozenset({1, 3}))


@pytest.mark.parametrize("name", sqlfiles.query_names())
def test_query_renders_and_enforces_scope(name):
    text = sqlfiles.query_text(name)
    # Rendering binds nothing yet: any value stands for the query's own parameters.
    own = {p: 1 for p in sqlfiles.query_file(name).params - set(F.period_params())}
    rendered = sqlfiles.render(name, F, RESTRICTED, own)
    assert "{{" not in rendered.sql
    if "{{ filters" in text:
        placeholders = text.count("{{ filters")
        scope_params = [k for k in rendered.params if k.endswith("_scope_cities")]
        assert len(scope_params) == placeholders, "every filtered CTE carries the scope clause"
    else:
        assert "-- unscoped:" in text or not sqlfiles._reads_facts(text)


@pytest.mark.parametrize("name", sqlfiles.query_names())
def test_query_style(name):
    text = sqlfiles.query_text(name)
    assert text.startswith(f"-- {name}:"), "first line names the query and says what it returns"
    code = "\n".join(line.split("--")[0] for line in text.splitlines())
    assert not re.search(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY)\b", code), (
        "lowercase keywords"
    )
    assert "%s" not in code and "{}" not in code, "no string formatting"


def test_missing_query_and_bad_names():
    with pytest.raises(sqlfiles.QueryNotFound):
        sqlfiles.query_text("no_such_query")
    with pytest.raises(sqlfiles.QueryNotFound):
        sqlfiles.query_text("../pyproject")


def test_fact_query_without_placeholder_fails_closed(tmp_path, monkeypatch):
    (tmp_path / "leaky.sql").write_text(
        "-- leaky: test\n-- params:\nselect count(*) from leads l\n"
    )
    monkeypatch.setattr(sqlfiles, "QUERIES_DIR", tmp_path)
    sqlfiles.clear_cache()
    try:
        with pytest.raises(ScopeError):
            sqlfiles.render("leaky", F, RESTRICTED)
        assert sqlfiles.render("leaky", F, Scope.all()).sql
    finally:
        sqlfiles.clear_cache()


def test_list_params_are_expanding():
    rendered = sqlfiles.render("filter_clinics", None, RESTRICTED)
    stmt = sqlfiles.to_statement(rendered)
    assert all(bp.expanding for k, bp in stmt._bindparams.items() if k.endswith("scope_cities"))
