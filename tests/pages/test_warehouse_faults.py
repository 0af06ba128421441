"""A warehouse file that cannot be read: each page says what is wrong, not "run opsdash init".

The faults are real: another process holding the file open for writing, a file with damaged
blocks, a CSV or an empty file where the warehouse should be, a folder in its place.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from dashboard.settings import Settings, duckdb_url
from dashboard.warehouse import engine as wh
from tests.conftest import activate
from tests.pages.apptest import open_page

HOLD_FOR_WRITING = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])  # read-write: takes the file's lock
    print("holding", flush=True)
    time.sleep(120)
    """
)


def _damage(path) -> None:
    data = bytearray(path.read_bytes())
    # Overwrite the first data blocks (DuckDB keeps checksums per 256 KiB block).
    for offset in range(12_288, min(len(data), 2_000_000), 262_144):
        data[offset : offset + 4096] = b"\xff" * 4096
    path.write_bytes(bytes(data))


FAULTS = {
    "damaged": ("已损坏", "is damaged"),
    "empty_file": ("是空文件", "is empty (0 bytes)"),
    "not_duckdb": ("不是 DuckDB 数据仓库文件", "is not a DuckDB warehouse file"),
    "is_folder": ("是一个文件夹", "is a folder, not a warehouse file"),
    "locked": ("正被另一个程序以写入方式打开", "is open for writing in another program"),
}


@pytest.fixture
def broken(request, duckdb_settings, tmp_path, monkeypatch):
    """A warehouse path with the fault named by the test's parameter, and the app on it."""
    fault = request.param
    path = tmp_path / "w.duckdb"
    holder = None
    if fault in ("damaged", "locked"):
        shutil.copy(duckdb_settings.duckdb_path, path)
    if fault == "damaged":
        _damage(path)
    elif fault == "empty_file":
        path.write_bytes(b"")
    elif fault == "not_duckdb":
        path.write_text("lead_id,created_at\n1,2026-11-01\n", encoding="utf-8")
    elif fault == "is_folder":
        path.mkdir()
    elif fault == "locked":
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_FOR_WRITING, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert holder.stdout.readline().strip() == "holding"
    wh.dispose_all()
    activate(Settings(warehouse_url=duckdb_url(path)), monkeypatch)
    yield fault, path, holder
    if holder is not None:
        holder.kill()
        holder.wait()
    wh.dispose_all()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("broken", list(FAULTS), indirect=True)
def test_page_names_the_fault(broken, lang):
    fault, path, holder = broken
    at = open_page("overview", lang=lang)
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert FAULTS[fault][0 if lang == "zh" else 1] in shown, shown
    assert str(path) in shown
    assert "opsdash init" not in shown
    if holder is not None:
        assert f"{holder.pid}" in shown  # which process holds it
