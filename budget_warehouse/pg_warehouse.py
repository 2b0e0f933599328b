"""The warehouse on PostgreSQL: schemas, the nightly's lock, publishing by renaming schemas, roles and grants.

dbt names every schema `<prefix>_<layer>` on PostgreSQL (macros/generate_schema_name.sql; the prefix is
BUDGET_WAREHOUSE_PG_SCHEMA, `budget_warehouse` by default): `budget_warehouse_marts` is what BI tools read.
A nightly builds under a prefix of its own, `<prefix>__build_<run id>`, so the published schemas are never
written. Publishing is one transaction: each published schema is renamed aside to
`<prefix>__previous_<run id>_<layer>`, each build schema takes its published name, grants are applied, commit.
PostgreSQL's DDL is transactional, so no reader sees a missing table. A statement looks its tables up one by
one, though: one that looked up some before the commit and the rest after it would read a mix. So the swap
first takes every published relation for itself (ACCESS EXCLUSIVE, in short attempts that let readers
through), and a statement waiting on one looks it up again after the commit: all old, or all new. Readers that
hold the old tables past PUBLISH_LOCK_WAIT (a session idle in a transaction) do not stop the publish: it goes
ahead without the locks and says who held them. The old schemas are dropped after the commit (the drop waits
for the queries still running on them).

Roles (NOLOGIN groups, created idempotently; people and BI tools log in as members):
- bi_reader: USAGE on the marts schema and SELECT on its tables, nothing else anywhere.
- steward: what bi_reader has, plus writing `<prefix>_stewardship.decisions`, the stewards' decisions that
  the next build merges into review.steward_acknowledgements (macros/stewardship.sql).
- the owner (the login that runs the nightly) creates and owns everything.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import IO, Any

import psycopg2
import psycopg2.errors
import psycopg2.extensions
from psycopg2 import sql

from budget_warehouse.run_lock import WarehouseBusyError

DEFAULT_PREFIX = "budget_warehouse"
BUILD_INFIX = "__build_"
PREVIOUS_INFIX = "__previous_"
MARTS_LAYER = "marts"
STEWARDSHIP_LAYER = "stewardship"
# The layers dbt builds (dbt_project.yml's schemas and the landing source): a published one the build no
# longer makes is set aside with the rest, never left behind stale.
BUILT_LAYERS = frozenset(("landing", "raw", "staging", "intermediate", "marts", "reference", "review"))
READER_ROLE = "bi_reader"
STEWARD_ROLE = "steward"
DECISIONS_TABLE = "decisions"
# F- and 16 hex digits of md5; 12 before the ids were widened (decisions recorded then are still accepted)
FINDING_ID_PATTERN = "^F-[0-9a-f]{12}([0-9a-f]{4})?$"
# the name PostgreSQL gave the column's check when the table was first created
FINDING_ID_CHECK = "decisions_finding_id_check"
# What the stewards may record, as the seed's accepted_values test says.
DECISIONS = ("accepted", "false_positive", "referred_back")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
# PostgreSQL truncates identifiers beyond 63 bytes: a schema name that long would silently collide.
MAX_IDENTIFIER = 63
# Names the Python readers use (marts.x, reference.x): on PostgreSQL each is the prefixed schema.
_LAYER_REFERENCE = re.compile(r"\b(marts|reference|staging|intermediate|review|landing)\.(?=[a-z_\"])")


def published_prefix() -> str:
    """The published schemas' prefix: BUDGET_WAREHOUSE_PG_SCHEMA, or budget_warehouse."""
    return checked_identifier(os.environ.get("BUDGET_WAREHOUSE_PG_SCHEMA") or DEFAULT_PREFIX)


def checked_identifier(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name) or len(name) > MAX_IDENTIFIER:
        raise ValueError(f"not a plain lower-case PostgreSQL identifier of at most 63 bytes: {name!r}")
    return name


def schema_name(prefix: str, layer: str) -> str:
    """`<prefix>_<layer>`, as generate_schema_name names a custom schema on PostgreSQL."""
    return checked_identifier(f"{prefix}_{layer}")


