"""opsdash load --append/--upsert, opsdash loads and opsdash undo, as a cron job runs them.

Real processes on a real warehouse (each backend): the report of every run is left next to the
files, a failed unattended load exits non-zero and changes nothing, the history lists each load
with its files' checksums, and undo says what it took back in the language asked for.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys

from dashboard import audit
from dashboard.i18n import t
from dashboard.loading.progress import Progress
from dashboard.loading.reading import REPORT_FILE
from tests.loading.conftest import _read_tables


def _opsdash(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _new_order(rows, order_id: str) -> dict[str, str]:
    return {**rows["orders"][0], "order_id": order_id, "ordered_at": "2024-01-07 10:00:00"}


def test_append_then_again_then_undo(
    loaded_settings, make_folder, sample_rows, tmp_path, monkeypatch
):
    url = loaded_settings.warehouse_url
    audit_url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("OPSDASH_AUDIT_URL", audit_url)
    folder = make_folder({"orders": [_new_order(sample_rows, "DD-0001")]})
    before = _read_tables(loaded_settings, ["orders"])["orders"]

    first = _opsdash(
        "load", str(folder), "--append", "--as", "nightly", "--lang", "en", "--url", url
    )
    assert first.returncode == 0, first.stderr
    assert "Loaded (batch 2, append): rows added to 1 table" in first.stdout
    assert "orders: 1 row added" in first.stdout
    saved = (folder / REPORT_FILE).read_text(encoding="utf-8")
    assert "orders: 1 row added" in saved
    assert not first.stderr.strip() or "Reading files" not in first.stderr  # no terminal: quiet

    # The same file again: the key is there already; refused, exit 1, the report says so.
    again = _opsdash("load", str(folder), "--append", "--lang", "en", "--url", url)
    assert again.returncode == 1
    assert "DD-0001" in again.stdout and "--upsert" in again.stdout
    assert "Not loaded" in (folder / REPORT_FILE).read_text(encoding="utf-8")
    orders = _read_tables(loaded_settings, ["orders"])["orders"]
    assert len(orders) == len(before) + 1
    # Both runs are in the audit log, the refused one too (the history lists only writes).
    events = audit.read(audit_url)
    assert events["event"].tolist() == ["load_refused", "load"]
    assert events["user"].tolist()[1] == "nightly"

    listed = _opsdash("loads", "--lang", "en", "--url", url)
    assert listed.returncode == 0, listed.stderr
    digest = hashlib.sha256((folder / "orders.csv").read_bytes()).hexdigest()
    assert "nightly" in listed.stdout and digest[:8] in listed.stdout

    undone = _opsdash("undo", "--lang", "zh", "--url", url)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.startswith(t("undo.done", "zh", undone=2, batch=3))
    assert f"orders：{len(before) + 1} 行 → {len(before)} 行" in undone.stdout
    orders = _read_tables(loaded_settings, ["orders"])["orders"]
    assert sorted(orders.order_id) == sorted(before.order_id)

    # The first load (batch 1) replaced an empty warehouse: nothing before it to go back to.
    nothing = _opsdash("undo", "--lang", "en", "--url", url)
    assert nothing.returncode == 1
    assert nothing.stderr.strip() == f"opsdash undo: {t('undo.first', 'en', batch=1)}"
    assert len(_read_tables(loaded_settings, ["orders"])["orders"]) == len(before)


def test_progress_shows_phases_on_a_terminal_only():
    shown = io.StringIO()
    with Progress(shown, "en", enabled=True) as progress:
        for phase in ("read", "validate", "write", "derived"):
            progress.phase(phase)
    lines = shown.getvalue().splitlines()
    assert [line.split(" …")[0] for line in lines] == [
        t(f"load.phase.{p}", "en") for p in ("read", "validate", "write", "derived")
    ]
    assert all(line.endswith(" s") for line in lines)
    quiet = io.StringIO()
    with Progress(quiet, "zh") as progress:  # a StringIO is not a terminal
        progress.phase("read")
    assert quiet.getvalue() == ""
