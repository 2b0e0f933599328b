"""What the readers of the warehouse (publish guard, review, report) need of a connection, on any engine:
`execute(query, parameters)` and `fetchall()`/`fetchone()` on its result. A DuckDB connection is one; on
PostgreSQL, budget_warehouse.pg_warehouse.PostgresReader runs the same queries (DuckDB's schema names and
`?` parameters) against the published schemas.

The report also needs a few things whose SQL differs by engine: creating and dropping its temporary tables,
streaming a result a batch at a time, writing a result to a file, bounding the engine's memory. Those are
the functions at the end of this module, each with a DuckDB form and a PostgreSQL form (the methods of
`ServerReader`), chosen in one place so that the report's code names no engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

import duckdb

# Rows converted to Python per fetch when a result is streamed: memory stays flat however many there are.
FETCH_ROWS = 5000


class Rows(Protocol):
    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...


class Queryable(Protocol):
    def execute(self, query: str, parameters: Any = ..., /) -> Rows: ...


class ServerReader(Queryable, Protocol):
    """A reader of a database server (PostgresReader): the engine-specific pieces of the report."""

    def execute_own(self, statement: str) -> None:
        """DDL on the session's own temporary tables (the session is otherwise read-only)."""

    def stream(self, query: str, parameters: Sequence[object], batch: int) -> Iterator[tuple[Any, ...]]:
        """A result fetched `batch` rows at a time."""

    def copy_csv(self, query: str, target: IO[str]) -> None:
        """A result as CSV rows (no header line), into an open text file."""


def execute_own(connection: Queryable, statement: str) -> None:
    """Create or drop one of the connection's own temporary tables."""
    if isinstance(connection, duckdb.DuckDBPyConnection):
        connection.execute(statement)
    else:
        _server(connection).execute_own(statement)


def stream(
    connection: Queryable, query: str, parameters: Sequence[object] = (), batch: int = FETCH_ROWS
) -> Iterator[tuple[Any, ...]]:
    """A result streamed `batch` rows at a time, so a caller holds at most that many."""
    if isinstance(connection, duckdb.DuckDBPyConnection):
        # DuckDB streams a result to Python as it is fetched; a cursor (another connection of the same
        # database) lets the caller run other queries meanwhile, but does not see the temporary tables
        with connection.cursor() as cursor:
            cursor.execute(query, list(parameters))
            while rows := cursor.fetchmany(batch):
                yield from rows
    else:
        yield from _server(connection).stream(query, parameters, batch)


def copy_csv(connection: Queryable, query: str, target: IO[str]) -> None:
    """A server's result as CSV rows into a local file. DuckDB's COPY writes the file itself (the report's
    _copy), so only a server reader has this."""
    _server(connection).copy_csv(query, target)


def report_session(connection: Queryable, spill: Path, memory_limit: str) -> None:
    """DuckDB runs inside this process: its memory is held to `memory_limit`, a larger sort spilling into
    `spill`, and it draws no progress bar (DuckDB draws one for a query of more than 2 s, onto the nightly's
    log: 290 lines of bars at 100,000 disclosures). A server's session is its own configuration's business,
    so nothing is set there."""
    if isinstance(connection, duckdb.DuckDBPyConnection):
        connection.execute(f"set memory_limit = '{memory_limit}'")
        connection.execute(f"set temp_directory = '{spill}'")
        connection.execute("set enable_progress_bar = false")


def is_duckdb(connection: Queryable) -> bool:
    return isinstance(connection, duckdb.DuckDBPyConnection)


def _server(connection: Queryable) -> ServerReader:
    if not all(hasattr(connection, name) for name in ("execute_own", "stream", "copy_csv")):
        raise TypeError(f"neither DuckDB nor a server reader: {type(connection).__name__}")
    server: ServerReader = connection  # type: ignore[assignment]
    return server