def qualify(query: str, prefix: str) -> str:
    """A query written against DuckDB's schema names (marts.x) with PostgreSQL's (<prefix>_marts.x). Text
    literals are not told apart: the readers' queries name no schema inside one."""
    return _LAYER_REFERENCE.sub(lambda match: f"{prefix}_{match.group(1)}.", query)


def new_run_id(now: datetime | None = None) -> str:
    # the lock allows one run per prefix at a time, so the second is enough; names stay short (63 bytes)
    return (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")


def build_prefix(prefix: str, run_id: str) -> str:
    return checked_identifier(f"{prefix}{BUILD_INFIX}{run_id}")


def previous_prefix(prefix: str, run_id: str) -> str:
    return checked_identifier(f"{prefix}{PREVIOUS_INFIX}{run_id}")


def connect(application_name: str = "budget_warehouse") -> psycopg2.extensions.connection:
    """A connection named by the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)."""
    return psycopg2.connect("", application_name=application_name)


def database_label() -> str:
    return (
        f"PostgreSQL database {os.environ.get('PGDATABASE', '?')} on {os.environ.get('PGHOST', 'localhost')}"
    )


@contextmanager
def nightly_lock(prefix: str) -> Iterator[psycopg2.extensions.connection]:
    """One nightly per database and prefix: a session advisory lock, released by the server however the
    holder ends (a killed job's connection closes). The holder's pid is in its application_name."""
    connection = connect(f"budget_warehouse nightly pid {os.getpid()}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            key = f"budget_warehouse nightly {prefix}"
            cursor.execute("select pg_try_advisory_lock(hashtext(%s))", (key,))
            row = cursor.fetchone()
            if not row or not row[0]:
                cursor.execute(
                    "select activity.application_name from pg_locks as locks "
                    "join pg_stat_activity as activity on activity.pid = locks.pid "
                    "where locks.locktype = 'advisory' and locks.granted and locks.objid = "
                    "hashtext(%s)::oid and locks.pid <> pg_backend_pid()",
                    (key,),
                )
                holder = cursor.fetchone()
                who = holder[0] if holder else "unknown"
                raise WarehouseBusyError(
                    f"another nightly is running on {database_label()}, schemas {prefix}_* ({who}); "
                    "this run changes nothing"
                )
        yield connection
    finally:
        connection.close()


def schemas_with_prefix(cursor: Any, prefix: str) -> dict[str, str]:
    """layer -> schema for every schema named `<prefix>_<layer>`. Layers are single words (marts, staging
    ...): `<prefix>__build_x_marts` or another prefix's `<prefix>_other_marts` are not layers of this one."""
    cursor.execute(
        "select nspname from pg_namespace where starts_with(nspname, %s) order by 1", (prefix + "_",)
    )
    found = {}
    for (name,) in cursor.fetchall():
        layer = name[len(prefix) + 1 :]
        if layer and "_" not in layer:
            found[layer] = name
    return found


def drop_schemas(cursor: Any, schemas: Sequence[str]) -> None:
    for schema in schemas:
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))


# How long dropping an old schema waits for readers still inside it (a BI session idle in a transaction can
# hold its tables for hours): past that, the schema is left for the next run to drop.
# BUDGET_WAREHOUSE_PG_OLD_SCHEMA_WAIT overrides it (a PostgreSQL interval: 60s, 5min).
OLD_SCHEMA_LOCK_TIMEOUT = "60s"


def drop_old_schemas(schemas: Sequence[str]) -> list[str]:
    """Drop schemas nobody should read any more, each in its own transaction, waiting at most
    OLD_SCHEMA_LOCK_TIMEOUT for the readers still in it; returns those left for the next run."""
    left = []
    connection = connect()
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            wait = os.environ.get("BUDGET_WAREHOUSE_PG_OLD_SCHEMA_WAIT") or OLD_SCHEMA_LOCK_TIMEOUT
            cursor.execute("select set_config('lock_timeout', %s, false)", (wait,))
            for schema in schemas:
                try:
                    drop_schemas(cursor, [schema])
                except psycopg2.errors.LockNotAvailable:
                    left.append(schema)
    finally:
        connection.close()
    return left


def drop_build(prefix: str, run_id: str) -> None:
    """Remove a failed or refused build's schemas; the published ones are not touched."""
    with connect() as connection, connection.cursor() as cursor:
        drop_schemas(cursor, list(schemas_with_prefix(cursor, build_prefix(prefix, run_id)).values()))
    connection.close()


