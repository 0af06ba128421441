"""Every page renders on each shipped mapping example (sample_data/examples), in both languages:
what a new user sees after `opsdash load sample_data/examples/<name>` into an empty warehouse."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.loading import load_directory
from dashboard.navigation import PAGES
from dashboard.settings import ROOT, Settings, duckdb_url
from tests.conftest import activate
from tests.pages.apptest import all_text, open_page

EXAMPLES = sorted(p.name for p in (ROOT / "sample_data" / "examples").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def example_files(tmp_path_factory) -> dict[str, Settings]:
    """Each example loaded once into its own empty DuckDB warehouse."""
    out = {}
    for name in EXAMPLES:
        path = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
        settings = Settings(warehouse_url=duckdb_url(path))
        result = load_directory(settings, ROOT / "sample_data" / "examples" / name, lang="en")
        assert result.ok, [(p.file, p.row, p.column, p.reason) for p in result.problems]
        out[name] = settings
    return out


def test_there_are_examples():
    assert {"ad_platform", "crm_leads", "his_orders"} <= set(EXAMPLES)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_page_renders_on_the_example(example_files, monkeypatch, example, lang):
    activate(example_files[example], monkeypatch)
    for page in PAGES:
        at = open_page(page.id, lang)
        assert not at.exception, (example, page.id, [e.value for e in at.exception])
        assert at.title[0].value == t(f"page.{page.id}", lang)
        assert "Traceback" not in all_text(at)
