"""A real PostgreSQL server for the tests (budget_warehouse.local_postgres): initdb into a temporary folder,
started on a free loopback port for the session, stopped and removed after it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from budget_warehouse.local_postgres import OWNER, PostgresServer, local_server, server_bin_dir

__all__ = ["OWNER", "PostgresServer", "postgres_server", "require_postgres_server"]


def require_postgres_server() -> Path:
    """The only reason to skip a PostgreSQL test: no server to run (make test installs postgresql-15 when it
    runs as root, as CI does)."""
    bin_dir = server_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql-15")
    return bin_dir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own for the session, with the warehouse database and its owner role."""
    with local_server(require_postgres_server()) as server:
        yield server
