"""A throwaway PostgreSQL server on this machine: initdb into a temporary folder, started on a free loopback
port, stopped and removed when done. The tests and the engines benchmark use it when no server is given.

The server is the Debian package's (`postgresql-15`, which `.ci/system-packages` installs when initdb is
missing). initdb and postgres refuse to run as root, and CI runs as root: the server then runs as the
`postgres` system user the Debian package creates (or one made here), in folders it owns. Clients reach it
over TCP on 127.0.0.1 with a password, as a BI tool would, through the standard libpq variables.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.extensions

DATABASE = "budget_warehouse"
SUPERUSER = "postgres"
OWNER = "budget_owner"
# Debian's package creates this user; where it does not exist, one of that name is created.
SERVER_USER = "postgres"
BIN_CANDIDATES = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))


class ServerNotStartedError(RuntimeError):
    pass


def server_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: PG_BIN, a Debian install, or the one pg_config names."""
    configured = os.environ.get("PG_BIN")
    candidates = [Path(configured)] if configured else []
    candidates.extend(BIN_CANDIDATES)
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    return None


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_account() -> pwd.struct_passwd | None:
    """Who runs the server: None for the current user, or an unprivileged account when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=True,
        )
        return pwd.getpwnam(SERVER_USER)


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    database: str
    owner: str
    owner_password: str
    superuser_password: str

    def env(self, user: str | None = None, password: str | None = None) -> dict[str, str]:
        """The libpq variables for a client: the owner's unless another login is given."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGDATABASE": self.database,
            "PGUSER": user or self.owner,
            "PGPASSWORD": password if password is not None else self.owner_password,
        }

    def connect(
        self, user: str | None = None, password: str | None = None, database: str | None = None
    ) -> psycopg2.extensions.connection:
        env = self.env(user, password)
        return psycopg2.connect(
            host=env["PGHOST"],
            port=env["PGPORT"],
            dbname=database or env["PGDATABASE"],
            user=env["PGUSER"],
            password=env["PGPASSWORD"],
        )

    def superuser(self) -> psycopg2.extensions.connection:
        return self.connect(SUPERUSER, self.superuser_password)


def _run_as(account: pwd.struct_passwd | None, command: list[str]) -> subprocess.CompletedProcess[str]:
    if account is None:
        return subprocess.run(command, capture_output=True, text=True, check=False)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        user=account.pw_uid,
        group=account.pw_gid,
        extra_groups=[],
    )


def _checked(result: subprocess.CompletedProcess[str], what: str, log: str = "") -> None:
    if result.returncode != 0:
        raise ServerNotStartedError(f"{what} failed: {result.stdout}{result.stderr}{log}")


@contextlib.contextmanager
def local_server(bin_dir: Path) -> Iterator[PostgresServer]:
    """A server of its own, with the warehouse database and its owner role (no superuser: the owner creates
    the reader and steward roles); stopped and its folder removed on exit."""
    account = _server_account()
    # Not under a private temporary folder of root's: the server user must reach its files.
    base = Path(tempfile.mkdtemp(prefix="budget-warehouse-pg-"))
    data, sockets, password_file = base / "data", base / "sockets", base / "superuser-password"
    superuser_password = secrets.token_hex(16)
    sockets.mkdir()
    password_file.write_text(superuser_password + "\n", encoding="utf-8")
    if account is not None:
        for path in (base, sockets, password_file):
            os.chown(path, account.pw_uid, account.pw_gid)
    try:
        initdb = [str(bin_dir / "initdb"), "--pgdata", str(data), "--username", SUPERUSER]
        initdb += ["--pwfile", str(password_file)]
        # passwords over TCP, as BI tools connect; the unix socket stays private to the server's folder
        initdb += ["--auth-host", "scram-sha-256", "--auth-local", "peer"]
        # the warehouse compares text byte by byte (its on-run-start check refuses any other collation)
        initdb += ["--encoding", "UTF8", "--locale", "C"]
        _checked(_run_as(account, initdb), "initdb")
        port = free_loopback_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets} "
            "-c fsync=off -c max_connections=60"
        )
        log = base / "server.log"
        start = [str(bin_dir / "pg_ctl"), "--pgdata", str(data), "--log", str(log), "--wait"]
        started = _run_as(account, [*start, "--options", options, "start"])
        _checked(
            started,
            "pg_ctl start",
            log.read_text(encoding="utf-8", errors="replace") if log.is_file() else "",
        )
        server = PostgresServer(
            host="127.0.0.1",
            port=port,
            database=DATABASE,
            owner=OWNER,
            owner_password=secrets.token_hex(16),
            superuser_password=superuser_password,
        )
        try:
            with contextlib.closing(server.connect(SUPERUSER, superuser_password, "postgres")) as admin:
                admin.autocommit = True
                with admin.cursor() as cursor:
                    cursor.execute(
                        f"create role {OWNER} login createrole password %s", (server.owner_password,)
                    )
                    cursor.execute(f"create database {DATABASE} owner {OWNER}")
            yield server
        finally:
            stop = [str(bin_dir / "pg_ctl"), "--pgdata", str(data), "--mode", "fast", "--wait", "stop"]
            _run_as(account, stop)
    finally:
        shutil.rmtree(base, ignore_errors=True)
