"""A load killed mid-write leaves a scratch copy and its WAL; the next load removes them.

The leftovers are made for real: a process writes a DuckDB scratch file as the writer does
(uncheckpointed rows in its WAL) and is killed with SIGKILL.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

from dashboard.loading import load_directory
from tests.loading.conftest import _read_tables

KILLED_WRITER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("set checkpoint_threshold = '1GB'")  # keep the rows in the WAL
    con.execute("create table t as select range as i from range(100000)")
    print("written", flush=True)
    time.sleep(600)
    """
)


def _killed_scratch(path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "written"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_next_load_removes_a_killed_loads_scratch_files(
    loaded_settings, make_folder, sample_rows, duckdb_only
):
    path = loaded_settings.duckdb_path
    other = path.with_name(f"{path.name}.tmp-999999")
    _killed_scratch(other)
    # The same leftovers under this process's id: the id a new load would pick again.
    mine = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    shutil.copy(other, mine)
    shutil.copy(f"{other}.wal", f"{mine}.wal")
    assert os.path.getsize(f"{other}.wal") > 0

    sample_rows["cities"][0]["name_zh"] = "郑州新区"
    result = load_directory(loaded_settings, make_folder(sample_rows, ["cities"]), lang="en")

    assert result.ok, [p.reason for p in result.problems]
    assert _read_tables(loaded_settings, ["cities"])["cities"].name_zh.tolist()[0] == "郑州新区"
    # No scratch file is left; beside the warehouse only the state before this load, for undo.
    assert sorted(p.name for p in path.parent.iterdir()) == [
        path.name,
        f"{path.name}.before-{result.batch_id}",
    ]
