"""A throw-away PostgreSQL server on loopback for the tests (real server, never a mock)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresMissing(RuntimeError):
    """The PostgreSQL server programs are not installed."""


def find_bindir() -> Path:
    """The folder with initdb and pg_ctl (Debian keeps them under /usr/lib/postgresql/N/bin)."""
    for name in ("initdb", "pg_ctl"):
        found = shutil.which(name)
        if found:
            return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    raise PostgresMissing(
        "PostgreSQL server not found: install it (Debian: apt-get install postgresql) "
        "or run scripts/test as root, which installs it"
    )


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    """A running server: its data folder, port and how to stop it."""

    bindir: Path
    datadir: Path
    port: int
    run_as: str | None

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create a database and return its URL."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'drop database if exists "{name}"')
            conn.execute(f'create database "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its data folder."""
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop"),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start() -> PostgresServer:
    """Initialise and start a server on a free loopback port (as user postgres when root)."""
    bindir = find_bindir()
    base = Path(tempfile.mkdtemp(prefix="opsdash-pg-"))
    datadir = base / "data"
    run_as = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: hand the folder to the postgres user.
        run_as = "postgres"
        pw = pwd.getpwnam(run_as)
        os.chown(base, pw.pw_uid, pw.pw_gid)
    server = PostgresServer(bindir, datadir, free_port(), run_as)
    subprocess.run(
        server._cmd(
            "initdb",
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
        ),
        check=True,
        capture_output=True,
    )
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={base} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
        "-c max_connections=200"
    )
    subprocess.run(
        server._cmd(
            "pg_ctl", "-D", str(datadir), "-o", opts, "-l", str(base / "log"), "-w", "start"
        ),
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("PostgreSQL did not start")
