"""Loads started at the same moment in separate processes never leave a dangling row.

Customer 1005 has nothing pointing at it. Load A removes the customer; load B adds an order
for it (replacing the orders table, or appending the one new order: issue #23). Each is valid on its own, against the warehouse as it was; run together, whichever
writes second must be checked against what the first wrote, so the second is refused (the
loads' checks and writes are serialised by one lock per warehouse).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from tests.loading.conftest import _read_tables

LOADER = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from dashboard.loading import load_directory
    from dashboard.settings import Settings

    url, folder, go, mode = sys.argv[1:5]
    while not Path(go).exists():  # all processes start their load at the same moment
        time.sleep(0.005)
    result = load_directory(Settings(warehouse_url=url), folder, lang="en", mode=mode)
    print(json.dumps({"ok": result.ok, "codes": sorted({p.code for p in result.problems})}))
    """
)

# B after A: its order names a customer A removed; A after B: it removes a customer B's kept
# order points at.
REFUSALS = (["load.dangling_existing"], ["load.orphaned_existing"])


def _remove_customer(rows):
    rows["customers"] = [r for r in rows["customers"] if r["customer_id"] != "1005"]
    return ["customers"], "replace"


def _order_for_customer(order_id: str, mode: str = "replace"):
    def edit(rows):
        order = {
            **rows["orders"][2],
            "order_id": order_id,
            "customer_id": "1005",
            "clinic_id": "20",
            "ordered_at": "2024-01-07 10:00:00",
        }
        # Appended: the file holds the new order only; replaced: every order and the new one.
        rows["orders"] = [order] if mode == "append" else [*rows["orders"], order]
        return ["orders"], mode

    return edit


@pytest.mark.parametrize(
    "edits",
    [
        [_remove_customer, _order_for_customer("504")],
        [
            _remove_customer,
            _order_for_customer("504"),
            _order_for_customer("505"),
            _remove_customer,
            _order_for_customer("506"),
        ],
        [_remove_customer, _order_for_customer("504", "append")],
        [
            _remove_customer,
            _order_for_customer("504", "append"),
            _order_for_customer("505", "upsert"),
            _remove_customer,
            _order_for_customer("506", "append"),
        ],
    ],
    ids=["2-at-once", "5-at-once", "2-appending", "5-appending"],
)
def test_concurrent_loads_leave_no_dangling_row(
    loaded_settings, make_folder, sample_rows, tmp_path, edits
):
    import copy

    folders, modes = [], []
    for edit in edits:
        rows = copy.deepcopy(sample_rows)
        tables, mode = edit(rows)
        folders.append(make_folder(rows, tables))
        modes.append(mode)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOADER, loaded_settings.warehouse_url, str(f), str(go), m],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f, m in zip(folders, modes, strict=True)
    ]
    time.sleep(3)  # every process imported and waiting
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    tables = _read_tables(loaded_settings, ["customers", "orders"])
    customers = set(tables["customers"].customer_id)
    dangling = tables["orders"][~tables["orders"].customer_id.isin(customers)]
    assert dangling.empty, f"orders pointing at no customer: {dangling.order_id.tolist()}"
    # Every load either landed or was refused for the reference the other one broke.
    for result in results:
        assert result["ok"] or result["codes"] in REFUSALS, result
    assert any(r["ok"] for r in results)
