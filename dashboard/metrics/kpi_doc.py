"""Render the KPI registry as README's table: KPI → definition → SQL file → test.

``python -m dashboard.metrics.kpi_doc`` prints it; ``tests/test_readme.py`` checks README holds
exactly this, so the table cannot drift from the registry.
"""

from __future__ import annotations

from dashboard.i18n import t
from dashboard.metrics.registry import KPIS, Kpi

# The test that checks each query's KPIs against an independent pandas computation.
TESTS: dict[str, str] = {
    "kpi_funnel": "tests/reports/test_kpis.py",
    "kpi_money": "tests/reports/test_kpis.py",
    "kpi_quality": "tests/reports/test_kpis.py",
    "kpi_repurchase": "tests/reports/test_kpis.py",
    "channels_weekly": "tests/reports/test_channels.py",
    "channels_ltv": "tests/reports/test_channels.py",
}
_DIRECTION = {"up": "higher is better", "down": "lower is better"}


def checked_by(k: Kpi) -> str:
    """The test file that checks ``k`` against pandas."""
    return TESTS[k.query]


def _row(k: Kpi) -> str:
    cells = (
        f"`{k.id}`",
        f"{t(f'kpi.{k.id}', 'zh')} / {t(f'kpi.{k.id}', 'en')}",
        k.unit,
        _DIRECTION[k.direction],
        t(f"kpi_help.{k.id}", "en").replace("|", "\\|"),
        f"`queries/{k.query}.sql`",
        f"`{checked_by(k)}`",
    )
    return "| " + " | ".join(cells) + " |"


def render() -> str:
    """The KPI table as Markdown, one row per registered KPI in registry order."""
    head = (
        "| KPI | Name (zh / en) | Unit | Direction | Definition | SQL | Test |\n"
        "|---|---|---|---|---|---|---|"
    )
    return "\n".join([head, *(_row(k) for k in KPIS.values())]) + "\n"


if __name__ == "__main__":
    print(render(), end="")
