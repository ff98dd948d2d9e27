"""A throwaway PostgreSQL cluster on loopback, for tests, CI and benchmarks.

Debian's `postgresql` package: `initdb` and `pg_ctl` in a fresh temporary directory, on a free
port of 127.0.0.1, trust authentication (loopback only). PostgreSQL refuses to run as root, so
as root the cluster runs as the `postgres` user. `stop()` removes the directory; use the
cluster as a context manager so it is stopped even when the code inside fails.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    debian = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return debian[-1] if debian else None


def available() -> bool:
    """initdb and pg_ctl are installed (and, as root, a postgres user exists to run them)."""
    if not (_bin("initdb") and _bin("pg_ctl")):
        return False
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="weibao-pg-"))
        self.port = _free_port()
        self.user = "postgres"
        self.started = False

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        data = self.dir / "data"
        self._run(
            _bin("initdb") or "initdb",
            "-D",
            str(data),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.dir} -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off"
        )
        self._run(
            _bin("pg_ctl") or "pg_ctl",
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True
        return self

    def env(self, database: str = "postgres") -> dict[str, str]:
        """The standard PG* variables that point libpq, dbt-postgres and weibao at the cluster."""
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": "",
            "PGDATABASE": database,
        }

    def stop(self) -> None:
        try:
            if self.started:
                self._run(
                    _bin("pg_ctl") or "pg_ctl",
                    "-D",
                    str(self.dir / "data"),
                    "-m",
                    "immediate",
                    "stop",
                )
        finally:
            self.started = False
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
