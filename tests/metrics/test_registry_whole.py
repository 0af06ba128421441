"""The KPI registry is declared whole: every KPI's query file exists, its test checks it, and
importing the rest of the dashboard adds nothing to it."""

from __future__ import annotations

import subprocess
import sys

from dashboard.metrics import kpi_doc
from dashboard.metrics.registry import KPIS
from dashboard.settings import ROOT


def test_every_kpi_query_is_a_file():
    for k in KPIS.values():
        assert (ROOT / "queries" / f"{k.query}.sql").is_file(), (k.id, k.query)


def test_every_kpi_has_a_test_that_names_it_or_its_query():
    for k in KPIS.values():
        test = ROOT / kpi_doc.checked_by(k)
        text = test.read_text(encoding="utf-8")
        assert f'"{k.id}"' in text or f'"{k.query}"' in text, (k.id, test)


def test_importing_pages_adds_no_kpi():
    """The registry holds the same KPIs whatever else was imported (no registration at import)."""
    code = (
        "from dashboard.metrics.registry import KPIS\n"
        "before = dict(KPIS)\n"
        "import dashboard.navigation, dashboard.export.pack, dashboard.seed.pipeline\n"
        "import dashboard.metrics.channels, dashboard.reports.channels.load\n"
        "assert KPIS == before, sorted(set(KPIS) ^ set(before))\n"
        "print(len(KPIS))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.strip().splitlines()[-1]) == len(KPIS)
