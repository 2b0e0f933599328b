"""The PostgreSQL fixture itself: a real server, reached with the libpq variables it hands out."""

from __future__ import annotations

import contextlib

from tests.postgres.conftest import OWNER, PostgresServer


def test_owner_connects_with_the_libpq_variables(postgres_server: PostgresServer) -> None:
    with contextlib.closing(postgres_server.connect()) as connection, connection.cursor() as cursor:
        cursor.execute("select current_user, current_database(), current_setting('server_version_num')::int")
        user, database, version = cursor.fetchone()
    assert (user, database) == (OWNER, postgres_server.database)
    assert version >= 150000
