"""The publish's swap of schemas on a real PostgreSQL 15 (budget_warehouse.pg_warehouse.publish), on small
schemas of its own so that many publishes take seconds: readers see the old tables or the new ones, never a
mix; a query already running is waited for; a session idle in a transaction does not stop the publish.

Every table of a build holds as many rows as the build's number, so a statement counting every table reads
one number throughout unless it read two builds.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import psycopg2
import pytest
from psycopg2 import sql

from budget_warehouse import pg_warehouse
from tests.postgres.conftest import PostgresServer

TABLES = tuple(f"mart_{number:02d}" for number in range(17))
FALLBACK = "without locking them out"


@pytest.fixture()
def swap_server(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> PostgresServer:
    for variable, value in postgres_server.env().items():
        monkeypatch.setenv(variable, value)
    return postgres_server


def build(server: PostgresServer, prefix: str, number: int) -> str:
    """The marts schema of build `number`, as a nightly's dbt build leaves it; returns its run id."""
    run_id = f"{number:014d}"
    schema = pg_warehouse.schema_name(pg_warehouse.build_prefix(prefix, run_id), pg_warehouse.MARTS_LAYER)
    with contextlib.closing(server.connect()) as owner, owner.cursor() as cursor:
        cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))
        for table in TABLES:
            create = sql.SQL("create table {} as select row_number from generate_series(1, %s) as row_number")
            cursor.execute(create.format(sql.Identifier(schema, table)), (number,))
        owner.commit()
    return run_id


def counts_query(prefix: str) -> sql.Composed:
    marts = pg_warehouse.schema_name(prefix, pg_warehouse.MARTS_LAYER)
    return sql.SQL("select {}").format(
        sql.SQL(", ").join(
            sql.SQL("(select count(*) from {})").format(sql.Identifier(marts, table)) for table in TABLES
        )
    )


@contextlib.contextmanager
def published_prefix(server: PostgresServer, prefix: str) -> Iterator[None]:
    """Build 1 published under the prefix; every schema of the prefix dropped afterwards."""
    pg_warehouse.ensure_roles_and_stewardship(prefix)
    pg_warehouse.publish(prefix, build(server, prefix, 1))
    try:
        yield
    finally:
        with contextlib.closing(server.connect()) as owner, owner.cursor() as cursor:
            cursor.execute("select nspname from pg_namespace where starts_with(nspname, %s)", (prefix + "_",))
            pg_warehouse.drop_schemas(cursor, [name for (name,) in cursor.fetchall()])
            owner.commit()


def test_readers_counting_every_table_in_one_statement_never_see_a_mix(
    swap_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three readers, each statement in its own transaction, through 60 publishes. Without the swap's locks
    a few statements in 40 publishes looked up some tables before a commit and the rest after it."""
    prefix = "swap_readers"
    publishes = 60
    stop = threading.Event()
    mixes: list[tuple[int, ...]] = []
    errors: list[BaseException] = []
    reads = [0] * 3

    def read_in_a_loop(reader: int) -> None:
        with contextlib.closing(swap_server.connect()) as connection:
            connection.autocommit = True
            query = counts_query(prefix).as_string(connection)
            with connection.cursor() as cursor:
                while not stop.is_set():
                    try:
                        cursor.execute(query)
                        row = cursor.fetchone()
                    except psycopg2.Error as error:
                        errors.append(error)
                        continue
                    reads[reader] += 1
                    if row is None or len(set(row)) != 1:
                        mixes.append(tuple(row or ()))

    with published_prefix(swap_server, prefix):
        threads = [threading.Thread(target=read_in_a_loop, args=(reader,)) for reader in range(3)]
        for thread in threads:
            thread.start()
        try:
            for number in range(2, publishes + 2):
                pg_warehouse.publish(prefix, build(swap_server, prefix, number))
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    assert not errors, errors[:3]
    assert not mixes, mixes[:3]
    assert min(reads) > publishes
    assert FALLBACK not in capsys.readouterr().out


def test_the_swap_waits_for_a_query_running_on_the_old_tables(
    swap_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The query finishes on the old tables; the swap commits after it, not under it."""
    prefix = "swap_running"
    previous = pg_warehouse.previous_prefix(prefix, "00000000000002")
    with published_prefix(swap_server, prefix):
        slow_result: list[tuple[int, ...] | None] = []
        slow_query = sql.SQL("select counts.*, pg_sleep(2) from ({}) as counts").format(counts_query(prefix))

        def run_slow_query() -> None:
            with contextlib.closing(swap_server.connect()) as connection, connection.cursor() as cursor:
                cursor.execute(slow_query)
                slow_result.append(cursor.fetchone())

        slow = threading.Thread(target=run_slow_query)
        publishing = threading.Thread(
            target=pg_warehouse.publish, args=(prefix, build(swap_server, prefix, 2))
        )
        slow.start()
        time.sleep(0.5)
        publishing.start()
        time.sleep(0.5)
        with contextlib.closing(swap_server.connect()) as connection, connection.cursor() as cursor:
            # the catalogue is not locked: what it shows is what is committed
            cursor.execute("select count(*) from pg_namespace where starts_with(nspname, %s)", (previous,))
            swapped_during_the_query = cursor.fetchone()
            slow.join()
            publishing.join()
            cursor.execute(counts_query(prefix))
            after = cursor.fetchone()
    assert swapped_during_the_query == (0,)
    assert slow_result and slow_result[0] is not None and slow_result[0][:-1] == (1,) * len(TABLES)
    assert after == (2,) * len(TABLES)
    assert FALLBACK not in capsys.readouterr().out


def test_a_session_idle_in_a_transaction_does_not_hold_up_the_publish(
    swap_server: PostgresServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dashboard left idle in a transaction holds the old tables for as long as it likes: the publish
    tries for BUDGET_WAREHOUSE_PG_PUBLISH_LOCK_WAIT, then swaps without the locks and names the session; the
    old schema is left for the next run."""
    prefix = "swap_idle"
    monkeypatch.setenv("BUDGET_WAREHOUSE_PG_PUBLISH_LOCK_WAIT", "1s")
    monkeypatch.setenv("BUDGET_WAREHOUSE_PG_OLD_SCHEMA_WAIT", "1s")
    with published_prefix(swap_server, prefix):
        holder = swap_server.connect()
        try:
            with holder.cursor() as cursor:
                cursor.execute("select set_config('application_name', 'idle dashboard', false)")
                cursor.execute(counts_query(prefix))
                assert cursor.fetchone() == (1,) * len(TABLES)
                started = time.monotonic()
                published = pg_warehouse.publish(prefix, build(swap_server, prefix, 2))
                waited = time.monotonic() - started
                # the same transaction's next statement reads the new tables, without an error
                cursor.execute(counts_query(prefix))
                assert cursor.fetchone() == (2,) * len(TABLES)
        finally:
            holder.close()
        printed = capsys.readouterr().out
        assert published == [f"{prefix}_marts"]
        assert FALLBACK in printed
        assert "idle dashboard" in printed and "idle in transaction" in printed
        assert f"readers still hold {prefix}__previous_00000000000002_marts" in printed
        assert 1 <= waited < 10
