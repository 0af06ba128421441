"""The benchmark's process measurements against what the processes did."""

from __future__ import annotations

import subprocess
import sys
import time

from bench import jobs

_BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass\n"


def _python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code])


def test_descendants_cpu_counts_children_and_leaves_out_the_excluded():
    other = _python(_BURN.format(s=5))  # busy all through the block, but excluded
    try:
        with jobs.DescendantsCpu(exclude={other.pid}, interval=0.05) as measured:
            # Burns 0.6 s, then idles so that a sample sees its whole time before it exits.
            child = _python(_BURN.format(s=0.6) + "time.sleep(0.5)\n")
            child.wait(timeout=60)
    finally:
        other.kill()
        other.wait()
    # The child's burn plus its interpreter's start-up; counting the excluded one would add
    # at least another second.
    assert 0.6 <= measured.seconds < 1.15


def test_cpu_seconds_and_peak_rss_of_a_running_process():
    child = _python(_BURN.format(s=0.4) + "b = bytearray(200 * 2**20)\ntime.sleep(60)\n")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (jobs.vm_hwm_bytes(child.pid) or 0) < 200 * 2**20:
            time.sleep(0.05)
        assert 0.4 <= jobs.cpu_seconds(child.pid) < 1.5
        assert jobs.vm_hwm_bytes(child.pid) >= 200 * 2**20
    finally:
        child.kill()
        child.wait()