def leftover_schemas(cursor: Any, prefix: str) -> list[str]:
    """Build and previous schemas of earlier runs that died before cleaning up (the lock is held: no
    other nightly of this prefix is running)."""
    cursor.execute(
        "select nspname from pg_namespace "
        "where starts_with(nspname, %s) or starts_with(nspname, %s) order by 1",
        (prefix + BUILD_INFIX, prefix + PREVIOUS_INFIX),
    )
    return [name for (name,) in cursor.fetchall()]


def _accept_widened_ids(cursor: Any, stewardship: str) -> None:
    """A decisions table created when ids had 12 hex digits checks for exactly 12: widen its check once
    (a decision under an old id stays, and fct_stale_acknowledgements names the finding it means now)."""
    table = sql.Identifier(stewardship, DECISIONS_TABLE)
    cursor.execute(
        "select pg_get_constraintdef(oid) from pg_constraint where conrelid = %s::regclass and conname = %s",
        (f'"{stewardship}"."{DECISIONS_TABLE}"', FINDING_ID_CHECK),
    )
    row = cursor.fetchone()
    if row is not None and "{4}" in str(row[0]):
        return
    check = sql.Identifier(FINDING_ID_CHECK)
    cursor.execute(sql.SQL("alter table {} drop constraint if exists {}").format(table, check))
    cursor.execute(
        sql.SQL("alter table {} add constraint {} check (finding_id ~ {})").format(
            table, check, sql.Literal(FINDING_ID_PATTERN)
        )
    )


def ensure_roles_and_stewardship(prefix: str) -> None:
    """The group roles and the stewards' decisions table, created when missing (idempotent)."""
    stewardship = schema_name(prefix, STEWARDSHIP_LAYER)
    with connect() as connection, connection.cursor() as cursor:
        for role in (READER_ROLE, STEWARD_ROLE):
            cursor.execute("select 1 from pg_roles where rolname = %s", (role,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
        cursor.execute("select current_database()")
        row = cursor.fetchone()
        database = sql.Identifier(str(row[0] if row else ""))
        # No scratch tables for anyone but the owner: a reader must not write anywhere, temp tables included.
        cursor.execute(sql.SQL("revoke temporary on database {} from public").format(database))
        cursor.execute(sql.SQL("revoke create on schema public from public"))
        cursor.execute(
            sql.SQL("grant connect on database {} to {}, {}").format(
                database, sql.Identifier(READER_ROLE), sql.Identifier(STEWARD_ROLE)
            )
        )
        cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(stewardship)))
        cursor.execute(
            sql.SQL(
                "create table if not exists {} ("
                "finding_id text primary key constraint {} check (finding_id ~ {}), "
                "decision text not null check (decision in ({})), "
                "decided_by text not null default session_user, "
                "decided_on date not null default current_date, "
                "note text)"
            ).format(
                sql.Identifier(stewardship, DECISIONS_TABLE),
                sql.Identifier(FINDING_ID_CHECK),
                sql.Literal(FINDING_ID_PATTERN),
                sql.SQL(", ").join(sql.Literal(decision) for decision in DECISIONS),
            )
        )
        _accept_widened_ids(cursor, stewardship)
        cursor.execute(
            sql.SQL("grant usage on schema {} to {}").format(
                sql.Identifier(stewardship), sql.Identifier(STEWARD_ROLE)
            )
        )
        cursor.execute(
            sql.SQL("grant select, insert, update, delete on {} to {}").format(
                sql.Identifier(stewardship, DECISIONS_TABLE), sql.Identifier(STEWARD_ROLE)
            )
        )
    connection.close()


def _grant_marts(cursor: Any, marts_schema: str) -> None:
    """Readers and stewards read every relation of the marts schema; nothing else is granted on it."""
    for role in (READER_ROLE, STEWARD_ROLE):
        cursor.execute(
            sql.SQL("grant usage on schema {} to {}").format(
                sql.Identifier(marts_schema), sql.Identifier(role)
            )
        )
        cursor.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(marts_schema), sql.Identifier(role)
            )
        )


