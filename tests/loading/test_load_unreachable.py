"""A warehouse server that never answers: the load gives up after the one connect timeout.

The server is real: a socket on loopback that accepts connections and never says a word
(before, ``opsdash load`` waited 137 s on such a server, pages about 6 s).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from dashboard.settings import load_settings


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts and then never answers; yields its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_load_against_a_silent_server_fails_within_the_timeout(silent_server, sample_folder, lang):
    url = f"postgresql+psycopg://loader@127.0.0.1:{silent_server}/opsdash"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "load", str(sample_folder), "--url", url]
        + ["--lang", lang],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "OPSDASH_CONNECT_TIMEOUT": "2", "OPSDASH_SECRETS": "/none"},
        input="",
    )
    elapsed = time.monotonic() - started
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    expected = "秒内连接数据仓库" if lang == "zh" else "Cannot reach the warehouse"
    assert expected in out and f"127.0.0.1:{silent_server}" in out
    assert "Traceback" not in out
    assert elapsed < 60  # the OS's own retries would take minutes


def test_connect_timeout_setting(monkeypatch):
    monkeypatch.setenv("OPSDASH_SECRETS", "/none")
    monkeypatch.setenv("OPSDASH_CONNECT_TIMEOUT", "9")
    assert load_settings().connect_timeout == 9
    monkeypatch.setenv("OPSDASH_CONNECT_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="connect_timeout"):
        load_settings()
