"""The README documents the real data model, the KPI registry and the two Quick start commands."""

import re

from dashboard import schema_doc
from dashboard.metrics import kpi_doc
from dashboard.settings import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_data_model_section_matches_schema():
    assert schema_doc.render() in README, "regenerate: python -m dashboard.schema_doc >> README"


def test_kpi_table_matches_registry():
    assert kpi_doc.render() in README, "regenerate: python -m dashboard.metrics.kpi_doc"


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    commands = [ln for ln in block.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert [c.split()[0] for c in commands] == ["scripts/start", "scripts/test"]
    for cmd in ("start", "test"):
        assert (ROOT / "scripts" / cmd).stat().st_mode & 0o111, f"scripts/{cmd} is executable"