# How long the swap tries to take the published relations from their readers before it goes ahead without
# them; BUDGET_WAREHOUSE_PG_PUBLISH_LOCK_WAIT overrides it (a PostgreSQL interval: 30s, 2min).
PUBLISH_LOCK_WAIT = "30s"
# One attempt never keeps readers queued longer than this (nor half of the server's deadlock_timeout, so that
# a reader that is waiting on the swap never has a deadlock reported to it: the attempt gives up first).
PUBLISH_LOCK_ATTEMPT_MS = 500
PUBLISH_LOCK_PAUSE_S = 0.1


def _relations(cursor: Any, schemas: Sequence[str]) -> list[tuple[str, str]]:
    """The tables and views of the schemas (what a reader's statement locks when it names them)."""
    cursor.execute(
        "select namespace.nspname, class.relname from pg_class as class "
        "join pg_namespace as namespace on namespace.oid = class.relnamespace "
        "where namespace.nspname = any(%s) and class.relkind in ('r', 'p', 'v', 'm', 'f') order by 1, 2",
        (list(schemas),),
    )
    return [(schema, name) for schema, name in cursor.fetchall()]


def _holders(cursor: Any, schemas: Sequence[str]) -> list[str]:
    """The other sessions holding a lock on a relation of the schemas: who kept the swap waiting."""
    cursor.execute(
        "select distinct format('%%s (%%s, pid %%s, %%s since %%s)', activity.usename, "
        "coalesce(nullif(activity.application_name, ''), 'no application name'), activity.pid, "
        "activity.state, to_char(activity.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ')) "
        "from pg_locks as locks "
        "join pg_stat_activity as activity on activity.pid = locks.pid "
        "join pg_class as class on class.oid = locks.relation "
        "join pg_namespace as namespace on namespace.oid = class.relnamespace "
        "where locks.granted and locks.pid <> pg_backend_pid() and namespace.nspname = any(%s) order by 1",
        (list(schemas),),
    )
    return [holder for (holder,) in cursor.fetchall()]


def _take_published(cursor: Any, schemas: Sequence[str]) -> list[str]:
    """Lock every relation of the published schemas for the swap's transaction. Returns [] once they are
    taken, or who held them for the whole PUBLISH_LOCK_WAIT (the transaction then holds none of them)."""
    relations = _relations(cursor, schemas)
    if not relations:
        return []
    wait = os.environ.get("BUDGET_WAREHOUSE_PG_PUBLISH_LOCK_WAIT") or PUBLISH_LOCK_WAIT
    cursor.execute(
        "select extract(epoch from %s::interval), "
        "extract(epoch from current_setting('deadlock_timeout')::interval) * 1000 / 2, "
        "current_setting('statement_timeout')",
        (wait,),
    )
    row = cursor.fetchone()
    assert row is not None
    wait_seconds, half_deadlock_ms, statement_timeout = row
    attempt_ms = max(1, min(PUBLISH_LOCK_ATTEMPT_MS, int(half_deadlock_ms)))
    lock = sql.SQL("lock table {} in access exclusive mode").format(
        sql.SQL(", ").join(sql.Identifier(schema, name) for schema, name in relations)
    )
    deadline = time.monotonic() + float(wait_seconds)
    while True:
        cursor.execute("savepoint take_published")
        cursor.execute("select set_config('statement_timeout', %s, true)", (f"{attempt_ms}ms",))
        try:
            cursor.execute(lock)
        except psycopg2.errors.QueryCanceled:
            # the locks this attempt took are released: the readers queued behind them go on
            cursor.execute("rollback to savepoint take_published")
            if time.monotonic() >= deadline:
                return _holders(cursor, schemas) or ["a reader that has since finished"]
            time.sleep(PUBLISH_LOCK_PAUSE_S)
            continue
        cursor.execute("select set_config('statement_timeout', %s, true)", (statement_timeout,))
        cursor.execute("release savepoint take_published")
        return []


