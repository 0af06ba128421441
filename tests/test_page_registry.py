"""The page registry is the one list of pages: the app's navigation, the weekly pack and the
benchmark all read it, so a page added there alone appears in each."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bench import workloads
from dashboard import navigation
from dashboard.export.sheet import Sheet
from dashboard.filters import Filters, Scope
from dashboard.i18n import has
from dashboard.page_context import PageContext
from dashboard.settings import ROOT

END = date(2026, 11, 15)  # the test chain's last day
CTX = PageContext(Filters(date(2026, 10, 19), END), Scope.all(), END, "en")


def test_entries_are_whole():
    """Every entry has a unique id, a script that exists, a known section and both names."""
    ids = [p.id for p in navigation.PAGES]
    assert len(ids) == len(set(ids))
    for spec in navigation.PAGES:
        assert (ROOT / spec.script).is_file(), spec.script
        assert spec.section in navigation.SECTIONS
        assert has(f"page.{spec.id}"), spec.id
        assert callable(spec.build) and callable(spec.tables)
        assert navigation.page(spec.id) is spec
    with pytest.raises(KeyError):
        navigation.page("no-such-page")
    # Admin pages are not exported: their tables are not the Excel contract.
    assert [p.id for p in navigation.PAGES if not p.exports] == ["health", "audit", "loads"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_exported_page_builds_its_sheets(duckdb_warehouse, lang):
    """Each exported page's build and tables give Excel sheets with the rows of its report."""
    ctx = PageContext(CTX.filters, CTX.scope, CTX.data_end, lang)
    for spec in navigation.exported():
        sheets = spec.tables(spec.build(ctx), lang)
        assert sheets and all(isinstance(s, Sheet) for s in sheets), spec.id
        assert any(len(s.frame) for s in sheets), spec.id


def test_benchmark_workloads_come_from_the_registry(duckdb_warehouse, monkeypatch):
    """The benchmark runs every registry entry, a new one included, through build and tables."""
    assert [spec.id for spec, _ in workloads.pages()] == [p.id for p in navigation.PAGES]
    calls: list[tuple[str, object]] = []

    def build(ctx: PageContext) -> pd.DataFrame:
        calls.append(("build", ctx))
        return pd.DataFrame({"n": [1, 2, 3]})

    def tables(report: pd.DataFrame, lang: str) -> list[pd.DataFrame]:
        calls.append(("tables", lang))
        return [report.assign(lang=lang)]

    ghost = navigation.PageSpec(
        "ghost", "pages/ghost.py", "management", "", build, tables, warehouse=False
    )
    monkeypatch.setattr(navigation, "PAGES", (*navigation.PAGES, ghost))
    found = dict(workloads.pages())
    assert list(found)[-1] is ghost
    shown = workloads.run_page(found[ghost], CTX)
    assert calls == [("build", CTX), ("tables", "en")]
    assert shown[0]["lang"].tolist() == ["en"] * 3
    assert not workloads.reads_warehouse("ghost") and workloads.reads_warehouse("overview")
