"""``validate``: every check of a load, in one of the load modes.

"replace" checks the incoming tables as the warehouse's new tables; "append" and "upsert"
check the tables the load would leave: kept warehouse rows plus incoming rows (see
``dashboard.loading.merged``). Nothing is written here; the caller writes only when the
problem list stays empty.
"""

from __future__ import annotations

from dashboard.loading import constraints, merged
from dashboard.loading.existing import ExistingWarehouse
from dashboard.loading.problems import Problems
from dashboard.loading.rules import Context, run_rules
from dashboard.loading.tables import TableData

MODES = merged.MODES


def validate(
    incoming: dict[str, TableData],
    unreadable: set[str],
    existing: ExistingWarehouse,
    problems: Problems,
    mode: str = "replace",
) -> None:
    """Check the incoming tables against each other and the warehouse, adding to ``problems``.

    May raise ``WarehouseUnreadable`` when the current warehouse cannot be read.
    """
    merged.check_mode(mode)
    for data in incoming.values():
        constraints.check_unique(data, problems, existing, mode=mode)
        constraints.check_enums(data, problems)
    constraints.check_references(incoming, unreadable, existing, problems, mode=mode)
    run_rules(
        Context(
            incoming=incoming,
            unreadable=unreadable,
            existing=existing,
            problems=problems,
            mode=mode,
        )
    )