def publish(prefix: str, run_id: str) -> list[str]:
    """Swap the build's schemas in for the published ones in one transaction, grant, then drop the old
    ones. Returns the published schemas."""
    build = build_prefix(prefix, run_id)
    previous = previous_prefix(prefix, run_id)
    with connect() as connection, connection.cursor() as cursor:
        built = schemas_with_prefix(cursor, build)
        if MARTS_LAYER not in built:
            raise RuntimeError(f"the build made no {build}_{MARTS_LAYER} schema: nothing to publish")
        # only the layers a build makes: a schema of someone else's that happens to share the prefix stays
        published = {
            layer: schema
            for layer, schema in schemas_with_prefix(cursor, prefix).items()
            if layer in built or layer in BUILT_LAYERS
        }
        _grant_marts(cursor, built[MARTS_LAYER])
        holders = _take_published(cursor, sorted(published.values()))
        if holders:
            print(
                "nightly: readers held the published schemas through the whole wait, so the swap goes ahead "
                "without locking them out: a query that started at that instant may read some tables old and "
                f"some new. Held by: {'; '.join(holders)}"
            )
        # every published layer moves aside, also one this build no longer makes (it would be stale)
        for layer, schema in sorted(published.items()):
            cursor.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(schema), sql.Identifier(schema_name(previous, layer))
                )
            )
        for layer, schema in sorted(built.items()):
            cursor.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(schema), sql.Identifier(schema_name(prefix, layer))
                )
            )
        cursor.execute(
            "select nspname from pg_namespace where starts_with(nspname, %s) order by 1", (previous + "_",)
        )
        old_schemas = [name for (name,) in cursor.fetchall()]
    connection.close()
    # committed: readers now resolve the published names to the new tables; queries still running on the
    # old ones finish there, and the drop waits for them
    left = drop_old_schemas(old_schemas)
    if left:
        print(f"nightly: readers still hold {', '.join(left)}; the next run drops them")
    return [schema_name(prefix, layer) for layer in sorted(built)]


class PostgresReader:
    """Runs the readers' queries (written for DuckDB's schema names and `?` parameters) on PostgreSQL: the
    few methods of a DuckDB connection that the publish guard, review and report use."""

    def __init__(self, connection: psycopg2.extensions.connection, prefix: str) -> None:
        self.connection = connection
        self.prefix = prefix
        self._cursor: Any = None

    def execute(self, query: str, parameters: Sequence[Any] | None = None) -> PostgresReader:
        self._cursor = self.connection.cursor()
        self._cursor.execute(qualify(query, self.prefix).replace("?", "%s"), parameters)
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._cursor.fetchall())

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def first_rows(self, query: str, limit: int) -> list[dict[str, Any]]:
        """The first `limit` rows of a query, each as a dict by column name."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("select * from ({}) as query_rows limit {}").format(
                    sql.SQL(qualify(query, self.prefix)), sql.Literal(limit)
                )
            )
            columns = [column.name for column in cursor.description or ()]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def execute_own(self, statement: str) -> None:
        """DDL on the session's own temporary tables. The session is read-only by default and PostgreSQL
        refuses every CREATE and DROP in a read-only transaction, even of a temporary table: the statement
        runs in a read-write transaction of its own. It names no published table (the report's temporary
        tables only), so nothing but this session's scratch space is written."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"begin read write; {qualify(statement, self.prefix)}; commit")

    def stream(self, query: str, parameters: Sequence[Any], batch: int) -> Iterator[tuple[Any, ...]]:
        """A server-side cursor: psycopg2's ordinary cursor would fetch the whole result into this process.
        WITH HOLD, since the session is in autocommit mode (the cursor outlives its statement)."""
        with self.connection.cursor(name=f"stream_{uuid.uuid4().hex}", withhold=True) as cursor:
            cursor.itersize = batch
            cursor.execute(qualify(query, self.prefix).replace("?", "%s"), list(parameters) or None)
            while rows := cursor.fetchmany(batch):
                yield from (tuple(row) for row in rows)

    def copy_csv(self, query: str, target: IO[str]) -> None:
        """COPY ... TO STDOUT: the server sends the rows, written here as they arrive (COPY ... TO a file
        would write on the server's disk)."""
        with self.connection.cursor() as cursor:
            cursor.copy_expert(f"copy ({qualify(query, self.prefix)}) to stdout with (format csv)", target)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> PostgresReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_reader(prefix: str) -> PostgresReader:
    """A read-only session on the published schemas (the owner's login, but nothing it runs can write)."""
    connection = connect("budget_warehouse reader")
    connection.set_session(readonly=True, autocommit=True)
    return PostgresReader(connection, prefix)
