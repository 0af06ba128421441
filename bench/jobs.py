"""Run a step of the benchmark in its own process, so its time, CPU and peak RSS are its own.

Seeding, the naive baseline and the Excel export each run in a child process: their peak
memory must not inflate the dashboard process's figure, and theirs is reported separately.
A child module writes one JSON object as the last line of its standard output.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from dashboard.settings import ROOT


@dataclass(frozen=True)
class ChildResult:
    """A finished child process: output, exit code, wall and CPU seconds, peak RSS in bytes."""

    returncode: int
    stdout: str
    stderr: str
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int

    def json(self) -> dict:
        """The JSON object the child printed last (empty when it printed none)."""
        for line in reversed(self.stdout.strip().splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        return {}


def vm_hwm_bytes(pid: int | str = "self") -> int | None:
    """A process's peak RSS from /proc/<pid>/status (VmHWM), or None where there is none.

    Preferred over ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts at its parent's RSS
    at fork time (kept across exec), so a small child of a big parent would report big.
    """
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a running process has used so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


class DescendantsCpu:
    """The CPU time this process's descendants use inside a ``with`` block, sampled.

    Sampled rather than read from ``RUSAGE_CHILDREN``: a browser's renderers are not waited
    for by us (their parents may be killed first), so their time never reaches our rusage.
    A process that exits is counted up to its last sample (``interval`` apart).
    """

    def __init__(self, exclude: set[int], interval: float = 0.25) -> None:
        self._exclude, self._interval = exclude, interval
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> dict[int, float]:
        seen = {}
        for child in psutil.Process().children(recursive=True):
            if child.pid in self._exclude:
                continue
            try:
                times = child.cpu_times()
            except psutil.Error:  # exited between listing and reading
                continue
            seen[child.pid] = times.user + times.system
        return seen

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._last.update(self._sample())

    def __enter__(self) -> DescendantsCpu:
        self._start = self._sample()
        self._last = dict(self._start)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._last.update(self._sample())

    @property
    def seconds(self) -> float:
        """CPU seconds used since the block started."""
        return sum(v - self._start.get(pid, 0.0) for pid, v in self._last.items())


def peak_rss_bytes() -> int:
    """This process's peak resident set size so far."""
    hwm = vm_hwm_bytes()
    if hwm is not None:
        return hwm
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def run_child(args: list[str], env: dict[str, str] | None = None) -> ChildResult:
    """Run ``python <args>`` from the project root; measure it with ``wait4`` (its own rusage)."""
    full_env = {**os.environ, **(env or {})}
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = _watch_peak(proc.pid)
    # Read the pipes in threads so a chatty child never blocks on a full pipe.
    out, err = _drain(proc)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak["done"] = True
    maxrss = peak["bytes"] or (usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024))
    return ChildResult(
        returncode=proc.returncode,
        stdout=out,
        stderr=err,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_bytes=maxrss,
    )


def _watch_peak(pid: int) -> dict:
    """Sample the child's VmHWM (monotonic) until it exits; the last sample is its peak."""
    state: dict = {"bytes": 0, "done": False}

    def watch() -> None:
        while not state["done"]:
            value = vm_hwm_bytes(pid)
            if value is None:
                return
            state["bytes"] = max(state["bytes"], value)
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    return state


def _drain(proc: subprocess.Popen) -> tuple[str, str]:

    chunks: dict[str, str] = {}

    def read(name: str, stream) -> None:
        chunks[name] = stream.read()
        stream.close()

    threads = [
        threading.Thread(target=read, args=("out", proc.stdout)),
        threading.Thread(target=read, args=("err", proc.stderr)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return chunks.get("out", ""), chunks.get("err", "")


def emit(result: dict) -> None:
    """Print a child's result as the last line of its output (with its own peak RSS)."""
    result = {**result, "peak_rss_bytes": peak_rss_bytes()}
    print(json.dumps(result, default=str), flush=True)
