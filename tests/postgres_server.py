"""A real, throwaway PostgreSQL server for the test session (Debian's `postgresql` package).

Started with the distribution's own `initdb` and `pg_ctl` in a temporary
directory, listening on 127.0.0.1 only, on a free port, with `trust`
authentication (nothing outside this machine can reach it). PostgreSQL
refuses to run as root, so as root (CI) it runs as the `postgres` user, in a
directory that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """The server could not be started; the message says why and how to fix it."""


def find_bindir() -> Path:
    """The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise ServerUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; "
            "install them with `apt-get install -y postgresql` (or set TALKSBOT_TEST_POSTGRES=0 to skip)."
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str) -> None:
        # cwd: the `postgres` user may not be able to enter the caller's directory.
        done = subprocess.run(
            [*self.as_user, *argv], capture_output=True, text=True, timeout=120, check=False, cwd=self.root
        )
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerUnavailable(
                f"{Path(argv[0]).name} failed: {(done.stderr or done.stdout).strip()[-2000:]} {tail}".strip()
            )

    def sql(self, statement: str) -> None:
        """Run one statement as the superuser, outside any transaction (CREATE/DROP DATABASE)."""
        done = subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(), "-c", statement],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise ServerUnavailable(f"psql failed: {done.stderr.strip()}")

    def require_password(self, role: str) -> None:
        """Make `role` log in with its password over TCP (everyone else keeps `trust`): the
        first matching pg_hba.conf line wins, so the new line goes first."""
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        self.sql("SELECT pg_reload_conf()")

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = find_bindir()
        root = Path(tempfile.mkdtemp(prefix="talksbot-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            # initdb and postgres refuse root; the package creates a `postgres` user.
            as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres", "postgres")
        server = cls(bindir, root, _free_port(), as_user)
        try:
            server._run(
                str(bindir / "initdb"),
                "-D",
                str(server.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            # Durability is pointless for a throwaway server and costs seconds per CREATE DATABASE.
            options = (
                f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            server._run(
                str(bindir / "pg_ctl"), "-D", str(server.data), "-o", options, "-l", str(root / "log"), "-w", "start"
            )
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return server

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
